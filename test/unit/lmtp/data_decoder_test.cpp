// DataDecoder and ChunkReader (lmtp/protocol/data_decoder.h): the end of DATA, dot-unstuffing, bare CR and LF,
// the empty message, the size bound, and the pipelined rest. Every case is decoded whole, split at every offset (and
// at every pair of offsets when short), and byte by byte; and random inputs are checked against a reference.
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

#include "test/unit/lmtp/lmtp_test_util.h"

namespace {

using namespace lmtp_test;
using namespace std::literals;

// The reference (the fuzz target has the same one): find the first line that is exactly ".", where lines are
// delimited by CRLF only and the data starts at a line start; then drop the first "." of every other line.
Decoded reference(std::string_view in, std::uint64_t max) {
  Decoded d;
  const std::string framed = "\r\n" + std::string(in);
  const std::size_t end = framed.find("\r\n.\r\n");
  const std::string_view body =
      end == std::string::npos ? std::string_view(framed).substr(2) : std::string_view(framed).substr(2, end);
  // body: whole lines, each ending in CRLF (when done), except a last partial line when not done.
  std::string message;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find("\r\n", pos);
    const std::size_t next = eol == std::string_view::npos ? body.size() : eol + 2;
    std::string_view line = body.substr(pos, next - pos);
    if (line.starts_with('.')) line.remove_prefix(1);
    message += line;
    pos = next;
  }
  d.done = end != std::string::npos;
  // Unfinished, the decoder holds back a "." that starts the last line, and a CR right after it: the reference
  // drops the dot as unstuffing would, and must not show the CR either.
  if (!d.done && framed.ends_with("\r\n.\r")) message.pop_back();
  d.size = message.size();
  d.too_big = message.size() > max;
  d.message = d.too_big ? message.substr(0, max) : message;
  d.rest = d.done ? std::string(in.substr(end + 3)) : "";
  return d;
}

// Expected message and rest for a complete input.
void check(std::string_view input, std::string_view message, std::string_view rest = "") {
  const Decoded d = decode_all_ways(input);
  BOOST_TEST(d.done);
  BOOST_TEST(show(d.message) == show(message));
  BOOST_TEST(show(d.rest) == show(rest));
  BOOST_TEST(d.size == message.size());
  BOOST_TEST(!d.too_big);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_decoder)

BOOST_AUTO_TEST_CASE(simple_messages) {
  check("Subject: x\r\n\r\nbody\r\n.\r\n", "Subject: x\r\n\r\nbody\r\n");
  check("a\r\n.\r\n", "a\r\n");
  check("\r\n.\r\n", "\r\n");  // one empty line
  check("a\r\nb\r\n\r\nc\r\n.\r\n", "a\r\nb\r\n\r\nc\r\n");
}

BOOST_AUTO_TEST_CASE(empty_message) {
  // The CRLF before "." is the DATA command's own (RFC 5321 §4.1.1.4).
  check(".\r\n", "");
  check(".\r\nQUIT\r\n", "", "QUIT\r\n");
}

BOOST_AUTO_TEST_CASE(pipelined_commands_after_the_message) {
  check("a\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<b@c>\r\n", "a\r\n", "MAIL FROM:<>\r\nRCPT TO:<b@c>\r\n");
  check("a\r\n.\r\n.\r\n", "a\r\n", ".\r\n");  // the second "." line is the next command, not ours
}

BOOST_AUTO_TEST_CASE(dot_unstuffing) {
  check("..\r\n.\r\n", ".\r\n");
  check("...\r\n.\r\n", "..\r\n");
  check("..foo\r\n.\r\n", ".foo\r\n");
  check("a\r\n..b\r\n.\r\n", "a\r\n.b\r\n");
  check("a\r\n..\r\n..\r\n.\r\n", "a\r\n.\r\n.\r\n");
  check("a.\r\n.\r\n", "a.\r\n");               // a dot that does not start a line stays
  check("a\r\nb..\r\n.\r\n", "a\r\nb..\r\n");
  check(".x\r\n.\r\n", "x\r\n");                // a client that forgot to stuff loses the dot (§4.5.2)
  check(". \r\n.\r\n", " \r\n");
}

BOOST_AUTO_TEST_CASE(bare_lf_and_cr_are_content) {
  // Only CRLF.CRLF ends the data; "\n.\n" MUST NOT (RFC 5321 §4.1.1.4), and a bare LF starts no line.
  check("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n");
  check("a\n..\nb\r\n.\r\n", "a\n..\nb\r\n");
  check("a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n");   // line ".\nb": its dot is removed, the LF kept
  check("a\n.\r\n.\r\n", "a\n.\r\n");            // "." after a bare LF is not at a line start
  check("a\r.\r\n.\r\n", "a\r.\r\n");
  check(".\r.\r\n.\r\n", "\r.\r\n");             // line ".\r.": its dot is removed
  check(".\r\r\n.\r\n", "\r\r\n");
  check("a\r\r\n.\r\n", "a\r\r\n");
  check("\n.\r\n.\r\n", "\n.\r\n");
  check("a\r\n.\r\r\n.\r\n", "a\r\n\r\r\n");
  check("a\r\n.\n\r\n.\r\n", "a\r\n\n\r\n");
}

