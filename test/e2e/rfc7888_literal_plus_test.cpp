// RFC 7888 LITERAL+ over the real server: the capability (LITERAL+, never LITERAL- as well, §5), the §3 example
// byte for byte, non-synchronizing literals anywhere a literal may be (LOGIN, SEARCH with more arguments after the
// literal, APPEND and multi-message APPEND, mailbox names, zero-length) without any continuation request, mixed
// with synchronizing literals; and §4: a non-synchronizing literal over a limit (8 KiB before login, 1 MiB inline,
// imap.max_message_bytes for APPEND, APPEND before login) is read and discarded and the command refused with a
// tagged BAD/NO [TOOBIG], after which the connection goes on; an octet count too long to trust ends it with BYE.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;
using Lines = std::vector<std::string>;

namespace {

const std::string kMessage =
    "From: alice@example.org\r\n"
    "To: bob@example.net\r\n"
    "Subject: Quarterly report\r\n"
    "\r\n"
    "The numbers are up.\r\n";

std::string nonsync(const std::string& bytes) { return "{" + std::to_string(bytes.size()) + "+}\r\n" + bytes; }

struct LiteralFixture {
  explicit LiteralFixture(ImapServerOptions options = {}) : server(std::move(options)) {
    server.add_user("alice", "alice-password");
  }
  ImapServer server;
};

struct SmallLimitFixture : LiteralFixture {
  SmallLimitFixture() : LiteralFixture(ImapServerOptions{{{"imap.max_message_bytes", "4096"}}, true, false}) {}
};

bool has_capability(const std::string& line, const std::string& name) {
  return (" " + line + " ").find(" " + name + " ") != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc7888_literal_plus)

BOOST_FIXTURE_TEST_CASE(capability_is_literal_plus_only, LiteralFixture) {
  auto c = TlsClient::connect(server.port());
  const std::string greeting = c.read_line();
  BOOST_TEST(has_capability(greeting.substr(0, greeting.find(']')), "LITERAL+"), greeting);
  BOOST_TEST(c.command("a1", "CAPABILITY") == "a1 OK CAPABILITY completed");
  BOOST_REQUIRE_EQUAL(c.last_untagged().size(), 1u);
  const std::string caps = c.last_untagged()[0];
  BOOST_TEST(has_capability(caps, "LITERAL+"), caps);
  BOOST_TEST(!has_capability(caps, "LITERAL-"), caps);  // §5: never both
}

BOOST_FIXTURE_TEST_CASE(rfc_example_login, LiteralFixture) {
  auto c = server.connect();
  // §3's example, exactly: the user name "FRED FOOBAR" has a space after it, inside the command, not the literal.
  // There is no such user here, so the answer is NO; what matters is that it is the only answer (no "+").
  c.send("A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n");
  BOOST_TEST(c.read_response("A001", std::chrono::seconds(30)) ==
                 Lines{"A001 NO [AUTHENTICATIONFAILED] Authentication failed"},
             tt::per_element());
  // The same form with a real account logs in.
  c.send("A002 LOGIN " + nonsync("alice") + " " + nonsync("alice-password") + "\r\n");
  auto r = c.read_response("A002", std::chrono::seconds(30));
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST(r[0].rfind("A002 OK [CAPABILITY ", 0) == 0u, r[0]);
}

BOOST_FIXTURE_TEST_CASE(no_continuation_and_arguments_after_the_literal, LiteralFixture) {
  auto c = server.login("alice", "alice-password");
  // A mailbox name as a literal, then an APPEND body, then SEARCH with keys before and after the literal: sent in
  // one go, each answered only by its tagged line (and the SEARCH result).
  const std::string append = "a2 APPEND " + nonsync("Reports") + " (\\Seen) " + nonsync(kMessage) + "\r\n";
  c.send("a1 CREATE " + nonsync("Reports") + "\r\n" + append + "a3 SELECT Reports\r\n" +
         "a4 SEARCH SEEN SUBJECT " + nonsync("quarterly") + " FROM alice\r\n" +
         "a5 SEARCH SUBJECT " + nonsync("") + " NOT FROM " + nonsync("alice") + "\r\n");
  const auto created = c.read_response("a1");
  BOOST_REQUIRE_EQUAL(created.size(), 1u);
  BOOST_TEST(created[0].rfind("a1 OK [MAILBOXID (", 0) == 0u, created[0]);  // RFC 8474 §4.1
  auto r = c.read_response("a2", std::chrono::seconds(30));
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST(r[0].rfind("a2 OK [APPENDUID ", 0) == 0u, r[0]);
  r = c.read_response("a3");
  BOOST_TEST(r.back() == "a3 OK [READ-WRITE] SELECT completed");
  for (const auto& line : r) BOOST_TEST(line.rfind("+", 0) != 0u, line);
  BOOST_TEST(c.read_response("a4", std::chrono::seconds(30)) == (Lines{"* SEARCH 1", "a4 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(c.read_response("a5", std::chrono::seconds(30)) == (Lines{"* SEARCH", "a5 OK SEARCH completed"}),
             tt::per_element());
  // Multi-message APPEND (RFC 3502) with non-synchronizing bodies, and a synchronizing literal in the same command.
  c.send("a6 APPEND Reports " + nonsync(kMessage) + " () {" + std::to_string(kMessage.size()) + "}\r\n");
  BOOST_TEST(c.read_line() == "+ Ready for literal data");
  c.send(kMessage + "\r\n");
  r = c.read_response("a6", std::chrono::seconds(30));
  BOOST_TEST(r.back().rfind("a6 OK [APPENDUID ", 0) == 0u, r.back());
  BOOST_TEST((r.back().find(" 2:3] ") != std::string::npos || r.back().find(" 2,3] ") != std::string::npos), r.back());
  BOOST_TEST(c.command("a7", "FETCH 3 BODY.PEEK[]") == "a7 OK FETCH completed");
  BOOST_TEST(c.last_untagged() ==
                 Lines{"* 3 FETCH (BODY[] {" + std::to_string(kMessage.size()) + "}\r\n" + kMessage + ")"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(over_the_limit_before_login_is_discarded, LiteralFixture) {
  auto c = server.connect();
  // §4 choice 1: the bytes are read and dropped, the command refused with a tagged BAD [TOOBIG]; nothing of the
  // literal is taken for a command (it is full of "x1 LOGOUT" lines).
  std::string junk;
  while (junk.size() < 9000) junk += "x1 LOGOUT\r\n";
  c.send("a1 LOGIN alice " + nonsync(junk) + "\r\na2 NOOP\r\n");
  BOOST_TEST(c.read_line() == "a1 BAD [TOOBIG] Literal too large before login");
  BOOST_TEST(c.read_response("a2") == Lines{"a2 OK NOOP completed"}, tt::per_element());
  // An APPEND body before login is refused (and skipped) whatever its size.
  c.send("a3 APPEND INBOX " + nonsync(kMessage) + "\r\na4 NOOP\r\n");
  BOOST_TEST(c.read_line() == "a3 BAD Log in first");
  BOOST_TEST(c.read_response("a4") == Lines{"a4 OK NOOP completed"}, tt::per_element());
  // 8 KiB exactly is accepted before login.
  c.send("a5 LOGIN alice " + nonsync(std::string(8192, 'p')) + "\r\n");
  BOOST_TEST(c.read_response("a5", std::chrono::seconds(30)) ==
                 Lines{"a5 NO [AUTHENTICATIONFAILED] Authentication failed"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(over_the_inline_limit_is_discarded, LiteralFixture) {
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(c.command("a0", "SELECT INBOX") == "a0 OK [READ-WRITE] SELECT completed");
  // Over 1 MiB of inline literal data in one command, then another literal and more arguments: all skipped.
  c.send("a1 SEARCH TEXT " + nonsync(std::string(1100000, 'q')) + " SUBJECT " + nonsync("x") + " ALL\r\na2 NOOP\r\n");
  BOOST_TEST(c.read_line(std::chrono::seconds(20)) == "a1 BAD [TOOBIG] literal too large");
  BOOST_TEST(c.read_response("a2", std::chrono::seconds(20)) == Lines{"a2 OK NOOP completed"}, tt::per_element());
  // Just under: fine (two literals adding up to exactly 1 MiB).
  c.send("a3 SEARCH TEXT " + nonsync(std::string(1024 * 1024 - 1, 'q')) + " SUBJECT " + nonsync("x") + "\r\n");
  BOOST_TEST(c.read_response("a3", std::chrono::seconds(20)) == (Lines{"* SEARCH", "a3 OK SEARCH completed"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(append_over_the_message_limit_is_discarded, SmallLimitFixture) {
  auto c = server.login("alice", "alice-password");
  std::string big(5000, 'b');
  big.replace(0, 12, "a9 LOGOUT\r\n\r");  // never read as a command
  c.send("a1 APPEND INBOX " + nonsync(big) + "\r\na2 STATUS INBOX (MESSAGES)\r\n");
  BOOST_TEST(c.read_line() == "a1 NO [TOOBIG] Message larger than 4096 bytes");
  BOOST_TEST(c.read_response("a2") == (Lines{"* STATUS \"INBOX\" (MESSAGES 0)", "a2 OK STATUS completed"}),
             tt::per_element());
  // A multi-message APPEND whose second body is too big stores neither; its bytes are skipped too.
  c.send("a3 APPEND INBOX " + nonsync(kMessage) + " " + nonsync(big) + "\r\na4 STATUS INBOX (MESSAGES)\r\n");
  BOOST_TEST(c.read_response("a3", std::chrono::seconds(30)) ==
                 Lines{"a3 NO [TOOBIG] Message larger than 4096 bytes"},
             tt::per_element());
  BOOST_TEST(c.read_response("a4") == (Lines{"* STATUS \"INBOX\" (MESSAGES 0)", "a4 OK STATUS completed"}),
             tt::per_element());
  // Up to the limit is accepted.
  c.send("a5 APPEND INBOX " + nonsync(std::string(4096 - 2, 'c') + "\r\n") + "\r\n");
  auto r = c.read_response("a5", std::chrono::seconds(30));
  BOOST_TEST(r.back().rfind("a5 OK [APPENDUID ", 0) == 0u, r.back());
}

BOOST_FIXTURE_TEST_CASE(untrustworthy_octet_count_ends_the_connection, LiteralFixture) {
  auto c = server.login("alice", "alice-password");
  // §4 choice 2 where choice 1 is impossible: more than 10 digits cannot be skipped reliably. BAD [TOOBIG], BYE.
  c.send("a1 CREATE {123456789012+}\r\nxyz\r\n");
  Lines r = c.read_response("a1");
  BOOST_TEST(r.back() == "a1 BAD [TOOBIG] literal size too large");
  std::string bye;
  for (const auto& line : r) {
    if (line.rfind("* BYE ", 0) == 0) bye = line;
  }
  if (bye.empty()) bye = c.read_line();
  BOOST_TEST(bye.rfind("* BYE ", 0) == 0u, bye);
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_SUITE_END()
