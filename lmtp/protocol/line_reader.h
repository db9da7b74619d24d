// LineReader: frames client input into LMTP command lines, and holds the input the session has not used yet, so
// that DATA and BDAT can take message bytes from the same buffer and pipelined commands after them are not lost
// (RFC 2920). No I/O: the session feeds what it reads from the socket.
//
//   reader.feed(bytes_from_socket);
//   for (LineResult r = reader.next(); r.kind != LineKind::need_more; r = reader.next()) {
//     if (r.kind == LineKind::too_long) { send(replies::line_too_long()); continue; }
//     handle(parse_command(r.line));        // and, for DATA or BDAT, before calling next() again:
//   }
//   // DATA:  auto p = decoder.feed(reader.buffered(), out); reader.consume(p.consumed);   (data_decoder.h)
//   // BDAT:  auto piece = chunk.take(reader.buffered()); stage(piece); reader.consume(piece.size());
//
// Lines end at CRLF only (RFC 5321 §2.3.8). A bare CR or LF is part of the line and parse_command() rejects it
// as a control character; a client ending lines with bare LF gets no reply until kMaxPathCommandLineBytes octets
// have arrived, then "Line too long" (RFC 5321 §4.1.1.4: LF alone MUST NOT be taken as a line end).
//
// Limits: a line longer than max_line_bytes (CRLF included; default kMaxPathCommandLineBytes) is discarded as it
// arrives, so the buffer never holds more than one such line plus what the last feed() brought; when its CRLF
// comes, next() returns too_long once and reading goes on with the next line.
//
// Lifetime: LineResult::line and buffered() point into the reader's buffer and stay valid until the next call to a
// non-const member. Not thread-safe: one per session.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lmtp/protocol/limits.h"

namespace lmtp::protocol {

enum class LineKind {
  need_more,  // no complete line is buffered: feed more
  line,       // a command line, without its CRLF
  too_long,   // a line over the limit was dropped whole (reply 500 5.5.2 "Line too long")
};

struct LineResult {
  LineKind kind = LineKind::need_more;
  std::string_view line;
};

class LineReader {
 public:
  explicit LineReader(std::size_t max_line_bytes = kMaxPathCommandLineBytes) : max_line_(max_line_bytes) {}

  // Appends input. Never fails.
  void feed(std::string_view data);

  // The next line from the buffered input (see the file comment).
  LineResult next();

  // The input not yet framed as a line: for DATA and BDAT, which consume() what they use.
  std::string_view buffered() const { return std::string_view(in_).substr(pos_); }
  // Drops the first n octets of buffered() (n <= buffered().size()).
  void consume(std::size_t n);

 private:
  std::string in_;           // input; octets before pos_ are consumed
  std::size_t pos_ = 0;
  std::size_t scanned_ = 0;  // octets after pos_ known to hold no CRLF (a search resumes there)
  bool skipping_ = false;    // dropping the rest of an over-long line
  std::size_t max_line_;
};

}  // namespace lmtp::protocol
