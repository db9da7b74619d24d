// RFC 2342 (NAMESPACE) over the real server: the capability; one personal namespace with no prefix and "/" as the
// hierarchy delimiter, no other users' and no shared namespaces (§5, example 5.1), in the authenticated and the
// selected state; the delimiter it gives is the one LIST gives and the one hierarchy names use; errors: arguments are
// BAD, and so is NAMESPACE before login.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {
using Lines = std::vector<std::string>;
const std::string kNamespace = "* NAMESPACE ((\"\" \"/\")) NIL NIL";
}  // namespace

BOOST_AUTO_TEST_SUITE(rfc2342_namespace)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, AliceSession) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" NAMESPACE ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(example_5_1_single_personal_namespace, AliceSession) {
  // Example 5.1: "A server that supports a single personal namespace. No leading prefix is used on personal
  // mailboxes and "/" is the hierarchy delimiter."
  BOOST_TEST(c->command("A001", "NAMESPACE") == "A001 OK NAMESPACE completed");
  BOOST_TEST(c->last_untagged() == Lines{kNamespace}, tt::per_element());
  // Lower case command name; the same answer in the selected state and again after a hierarchy exists.
  BOOST_TEST(ok("namespace") == Lines{kNamespace}, tt::per_element());
  ok("SELECT INBOX");
  BOOST_TEST(ok("NAMESPACE") == Lines{kNamespace}, tt::per_element());
  ok("CREATE Work/Projects");
  BOOST_TEST(ok("NAMESPACE") == Lines{kNamespace}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(prefix_and_delimiter_match_list, AliceSession) {
  // §4: the prefix "" and the delimiter "/" are how mailbox names are built: LIST reports the same delimiter.
  BOOST_TEST(ok("LIST \"\" \"\"") == Lines{"* LIST (\\Noselect) \"/\" \"\""}, tt::per_element());
  ok("CREATE Work/Projects");
  BOOST_TEST(ok("LIST \"\" Work/%") == Lines{"* LIST (\\HasNoChildren) \"/\" \"Work/Projects\""}, tt::per_element());
  // Names in the personal namespace need no prefix: the top level is listed with "%" from the empty reference.
  BOOST_TEST(ok("LIST \"\" W%") == Lines{"* LIST (\\HasChildren) \"/\" \"Work\""}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, AliceSession) {
  for (const char* bad : {"NAMESPACE foo", "NAMESPACE ()", "NAMESPACE "}) {
    BOOST_TEST(answer(bad) == "BAD unexpected characters after NAMESPACE", bad);
    BOOST_TEST(c->last_untagged().empty(), bad);
  }
  // Not authenticated: BAD (RFC 2342 §5: valid in the authenticated and selected states only).
  auto fresh = server.connect();
  BOOST_TEST(fresh.command("n1", "NAMESPACE") == "n1 BAD Log in first");
  BOOST_TEST(fresh.last_untagged().empty());
  // The session is intact.
  BOOST_TEST(ok("NAMESPACE") == Lines{kNamespace}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
