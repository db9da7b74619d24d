#include "lmtp/protocol/address.h"

#include <cstring>

#include "base/strings.h"
#include "lmtp/protocol/limits.h"
#include "base/utf8.h"

namespace lmtp::protocol {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_high(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// atext (RFC 5322 §3.2.3), ASCII part.
bool is_atext(char c) { return is_alnum(c) || (c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr); }

using base::iequals;

// Appends the valid UTF-8 sequence at s[pos] to out and advances pos; false if there is none.
bool take_utf8(std::string_view s, std::size_t& pos, std::string& out) {
  const std::size_t n = base::utf8_sequence(s, pos);
  if (n < 2) return false;  // only called on a non-ASCII byte
  out.append(s.substr(pos, n));
  pos += n;
  return true;
}

// Local-part at s[pos]: a quoted string (unquoted into `local`) or the lenient Dot-string of the file comment.
bool parse_local(std::string_view s, std::size_t& pos, std::string& local, bool& quoted) {
  local.clear();
  quoted = pos < s.size() && s[pos] == '"';
  if (quoted) {
    ++pos;
    while (pos < s.size()) {
      const char c = s[pos];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos;
        return true;
      }
      if (c == '\\') {  // quoted-pairSMTP: "\" then any ASCII graphic or SP
        if (pos + 1 >= s.size()) return false;
        const auto e = static_cast<unsigned char>(s[pos + 1]);
        if (e < 32 || e > 126) return false;
        local += s[pos + 1];
        pos += 2;
      } else if (u >= 32 && u <= 126) {  // qtextSMTP: graphic or SP except '"' and '\' (handled above)
        local += c;
        ++pos;
      } else if (!is_high(c) || !take_utf8(s, pos, local)) {
        return false;
      }
    }
    return false;  // no closing quote
  }
  while (pos < s.size()) {
    const char c = s[pos];
    if (is_atext(c) || c == '.') {
      local += c;
      ++pos;
    } else if (!is_high(c) || !take_utf8(s, pos, local)) {
      break;
    }
  }
  return !local.empty();
}

// The extent of a domain or address literal starting at s[pos]; advances pos past it. Checks happen afterwards.
std::string_view scan_domain(std::string_view s, std::size_t& pos) {
  const std::size_t start = pos;
  if (pos < s.size() && s[pos] == '[') {
    const std::size_t close = s.find(']', pos);
    pos = close == std::string_view::npos ? s.size() : close + 1;
    return s.substr(start, pos - start);
  }
  while (pos < s.size() && (is_alnum(s[pos]) || s[pos] == '-' || s[pos] == '.' || s[pos] == '_' || is_high(s[pos]))) {
    ++pos;
  }
  return s.substr(start, pos - start);
}

bool valid_domain_or_literal(std::string_view d) {
  return !d.empty() && d.front() == '[' ? valid_address_literal(d) : valid_domain(d);
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t digits = 0;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && digits < 4) {
      value = value * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

// Hex groups separated by ":" (empty input: zero groups); a final group holding "." is an IPv4 address, reported in
// v4. False on an empty or over-long group.
bool ipv6_groups(std::string_view part, std::size_t& groups, bool& v4, bool v4_allowed) {
  groups = 0;
  v4 = false;
  if (part.empty()) return true;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = part.find(':', start);
    const std::string_view g = part.substr(start, colon == std::string_view::npos ? part.npos : colon - start);
    if (colon == std::string_view::npos && v4_allowed && g.find('.') != std::string_view::npos) {
      if (!valid_ipv4(g)) return false;
      v4 = true;
      return true;
    }
    if (g.empty() || g.size() > 4) return false;
    for (char c : g) {
      if (!is_hex(c)) return false;
    }
    ++groups;
    if (colon == std::string_view::npos) return true;
    start = colon + 1;
  }
}

// IPv6-addr of RFC 5321 §4.1.3: full, compressed ("::"), and both with a trailing IPv4 address.
bool valid_ipv6(std::string_view s) {
  const std::size_t dc = s.find("::");
  std::size_t head = 0;
  std::size_t tail = 0;
  bool head_v4 = false;
  bool tail_v4 = false;
  if (dc == std::string_view::npos) {
    if (!ipv6_groups(s, head, head_v4, true)) return false;
    return head_v4 ? head == 6 : head == 8;
  }
  if (s.find("::", dc + 1) != std::string_view::npos) return false;  // at most one "::" (and not ":::")
  if (!ipv6_groups(s.substr(0, dc), head, head_v4, false)) return false;
  if (!ipv6_groups(s.substr(dc + 2), tail, tail_v4, true)) return false;
  return head + tail <= (tail_v4 ? 4u : 6u);
}

// A strict Dot-string: atoms of atext (or UTF-8) separated by single dots. Such a local part needs no quoting.
bool strict_dot_string(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!is_atext(c) && !is_high(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool Address::utf8() const {
  for (char c : local) {
    if (is_high(c)) return true;
  }
  for (char c : domain) {
    if (is_high(c)) return true;
  }
  return false;
}

std::string Address::to_string() const {
  std::string out;
  if (strict_dot_string(local)) {
    out = local;
  } else {
    out += '"';
    for (char c : local) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  if (!domain.empty()) {
    out += '@';
    out += domain;
  }
  return out;
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > kMaxDomainBytes) return false;
  std::size_t label = 0;  // octets in the current label
  for (std::size_t i = 0; i < d.size();) {
    const char c = d[i];
    if (c == '.') {
      if (label == 0 || d[i - 1] == '-') return false;
      label = 0;
      ++i;
      continue;
    }
    std::size_t n = 1;
    if (c == '-') {
      if (label == 0) return false;  // a label starts with a letter or digit (or, leniently, "_" or UTF-8)
    } else if (is_high(c)) {
      n = base::utf8_sequence(d, i);
      if (n < 2) return false;
    } else if (!is_alnum(c) && c != '_') {
      return false;
    }
    label += n;
    if (label > kMaxLabelBytes) return false;
    i += n;
  }
  return label != 0 && d.back() != '-';
}

bool valid_address_literal(std::string_view l) {
  if (l.size() < 3 || l.front() != '[' || l.back() != ']') return false;
  const std::string_view inner = l.substr(1, l.size() - 2);
  if (valid_ipv4(inner)) return true;
  const std::size_t colon = inner.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view tag = inner.substr(0, colon);
  const std::string_view content = inner.substr(colon + 1);
  if (iequals(tag, "IPv6")) return valid_ipv6(content);
  // General-address-literal: Standardized-tag (Ldh-str) ":" 1*dcontent.
  for (char c : tag) {
    if (!is_alnum(c) && c != '-') return false;
  }
  if (!is_alnum(tag.back()) || content.empty()) return false;
  for (char c : content) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == '[' || c == '\\' || c == ']') return false;
  }
  return true;
}

std::optional<Address> parse_mailbox(std::string_view text, bool allow_postmaster) {
  Address a;
  std::size_t pos = 0;
  if (!parse_local(text, pos, a.local, a.quoted)) return std::nullopt;
  if (pos == text.size() && allow_postmaster && !a.quoted && iequals(a.local, "postmaster")) return a;
  if (pos >= text.size() || text[pos] != '@') return std::nullopt;
  const std::string_view domain = text.substr(pos + 1);
  if (!valid_domain_or_literal(domain)) return std::nullopt;
  a.domain = std::string(domain);
  return a;
}

namespace detail {

std::optional<Path> parse_path(std::string_view s, std::size_t& pos, bool allow_null, bool allow_postmaster) {
  Path p;
  if (pos >= s.size() || s[pos] != '<') return std::nullopt;
  ++pos;
  if (allow_null && pos < s.size() && s[pos] == '>') {
    ++pos;
    p.null = true;
    return p;
  }
  // A-d-l ":" — a source route: checked, then ignored (RFC 5321 §4.1.2, Appendix C).
  if (pos < s.size() && s[pos] == '@') {
    while (true) {
      ++pos;  // the "@"
      if (!valid_domain(scan_domain(s, pos))) return std::nullopt;
      if (pos >= s.size()) return std::nullopt;
      if (s[pos] == ':') {
        ++pos;
        break;
      }
      if (s[pos] != ',') return std::nullopt;
      ++pos;
      if (pos >= s.size() || s[pos] != '@') return std::nullopt;
    }
  }
  Address& a = p.address;
  if (!parse_local(s, pos, a.local, a.quoted)) return std::nullopt;
  if (pos < s.size() && s[pos] == '>' && allow_postmaster && !a.quoted && iequals(a.local, "postmaster")) {
    ++pos;
    return p;
  }
  if (pos >= s.size() || s[pos] != '@') return std::nullopt;
  ++pos;
  const std::string_view domain = scan_domain(s, pos);
  if (!valid_domain_or_literal(domain)) return std::nullopt;
  a.domain = std::string(domain);
  if (pos >= s.size() || s[pos] != '>') return std::nullopt;
  ++pos;
  return p;
}

}  // namespace detail
}  // namespace lmtp::protocol
