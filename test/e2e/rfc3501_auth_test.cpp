// RFC 3501 §6.1-6.2 and §7.1 over the real server: the greeting, CAPABILITY, NOOP, LOGIN, AUTHENTICATE PLAIN
// (RFC 4616) and its cancellation, commands that need a login, LOGOUT. (ID is in rfc2971_id_test.cpp, AUTHENTICATE
// with and without an initial response in rfc4959_sasl_ir_test.cpp.) Failed logins are delayed by the server (250 ms doubling per user), so each case fails few times.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;

namespace {

const std::string kCapabilities = "IMAP4rev1 IMAP4rev2 AUTH=PLAIN SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MULTIAPPEND UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE XLIST MOVE BINARY LITERAL+ CONDSTORE QRESYNC ESEARCH SEARCHRES OBJECTID UTF8=ACCEPT COMPRESS=DEFLATE STATUS=SIZE APPENDLIMIT=67108864 SAVEDATE XPASSWORD";

struct AuthFixture {
  AuthFixture() {
    server.add_user("alice", "alice's \"secret\" pw");
    server.add_user("bob", "bob-password");
  }
  ImapServer server;
};

std::string plain(const std::string& authzid, const std::string& user, const std::string& password) {
  return base64(authzid + std::string(1, '\0') + user + std::string(1, '\0') + password);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_auth)

BOOST_FIXTURE_TEST_CASE(greeting_and_capability, AuthFixture) {
  auto c = TlsClient::connect(server.port());
  BOOST_TEST(c.read_line() == "* OK [CAPABILITY " + kCapabilities + "] Sealbox ready");
  BOOST_TEST(c.command("a1", "CAPABILITY") == "a1 OK CAPABILITY completed");
  BOOST_TEST(c.last_untagged() == std::vector<std::string>{"* CAPABILITY " + kCapabilities},
             boost::test_tools::per_element());
  BOOST_TEST(c.command("a2", "NOOP") == "a2 OK NOOP completed");
  BOOST_TEST(c.last_untagged().empty());
  // Command names are case-insensitive (RFC 3501 §9, note 3).
  BOOST_TEST(c.command("a5", "capability") == "a5 OK CAPABILITY completed");
  BOOST_TEST(c.last_untagged().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(login_succeeds_with_capability_code, AuthFixture) {
  auto c = server.connect();
  BOOST_TEST(c.command("a1", "LOGIN bob bob-password", std::chrono::seconds(30)) ==
             "a1 OK [CAPABILITY " + kCapabilities + "] Logged in");
  BOOST_TEST(c.last_untagged().empty());
  // Authenticated state: LOGIN and AUTHENTICATE are no longer valid (RFC 3501 §6.2).
  BOOST_TEST(c.command("a2", "LOGIN bob bob-password") == "a2 BAD Already authenticated");
  BOOST_TEST(c.command("a3", "AUTHENTICATE PLAIN " + plain("", "bob", "bob-password")) ==
             "a3 BAD Already authenticated");
  BOOST_TEST(c.command("a4", "SELECT INBOX") == "a4 OK [READ-WRITE] SELECT completed");
}

BOOST_FIXTURE_TEST_CASE(login_with_quoted_and_literal_strings, AuthFixture) {
  // The sessions overlap: logging in again right after an account's last session ended is tested on its own below.
  auto first = server.connect();
  BOOST_TEST(first.command("a1", "LOGIN \"alice\" \"alice's \\\"secret\\\" pw\"", std::chrono::seconds(30))
                 .rfind("a1 OK [CAPABILITY", 0) == 0u);
  {
    // Synchronizing literals for both: the server asks for each with "+".
    auto c = server.connect();
    c.send("b1 LOGIN {5}\r\n");
    BOOST_TEST(c.read_line() == "+ Ready for literal data");
    const std::string password = "alice's \"secret\" pw";
    c.send("alice {" + std::to_string(password.size()) + "}\r\n");
    BOOST_TEST(c.read_line() == "+ Ready for literal data");
    c.send(password + "\r\n");
    auto r = c.read_response("b1", std::chrono::seconds(30));
    BOOST_TEST(r.size() == 1u);
    BOOST_TEST(r.back() == "b1 OK [CAPABILITY " + kCapabilities + "] Logged in");
  }
  {
    // User names are case-insensitive (the server folds them); the password is not.
    auto c = server.connect();
    BOOST_TEST(c.command("c1", "LOGIN BOB bob-password", std::chrono::seconds(30)).rfind("c1 OK", 0) == 0u);
  }
}

BOOST_FIXTURE_TEST_CASE(wrong_password_and_unknown_user_get_the_same_answer, AuthFixture) {
  const std::string failed = " NO [AUTHENTICATIONFAILED] Authentication failed";
  auto c = server.connect();
  BOOST_TEST(c.command("a1", "LOGIN bob wrong-pw", std::chrono::seconds(30)) == "a1" + failed);
  BOOST_TEST(c.last_untagged().empty());
  BOOST_TEST(c.command("a2", "LOGIN nobody bob-password", std::chrono::seconds(30)) == "a2" + failed);
  BOOST_TEST(c.command("a3", "LOGIN \"not a valid/user\" x", std::chrono::seconds(30)) == "a3" + failed);
  // Still not authenticated, still usable: the right password works on the same connection.
  BOOST_TEST(c.command("a4", "SELECT INBOX") == "a4 BAD Log in first");
  BOOST_TEST(c.command("a5", "LOGIN bob bob-password", std::chrono::seconds(30)).rfind("a5 OK [CAPABILITY", 0) == 0u);

  // A wrong password for an account that is open (bob is logged in above) is refused the same way.
  auto d = server.connect();
  BOOST_TEST(c.command("a6", "NOOP") == "a6 OK NOOP completed");
  BOOST_TEST(d.command("b1", "LOGIN bob bob-PASSWORD", std::chrono::seconds(30)) == "b1" + failed);
  BOOST_TEST(d.command("b2", "LOGIN bob bob-password", std::chrono::seconds(30)).rfind("b2 OK", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(failed_logins_slow_down_the_same_user_and_the_same_address, AuthFixture) {
  using Clock = std::chrono::steady_clock;
  auto timed_login = [&](const std::string& user, const std::string& password) {
    auto c = server.connect();  // a new connection, so a new source port, every time
    const auto start = Clock::now();
    const auto status = c.command("a1", "LOGIN " + user + " " + password, std::chrono::seconds(30));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    BOOST_TEST(status == "a1 NO [AUTHENTICATIONFAILED] Authentication failed");
    return ms;
  };
  // Two failures for bob: the next attempt for bob waits 500 ms, whatever connection it comes on.
  timed_login("bob", "wrong-1");
  BOOST_TEST(timed_login("bob", "wrong-2") >= 200);
  BOOST_TEST(timed_login("bob", "wrong-3") >= 450);
  // Three failures from 127.0.0.1: a guess at another name from the same address is slowed down too. The client
  // address is the IP, not IP:port: a guesser that reconnects for every attempt must not start afresh.
  BOOST_TEST(timed_login("carol", "guess") >= 900,
             "no delay for a new user name from an address that just failed "
             "three times: the throttle keys on IP:port");
}

BOOST_FIXTURE_TEST_CASE(authenticate_cancelled_with_star_is_bad, AuthFixture) {
  auto c = server.connect();
  c.send("a1 AUTHENTICATE PLAIN\r\n");
  BOOST_TEST(c.read_line() == "+ ");
  c.send("*\r\n");
  // RFC 3501 §6.2.2: the server MUST reject a cancelled exchange with a tagged BAD.
  BOOST_TEST(c.read_line() == "a1 BAD Authentication cancelled");
  BOOST_TEST(c.command("a2", "SELECT INBOX") == "a2 BAD Log in first");
  // The connection goes on in the not-authenticated state.
  c.send("a3 AUTHENTICATE PLAIN\r\n");
  BOOST_TEST(c.read_line() == "+ ");
  c.send(plain("", "bob", "bob-password") + "\r\n");
  BOOST_TEST(c.read_response("a3", std::chrono::seconds(30)).back().rfind("a3 OK [CAPABILITY", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(authenticate_failures, AuthFixture) {
  auto c = server.connect();
  BOOST_TEST(c.command("a3", "AUTHENTICATE CRAM-MD5") == "a3 NO [CANNOT] Unsupported mechanism");
  c.send("a4 AUTHENTICATE PLAIN\r\n");
  BOOST_TEST(c.read_line() == "+ ");
  c.send("%%%not base64%%%\r\n");
  BOOST_TEST(c.read_line() == "a4 BAD Invalid base64");
  BOOST_TEST(c.command("a5", "AUTHENTICATE PLAIN " + base64("no-nul-at-all")) == "a5 BAD Malformed PLAIN response");
  BOOST_TEST(c.command("a6", "AUTHENTICATE PLAIN " + plain("", "bob", "bob-password"), std::chrono::seconds(30))
                 .rfind("a6 OK", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(commands_before_login_are_bad, AuthFixture) {
  auto c = server.connect();
  for (const char* command :
       {"SELECT INBOX", "EXAMINE INBOX", "CREATE foo", "DELETE foo", "RENAME foo bar", "SUBSCRIBE INBOX",
        "UNSUBSCRIBE INBOX", "LIST \"\" *", "LSUB \"\" *", "STATUS INBOX (MESSAGES)", "CHECK", "CLOSE",
        "EXPUNGE", "FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "COPY 1 INBOX", "UID FETCH 1 FLAGS"}) {
    BOOST_TEST(c.command("x1", command) == "x1 BAD Log in first", command);
    BOOST_TEST(c.last_untagged().empty(), command);
  }
  // APPEND's body is refused before any of it is read.
  c.send("x2 APPEND INBOX {5}\r\n");
  BOOST_TEST(c.read_line() == "x2 BAD Log in first");
  BOOST_TEST(c.command("x3", "STARTTLS") == "x3 BAD The connection is already TLS");
  BOOST_TEST(c.command("x4", "NOOP") == "x4 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(login_right_after_the_last_session_of_the_account_ended, AuthFixture) {
  // The account is closed when its last session ends and opened again by the next login, in the same server
  // process: that login must never be told the account is "in use elsewhere". Bounded: 30 rounds.
  std::vector<std::string> failures;
  for (int round = 0; round < 30; ++round) {
    auto c = server.connect();
    const auto status = c.command("a1", "LOGIN bob bob-password", std::chrono::seconds(30));
    if (status.rfind("a1 OK", 0) != 0) {
      failures.push_back("round " + std::to_string(round) + ": " + status);
      continue;
    }
    // Touch a mailbox (so mailbox actors are involved too), then end the session either way.
    BOOST_TEST(c.command("a2", "SELECT INBOX") == "a2 OK [READ-WRITE] SELECT completed");
    BOOST_TEST(append_message(c, "a3", "INBOX", "Subject: r\r\n\r\nx\r\n").rfind("a3 OK", 0) == 0u);
    if (round % 2 == 0) BOOST_TEST(c.command("a4", "LOGOUT") == "a4 OK LOGOUT completed");
  }
  BOOST_TEST(failures.empty(), failures.size()
                                   << " of 30 logins failed, first: " << (failures.empty() ? "" : failures.front()));
}

BOOST_FIXTURE_TEST_CASE(logout_says_bye_and_closes, AuthFixture) {
  {
    auto c = server.connect();
    BOOST_TEST(c.command("a1", "LOGOUT") == "a1 OK LOGOUT completed");
    BOOST_TEST(c.last_untagged() == std::vector<std::string>{"* BYE Logging out"}, boost::test_tools::per_element());
    BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
  }
  {
    auto c = server.login("bob", "bob-password");
    BOOST_TEST(c.command("a1", "SELECT INBOX") == "a1 OK [READ-WRITE] SELECT completed");
    BOOST_TEST(c.command("a2", "LOGOUT") == "a2 OK LOGOUT completed");
    BOOST_TEST(c.last_untagged() == std::vector<std::string>{"* BYE Logging out"}, boost::test_tools::per_element());
    BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
  }
  BOOST_TEST(server.stop() == 0, server.log());
}

BOOST_AUTO_TEST_SUITE_END()
