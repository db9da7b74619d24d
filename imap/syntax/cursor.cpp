#include "imap/syntax/cursor.h"

#include <array>
#include <cstring>
#include <limits>

#include "base/strings.h"
#include "imap/syntax/limits.h"
#include "base/utf8.h"

namespace imap::syntax::detail {
namespace {

constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kMax63 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 3501: the five system flags a client may set, plus \Recent (which the session refuses where it must).
constexpr std::array<std::string_view, 6> kSystemFlags = {"\\Answered", "\\Flagged", "\\Deleted",
                                                          "\\Seen",     "\\Draft",   "\\Recent"};

}  // namespace

bool is_atom_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x1F || u >= 0x7F) return false;  // CTL, DEL and 8-bit: ATOM-CHAR is a 7-bit CHAR
  switch (c) {
    case '(': case ')': case '{': case ' ': case '%': case '*': case '"': case '\\': case ']':
      return false;
    default:
      return true;
  }
}

bool is_astring_char(char c) { return is_atom_char(c) || c == ']'; }
bool is_tag_char(char c) { return is_astring_char(c) && c != '+'; }


std::string printable(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 32; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    out += (u >= 0x21 && u < 0x7F) ? s[i] : '?';
  }
  if (s.size() > 32) out += "...";
  return out;
}

base::Error Cursor::error(std::string detail) const { return base::fail(base::Errc::bad_syntax, std::move(detail)); }

bool Cursor::eat(char c) {
  if (peek() != c || at_end()) return false;
  ++pos_;
  return true;
}

base::Status Cursor::expect(char c, std::string_view what) {
  if (eat(c)) return base::ok();
  return error("expected " + std::string(what));
}

base::Status Cursor::sp(std::string_view after) {
  if (eat(' ')) return base::ok();
  return error("expected SP after " + std::string(after));
}

base::Status Cursor::end(std::string_view after) {
  if (at_end()) return base::ok();
  return error("unexpected characters after " + std::string(after));
}

base::Status Cursor::enter() {
  if (++depth_ > kMaxNesting) return error("nesting too deep");
  return base::ok();
}

std::string_view Cursor::keyword() {
  const std::size_t start = pos_;
  while (!at_end() && (is_alpha(peek()) || is_digit(peek()) || peek() == '.' || peek() == '-' || peek() == '_')) ++pos_;
  return since(start);
}

base::Result<std::string_view> Cursor::tag() {
  const std::size_t start = pos_;
  while (!at_end() && is_tag_char(peek())) ++pos_;
  if (pos_ == start) return error("missing or invalid tag");
  return since(start);
}

base::Result<std::string_view> Cursor::atom(std::string_view what) {
  const std::size_t start = pos_;
  while (!at_end() && is_atom_char(peek())) ++pos_;
  if (pos_ == start) return error("expected " + std::string(what));
  return since(start);
}

base::Result<std::string_view> Cursor::astring(std::string_view what) {
  if (peek() == '"' || peek() == '{' || (peek() == '~' && peek_at(1) == '{')) return string(what);
  const std::size_t start = pos_;
  while (!at_end() && is_astring_char(peek())) ++pos_;
  if (pos_ == start) return error("expected " + std::string(what));
  return since(start);
}

base::Result<std::string_view> Cursor::string(std::string_view what) {
  if (peek() == '"') return quoted(what);
  if (peek() == '{') return literal(what);
  if (peek() == '~' && peek_at(1) == '{') return error("literal8 not allowed in " + std::string(what));
  return error("expected " + std::string(what));
}

base::Result<std::optional<std::string_view>> Cursor::nstring(std::string_view what) {
  if (peek() == '"' || peek() == '{') {
    SB_TRY(auto s, string(what));
    return std::optional<std::string_view>(s);
  }
  const std::size_t start = pos_;
  if (iequals(keyword(), "NIL")) return std::optional<std::string_view>();
  pos_ = start;
  return error("expected " + std::string(what));
}

base::Result<std::string_view> Cursor::quoted(std::string_view what) {
  ++pos_;  // DQUOTE
  const std::size_t start = pos_;
  bool escaped = false;
  for (;;) {
    if (at_end()) return error("unterminated quoted " + std::string(what));
    const char c = text_[pos_];
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') break;
    if (c == '\\') {
      const char n = peek_at(1);
      if (n != '"' && n != '\\') return error("invalid escape in quoted " + std::string(what));
      escaped = true;
      pos_ += 2;
    } else if (u >= 0x80) {
      // QUOTED-CHAR allows UTF8-2/3/4 (RFC 9051, RFC 6855); other 8-bit bytes must come as a literal.
      char32_t cp = 0;
      if (!base::decode_utf8(text_, pos_, cp)) return error("invalid UTF-8 in quoted " + std::string(what));
    } else if (u == 0 || c == '\r' || c == '\n') {
      return error("invalid character in quoted " + std::string(what));
    } else {
      ++pos_;
    }
  }
  std::string_view raw = text_.substr(start, pos_ - start);
  ++pos_;  // DQUOTE
  if (!escaped) return raw;
  std::string& out = scratch_.emplace_back();
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\') ++i;
    out += raw[i];
  }
  return std::string_view(out);
}

