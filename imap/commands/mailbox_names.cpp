#include "imap/commands/mailbox_names.h"

#include <cctype>

#include "base/utf8.h"

namespace imap::commands {
namespace {

bool match(std::string_view p, std::string_view n, int& budget) {
  // Backtracking on '*' and '%' with a step budget, so a hostile pattern ("*%*%*%...") cannot burn the CPU.
  while (!p.empty()) {
    if (--budget < 0) return false;
    char c = p.front();
    if (c == '*' || c == '%') {
      p.remove_prefix(1);
      for (std::size_t i = 0; i <= n.size(); ++i) {
        if (match(p, n.substr(i), budget)) return true;
        if (i < n.size() && c == '%' && n[i] == '/') break;
      }
      return false;
    }
    if (n.empty() || n.front() != c) return false;
    p.remove_prefix(1);
    n.remove_prefix(1);
  }
  return n.empty();
}

bool inbox_prefix(std::string_view s) {
  if (s.size() < 5 || (s.size() > 5 && s[5] != '/')) return false;
  for (int i = 0; i < 5; ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != "INBOX"[i]) return false;
  }
  return true;
}

}  // namespace

base::Status validate_new_mailbox_name(std::string_view name) {
  auto bad = [](const char* why) { return base::fail(base::Errc::invalid_argument, why); };
  if (name.empty()) return bad("Empty mailbox name");
  if (name.size() > kMaxMailboxNameBytes) return bad("Mailbox name too long");
  if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos) {
    return bad("Empty level in mailbox name");
  }
  if (name.find_first_of("*%") != std::string_view::npos) return bad("Wildcards are not allowed in mailbox names");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return bad("Control characters are not allowed in mailbox names");
  }
  if (!base::valid_utf8(name)) return bad("Mailbox name is not valid UTF-8");
  // RFC 6855 §3 (Net-Unicode, RFC 5198 §2): no C1 controls (U+0080-U+009F), LINE or PARAGRAPH SEPARATOR either.
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    if (!base::decode_utf8(name, i, cp)) break;  // not reached: checked just above
    if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029) {
      return bad("Control characters are not allowed in mailbox names");
    }
  }
  return base::ok();
}

bool pattern_matches(std::string_view pattern, std::string_view name) {
  int budget = 100000;  // steps for one name; shared by every branch of the backtracking
  if (match(pattern, name, budget)) return true;
  // "inbox", "Inbox/x": the INBOX part is case-insensitive.
  if (inbox_prefix(name) && pattern.size() >= 5) {
    std::string p(pattern);
    bool prefix = true;
    for (int i = 0; i < 5 && prefix; ++i) prefix = std::toupper(static_cast<unsigned char>(p[i])) == "INBOX"[i];
    if (prefix) {
      for (int i = 0; i < 5; ++i) p[i] = "INBOX"[i];
      budget = 100000;
      return match(p, name, budget);
    }
  }
  return false;
}

}  // namespace imap::commands
