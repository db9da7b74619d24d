// Listener: accepts connections on a set of addresses and runs one session coroutine per connection.
//
// Two flavours share one accept loop: start() for IMAPS (implicit TLS on TCP: the handshake, bounded by
// Limits::handshake_timeout, happens before the handler sees the connection) and start_plain() for LMTP (TCP or
// UNIX-domain sockets, no TLS). Each accepted connection gets its own strand (asio::make_strand(io)); the handler's
// coroutine runs there, so the session needs no locks for its own state.
//
// Shutdown: stop() closes the listening sockets (live connections go on); after a grace period, close_all() aborts
// the live ones; active() says how many remain. Then stop the IoThreads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include "base/result.h"
#include "config/listen_address.h"
#include "net/connection.h"
#include "net/tls_context.h"

namespace net {

// Resource limits of one Listener (outside the class so it can be a default argument).
struct ListenerLimits {
  // Connections (handshaking or in a session) beyond this are closed at once, with a warning in the log.
  std::size_t max_connections = 1000;
  // A client that has not completed the TLS handshake by then is dropped (slowloris protection).
  std::chrono::seconds handshake_timeout{30};
};

class Listener {
 public:
  // The session: called once per connection, on the connection's strand, after a successful handshake. The Listener
  // keeps the connection counted until the coroutine returns, then calls Connection::close() (so a session may just
  // return). An exception escaping it is logged (error level) and the connection closed: catch your own.
  using Handler = std::function<asio::awaitable<void>(std::shared_ptr<Connection>)>;
  using Limits = ListenerLimits;

  // Binds every address (all or nothing), then accepts on each in the background of `io`. Every address must be
  // TCP: a UNIX-socket address gives Errc::invalid_argument "TLS listeners need a TCP address: unix:/x". Port 0 lets
  // the kernel pick (see ports()); "[::]" binds IPv6 only (v6_only), so "0.0.0.0:993" and "[::]:993" can both be
  // listed; SO_REUSEADDR is set. Errors: Errc::io naming the address ("cannot listen on 127.0.0.1:993: Permission
  // denied"), Errc::invalid_argument for an empty address list or handler.
  // `tls` and `io` must outlive the Listener; destroy the Listener before `io`. Thread-safe (binds synchronously).
  static base::Result<std::unique_ptr<Listener>> start(asio::io_context& io,
                                                       const std::vector<config::ListenAddress>& addresses,
                                                       TlsContext& tls, Handler handler, Limits limits = {});

  // Like start() but without TLS, for LMTP: TCP addresses and UNIX-domain sockets. A UNIX socket file left by a
  // process that is gone is replaced; a live one gives "cannot listen on unix:/x: Address already in use". The file
  // gets the process umask (set permissions for the MTA after start) and is removed by stop().
  static base::Result<std::unique_ptr<Listener>> start_plain(asio::io_context& io,
                                                             const std::vector<config::ListenAddress>& addresses,
                                                             Handler handler, Limits limits = {});

  // stop(). Connections that are still running keep going until they end or close_all().
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The bound TCP port of each address, in the order given to start() (0 for UNIX sockets). Thread-safe.
  std::vector<std::uint16_t> ports() const;
  // The bound addresses as text with the real port ("127.0.0.1:40211"), in order. Thread-safe.
  std::vector<std::string> addresses() const;
  // Connections accepted and not yet finished (handshaking, in the handler, or closing). Thread-safe.
  std::size_t active() const;

  // Stops accepting: the listening sockets are closed on their strands shortly after (asynchronously; a connection
  // that raced in is closed at once). Idempotent. Thread-safe, also from an I/O thread or a session.
  void stop();

  // Aborts every live connection (Connection::abort, posted to each connection's strand): reads in flight return 0,
  // sessions unwind, and active() falls to 0 once their coroutines finish. Connections accepted later are aborted
  // too. For shutdown after the grace period; no awaitable, so callable from a signal-handling path. Thread-safe.
  void close_all();

  struct State;  // shared with the accept loops and connection coroutines (listener.cpp)

 private:
  explicit Listener(std::shared_ptr<State> state) : state_(std::move(state)) {}
  static base::Result<std::unique_ptr<Listener>> open(asio::io_context& io,
                                                      const std::vector<config::ListenAddress>& addresses,
                                                      asio::ssl::context* tls, Handler handler, Limits limits);
  std::shared_ptr<State> state_;
};

}  // namespace net