base::Result<LiteralHeader> Cursor::literal_header(bool allow_literal8) {
  LiteralHeader h;
  if (eat('~')) {
    if (!allow_literal8) return error("literal8 not allowed here");
    h.literal8 = true;
  }
  SB_CHECK(expect('{', "literal"));
  const std::size_t start = pos_;
  while (!at_end() && is_digit(peek())) ++pos_;
  const std::size_t n = pos_ - start;
  if (n == 0 || n > kMaxLiteralDigits) return error("invalid literal size");
  for (std::size_t i = start; i < pos_; ++i) h.size = h.size * 10 + static_cast<std::uint64_t>(text_[i] - '0');
  h.non_sync = eat('+');
  SB_CHECK(expect('}', "'}' in literal"));
  if (!eat('\r') || !eat('\n')) return error("expected CRLF after literal size");
  return h;
}

base::Result<std::string_view> Cursor::literal(std::string_view what) {
  SB_TRY(LiteralHeader h, literal_header(false));
  if (h.size > text_.size() - pos_) return error("truncated literal");
  std::string_view data = text_.substr(pos_, static_cast<std::size_t>(h.size));
  // literal = "{" number "}" CRLF *CHAR8, and CHAR8 excludes NUL; only literal8 may carry NUL.
  if (data.find('\0') != std::string_view::npos) return error("NUL in literal " + std::string(what));
  pos_ += data.size();
  return data;
}

base::Result<std::string_view> Cursor::mailbox(std::string_view what) {
  SB_TRY(std::string_view name, astring(what));
  if (iequals(name, "INBOX")) return std::string_view("INBOX");
  return name;
}

base::Result<std::string_view> Cursor::list_mailbox() {
  if (peek() == '"' || peek() == '{' || (peek() == '~' && peek_at(1) == '{')) return string("mailbox pattern");
  const std::size_t start = pos_;
  while (!at_end() && (is_astring_char(peek()) || peek() == '%' || peek() == '*')) ++pos_;
  if (pos_ == start) return error("expected mailbox pattern");
  return since(start);
}

base::Result<std::uint64_t> Cursor::digits(std::string_view what, std::uint64_t max, bool nonzero) {
  const std::size_t start = pos_;
  std::uint64_t v = 0;
  while (!at_end() && is_digit(peek())) {
    const auto d = static_cast<std::uint64_t>(peek() - '0');
    if (v > (max - d) / 10) return error(std::string(what) + " out of range");
    v = v * 10 + d;
    ++pos_;
  }
  if (pos_ == start) return error("expected " + std::string(what));
  if (nonzero && text_[start] == '0') return error("expected non-zero " + std::string(what));
  return v;
}

base::Result<std::uint32_t> Cursor::number(std::string_view what) {
  SB_TRY(std::uint64_t v, digits(what, kMax32, false));
  return static_cast<std::uint32_t>(v);
}

base::Result<std::uint32_t> Cursor::nz_number(std::string_view what) {
  SB_TRY(std::uint64_t v, digits(what, kMax32, true));
  return static_cast<std::uint32_t>(v);
}

base::Result<std::uint64_t> Cursor::number64(std::string_view what) { return digits(what, kMax63, false); }
base::Result<std::uint64_t> Cursor::nz_number64(std::string_view what) { return digits(what, kMax63, true); }

base::Result<SequenceSet> Cursor::sequence_set(std::string_view what, bool allow_star) {
  SequenceSet set;
  auto seq_number = [&]() -> base::Result<std::uint32_t> {
    if (eat('*')) {
      if (!allow_star) return error("'*' not allowed in " + std::string(what));
      return kStar;
    }
    return nz_number(what);
  };
  do {
    if (eat('$')) {
      set.saved = true;
      continue;
    }
    SB_TRY(std::uint32_t first, seq_number());
    std::uint32_t last = first;
    if (eat(':')) {
      SB_TRY(std::uint32_t v, seq_number());
      last = v;
    }
    set.ranges.push_back({first, last});
  } while (eat(','));
  return set;
}

