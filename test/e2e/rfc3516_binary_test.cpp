// RFC 3516 (BINARY) over the real server: the capability (§4.1); FETCH BINARY[part], BINARY.PEEK and BINARY.SIZE
// (§4.2) give a part with its Content-Transfer-Encoding removed, byte for byte: base64 (every octet value),
// quoted-printable (soft breaks, =XX escapes, =00), 7bit as is, nested parts inside a message/rfc822, a
// single-part message's part 1, BINARY[] the whole message unchanged; partial ranges count decoded octets; the
// decoded data comes in a literal8 "~{n}" exactly when it holds a NUL and in an ordinary literal otherwise (§4.3);
// BINARY.SIZE is the size BINARY gives; parts that do not exist are NIL (size 0); an unknown encoding is
// NO [UNKNOWN-CTE] without a FETCH response for that message; BINARY sets \Seen like BODY, BINARY.PEEK and
// BINARY.SIZE do not; APPEND takes a literal8 (synchronizing or not) with NULs and keeps it byte for byte (§4.4), and
// a NUL in an ordinary APPEND literal is kept too (see imap/commands/append.cpp); bad section syntax is BAD.
//
// Every expected response is written out whole, literal announcement and bytes included.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;
using namespace std::string_literals;

// Octets 0..255, twice.
std::string all_octets() {
  std::string out;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 256; ++i) out += static_cast<char>(i);
  }
  return out;
}

// base64 in lines of 76 characters joined by CRLF, as MIME writes it (RFC 2045 §6.8), without a final CRLF.
std::string base64_lines(const std::string& data) {
  const std::string b64 = base64(data);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) {
    if (i) out += "\r\n";
    out += b64.substr(i, 76);
  }
  return out;
}

// "{n}\r\n" + data, and "~{n}\r\n" + data.
std::string lit(const std::string& data) { return "{" + std::to_string(data.size()) + "}\r\n" + data; }
std::string lit8(const std::string& data) { return "~{" + std::to_string(data.size()) + "}\r\n" + data; }

const std::string kQuotedPrintable = "Caf=C3=A9 au lait =3D tasty,=\r\n soft break\r\nline two";
const std::string kQuotedPrintableDecoded = "Caf\xC3\xA9 au lait = tasty, soft break\r\nline two";
const std::string kNestedText = "Nested hello\r\n";
const std::string kNestedHtml = "<p style=3D\"x\">caf=C3=A9</p>";
const std::string kNestedHtmlDecoded = "<p style=\"x\">caf\xC3\xA9</p>";

// The embedded message of part 3 (BODY[3]): a multipart/alternative with a base64 and a quoted-printable part.
const std::string kInner =
    "Subject: inner\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n" +
    base64(kNestedText) +
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n" +
    kNestedHtml +
    "\r\n"
    "--inner--";

// Message 1: part 1 quoted-printable text, part 2 base64 of every octet value, part 3 a message/rfc822 holding a
// multipart (3.1 base64, 3.2 quoted-printable), part 4 7bit text without a CTE field, part 5 an unknown encoding.
const std::string kMixed =
    "From: alice@example.org\r\n"
    "Subject: binary parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n" +
    kQuotedPrintable +
    "\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n" +
    base64_lines(all_octets()) +
    "\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n" +
    kInner +
    "\r\n"
    "--outer\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "plain text\r\n"
    "--outer\r\n"
    "Content-Type: application/x-thing\r\n"
    "Content-Transfer-Encoding: x-uuencode\r\n"
    "\r\n"
    "begin 644 f\r\n"
    "`\r\n"
    "end\r\n"
    "--outer--\r\n";

// Message 2: a single-part message whose body is base64 (the encoding name in upper case).
const std::string kTopLevelText = "Top level body\r\n";
const std::string kTopLevel =
    "From: alice@example.org\r\n"
    "Subject: top-level base64\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Transfer-Encoding: BASE64\r\n"
    "\r\n" +
    base64(kTopLevelText) + "\r\n";

