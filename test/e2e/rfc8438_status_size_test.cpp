// RFC 8438 (STATUS=SIZE) over the real server: the capability, STATUS (SIZE) on an empty and a filled mailbox, the
// RFC's example item list (MESSAGES SIZE UIDNEXT), SIZE equal to the sum of FETCH RFC822.SIZE (§3's equivalent
// SELECT/FETCH sequence), its changes after COPY and EXPUNGE, and errors (missing mailbox, unknown item).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

using SizeFixture = AliceSession;

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc8438_status_size)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, SizeFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" STATUS=SIZE ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(size_of_empty_and_filled_mailboxes, SizeFixture) {
  BOOST_TEST(ok("STATUS INBOX (SIZE)") == Lines{"* STATUS \"INBOX\" (SIZE 0)"}, tt::per_element());
  ok("CREATE frop");
  const std::string m1 = make_message(1, 3224, Body::ascii);
  const std::string m2 = make_message(2, 1222, Body::eight_bit);
  const std::string m3 = make_message(3, 44421 - 3224 - 1222, Body::binary);
  append("frop", m1);
  append("frop", m2, "(\\Seen)");
  append("frop", m3);
  // §3's example: SIZE among other items, in the order asked; the total of the messages' octets.
  BOOST_TEST(ok("STATUS frop (MESSAGES SIZE UIDNEXT)") == Lines{"* STATUS \"frop\" (MESSAGES 3 SIZE 44421 UIDNEXT 4)"},
             tt::per_element());
  BOOST_TEST(ok("STATUS frop (size)") == Lines{"* STATUS \"frop\" (SIZE 44421)"}, tt::per_element());
  BOOST_TEST(ok("STATUS INBOX (SIZE MESSAGES)") == Lines{"* STATUS \"INBOX\" (SIZE 0 MESSAGES 0)"},
             tt::per_element());

  // The same number the slower way §3 shows: SELECT, then FETCH 1:* (RFC822.SIZE).
  ok("SELECT frop");
  std::uint64_t total = 0;
  for (const auto& line : ok("FETCH 1:* (RFC822.SIZE)")) {
    total += std::stoull(parse_fetch(line)->items.at("RFC822.SIZE"));
  }
  BOOST_TEST(total == 44421u);

  // STATUS of the selected mailbox is allowed (RFC 3501 §6.3.10 only discourages it).
  ok("COPY 1:2 INBOX");
  BOOST_TEST(ok("STATUS INBOX (SIZE)") == Lines{"* STATUS \"INBOX\" (SIZE " + std::to_string(3224 + 1222) + ")"},
             tt::per_element());
  ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  BOOST_TEST(ok("STATUS frop (SIZE MESSAGES)") ==
                 Lines{"* STATUS \"frop\" (SIZE " + std::to_string(44421 - 3224) + " MESSAGES 2)"},
             tt::per_element());
  // The copies are not affected by the expunge in the source.
  BOOST_TEST(ok("STATUS INBOX (SIZE)") == Lines{"* STATUS \"INBOX\" (SIZE " + std::to_string(3224 + 1222) + ")"},
             tt::per_element());

  // It survives a restart (the index, not a session cache, is counted).
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(ok("STATUS frop (SIZE)") == Lines{"* STATUS \"frop\" (SIZE " + std::to_string(44421 - 3224) + ")"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, SizeFixture) {
  BOOST_TEST(answer("STATUS nowhere (SIZE)") == "NO [NONEXISTENT] No such mailbox");
  BOOST_TEST(answer("STATUS INBOX (SIZE BOGUS)").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("STATUS INBOX SIZE").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("STATUS INBOX (SIZE 5)").rfind("BAD", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(ok("STATUS INBOX (SIZE)") == Lines{"* STATUS \"INBOX\" (SIZE 0)"}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
