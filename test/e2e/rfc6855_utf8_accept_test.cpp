// RFC 6855 (UTF8=ACCEPT) over the real server: the capability; ENABLE UTF8=ACCEPT (§3); afterwards mailbox names
// travel as UTF-8 quoted strings in CREATE, SELECT, STATUS, LIST, LSUB and RENAME, while a session that did not
// enable sees the same mailboxes in modified UTF-7 (RFC 3501 §5.1.3), and names made in modified UTF-7 before
// enabling read back as UTF-8; invalid UTF-8 is BAD (§3), names with control characters, LINE SEPARATOR or
// PARAGRAPH SEPARATOR are refused (§3, Net-Unicode); SEARCH with CHARSET is BAD once enabled (§3) and UTF-8 search
// strings match; APPEND with the UTF8 data extension (§4) stores the exact bytes after ENABLE and is BAD before it.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

// "Café/Ünïcode" and its modified UTF-7 form (é U+00E9, Ü U+00DC, ï U+00EF).
const std::string kCafe = "Caf\xc3\xa9";
const std::string kCafeUtf7 = "Caf&AOk-";
const std::string kChild = kCafe + "/\xc3\x9cn\xc3\xaf" "code";
const std::string kChildUtf7 = kCafeUtf7 + "/&ANw-n&AO8-code";
// "Straße" (ß U+00DF) and a name outside the BMP: "Post 📬" (U+1F4EC, a surrogate pair in modified UTF-7).
const std::string kStrasse = "Stra\xc3\x9f" "e";
const std::string kStrasseUtf7 = "Stra&AN8-e";
const std::string kMailbox = "Post \xf0\x9f\x93\xac";
const std::string kMailboxUtf7 = "Post &2D3c7A-";

// A message with UTF-8 in its header fields (RFC 6532), as §4 has clients send with APPEND UTF8.
const std::string kUtf8Message =
    "From: J\xc3\xbcrgen <j\xc3\xbcrgen@b\xc3\xbc" "cher.example>\r\n"
    "To: alice@example.org\r\n"
    "Subject: Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Sch\xc3\xb6nen Tag!\r\n";

// The responses without the lines for the special-use mailboxes every new account has (store/account.cpp).
Lines own(const Lines& lines) {
  Lines out;
  for (const auto& line : lines) {
    bool standard = false;
    for (const char* name : {"Drafts", "Sent", "Trash", "Junk", "Archive"}) {
      const std::string suffix = " \"" + std::string(name) + "\"";
      standard = standard || (line.size() > suffix.size() && line.compare(line.size() - suffix.size(), suffix.size(),
                                                                          suffix) == 0);
    }
    if (!standard) out.push_back(line);
  }
  return out;
}

struct Utf8Fixture : AliceSession {
  // A second session of alice's that never enables UTF8=ACCEPT.
  TlsClient legacy = server.login("alice", "alice-password");
  int legacy_tags = 0;

