// Small ASCII string helpers shared by the protocol parsers (IMAP, LMTP, MIME). Locale-independent on purpose:
// protocol keywords, header names and charset names compare by ASCII case only.
#pragma once

#include <string_view>

namespace base {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace base
