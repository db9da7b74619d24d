// ResponseWriter: builds server responses (RFC 3501 §7, RFC 9051 §7) into a byte buffer. No I/O: the session
// decides when to flush the buffer to the connection (after a tagged response, or when size() grows large).
//
//   ResponseWriter w;
//   w.untagged().number(12).atom("FETCH").open().atom("FLAGS").open().atom("\\Seen").close()
//    .atom("UID").number(4).close().end();                       // * 12 FETCH (FLAGS (\Seen) UID 4)\r\n
//   w.tagged("a1").atom("OK").code("READ-WRITE").text("SELECT completed").end();
//                                                                // a1 OK [READ-WRITE] SELECT completed\r\n
//
// Spacing is automatic: each item is preceded by one SP unless it opens the line or follows "(" or "["; text()
// ends the structured part. Item methods append exactly what they are given; atom() and raw() trust the caller
// to pass bytes that are valid there (the session's own keywords, numbers, sequence sets).
//
// Not thread-safe: one per session (session strand only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"

namespace imap::syntax {

// Strings up to this size that are safe 7-bit text are sent quoted; longer ones as literals, which clients buffer
// without scanning for escapes.
inline constexpr std::size_t kMaxQuotedBytes = 1024;

class ResponseWriter {
 public:
  // utf8_accept: the client sent ENABLE UTF8=ACCEPT (RFC 6855), so mailbox names are sent as UTF-8 and quoted
  // strings may carry UTF-8; otherwise names are modified UTF-7 and quoted strings are 7-bit.
  explicit ResponseWriter(bool utf8_accept = false) : utf8_accept_(utf8_accept) {}

  void set_utf8_accept(bool on) { utf8_accept_ = on; }
  bool utf8_accept() const { return utf8_accept_; }

  // --- Line starts and ends ---
  ResponseWriter& untagged();                    // "* "
  ResponseWriter& tagged(std::string_view tag);  // "<tag> "
  ResponseWriter& continuation();                // "+ " (follow with text() or a base64 atom())
  ResponseWriter& end();                         // CRLF; the next item starts a new line

  // --- Items ---
  ResponseWriter& atom(std::string_view a);      // as is: "FETCH", "\\Seen", "BODY[HEADER]"
  ResponseWriter& raw(std::string_view bytes);   // as is, without the automatic SP (e.g. "<0>" after "BODY[]")
  ResponseWriter& number(std::uint64_t n);
  ResponseWriter& nil();                         // "NIL"
  ResponseWriter& quoted(std::string_view s);    // "..." escaping \ and "; s must not contain CR, LF or NUL
  ResponseWriter& literal(base::ByteSpan data);  // {n}\r\n + data
  ResponseWriter& literal8(base::ByteSpan data); // ~{n}\r\n + data (BINARY, RFC 3516)
  // Only the announcement "{n}\r\n" (or "~{n}\r\n"): the session then sends the n bytes itself, e.g. streamed from
  // the store after flushing this buffer.
  ResponseWriter& literal_header(std::uint64_t n, bool literal8 = false);
  // A string: quoted if short safe text (7-bit, or UTF-8 in UTF8=ACCEPT mode, without CR, LF or NUL), else literal.
  // A NUL is valid only in literal8 (RFC 3516): data that may hold one (BINARY) goes through literal8() instead.
  ResponseWriter& string(std::string_view s);
  // nstring: NIL for nullopt, else string().
  ResponseWriter& nstring(std::optional<std::string_view> s);
  // astring: an atom if every byte is an ASTRING-CHAR (and it is not "NIL"), else string().
  ResponseWriter& astring(std::string_view s);
  // A mailbox name given in UTF-8: modified UTF-7 (RFC 3501 §5.1.3) unless UTF8=ACCEPT, then the UTF-8 itself;
  // always sent as a string. Names are validated when created; invalid UTF-8 is sent as raw bytes, not dropped.
  ResponseWriter& mailbox(std::string_view utf8_name);
  // A quoted IMAP date-time: "25-Nov-2026 18:57:54 +0000".
  ResponseWriter& date_time(std::int64_t unix_time, int zone_minutes = 0);

  // --- Structure ---
  ResponseWriter& open();    // "("
  ResponseWriter& close();   // ")"
  // A response code "[NAME" ... "]": code("READ-WRITE") writes it whole; open_code("UIDNEXT").number(5)
  // .close_code() writes "[UIDNEXT 5]".
  ResponseWriter& code(std::string_view name);
  ResponseWriter& open_code(std::string_view name);
  ResponseWriter& close_code();
  // Human-readable text to the end of the line (resp-text). CR, LF and NUL are replaced by SP so it cannot end the line.
  ResponseWriter& text(std::string_view t);

  // --- Buffer ---
  const base::Bytes& buffer() const { return out_; }
  std::size_t size() const { return out_.size(); }
  std::string_view view() const { return base::as_chars(out_); }
  base::Bytes take();  // moves the buffer out and leaves the writer empty
  void clear() { out_.clear(); at_start_ = true; }

 private:
  void item();  // writes the separating SP if needed
  void put(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  bool quotable(std::string_view s) const;

  base::Bytes out_;
  bool at_start_ = true;  // no SP before the next item
  bool utf8_accept_ = false;
};

}  // namespace imap::syntax
