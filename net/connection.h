// Connection: one client connection as seen by a protocol session (imap::Session, lmtp::Session).
//
// A Connection owns its stream: TLS over TCP (IMAPS; the handshake is done before the session sees it), or plain
// TCP / UNIX-domain (LMTP). Sessions use only the coroutine API below, so they never see TLS or socket types.
//
// Threading: every operation runs on the connection's strand, executor(); the Listener co_spawns the session on it.
// Call the member functions only from coroutines or handlers on that strand ("strand only"). At most one read_some()
// and one write() may be in flight at a time (so a session may wait for client input while a notification is
// written, as in IDLE), never two reads or two writes.
//
// Errors are values, never exceptions: read_some() returns 0 and write() false, with last_error() and timed_out()
// saying why. After the first failure in a direction, later calls in that direction fail at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <variant>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/stream.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace net {

class DeflateCodec;
struct OpCancel;

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;
using TcpSocket = asio::ip::tcp::socket;
using UnixSocket = asio::local::stream_protocol::socket;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Stream = std::variant<TlsStream, TcpSocket, UnixSocket>;

  // How long write() may wait for the peer to take bytes before giving up (a client that stopped reading).
  static constexpr std::chrono::seconds kDefaultWriteTimeout{120};

  // Takes ownership of a connected stream whose executor is the connection's strand. `peer` is the printable remote
  // address ("192.0.2.7:51234", "[2001:db8::1]:443", "unix:/run/sealbox/lmtp.sock"). Normally made by Listener; tests
  // may build one around a socket pair. A TLS stream must still be handshaken with handshake().
  Connection(Stream stream, std::string peer);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Server-side TLS handshake with a deadline (no-op for plain streams). Listener calls it before the session
  // starts; sessions never do. Errors: Errc::io with a one-line reason ("TLS handshake timed out", "...: wrong
  // version number"). Strand only.
  asio::awaitable<base::Status> handshake(std::chrono::seconds timeout);

  // Reads up to buf.size() bytes (after COMPRESS: decompressed bytes). Returns the count, or 0 on end of stream,
  // error, idle timeout, close() or abort(); then last_error() is set (not for a clean EOF) and timed_out() tells a
  // timeout. If the awaiting coroutine is cancelled (e.g. `co_await (c->read_some(b) || other)` from
  // asio::experimental::awaitable_operators, when `other` wins), it returns 0 with last_error() ==
  // asio::error::operation_aborted and the connection stays usable: the next read_some() goes on where it left off.
  // `buf` must stay valid until the read completes. Strand only.
  asio::awaitable<std::size_t> read_some(std::span<std::uint8_t> buf);

  // Writes all of `bytes` (after COMPRESS: compressed, then flushed with Z_SYNC_FLUSH so the peer can decode it at
  // once; so write each response whole, not line by line). False on failure or write timeout. `bytes` must stay
  // valid until the write completes; the data is not copied except through the compressor. Strand only.
  asio::awaitable<bool> write(base::ByteSpan bytes);

  // A read that waits longer than `t` for data returns 0 and sets timed_out() (IMAP autologout: RFC 9051 §5.4 asks
  // for at least 30 minutes while authenticated, and sessions may use less before login). Zero: no limit (the
  // default). Takes effect from the next read_some(). Strand only.
  void set_idle_timeout(std::chrono::seconds t) { idle_timeout_ = t; }
  // Deadline for each write() (default kDefaultWriteTimeout; zero: none). Strand only.
  void set_write_timeout(std::chrono::seconds t) { write_timeout_ = t; }

  // Graceful close: cancels any read or write in flight, sends TLS close_notify (without waiting for the peer's),
  // shuts down the sending side, discards what the peer still sends for up to a second (so our last response is
  // not lost to a TCP reset), then closes the socket. Idempotent; never fails. Strand only.
  asio::awaitable<void> close();

  // Hard close for shutdown: cancels everything and closes the socket now, without close_notify. Later reads return 0
  // and writes false. Strand only (Listener::close_all posts it there).
  void abort();

  // RFC 4978 COMPRESS=DEFLATE: from the next byte on, both directions pass through raw deflate (level 1 out). The
  // session calls it right after writing its "OK" to the COMPRESS command, with no read in flight. Input decompressed
  // per read_some() is bounded by the caller's span, so a decompression bomb cannot grow memory.
  // Errors: Errc::invalid_argument if already active, Errc::internal if zlib fails. Strand only.
  base::Status start_deflate();
  bool deflate_active() const { return deflate_ != nullptr; }

  // The remote address, as given at construction. Thread-safe (immutable).
  const std::string& peer() const { return peer_; }
  // A process-unique number for log lines ("conn 42"). Thread-safe (immutable).
  std::uint64_t id() const { return id_; }
  // The executor of every operation: the connection's strand. Thread-safe.
  const asio::any_io_executor& executor() const { return executor_; }
  // Whether this is a TLS connection, the negotiated version ("TLSv1.3") and ALPN protocol ("imap" or "").
  // Strand only.
  bool is_tls() const { return std::holds_alternative<TlsStream>(stream_); }
  std::string tls_version();
  std::string alpn();

  // The error that ended the last failed operation (empty after a clean EOF or while all is well). Strand only.
  std::error_code last_error() const { return last_error_; }
  // True once a read ended by the idle timeout (or a write by the write timeout). Strand only.
  bool timed_out() const { return timed_out_; }
  // True after close() or abort() began. Strand only.
  bool closed() const { return closed_; }

 private:
  asio::awaitable<std::size_t> read_raw(std::span<std::uint8_t> buf);
  asio::awaitable<bool> write_raw(base::ByteSpan bytes);
  asio::awaitable<std::size_t> read_inflated(std::span<std::uint8_t> buf);
  void close_socket();

  Stream stream_;
  const asio::any_io_executor executor_;  // copied from the stream at construction: readable from any thread
  const std::string peer_;
  const std::uint64_t id_;
  std::chrono::seconds idle_timeout_{0};
  std::chrono::seconds write_timeout_{kDefaultWriteTimeout};
  std::error_code last_error_;
  bool timed_out_ = false;
  bool closed_ = false;
  bool read_failed_ = false;
  bool write_failed_ = false;
  std::shared_ptr<OpCancel> read_op_;   // the read in flight, so close() and abort() can cancel it
  std::shared_ptr<OpCancel> write_op_;  // the write in flight
  std::unique_ptr<DeflateCodec> deflate_;
  base::Bytes compressed_in_;          // received, not yet inflated: [in_pos_, in_end_)
  std::size_t in_pos_ = 0;
  std::size_t in_end_ = 0;
  base::Bytes compressed_out_;         // reused output buffer of the compressor
};

}  // namespace net
