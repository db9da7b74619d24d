// RFC 3501 §7.1.3 and §7.1.5 over the real server: BAD for malformed input with the client's tag kept (or "*" when
// there is no usable tag), unknown and unsupported commands, the server's limits (a 64 KiB command line, 1 MiB of
// inline literals, 8 KiB literals before login, 25 commands before login), and BYE where the stream cannot go on.
// After every recoverable error the connection must still work.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

struct ErrorsFixture {
  ErrorsFixture() { server.add_user("alice", "alice-password"); }
  ImapServer server;
};

// The connection still answers.
void still_works(TlsClient& c, const std::string& tag = "z9") {
  BOOST_TEST(c.command(tag, "NOOP") == tag + " OK NOOP completed");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_errors)

BOOST_FIXTURE_TEST_CASE(garbage_gets_bad_with_the_tag, ErrorsFixture) {
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(c.command("a1", "FOOBAR") == "a1 BAD Unknown command");
  BOOST_TEST(c.command("a2", "XYZZY 1 2 3") == "a2 BAD Unknown command");
  for (const char* bad : {"FETCH", "FETCH 1", "FETCH x FLAGS", "STORE 1 +FLAGS", "SELECT", "LOGIN", "LIST \"\"",
                          "STATUS INBOX", "STATUS INBOX (MESSAGES", "COPY 1", "UID", "UID FOO 1", "NOOP extra",
                          "CREATE a b", "SELECT \"unterminated", "FETCH 1 (FLAGS", "FETCH 1 BODY[HEADER.FIELDS ()]"}) {
    const auto status = c.command("b1", bad);
    BOOST_TEST(status.rfind("b1 BAD ", 0) == 0u, bad << " -> " << status);
    BOOST_TEST(c.last_untagged().empty(), bad);
  }
  // Tags are arbitrary astring characters except '+' (RFC 3501 §9); they come back unchanged.
  BOOST_TEST(c.command("A.b-c_1!", "FOOBAR") == "A.b-c_1! BAD Unknown command");
  BOOST_TEST(c.command("tag.with.dots", "NOOP") == "tag.with.dots OK NOOP completed");
  still_works(c);
}

BOOST_FIXTURE_TEST_CASE(untagged_bad_without_a_usable_tag, ErrorsFixture) {
  auto c = server.connect();
  c.send("\r\n");
  BOOST_TEST(c.read_line().rfind("* BAD ", 0) == 0u);
  c.send("+plus NOOP\r\n");
  BOOST_TEST(c.read_line().rfind("* BAD ", 0) == 0u);
  c.send("a1 NOOP\n");  // bare LF
  BOOST_TEST(c.read_line() == "a1 BAD bare LF");
  c.send(std::string("a2 NO\0OP\r\n", 10));
  BOOST_TEST(c.read_line() == "a2 BAD NUL in command");
  still_works(c);
}

BOOST_FIXTURE_TEST_CASE(unsupported_commands_are_bad, ErrorsFixture) {
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(c.command("a1", "SELECT INBOX") == "a1 OK [READ-WRITE] SELECT completed");
  // STARTTLS is parsed, but the connection is TLS from the first byte (and this one is logged in).
  BOOST_TEST(c.command("u1", "STARTTLS") == "u1 BAD Already authenticated");
  // Selected-state commands without a selected mailbox.
  BOOST_TEST(c.command("u2", "UNSELECT") == "u2 OK UNSELECT completed");
  for (const char* command : {"FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "COPY 1 INBOX", "EXPUNGE", "CHECK", "CLOSE",
                              "UID FETCH 1 FLAGS", "SEARCH ALL", "UID SEARCH ALL"}) {
    BOOST_TEST(c.command("u3", command) == "u3 BAD No mailbox selected", command);
  }
  still_works(c);
}

BOOST_FIXTURE_TEST_CASE(line_too_long, ErrorsFixture) {
  auto c = server.login("alice", "alice-password");
  // Over 64 KiB of command text: BAD [TOOBIG] with the tag, the rest of the line skipped.
  c.send("a1 NOOP " + std::string(70000, 'x') + "\r\n");
  BOOST_TEST(c.read_line(std::chrono::seconds(20)) == "a1 BAD [TOOBIG] line too long");
  still_works(c, "a2");
  // The same in a line carrying literals: the whole command is skipped, following {n+} literals.
  c.send("a3 LIST \"\" {5+}\r\nINBOX " + std::string(70000, 'y') + " {3+}\r\nabc\r\n");
  BOOST_TEST(c.read_line(std::chrono::seconds(20)) == "a3 BAD [TOOBIG] line too long");
  still_works(c, "a4");
  // Just under the limit is fine.
  BOOST_TEST(c.command("a5", "LIST \"\" \"" + std::string(60000, 'z') + "\"") == "a5 OK LIST completed");
}