  Lines legacy_ok(const std::string& command) {
    const std::string tag = "L" + std::to_string(++legacy_tags);
    const auto status = legacy.command(tag, command);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return legacy.last_untagged();
  }
  void enable() {
    auto r = ok("ENABLE UTF8=ACCEPT");
    BOOST_TEST(r == Lines{"* ENABLED UTF8=ACCEPT"}, tt::per_element());
  }
  // APPEND mailbox UTF8 (~{n}) with a synchronizing literal: the tagged answer.
  std::string append_utf8(const std::string& mailbox, const std::string& message) {
    const std::string tag = "u" + std::to_string(++tags);
    c->send(tag + " APPEND " + mailbox + " UTF8 (~{" + std::to_string(message.size()) + "}\r\n");
    const std::string go = c->read_line();
    if (go.rfind("+", 0) != 0) return go;
    c->send(message + ")\r\n");
    return c->read_response(tag).back();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc6855_utf8_accept)

BOOST_FIXTURE_TEST_CASE(capability_and_enable, Utf8Fixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" UTF8=ACCEPT ") != std::string::npos, caps[0]);
  // Enabled once: a second ENABLE lists nothing new (RFC 5161 §3.1).
  enable();
  BOOST_TEST(ok("ENABLE UTF8=ACCEPT") == Lines{"* ENABLED"}, tt::per_element());
  BOOST_TEST(ok("CAPABILITY") == caps, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(names_travel_as_utf8_once_enabled, Utf8Fixture) {
  // Before enabling, names are modified UTF-7: raw UTF-8 in a name is refused, modified UTF-7 is decoded.
  BOOST_TEST(answer("CREATE \"" + kStrasse + "\"").rfind("NO [CANNOT]", 0) == 0u);
  ok("CREATE \"" + kStrasseUtf7 + "\"");
  enable();
  ok("CREATE \"" + kChild + "\"");  // creates its parent too
  ok("CREATE \"" + kMailbox + "\"");
  // LIST in UTF-8 here, in modified UTF-7 in the other session; the name made before enabling is UTF-8 too.
  BOOST_TEST(own(ok("LIST \"\" *")) == (Lines{"* LIST (\\HasChildren) \"/\" \"" + kCafe + "\"",
                                         "* LIST (\\HasNoChildren) \"/\" \"" + kChild + "\"",
                                         "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                         "* LIST (\\HasNoChildren) \"/\" \"" + kMailbox + "\"",
                                         "* LIST (\\HasNoChildren) \"/\" \"" + kStrasse + "\""}),
             tt::per_element());
  BOOST_TEST(own(legacy_ok("LIST \"\" *")) == (Lines{"* LIST (\\HasChildren) \"/\" \"" + kCafeUtf7 + "\"",
                                                "* LIST (\\HasNoChildren) \"/\" \"" + kChildUtf7 + "\"",
                                                "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                                "* LIST (\\HasNoChildren) \"/\" \"" + kMailboxUtf7 + "\"",
                                                "* LIST (\\HasNoChildren) \"/\" \"" + kStrasseUtf7 + "\""}),
             tt::per_element());
  // Patterns in UTF-8 match UTF-8 names.
  BOOST_TEST(ok("LIST \"" + kCafe + "/\" %") == Lines{"* LIST (\\HasNoChildren) \"/\" \"" + kChild + "\""},
             tt::per_element());
  BOOST_TEST(ok("LIST \"\" \"Stra\xc3\x9f*\"") == Lines{"* LIST (\\HasNoChildren) \"/\" \"" + kStrasse + "\""},
             tt::per_element());
  // STATUS, SELECT, EXAMINE by UTF-8 name; a literal carrying UTF-8 works too.
  BOOST_TEST(ok("STATUS \"" + kChild + "\" (MESSAGES)") == Lines{"* STATUS \"" + kChild + "\" (MESSAGES 0)"},
             tt::per_element());
  BOOST_TEST(legacy_ok("STATUS \"" + kChildUtf7 + "\" (MESSAGES)") ==
                 Lines{"* STATUS \"" + kChildUtf7 + "\" (MESSAGES 0)"},
             tt::per_element());
  ok("SELECT \"" + kStrasse + "\"");
  ok("EXAMINE {" + std::to_string(kMailbox.size()) + "+}\r\n" + kMailbox);
  ok("UNSELECT");
  // Once enabled, "&" is only "&": the modified UTF-7 spelling names another (missing) mailbox.
  BOOST_TEST(answer("SELECT \"" + kStrasseUtf7 + "\"").rfind("NO [NONEXISTENT]", 0) == 0u);
  // SUBSCRIBE and LSUB.
  ok("SUBSCRIBE \"" + kChild + "\"");
  BOOST_TEST(ok("LSUB \"\" \"" + kCafe + "/*\"") == Lines{"* LSUB () \"/\" \"" + kChild + "\""}, tt::per_element());
  BOOST_TEST(legacy_ok("LSUB \"\" \"" + kCafeUtf7 + "/*\"") == Lines{"* LSUB () \"/\" \"" + kChildUtf7 + "\""},
             tt::per_element());
  // RENAME from one UTF-8 name to another; the other session sees the new name in modified UTF-7.
  ok("RENAME \"" + kMailbox + "\" \"" + kMailbox + " \xc3\xa0 jour\"");
  BOOST_TEST(legacy_ok("LIST \"\" \"Post*\"") == Lines{"* LIST (\\HasNoChildren) \"/\" \"Post &2D3c7A- &AOA- jour\""},
             tt::per_element());
  BOOST_TEST(legacy_ok("STATUS \"" + kStrasseUtf7 + "\" (UIDNEXT)") ==
                 Lines{"* STATUS \"" + kStrasseUtf7 + "\" (UIDNEXT 1)"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(bad_names, Utf8Fixture) {
  enable();
  // §3: octets that are not UTF-8 are BAD, in a quoted string or a literal (a lone Latin-1 byte, an overlong form,
  // a surrogate).
  BOOST_TEST(answer("CREATE \"Caf\xe9\"").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("CREATE \"\xc0\xaf\"").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("CREATE \"\xed\xa0\x80\"").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("CREATE {4+}\r\nCaf\xe9").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SELECT {4+}\r\nCaf\xe9").rfind("BAD", 0) == 0u);
  // §3: no C1 controls, LINE SEPARATOR or PARAGRAPH SEPARATOR in names.
  BOOST_TEST(answer("CREATE \"a\xc2\x85" "b\"").rfind("NO [CANNOT]", 0) == 0u);
  BOOST_TEST(answer("CREATE \"a\xe2\x80\xa8" "b\"").rfind("NO [CANNOT]", 0) == 0u);
  BOOST_TEST(answer("CREATE \"a\xe2\x80\xa9" "b\"").rfind("NO [CANNOT]", 0) == 0u);
  ok("CREATE x");
  BOOST_TEST(answer("RENAME x \"a\xc2\x9f" "b\"").rfind("NO [CANNOT]", 0) == 0u);
  BOOST_TEST(own(ok("LIST \"\" *")) == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                         "* LIST (\\HasNoChildren) \"/\" \"x\""}),
             tt::per_element());
  // The same characters through modified UTF-7, by a session that did not enable: refused too.
  BOOST_TEST(legacy.command("L1", "CREATE \"a&AIU-b\"").rfind("L1 NO [CANNOT]", 0) == 0u);
  BOOST_TEST(legacy.command("L2", "CREATE \"a&ICg-b\"").rfind("L2 NO [CANNOT]", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(search_charset_and_utf8_strings, Utf8Fixture) {
  append("INBOX", kUtf8Message);
  append("INBOX", "Subject: plain\r\n\r\nnothing\r\n");
  ok("SELECT INBOX");
  // Before enabling, CHARSET is fine.
  BOOST_TEST(ok("SEARCH CHARSET UTF-8 SUBJECT \"K\xc3\xb6ln\"") == Lines{"* SEARCH 1"}, tt::per_element());
  enable();
  // §3: a client that enabled UTF8=ACCEPT must not send CHARSET: BAD, whatever the charset.
  BOOST_TEST(answer("SEARCH CHARSET UTF-8 SUBJECT \"K\xc3\xb6ln\"").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH CHARSET US-ASCII ALL").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("UID SEARCH CHARSET UTF-8 ALL").rfind("BAD", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  // UTF-8 in quoted strings, without CHARSET.
  BOOST_TEST(ok("SEARCH SUBJECT \"gr\xc3\xbc\xc3\x9f" "e\"") == Lines{"* SEARCH 1"}, tt::per_element());
  BOOST_TEST(ok("SEARCH FROM \"j\xc3\xbcrgen\"") == Lines{"* SEARCH 1"}, tt::per_element());
  BOOST_TEST(ok("SEARCH BODY \"Sch\xc3\xb6nen\"") == Lines{"* SEARCH 1"}, tt::per_element());
  BOOST_TEST(ok("SEARCH SUBJECT plain") == Lines{"* SEARCH 2"}, tt::per_element());
  BOOST_TEST(answer("SEARCH SUBJECT \"K\xf6ln\"").rfind("BAD", 0) == 0u);  // Latin-1, not UTF-8
}

BOOST_FIXTURE_TEST_CASE(append_with_the_utf8_data_extension, Utf8Fixture) {
  // §4: the UTF8 data extension before ENABLE is BAD, before any byte of the message is accepted.
  const std::string refused = append_utf8("INBOX", kUtf8Message);
  BOOST_TEST(refused.rfind("u1 BAD", 0) == 0u, refused);
  BOOST_TEST(ok("STATUS INBOX (MESSAGES)") == Lines{"* STATUS \"INBOX\" (MESSAGES 0)"}, tt::per_element());
  enable();
  const std::string accepted = append_utf8("INBOX", kUtf8Message);
  BOOST_TEST(accepted.rfind("u4 OK [APPENDUID ", 0) == 0u, accepted);
  BOOST_TEST(accepted.find(" 1] APPEND completed") != std::string::npos, accepted);
  // Into a mailbox named in UTF-8, together with an ordinary literal (MULTIAPPEND).
  ok("CREATE \"" + kCafe + "\"");
  const std::string tag = "m1";
  const std::string ascii = "Subject: ascii\r\n\r\nhi\r\n";
  c->send(tag + " APPEND \"" + kCafe + "\" {" + std::to_string(ascii.size()) + "}\r\n");
  BOOST_REQUIRE(c->read_line().rfind("+", 0) == 0u);
  c->send(ascii + " UTF8 (~{" + std::to_string(kUtf8Message.size()) + "}\r\n");
  BOOST_REQUIRE(c->read_line().rfind("+", 0) == 0u);
  c->send(kUtf8Message + ")\r\n");
  const auto multi = c->read_response(tag).back();
  BOOST_TEST(multi.rfind("m1 OK [APPENDUID ", 0) == 0u, multi);
  BOOST_TEST(multi.find(" 1:2] APPEND completed") != std::string::npos, multi);
  // The bytes stored are the bytes sent.
  ok("SELECT INBOX");
  auto body = ok("FETCH 1 BODY.PEEK[]");
  BOOST_REQUIRE_EQUAL(body.size(), 1u);
  BOOST_TEST(parse_fetch(body[0])->items.at("BODY[]") == kUtf8Message);
  ok("SELECT \"" + kCafe + "\"");
  auto both = ok("FETCH 1:2 (RFC822.SIZE)");
  BOOST_TEST(both == (Lines{"* 1 FETCH (RFC822.SIZE " + std::to_string(ascii.size()) + ")",
                            "* 2 FETCH (RFC822.SIZE " + std::to_string(kUtf8Message.size()) + ")"}),
             tt::per_element());
  // The session that did not enable cannot use it either.
  legacy.send("L9 APPEND INBOX UTF8 (~{3}\r\n");
  const std::string line = legacy.read_line();
  BOOST_TEST(line.rfind("L9 BAD", 0) == 0u, line);
  BOOST_TEST(legacy.command("L10", "NOOP") == "L10 OK NOOP completed");
}

BOOST_AUTO_TEST_SUITE_END()
