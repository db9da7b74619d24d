// RFC 7889 (APPENDLIMIT) over the real server: the capability carries imap.max_message_bytes (§2 (a)) before and
// after login, STATUS (APPENDLIMIT) gives the same number for every mailbox (§3.1), and an APPEND over it is
// refused with NO [TOOBIG] (§4) whether its literal is synchronizing or not, adding nothing; at the limit it is
// accepted. Errors: a missing mailbox, a malformed item list.
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

struct LimitFixture : AliceSession {
  explicit LimitFixture(ImapServerOptions options = {}) : AliceSession(std::move(options)) {}
};

struct SmallLimitFixture : LimitFixture {
  SmallLimitFixture() : LimitFixture(ImapServerOptions{{{"imap.max_message_bytes", "4096"}}, true, false}) {}
};

bool has_capability(const std::string& list, const std::string& cap) {
  return (" " + list + " ").find(" " + cap + " ") != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc7889_appendlimit)

BOOST_FIXTURE_TEST_CASE(default_limit, LimitFixture) {
  // The test server keeps the default imap.max_message_bytes (64 MiB).
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST(has_capability(caps[0], "APPENDLIMIT=67108864"), caps[0]);
  BOOST_TEST(ok("STATUS INBOX (APPENDLIMIT)") == Lines{"* STATUS \"INBOX\" (APPENDLIMIT 67108864)"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(configured_limit_is_advertised_and_enforced, SmallLimitFixture) {
  // Before login: the greeting's capability list and CAPABILITY.
  auto anon = server.connect();
  auto caps = anon.command("a1", "CAPABILITY");
  BOOST_TEST(caps == "a1 OK CAPABILITY completed");
  BOOST_REQUIRE_EQUAL(anon.last_untagged().size(), 1u);
  BOOST_TEST(has_capability(anon.last_untagged()[0], "APPENDLIMIT=4096"), anon.last_untagged()[0]);
  BOOST_TEST(!has_capability(anon.last_untagged()[0], "APPENDLIMIT=67108864"));
  // After login.
  auto after = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(after.size(), 1u);
  BOOST_TEST(has_capability(after[0], "APPENDLIMIT=4096"), after[0]);

  // §3.1's example, for INBOX and any other mailbox, alone and among other items.
  BOOST_TEST(ok("STATUS INBOX (APPENDLIMIT)") == Lines{"* STATUS \"INBOX\" (APPENDLIMIT 4096)"}, tt::per_element());
  ok("CREATE Archive/2020");
  BOOST_TEST(ok("STATUS Archive/2020 (MESSAGES appendlimit UIDNEXT)") ==
                 Lines{"* STATUS \"Archive/2020\" (MESSAGES 0 APPENDLIMIT 4096 UIDNEXT 1)"},
             tt::per_element());

  // §4: at the limit accepted; one octet over, NO [TOOBIG] before the body is sent.
  BOOST_TEST(append_message(*c, "a1", "INBOX", make_message(1, 4096, Body::ascii)).rfind("a1 OK [APPENDUID ", 0) ==
             0u);
  BOOST_TEST(append_message(*c, "a2", "Archive/2020", make_message(2, 4097, Body::ascii)) ==
             "a2 NO [TOOBIG] Message larger than 4096 bytes");
  // A non-synchronizing literal (RFC 7888) over the limit: read, dropped, refused the same way.
  const std::string big = make_message(3, 5000, Body::binary);
  c->send("a3 APPEND INBOX {5000+}\r\n" + big + "\r\na4 NOOP\r\n");
  BOOST_TEST(c->read_line() == "a3 NO [TOOBIG] Message larger than 4096 bytes");
  BOOST_TEST(c->read_response("a4") == Lines{"a4 OK NOOP completed"}, tt::per_element());
  BOOST_TEST(ok("STATUS INBOX (MESSAGES SIZE APPENDLIMIT)") ==
                 Lines{"* STATUS \"INBOX\" (MESSAGES 1 SIZE 4096 APPENDLIMIT 4096)"},
             tt::per_element());
  BOOST_TEST(ok("STATUS Archive/2020 (MESSAGES)") == Lines{"* STATUS \"Archive/2020\" (MESSAGES 0)"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, SmallLimitFixture) {
  BOOST_TEST(answer("STATUS nowhere (APPENDLIMIT)") == "NO [NONEXISTENT] No such mailbox");
  BOOST_TEST(answer("STATUS INBOX (APPENDLIMIT=4096)").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("STATUS INBOX APPENDLIMIT").rfind("BAD", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(ok("STATUS INBOX (APPENDLIMIT)") == Lines{"* STATUS \"INBOX\" (APPENDLIMIT 4096)"}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
