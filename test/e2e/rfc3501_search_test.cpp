// RFC 3501 §6.4.4 over the real server: every search key on a mailbox of four messages built to tell them apart
// (flags and keywords, internal and sent dates, sizes, sequence and UID sets, address and subject fields with
// encoded words, a custom header, bodies in base64 UTF-8, quoted-printable KOI8-R and plain ASCII, an image part
// that must not match), OR/NOT/parenthesised lists, CHARSET UTF-8 and US-ASCII with 8-bit needles sent as
// literals, NO [BADCHARSET] for others, BAD for keys not offered; and a mailbox larger than one pool batch.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;

namespace {

const std::string kAlice =
    "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"  // 8 Feb in UTC: SENTON must use the day as written
    "From: Alice Example <alice@example.org>\r\n"
    "To: bob@example.net\r\n"
    "Cc: carol@example.com\r\n"
    "Bcc: dave@example.com\r\n"
    "Subject: Quarterly report\r\n"
    "Message-ID: <q1@example.org>\r\n"
    "\r\n"
    "The numbers are up.\r\n";

std::string jurgen() {
  return "Date: Sun, 15 Mar 2020 10:00:00 +0100\r\n"
         "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jurgen@example.de>\r\n"
         "To: team@example.de\r\n"
         "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus Berlin\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
         "\r\n"
         "--b1\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n" +
         base64("Die Geschichte von ΣΊΣΥΦΟΣ und dem Stein.\r\n") +
         "\r\n"
         "--b1\r\n"
         "Content-Type: image/png; name=\"x.png\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n" +
         base64("binary secretword inside an image") +
         "\r\n"
         "--b1--\r\n";
}

// KOI8-R "Привет мир" quoted-printable; no Date: field (SENT* use the internal date); over 10,000 bytes.
std::string russian() {
  std::string padding;
  for (int i = 0; i < 300; ++i) padding += "padding line number " + std::to_string(i) + " of the large message\r\n";
  return "From: ivan@example.ru\r\n"
         "To: bob@example.net\r\n"
         "Subject: Russian\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=koi8-r\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n"
         "=F0=D2=C9=D7=C5=D4 =CD=C9=D2\r\n" +
         padding;
}

const std::string kPlain =
    "Date: Sat, 2 Jan 2021 08:00:00 +0000\r\n"
    "From: bob@example.net\r\n"
    "To: alice@example.org\r\n"
    "Subject: Plain\r\n"
    "X-Custom: Special-Value\r\n"
    "\r\n"
    "hello world\r\n";

struct SearchFixture {
  SearchFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
    append(kAlice, "(\\Seen \\Answered) \"07-Feb-1994 21:52:25 -0800\"");
    append(jurgen(), "(\\Flagged $Important) \"15-Mar-2020 10:00:00 +0100\"");
    append(russian(), "(\\Deleted \\Draft) \"01-Jan-2021 12:00:00 +0000\"");
    append(kPlain, "() \"02-Jan-2021 12:00:00 +0000\"");
    ok("SELECT INBOX");
    ok("FETCH 1:* UID");
    for (const auto& line : c->last_untagged()) uids.push_back(parse_fetch(line)->items.at("UID"));
    BOOST_REQUIRE_EQUAL(uids.size(), 4u);
  }
  void append(const std::string& message, const std::string& options) {
    const std::string tag = "p" + std::to_string(++tags);
    auto status = append_message(*c, tag, "INBOX", message, options);
    BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK", 0) == 0u, status);
  }
  std::vector<std::string> ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c->command(tag, command, std::chrono::seconds(60));
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c->last_untagged();
  }
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c->command(tag, command).substr(tag.size() + 1);
  }
  // The numbers of the single "* SEARCH ..." response, as text: "1 3".
  std::string search(const std::string& criteria) {
    auto r = ok("SEARCH " + criteria);
    return numbers(r, criteria);
  }
  // SEARCH with `before`, then the 8-bit `needle` as a synchronizing literal, then `after`.
  std::string search_literal(const std::string& before, const std::string& needle, const std::string& after = {}) {
    const std::string tag = "l" + std::to_string(++tags);
    c->send(tag + " SEARCH " + before + " {" + std::to_string(needle.size()) + "}\r\n");
    auto cont = c->read_line();
    BOOST_REQUIRE_MESSAGE(cont.rfind("+", 0) == 0u, cont);
    c->send(needle + after + "\r\n");
    auto r = c->read_response(tag);
    BOOST_TEST(r.back().rfind(tag + " OK", 0) == 0u, r.back());
    r.pop_back();
    return numbers(r, before + " " + needle);
  }
  static std::string numbers(const std::vector<std::string>& r, const std::string& what) {
    std::string out;
    int found = 0;
    for (const auto& line : r) {
      if (line == "* SEARCH") {
        ++found;
      } else if (line.rfind("* SEARCH ", 0) == 0) {
        ++found;
        out = line.substr(9);
      }
    }
    BOOST_TEST(found == 1, what << ": " << found << " SEARCH responses");
    return out;
  }

  ImapServer server;
  std::optional<TlsClient> c;
  std::vector<std::string> uids;
  int tags = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_search)

