#include "imap/commands/message_text.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace imap::commands {
namespace {

using base::iequals;

}  // namespace

std::size_t header_length(std::string_view message) {
  std::size_t line_start = 0;
  while (line_start < message.size()) {
    std::size_t nl = message.find('\n', line_start);
    if (nl == std::string_view::npos) return message.size();
    std::string_view line = message.substr(line_start, nl - line_start);
    if (line.empty() || line == "\r") return nl + 1;  // the blank line belongs to the header
    line_start = nl + 1;
  }
  return message.size();
}

std::string select_header_fields(std::string_view header, const std::vector<std::string_view>& names,
                                 bool exclude) {
  std::string out;
  std::size_t pos = 0;
  bool keep = false;
  while (pos < header.size()) {
    std::size_t nl = header.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? header.size() : nl + 1;
    std::string_view line = header.substr(pos, end - pos);
    pos = end;
    if (line == "\r\n" || line == "\n") break;  // the blank line: added back below
    bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!continuation) {
      auto colon = line.find(':');
      std::string_view name = colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      bool listed = !name.empty() &&
                    std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
      keep = !name.empty() && (listed != exclude);
    }
    if (keep) {
      out.append(line);
      if (line.back() != '\n') out.append("\r\n");
    }
  }
  out.append("\r\n");
  return out;
}

}  // namespace imap::commands
