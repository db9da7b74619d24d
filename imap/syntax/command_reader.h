// CommandReader: frames client input (plaintext, after TLS and COMPRESS) into complete IMAP commands. It only
// frames: it finds CRLF, spots literal announcements at line ends ("{n}", "{n+}", "~{n}", "~{n+}"; RFC 3501,
// RFC 7888 LITERAL+/-, RFC 3516/4466 literal8), enforces the limits in limits.h, and never writes to the client.
// The session decides what to send. Works with input fed in any pieces, including one byte at a time.
//
// The session's loop (one reader and one Parser per connection, session strand only):
//
//   reader.feed(bytes_from_socket);
//   for (ReadResult r = reader.next(); r.kind != ReadKind::need_more; r = reader.next()) switch (r.kind) {
//     case ReadKind::command:        parse r.line (literals already inline), execute, answer with r.tag
//     case ReadKind::sync_literal:   a literal ends the line so far. Accept: if (!r.non_sync) send "+ go ahead";
//                                    then continue_literal() (the reader inlines the bytes and reads on). Refuse:
//                                    send "r.tag NO/BAD ...", then reject_literal(): the rest of the command is
//                                    dropped, including the bytes of a {n+} literal the client sends anyway.
//     case ReadKind::append_literal: an APPEND message body (never inlined). Refuse as above, or accept (send
//                                    "+ go ahead" unless r.non_sync, then continue_literal()) and stream the body:
//                                      while (reader.literal_remaining() > 0) {
//                                        ByteSpan chunk = reader.take_literal(64 * 1024);
//                                        if (chunk.empty()) { read more from the socket; reader.feed(...); }
//                                        else stage(chunk);
//                                      }
//                                    then call next() again: the rest of the command follows (another message
//                                    for MULTIAPPEND, or CRLF). pending_line() parses as the APPEND so far, so
//                                    the session can check the mailbox before accepting the first body.
//     case ReadKind::line:           the raw line asked for with expect_line() (AUTHENTICATE data, IDLE's DONE)
//     case ReadKind::bad:            send "r.tag BAD r.reason" ("* BAD" when r.tag is empty); reading goes on
//     case ReadKind::too_long:       send "r.tag BAD r.reason"; if !r.recoverable also "* BYE" and close
//     case ReadKind::fatal:          send "* BYE r.reason" and close
//   }
//
// APPEND line format. The command line of an APPEND keeps each streamed literal's announcement and its CRLF but not
// its bytes: "A1 APPEND INBOX (\Seen) {300}\r\n (\Draft) {200}\r\n" for two messages of 300 and 200 octets.
// Parser turns it into Append{mailbox, messages = [{flags, date, size 300}, {..., size 200}]}, and the bodies are
// the ones the session took, in order. The reader recognises APPEND by the command name after the tag, and treats
// every literal of it as a body except a literal that is the mailbox name itself ("A1 APPEND {5}\r\nINBOX {300}").
//
// Limits (limits.h): command text over kMaxLineBytes gives too_long as soon as it is exceeded (recoverable: the
// reader skips to the end of the command, following {n+} literals); an inline literal that would take the command
// over kMaxInlineLiteral gives too_long instead of sync_literal (recoverable). A literal count of more than
// kMaxLiteralDigits digits is recoverable when synchronizing (the client waits), unrecoverable for {n+}.
//
// Lifetime: ReadResult views (tag, line, reason) and pending_line() stay valid until the next call to next() (the
// point where the reader consumes the previous command); feed() does not invalidate them. A span from
// take_literal() is valid until the next call to any non-const member. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace imap::syntax {

enum class ReadKind {
  need_more,       // feed more input
  command,         // a complete command: tag and line
  line,            // a raw line requested with expect_line()
  sync_literal,    // an inline literal was announced: decide with continue_literal() / reject_literal()
  append_literal,  // an APPEND body was announced: decide, then stream it with take_literal()
  bad,             // a malformed command was read whole and dropped: bare LF, NUL, missing or invalid tag
  too_long,        // a limit was exceeded; the command is dropped
  fatal,           // the stream cannot be resynchronised: close the connection
};

