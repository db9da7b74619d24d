// Delivery key rotation through the real daemon (DESIGN.md §3): an account whose epoch is over rotates when it
// opens; mail delivered before (sealed to the old key, waiting in the spool) and after (sealed to the new key,
// imported at once through the daemon's spool watch) is all readable; after a restart, mail delivered offline to the
// new key imports at the next login.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/account_keys.h"
#include "test/support/imap_server.h"

using namespace test_support;
using namespace std::chrono_literals;

namespace {

// NOOP (new messages are announced between commands), then every message's bytes.
std::vector<std::string> bodies(TlsClient& c) {
  std::vector<std::string> out;
  if (c.command("n1", "NOOP") != "n1 OK NOOP completed") return out;
  if (c.command("f1", "FETCH 1:* BODY.PEEK[]") != "f1 OK FETCH completed") return out;
  for (const auto& line : c.last_untagged()) {
    auto f = parse_fetch(line);
    if (f) out.push_back(f->items["BODY[]"]);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_rotation)

BOOST_AUTO_TEST_CASE(an_expired_epoch_rotates_at_login_and_all_mail_stays_readable) {
  ImapServer server(ImapServerOptions{{{"keys.rotation_days", "1"}}, true, false});
  server.add_user("alice", "alice-password");
  const store::UserPaths paths(server.user_dir("alice"));
  // The account's first epoch began two days ago.
  auto header = store::read_account(paths);
  BOOST_REQUIRE(header.has_value());
  BOOST_REQUIRE_EQUAL(header->current_epoch, 1u);
  header->epoch_started -= 2 * 86400;
  BOOST_REQUIRE(store::write_account(paths, *header).has_value());

  const std::string m1 = "Subject: one\r\n\r\nsealed to epoch 1\r\n";
  const std::string m2 = "Subject: two\r\n\r\nsealed to epoch 2\r\n";
  const std::string m3 = "Subject: three\r\n\r\nsealed to epoch 2, offline\r\n";
  server.deliver("alice", m1);
  {
    auto c = server.login("alice", "alice-password");  // opens the account: rotates, then imports m1
    auto rotated = store::read_account(paths);
    BOOST_REQUIRE(rotated.has_value());
    BOOST_TEST(rotated->current_epoch == 2u);
    BOOST_TEST(std::filesystem::exists(paths.keys() / "2.pub"));
    BOOST_TEST(std::filesystem::exists(paths.keys() / "2.sec"));
    BOOST_TEST(std::filesystem::exists(paths.keys() / "1.sec"));  // mail sealed to epoch 1 may still be waiting
    BOOST_TEST(c.command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
    server.deliver("alice", m2);  // sealed to epoch 2; the daemon imports it at once
    std::vector<std::string> got;
    for (int i = 0; i < 50; ++i) {
      got = bodies(c);
      if (got.size() == 2) break;
      std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(got == (std::vector<std::string>{m1, m2}));
  }
  server.stop();
  server.deliver("alice", m3);
  server.start();
  auto c = server.login("alice", "alice-password");
  BOOST_TEST(c.command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
  BOOST_TEST(bodies(c) == (std::vector<std::string>{m1, m2, m3}));
  // Not due again: still epoch 2.
  BOOST_TEST(store::read_account(paths)->current_epoch == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
