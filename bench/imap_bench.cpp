// imap_bench: what IMAP costs over TLS on loopback, against the real `sealbox serve`.
//   1. APPEND of 4 KiB and 1 MiB messages with 1 and 16 connections: messages/s and MB/s (every APPEND OK means
//      the message is durable; 16 connections to one mailbox share journal commits)
//   2. FETCH BODY.PEEK[] of the same, with 1 and 16 connections
//   3. the actor round trip (I/O strand -> pool -> strand) in microseconds, in-process
//   4. FETCH BODY.PEEK[] of 4 KiB and 1 MiB mail-like messages on 1 connection, without and with COMPRESS=DEFLATE
//      (RFC 4978): messages/s, MB/s of payload, and the bytes the server wrote inside TLS per message (compressed
//      ones with COMPRESS; counted by the client before inflating)
// Usage: imap_bench [--sealbox PATH] [--seconds S] [--compress-only]
//   (default: the sealbox binary next to bench/, 2 s per case; --compress-only runs case 4 alone)
// Bounded: each case stops after S seconds or 20,000 operations. Uses a temporary root under $TMPDIR.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>
#include <variant>

#include "actors/runtime/actor.h"
#include "bench/bench_util.h"
#include "bench/imap_client.h"
#include "test/support/tls_client.h"

