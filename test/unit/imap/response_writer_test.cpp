// ResponseWriter (imap/syntax/response_writer.h): line shapes, automatic spacing, quoting and the quoted/literal
// choice, literal8, NIL/nstring/astring, mailbox names in modified UTF-7 and UTF8=ACCEPT mode, response codes, and
// IMAP date-times.
#include <boost/test/unit_test.hpp>

#include <string>

#include "imap/syntax/response_writer.h"

namespace {

using imap::syntax::kMaxQuotedBytes;
using imap::syntax::ResponseWriter;
using namespace std::literals;

std::string out(const ResponseWriter& w) { return std::string(w.view()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(response_writer)

BOOST_AUTO_TEST_CASE(rfc3501_sample_responses) {
  ResponseWriter w;
  w.untagged().atom("OK").text("IMAP4rev1 Service Ready").end();
  w.untagged().number(18).atom("EXISTS").end();
  w.untagged().atom("FLAGS").open().atom("\\Answered").atom("\\Flagged").atom("\\Deleted").atom("\\Seen")
      .atom("\\Draft").close().end();
  w.untagged().atom("OK").open_code("UNSEEN").number(17).close_code().text("Message 17 is the first unseen message")
      .end();
  w.untagged().atom("OK").open_code("UIDVALIDITY").number(3857529045u).close_code().text("UIDs valid").end();
  w.tagged("a002").atom("OK").code("READ-WRITE").text("SELECT completed").end();
  w.untagged().number(12).atom("FETCH").open().atom("FLAGS").open().atom("\\Seen").atom("\\Deleted").close().close()
      .end();
  w.untagged().atom("BYE").text("IMAP4rev1 server terminating connection").end();
  w.continuation().text("Ready for literal data").end();
  BOOST_TEST(out(w) ==
             "* OK IMAP4rev1 Service Ready\r\n"
             "* 18 EXISTS\r\n"
             "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
             "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n"
             "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
             "a002 OK [READ-WRITE] SELECT completed\r\n"
             "* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n"
             "* BYE IMAP4rev1 server terminating connection\r\n"
             "+ Ready for literal data\r\n");
}

BOOST_AUTO_TEST_CASE(empty_lists_and_raw) {
  ResponseWriter w;
  w.untagged().atom("SEARCH").end();
  w.untagged().number(1).atom("FETCH").open().atom("FLAGS").open().close().atom("BODY[]").raw("<0>")
      .literal_header(3).raw("abc").close().end();
  BOOST_TEST(out(w) == "* SEARCH\r\n* 1 FETCH (FLAGS () BODY[]<0> {3}\r\nabc)\r\n");
}

BOOST_AUTO_TEST_CASE(quoted_and_literal_choice) {
  ResponseWriter w;
  w.string("plain text");
  w.string("say \"hi\" \\o/");
  w.string("");
  w.string("two\r\nlines");
  w.string("nul\0byte"sv);
  w.string("caf\xC3\xA9");
  BOOST_TEST(out(w) ==
             "\"plain text\" \"say \\\"hi\\\" \\\\o/\" \"\" {10}\r\ntwo\r\nlines {8}\r\nnul\0byte {5}\r\ncaf\xC3\xA9"s);
  ResponseWriter big;
  big.string(std::string(kMaxQuotedBytes, 'a'));
  BOOST_TEST(big.view().front() == '"');
  big.clear();
  big.string(std::string(kMaxQuotedBytes + 1, 'a'));
  BOOST_TEST(big.view().starts_with("{" + std::to_string(kMaxQuotedBytes + 1) + "}\r\naaa"));
}

BOOST_AUTO_TEST_CASE(utf8_accept_mode_quotes_utf8) {
  ResponseWriter w(true);
  w.string("caf\xC3\xA9");
  w.string("bad \xFF");  // not UTF-8: still a literal
  BOOST_TEST(out(w) == "\"caf\xC3\xA9\" {5}\r\nbad \xFF");
}

BOOST_AUTO_TEST_CASE(literal8_nil_nstring_astring) {
  ResponseWriter w;
  w.atom("BINARY[]").literal8(base::as_bytes("a\0b"sv)).nil().nstring(std::nullopt).nstring("x").astring("atom]ok")
      .astring("needs quote").astring("").astring("NIL").astring("a{b").astring("%");
  BOOST_TEST(out(w) == "BINARY[] ~{3}\r\na\0b NIL NIL \"x\" atom]ok \"needs quote\" \"\" \"NIL\" \"a{b\" \"%\""s);
}

BOOST_AUTO_TEST_CASE(mailbox_names) {
  ResponseWriter w;
  w.untagged().atom("LIST").open().close().quoted("/").mailbox("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97").end();
  w.untagged().atom("LIST").open().close().quoted("/").mailbox("Tom & Jerry").end();
  w.untagged().atom("STATUS").mailbox("INBOX").open().atom("MESSAGES").number(2).close().end();
  BOOST_TEST(out(w) ==
             "* LIST () \"/\" \"~peter/mail/&U,BTFw-\"\r\n"
             "* LIST () \"/\" \"Tom &- Jerry\"\r\n"
             "* STATUS \"INBOX\" (MESSAGES 2)\r\n");
  ResponseWriter u(true);
  u.mailbox("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97").mailbox("a\"b").mailbox("bad\xFF");
  BOOST_TEST(out(u) == "\"~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97\" \"a\\\"b\" {4}\r\nbad\xFF");
  ResponseWriter m;
  m.mailbox("bad\xFF");  // invalid UTF-8 cannot be mUTF-7 encoded: sent as raw bytes
  BOOST_TEST(out(m) == "{4}\r\nbad\xFF");
}

BOOST_AUTO_TEST_CASE(date_time_and_text) {
  ResponseWriter w;
  w.atom("INTERNALDATE").date_time(1795633074).atom("X").date_time(837596665, -420);
  BOOST_TEST(out(w) == "INTERNALDATE \"25-Nov-2026 18:57:54 +0000\" X \"17-Jul-1996 02:44:25 -0700\"");
  ResponseWriter t;
  t.tagged("a1").atom("NO").text("bad\r\nthing\0"sv).end();
  BOOST_TEST(out(t) == "a1 NO bad  thing \r\n");
}

BOOST_AUTO_TEST_CASE(take_and_clear) {
  ResponseWriter w;
  w.untagged().atom("OK").end();
  base::Bytes b = w.take();
  BOOST_TEST(b.size() == 6u);
  BOOST_TEST(w.size() == 0u);
  w.atom("A").atom("B");
  BOOST_TEST(out(w) == "A B");
  w.clear();
  w.atom("C");
  BOOST_TEST(out(w) == "C");
}

BOOST_AUTO_TEST_SUITE_END()