// Message 3: quoted-printable that decodes to a NUL.
const std::string kQpNul =
    "From: alice@example.org\r\n"
    "Subject: qp nul\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "nul=00here";

// Message 4: a single part in an encoding the server cannot remove.
const std::string kUnknown =
    "From: alice@example.org\r\n"
    "Subject: unknown\r\n"
    "Content-Transfer-Encoding: x-gzip64\r\n"
    "\r\n"
    "H4sIAAAAAAAAA0vLz9cFAAAA//8DAA==\r\n";

// A message with a binary body: every octet value, NULs included.
std::string binary_message() {
  return "From: alice@example.org\r\n"
         "Subject: binary body\r\n"
         "Content-Type: application/octet-stream\r\n"
         "Content-Transfer-Encoding: binary\r\n"
         "\r\n" +
         all_octets();
}

struct BinaryFixture : AliceSession {
  // The four messages above in INBOX (sequence numbers 1..4), selected.
  void load() {
    for (const auto* m : {&kMixed, &kTopLevel, &kQpNul, &kUnknown}) append("INBOX", *m);
    ok("SELECT INBOX");
  }
  // The single untagged response of a FETCH that must succeed.
  std::string one(const std::string& command) {
    auto r = ok(command);
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    return r[0];
  }
  // APPEND INBOX with a literal8 "~{n}" (non_sync: "~{n+}", RFC 7888); the tagged answer without its tag.
  std::string append8(const std::string& message, bool non_sync = false) {
    const std::string tag = "b" + std::to_string(++tags);
    c->send(tag + " APPEND INBOX ~{" + std::to_string(message.size()) + (non_sync ? "+" : "") + "}\r\n");
    if (!non_sync) {
      const auto go = c->read_line();
      if (go.rfind("+", 0) != 0) return go;
    }
    c->send(message, std::chrono::seconds(30));
    c->send("\r\n");
    const auto r = c->read_response(tag, std::chrono::seconds(30));
    return r.back().substr(tag.size() + 1);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3516_binary)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, BinaryFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" BINARY ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(base64_gives_every_octet, BinaryFixture) {
  load();
  const std::string octets = all_octets();
  // Decoded, with NULs: a literal8 of exactly 512 octets.
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[2])") == "* 1 FETCH (BINARY[2] " + lit8(octets) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.SIZE[2])") == "* 1 FETCH (BINARY.SIZE[2] 512)");
  // BODY gives the encoded text, as before.
  BOOST_TEST(one("FETCH 1 (BODY.PEEK[2])") == "* 1 FETCH (BODY[2] " + lit(base64_lines(octets)) + ")");
  // Partial ranges count decoded octets; only the slice decides literal8 (octets 1..5 have no NUL).
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[2]<1.5>)") == "* 1 FETCH (BINARY[2]<1> " + lit(octets.substr(1, 5)) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[2]<250.10>)") ==
             "* 1 FETCH (BINARY[2]<250> " + lit8(octets.substr(250, 10)) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[2]<510.10>)") == "* 1 FETCH (BINARY[2]<510> " + lit("\xFE\xFF"s) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[2]<512.1>)") == "* 1 FETCH (BINARY[2]<512> {0}\r\n)");
  // Several BINARY items in one FETCH, in the order asked, with the other items.
  BOOST_TEST(one("FETCH 1 (BINARY.SIZE[2] UID BINARY.PEEK[2]<0.3> BINARY.SIZE[1])") ==
             "* 1 FETCH (BINARY.SIZE[2] 512 UID 1 BINARY[2]<0> " + lit8(octets.substr(0, 3)) +
                 " BINARY.SIZE[1] " + std::to_string(kQuotedPrintableDecoded.size()) + ")");
}

