// LineReader (lmtp/protocol/line_reader.h): CRLF framing of pipelined commands, bare CR and LF kept in the line,
// over-long lines dropped whole with one too_long, and buffered()/consume() for DATA and BDAT. Every case runs whole,
// split at every offset and byte by byte.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "lmtp/protocol/limits.h"
#include "test/unit/lmtp/lmtp_test_util.h"

namespace {

using namespace lmtp_test;
using namespace std::literals;

// Feeds pieces and records "line <text>" / "too_long" per result, plus "rest <bytes>" for what stays buffered.
std::vector<std::string> frame(const std::vector<std::string_view>& pieces,
                               std::size_t max = kMaxPathCommandLineBytes) {
  LineReader reader(max);
  std::vector<std::string> events;
  for (std::string_view p : pieces) {
    reader.feed(p);
    for (LineResult r = reader.next(); r.kind != LineKind::need_more; r = reader.next()) {
      events.push_back(r.kind == LineKind::line ? "line " + show(r.line) : "too_long");
    }
  }
  events.push_back("rest " + show(reader.buffered()));
  return events;
}

void check_framing(std::string_view input, const std::vector<std::string>& expected,
                   std::size_t max = kMaxPathCommandLineBytes) {
  BOOST_TEST(frame({input}, max) == expected, boost::test_tools::per_element());
  for (std::size_t k = 0; k <= input.size(); ++k) {
    BOOST_TEST_INFO("split at " << k);
    BOOST_TEST(frame({input.substr(0, k), input.substr(k)}, max) == expected, boost::test_tools::per_element());
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  BOOST_TEST(frame(bytes, max) == expected, boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(line_reader)

BOOST_AUTO_TEST_CASE(pipelined_lines) {
  check_framing("LHLO x\r\n", {"line LHLO x", "rest "});
  check_framing("MAIL FROM:<>\r\nRCPT TO:<a@b>\r\nDATA\r\n",
                {"line MAIL FROM:<>", "line RCPT TO:<a@b>", "line DATA", "rest "});
  check_framing("NOOP\r\nQUI", {"line NOOP", "rest QUI"});
  check_framing("\r\n\r\n", {"line ", "line ", "rest "});
}

BOOST_AUTO_TEST_CASE(only_crlf_ends_a_line) {
  check_framing("NOOP a\nb\r\n", {"line NOOP a\\nb", "rest "});
  check_framing("NOOP a\rb\r\n", {"line NOOP a\\rb", "rest "});
  check_framing("NOOP\r\r\n", {"line NOOP\\r", "rest "});
  check_framing("NOOP\n", {"rest NOOP\\n"});
  check_framing("NOOP\n\r\n", {"line NOOP\\n", "rest "});
}

BOOST_AUTO_TEST_CASE(long_lines_are_dropped_whole) {
  // max 16 with CRLF: 14 octets of text fit.
  check_framing("12345678901234\r\nNOOP\r\n", {"line 12345678901234", "line NOOP", "rest "}, 16);
  check_framing("123456789012345\r\nNOOP\r\n", {"too_long", "line NOOP", "rest "}, 16);
  check_framing(std::string(100, 'x') + "\r\nNOOP\r\n", {"too_long", "line NOOP", "rest "}, 16);
  check_framing(std::string(100, 'x') + "\r" + std::string(10, 'y') + "\r\nA\r\n", {"too_long", "line A", "rest "},
                16);
  // Still dropping when the input ends: the rest is not kept (bounded memory), save a possible CR.
  check_framing(std::string(100, 'x'), {"rest "}, 16);
  check_framing(std::string(100, 'x') + "\r", {"rest \\r"}, 16);
  check_framing("12345678901234\r", {"rest 12345678901234\\r"}, 16);  // may still be a 14-octet line
  check_framing("123456789012345\r", {"rest \\r"}, 16);                // cannot: dropping, keeping the CR
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_while_dropping) {
  LineReader reader(64);
  for (int i = 0; i < 1000; ++i) {
    reader.feed(std::string(1000, 'x'));
    BOOST_TEST(reader.next().kind == LineKind::need_more);
    BOOST_TEST(reader.buffered().size() <= 1u);
  }
  reader.feed("\r\nNOOP\r\n");
  BOOST_TEST(reader.next().kind == LineKind::too_long);
  const LineResult r = reader.next();
  BOOST_TEST(r.kind == LineKind::line);
  BOOST_TEST(r.line == "NOOP");
}

BOOST_AUTO_TEST_CASE(buffered_and_consume_for_message_data) {
  LineReader reader;
  reader.feed("DATA\r\nSubject: x\r\n.\r\nQUIT\r\n");
  LineResult r = reader.next();
  BOOST_TEST(r.line == "DATA");
  BOOST_TEST(reader.buffered() == "Subject: x\r\n.\r\nQUIT\r\n");
  DataDecoder d(1000);
  std::string out;
  const auto p = d.feed(reader.buffered(), out);
  BOOST_TEST(p.done);
  reader.consume(p.consumed);
  BOOST_TEST(out == "Subject: x\r\n");
  r = reader.next();
  BOOST_TEST(r.kind == LineKind::line);
  BOOST_TEST(r.line == "QUIT");
  BOOST_TEST(reader.next().kind == LineKind::need_more);
}

BOOST_AUTO_TEST_CASE(consume_restarts_the_line_search) {
  // A partial scan of "abc\r" followed by consume(): the next line starts after the consumed octets.
  LineReader reader;
  reader.feed("abc\r");
  BOOST_TEST(reader.next().kind == LineKind::need_more);
  reader.consume(4);
  reader.feed("\nNOOP\r\n");
  const LineResult r = reader.next();
  BOOST_TEST(r.kind == LineKind::line);
  BOOST_TEST(show(r.line) == "\\nNOOP");
}

BOOST_AUTO_TEST_CASE(bdat_chunk_then_commands) {
  LineReader reader;
  reader.feed("BDAT 5 LAST\r\nab\r\ncQUIT\r\n");
  BOOST_TEST(reader.next().line == "BDAT 5 LAST");
  ChunkReader chunk(5);
  const std::string_view piece = chunk.take(reader.buffered());
  BOOST_TEST(piece == "ab\r\nc");
  reader.consume(piece.size());
  BOOST_TEST(chunk.done());
  BOOST_TEST(reader.next().line == "QUIT");
}

BOOST_AUTO_TEST_SUITE_END()
