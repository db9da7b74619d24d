#include "net/connection.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>

#include <asio/write.hpp>

#include "net/deflate.h"
#include "net/timeout.h"

namespace net {
namespace {

// close(): how long we try to hand our close_notify to the peer, and how long (and how much) we then read and
// discard so unread input does not make the kernel answer with a reset that could destroy our last response.
constexpr std::chrono::seconds kCloseNotifyTimeout{2};
constexpr std::chrono::seconds kLingerTimeout{1};
constexpr std::size_t kMaxLingerBytes = 256 * 1024;
// Compressed input read per transport read, and plaintext compressed per piece of a write: both bound the memory a
// deflated connection holds beyond the session's own buffers.
constexpr std::size_t kCompressedInBytes = 16 * 1024;
constexpr std::size_t kDeflatePieceBytes = 16 * 1024;

std::atomic<std::uint64_t> next_connection_id{1};

// The socket under any of our streams (for shutdown, close and the lingering drain).
template <class S>
auto& lowest(S& s) {
  if constexpr (std::is_same_v<S, TlsStream>) {
    return s.next_layer();
  } else {
    return s;
  }
}

// Shuts down our sending side, then (a lingering close) reads and discards until the peer closes too, bounded in time
// and bytes: closing with unread input makes the kernel send a reset, which can destroy our last response in flight.
template <class Socket>
asio::awaitable<void> shutdown_and_drain(Socket& sock, bool peer_may_send) {
  std::error_code ec;
  sock.shutdown(asio::socket_base::shutdown_send, ec);
  if (ec || !peer_may_send) co_return;
  std::array<std::uint8_t, 4096> sink;
  std::size_t drained = 0;
  const auto deadline = std::chrono::steady_clock::now() + kLingerTimeout;
  while (drained < kMaxLingerBytes) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= left.zero()) break;
    auto timed = co_await with_timeout(
        left, [&sock, &sink](auto token) { return sock.async_read_some(asio::buffer(sink), std::move(token)); });
    const auto [read_ec, n] = timed.result;
    if (read_ec) break;
    drained += n;
  }
}

}  // namespace

Connection::Connection(Stream stream, std::string peer)
    : stream_(std::move(stream)),
      executor_(std::visit([](auto& s) -> asio::any_io_executor { return s.get_executor(); }, stream_)),
      peer_(std::move(peer)),
      id_(next_connection_id.fetch_add(1)) {}

Connection::~Connection() = default;

asio::awaitable<base::Status> Connection::handshake(std::chrono::seconds timeout) {
  auto* tls = std::get_if<TlsStream>(&stream_);
  if (tls == nullptr) co_return base::ok();
  auto op = std::make_shared<OpCancel>();
  read_op_ = op;  // so abort() can end a handshake that hangs
  auto timed = co_await with_timeout(
      timeout, [tls](auto token) { return tls->async_handshake(asio::ssl::stream_base::server, std::move(token)); },
      op);
  if (read_op_ == op) read_op_.reset();
  const auto [ec] = timed.result;
  if (!ec) co_return base::ok();
  read_failed_ = write_failed_ = true;  // a failed handshake leaves nothing to shut down politely
  last_error_ = timed.timed_out ? std::error_code(asio::error::timed_out) : ec;
  timed_out_ = timed.timed_out;
  if (timed.timed_out) co_return base::fail(base::Errc::io, "TLS handshake timed out");
  co_return base::fail(base::Errc::io, "TLS handshake failed: " + ec.message());
}

asio::awaitable<std::size_t> Connection::read_some(std::span<std::uint8_t> buf) {
  if (buf.empty()) co_return 0;
  if (deflate_) co_return co_await read_inflated(buf);
  co_return co_await read_raw(buf);
}

asio::awaitable<std::size_t> Connection::read_raw(std::span<std::uint8_t> buf) {
  if (closed_ || read_failed_) co_return 0;
  auto op = std::make_shared<OpCancel>();
  read_op_ = op;
  auto timed = co_await with_timeout(
      idle_timeout_,
      [this, buf](auto token) {
        return std::visit(
            [&](auto& s) { return s.async_read_some(asio::buffer(buf.data(), buf.size()), std::move(token)); },
            stream_);
      },
      op);
  if (read_op_ == op) read_op_.reset();
  const auto [ec, n] = timed.result;
  if (!ec) co_return n;
  if (timed.cancelled && !closed_) {
    // The caller gave up waiting (e.g. `read || notification`): nothing was consumed, so reading may go on.
    last_error_ = ec;
    co_return 0;
  }
  read_failed_ = true;
  if (timed.timed_out) {
    timed_out_ = true;
    last_error_ = asio::error::timed_out;
  } else if (ec != asio::error::eof) {
    last_error_ = ec;  // includes ssl::error::stream_truncated: the peer closed TCP without close_notify
  }
  co_return 0;
}