BOOST_FIXTURE_TEST_CASE(quoted_printable_and_7bit, BinaryFixture) {
  load();
  // Soft line break removed, =XX decoded, the hard line break kept; no NUL, so an ordinary literal.
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[1])") == "* 1 FETCH (BINARY[1] " + lit(kQuotedPrintableDecoded) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.SIZE[1])") ==
             "* 1 FETCH (BINARY.SIZE[1] " + std::to_string(kQuotedPrintableDecoded.size()) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[1]<3.8>)") ==
             "* 1 FETCH (BINARY[1]<3> " + lit(kQuotedPrintableDecoded.substr(3, 8)) + ")");
  BOOST_TEST(one("FETCH 1 (BODY.PEEK[1])") == "* 1 FETCH (BODY[1] " + lit(kQuotedPrintable) + ")");
  // No Content-Transfer-Encoding field: 7bit, as is.
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[4] BINARY.SIZE[4])") ==
             "* 1 FETCH (BINARY[4] " + lit("plain text") + " BINARY.SIZE[4] 10)");
  // =00 decodes to a NUL: literal8.
  BOOST_TEST(one("FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1])") ==
             "* 3 FETCH (BINARY[1] " + lit8("nul\0here"s) + " BINARY.SIZE[1] 8)");
  BOOST_TEST(one("FETCH 3 (BINARY.PEEK[1]<0.3>)") == "* 3 FETCH (BINARY[1]<0> " + lit("nul") + ")");
  // Lower case is accepted; the response names the item in upper case.
  BOOST_TEST(one("FETCH 3 (binary.peek[1]<4.4> binary.size[1])") ==
             "* 3 FETCH (BINARY[1]<4> " + lit("here") + " BINARY.SIZE[1] 8)");
}

BOOST_FIXTURE_TEST_CASE(nested_parts_and_composites, BinaryFixture) {
  load();
  // Inside the message/rfc822 part 3: its multipart's parts are 3.1 and 3.2.
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[3.1])") == "* 1 FETCH (BINARY[3.1] " + lit(kNestedText) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[3.2] BINARY.SIZE[3.2])") ==
             "* 1 FETCH (BINARY[3.2] " + lit(kNestedHtmlDecoded) + " BINARY.SIZE[3.2] " +
                 std::to_string(kNestedHtmlDecoded.size()) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[3.1]<7.5>)") == "* 1 FETCH (BINARY[3.1]<7> " + lit("hello") + ")");
  // A message/rfc822 part may only be 7bit, 8bit or binary (RFC 2045 §6.4): BINARY gives BODY's bytes.
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[3] BINARY.SIZE[3])") ==
             "* 1 FETCH (BINARY[3] " + lit(kInner) + " BINARY.SIZE[3] " + std::to_string(kInner.size()) + ")");
  // Parts that do not exist: NIL, size 0 (a 7bit leaf has no sub-parts; there is no part 6).
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[6] BINARY.SIZE[6])") == "* 1 FETCH (BINARY[6] NIL BINARY.SIZE[6] 0)");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[3.3] BINARY.PEEK[4.1] BINARY.SIZE[2.1.1])") ==
             "* 1 FETCH (BINARY[3.3] NIL BINARY[4.1] NIL BINARY.SIZE[2.1.1] 0)");
  // A single-part message's body is part 1: decoded; BINARY[] is the whole message unchanged.
  BOOST_TEST(one("FETCH 2 (BINARY.PEEK[1])") == "* 2 FETCH (BINARY[1] " + lit(kTopLevelText) + ")");
  BOOST_TEST(one("FETCH 2 (BINARY.SIZE[1] BINARY.SIZE[])") ==
             "* 2 FETCH (BINARY.SIZE[1] " + std::to_string(kTopLevelText.size()) + " BINARY.SIZE[] " +
                 std::to_string(kTopLevel.size()) + ")");
}

BOOST_FIXTURE_TEST_CASE(whole_message, BinaryFixture) {
  load();
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[])") == "* 1 FETCH (BINARY[] " + lit(kMixed) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.SIZE[] RFC822.SIZE)") ==
             "* 1 FETCH (BINARY.SIZE[] " + std::to_string(kMixed.size()) + " RFC822.SIZE " +
                 std::to_string(kMixed.size()) + ")");
  BOOST_TEST(one("FETCH 2 (BINARY.PEEK[]<0.5>)") == "* 2 FETCH (BINARY[]<0> " + lit("From:") + ")");
  // BINARY[] removes no encoding, so even an unknown one is fine there.
  BOOST_TEST(one("FETCH 4 (BINARY.PEEK[])") == "* 4 FETCH (BINARY[] " + lit(kUnknown) + ")");
  // UID FETCH adds the UID first.
  BOOST_TEST(one("UID FETCH 3 (BINARY.PEEK[])") == "* 3 FETCH (UID 3 BINARY[] " + lit(kQpNul) + ")");
}

