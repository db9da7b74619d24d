#include "config/text.h"

namespace config {
namespace {

// Enough for any real key, path or address; a longer value is an attack or an accident, not something to echo.
constexpr std::size_t kMaxQuotedBytes = 80;

void append_escaped(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "'";
  append_escaped(out, text.substr(0, kMaxQuotedBytes));
  if (text.size() > kMaxQuotedBytes) out += "...";
  out += '\'';
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

}  // namespace config
