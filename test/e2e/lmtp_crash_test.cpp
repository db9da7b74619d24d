// Crash safety of LMTP delivery: SIGKILL of the daemon during a delivery storm loses no message that got 250.
//
// Round after round, client threads deliver uniquely marked messages over LMTP (DATA and BDAT, two recipients per
// message: alice, who has an IMAPS session open so the daemon imports her deliveries at once, and bob, whose
// deliveries wait in his spool), while the server is SIGKILLed at a random moment and started again. Afterwards
// every marker that got "250 2.0.0" for a recipient is in that recipient's INBOX exactly once; a message that got no
// 250 may be there or not, but never twice and never damaged (each is compared byte for byte with what was sent);
// and `sealbox check` verifies both stores.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"
#include "test/support/tcp_client.h"

using namespace test_support;
using namespace std::chrono_literals;

namespace {

const std::string kPassword = "lmtp-crash-password";
const std::vector<std::string> kUsers = {"alice", "bob"};
constexpr int kRounds = 6;
constexpr int kThreads = 4;
constexpr auto kTimeBudget = 60s;  // for the rounds; the checks after them take a few seconds more

// The message for a marker: reproducible, ends in CRLF, a few hundred bytes to ~40 KB.
std::string message_for(int id) {
  const std::string marker = "lmtp-crash-" + std::to_string(id);
  std::string m = "Message-ID: <" + marker + "@test>\r\nSubject: " + marker + "\r\n\r\n";
  std::string body = make_message(static_cast<unsigned>(id), 200 + static_cast<std::size_t>(id * 7919) % 40000,
                                   Body::ascii);
  m += body + "\r\nend of " + marker + "\r\n";
  return m;
}

// The marker number in a stored message, or -1.
int id_of(const std::string& message) {
  const auto at = message.find("Message-ID: <lmtp-crash-");
  if (at == std::string::npos) return -1;
  try {
    return std::stoi(message.substr(at + 24));
  } catch (const std::exception&) {
    return -1;
  }
}

std::string dot_stuffed(const std::string& m) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (line_start && m[i] == '.') out += '.';
    out += m[i];
    line_start = m[i] == '\n' && i > 0 && m[i - 1] == '\r';
  }
  return out + ".\r\n";
}

// What the client threads learn, shared under a mutex.
struct Ledger {
  std::mutex mutex;
  std::map<std::string, std::set<int>> acknowledged;  // user -> markers that got 250 for that user
  std::vector<std::string> problems;                  // replies that should never happen
  int attempted = 0;
  int connections_lost = 0;

  void ack(const std::string& user, int id) {
    std::lock_guard lock(mutex);
    acknowledged[user].insert(id);
  }
  void problem(const std::string& what) {
    std::lock_guard lock(mutex);
    if (problems.size() < 20) problems.push_back(what);
  }
};

// One client thread: connections, each carrying transactions until the connection dies or `stop`.
void storm(std::uint16_t port, std::atomic<int>& next_id, std::atomic<bool>& stop, Ledger& ledger, unsigned seed) {
  std::mt19937 rng(seed);
  while (!stop) {
    try {
      auto c = TcpClient::connect(port, 2s);
      if (c.read_line(5s).rfind("220 ", 0) != 0) throw std::runtime_error("bad greeting");
      if (c.command("LHLO storm.example", 5s).back() != "250 SMTPUTF8") throw std::runtime_error("bad LHLO reply");
      while (!stop) {
        const int id = next_id++;
        {
          std::lock_guard lock(ledger.mutex);
          ++ledger.attempted;
        }
        const std::string m = message_for(id);
        const bool chunked = rng() % 2 == 0;
        // Pipelined envelope (RFC 2920): MAIL, both RCPTs and DATA in one write.
        std::string envelope = "MAIL FROM:<storm@example.net>" + std::string(chunked ? " BODY=BINARYMIME" : "") +
                               "\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\n";
        if (chunked) {
          const std::size_t cut = m.size() / 2;
          envelope += "BDAT " + std::to_string(cut) + "\r\n" + m.substr(0, cut) + "BDAT " +
                      std::to_string(m.size() - cut) + " LAST\r\n" + m.substr(cut);
          c.send(envelope, 5s);
        } else {
          c.send(envelope + "DATA\r\n", 5s);
        }
        const std::vector<std::vector<std::string>> want_first = {
            {"250 2.1.0 Sender OK"}, {"250 2.1.5 Recipient OK"}, {"250 2.1.5 Recipient OK"}};
        for (const auto& want : want_first) {
          auto got = c.read_reply(5s);
          if (got != want) ledger.problem("marker " + std::to_string(id) + ": got '" + got.front() + "'");
        }
        if (chunked) {
          auto got = c.read_reply(5s);
          if (got.front() != "250 2.0.0 " + std::to_string(m.size() / 2) + " octets received") {
            ledger.problem("marker " + std::to_string(id) + ": BDAT got '" + got.front() + "'");
          }
        } else {
          auto got = c.read_reply(5s);
          if (got.front().rfind("354 ", 0) != 0) ledger.problem("DATA got '" + got.front() + "'");
          c.send(dot_stuffed(m), 5s);
        }
        for (const auto& user : kUsers) {
          auto got = c.read_reply(10s);
          if (got == std::vector<std::string>{"250 2.0.0 Message delivered"}) {
            ledger.ack(user, id);
          } else {
            ledger.problem("marker " + std::to_string(id) + " for " + user + ": got '" + got.front() + "'");
          }
        }
      }
    } catch (const std::exception&) {
      // The server died under us (or is not up yet): try again until told to stop.
      {
        std::lock_guard lock(ledger.mutex);
        ++ledger.connections_lost;
      }
      std::this_thread::sleep_for(5ms);
    }
  }
}

