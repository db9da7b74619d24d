// Binding listening sockets for Listener (internal to net/).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>

#include "base/result.h"
#include "config/listen_address.h"

namespace net::detail {

// One bound, listening socket: exactly one of tcp and unix is set. Each acceptor has its own strand executor, so
// its accept loop and Listener::stop() (which posts the close there) never touch it concurrently.
struct BoundAcceptor {
  std::shared_ptr<asio::ip::tcp::acceptor> tcp;
  std::shared_ptr<asio::local::stream_protocol::acceptor> unix;
  std::string text;        // "127.0.0.1:40211" (real port), "[::1]:993", "unix:/run/sealbox/lmtp.sock"
  std::uint16_t port = 0;  // bound TCP port; 0 for UNIX sockets
  std::string unix_path;   // the socket file, removed by Listener::stop()
};

// Binds and listens on a TCP address ("localhost" means 127.0.0.1; names are never resolved). Errors: Errc::io or
// Errc::invalid_argument, "cannot listen on <address>: <reason>".
base::Result<BoundAcceptor> bind_tcp(asio::io_context& io, const config::ListenAddress& address);

// Binds and listens on a UNIX-domain socket, replacing a stale socket file. Errors as bind_tcp.
base::Result<BoundAcceptor> bind_unix(asio::io_context& io, const config::ListenAddress& address);

}  // namespace net::detail
