// NetStream: a blocking TCP connection, optionally TLS (BoringSSL), with a deadline on every call.
//
// Used by the load tool's IMAP connections (TLS) and the LMTP sender (plain TCP). Certificate checks: with a CA
// file the server's chain must verify and match the host name or IP; with `insecure` nothing is checked.
// Errors are returned as text (empty: success). Not thread-safe: one thread owns a stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sealbox_bench {

using Clock = std::chrono::steady_clock;

struct Endpoint {
  std::string host;  // name or address, as given
  std::uint16_t port = 0;
};

struct TlsOptions {
  bool tls = true;
  bool insecure = false;   // skip certificate verification
  std::string cafile;      // PEM trust anchors (used unless insecure)
};

class NetStream {
 public:
  // Connects (and handshakes, with TLS) before `deadline`. On failure returns null and sets `error`.
  static std::unique_ptr<NetStream> connect(const Endpoint& to, const TlsOptions& tls, Clock::time_point deadline,
                                            std::string& error);
  ~NetStream();
  NetStream(const NetStream&) = delete;
  NetStream& operator=(const NetStream&) = delete;

  // Writes all bytes before the deadline. Returns "" or an error.
  std::string write(std::string_view bytes, Clock::time_point deadline);
  // Reads what is available (waiting until the deadline for at least one byte) and appends it to `out`.
  // Returns "" on data, "timeout", "closed", or another error.
  std::string read_some(std::string& out, Clock::time_point deadline);

 private:
  NetStream() = default;
  int fd_ = -1;
  struct Tls;
  std::unique_ptr<Tls> tls_;
};

// "host:port" -> Endpoint; "[v6]:port" too. Returns false on syntax errors.
bool parse_endpoint(std::string_view text, Endpoint& out);
// True if `host` resolves only to loopback addresses.
bool is_loopback(const std::string& host);

}  // namespace sealbox_bench