BOOST_FIXTURE_TEST_CASE(flag_keys, SearchFixture) {
  BOOST_TEST(search("ALL") == "1 2 3 4");
  BOOST_TEST(search("ANSWERED") == "1");
  BOOST_TEST(search("UNANSWERED") == "2 3 4");
  BOOST_TEST(search("DELETED") == "3");
  BOOST_TEST(search("UNDELETED") == "1 2 4");
  BOOST_TEST(search("DRAFT") == "3");
  BOOST_TEST(search("UNDRAFT") == "1 2 4");
  BOOST_TEST(search("FLAGGED") == "2");
  BOOST_TEST(search("UNFLAGGED") == "1 3 4");
  BOOST_TEST(search("SEEN") == "1");
  BOOST_TEST(search("UNSEEN") == "2 3 4");
  BOOST_TEST(search("KEYWORD $Important") == "2");
  BOOST_TEST(search("KEYWORD $important") == "2");  // flag names compare case-insensitively
  BOOST_TEST(search("UNKEYWORD $Important") == "1 3 4");
  BOOST_TEST(search("KEYWORD $Nothing") == "");
  // \Recent is never set by this server.
  BOOST_TEST(search("RECENT") == "");
  BOOST_TEST(search("NEW") == "");
  BOOST_TEST(search("OLD") == "1 2 3 4");
  // Flag changes are seen by the next SEARCH.
  ok("STORE 4 +FLAGS (\\Seen)");
  BOOST_TEST(search("SEEN") == "1 4");
}

BOOST_FIXTURE_TEST_CASE(internal_and_sent_dates, SearchFixture) {
  // Internal dates in UTC: 1 = 8-Feb-1994 (05:52 UTC), 2 = 15-Mar-2020, 3 = 1-Jan-2021, 4 = 2-Jan-2021.
  BOOST_TEST(search("BEFORE 1-Jan-2021") == "1 2");
  BOOST_TEST(search("ON 1-Jan-2021") == "3");
  BOOST_TEST(search("SINCE 1-Jan-2021") == "3 4");
  BOOST_TEST(search("ON 8-Feb-1994") == "1");
  // Sent dates: the Date: field's day as written (7-Feb-1994 although it is 8-Feb in UTC); message 3 has none and
  // uses its internal date.
  BOOST_TEST(search("SENTON 7-Feb-1994") == "1");
  BOOST_TEST(search("SENTON 8-Feb-1994") == "");
  BOOST_TEST(search("SENTBEFORE 1-Jan-2000") == "1");
  BOOST_TEST(search("SENTSINCE 15-Mar-2020") == "2 3 4");
  BOOST_TEST(search("SENTON 1-Jan-2021") == "3");
  BOOST_TEST(search("SENTSINCE 2-Jan-2021") == "4");
}

