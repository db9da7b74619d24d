// lmtp_bench: what delivery costs, against the real `sealbox serve` on loopback.
//   1. LMTP deliveries per second for 10 KiB and 100 KiB messages with 1 and 8 connections: each transaction is
//      MAIL + RCPT + DATA pipelined, then the message; every 250 means the message is durable in the spool. The
//      recipients (8 users, round robin) are not logged in, so this is the delivery path alone; one more row has
//      every recipient logged in, so each delivery is also imported into the open account at once.
//   2. The delay from LMTP 250 to the "* N EXISTS" line at a client in IDLE on the recipient's INBOX (p50, p99).
// Usage: lmtp_bench [--seconds S] [--samples N]   (S seconds or 5,000 messages per row; N latency samples)
// Needs the sealbox binary (SEALBOX_BIN, or next to bench/). Uses a temporary root under $TMPDIR.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "test/support/imap_server.h"
#include "test/support/tcp_client.h"

namespace {

using test_support::ImapServer;
using test_support::TcpClient;
using test_support::TlsClient;

constexpr int kUsers = 8;
constexpr int kMaxMessages = 5000;
const std::string kPassword = "benchmark password";

struct Options {
  double seconds = 3.0;
  int samples = 200;
};

std::string user_name(int i) { return "user" + std::to_string(i); }

// One LMTP transaction, pipelined: returns false unless every reply is positive.
bool deliver(TcpClient& c, const std::string& rcpt, const std::string& message) {
  c.send("MAIL FROM:<bench@example.org>\r\nRCPT TO:<" + rcpt + "@example.org>\r\nDATA\r\n");
  for (const char* expect : {"250", "250", "354"}) {
    auto r = c.read_reply(std::chrono::seconds(30));
    if (r.empty() || r.back().rfind(expect, 0) != 0) return false;
  }
  c.send(message);  // already dot-stuffed (none of its lines start with "."), ends with CRLF
  c.send(".\r\n");
  auto r = c.read_reply(std::chrono::seconds(30));
  return !r.empty() && r.back().rfind("250", 0) == 0;
}

TcpClient lhlo(std::uint16_t port) {
  auto c = TcpClient::connect(port);
  c.read_reply();  // greeting
  c.command("LHLO bench");
  return c;
}

void throughput(ImapServer& server, std::size_t size, int connections, const Options& o, const char* label) {
  const std::string message = bench::mail_like(size, 7) + "\r\n";
  std::atomic<int> sent{0};
  std::atomic<bool> failed{false};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto c = lhlo(server.lmtp_port());
        for (int i = t;; ++i) {
          if (bench::seconds_since(t0) > o.seconds || sent.load() >= kMaxMessages) break;
          if (!deliver(c, user_name(i % kUsers), message)) {
            failed = true;
            break;
          }
          ++sent;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "connection %d: %s\n", t, e.what());
        failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  double secs = bench::seconds_since(t0);
  std::printf("%-34s %7zu KiB %5d conn %8.1f msg/s %8.1f MB/s%s\n", label, size / 1024, connections, sent / secs,
              sent * static_cast<double>(message.size()) / secs / 1e6, failed ? "  (FAILED)" : "");
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void latency(ImapServer& server, const Options& o) {
  auto idle = server.login(user_name(0), kPassword);
  if (idle.command("s", "SELECT INBOX").rfind("s OK", 0) != 0) throw std::runtime_error("SELECT failed");
  idle.send("i IDLE\r\n");
  if (idle.read_line().rfind("+", 0) != 0) throw std::runtime_error("IDLE refused");
  auto c = lhlo(server.lmtp_port());
  const std::string message = bench::mail_like(10 * 1024, 11) + "\r\n";
  std::vector<double> delays;
  for (int i = 0; i < o.samples; ++i) {
    if (!deliver(c, user_name(0), message)) throw std::runtime_error("delivery failed");
    auto acked = std::chrono::steady_clock::now();
    // Skip FETCH flag lines etc.: wait for the EXISTS of this delivery.
    while (true) {
      auto line = idle.read_line(std::chrono::seconds(10));
      if (line.size() > 7 && line.compare(line.size() - 7, 7, " EXISTS") == 0) break;
    }
    delays.push_back(bench::seconds_since(acked) * 1e3);
  }
  std::printf("LMTP 250 -> IDLE EXISTS (10 KiB, %d samples): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", o.samples,
              percentile(delays, 0.5), percentile(delays, 0.99), percentile(delays, 1.0));
  idle.send("DONE\r\n");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) o.seconds = std::atof(argv[++i]);
    else if (a == "--samples" && i + 1 < argc) o.samples = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: lmtp_bench [--seconds S] [--samples N]\n");
      return 64;
    }
  }
  if (std::getenv("SEALBOX_BIN") == nullptr) {
    auto self = std::filesystem::canonical("/proc/self/exe");
    setenv("SEALBOX_BIN", (self.parent_path().parent_path() / "sealbox").c_str(), 1);
  }
  bench::print_header("lmtp_bench");
  try {
    test_support::ImapServerOptions options;
    options.lmtp = true;
    ImapServer server(options);
    for (int u = 0; u < kUsers; ++u) server.add_user(user_name(u), kPassword);
    for (std::size_t size : {std::size_t{10 * 1024}, std::size_t{100 * 1024}}) {
      for (int conns : {1, 8}) throughput(server, size, conns, o, "deliveries, recipients offline");
    }
    {
      // Every recipient logged in: each delivery is imported into the open account as well.
      std::vector<TlsClient> sessions;
      for (int u = 0; u < kUsers; ++u) sessions.push_back(server.login(user_name(u), kPassword));
      throughput(server, 10 * 1024, 8, o, "deliveries, recipients logged in");
    }
    latency(server, o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lmtp_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
