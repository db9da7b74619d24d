#include "config/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <optional>

#include "config/text.h"

namespace config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

base::Error bad(std::string_view text, std::string_view why) {
  return base::fail(base::Errc::bad_syntax, "bad listen address " + quote(text) + ": " + std::string(why));
}

// "0".."65535": decimal digits only (no sign, no spaces), at most five of them.
std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// Exactly four decimal parts 0..255 without leading zeros: "010.0.0.1" is octal to some tools and decimal to others,
// so we refuse to guess.
bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    unsigned value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) value = value * 10 + static_cast<unsigned>(s[i++] - '0');
    const std::size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool is_ipv6(const std::string& s) {
  in6_addr addr{};
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

base::Result<ListenAddress> parse_unix(std::string_view text, std::string_view path,
                                       const std::filesystem::path& root) {
  if (path.empty()) return bad(text, "the socket path after 'unix:' is empty");
  if (path.find('\0') != std::string_view::npos) return bad(text, "the socket path contains a NUL byte");
  std::filesystem::path p{std::string(path)};
  if (p.is_relative() && !root.empty()) p = root / p;
  ListenAddress out;
  out.kind = ListenAddress::Kind::unix_socket;
  out.path = p.string();
  if (out.path.back() == '/') return bad(text, "the socket path names a directory");
  if (out.path.size() > kMaxUnixPathBytes) {
    return bad(text, "the socket path is " + std::to_string(out.path.size()) + " bytes long; the limit is " +
                         std::to_string(kMaxUnixPathBytes));
  }
  out.text = "unix:" + out.path;
  return out;
}

}  // namespace

base::Result<ListenAddress> parse_listen_address(std::string_view text, const std::filesystem::path& root) {
  constexpr std::string_view kUnix = "unix:";
  if (text.substr(0, kUnix.size()) == kUnix) return parse_unix(text, text.substr(kUnix.size()), root);
  if (text.empty()) return bad(text, "expected HOST:PORT or unix:PATH");

  std::string host;
  std::string_view port_text;
  bool bracketed = false;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad(text, "missing ']' after the IPv6 address");
    host = std::string(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return bad(text, "expected ':PORT' after ']'");
    port_text = rest.substr(1);
    bracketed = true;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad(text, "expected HOST:PORT or unix:PATH");
    host = std::string(text.substr(0, colon));
    if (host.find(':') != std::string::npos) {
      if (is_ipv6(host)) return bad(text, "an IPv6 address must be in brackets, as in [::1]:993");
      return bad(text, "expected HOST:PORT or unix:PATH");  // "tcp://host:port", "a:b:c"
    }
    port_text = text.substr(colon + 1);
  }

  if (bracketed) {
    if (host.find('%') != std::string::npos) return bad(text, "IPv6 zone ids ('%eth0') are not supported");
    if (!is_ipv6(host)) return bad(text, quote(host) + " is not an IPv6 address");
  } else if (host != "localhost" && !is_ipv4(host)) {
    return bad(text, "the host must be an IPv4 address, a bracketed IPv6 address or 'localhost'");
  }
  if (port_text.empty()) return bad(text, "missing port after ':'");
  const auto port = parse_port(port_text);
  if (!port) return bad(text, "the port must be a number from 0 to 65535");

  ListenAddress out;
  out.kind = ListenAddress::Kind::tcp;
  out.host = host;
  out.port = *port;
  out.text = (bracketed ? "[" + host + "]" : host) + ":" + std::to_string(*port);
  return out;
}

}  // namespace config
