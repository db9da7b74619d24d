#include "imap/syntax/response_writer.h"

#include <string>
#include <utility>

#include "imap/syntax/cursor.h"
#include "imap/syntax/date_time.h"
#include "imap/syntax/mutf7.h"
#include "base/utf8.h"

namespace imap::syntax {

void ResponseWriter::item() {
  if (!at_start_) out_.push_back(' ');
  at_start_ = false;
}

ResponseWriter& ResponseWriter::untagged() {
  at_start_ = true;
  put("* ");
  return *this;
}

ResponseWriter& ResponseWriter::tagged(std::string_view tag) {
  at_start_ = true;
  put(tag);
  put(" ");
  return *this;
}

ResponseWriter& ResponseWriter::continuation() {
  at_start_ = true;
  put("+ ");
  return *this;
}

ResponseWriter& ResponseWriter::end() {
  put("\r\n");
  at_start_ = true;
  return *this;
}

ResponseWriter& ResponseWriter::atom(std::string_view a) {
  item();
  put(a);
  return *this;
}

ResponseWriter& ResponseWriter::raw(std::string_view bytes) {
  put(bytes);
  at_start_ = false;
  return *this;
}

ResponseWriter& ResponseWriter::number(std::uint64_t n) {
  item();
  put(std::to_string(n));
  return *this;
}

ResponseWriter& ResponseWriter::nil() { return atom("NIL"); }

ResponseWriter& ResponseWriter::quoted(std::string_view s) {
  item();
  out_.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out_.push_back('\\');
    out_.push_back(static_cast<std::uint8_t>(c));
  }
  out_.push_back('"');
  return *this;
}

ResponseWriter& ResponseWriter::literal_header(std::uint64_t n, bool literal8) {
  item();
  put(literal8 ? "~{" : "{");
  put(std::to_string(n));
  put("}\r\n");
  return *this;
}

ResponseWriter& ResponseWriter::literal(base::ByteSpan data) {
  literal_header(data.size(), false);
  out_.insert(out_.end(), data.begin(), data.end());
  return *this;
}

ResponseWriter& ResponseWriter::literal8(base::ByteSpan data) {
  literal_header(data.size(), true);
  out_.insert(out_.end(), data.begin(), data.end());
  return *this;
}

bool ResponseWriter::quotable(std::string_view s) const {
  if (s.size() > kMaxQuotedBytes) return false;
  bool eight_bit = false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || c == '\r' || c == '\n') return false;
    if (u >= 0x80) eight_bit = true;
  }
  // 8-bit bytes are allowed in quoted strings only as UTF-8, and only once the client enabled UTF8=ACCEPT.
  return !eight_bit || (utf8_accept_ && base::valid_utf8(s));
}

ResponseWriter& ResponseWriter::string(std::string_view s) {
  if (quotable(s)) return quoted(s);
  return literal(base::as_bytes(s));
}

ResponseWriter& ResponseWriter::nstring(std::optional<std::string_view> s) {
  if (!s) return nil();
  return string(*s);
}

ResponseWriter& ResponseWriter::astring(std::string_view s) {
  bool atom_safe = !s.empty() && !detail::iequals(s, "NIL");
  for (char c : s) {
    if (!detail::is_astring_char(c)) atom_safe = false;
  }
  if (atom_safe) return atom(s);
  return string(s);
}

ResponseWriter& ResponseWriter::mailbox(std::string_view utf8_name) {
  if (utf8_accept_) return string(utf8_name);
  auto encoded = mutf7_encode(utf8_name);
  if (!encoded) return string(utf8_name);
  return string(*encoded);
}

ResponseWriter& ResponseWriter::date_time(std::int64_t unix_time, int zone_minutes) {
  return quoted(format_date_time(unix_time, zone_minutes));
}

ResponseWriter& ResponseWriter::open() {
  item();
  out_.push_back('(');
  at_start_ = true;
  return *this;
}

ResponseWriter& ResponseWriter::close() {
  out_.push_back(')');
  at_start_ = false;
  return *this;
}

ResponseWriter& ResponseWriter::code(std::string_view name) { return open_code(name).close_code(); }

ResponseWriter& ResponseWriter::open_code(std::string_view name) {
  item();
  out_.push_back('[');
  put(name);
  return *this;
}

ResponseWriter& ResponseWriter::close_code() {
  out_.push_back(']');
  at_start_ = false;
  return *this;
}

ResponseWriter& ResponseWriter::text(std::string_view t) {
  item();
  for (char c : t) out_.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : static_cast<std::uint8_t>(c));
  return *this;
}

base::Bytes ResponseWriter::take() {
  base::Bytes out = std::move(out_);
  out_.clear();
  at_start_ = true;
  return out;
}

}  // namespace imap::syntax
