// RFC 4959 (SASL-IR) over the real server: the capability; AUTHENTICATE with an initial response (§3 and its first
// example), "=" for an empty initial response (§3, §4: not the same as no initial response, and for PLAIN an empty
// message is malformed), the same exchange without an initial response (the second example: "+ " and the response on
// its own line), and the errors: an initial response that is not base64, wrong credentials, an unsupported
// mechanism, and AUTHENTICATE once authenticated. Failed authentications are delayed by the server, so the bad
// credentials cases use few attempts and long timeouts.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;
constexpr auto kSlow = std::chrono::seconds(30);

struct SaslFixture {
  SaslFixture() {
    server.add_user("test", "test-password");
    server.add_user("alice", "alice's \"secret\" pw");
  }
  ImapServer server;
};

std::string plain(const std::string& authzid, const std::string& user, const std::string& password) {
  return base64(authzid + std::string(1, '\0') + user + std::string(1, '\0') + password);
}

std::string capabilities(TlsClient& c) {
  BOOST_REQUIRE(c.command("c0", "CAPABILITY") == "c0 OK CAPABILITY completed");
  return c.last_untagged().at(0).substr(13);  // after "* CAPABILITY "
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc4959_sasl_ir)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, SaslFixture) {
  auto c = server.connect();
  const auto caps = capabilities(c);
  BOOST_TEST((" " + caps + " ").find(" SASL-IR ") != std::string::npos, caps);
  BOOST_TEST((" " + caps + " ").find(" AUTH=PLAIN ") != std::string::npos, caps);
}

BOOST_FIXTURE_TEST_CASE(authenticate_plain_with_initial_response, SaslFixture) {
  // The first example: "C: A01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=" (test/test/test; the password here is
  // longer, as the server wants 8+ characters) answered at once, with no continuation.
  auto c = server.connect();
  const auto caps = capabilities(c);
  BOOST_TEST(base64(std::string("test\0test\0test", 14)) == "dGVzdAB0ZXN0AHRlc3Q=");
  BOOST_TEST(c.command("A01", "AUTHENTICATE PLAIN " + plain("test", "test", "test-password"), kSlow) ==
             "A01 OK [CAPABILITY " + caps + "] Logged in");
  BOOST_TEST(c.last_untagged().empty());
  BOOST_TEST(c.command("a2", "LIST \"\" INBOX") == "a2 OK LIST completed");

  // No authzid; the mechanism name is case-insensitive; a password with quotes needs no escaping in base64.
  auto d = server.connect();
  BOOST_TEST(d.command("b1", "authenticate plain " + plain("", "alice", "alice's \"secret\" pw"), kSlow) ==
             "b1 OK [CAPABILITY " + caps + "] Logged in");
  BOOST_TEST(d.last_untagged().empty());
  BOOST_TEST(d.command("b2", "SELECT INBOX") == "b2 OK [READ-WRITE] SELECT completed");
}

