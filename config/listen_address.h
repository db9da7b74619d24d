// ListenAddress: one socket the daemon binds, as written in sealbox.toml ("[::]:993", "unix:/run/sealbox/lmtp.sock").
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace config {

// A TCP host and port or a UNIX-domain socket path. Plain data; copy freely.
struct ListenAddress {
  enum class Kind { tcp, unix_socket };

  Kind kind = Kind::tcp;
  std::string host;        // tcp: "127.0.0.1", "::" (no brackets) or "localhost"; empty for unix_socket
  std::uint16_t port = 0;  // tcp: 0 means "let the kernel pick a free port" (tests report the bound port)
  std::string path;        // unix_socket: the socket file, made absolute against the root when it was relative
  std::string text;        // canonical spelling for logs and messages: "127.0.0.1:24", "[::]:993", "unix:/run/x.sock"

  bool operator==(const ListenAddress&) const = default;
};

// Longest UNIX socket path the kernel accepts (sockaddr_un::sun_path is 108 bytes including the final NUL).
inline constexpr std::size_t kMaxUnixPathBytes = 107;

// Parses one listen address:
//   "A.B.C.D:PORT"   IPv4 dotted quad (decimal, no leading zeros), PORT 0..65535
//   "[IPV6]:PORT"    bracketed IPv6 literal without a zone ("[::]:993", "[::1]:24")
//   "localhost:PORT"
//   "unix:PATH"      a UNIX-domain socket; a relative PATH is resolved against `root` (kept as is if root is empty)
// Host names other than "localhost" are rejected: the daemon never resolves names at start-up.
// Errors: Errc::bad_syntax with a one-line detail that quotes the input ("bad listen address 'x:1': ...").
// Thread-safe (pure).
base::Result<ListenAddress> parse_listen_address(std::string_view text, const std::filesystem::path& root = {});

}  // namespace config
