// UTF-8 (RFC 3629), strict: no overlong forms, no surrogates, nothing above U+10FFFF. Shared by the protocol
// layers (IMAP strings and mailbox names, LMTP addresses) and mail/ (search text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace base {

// Decodes one code point at s[i]; on success stores it in cp, advances i and returns true. On an invalid or
// truncated sequence returns false and leaves i unchanged.
inline bool decode_utf8(std::string_view s, std::size_t& i, char32_t& cp) {
  if (i >= s.size()) return false;
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return false;
  }
  if (s.size() - i < len) return false;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += len;
  return true;
}

// Appends the UTF-8 encoding of a valid code point.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The length of the valid sequence starting at s[i] (1 for ASCII), or 0 if the bytes there are not one.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  std::size_t at = i;
  return decode_utf8(s, at, cp) ? at - i : 0;
}

// True if every byte of s belongs to a valid UTF-8 sequence.
inline bool valid_utf8(std::string_view s) {
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (!decode_utf8(s, i, cp)) return false;
  }
  return true;
}

}  // namespace base
