// TcpClient: a blocking plain-TCP line client for tests (LMTP), with poll() timeouts on every read and write.
//
// It speaks raw protocol lines to a server on 127.0.0.1, the way a test wants to: send bytes, read a line, read one
// SMTP/LMTP reply with all its lines, wait for the server to hang up. Every read takes a timeout; nothing blocks
// forever. Failures throw std::runtime_error with a message fit for a test log (tests only: library code uses Result).
//
//   auto c = TcpClient::connect(server.lmtp_port());
//   BOOST_TEST(c.read_line() == "220 sealbox LMTP Sealbox ready");
//   c.send("LHLO client.example\r\n");
//   auto lhlo = c.read_reply();                   // {"250-sealbox", "250-PIPELINING", ..., "250 SMTPUTF8"}
//   BOOST_TEST(c.command("NOOP") == std::vector<std::string>{"250 2.0.0 OK"});
//
// Not thread-safe: one thread uses a client at a time (several threads may each use their own).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace test_support {

class TcpClient {
 public:
  // Connects to 127.0.0.1:port. Throws std::runtime_error ("TCP client 127.0.0.1:24: connect: Connection refused").
  static TcpClient connect(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  TcpClient(TcpClient&&) noexcept;
  TcpClient& operator=(TcpClient&&) noexcept;
  ~TcpClient();  // close()

  // Sends bytes as they are (add "\r\n" yourself). Reads incoming data meanwhile (kept for read_line()), so sending
  // a lot while the server answers cannot deadlock. Throws on a closed or failed connection, or when the server
  // takes nothing for `timeout`.
  void send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // One CRLF-terminated line, CRLF stripped. Throws on timeout or end of stream (quoting what was received).
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // One complete SMTP/LMTP reply (RFC 5321 §4.2): lines "250-..." up to the last one, "250 ..." (or a bare "250"),
  // each without CRLF, in order. Throws when a line is not a reply line or the codes of a multi-line reply differ,
  // on timeout (which bounds the whole call) and on end of stream.
  std::vector<std::string> read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // send(line + "\r\n") then read_reply().
  std::vector<std::string> command(std::string_view line, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // True if the server closes the connection (FIN or reset) within `timeout`. Data arriving meanwhile is kept:
  // read_line() still returns it afterwards. False on timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Bytes received and not yet returned by read_line()/read_reply().
  std::size_t pending() const;

  // Closes the socket (a FIN after what was sent). Idempotent.
  void close();
  // Closes with a TCP reset (SO_LINGER 0): a client that vanishes. Idempotent.
  void abort();

 private:
  struct Impl;
  explicit TcpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace test_support
