// Flag arguments of STORE and APPEND: the five settable system flags (RFC 3501 §2.3.2) and keywords. \Recent is
// the server's to set and is dropped; any other name starting with '\' is not a flag we know and is refused.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imap::commands {

// The flags to store, or nullopt (answer BAD) when one is an unknown system flag.
inline std::optional<std::vector<std::string>> settable_flags(const std::vector<std::string_view>& flags) {
  static constexpr std::string_view kSystem[] = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"};
  std::vector<std::string> out;
  for (auto f : flags) {
    if (f == "\\Recent") continue;
    if (!f.empty() && f[0] == '\\' && std::find(std::begin(kSystem), std::end(kSystem), f) == std::end(kSystem)) {
      return std::nullopt;
    }
    out.emplace_back(f);
  }
  return out;
}

}  // namespace imap::commands