BOOST_FIXTURE_TEST_CASE(authenticate_without_initial_response, SaslFixture) {
  // The second example: without an initial response the server sends an empty challenge "+ " first.
  auto c = server.connect();
  const auto caps = capabilities(c);
  c.send("A01 AUTHENTICATE PLAIN\r\n");
  BOOST_TEST(c.read_line() == "+ ");
  c.send(plain("", "alice", "alice's \"secret\" pw") + "\r\n");
  BOOST_TEST(c.read_response("A01", kSlow) == Lines{"A01 OK [CAPABILITY " + caps + "] Logged in"}, tt::per_element());
  BOOST_TEST(c.command("a2", "NOOP") == "a2 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(empty_initial_response, SaslFixture) {
  // §3: "=" is a zero-length initial response; the server does not ask for one with "+". An empty PLAIN message has
  // no NUL separators: malformed (RFC 4616 §2), refused as the same message sent after "+ " would be.
  auto c = server.connect();
  BOOST_TEST(c.command("a1", "AUTHENTICATE PLAIN =", kSlow) == "a1 BAD Malformed PLAIN response");
  BOOST_TEST(c.last_untagged().empty());
  c.send("a2 AUTHENTICATE PLAIN\r\n");
  BOOST_TEST(c.read_line() == "+ ");
  c.send("\r\n");
  BOOST_TEST(c.read_line(kSlow) == "a2 BAD Malformed PLAIN response");
  // Still not authenticated, still usable.
  BOOST_TEST(c.command("a3", "SELECT INBOX") == "a3 BAD Log in first");
  BOOST_TEST(c.command("a4", "AUTHENTICATE PLAIN " + plain("", "test", "test-password"), kSlow).rfind("a4 OK [", 0) ==
             0u);
}

BOOST_FIXTURE_TEST_CASE(invalid_base64_initial_response, SaslFixture) {
  auto c = server.connect();
  // Not base64 (wrong length, characters or padding): refused by the parser, not a failed login.
  for (const char* bad : {"dGVzdA", "dGVzdA=x", "dGVzdA===", "dG=VzdA==", "=="}) {
    BOOST_TEST(c.command("a1", std::string("AUTHENTICATE PLAIN ") + bad, kSlow) ==
                   "a1 BAD invalid base64 in initial response",
               bad);
    BOOST_TEST(c.last_untagged().empty(), bad);
  }
  // Not even an atom.
  for (const char* bad : {"%%%not base64%%%", "*"}) {
    BOOST_TEST(c.command("a1", std::string("AUTHENTICATE PLAIN ") + bad, kSlow) == "a1 BAD expected initial response",
               bad);
    BOOST_TEST(c.last_untagged().empty(), bad);
  }
  // Two arguments after the mechanism: BAD too.
  BOOST_TEST(c.command("a2", "AUTHENTICATE PLAIN " + plain("", "test", "test-password") + " x") ==
             "a2 BAD unexpected characters after AUTHENTICATE");
  BOOST_TEST(c.command("a3", "SELECT INBOX") == "a3 BAD Log in first");
  BOOST_TEST(c.command("a4", "AUTHENTICATE PLAIN " + plain("", "test", "test-password"), kSlow).rfind("a4 OK [", 0) ==
             0u);
}

BOOST_FIXTURE_TEST_CASE(wrong_credentials_in_the_initial_response, SaslFixture) {
  auto c = server.connect();
  BOOST_TEST(c.command("a1", "AUTHENTICATE PLAIN " + plain("", "test", "wrong-password"), kSlow) ==
             "a1 NO [AUTHENTICATIONFAILED] Authentication failed");
  BOOST_TEST(c.last_untagged().empty());
  BOOST_TEST(c.command("a2", "AUTHENTICATE PLAIN " + plain("", "nobody", "test-password"), kSlow) ==
             "a2 NO [AUTHENTICATIONFAILED] Authentication failed");
  BOOST_TEST(c.command("a3", "AUTHENTICATE PLAIN " + plain("alice", "test", "test-password"), kSlow) ==
             "a3 NO [AUTHORIZATIONFAILED] Cannot act as another user");
  BOOST_TEST(c.command("a4", "SELECT INBOX") == "a4 BAD Log in first");
  // An unsupported mechanism with an initial response: refused before the response is looked at.
  BOOST_TEST(c.command("a5", "AUTHENTICATE CRAM-MD5 " + base64("test x"), kSlow) ==
             "a5 NO [CANNOT] Unsupported mechanism");
  BOOST_TEST(c.command("a6", "AUTHENTICATE PLAIN " + plain("", "test", "test-password"), kSlow).rfind("a6 OK [", 0) ==
             0u);
  // Authenticated: AUTHENTICATE with an initial response is BAD (RFC 3501 §6.2).
  BOOST_TEST(c.command("a7", "AUTHENTICATE PLAIN " + plain("", "test", "test-password")) ==
             "a7 BAD Already authenticated");
  BOOST_TEST(c.command("a8", "AUTHENTICATE PLAIN =") == "a8 BAD Already authenticated");
}

BOOST_AUTO_TEST_SUITE_END()