namespace {

using test_support::TlsClient;

struct Options {
  std::string sealbox;
  double seconds = 2.0;
};

constexpr int kMaxOps = 20000;

using bench::append_one;
using bench::login;

struct Result {
  double ops_per_s = 0, mb_per_s = 0;
};

// Runs `op` on `connections` threads, each with its own logged-in client, until time or the op budget runs out.
template <class Op>
Result run_case(std::uint16_t port, int connections, std::size_t bytes_per_op, double seconds, Op op) {
  std::atomic<int> ops{0};
  std::atomic<bool> failed{false};
  std::vector<TlsClient> clients;
  for (int i = 0; i < connections; ++i) clients.push_back(login(port));
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back([&, i] {
      try {
        for (int n = 0; bench::seconds_since(t0) < seconds && ops.load() < kMaxOps; ++n) {
          op(clients[i], i, n);
          ops.fetch_add(1);
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "connection %d: %s\n", i, e.what());
        failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  double s = bench::seconds_since(t0);
  if (failed) throw std::runtime_error("a connection failed");
  return {ops / s, ops * static_cast<double>(bytes_per_op) / s / 1e6};
}

void imap_cases(const Options& opt) {
  bench::BenchServer bench_server(opt.sealbox);
  auto& server = bench_server.server;
  auto port = bench_server.port();

  std::printf("\n%-28s %12s %10s\n", "case (over TLS, loopback)", "messages/s", "MB/s");
  for (std::size_t size : {std::size_t{4096}, std::size_t{1} << 20}) {
    std::string message = bench::mail_like(size, 3);
    const char* label = size == 4096 ? "4 KiB" : "1 MiB";
    for (int conns : {1, 16}) {
      auto r = run_case(port, conns, size, opt.seconds,
                        [&](TlsClient& c, int i, int n) { append_one(c, message, i * 100000 + n); });
      std::printf("APPEND %-6s %2d conn%s       %12.0f %10.1f\n", label, conns, conns > 1 ? "s" : " ", r.ops_per_s,
                  r.mb_per_s);
    }
    // FETCH the messages of this size just appended (the mailbox holds only this size now).
    for (int conns : {1, 16}) {
      auto r = run_case(port, conns, size, opt.seconds, [&](TlsClient& c, int i, int n) {
        std::string t = "f" + std::to_string(i * 100000 + n);
        c.send(t + " FETCH " + std::to_string(1 + (n * 7 + i) % 20) + " BODY.PEEK[]\r\n");
        auto lines = c.read_response(t, std::chrono::seconds(60));
        if (lines.back().rfind(t + " OK", 0) != 0 || lines[0].size() < size) {
          throw std::runtime_error("FETCH failed: " + lines.back());
        }
      });
      std::printf("FETCH  %-6s %2d conn%s       %12.0f %10.1f\n", label, conns, conns > 1 ? "s" : " ", r.ops_per_s,
                  r.mb_per_s);
    }
    auto wipe = login(port);  // empty the mailbox before the next size
    wipe.command("d", "STORE 1:* +FLAGS.SILENT (\\Deleted)", std::chrono::seconds(60));
    wipe.command("e", "EXPUNGE", std::chrono::seconds(60));
  }
  server.stop();
}

// FETCH throughput on one connection with and without COMPRESS=DEFLATE.
void compress_cases(const Options& opt) {
  bench::BenchServer bench_server(opt.sealbox);
  auto& server = bench_server.server;
  auto port = bench_server.port();
  constexpr int kMessages = 20;

  std::printf("\n%-34s %12s %10s %16s\n", "FETCH, 1 conn (over TLS, loopback)", "messages/s", "MB/s", "wire bytes/msg");
  for (std::size_t size : {std::size_t{4096}, std::size_t{1} << 20}) {
    const char* label = size == 4096 ? "4 KiB" : "1 MiB";
    {
      auto filler = login(port);
      for (int i = 0; i < kMessages; ++i) append_one(filler, bench::mail_like(size, 100 + static_cast<unsigned>(i)), i);
    }
    for (bool compressed : {false, true}) {
      auto c = login(port);
      if (compressed) {
        c.send("z COMPRESS DEFLATE\r\n");
        auto ok = c.read_line();
        if (ok != "z OK DEFLATE active") throw std::runtime_error("COMPRESS failed: " + ok);
        c.start_deflate();
      }
      const std::uint64_t bytes0 = c.bytes_received();
      int ops = 0;
      auto t0 = std::chrono::steady_clock::now();
      for (; bench::seconds_since(t0) < opt.seconds && ops < kMaxOps; ++ops) {
        std::string t = "f" + std::to_string(ops);
        c.send(t + " FETCH " + std::to_string(1 + ops % kMessages) + " BODY.PEEK[]\r\n");
        auto lines = c.read_response(t, std::chrono::seconds(60));
        if (lines.back().rfind(t + " OK", 0) != 0 || lines[0].size() < size) {
          throw std::runtime_error("FETCH failed: " + lines.back());
        }
      }
      const double s = bench::seconds_since(t0);
      const double wire = static_cast<double>(c.bytes_received() - bytes0) / std::max(ops, 1);
      std::printf("FETCH  %-6s %-27s %12.0f %10.1f %16.0f\n", label, compressed ? "COMPRESS=DEFLATE" : "plain",
                  ops / s, ops * static_cast<double>(size) / s / 1e6, wire);
    }
    auto wipe = login(port);  // empty the mailbox before the next size
    wipe.command("d", "STORE 1:* +FLAGS.SILENT (\\Deleted)", std::chrono::seconds(60));
    wipe.command("e", "EXPUNGE", std::chrono::seconds(60));
  }
  server.stop();
}

// --- The actor round trip, in-process ---
struct Ping {
  using Reply = base::Result<int>;
  actors::Promise<Reply> reply;
};
class Echo final : public actors::Actor<Echo, std::variant<Ping>> {
 public:
  using Actor::Actor;

 protected:
  void handle(std::variant<Ping>& m) override { std::get<Ping>(m).reply(1); }
};

void actor_round_trip() {
  actors::ArenaScheduler pool(2);
  auto echo = std::make_shared<Echo>(pool);
  asio::io_context io;
  constexpr int kAsks = 20000;
  std::vector<double> us;
  us.reserve(kAsks);
  asio::co_spawn(
      asio::make_strand(io),
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < kAsks; ++i) {
          auto t0 = std::chrono::steady_clock::now();
          Ping ping;
          auto r = co_await echo->ask(std::move(ping), asio::use_awaitable);
          us.push_back(bench::seconds_since(t0) * 1e6);
          if (!r) break;
        }
      },
      asio::detached);
  io.run();
  std::sort(us.begin(), us.end());
  std::printf("\nactor round trip (strand -> pool -> strand), %zu asks: p50 %.1f us, p99 %.1f us\n", us.size(),
              us[us.size() / 2], us[us.size() * 99 / 100]);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  opt.sealbox = (std::filesystem::path(argv[0]).parent_path() / ".." / "sealbox").lexically_normal().string();
  bool compress_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--compress-only") == 0) compress_only = true;
    if (i + 1 >= argc) continue;
    if (std::strcmp(argv[i], "--sealbox") == 0) opt.sealbox = argv[i + 1];
    if (std::strcmp(argv[i], "--seconds") == 0) opt.seconds = std::atof(argv[i + 1]);
  }
  bench::print_header("imap_bench");
  try {
    if (!compress_only) {
      actor_round_trip();
      imap_cases(opt);
    }
    compress_cases(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imap_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