BOOST_FIXTURE_TEST_CASE(unknown_transfer_encoding, BinaryFixture) {
  load();
  // RFC 3516 §4.3: NO [UNKNOWN-CTE], for BINARY and BINARY.SIZE, with no FETCH response for the message.
  BOOST_TEST(answer("FETCH 1 (BINARY.PEEK[5])").rfind("NO [UNKNOWN-CTE] ", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("FETCH 1 (UID BINARY.SIZE[5])").rfind("NO [UNKNOWN-CTE] ", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  // Messages before the failing one are answered; the failing one is not, and nothing after it.
  BOOST_TEST(answer("FETCH 2:4 (BINARY.PEEK[1])").rfind("NO [UNKNOWN-CTE] ", 0) == 0u);
  BOOST_TEST(c->last_untagged() ==
                 (Lines{"* 2 FETCH (BINARY[1] " + lit(kTopLevelText) + ")",
                        "* 3 FETCH (BINARY[1] " + lit8("nul\0here"s) + ")"}),
             tt::per_element());
  // The other parts of message 1 are still readable, and so is the whole of message 4.
  BOOST_TEST(one("FETCH 1 (BINARY.SIZE[4])") == "* 1 FETCH (BINARY.SIZE[4] 10)");
  BOOST_TEST(one("FETCH 4 (BINARY.SIZE[])") == "* 4 FETCH (BINARY.SIZE[] " + std::to_string(kUnknown.size()) + ")");
  BOOST_TEST(one("FETCH 4 (BODY.PEEK[1])") == "* 4 FETCH (BODY[1] " + lit("H4sIAAAAAAAAA0vLz9cFAAAA//8DAA==\r\n") + ")");
}

BOOST_FIXTURE_TEST_CASE(seen_flag, BinaryFixture) {
  load();
  // BINARY.PEEK and BINARY.SIZE leave \Seen alone.
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[4])") == "* 1 FETCH (BINARY[4] " + lit("plain text") + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.SIZE[4])") == "* 1 FETCH (BINARY.SIZE[4] 10)");
  BOOST_TEST(one("FETCH 1 (FLAGS)") == "* 1 FETCH (FLAGS ())");
  // BINARY sets it, like BODY[], and reports the new flags (RFC 3501 §6.4.5); the second time there is nothing new.
  BOOST_TEST(one("FETCH 1 (BINARY[4])") == "* 1 FETCH (BINARY[4] " + lit("plain text") + " FLAGS (\\Seen))");
  BOOST_TEST(one("FETCH 1 (BINARY[4]<0.5>)") == "* 1 FETCH (BINARY[4]<0> " + lit("plain") + ")");
  BOOST_TEST(one("FETCH 2 (FLAGS BINARY[1])") == "* 2 FETCH (FLAGS (\\Seen) BINARY[1] " + lit(kTopLevelText) + ")");
  // Read-only (EXAMINE): nothing is set.
  ok("EXAMINE INBOX");
  BOOST_TEST(one("FETCH 3 (BINARY[])") == "* 3 FETCH (BINARY[] " + lit(kQpNul) + ")");
  BOOST_TEST(one("FETCH 3 (FLAGS)") == "* 3 FETCH (FLAGS ())");
}

BOOST_FIXTURE_TEST_CASE(append_literal8_round_trip, BinaryFixture) {
  const std::string binary = binary_message();
  const std::string body = all_octets();
  // RFC 3516 §4.4: APPEND with a literal8; the continuation comes as for an ordinary literal.
  BOOST_TEST(append8(binary).rfind("OK [APPENDUID ", 0) == 0u);
  // Non-synchronizing (LITERAL+) too.
  BOOST_TEST(append8(binary, true).rfind("OK [APPENDUID ", 0) == 0u);
  // A NUL in an ordinary literal is accepted and kept as well (imap/commands/append.cpp says why).
  append("INBOX", binary);
  ok("SELECT INBOX");
  for (const std::string seq : {"1", "2", "3"}) {
    // Byte for byte: the whole message back in a literal8, its body with the identity encoding "binary".
    BOOST_TEST(one("FETCH " + seq + " (BINARY.PEEK[])") == "* " + seq + " FETCH (BINARY[] " + lit8(binary) + ")");
    BOOST_TEST(one("FETCH " + seq + " (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.SIZE[] RFC822.SIZE)") ==
               "* " + seq + " FETCH (BINARY[1] " + lit8(body) + " BINARY.SIZE[1] 512 BINARY.SIZE[] " +
                   std::to_string(binary.size()) + " RFC822.SIZE " + std::to_string(binary.size()) + ")");
  }
  // Still byte for byte after a restart (the store, not a cache).
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  ok("EXAMINE INBOX");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[]<0.4> BINARY.PEEK[1]<255.3>)") ==
             "* 1 FETCH (BINARY[]<0> " + lit("From") + " BINARY[1]<255> " + lit8("\xFF\0\x01"s) + ")");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[])") == "* 1 FETCH (BINARY[] " + lit8(binary) + ")");
}

