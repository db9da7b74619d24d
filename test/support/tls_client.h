// TlsClient: a blocking TLS line client for tests, built on BoringSSL (never system OpenSSL) and poll() timeouts.
//
// It speaks raw protocol lines to a server on 127.0.0.1, the way a test wants to: send bytes, read a line, read an
// IMAP response with its literals, wait for the server to hang up. Every read takes a timeout; nothing blocks
// forever. Failures throw std::runtime_error with a message fit for a test log (tests only: library code uses Result).
//
//   auto c = TlsClient::connect(server.imaps_port());
//   BOOST_TEST(c.read_line().starts_with("* OK"));
//   BOOST_TEST(c.command("a1", "LOGIN alice secret") == "a1 OK LOGIN completed");
//   auto lines = c.read_response("a2");           // after c.send("a2 FETCH 1 BODY[]\r\n")
//
// Certificates are not verified unless TlsClientOptions asks (tests use self-signed certificates).
// Not thread-safe: one thread uses a client at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace test_support {

// Protocol version numbers for TlsClientOptions (the TLS wire values, as BoringSSL's TLS1_x_VERSION).
inline constexpr int kTls11 = 0x0302;
inline constexpr int kTls12 = 0x0303;
inline constexpr int kTls13 = 0x0304;

struct TlsClientOptions {
  std::chrono::milliseconds timeout{10000};  // for the TCP connect and the TLS handshake together
  int min_version = kTls12;                  // offer versions in [min_version, max_version]
  int max_version = kTls13;
  std::vector<std::string> alpn;             // offered ALPN protocols, e.g. {"imap"}; none by default
  std::string cipher_list;                   // TLS 1.2 suites to offer (BoringSSL syntax); empty: the defaults
  // When set, the server's chain must verify against this PEM certificate, or the server's certificate must be this
  // very certificate (pinning, as mbsync does for self-signed certificates).
  std::filesystem::path trusted_cert;
  // When non-empty, the server's certificate must match every name here: DNS names against SAN DNS entries,
  // IP addresses against SAN IP entries (what mbsync and other clients check). The first DNS name is sent as SNI.
  std::vector<std::string> expected_names;
};

class TlsClient {
 public:
  // Connects to 127.0.0.1:port and completes a TLS handshake (TLS 1.2 or 1.3, no verification).
  // Throws std::runtime_error naming the step that failed ("TLS handshake with 127.0.0.1:993 failed: ...").
  static TlsClient connect(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  static TlsClient connect(std::uint16_t port, const TlsClientOptions& options);

  TlsClient(TlsClient&&) noexcept;
  TlsClient& operator=(TlsClient&&) noexcept;
  ~TlsClient();  // close()

  // Sends bytes as they are (add "\r\n" yourself); after start_deflate() they are compressed and flushed.
  // Reads incoming data meanwhile, so sending a lot while the server answers cannot deadlock.
  // Throws on a closed or failed connection, or when the server takes nothing for `timeout`.
  void send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // One CRLF-terminated line, CRLF stripped. Throws on timeout or end of stream (quoting what was received).
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Exactly n bytes. Throws on timeout or end of stream.
  std::string read_bytes(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Reads IMAP responses until the tagged line for `tag` ("a1 OK ..."), returning every response in order, the
  // tagged one last. A line ending in a literal announcement "{n}", "{n+}" or "~{n}" is joined, as on the wire, with
  // "\r\n", the n literal bytes and the rest of the response (which may announce another literal), so each element
  // is one complete response: "* 1 FETCH (BODY[] {5}\r\nhello)". Continuation requests ("+ ...") are returned as
  // elements too, but do not end the read: for IDLE or synchronizing literals use send() and read_line().
  // `timeout` bounds the whole call. Throws on timeout or end of stream.
  std::vector<std::string> read_response(std::string_view tag,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends "tag text\r\n", reads the response, and returns the tagged status line ("a1 OK done"); the untagged
  // responses before it are kept in last_untagged(). Throws like read_response().
  std::string command(std::string_view tag, std::string_view text,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The responses of the last command() before its tagged line. Valid until the next command().
  const std::vector<std::string>& last_untagged() const;

  // True if the server closes the connection (close_notify, TCP FIN or reset) within `timeout`. Data arriving
  // meanwhile is kept: read_line() still returns it afterwards. False on timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // RFC 4978: from now on, what is sent is raw-deflated (Z_SYNC_FLUSH per send) and what arrives is inflated.
  // Call it after reading the server's OK to COMPRESS; bytes already received after that OK are inflated too.
  void start_deflate();

  // Bytes received inside TLS so far, before inflating: what the server wrote (compressed, after COMPRESS).
  std::uint64_t bytes_received() const;

  // After the handshake: "TLSv1.3", the IETF cipher suite name, the ALPN protocol ("" if none).
  std::string negotiated_version() const;
  std::string cipher() const;
  std::string alpn() const;

  // Sends close_notify (best effort) and closes the socket. Idempotent.
  void close();

 private:
  struct Impl;
  explicit TlsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace test_support
