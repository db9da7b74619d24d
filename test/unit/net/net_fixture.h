// Shared pieces of the net/ unit tests: a self-signed TLS context, I/O threads, test handlers, raw sockets and
// bounded waits. Every wait has a deadline; nothing sleeps unboundedly.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "base/bytes.h"
#include "config/listen_address.h"
#include "net/connection.h"
#include "net/io_threads.h"
#include "net/listener.h"
#include "net/self_signed.h"
#include "net/tls_context.h"
#include "test/support/temp_dir.h"
#include "test/support/why.h"

namespace net_test {

using namespace std::chrono_literals;

// Polls `pred` every 5 ms until it holds or `limit` passes; returns whether it held.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

inline config::ListenAddress tcp_address(const std::string& host, std::uint16_t port) {
  config::ListenAddress a;
  a.kind = config::ListenAddress::Kind::tcp;
  a.host = host;
  a.port = port;
  a.text = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  return a;
}

inline config::ListenAddress unix_address(const std::string& path) {
  config::ListenAddress a;
  a.kind = config::ListenAddress::Kind::unix_socket;
  a.path = path;
  a.text = "unix:" + path;
  return a;
}

// Counters a test handler updates (from I/O threads).
struct HandlerStats {
  std::atomic<int> sessions{0};
  std::atomic<int> timed_out{0};
  std::atomic<std::size_t> max_read{0};
};

// Echoes what it reads. A read that is exactly "COMPRESS\r\n" is answered "OK COMPRESS\r\n" and turns on deflate;
// exactly "QUIT\r\n" is answered "BYE\r\n" and ends the session (the test clients send these alone and wait).
// With `idle`, a read that times out is answered "* BYE idle\r\n".
inline net::Listener::Handler echo_handler(std::shared_ptr<HandlerStats> stats,
                                           std::chrono::seconds idle = std::chrono::seconds(0)) {
  return [stats, idle](std::shared_ptr<net::Connection> c) -> asio::awaitable<void> {
    ++stats->sessions;
    c->set_idle_timeout(idle);
    std::vector<std::uint8_t> buf(64 * 1024);
    for (;;) {
      const std::size_t n = co_await c->read_some(buf);
      if (n == 0) {
        if (c->timed_out()) {
          ++stats->timed_out;
          co_await c->write(base::as_bytes("* BYE idle\r\n"));
        }
        co_return;
      }
      if (n > stats->max_read) stats->max_read = n;
      const std::string_view got(reinterpret_cast<const char*>(buf.data()), n);
      if (got == "COMPRESS\r\n") {
        co_await c->write(base::as_bytes("OK COMPRESS\r\n"));
        if (!c->start_deflate()) co_return;
        continue;
      }
      if (got == "QUIT\r\n") {
        co_await c->write(base::as_bytes("BYE\r\n"));
        co_return;
      }
      if (!co_await c->write(base::ByteSpan(buf.data(), n))) co_return;
    }
  };
}

// A self-signed certificate for localhost/127.0.0.1, a TlsContext for it, and two I/O threads.
struct TlsFixture {
  TlsFixture() {
    auto made = net::make_self_signed(chain(), key(), {"localhost"}, {"127.0.0.1", "::1"}, 2);
    if (!made) throw std::runtime_error(test_support::why(made));
    auto loaded = net::TlsContext::load(chain(), key());
    if (!loaded) throw std::runtime_error(test_support::why(loaded));
    tls = std::make_unique<net::TlsContext>(std::move(*loaded));
    io.start();
  }

  ~TlsFixture() {
    for (auto& l : listeners) {
      l->stop();
      l->close_all();
    }
    for (auto& l : listeners) BOOST_CHECK(eventually([&] { return l->active() == 0; }));
    io.stop();
    if (!io.join_for(10s)) {
      BOOST_ERROR("I/O threads still busy after every listener stopped");
      io.force_stop();
      io.join();
    }
    listeners.clear();
  }

  // Starts a TLS listener on 127.0.0.1:0 (kept for teardown); fails the test if it cannot.
  net::Listener& listen(net::Listener::Handler handler, net::Listener::Limits limits = {}) {
    auto l = net::Listener::start(io.context(), {tcp_address("127.0.0.1", 0)}, *tls, std::move(handler), limits);
    if (!l) throw std::runtime_error(test_support::why(l));
    listeners.push_back(std::move(*l));
    return *listeners.back();
  }

  std::filesystem::path chain() const { return dir / "chain.pem"; }
  std::filesystem::path key() const { return dir / "key.pem"; }

  test_support::TempDir dir;
  std::unique_ptr<net::TlsContext> tls;
  net::IoThreads io{2};
  std::vector<std::unique_ptr<net::Listener>> listeners;
};

// --- Raw sockets for plain listeners and handshake tests ---

inline int connect_tcp(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline int connect_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until `n` bytes arrived, EOF or the deadline; returns what arrived.
inline std::string read_raw(int fd, std::size_t n, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string out;
  while (out.size() < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const ssize_t got = ::read(fd, buf, std::min(sizeof buf, n - out.size()));
    if (got <= 0) break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  return out;
}

// True if the peer closes (EOF or reset) within `limit`; data meanwhile is discarded.
inline bool raw_closed(int fd, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    if (::read(fd, buf, sizeof buf) <= 0) return true;
  }
}

}  // namespace net_test