BOOST_FIXTURE_TEST_CASE(multiappend_with_literal8, BinaryFixture) {
  // RFC 3502 with a literal8 and an ordinary literal in one command.
  const std::string binary = binary_message();
  const std::string tag = "m1";
  c->send(tag + " APPEND INBOX ~{" + std::to_string(binary.size()) + "}\r\n");
  BOOST_REQUIRE(c->read_line().rfind("+", 0) == 0u);
  c->send(binary);
  c->send(" (\\Seen) {" + std::to_string(kTopLevel.size()) + "}\r\n");
  BOOST_REQUIRE(c->read_line().rfind("+", 0) == 0u);
  c->send(kTopLevel + "\r\n");
  const auto r = c->read_response(tag);
  BOOST_TEST(r.back().rfind("m1 OK [APPENDUID ", 0) == 0u, r.back());
  ok("SELECT INBOX");
  BOOST_TEST(one("FETCH 1 (BINARY.PEEK[])") == "* 1 FETCH (BINARY[] " + lit8(binary) + ")");
  BOOST_TEST(one("FETCH 2 (FLAGS BINARY.PEEK[1])") == "* 2 FETCH (FLAGS (\\Seen) BINARY[1] " + lit(kTopLevelText) + ")");
}

BOOST_FIXTURE_TEST_CASE(bad_syntax, BinaryFixture) {
  load();
  // section-binary = "[" [section-part] "]": part numbers only, no HEADER/TEXT/MIME, no zero; partial only on
  // BINARY and BINARY.PEEK, always with a length.
  for (const std::string item :
       {"BINARY[1.TEXT]", "BINARY[HEADER]", "BINARY.PEEK[1.MIME]", "BINARY[0]", "BINARY[1.]", "BINARY[1",
        "BINARY", "BINARY.PEEK", "BINARY.SIZE", "BINARY.SIZE[1]<0.5>", "BINARY[1]<5>", "BINARY[1]<0.0>",
        "BINARY [1]", "BINARY.SIZE[TEXT]", "BINARY.PEEK[1.2.]", "BINARY.FOO[1]"}) {
    BOOST_TEST(answer("FETCH 1 (" + item + ")").rfind("BAD", 0) == 0u, item);
    BOOST_TEST(c->last_untagged().empty(), item);
  }
  // The session is intact and nothing was marked \Seen.
  BOOST_TEST(one("FETCH 1 (FLAGS BINARY.SIZE[4])") == "* 1 FETCH (FLAGS () BINARY.SIZE[4] 10)");
}

BOOST_AUTO_TEST_SUITE_END()
