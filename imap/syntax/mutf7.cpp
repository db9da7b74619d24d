#include "imap/syntax/mutf7.h"

#include <cstdint>
#include <vector>

#include "base/utf8.h"

namespace imap::syntax {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

bool is_direct(char32_t cp) { return cp >= 0x20 && cp <= 0x7E; }

// Writes UTF-16 units as modified BASE64 between "&" and "-".
void flush_units(std::string& out, std::vector<std::uint16_t>& units) {
  if (units.empty()) return;
  out += '&';
  std::uint32_t bits = 0;
  int nbits = 0;
  for (std::uint16_t u : units) {
    bits = (bits << 16) | u;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out += kAlphabet[(bits >> nbits) & 0x3F];
    }
  }
  if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3F];
  out += '-';
  units.clear();
}

base::Error bad(std::string detail) { return base::fail(base::Errc::bad_syntax, std::move(detail)); }

// Decodes one BASE64 run (between "&" and "-") into UTF-8 appended to out.
base::Status decode_run(std::string_view run, std::string& out) {
  std::uint32_t bits = 0;
  int nbits = 0;
  std::vector<std::uint16_t> units;
  for (char c : run) {
    const int v = b64_value(c);
    if (v < 0) return bad("invalid character in modified UTF-7");
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 16) {
      nbits -= 16;
      units.push_back(static_cast<std::uint16_t>(bits >> nbits));
      bits &= (1u << nbits) - 1;
    }
  }
  // The shortest encoding leaves fewer than 6 padding bits, all zero.
  if (nbits >= 6 || bits != 0) return bad("invalid padding in modified UTF-7");
  for (std::size_t i = 0; i < units.size(); ++i) {
    char32_t cp = units[i];
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 1 >= units.size() || units[i + 1] < 0xDC00 || units[i + 1] > 0xDFFF) {
        return bad("unpaired surrogate in modified UTF-7");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (units[++i] - 0xDC00u);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return bad("unpaired surrogate in modified UTF-7");
    }
    if (is_direct(cp)) return bad("modified UTF-7 encodes a printable ASCII character");
    base::append_utf8(out, cp);
  }
  return base::ok();
}

}  // namespace

base::Result<std::string> mutf7_encode(std::string_view utf8) {
  std::string out;
  std::vector<std::uint16_t> units;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = 0;
    if (!base::decode_utf8(utf8, i, cp)) return base::fail(base::Errc::invalid_argument, "invalid UTF-8 in name");
    if (is_direct(cp)) {
      flush_units(out, units);
      out += static_cast<char>(cp);
      if (cp == '&') out += '-';
    } else if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      units.push_back(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(cp));
    }
  }
  flush_units(out, units);
  return out;
}

base::Result<std::string> mutf7_decode(std::string_view in) {
  std::string out;
  bool after_run = false;  // the previous character closed a BASE64 run: another run here is a superfluous shift
  for (std::size_t i = 0; i < in.size();) {
    const char c = in[i];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
      return bad("invalid character in modified UTF-7");
    }
    if (c != '&') {
      out += c;
      ++i;
      after_run = false;
      continue;
    }
    const std::size_t close = in.find('-', i + 1);
    if (close == std::string_view::npos) return bad("unterminated shift in modified UTF-7");
    if (close == i + 1) {
      out += '&';
      after_run = false;
    } else {
      if (after_run) return bad("superfluous shift in modified UTF-7");
      SB_CHECK(decode_run(in.substr(i + 1, close - i - 1), out));
      after_run = true;
    }
    i = close + 1;
  }
  return out;
}

}  // namespace imap::syntax