BOOST_FIXTURE_TEST_CASE(sizes_sequence_sets_and_uids, SearchFixture) {
  BOOST_TEST(search("LARGER 10000") == "3");
  BOOST_TEST(search("SMALLER 10000") == "1 2 4");
  BOOST_TEST(search("2:3") == "2 3");
  BOOST_TEST(search("4,1") == "1 4");
  BOOST_TEST(search("3:*") == "3 4");
  BOOST_TEST(search("*") == "4");
  BOOST_TEST(search("9") == "");  // numbers past the last message match nothing
  BOOST_TEST(search("UID " + uids[1] + ":" + uids[2]) == "2 3");
  BOOST_TEST(search("UID 4000000000") == "");
  BOOST_TEST(search("UID *") == "4");
  // UID SEARCH answers with UIDs.
  BOOST_TEST(numbers(ok("UID SEARCH 1,3"), "UID SEARCH") == uids[0] + " " + uids[2]);
  BOOST_TEST(numbers(ok("UID SEARCH UID " + uids[3]), "UID SEARCH UID") == uids[3]);
}

BOOST_FIXTURE_TEST_CASE(address_subject_and_header_fields, SearchFixture) {
  BOOST_TEST(search("FROM alice") == "1");
  BOOST_TEST(search("FROM \"Alice Example\"") == "1");
  BOOST_TEST(search("FROM EXAMPLE.NET") == "4");
  BOOST_TEST(search("FROM mueller") == "");
  BOOST_TEST(search("TO bob") == "1 3");
  BOOST_TEST(search("CC carol") == "1");
  BOOST_TEST(search("BCC dave") == "1");
  BOOST_TEST(search("BCC carol") == "");
  BOOST_TEST(search("SUBJECT report") == "1");
  BOOST_TEST(search("SUBJECT \"aus berlin\"") == "2");
  // Encoded words are decoded (ISO-8859-1 and UTF-8) and the needle case-folded.
  BOOST_TEST(search_literal("CHARSET UTF-8 SUBJECT", "GRÜSSE") == "");  // no ß/SS expansion (simple folding)
  BOOST_TEST(search_literal("CHARSET UTF-8 SUBJECT", "grüße") == "2");
  BOOST_TEST(search_literal("CHARSET UTF-8 FROM", "JÜRGEN MÜLLER") == "2");
  BOOST_TEST(search("HEADER X-Custom special") == "4");
  BOOST_TEST(search("HEADER x-custom \"VALUE\"") == "4");
  BOOST_TEST(search("HEADER X-Custom \"\"") == "4");  // an empty string: every message with the field
  BOOST_TEST(search("HEADER Message-ID \"\"") == "1");
  BOOST_TEST(search("HEADER X-Missing \"\"") == "");
}

BOOST_FIXTURE_TEST_CASE(body_and_text_are_decoded, SearchFixture) {
  BOOST_TEST(search("BODY numbers") == "1");
  BOOST_TEST(search("BODY \"NUMBERS ARE\"") == "1");
  BOOST_TEST(search("BODY report") == "");  // only in the Subject
  BOOST_TEST(search("TEXT report") == "1");
  BOOST_TEST(search("TEXT \"hello world\"") == "4");
  BOOST_TEST(search("TEXT Special-Value") == "4");
  BOOST_TEST(search("BODY secretword") == "");  // inside an image part: not searched
  BOOST_TEST(search("BODY Geschichte") == "2");  // base64 text/plain
  BOOST_TEST(search_literal("CHARSET UTF-8 BODY", "σίσυφος") == "2");  // case-folded Greek (final sigma too)
  BOOST_TEST(search_literal("CHARSET UTF-8 BODY", "ПРИВЕТ МИР") == "3");  // KOI8-R quoted-printable
  BOOST_TEST(search_literal("CHARSET utf-8 TEXT", "привет") == "3");
  BOOST_TEST(search("BODY \"\"") == "1 2 3 4");
  BOOST_TEST(search("CHARSET US-ASCII BODY hello") == "4");
}

