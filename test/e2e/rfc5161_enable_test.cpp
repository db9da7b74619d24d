// RFC 5161 ENABLE over the real server: CONDSTORE, QRESYNC (RFC 7162), UTF8=ACCEPT (RFC 6855) and IMAP4rev2
// (RFC 9051) are enableable; unknown names and names needing no enabling are ignored (§3.1); "* ENABLED" lists what
// that command enabled, each name once per connection (§3.1-3.2); CAPABILITY is the same before and after (§3.1's
// example); ENABLE may be pipelined after LOGIN; BAD before login, without arguments or with a non-atom; accepted
// in the selected state (§3.1: servers "don't have to check").
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;
using Lines = std::vector<std::string>;

namespace {

struct EnableFixture {
  EnableFixture() { server.add_user("alice", "alice-password"); }
  ImapServer server;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc5161_enable)

BOOST_FIXTURE_TEST_CASE(rfc_example_capability_unchanged, EnableFixture) {
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(c.command("t1", "CAPABILITY") == "t1 OK CAPABILITY completed");
  const Lines before = c.last_untagged();
  BOOST_REQUIRE_EQUAL(before.size(), 1u);
  BOOST_TEST((" " + before[0] + " ").find(" ENABLE ") != std::string::npos, before[0]);
  // §3.1's example: CONDSTORE is enabled, X-GOOD-IDEA is unknown and ignored.
  BOOST_TEST(c.command("t2", "ENABLE CONDSTORE X-GOOD-IDEA") == "t2 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED CONDSTORE"}, tt::per_element());
  BOOST_TEST(c.command("t3", "CAPABILITY") == "t3 OK CAPABILITY completed");
  BOOST_TEST(c.last_untagged() == before, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(each_name_enabled_once, EnableFixture) {
  auto c = server.login("alice", "alice-password");
  // Names that need no enabling (IDLE, ENABLE) and unknown names are ignored (§3.1).
  BOOST_TEST(c.command("e1", "ENABLE IDLE ENABLE X-UNKNOWN") == "e1 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED"}, tt::per_element());
  // Case-insensitive names, listed in the canonical spelling; each ENABLED lists only what that command enabled.
  BOOST_TEST(c.command("e2", "enable condstore utf8=accept") == "e2 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED CONDSTORE UTF8=ACCEPT"}, tt::per_element());
  BOOST_TEST(c.command("e3", "ENABLE CONDSTORE QRESYNC UTF8=ACCEPT") == "e3 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED QRESYNC"}, tt::per_element());
  BOOST_TEST(c.command("e4", "ENABLE QRESYNC IMAP4rev2") == "e4 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED IMAP4rev2"}, tt::per_element());
  BOOST_TEST(c.command("e5", "ENABLE QRESYNC CONDSTORE IMAP4REV2") == "e5 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(pipelined_after_login_and_before_select, EnableFixture) {
  auto c = server.connect();
  // §3.1: "it is possible to send ENABLE and then immediately SELECT, or a LOGIN immediately followed by ENABLE".
  c.send("a1 LOGIN alice alice-password\r\na2 ENABLE CONDSTORE\r\na3 SELECT INBOX\r\n");
  auto r = c.read_response("a1", std::chrono::seconds(30));
  BOOST_TEST(r.back().rfind("a1 OK ", 0) == 0u, r.back());
  BOOST_TEST(c.read_response("a2") == (Lines{"* ENABLED CONDSTORE", "a2 OK ENABLE completed"}), tt::per_element());
  r = c.read_response("a3");
  BOOST_TEST(r.back() == "a3 OK [READ-WRITE] SELECT completed");
  // In the selected state too (clients must not, servers need not check). QRESYNC there reports nothing more:
  // CONDSTORE, which reports HIGHESTMODSEQ when first enabled with a mailbox selected, was on already.
  BOOST_TEST(c.command("a4", "ENABLE QRESYNC") == "a4 OK ENABLE completed");
  BOOST_TEST(c.last_untagged() == Lines{"* ENABLED QRESYNC"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(condstore_enabled_while_selected_reports_highestmodseq, EnableFixture) {
  // RFC 7162 §3.1: the first CONDSTORE enabling command with a mailbox selected returns HIGHESTMODSEQ.
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(c.command("s1", "SELECT INBOX") == "s1 OK [READ-WRITE] SELECT completed");
  BOOST_TEST(c.command("s2", "ENABLE CONDSTORE") == "s2 OK ENABLE completed");
  const Lines got = c.last_untagged();
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST(got[0] == "* ENABLED CONDSTORE");
  BOOST_TEST(got[1].rfind("* OK [HIGHESTMODSEQ ", 0) == 0u, got[1]);
}

BOOST_FIXTURE_TEST_CASE(errors, EnableFixture) {
  auto c = server.connect();
  // Only after login.
  BOOST_TEST(c.command("b1", "ENABLE CONDSTORE") == "b1 BAD Log in first");
  BOOST_TEST(c.last_untagged().empty());
  BOOST_TEST(c.command("b2", "LOGIN alice alice-password", std::chrono::seconds(30)).rfind("b2 OK", 0) == 0u);
  // "ENABLE" 1*(SP capability): at least one, atoms only.
  BOOST_TEST(c.command("b3", "ENABLE").rfind("b3 BAD ", 0) == 0u);
  BOOST_TEST(c.command("b4", "ENABLE ").rfind("b4 BAD ", 0) == 0u);
  BOOST_TEST(c.command("b5", "ENABLE (CONDSTORE)").rfind("b5 BAD ", 0) == 0u);
  BOOST_TEST(c.command("b6", "ENABLE \"CONDSTORE\"").rfind("b6 BAD ", 0) == 0u);
  BOOST_TEST(c.command("b7", "ENABLE CONDSTORE  QRESYNC").rfind("b7 BAD ", 0) == 0u);
  BOOST_TEST(c.last_untagged().empty());
  BOOST_TEST(c.command("b8", "NOOP") == "b8 OK NOOP completed");
}

BOOST_AUTO_TEST_SUITE_END()