// Keeps an IMAPS session of alice's open (so her account is open in the daemon and imports deliveries as they come)
// until `stop` or the connection dies.
void watcher(const ImapServer& server, std::atomic<bool>& stop) {
  try {
    auto c = server.login("alice", kPassword);
    if (c.command("w1", "SELECT INBOX", 10s).rfind("w1 OK", 0) != 0) return;
    for (int i = 2; !stop; ++i) {
      c.command("w" + std::to_string(i), "NOOP", 5s);
      std::this_thread::sleep_for(20ms);
    }
  } catch (const std::exception&) {
    // Killed with the server.
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lmtp_crash)

BOOST_AUTO_TEST_CASE(sigkill_during_a_delivery_storm_loses_nothing_acknowledged) {
  ImapServer server(ImapServerOptions{{}, true, true});
  for (const auto& user : kUsers) server.add_user(user, kPassword);
  std::mt19937 rng(2033);
  Ledger ledger;
  std::atomic<int> next_id{0};
  const auto start = std::chrono::steady_clock::now();
  int rounds = 0;
  for (; rounds < kRounds && std::chrono::steady_clock::now() - start < kTimeBudget; ++rounds) {
    server.start();
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    threads.emplace_back(watcher, std::cref(server), std::ref(stop));
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back(storm, server.lmtp_port(), std::ref(next_id), std::ref(stop), std::ref(ledger),
                           static_cast<unsigned>(rounds * 100 + t));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 2500));
    const int status = server.kill9();
    BOOST_TEST(status == -9, "round " << rounds << ": the server had already exited (" << status << ")\n"
                                      << server.log());
    stop = true;
    for (auto& t : threads) t.join();
  }
  server.start();

  std::size_t total_acks = 0;
  for (const auto& [user, ids] : ledger.acknowledged) total_acks += ids.size();
  BOOST_TEST_MESSAGE(rounds << " rounds, " << ledger.attempted << " messages attempted, " << total_acks
                            << " recipient acknowledgements, " << ledger.connections_lost << " connections lost");
  for (const auto& p : ledger.problems) BOOST_ERROR("unexpected reply: " << p);
  // The kills must land mid-transaction: each round leaves every client thread with a message not fully acknowledged.
  std::size_t fully_acknowledged = 0;
  for (int id : ledger.acknowledged["alice"]) fully_acknowledged += ledger.acknowledged["bob"].count(id);
  BOOST_TEST(static_cast<std::size_t>(ledger.attempted) >= fully_acknowledged + static_cast<std::size_t>(rounds));
  BOOST_REQUIRE(ledger.acknowledged["alice"].size() >= 10u);
  BOOST_REQUIRE(ledger.acknowledged["bob"].size() >= 10u);

  // Every acknowledged message exactly once, every message intact.
  for (const auto& user : kUsers) {
    auto c = server.login(user, kPassword);
    BOOST_REQUIRE(c.command("s1", "SELECT INBOX", 30s).rfind("s1 OK", 0) == 0u);
    BOOST_REQUIRE(c.command("f1", "FETCH 1:* BODY.PEEK[]", 60s) == "f1 OK FETCH completed");
    std::map<int, int> seen;
    for (const auto& r : c.last_untagged()) {
      auto f = parse_fetch(r);
      if (!f) continue;
      const std::string& body = f->items.at("BODY[]");
      const int id = id_of(body);
      BOOST_TEST(id >= 0, user << ": message " << f->seq << " has no marker");
      if (id < 0) continue;
      ++seen[id];
      BOOST_TEST((body == message_for(id)), user << ": message " << f->seq << " (marker " << id << ") is damaged");
    }
    std::size_t lost = 0;
    for (int id : ledger.acknowledged[user]) {
      if (seen[id] != 1) ++lost;
      BOOST_TEST(seen[id] == 1, user << ": acknowledged marker " << id << " stored " << seen[id] << " times");
    }
    for (const auto& [id, count] : seen) {
      BOOST_TEST(count == 1, user << ": marker " << id << " stored " << count << " times");
    }
    BOOST_TEST_MESSAGE(user << ": " << seen.size() << " messages stored, " << ledger.acknowledged[user].size()
                            << " acknowledged, " << lost << " acknowledged ones missing or repeated");
  }

  // The stores verify cleanly (the daemon must not hold the accounts open).
  BOOST_TEST(server.stop() == 0, server.log());
  const auto password_file = server.cli().password_file(kPassword);
  for (const auto& user : kUsers) {
    auto r = server.cli().run({"check", user, "--password-file", password_file.string()});
    BOOST_TEST(r.exit_code == 0, "sealbox check " << user << ": " << r.out << r.err);
    BOOST_TEST(r.out.find("\nok\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("error") == std::string::npos, r.out);
  }
}

BOOST_AUTO_TEST_SUITE_END()
