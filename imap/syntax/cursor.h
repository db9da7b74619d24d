// The lexer under Parser (internal to imap/syntax): a cursor over one complete command line with the RFC 3501 §9
// token rules (atom, astring, quoted, literal, number, sequence-set, flag, date, ...).
//
// Every method either consumes what it recognised and succeeds, or fails with Errc::bad_syntax and a short detail
// that is safe to show the client ("expected SP after mailbox"). On failure the position is unspecified: callers
// that try alternatives save pos() and restore it with seek().
//
// Views returned point into the line, or into `scratch` for quoted strings that needed unescaping; both must
// outlive them. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/strings.h"
#include "imap/syntax/date_time.h"
#include "imap/syntax/sequence_set.h"

namespace imap::syntax::detail {

bool is_atom_char(char c);     // ATOM-CHAR: 7-bit CHAR except atom-specials
bool is_astring_char(char c);  // ASTRING-CHAR: ATOM-CHAR / "]"
bool is_tag_char(char c);      // ASTRING-CHAR except "+"
using base::iequals;  // ASCII case-insensitive

// A short printable rendering of client bytes for error details: at most 32 characters, others as '?'.
std::string printable(std::string_view s);

// The announcement of a literal: "{n}", "{n+}", "~{n}" or "~{n+}", up to and including its CRLF.
struct LiteralHeader {
  std::uint64_t size = 0;
  bool literal8 = false;
  bool non_sync = false;
};

class Cursor {
 public:
  Cursor(std::string_view text, std::deque<std::string>& scratch) : text_(text), scratch_(scratch) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  char peek_at(std::size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  std::size_t pos() const { return pos_; }
  void seek(std::size_t pos) { pos_ = pos; }
  std::string_view since(std::size_t start) const { return text_.substr(start, pos_ - start); }

  base::Error error(std::string detail) const;

  bool eat(char c);
  base::Status expect(char c, std::string_view what);  // "expected <what>"
  base::Status sp(std::string_view after);             // "expected SP after <after>"
  base::Status end(std::string_view after);            // "unexpected characters after <after>"
  bool at_sp() const { return peek() == ' '; }

  // Nesting guard for parentheses and recursive keys: fails beyond kMaxNesting. Pair each enter() with leave().
  base::Status enter();
  void leave() { --depth_; }

  // A run of letters, digits and '.', '-', '_' (keywords such as "BODY.PEEK", "HEADER.FIELDS"); may be empty.
  std::string_view keyword();
  // tag = 1*<ASTRING-CHAR except "+">
  base::Result<std::string_view> tag();
  // atom = 1*ATOM-CHAR
  base::Result<std::string_view> atom(std::string_view what);
  // astring = 1*ASTRING-CHAR / string
  base::Result<std::string_view> astring(std::string_view what);
  // string = quoted / literal
  base::Result<std::string_view> string(std::string_view what);
  // nstring = string / "NIL"; nullopt for NIL
  base::Result<std::optional<std::string_view>> nstring(std::string_view what);
  // mailbox = "INBOX" / astring, every case variant of INBOX returned as "INBOX"
  base::Result<std::string_view> mailbox(std::string_view what = "mailbox");
  // list-mailbox = 1*list-char / string
  base::Result<std::string_view> list_mailbox();
  // A literal's announcement, without its data (the APPEND placeholder; see command.h).
  base::Result<LiteralHeader> literal_header(bool allow_literal8);

  base::Result<std::uint32_t> number(std::string_view what);      // 32-bit, leading zeros allowed
  base::Result<std::uint32_t> nz_number(std::string_view what);   // 1..2^32-1, no leading zero
  base::Result<std::uint64_t> number64(std::string_view what);    // 0..2^63-1
  base::Result<std::uint64_t> nz_number64(std::string_view what); // 1..2^63-1, no leading zero
  // sequence-set, including "$" (RFC 5182); allow_star false for sets where "*" is not allowed (QRESYNC).
  base::Result<SequenceSet> sequence_set(std::string_view what, bool allow_star = true);
  // flag: system flags normalised ("\\Seen"), "\\" atom extensions and keyword atoms as sent.
  base::Result<std::string_view> flag();
  // flag-list = "(" [flag *(SP flag)] ")"
  base::Result<std::vector<std::string_view>> flag_list();
  // date = date-text / DQUOTE date-text DQUOTE
  base::Result<Date> date();
  // date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
  base::Result<DateTime> date_time();
  // tagged-ext-val (RFC 4466), returned as its raw text.
  base::Result<std::string_view> ext_value(std::string_view what);

 private:
  base::Result<std::string_view> quoted(std::string_view what);
  base::Result<std::string_view> literal(std::string_view what);
  base::Result<std::uint64_t> digits(std::string_view what, std::uint64_t max, bool nonzero);
  base::Status ext_comp();
  base::Result<int> fixed_digits(int n, std::string_view what);

  std::string_view text_;
  std::deque<std::string>& scratch_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace imap::syntax::detail