BOOST_FIXTURE_TEST_CASE(or_not_and_lists, SearchFixture) {
  BOOST_TEST(search("OR SEEN FLAGGED") == "1 2");
  BOOST_TEST(search("NOT SEEN") == "2 3 4");
  BOOST_TEST(search("NOT (OR DELETED DRAFT)") == "1 2 4");
  BOOST_TEST(search("(SEEN ANSWERED)") == "1");
  BOOST_TEST(search("SEEN FLAGGED") == "");
  BOOST_TEST(search("OR (FROM alice) (BODY hello)") == "1 4");
  BOOST_TEST(search("UNSEEN BODY hello") == "4");
  BOOST_TEST(search("NOT BODY hello") == "1 2 3");
  BOOST_TEST(search("OR OR ANSWERED DELETED KEYWORD $Important") == "1 2 3");
  BOOST_TEST(search("NOT NOT SUBJECT plain") == "4");
  BOOST_TEST(search("2:4 NOT TO bob") == "2 4");
  BOOST_TEST(search("LARGER 100 SMALLER 10000 NOT FROM bob") == "1 2");
}

BOOST_FIXTURE_TEST_CASE(charsets_and_errors, SearchFixture) {
  BOOST_TEST(answer("SEARCH CHARSET ISO-8859-1 BODY x") == "NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
  BOOST_TEST(answer("SEARCH CHARSET UTF-8") .rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH BOGUS").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH FROM").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH SINCE 32-Jan-2020").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH OR SEEN").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH OLDER 5") == "BAD Search key not supported");  // WITHIN (RFC 5032) is not offered
  // "$" (RFC 5182) and RETURN (RFC 4731) have their own tests: rfc5182_searchres_test, rfc4731_esearch_test.
  BOOST_TEST(search("$") == "");  // nothing saved yet: a valid, empty set
  BOOST_TEST(answer("SEARCH RETURN (BOGUS) ALL").rfind("BAD", 0) == 0u);
  // Nothing was answered for the refused commands; the session is intact.
  BOOST_TEST(search("ALL") == "1 2 3 4");
}

BOOST_AUTO_TEST_CASE(body_search_across_pool_batches) {
  // More messages than one pool batch (512): every 97th carries the needle in a quoted-printable body.
  ImapServer server;
  server.add_user("alice", "alice-password");
  auto c = server.login("alice", "alice-password");
  const int n = 700;
  std::string expected;
  for (int i = 1; i <= n; ++i) {
    bool marked = i % 97 == 0;
    std::string message = "Subject: m" + std::to_string(i) +
                          "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
                          "\r\n\r\nline " + std::to_string(i) + (marked ? " the ne=\r\nedle=C3=A9 here" : " nothing") +
                          "\r\n";
    if (marked) expected += (expected.empty() ? "" : " ") + std::to_string(i);
    auto status = append_message(c, "a" + std::to_string(i), "INBOX", message);
    BOOST_REQUIRE_MESSAGE(status.rfind("a" + std::to_string(i) + " OK", 0) == 0u, status);
  }
  BOOST_TEST(c.command("s1", "SELECT INBOX") == "s1 OK [READ-WRITE] SELECT completed");
  c.send("s2 SEARCH CHARSET UTF-8 BODY {8}\r\n");
  BOOST_REQUIRE(c.read_line().rfind("+", 0) == 0u);
  c.send("NEEDLE\xC3\x89\r\n");
  auto r = c.read_response("s2", std::chrono::seconds(60));
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  BOOST_TEST(r[0] == "* SEARCH " + expected);
  BOOST_TEST(r[1] == "s2 OK SEARCH completed");
}

BOOST_AUTO_TEST_SUITE_END()
