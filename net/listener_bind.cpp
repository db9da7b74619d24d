#include "net/listener_bind.h"

#include <sys/stat.h>
#include <unistd.h>

#include <asio/ip/v6_only.hpp>
#include <asio/strand.hpp>

namespace net::detail {
namespace {

using base::Errc;

base::Error cannot(const config::ListenAddress& a, const std::string& reason, Errc code = Errc::io) {
  return base::fail(code, "cannot listen on " + a.text + ": " + reason);
}

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
  const auto addr = ep.address();
  const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(ep.port());
}

}  // namespace

base::Result<BoundAcceptor> bind_tcp(asio::io_context& io, const config::ListenAddress& a) {
  if (a.kind != config::ListenAddress::Kind::tcp) return cannot(a, "not a TCP address", Errc::invalid_argument);
  std::error_code ec;
  const auto addr = asio::ip::make_address(a.host == "localhost" ? "127.0.0.1" : a.host, ec);
  if (ec) return cannot(a, "not an IP address", Errc::invalid_argument);
  const asio::ip::tcp::endpoint ep(addr, a.port);
  auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(asio::make_strand(io));
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  // v6_only: "[::]" must not also claim IPv4, or "0.0.0.0:993" next to it would fail with "in use".
  if (!ec && addr.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return cannot(a, ec.message());
  const auto local = acceptor->local_endpoint(ec);
  if (ec) return cannot(a, ec.message());
  BoundAcceptor out;
  out.tcp = std::move(acceptor);
  out.port = local.port();
  out.text = endpoint_text(local);
  return out;
}

base::Result<BoundAcceptor> bind_unix(asio::io_context& io, const config::ListenAddress& a) {
  if (a.kind != config::ListenAddress::Kind::unix_socket || a.path.empty()) {
    return cannot(a, "not a UNIX socket address", Errc::invalid_argument);
  }
  if (a.path.size() > config::kMaxUnixPathBytes) return cannot(a, "path too long", Errc::invalid_argument);
  const asio::local::stream_protocol::endpoint ep(a.path);
  struct stat st {};
  if (::lstat(a.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return cannot(a, "a file that is not a socket is in the way");
    // Left by an earlier run? Only if nobody answers there: never take a live listener's address.
    asio::local::stream_protocol::socket probe(io);
    std::error_code probe_ec;
    probe.connect(ep, probe_ec);
    if (!probe_ec) return cannot(a, "Address already in use");
    ::unlink(a.path.c_str());
  }
  std::error_code ec;
  auto acceptor = std::make_shared<asio::local::stream_protocol::acceptor>(asio::make_strand(io));
  acceptor->open(asio::local::stream_protocol(), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return cannot(a, ec.message());
  BoundAcceptor out;
  out.unix = std::move(acceptor);
  out.text = a.text.empty() ? "unix:" + a.path : a.text;
  out.unix_path = a.path;
  return out;
}

}  // namespace net::detail