base::Result<std::string_view> Cursor::flag() {
  if (eat('\\')) {
    const std::size_t start = pos_ - 1;
    SB_TRY(std::string_view name, atom("flag"));
    (void)name;
    const std::string_view whole = since(start);
    for (std::string_view f : kSystemFlags) {
      if (iequals(whole, f)) return f;
    }
    return whole;
  }
  return atom("flag");
}

base::Result<std::vector<std::string_view>> Cursor::flag_list() {
  SB_CHECK(expect('(', "'(' before flag list"));
  std::vector<std::string_view> flags;
  if (eat(')')) return flags;
  for (;;) {
    SB_TRY(std::string_view f, flag());
    flags.push_back(f);
    if (eat(')')) return flags;
    SB_CHECK(sp("flag"));
  }
}

base::Result<int> Cursor::fixed_digits(int n, std::string_view what) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (!is_digit(peek())) return error("invalid " + std::string(what));
    v = v * 10 + (peek() - '0');
    ++pos_;
  }
  return v;
}

base::Result<Date> Cursor::date() {
  const bool quoted = eat('"');
  // date-day = 1*2DIGIT
  if (!is_digit(peek())) return error("invalid date");
  int day = peek() - '0';
  ++pos_;
  if (is_digit(peek())) day = day * 10 + (text_[pos_++] - '0');
  if (!eat('-')) return error("invalid date");
  const std::size_t m = pos_;
  while (!at_end() && is_alpha(peek())) ++pos_;
  const int month = month_from_name(since(m));
  if (month == 0 || !eat('-')) return error("invalid date");
  SB_TRY(int year, fixed_digits(4, "date"));
  if (quoted && !eat('"')) return error("invalid date");
  if (!valid_date(year, month, day)) return error("invalid date");
  return Date{year, month, day};
}

base::Result<DateTime> Cursor::date_time() {
  if (!eat('"')) return error("expected date-time");
  DateTime dt;
  // date-day-fixed = (SP DIGIT) / 2DIGIT. A lone DIGIT is accepted too: it is unambiguous and some clients send it.
  eat(' ');
  if (!is_digit(peek())) return error("invalid date-time");
  int day = text_[pos_++] - '0';
  if (is_digit(peek())) day = day * 10 + (text_[pos_++] - '0');
  if (!eat('-')) return error("invalid date-time");
  const std::size_t m = pos_;
  while (!at_end() && is_alpha(peek())) ++pos_;
  const int month = month_from_name(since(m));
  if (month == 0 || !eat('-')) return error("invalid date-time");
  SB_TRY(int year, fixed_digits(4, "date-time"));
  if (!valid_date(year, month, day)) return error("invalid date-time");
  dt.date = Date{year, month, day};
  if (!eat(' ')) return error("invalid date-time");
  SB_TRY(dt.hour, fixed_digits(2, "date-time"));
  if (!eat(':')) return error("invalid date-time");
  SB_TRY(dt.minute, fixed_digits(2, "date-time"));
  if (!eat(':')) return error("invalid date-time");
  SB_TRY(dt.second, fixed_digits(2, "date-time"));
  if (dt.hour > 23 || dt.minute > 59 || dt.second > 60 || !eat(' ')) return error("invalid date-time");
  const char sign = peek();
  if (sign != '+' && sign != '-') return error("invalid zone in date-time");
  ++pos_;
  SB_TRY(int zh, fixed_digits(2, "zone"));
  SB_TRY(int zm, fixed_digits(2, "zone"));
  if (zh > 23 || zm > 59 || !eat('"')) return error("invalid date-time");
  dt.zone_minutes = (sign == '-' ? -1 : 1) * (zh * 60 + zm);
  return dt;
}

base::Status Cursor::ext_comp() {
  // tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) / "(" tagged-ext-comp ")"
  for (;;) {
    if (eat('(')) {
      SB_CHECK(enter());
      SB_CHECK(ext_comp());
      SB_CHECK(expect(')', "')'"));
      leave();
    } else {
      SB_TRY(auto s, astring("extension value"));
      (void)s;
    }
    if (!eat(' ')) return base::ok();
  }
}

base::Result<std::string_view> Cursor::ext_value(std::string_view what) {
  const std::size_t start = pos_;
  if (eat('(')) {
    SB_CHECK(enter());
    if (!eat(')')) {
      SB_CHECK(ext_comp());
      SB_CHECK(expect(')', "')' after " + std::string(what)));
    }
    leave();
    return since(start);
  }
  // tagged-ext-simple = sequence-set / number / number64
  while (!at_end() && (is_digit(peek()) || peek() == ':' || peek() == ',' || peek() == '*' || peek() == '$')) ++pos_;
  if (pos_ == start) return error("expected " + std::string(what));
  return since(start);
}

}  // namespace imap::syntax::detail
