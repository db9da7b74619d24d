#include "lmtp/protocol/command.h"

#include <array>
#include <vector>

#include "base/strings.h"
#include "lmtp/protocol/limits.h"
#include "base/utf8.h"

namespace lmtp::protocol {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ctl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

using base::iequals;

bool istarts_with(std::string_view s, std::string_view upper_prefix) {
  return s.size() >= upper_prefix.size() && iequals(s.substr(0, upper_prefix.size()), upper_prefix);
}

void skip_spaces(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
}

CommandError error(Reply reply) { return CommandError{std::move(reply), 0, false}; }

// One esmtp-param: keyword and, if "=" was present, the value.
struct Param {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

// *( 1*SP esmtp-param ) to the end of s (RFC 5321 §4.1.2, values extended to UTF-8 by RFC 6531 §3.3).
// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii).
bool parse_params(std::string_view s, std::size_t pos, std::vector<Param>& out) {
  while (pos < s.size()) {
    if (s[pos] != ' ') return false;
    skip_spaces(s, pos);
    if (pos == s.size()) return true;  // only reached with trailing SP, which the caller trims; harmless
    const std::size_t k = pos;
    if (!is_alpha(s[pos]) && !is_digit(s[pos])) return false;
    while (pos < s.size() && (is_alpha(s[pos]) || is_digit(s[pos]) || s[pos] == '-')) ++pos;
    Param p{s.substr(k, pos - k), std::nullopt};
    if (pos < s.size() && s[pos] == '=') {
      const std::size_t v = ++pos;
      while (pos < s.size() && s[pos] != ' ') {
        const auto u = static_cast<unsigned char>(s[pos]);
        if (u >= 0x80) {
          const std::size_t n = base::utf8_sequence(s, pos);
          if (n == 0) return false;
          pos += n;
        } else if (u < 33 || u > 126 || u == '=') {
          return false;
        } else {
          ++pos;
        }
      }
      if (pos == v) return false;  // "KEY=" with no value
      p.value = s.substr(v, pos - v);
    }
    out.push_back(p);
  }
  return true;
}

ParseResult parse_lhlo(std::string_view rest) {
  std::size_t pos = 0;
  skip_spaces(rest, pos);
  const std::string_view host = rest.substr(pos);
  if (host.empty() || host.find(' ') != std::string_view::npos) {
    return error(replies::syntax_error("Syntax: LHLO hostname"));
  }
  const bool ok = host.front() == '[' ? valid_address_literal(host) : valid_domain(host);
  if (!ok) return error(replies::syntax_error("Invalid host name"));
  return Command(Lhlo{std::string(host)});
}

// "MAIL FROM:" / "RCPT TO:" up to the path: SP, the keyword with its colon, then (tolerated) spaces.
bool path_prefix(std::string_view rest, std::string_view keyword, std::size_t& pos) {
  if (rest.empty() || rest[0] != ' ' || !istarts_with(rest.substr(1), keyword)) return false;
  pos = 1 + keyword.size();
  skip_spaces(rest, pos);
  return true;
}

ParseResult parse_mail(std::string_view rest) {
  std::size_t pos = 0;
  if (!path_prefix(rest, "FROM:", pos)) return error(replies::syntax_error("Syntax: MAIL FROM:<address>"));
  auto path = detail::parse_path(rest, pos, /*allow_null=*/true, /*allow_postmaster=*/false);
  if (!path || (pos < rest.size() && rest[pos] != ' ')) return error(replies::bad_sender_syntax());
  std::vector<Param> params;
  if (!parse_params(rest, pos, params)) return error(replies::syntax_error("Bad MAIL parameter syntax"));

  Mail mail;
  if (!path->null) mail.from = std::move(path->address);
  bool seen_size = false, seen_body = false, seen_utf8 = false;
  for (const Param& p : params) {
    if (iequals(p.keyword, "SIZE")) {
      // size-value = 1*20DIGIT (RFC 1870 §6); a value past UINT64_MAX saturates (and is too big anyway).
      if (seen_size) return error(replies::syntax_error("Duplicate SIZE parameter"));
      seen_size = true;
      if (!p.value || p.value->size() > 20) return error(replies::syntax_error("Bad SIZE parameter"));
      std::uint64_t n = 0;
      for (char c : *p.value) {
        if (!is_digit(c)) return error(replies::syntax_error("Bad SIZE parameter"));
        const auto d = static_cast<std::uint64_t>(c - '0');
        n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
      }
      mail.size = n;
    } else if (iequals(p.keyword, "BODY")) {
      if (seen_body) return error(replies::syntax_error("Duplicate BODY parameter"));
      seen_body = true;
      if (p.value && iequals(*p.value, "7BIT")) {
        mail.body = BodyType::seven_bit;
      } else if (p.value && iequals(*p.value, "8BITMIME")) {
        mail.body = BodyType::eight_bit_mime;
      } else if (p.value && iequals(*p.value, "BINARYMIME")) {
        mail.body = BodyType::binary_mime;
      } else {
        return error(replies::syntax_error("Bad BODY parameter"));
      }
    } else if (iequals(p.keyword, "SMTPUTF8")) {
      if (seen_utf8) return error(replies::syntax_error("Duplicate SMTPUTF8 parameter"));
      seen_utf8 = true;
      if (p.value) return error(replies::syntax_error("SMTPUTF8 takes no value"));
      mail.smtputf8 = true;
    } else {
      return error(replies::unsupported_parameter());
    }
  }
  return Command(std::move(mail));
}

ParseResult parse_rcpt(std::string_view rest) {
  std::size_t pos = 0;
  if (!path_prefix(rest, "TO:", pos)) return error(replies::syntax_error("Syntax: RCPT TO:<address>"));
  auto path = detail::parse_path(rest, pos, /*allow_null=*/false, /*allow_postmaster=*/true);
  if (!path || (pos < rest.size() && rest[pos] != ' ')) return error(replies::bad_recipient_syntax());
  std::vector<Param> params;
  if (!parse_params(rest, pos, params)) return error(replies::syntax_error("Bad RCPT parameter syntax"));
  // We offer no RCPT parameters (no DSN): any is unsupported.
  if (!params.empty()) return error(replies::unsupported_parameter());
  return Command(Rcpt{std::move(path->address)});
}

// BDAT's errors decide whether the session can stay in step with the client: with a readable size it reads and
// drops the chunk, without one it cannot tell the chunk from the next command and must close.
ParseResult parse_bdat(std::string_view rest) {
  const Reply syntax = replies::syntax_error("Syntax: BDAT size [LAST]");
  const CommandError lost{syntax, 0, true};
  std::size_t pos = 0;
  skip_spaces(rest, pos);
  const std::size_t start = pos;
  std::uint64_t n = 0;
  while (pos < rest.size() && is_digit(rest[pos])) {
    const auto d = static_cast<std::uint64_t>(rest[pos] - '0');
    if (n > (UINT64_MAX - d) / 10) return lost;  // a size we could not even count down
    n = n * 10 + d;
    ++pos;
  }
  if (pos == start || (pos < rest.size() && rest[pos] != ' ')) return lost;
  skip_spaces(rest, pos);
  const std::string_view tail = rest.substr(pos);
  if (tail.empty()) return Command(Bdat{n, false});
  if (iequals(tail, "LAST")) return Command(Bdat{n, true});
  return CommandError{syntax, n, false};
}

std::string_view string_arg(std::string_view rest) {
  std::size_t pos = 0;
  skip_spaces(rest, pos);
  return rest.substr(pos);
}

}  // namespace

std::string_view command_name(const Command& command) {
  static constexpr std::array<std::string_view, std::variant_size_v<Command>> kNames = {
      "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT", "VRFY", "HELP"};
  return kNames[command.index()];
}

ParseResult parse_command(std::string_view line) {
  // The verb: letters up to SP, HTAB (only trailing white space may follow it then) or the end of the line.
  std::size_t verb_end = 0;
  while (verb_end < line.size() && is_alpha(line[verb_end])) ++verb_end;
  if (verb_end == 0 || (verb_end < line.size() && line[verb_end] != ' ' && line[verb_end] != '\t')) {
    return error(replies::unknown_command());
  }
  const std::string_view verb = line.substr(0, verb_end);
  const bool is_bdat = iequals(verb, "BDAT");
  const bool long_lines = iequals(verb, "MAIL") || iequals(verb, "RCPT");
  if (line.size() + 2 > (long_lines ? kMaxPathCommandLineBytes : kMaxCommandLineBytes)) {
    return CommandError{replies::line_too_long(), 0, is_bdat};
  }

  // Arguments: "" or " ...", with trailing white space removed (RFC 5321 §4.1.1 tolerance).
  std::string_view rest = line.substr(verb.size());
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (is_bdat) return parse_bdat(rest);
  for (char c : rest) {
    if (is_ctl(c)) return error(replies::syntax_error("Invalid character in command"));
  }

  if (iequals(verb, "LHLO")) return parse_lhlo(rest);
  if (iequals(verb, "MAIL")) return parse_mail(rest);
  if (iequals(verb, "RCPT")) return parse_rcpt(rest);
  if (iequals(verb, "DATA")) {
    if (!rest.empty()) return error(replies::syntax_error("Syntax: DATA"));
    return Command(Data{});
  }
  if (iequals(verb, "RSET")) {
    if (!rest.empty()) return error(replies::syntax_error("Syntax: RSET"));
    return Command(Rset{});
  }
  if (iequals(verb, "QUIT")) {
    if (!rest.empty()) return error(replies::syntax_error("Syntax: QUIT"));
    return Command(Quit{});
  }
  if (iequals(verb, "NOOP")) return Command(Noop{});
  if (iequals(verb, "HELP")) return Command(Help{std::string(string_arg(rest))});
  if (iequals(verb, "VRFY")) {
    const std::string_view arg = string_arg(rest);
    if (arg.empty()) return error(replies::syntax_error("Syntax: VRFY address"));
    return Command(Vrfy{std::string(arg)});
  }
  if (iequals(verb, "HELO") || iequals(verb, "EHLO")) return error(replies::use_lhlo());
  if (iequals(verb, "EXPN")) return error(replies::not_implemented());
  return error(replies::unknown_command());
}

}  // namespace lmtp::protocol