BOOST_FIXTURE_TEST_CASE(inline_literal_too_large, ErrorsFixture) {
  auto c = server.login("alice", "alice-password");
  // Over 1 MiB of inline literal (APPEND bodies are streamed, everything else is inlined): refused before it is
  // sent, so the client never sends it.
  c.send("a1 CREATE {2000000}\r\n");
  BOOST_TEST(c.read_line() == "a1 BAD [TOOBIG] literal too large");
  still_works(c, "a2");
  // Non-synchronizing: the bytes are skipped.
  c.send("a3 CREATE {1100000+}\r\n" + std::string(1100000, 'q') + "\r\na4 NOOP\r\n");
  BOOST_TEST(c.read_line(std::chrono::seconds(20)) == "a3 BAD [TOOBIG] literal too large");
  BOOST_TEST(c.read_response("a4", std::chrono::seconds(20)) == Lines{"a4 OK NOOP completed"}, tt::per_element());
  // Several literals adding up to more than 1 MiB.
  c.send("a5 RENAME {600000}\r\n");
  BOOST_TEST(c.read_line() == "+ Ready for literal data");
  c.send(std::string(600000, 'r') + " {600000}\r\n");
  BOOST_TEST(c.read_line() == "a5 BAD [TOOBIG] literal too large");
  still_works(c, "a6");
  // A count of more than 10 digits: recoverable when synchronizing (nothing was sent).
  c.send("a7 CREATE {12345678901}\r\n");
  BOOST_TEST(c.read_line() == "a7 BAD [TOOBIG] literal size too large");
  still_works(c, "a8");
}

BOOST_FIXTURE_TEST_CASE(oversized_non_sync_literal_count_is_fatal, ErrorsFixture) {
  auto c = server.login("alice", "alice-password");
  // With {n+} the bytes are coming and their number cannot be trusted: the stream cannot be resynchronised.
  c.send("a1 CREATE {123456789012+}\r\nxyz\r\n");
  auto r = c.read_response("a1");
  BOOST_TEST(r.back().rfind("a1 BAD", 0) == 0u);
  bool bye = false;
  for (const auto& line : r) bye = bye || line.rfind("* BYE ", 0) == 0;
  if (!bye) bye = c.read_line().rfind("* BYE ", 0) == 0;
  BOOST_TEST(bye);
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
}

BOOST_FIXTURE_TEST_CASE(literal_too_large_before_login, ErrorsFixture) {
  auto c = server.connect();
  c.send("a1 LOGIN {9000}\r\n");
  BOOST_TEST(c.read_line() == "a1 BAD [TOOBIG] Literal too large before login");
  still_works(c, "a2");
  // Non-synchronizing: skipped.
  c.send("a3 LOGIN alice {9000+}\r\n" + std::string(9000, 'p') + "\r\na4 NOOP\r\n");
  BOOST_TEST(c.read_line() == "a3 BAD [TOOBIG] Literal too large before login");
  BOOST_TEST(c.read_response("a4") == Lines{"a4 OK NOOP completed"}, tt::per_element());
  // 8 KiB exactly is allowed (a long password is fine); this one is wrong.
  c.send("a5 LOGIN alice {8192}\r\n");
  BOOST_TEST(c.read_line() == "+ Ready for literal data");
  c.send(std::string(8192, 'p') + "\r\n");
  BOOST_TEST(
      c.read_response("a5", std::chrono::seconds(30)) == Lines{"a5 NO [AUTHENTICATIONFAILED] Authentication failed"},
      tt::per_element());
  // After login, a larger literal is fine.
  BOOST_TEST(c.command("a6", "LOGIN alice alice-password", std::chrono::seconds(30)).rfind("a6 OK", 0) == 0u);
  c.send("a7 CREATE {9000}\r\n");
  BOOST_TEST(c.read_line() == "+ Ready for literal data");
  c.send(std::string(9000, 'm') + "\r\n");
  BOOST_TEST(c.read_response("a7") == Lines{"a7 NO [CANNOT] Mailbox name too long"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(too_many_commands_before_login, ErrorsFixture) {
  auto c = server.connect();
  for (int i = 1; i <= 25; ++i) {
    const std::string tag = "n" + std::to_string(i);
    BOOST_TEST(c.command(tag, "NOOP") == tag + " OK NOOP completed");
  }
  c.send("n26 NOOP\r\n");
  BOOST_TEST(c.read_line() == "* BYE Too many commands before login");
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
  // Logged-in sessions have no such limit; a fresh connection can still log in.
  auto d = server.login("alice", "alice-password");
  for (int i = 1; i <= 40; ++i) still_works(d, "m" + std::to_string(i));
}

BOOST_FIXTURE_TEST_CASE(bad_sequence_numbers, ErrorsFixture) {
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(append_message(c, "a1", "INBOX", "Subject: x\r\n\r\nx\r\n").rfind("a1 OK", 0) == 0u);
  BOOST_TEST(c.command("a2", "SELECT INBOX") == "a2 OK [READ-WRITE] SELECT completed");
  BOOST_TEST(c.command("a3", "FETCH 2 FLAGS") == "a3 BAD Invalid message sequence number");
  BOOST_TEST(c.command("a4", "FETCH 1:2 FLAGS") == "a4 BAD Invalid message sequence number");
  BOOST_TEST(c.command("a5", "FETCH 0 FLAGS").rfind("a5 BAD", 0) == 0u);
  BOOST_TEST(c.command("a6", "FETCH 4294967296 FLAGS").rfind("a6 BAD", 0) == 0u);
  BOOST_TEST(c.command("a7", "STORE 2 +FLAGS (\\Seen)") == "a7 BAD Invalid message sequence number");
  BOOST_TEST(c.command("a8", "COPY 2 INBOX") == "a8 BAD Invalid message sequence number");
  BOOST_TEST(c.command("a9", "FETCH 1 FLAGS") == "a9 OK FETCH completed");
  BOOST_TEST(c.last_untagged() == Lines{"* 1 FETCH (FLAGS ())"}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