asio::awaitable<std::size_t> Connection::read_inflated(std::span<std::uint8_t> buf) {
  for (;;) {
    const base::ByteSpan pending(compressed_in_.data() + in_pos_, in_end_ - in_pos_);
    auto step = deflate_->inflate(pending, buf);
    if (!step) {
      read_failed_ = true;
      last_error_ = std::make_error_code(std::errc::bad_message);
      co_return 0;
    }
    in_pos_ += step->consumed;
    if (step->produced > 0) co_return step->produced;
    if (step->finished) {
      read_failed_ = true;  // the client ended its compressed stream: nothing more can follow
      co_return 0;
    }
    // zlib consumes all it can while it has room to write, so no output means it needs more input. Input left
    // over without progress would loop forever: treat it as damage.
    if (in_pos_ < in_end_ && step->consumed == 0) {
      read_failed_ = true;
      last_error_ = std::make_error_code(std::errc::bad_message);
      co_return 0;
    }
    if (in_pos_ < in_end_) continue;
    in_pos_ = in_end_ = 0;
    const std::size_t n = co_await read_raw(compressed_in_);
    if (n == 0) co_return 0;
    in_end_ = n;
  }
}

asio::awaitable<bool> Connection::write(base::ByteSpan bytes) {
  if (closed_ || write_failed_) co_return false;
  if (bytes.empty()) co_return true;
  if (!deflate_) co_return co_await write_raw(bytes);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const auto piece = bytes.subspan(pos, std::min(kDeflatePieceBytes, bytes.size() - pos));
    pos += piece.size();
    compressed_out_.clear();
    if (!deflate_->compress(piece, pos == bytes.size(), compressed_out_)) {
      write_failed_ = true;
      last_error_ = std::make_error_code(std::errc::io_error);
      co_return false;
    }
    if (!compressed_out_.empty() && !co_await write_raw(compressed_out_)) co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Connection::write_raw(base::ByteSpan bytes) {
  if (closed_ || write_failed_) co_return false;
  auto op = std::make_shared<OpCancel>();
  write_op_ = op;
  auto timed = co_await with_timeout(
      write_timeout_,
      [this, bytes](auto token) {
        return std::visit(
            [&](auto& s) { return asio::async_write(s, asio::buffer(bytes.data(), bytes.size()), std::move(token)); },
            stream_);
      },
      op);
  if (write_op_ == op) write_op_.reset();
  const auto [ec, n] = timed.result;
  if (!ec) co_return true;
  write_failed_ = true;
  timed_out_ = timed_out_ || timed.timed_out;
  last_error_ = timed.timed_out ? std::error_code(asio::error::timed_out) : ec;
  co_return false;
}

base::Status Connection::start_deflate() {
  if (deflate_) return base::fail(base::Errc::invalid_argument, "COMPRESS is already active");
  SB_TRY(deflate_, DeflateCodec::create(1));
  compressed_in_.resize(kCompressedInBytes);
  in_pos_ = in_end_ = 0;
  return base::ok();
}

asio::awaitable<void> Connection::close() {
  if (closed_) co_return;
  closed_ = true;
  if (read_op_) read_op_->cancel();
  if (write_op_) write_op_->cancel();
  if (auto* tls = std::get_if<TlsStream>(&stream_); tls != nullptr && !write_failed_) {
    // Send close_notify but do not wait for the peer's (RFC 8446 §6.1 allows it): marking it as received makes
    // SSL_shutdown complete once ours is written, instead of reading until the client answers.
    SSL_set_shutdown(tls->native_handle(), SSL_RECEIVED_SHUTDOWN);
    co_await with_timeout(kCloseNotifyTimeout, [tls](auto token) { return tls->async_shutdown(std::move(token)); });
  }
  const bool peer_may_send = !read_failed_;
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    co_await shutdown_and_drain(tls->next_layer(), peer_may_send);
  } else if (auto* tcp = std::get_if<TcpSocket>(&stream_)) {
    co_await shutdown_and_drain(*tcp, peer_may_send);
  } else {
    co_await shutdown_and_drain(std::get<UnixSocket>(stream_), peer_may_send);
  }
  close_socket();
}

void Connection::abort() {
  closed_ = true;
  read_failed_ = write_failed_ = true;
  if (read_op_) read_op_->cancel();
  if (write_op_) write_op_->cancel();
  close_socket();
}

void Connection::close_socket() {
  std::visit(
      [](auto& s) {
        auto& sock = lowest(s);
        std::error_code ec;
        sock.shutdown(asio::socket_base::shutdown_both, ec);  // errors: already shut down or reset; fine
        sock.close(ec);
      },
      stream_);
}

std::string Connection::tls_version() {
  auto* tls = std::get_if<TlsStream>(&stream_);
  return tls != nullptr ? SSL_get_version(tls->native_handle()) : "";
}

std::string Connection::alpn() {
  auto* tls = std::get_if<TlsStream>(&stream_);
  if (tls == nullptr) return "";
  const std::uint8_t* data = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(tls->native_handle(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace net
