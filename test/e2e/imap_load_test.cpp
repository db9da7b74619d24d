// Load: 100 concurrent IMAP connections for 10 users (10 each), every connection in its own thread with its own
// TlsClient, running a mixed APPEND / FETCH / STORE / NOOP loop bounded in count and time. Afterwards: no error
// responses, no disconnects, every fetched body is the one appended, and per user two fresh sessions see the same
// UID -> flags map, with one message per acknowledged APPEND and the flags its connection last stored.
//
// Worker threads never call Boost.Test (it is not thread-safe): they record problems, which the test thread checks.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;

namespace {

using Clock = std::chrono::steady_clock;
using Flags = std::set<std::string>;

constexpr int kUsers = 10;
constexpr int kConnections = 100;
constexpr int kMaxIterations = 40;
constexpr auto kRunFor = std::chrono::seconds(20);
constexpr auto kTimeout = std::chrono::seconds(60);

std::string user_name(int u) { return "user" + std::to_string(u); }
std::string password(int u) { return "password-of-user" + std::to_string(u); }

// The flags connection `k` leaves on its i-th message.
Flags flags_for(int k, int i) {
  switch ((k + i) % 4) {
    case 0:
      return {"\\Seen"};
    case 1:
      return {"\\Flagged", "$Load" + std::to_string(k % 3)};
    case 2:
      return {};
    default:
      return {"\\Answered", "\\Seen"};
  }
}

std::string flag_list(const Flags& flags) {
  std::string out = "(";
  for (const auto& f : flags) out += (out.size() > 1 ? " " : "") + f;
  return out + ")";
}

struct Outcome {
  std::vector<std::string> problems;
  std::map<std::uint32_t, Flags> mine;  // UID -> the flags this connection last stored
  int appends = 0;
  int commands = 0;
};

void problem(Outcome& o, const std::string& what) {
  if (o.problems.size() < 10) o.problems.push_back(what);
}

// One connection's life: login, SELECT, the loop, LOGOUT.
void connection(const ImapServer& server, int k, Clock::time_point deadline, Outcome& o) {
  const int u = k % kUsers;
  try {
    auto c = server.login(user_name(u), password(u));
    int tag = 0;
    auto run = [&](const std::string& command) {
      const std::string t = "c" + std::to_string(++tag);
      ++o.commands;
      const auto status = c.command(t, command, kTimeout);
      if (status.rfind(t + " OK", 0) != 0) problem(o, command.substr(0, 60) + " -> " + status);
      return c.last_untagged();
    };
    run("SELECT INBOX");
    for (int i = 0; i < kMaxIterations && Clock::now() < deadline; ++i) {
      // APPEND, and learn the UID from APPENDUID.
      const std::string body =
          make_message(static_cast<unsigned>(k * 1000 + i), 600 + static_cast<std::size_t>((k * 37 + i * 101) % 3000),
                       static_cast<Body>(i % 3));
      const std::string t = "a" + std::to_string(++tag);
      ++o.commands;
      const auto status = append_message(c, t, "INBOX", body, {}, nullptr);
      const std::string ok = t + " OK [APPENDUID ";
      if (status.rfind(ok, 0) != 0) {
        problem(o, "APPEND -> " + status);
        continue;
      }
      ++o.appends;
      const auto uid_at = status.find(' ', ok.size()) + 1;
      const auto uid = static_cast<std::uint32_t>(std::stoul(status.substr(uid_at)));
      o.mine[uid] = {};
      const std::string uid_text = std::to_string(uid);

      // FETCH it back: the same bytes.
      bool found = false;
      for (const auto& r : run("UID FETCH " + uid_text + " (UID BODY.PEEK[])")) {
        auto f = parse_fetch(r);
        if (!f || f->items.count("UID") == 0 || f->items.at("UID") != uid_text || f->items.count("BODY[]") == 0) {
          continue;
        }
        found = true;
        if (f->items.at("BODY[]") != body) problem(o, "UID " + uid_text + " came back different");
      }
      if (!found) problem(o, "UID FETCH " + uid_text + " returned no body");

      // STORE its final flags (replacing), sometimes in two steps.
      const Flags want = flags_for(k, i);
      if (i % 2 == 0) {
        run("UID STORE " + uid_text + " +FLAGS.SILENT (\\Draft)");
        run("UID STORE " + uid_text + " FLAGS " + flag_list(want));
      } else {
        run("UID STORE " + uid_text + " FLAGS.SILENT " + flag_list(want));
      }
      o.mine[uid] = want;

      // Now and then the whole mailbox, or a NOOP to take in the other connections' changes.
      if (i % 5 == 2) run("FETCH 1:* (UID FLAGS)");
      if (i % 3 == 1) run("NOOP");
    }
    const std::string t = "z" + std::to_string(++tag);
    const auto status = c.command(t, "LOGOUT", kTimeout);
    if (status != t + " OK LOGOUT completed") problem(o, "LOGOUT -> " + status);
  } catch (const std::exception& e) {
    problem(o, std::string("connection failed: ") + e.what());
  }
}

// UID -> flags of INBOX as a fresh session sees it.
std::map<std::uint32_t, Flags> inbox_state(const ImapServer& server, int u) {
  auto c = server.login(user_name(u), password(u));
  BOOST_TEST(c.command("s1", "EXAMINE INBOX", kTimeout) == "s1 OK [READ-ONLY] EXAMINE completed");
  BOOST_TEST(c.command("s2", "FETCH 1:* (UID FLAGS)", kTimeout) == "s2 OK FETCH completed");
  std::map<std::uint32_t, Flags> out;
  for (const auto& r : c.last_untagged()) {
    auto f = parse_fetch(r);
    BOOST_REQUIRE(f.has_value());
    out[static_cast<std::uint32_t>(std::stoul(f->items.at("UID")))] = parse_flags(f->items.at("FLAGS"));
  }
  return out;
}

std::string show(const std::map<std::uint32_t, Flags>& state) {
  std::ostringstream out;
  for (const auto& [uid, flags] : state) out << uid << "=" << flag_list(flags) << " ";
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(imap_load)

BOOST_AUTO_TEST_CASE(hundred_connections_ten_users_mixed_loop) {
  ImapServer server;
  for (int u = 0; u < kUsers; ++u) server.add_user(user_name(u), password(u));

  // One idle session per user for the whole test keeps each account open, so the fresh sessions at the end do not
  // race the account's closing (reopening an account right after its last session ended is tested on its own in
  // rfc3501_auth_test).
  std::vector<TlsClient> anchors;
  for (int u = 0; u < kUsers; ++u) anchors.push_back(server.login(user_name(u), password(u)));

  std::vector<Outcome> outcomes(kConnections);
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  const auto deadline = started + kRunFor;
  for (int k = 0; k < kConnections; ++k) {
    threads.emplace_back([&server, k, deadline, &outcomes] { connection(server, k, deadline, outcomes[k]); });
  }
  for (auto& t : threads) t.join();
  const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();

  int appends = 0;
  int commands = 0;
  for (int k = 0; k < kConnections; ++k) {
    const auto& o = outcomes[static_cast<std::size_t>(k)];
    appends += o.appends;
    commands += o.commands;
    BOOST_TEST(o.problems.empty(), "connection " << k << ": " << (o.problems.empty() ? "" : o.problems.front()));
    BOOST_TEST(o.appends > 0, "connection " << k << " appended nothing");
  }
  BOOST_TEST_MESSAGE(kConnections << " connections: " << commands << " commands, " << appends << " APPENDs in "
                                  << seconds << " s");

  for (int u = 0; u < kUsers; ++u) {
    std::map<std::uint32_t, Flags> expected;
    int user_appends = 0;
    for (int k = u; k < kConnections; k += kUsers) {
      const auto& o = outcomes[static_cast<std::size_t>(k)];
      user_appends += o.appends;
      for (const auto& [uid, flags] : o.mine)
        BOOST_TEST(expected.emplace(uid, flags).second, "UID " << uid << " twice");
    }
    const auto first = inbox_state(server, u);
    const auto second = inbox_state(server, u);
    BOOST_TEST(first.size() == static_cast<std::size_t>(user_appends), user_name(u));
    BOOST_TEST(show(first) == show(second), user_name(u));
    BOOST_TEST(show(first) == show(expected), user_name(u));
  }
  BOOST_TEST(server.stop() == 0, server.log());
}

BOOST_AUTO_TEST_SUITE_END()
