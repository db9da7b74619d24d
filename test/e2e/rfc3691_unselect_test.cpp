// RFC 3691 (UNSELECT) over the real server: the capability; §3's example; UNSELECT leaves the selected state without
// expunging (unlike CLOSE), after SELECT and after EXAMINE, with no untagged responses (no [CLOSED]); the errors:
// BAD when no mailbox is selected (§3: "the UNSELECT command is only valid in the selected state"), BAD with
// arguments.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

struct UnselectFixture : AliceSession {
  void add(int n) {
    for (int i = 0; i < n; ++i) append("INBOX", make_message(static_cast<unsigned>(i + 1), 200, Body::ascii));
  }
  std::vector<std::uint32_t> uids_in_view() {
    std::vector<std::uint32_t> out;
    for (const auto& line : ok("FETCH 1:* (UID)")) {
      auto f = parse_fetch(line);
      BOOST_REQUIRE(f.has_value());
      out.push_back(static_cast<std::uint32_t>(std::stoul(f->items.at("UID"))));
    }
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3691_unselect)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, UnselectFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" UNSELECT ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(rfc_example, UnselectFixture) {
  // §3: "C: A341 UNSELECT" / "S: A341 OK Unselect completed".
  ok("SELECT INBOX");
  BOOST_TEST(c->command("A341", "UNSELECT") == "A341 OK UNSELECT completed");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
  // Lower case works too.
  ok("SELECT INBOX");
  BOOST_TEST(c->command("A342", "unselect") == "A342 OK UNSELECT completed");
  BOOST_TEST(c->last_untagged().empty());
}

BOOST_FIXTURE_TEST_CASE(unselect_does_not_expunge, UnselectFixture) {
  add(3);
  ok("SELECT INBOX");
  ok("STORE 1:3 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(c->command("u1", "UNSELECT") == "u1 OK UNSELECT completed");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
  BOOST_TEST(answer("UNSELECT") == "BAD No mailbox selected");
  ok("SELECT INBOX");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2, 3}), tt::per_element());
  BOOST_TEST(ok("FETCH 1:3 FLAGS") == (Lines{"* 1 FETCH (FLAGS (\\Deleted))", "* 2 FETCH (FLAGS (\\Deleted))",
                                             "* 3 FETCH (FLAGS (\\Deleted))"}),
             tt::per_element());
  // Selecting another mailbox does not expunge either.
  ok("CREATE Other");
  ok("SELECT Other");
  BOOST_TEST(ok("STATUS INBOX (MESSAGES)") == Lines{"* STATUS \"INBOX\" (MESSAGES 3)"}, tt::per_element());
  // CLOSE, by contrast, does (silently).
  ok("SELECT INBOX");
  BOOST_TEST(ok("CLOSE").empty());
  BOOST_TEST(ok("STATUS INBOX (MESSAGES)") == Lines{"* STATUS \"INBOX\" (MESSAGES 0)"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(unselect_after_examine, UnselectFixture) {
  add(2);
  ok("SELECT INBOX");
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  ok("EXAMINE INBOX");
  BOOST_TEST(c->command("u1", "UNSELECT") == "u1 OK UNSELECT completed");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
  BOOST_TEST(ok("STATUS INBOX (MESSAGES)") == Lines{"* STATUS \"INBOX\" (MESSAGES 2)"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, UnselectFixture) {
  // Authenticated, nothing selected: BAD, and the state does not change.
  BOOST_TEST(answer("UNSELECT") == "BAD No mailbox selected");
  BOOST_TEST(c->last_untagged().empty());
  // Arguments are a syntax error, selected or not; a refused UNSELECT leaves the mailbox selected.
  const std::string extra = "BAD unexpected characters after UNSELECT";
  BOOST_TEST(answer("UNSELECT INBOX") == extra);
  ok("SELECT INBOX");
  BOOST_TEST(answer("UNSELECT INBOX") == extra);
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("UNSELECT ") == extra);
  BOOST_TEST(answer("CHECK") == "OK CHECK completed");  // still selected
  BOOST_TEST(answer("UNSELECT") == "OK UNSELECT completed");
  BOOST_TEST(answer("UNSELECT") == "BAD No mailbox selected");
  // Not authenticated: BAD.
  auto fresh = server.connect();
  BOOST_TEST(fresh.command("n1", "UNSELECT") == "n1 BAD Log in first");
}

BOOST_AUTO_TEST_SUITE_END()
