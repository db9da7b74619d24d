// Helpers for the lmtp/protocol tests: parse a line expecting a given command or error, print the types Boost.Test
// shows on failure, and run a byte stream through a LineReader + DataDecoder whole, split at every offset and byte
// by byte (STYLE: parser tests).
#pragma once

#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lmtp/protocol/command.h"
#include "lmtp/protocol/data_decoder.h"
#include "lmtp/protocol/line_reader.h"
#include "lmtp/protocol/reply.h"

// Printers so Boost.Test can show these values when a check fails.
namespace base {
inline std::ostream& operator<<(std::ostream& os, Errc e) { return os << to_string(e); }
}  // namespace base
namespace lmtp::protocol {
inline std::ostream& operator<<(std::ostream& os, const Reply& r) {
  std::string w = r.wire();
  for (std::size_t i = 0; (i = w.find("\r\n", i)) != std::string::npos;) w.replace(i, 2, "|");
  return os << w;
}
inline std::ostream& operator<<(std::ostream& os, const Address& a) {
  return os << "Address{" << a.local << ", " << a.domain << (a.quoted ? ", quoted}" : "}");
}
inline std::ostream& operator<<(std::ostream& os, const std::optional<Address>& a) {
  if (!a) return os << "nullopt";
  return os << *a;
}
inline std::ostream& operator<<(std::ostream& os, BodyType b) { return os << static_cast<int>(b); }
inline std::ostream& operator<<(std::ostream& os, LineKind k) { return os << static_cast<int>(k); }
}  // namespace lmtp::protocol

namespace lmtp_test {

using namespace lmtp::protocol;

// Renders bytes readably: CR as \r, LF as \n, NUL as \0.
inline std::string show(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\0') out += "\\0";
    else out += c;
  }
  return out;
}

// Parses `line`; it must give a T.
template <class T>
T parse_as(std::string_view line) {
  ParseResult r = parse_command(line);
  if (!r.has_value()) BOOST_FAIL("parse failed for '" << show(line) << "': " << r.error().reply);
  const T* t = std::get_if<T>(&*r);
  if (t == nullptr) BOOST_FAIL("'" << show(line) << "' parsed as " << command_name(*r));
  return *t;
}

// Parses `line`; it must fail. Returns the error.
inline CommandError parse_error(std::string_view line) {
  ParseResult r = parse_command(line);
  if (r.has_value()) BOOST_FAIL("'" << show(line) << "' unexpectedly parsed as " << command_name(*r));
  return r.error();
}

// The reply code and enhanced code of a failing line, as "501 5.5.4": compact for tables of bad input.
inline std::string error_code(std::string_view line) {
  const CommandError e = parse_error(line);
  return std::to_string(e.reply.code) + " " + e.reply.enhanced;
}

// What a DATA stream decodes to.
struct Decoded {
  std::string message;
  bool done = false;
  bool too_big = false;
  std::uint64_t size = 0;
  std::string rest;  // the input after the terminator (the next pipelined commands)

  friend bool operator==(const Decoded&, const Decoded&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const Decoded& d) {
  return os << "{message '" << show(d.message) << "' done " << d.done << " too_big " << d.too_big << " size "
            << d.size << " rest '" << show(d.rest) << "'}";
}

// Feeds `pieces` in order through a LineReader (as a session buffers) and a DataDecoder.
inline Decoded decode_pieces(const std::vector<std::string_view>& pieces, std::uint64_t max = 1 << 20) {
  LineReader reader;
  DataDecoder d(max);
  Decoded out;
  for (std::string_view piece : pieces) {
    reader.feed(piece);
    if (d.done()) continue;
    const auto p = d.feed(reader.buffered(), out.message);
    BOOST_TEST(p.consumed <= reader.buffered().size());
    reader.consume(p.consumed);
    BOOST_TEST(p.done == d.done());
    // Before the end every octet is used; after it, none.
    if (!p.done) BOOST_TEST(reader.buffered().empty());
  }
  out.done = d.done();
  out.too_big = d.too_big();
  out.size = d.decoded_size();
  out.rest = std::string(reader.buffered());
  return out;
}

// Decodes `input` whole, split at every offset (two pieces), split at every pair of offsets for short inputs
// (three pieces), and byte by byte; all must agree. Returns the whole-input result.
inline Decoded decode_all_ways(std::string_view input, std::uint64_t max = 1 << 20) {
  const Decoded whole = decode_pieces({input}, max);
  for (std::size_t k = 0; k <= input.size(); ++k) {
    BOOST_TEST_INFO("split at " << k << " of '" << show(input) << "'");
    BOOST_TEST(decode_pieces({input.substr(0, k), input.substr(k)}, max) == whole);
  }
  if (input.size() <= 40) {
    for (std::size_t a = 0; a <= input.size(); ++a) {
      for (std::size_t b = a; b <= input.size(); ++b) {
        const Decoded d = decode_pieces({input.substr(0, a), input.substr(a, b - a), input.substr(b)}, max);
        if (!(d == whole)) BOOST_ERROR("splits " << a << "," << b << " of '" << show(input) << "': " << d);
      }
    }
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  BOOST_TEST(decode_pieces(bytes, max) == whole);
  return whole;
}

}  // namespace lmtp_test