struct ReadResult {
  ReadKind kind = ReadKind::need_more;
  std::string_view tag;       // the command's tag if known and valid, else empty (command, *_literal, bad, too_long)
  std::string_view line;      // command: the command without its final CRLF; line: the raw line without CRLF
  std::uint64_t literal_size = 0;  // *_literal
  bool literal8 = false;      // *_literal: announced as "~{n}"
  bool non_sync = false;      // *_literal: "{n+}": the client sends the bytes without waiting for "+"
  bool recoverable = false;   // too_long: reading can go on after "tag BAD"
  std::string_view reason;    // bad, too_long, fatal: short client-safe text ("line too long")
};

class CommandReader {
 public:
  // Appends input. Never fails; the session bounds how much it reads ahead of next().
  void feed(base::ByteSpan data);
  void feed(std::string_view data) { feed(base::as_bytes(data)); }

  // Frames the next result from the input buffered so far (see the file comment).
  ReadResult next();

  // After sync_literal or append_literal: accept the literal. Ignored in any other state.
  void continue_literal();
  // After sync_literal or append_literal: drop the rest of this command (skipping a {n+} literal's bytes and any
  // further {n+} literals up to the command's end). Ignored in any other state.
  void reject_literal();

  // After append_literal and continue_literal(): up to `max` bytes of the body from the buffered input (empty when
  // nothing is buffered or the body is complete). The span points into the reader's buffer; see Lifetime.
  base::ByteSpan take_literal(std::size_t max);
  // Body bytes not yet taken (0 outside an APPEND body).
  std::uint64_t literal_remaining() const;

  // The command text read so far; after append_literal it parses as the APPEND up to this body.
  std::string_view pending_line() const { return line_; }

  // Makes the next line a raw ReadKind::line: no tag, no literal recognition (for AUTHENTICATE responses and
  // IDLE's DONE; RFC 3501 §6.2.2, RFC 2177). Call between commands.
  void expect_line() { raw_next_ = true; }

  // Input bytes buffered and not yet framed.
  std::size_t buffered() const { return in_.size() - pos_; }

 private:
  enum class State { line, decision, inline_literal, append_body, discard_line, discard_literal, dead };
  struct Marker;

  ReadResult read_line();
  ReadResult end_of_line();
  bool discard_line_step(ReadResult& fatal_out);
  void note_tag(std::string_view first_segment, bool complete);
  ReadResult drop(ReadKind kind, std::string_view reason, const Marker& m);
  ReadResult finish(ReadResult r);
  ReadResult result(ReadKind kind, std::string_view reason = {}) const;
  void reset_command();
  void segment_done() { seg_start_ = line_.size(); }

  std::string in_;                // input; bytes before pos_ are consumed
  std::size_t pos_ = 0;
  State state_ = State::line;
  bool finished_ = false;         // the last result ended a command: reset before reading on

  // The command being read.
  std::string line_;              // its text so far, inline literals included
  std::size_t seg_start_ = 0;     // where the current line segment starts in line_ (after the last literal)
  std::size_t text_bytes_ = 0;    // bytes of line_ that are not literal data (kMaxLineBytes)
  std::size_t inline_bytes_ = 0;  // inline literal bytes (kMaxInlineLiteral)
  bool nul_ = false;              // a NUL outside literals
  bool tag_known_ = false;
  std::string tag_;               // valid tag, or empty
  bool is_append_ = false;
  std::size_t append_args_ = 0;   // index in line_ of APPEND's first argument
  bool raw_ = false;              // this line is a raw ReadKind::line
  bool raw_next_ = false;
  ReadResult pending_;            // the literal awaiting continue_literal() / reject_literal()
  bool pending_append_ = false;
  std::uint64_t remaining_ = 0;   // literal bytes left to inline, take or skip
  std::string tail_;              // discard_line: the last bytes of the line being skipped
  bool discard_raw_ = false;      // discard_line: the line is a raw line (no literal announcements)
};

}  // namespace imap::syntax