BOOST_AUTO_TEST_CASE(incomplete_data) {
  Decoded d = decode_all_ways("abc\r\n.");
  BOOST_TEST(!d.done);
  BOOST_TEST(d.message == "abc\r\n");  // the dot is held back until the octet after it is known
  d = decode_all_ways("abc\r\n.\r");
  BOOST_TEST(!d.done);
  BOOST_TEST(d.message == "abc\r\n");
  d = decode_all_ways("abc.\r\n");  // no CRLF before the dot: not the end
  BOOST_TEST(!d.done);
  BOOST_TEST(d.message == "abc.\r\n");
  d = decode_all_ways("abc\n.\n");
  BOOST_TEST(!d.done);
  BOOST_TEST(show(d.message) == show("abc\n.\n"));
  d = decode_all_ways("");
  BOOST_TEST(!d.done);
  BOOST_TEST(d.message.empty());
  // A line not ending in CRLF before the terminator is part of the message line: "abc.\r\n.\r\n".
  check("abc.\r\n.\r\n", "abc.\r\n");
}

BOOST_AUTO_TEST_CASE(size_limit) {
  const std::string input = "0123456789\r\n.\r\nQUIT\r\n";
  Decoded d = decode_all_ways(input, 12);  // exactly the limit
  BOOST_TEST(d.done);
  BOOST_TEST(!d.too_big);
  BOOST_TEST(d.message == "0123456789\r\n");
  d = decode_all_ways(input, 11);
  BOOST_TEST(d.done);  // decoding goes on to the terminator, so the session stays in step
  BOOST_TEST(d.too_big);
  BOOST_TEST(d.size == 12u);
  BOOST_TEST(d.message == "0123456789\r");  // out holds at most max octets
  BOOST_TEST(d.rest == "QUIT\r\n");
  d = decode_all_ways("..\r\n..\r\n.\r\n", 6);  // removed dots do not count (RFC 1870)
  BOOST_TEST(!d.too_big);
  BOOST_TEST(d.size == 6u);
  d = decode_all_ways("..\r\n..\r\n.\r\n", 0);
  BOOST_TEST(d.too_big);
  BOOST_TEST(d.message.empty());
  d = decode_all_ways(".\r\n", 0);  // the empty message fits any limit
  BOOST_TEST(!d.too_big);
}

BOOST_AUTO_TEST_CASE(nothing_is_consumed_after_the_end) {
  DataDecoder d(100);
  std::string out;
  auto p = d.feed("a\r\n.\r\nb", out);
  BOOST_TEST(p.done);
  BOOST_TEST(p.consumed == 6u);
  p = d.feed("more\r\n.\r\n", out);
  BOOST_TEST(p.done);
  BOOST_TEST(p.consumed == 0u);
  BOOST_TEST(out == "a\r\n");
}

BOOST_AUTO_TEST_CASE(large_message_in_socket_sized_pieces) {
  std::string message;
  for (int i = 0; i < 20000; ++i) message += (i % 7 == 0 ? ".line " : "line ") + std::to_string(i) + "\r\n";
  std::string wire;
  std::string expected;
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t eol = message.find("\r\n", pos) + 2;
    const std::string_view line = std::string_view(message).substr(pos, eol - pos);
    if (line.starts_with('.')) wire += '.';  // stuff, as a client does
    wire += line;
    expected += line;
    pos = eol;
  }
  wire += ".\r\nQUIT\r\n";
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < wire.size(); i += 4093) pieces.push_back(std::string_view(wire).substr(i, 4093));
  const Decoded d = decode_pieces(pieces, 1 << 30);
  BOOST_TEST(d.done);
  BOOST_TEST(d.message == expected);
  BOOST_TEST(d.rest == "QUIT\r\n");
}

BOOST_AUTO_TEST_CASE(random_inputs_match_the_reference) {
  // Inputs over an alphabet that makes terminators, stuffing and bare CR/LF frequent.
  std::mt19937 rng(2033);
  const std::string alphabet = "\r\n.a";
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    const int n = static_cast<int>(rng() % 24);
    for (int i = 0; i < n; ++i) input += alphabet[rng() % alphabet.size()];
    const std::uint64_t max = rng() % 4 == 0 ? rng() % 8 : 1 << 20;
    BOOST_TEST_INFO("input '" << show(input) << "' max " << max);
    BOOST_TEST(decode_pieces({input}, max) == reference(input, max));
    // And in random pieces.
    std::vector<std::string_view> pieces;
    for (std::size_t pos = 0; pos < input.size();) {
      const std::size_t len = std::min<std::size_t>(1 + rng() % 5, input.size() - pos);
      pieces.push_back(std::string_view(input).substr(pos, len));
      pos += len;
    }
    BOOST_TEST(decode_pieces(pieces, max) == reference(input, max));
  }
}

BOOST_AUTO_TEST_CASE(chunk_reader) {
  ChunkReader c(5);
  BOOST_TEST(!c.done());
  BOOST_TEST(c.take("ab") == "ab");
  BOOST_TEST(c.remaining() == 3u);
  BOOST_TEST(c.take("") == "");
  BOOST_TEST(c.take("cdefg") == "cde");
  BOOST_TEST(c.done());
  BOOST_TEST(c.take("xyz") == "");
  ChunkReader zero(0);
  BOOST_TEST(zero.done());
  BOOST_TEST(zero.take("abc") == "");
  ChunkReader huge(UINT64_MAX);
  BOOST_TEST(huge.take("abc") == "abc");
  BOOST_TEST(huge.remaining() == UINT64_MAX - 3);
}

BOOST_AUTO_TEST_SUITE_END()
