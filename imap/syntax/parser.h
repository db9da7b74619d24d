// Parser: one complete command (from CommandReader, literals inlined) to a typed Command (command.h).
//
//   syntax::Parser parser;                         // one per session; reuses its scratch storage
//   auto cmd = parser.parse(read.line);
//   if (!cmd) reply(read.tag, "BAD", cmd.error().detail);   // the reader's tag; or Parser::tag_of(line)
//
// Grammar: RFC 3501 §9 and RFC 9051 §9 with the extensions listed in command.h. Keywords are case-insensitive, SP
// is exactly one space, and nesting (parentheses, NOT/OR chains) is bounded by kMaxNesting.
//
// Errors: Errc::bad_syntax with a short detail that is safe to send to the client ("expected SP after mailbox",
// "unknown FETCH item FOO"); the session answers "tag BAD <detail>". A command name we do not know is not an
// error: it parses as Unknown.
//
// Lifetime: the Command's views point into `line` and into this Parser's scratch storage (unescaped quoted
// strings), so they are valid until the line goes away (CommandReader::next()) or this Parser parses again.
// Not thread-safe; owned by one session (session strand only).
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "base/result.h"
#include "imap/syntax/command.h"

namespace imap::syntax {

class Parser {
 public:
  Parser() = default;
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Parses one command: "tag SP command-name [arguments]", without the final CRLF. An APPEND line carries the
  // announcements of its streamed bodies, not the bodies (see command.h).
  base::Result<Command> parse(std::string_view line);

  // Parses a copy of `line` into a Command that owns its bytes. Same errors as parse().
  static base::Result<OwnedCommand> parse_owned(std::string line);

  // The tag of a line, or "" if it does not start with a valid tag (1*<ASTRING-CHAR except "+"> then SP or end).
  // For answering "tag BAD" when parse() fails. The view points into `line`.
  static std::string_view tag_of(std::string_view line);

 private:
  std::deque<std::string> scratch_;
};

}  // namespace imap::syntax
