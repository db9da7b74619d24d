// Crash safety: SIGKILL in the middle of many deliveries (`sealbox deliver` processes) and of spool imports (journal
// appends and renames, in a forked child), round after round. Afterwards every delivery that exited 0 is present
// exactly once, and the store opens and verifies cleanly.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <random>
#include <thread>

#include "store/account.h"
#include "test/support/cli_fixture.h"
#include "test/support/messages.h"
#include "test/support/why.h"

using namespace test_support;

namespace {

const std::string kPassword = "crash test dummy pw";
constexpr int kRounds = 40;
constexpr int kDeliveriesPerRound = 8;

std::string message_with_id(int id, std::size_t size) {
  return "Message-ID: <crash-" + std::to_string(id) + "@test>\r\n\r\n" +
         make_message(static_cast<unsigned>(id), size, Body::ascii);
}

// The Message-ID number of a stored message.
int id_of(const std::string& body) {
  auto at = body.find("<crash-");
  return at == std::string::npos ? -1 : std::stoi(body.substr(at + 7));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(sigkill_during_deliveries_and_imports_loses_nothing_acknowledged) {
  SealboxRoot sb;
  sb.add_user("alice", kPassword);
  std::mt19937 rng(42);
  std::set<int> acknowledged;
  int next_id = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);

  for (int round = 0; round < kRounds && std::chrono::steady_clock::now() < deadline; ++round) {
    std::map<pid_t, int> deliveries;
    for (int i = 0; i < kDeliveriesPerRound; ++i) {
      int id = next_id++;
      auto input = sb.root().parent_path() / ("msg" + std::to_string(id));
      write_file(input, message_with_id(id, 1000 + rng() % 300000));
      deliveries[spawn_process({sealbox_binary(), "--root", sb.root().string(), "deliver", "--user", "alice"},
                               input.string())] = id;
    }
    // An importer appending to the journals and renaming spool entries, killed at a random moment.
    pid_t importer = fork();
    BOOST_REQUIRE(importer >= 0);
    if (importer == 0) {
      for (;;) {
        auto account = store::Account::open(store::Root(sb.root()), "alice", kPassword);
        if (account) (void)(*account)->import_spool(1);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 12000));
    for (auto& [pid, id] : deliveries) {
      if (rng() % 2) kill(pid, SIGKILL);
    }
    kill(importer, SIGKILL);
    waitpid(importer, nullptr, 0);
    for (auto& [pid, id] : deliveries) {
      int status = 0;
      waitpid(pid, &status, 0);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) acknowledged.insert(id);
    }
  }
  BOOST_TEST_MESSAGE(acknowledged.size() << " of " << next_id << " deliveries were acknowledged");
  BOOST_REQUIRE(!acknowledged.empty());
  // The kills must have landed mid-delivery often enough for the test to mean something.
  BOOST_TEST(acknowledged.size() + 10 <= static_cast<std::size_t>(next_id));

  auto account = store::Account::open(store::Root(sb.root()), "alice", kPassword);
  BOOST_REQUIRE_MESSAGE(account.has_value(), why(account));
  auto report = (*account)->import_spool(2);
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(report->errors.empty());
  auto verify = (*account)->verify();
  BOOST_TEST(verify.errors.empty());
  auto inbox = (*account)->open_mailbox((*account)->find_mailbox("INBOX")->id);
  BOOST_REQUIRE(inbox.has_value());
  std::map<int, int> seen;
  for (const auto& m : (*inbox)->messages()) {
    auto body = (*account)->read_message(m);
    BOOST_REQUIRE(body.has_value());
    ++seen[id_of(std::string(base::as_chars(*body)))];
  }
  for (int id : acknowledged) BOOST_TEST(seen[id] == 1, "acknowledged delivery " << id << " seen " << seen[id]);
  for (auto& [id, count] : seen) BOOST_TEST(count == 1, "message " << id << " stored " << count << " times");
}

BOOST_AUTO_TEST_SUITE_END()
