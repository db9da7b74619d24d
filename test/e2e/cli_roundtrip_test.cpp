// Round trip through the real binary: `sealbox user add`, 200 deliveries by `sealbox deliver` (plus a 0-byte one
// through the same store::Delivery path, since the MDA refuses empty input by design), then unlock, import and read
// back every message byte for byte; `sealbox check` agrees on the counts before and after import.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "store/account.h"
#include "store/delivery.h"
#include "test/support/cli_fixture.h"
#include "test/support/messages.h"
#include "test/support/why.h"

using namespace test_support;

namespace {

// 200 sizes: the edges of the chunk format, small and medium mail, a few large ones, one of 10 MiB.
std::vector<std::size_t> sizes() {
  std::vector<std::size_t> out{0, 1, 2, 15, 16, 17, 1023, 1024, 1025, 65535, 65536, 65537, 131072, 1 << 20,
                               (1 << 20) + 1, 10u << 20};
  for (std::size_t i = 0; out.size() < 200; ++i) out.push_back(100 + (i * 7919) % 60000);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(roundtrip)

BOOST_AUTO_TEST_CASE(two_hundred_messages_come_back_byte_identical) {
  SealboxRoot sb;
  const std::string password = "correct horse battery staple";
  sb.add_user("alice", password);

  std::vector<std::string> sent;
  auto all_sizes = sizes();
  for (std::size_t i = 0; i < all_sizes.size(); ++i) {
    auto kind = static_cast<Body>(i % 3);
    sent.push_back(make_message(static_cast<unsigned>(i), all_sizes[i], kind));
    if (sent.back().empty()) {
      auto d = store::Delivery::begin(store::Root(sb.root()), "alice", "", 1700000000, 1u << 30);
      BOOST_REQUIRE(d.has_value());
      BOOST_REQUIRE(d->commit().has_value());
      continue;
    }
    auto r = sb.run({"deliver", "--user", "alice"}, sent.back());
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "delivery " << i << " failed: " << r.err);
    BOOST_TEST(r.err.empty());
  }

  auto pw = sb.password_file(password).string();
  auto before = sb.run({"check", "alice", "--password-file", pw});
  BOOST_TEST(before.exit_code == 0);
  BOOST_TEST(before.out.find("0 messages (0 bytes), 200 pending deliveries") != std::string::npos, before.out);

  std::uint64_t total = 0;
  {
    auto account = store::Account::open(store::Root(sb.root()), "alice", password);
    BOOST_REQUIRE_MESSAGE(account.has_value(), why(account));
    auto report = (*account)->import_spool(1700000001);
    BOOST_REQUIRE(report.has_value());
    BOOST_TEST(report->imported == 200u);
    BOOST_TEST(report->errors.empty());
    auto inbox = (*account)->open_mailbox((*account)->find_mailbox("INBOX")->id);
    BOOST_REQUIRE(inbox.has_value());
    const auto& messages = (*inbox)->messages();
    BOOST_REQUIRE_EQUAL(messages.size(), 200u);
    for (std::size_t i = 0; i < messages.size(); ++i) {
      BOOST_TEST(messages[i].uid == i + 1);  // arrival order
      BOOST_TEST(messages[i].size == sent[i].size());
      auto body = (*account)->read_message(messages[i]);
      BOOST_REQUIRE_MESSAGE(body.has_value(), why(body));
      BOOST_TEST((std::string(base::as_chars(*body)) == sent[i]), "message " << i << " differs");
      total += sent[i].size();
    }
  }
  auto after = sb.run({"check", "alice", "--password-file", pw});
  BOOST_TEST(after.exit_code == 0);
  BOOST_TEST(after.out.find("200 messages (" + std::to_string(total) + " bytes), 0 pending deliveries") !=
                 std::string::npos, after.out);
  BOOST_TEST(files_under(sb.user_dir("alice") / "spool").empty());
  BOOST_TEST(files_under(sb.user_dir("alice") / "tmp").empty());
}

BOOST_AUTO_TEST_CASE(deliver_to_a_named_mailbox_and_to_a_missing_one) {
  SealboxRoot sb;
  sb.add_user("bob", "another long password");
  {
    auto account = store::Account::open(store::Root(sb.root()), "bob", "another long password");
    BOOST_REQUIRE(account.has_value());
    BOOST_REQUIRE((*account)->create_mailbox("Lists/sealbox").has_value());
  }
  BOOST_TEST(sb.run({"deliver", "--user", "bob", "--mailbox", "Lists/sealbox"}, "Subject: a\r\n\r\nx\r\n").exit_code == 0);
  BOOST_TEST(sb.run({"deliver", "--user", "BOB", "--mailbox", "No/such"}, "Subject: b\r\n\r\ny\r\n").exit_code == 0);
  auto account = store::Account::open(store::Root(sb.root()), "bob", "another long password");
  BOOST_REQUIRE(account.has_value());
  BOOST_REQUIRE((*account)->import_spool(1).has_value());
  auto lists = (*account)->open_mailbox((*account)->find_mailbox("Lists/sealbox")->id);
  auto inbox = (*account)->open_mailbox((*account)->find_mailbox("INBOX")->id);
  BOOST_REQUIRE(lists.has_value() && inbox.has_value());
  BOOST_REQUIRE_EQUAL((*lists)->messages().size(), 1u);
  BOOST_REQUIRE_EQUAL((*inbox)->messages().size(), 1u);
  BOOST_TEST(std::string(base::as_chars(*(*account)->read_message((*lists)->messages()[0]))) == "Subject: a\r\n\r\nx\r\n");
  BOOST_TEST(std::string(base::as_chars(*(*account)->read_message((*inbox)->messages()[0]))) == "Subject: b\r\n\r\ny\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
