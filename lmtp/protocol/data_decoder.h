// DataDecoder: the message after DATA's 354 reply (RFC 5321 §4.1.1.4, §4.5.2), decoded as it streams in, and
// ChunkReader: the exact octet count after a BDAT command (RFC 3030 §2). No I/O.
//
//   DataDecoder d(max_message_bytes);
//   std::string out;
//   while (!d.done()) {                             // input in any pieces, split anywhere
//     auto p = d.feed(reader.buffered(), out);      // appends message octets to out
//     reader.consume(p.consumed);                   // the rest of the input is the next pipelined command
//     stage(out); out.clear();
//     if (!p.done) read more from the socket into the reader;
//   }
//   if (d.too_big()) ... 552 5.3.4 for every recipient (Transaction::data_complete(replies::too_big()))
//
// Decoding. The data is a sequence of lines, each ended by CRLF; the message begins at the start of a line (right
// after the 354 reply). It ends at the first line that is exactly "." — the octets CR LF "." CR LF, where the
// first CRLF ends the last message line or, for an empty message, the DATA command itself, so input beginning
// ".\r\n" is the empty message. The message includes that first CRLF, so a non-empty message always ends in CRLF.
// Every other line that begins with "." has that first "." removed (dot-unstuffing, §4.5.2).
//
// Bare CR and bare LF. Only CRLF ends a line, for the terminator and for dot-unstuffing alike. A bare LF or CR is
// message content and is kept as is (we store what we got; the MTA in front of us normalises what it accepts).
// "\n.\n" therefore neither ends the message (§4.1.1.4: it MUST NOT) nor has its dot removed, and neither does
// "\r\n.\n": that line is ".\n..." — a "." followed by more characters — so its dot is removed and the "\n" kept.
// This strictness matters: an MTA and a server that disagree on where a message ends can be made to deliver a
// second, forged message hidden in the first ("SMTP smuggling").
//
// Size. decoded_size() counts every message octet (the dots removed are not counted, as RFC 1870 counts SIZE).
// Once it exceeds max_bytes, too_big() is set and no further octets are appended to `out` (so out receives at most
// max_bytes octets in all), but decoding goes on to the terminator, so the session stays in step with the client.
//
// Not thread-safe: one per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lmtp::protocol {

class DataDecoder {
 public:
  explicit DataDecoder(std::uint64_t max_bytes) : max_(max_bytes) {}

  struct Progress {
    std::size_t consumed = 0;  // octets of the input used; after done, the rest is the next command
    bool done = false;         // the terminating CRLF.CRLF has been seen (its last octet is within `consumed`)
  };

  // Decodes `in`, appending message octets to `out`. Stops right after the terminator; once done, consumes nothing.
  Progress feed(std::string_view in, std::string& out);

  bool done() const { return state_ == State::done; }
  bool too_big() const { return too_big_; }
  std::uint64_t decoded_size() const { return size_; }

 private:
  enum class State {
    line_start,  // at the start of a line (and of the message)
    middle,      // inside a line
    cr,          // just after a CR inside a line (not yet known to end it)
    dot,         // a "." at the start of a line, held back
    dot_cr,      // ".\r" at the start of a line, held back: "\n" next ends the message
    done,
  };

  void emit(std::string_view bytes, std::string& out);

  std::uint64_t max_;
  std::uint64_t size_ = 0;
  bool too_big_ = false;
  State state_ = State::line_start;
};

// ChunkReader: counts down the `size` octets of one BDAT chunk. There is nothing to decode (RFC 3030: the data is
// exact); this only splits the chunk from what follows it.
//
//   ChunkReader chunk(bdat.size);
//   while (!chunk.done()) {
//     std::string_view piece = chunk.take(reader.buffered());
//     reader.consume(piece.size());
//     if (accepted) stage(piece);               // else the octets are just dropped
//     if (!chunk.done()) read more from the socket into the reader;
//   }
class ChunkReader {
 public:
  explicit ChunkReader(std::uint64_t size) : remaining_(size) {}

  // The prefix of `available` that belongs to the chunk (counted as taken).
  std::string_view take(std::string_view available);

  std::uint64_t remaining() const { return remaining_; }
  bool done() const { return remaining_ == 0; }

 private:
  std::uint64_t remaining_;
};

}  // namespace lmtp::protocol
