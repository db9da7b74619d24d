// CommandReader (imap/syntax/command_reader.h): framing of commands, synchronizing and non-synchronizing literals,
// literal8, APPEND bodies streamed out of band, raw lines, malformed input and the limits. Every case runs whole,
// split at every offset and byte by byte (imap_test_util.h).
#include <boost/test/unit_test.hpp>

#include <string>

#include "imap/syntax/limits.h"
#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;
using imap::syntax::kMaxInlineLiteral;
using imap::syntax::kMaxLineBytes;
using namespace std::literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(command_reader)

BOOST_AUTO_TEST_CASE(simple_and_pipelined_commands) {
  check_framing("a1 NOOP\r\n", {"cmd a1 a1 NOOP"});
  check_framing("a1 NOOP\r\na2 CAPABILITY\r\nA3 LOGOUT\r\n",
                {"cmd a1 a1 NOOP", "cmd a2 a2 CAPABILITY", "cmd A3 A3 LOGOUT"});
  check_framing("a1\r\n", {"cmd a1 a1"});  // a tag alone frames; the parser reports the missing command
  check_framing("a1 NO\rOP\r\n", {"cmd a1 a1 NO\\rOP"});  // a lone CR is the parser's problem
  check_framing("a1 X {}\r\na2 X {+}\r\n", {"cmd a1 a1 X {}", "cmd a2 a2 X {+}"});  // not literals
}

BOOST_AUTO_TEST_CASE(incomplete_input_gives_nothing) {
  check_framing("a1 NOOP", {});
  check_framing("a1 LOGIN {3}\r\nbo", {"sync a1 3"});
}

BOOST_AUTO_TEST_CASE(synchronizing_literals_are_inlined) {
  check_framing("a1 LOGIN {3}\r\nbob {4}\r\npass\r\n",
                {"sync a1 3", "sync a1 4", "cmd a1 a1 LOGIN {3}\\r\\nbob {4}\\r\\npass"});
  // The literal's bytes are not scanned: CRLF and a brace count inside it are data.
  check_framing("a1 LOGIN {7}\r\nab\r\n{1} x\r\n", {"sync a1 7", "cmd a1 a1 LOGIN {7}\\r\\nab\\r\\n{1} x"});
  check_framing("a1 LOGIN {0}\r\n {0}\r\n\r\n", {"sync a1 0", "sync a1 0", "cmd a1 a1 LOGIN {0}\\r\\n {0}\\r\\n"});
}

BOOST_AUTO_TEST_CASE(non_synchronizing_literals_rfc7888) {
  // RFC 7888 §3 example.
  check_framing("A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n",
                {"sync A001 11+", "sync A001 7+", "cmd A001 A001 LOGIN {11+}\\r\\nFRED FOOBAR {7+}\\r\\nfat man"});
}

BOOST_AUTO_TEST_CASE(literal8_is_framed_and_left_to_the_parser) {
  check_framing("a1 SEARCH TEXT ~{3}\r\nx\0y\r\n"sv, {"sync a1 ~3", "cmd a1 a1 SEARCH TEXT ~{3}\\r\\nx\\0y"});
  check_framing("a1 SEARCH TEXT ~{3+}\r\nabc\r\n", {"sync a1 ~3+", "cmd a1 a1 SEARCH TEXT ~{3+}\\r\\nabc"});
}

BOOST_AUTO_TEST_CASE(append_body_is_streamed_not_inlined) {
  check_framing("a1 APPEND INBOX (\\Seen) {5}\r\nhello\r\n",
                {"append a1 5", "body hello", "cmd a1 a1 APPEND INBOX (\\Seen) {5}\\r\\n"});
  check_framing("a1 append inbox {2}\r\nhi\r\na2 NOOP\r\n",
                {"append a1 2", "body hi", "cmd a1 a1 append inbox {2}\\r\\n", "cmd a2 a2 NOOP"});
  // The body may contain anything, including CRLF, NUL and what looks like a command or a literal.
  check_framing("a1 APPEND INBOX {13}\r\na2 NOOP\r\n{1}\0\r\n"sv,
                {"append a1 13", "body a2 NOOP\\r\\n{1}\\0", "cmd a1 a1 APPEND INBOX {13}\\r\\n"});
}

BOOST_AUTO_TEST_CASE(multiappend_with_literal_plus_and_literal8) {
  check_framing("a1 APPEND INBOX {3+}\r\nabc (\\Draft) \"05-Jan-2024 10:00:00 +0100\" ~{4}\r\nx\0yz\r\n"sv,
                {"append a1 3+", "body abc", "append a1 ~4", "body x\\0yz",
                 "cmd a1 a1 APPEND INBOX {3+}\\r\\n (\\Draft) \"05-Jan-2024 10:00:00 +0100\" ~{4}\\r\\n"});
  check_framing("a1 APPEND INBOX UTF8 (~{2}\r\nhi)\r\n",
                {"append a1 ~2", "body hi", "cmd a1 a1 APPEND INBOX UTF8 (~{2}\\r\\n)"});
}

BOOST_AUTO_TEST_CASE(append_mailbox_literal_is_inlined) {
  check_framing("a1 APPEND {6}\r\nDrafts {3}\r\nabc\r\n",
                {"sync a1 6", "append a1 3", "body abc", "cmd a1 a1 APPEND {6}\\r\\nDrafts {3}\\r\\n"});
  check_framing("a1 APPEND {6+}\r\nDrafts {0}\r\n\r\n",
                {"sync a1 6+", "append a1 0", "body ", "cmd a1 a1 APPEND {6+}\\r\\nDrafts {0}\\r\\n"});
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_bad_and_reading_goes_on) {
  check_framing("a1 NOOP\na2 NOOP\r\n", {"bad a1 bare LF", "cmd a2 a2 NOOP"});
  check_framing("a1 NO\0OP\r\na2 NOOP\r\n"sv, {"bad a1 NUL in command", "cmd a2 a2 NOOP"});
  check_framing("\r\na2 NOOP\r\n", {"bad  missing or invalid tag", "cmd a2 a2 NOOP"});
  check_framing(" NOOP\r\n", {"bad  missing or invalid tag"});
  check_framing("a+1 NOOP\r\n", {"bad  missing or invalid tag"});
  check_framing("a(1 NOOP\r\n", {"bad  missing or invalid tag"});
  check_framing("{3}\r\n", {"bad  missing or invalid tag"});  // no tag: the literal is not offered
  // A bad line that announced a {n+} literal: its bytes are skipped, not read as a command.
  check_framing("a1 LOGIN \0 {9+}\r\na9 LOGOUT\r\na2 NOOP\r\n"sv,
                {"bad a1 NUL in command", "cmd a2 a2 NOOP"});
}

BOOST_AUTO_TEST_CASE(raw_lines_for_idle_and_authenticate) {
  check_framing("a1 IDLE\r\nDONE\r\na2 NOOP\r\n", {"cmd a1 a1 IDLE", "line DONE", "cmd a2 a2 NOOP"});
  // SASL responses are base64 ('+' is not a tag character) and may be empty; braces mean nothing in them.
  check_framing("a1 AUTHENTICATE PLAIN\r\nAGJvYgBw+XNz{5}\r\n", {"cmd a1 a1 AUTHENTICATE PLAIN",
                                                                 "line AGJvYgBw+XNz{5}"});
  check_framing("a1 AUTHENTICATE PLAIN\r\n\r\n", {"cmd a1 a1 AUTHENTICATE PLAIN", "line "});
  check_framing("a1 IDLE\r\nDONE\n", {"cmd a1 a1 IDLE", "bad  bare LF"});
  // A too-long raw line is skipped to its LF; a brace count at its end means nothing.
  check_framing("a1 AUTHENTICATE PLAIN\r\n" + std::string(kMaxLineBytes, 'A') + "{2+}\r\na2 NOOP\r\n",
                {"cmd a1 a1 AUTHENTICATE PLAIN", "too_long  line too long r", "cmd a2 a2 NOOP"});
}

BOOST_AUTO_TEST_CASE(rejected_literals_drop_the_rest_of_the_command) {
  check_framing("a1 LOGIN {3}\r\na2 NOOP\r\n", {"sync a1 3", "cmd a2 a2 NOOP"}, Policy::reject);
  // Non-synchronizing: the client sends the bytes anyway; they and the following {n+} literal are skipped.
  check_framing("a1 LOGIN {3+}\r\nbob {4+}\r\npass\r\na2 NOOP\r\n", {"sync a1 3+", "cmd a2 a2 NOOP"},
                Policy::reject);
  check_framing("a1 APPEND INBOX {3+}\r\nabc {3+}\r\ndef\r\na2 NOOP\r\n", {"append a1 3+", "cmd a2 a2 NOOP"},
                Policy::reject);
  // A synchronizing literal later in the skipped command ends it: the client waits for a "+" that never comes.
  check_framing("a1 APPEND INBOX {3+}\r\nabc {3}\r\na2 NOOP\r\n", {"append a1 3+", "cmd a2 a2 NOOP"},
                Policy::reject);
}

BOOST_AUTO_TEST_CASE(line_too_long_is_recoverable) {
  const std::string long_line = "a1 SEARCH " + std::string(kMaxLineBytes, 'x') + "\r\na2 NOOP\r\n";
  check_framing(long_line, {"too_long a1 line too long r", "cmd a2 a2 NOOP"});
  // Exactly at the limit (CR included) is fine.
  const std::string at_limit = "a1 X " + std::string(kMaxLineBytes - 6, 'y') + "\r\n";
  Driver d;
  d.feed(at_limit);
  BOOST_TEST(d.events().size() == 1u);
  BOOST_TEST(d.events()[0].starts_with("cmd a1 a1 X yyy"));
  // The tag is unknown when no SP came before the limit.
  check_framing(std::string(kMaxLineBytes + 1, 'z') + "\r\na2 NOOP\r\n", {"too_long  line too long r",
                                                                         "cmd a2 a2 NOOP"});
}

BOOST_AUTO_TEST_CASE(line_too_long_resynchronises_after_literals) {
  // The skipped line ends in {5+}: those 5 bytes (which look like a command) and the rest of the line are skipped.
  const std::string input = "a1 SEARCH " + std::string(kMaxLineBytes, 'x') +
                            " {5+}\r\na9 X\n rest\r\na2 NOOP\r\n";
  check_framing(input, {"too_long a1 line too long r", "cmd a2 a2 NOOP"});
  // A too-long line after an inline literal.
  const std::string after = "a1 LOGIN {1}\r\nb " + std::string(kMaxLineBytes, 'p') + "\r\na2 NOOP\r\n";
  check_framing(after, {"sync a1 1", "too_long a1 line too long r", "cmd a2 a2 NOOP"});
}

BOOST_AUTO_TEST_CASE(inline_literal_too_large) {
  // Synchronizing: refused before the client sends anything.
  check_framing("a1 LOGIN {" + std::to_string(kMaxInlineLiteral + 1) + "}\r\na2 NOOP\r\n",
                {"too_long a1 literal too large r", "cmd a2 a2 NOOP"});
  // Non-synchronizing: the bytes are on their way and are skipped.
  const std::size_t n = kMaxInlineLiteral + 1;
  check_framing("a1 LOGIN {" + std::to_string(n) + "+}\r\n" + std::string(n, 'q') + " x\r\na2 NOOP\r\n",
                {"too_long a1 literal too large r", "cmd a2 a2 NOOP"});
  // The limit is per command: two literals that each fit but not together.
  const std::size_t half = kMaxInlineLiteral / 2 + 1;
  check_framing("a1 LOGIN {" + std::to_string(half) + "}\r\n" + std::string(half, 'u') + " {" +
                    std::to_string(half) + "}\r\na2 NOOP\r\n",
                {"sync a1 " + std::to_string(half), "too_long a1 literal too large r", "cmd a2 a2 NOOP"});
  // Exactly the limit is fine; APPEND bodies do not count against it.
  Driver d;
  d.feed("a1 LOGIN {" + std::to_string(kMaxInlineLiteral) + "}\r\n" + std::string(kMaxInlineLiteral, 'v') +
         " x\r\n");
  BOOST_TEST(d.events().size() == 2u);
  BOOST_TEST(d.events().back().starts_with("cmd a1"));
  check_framing("a1 APPEND INBOX {" + std::to_string(n) + "}\r\n" + std::string(n, 'w') + "\r\n",
                {"append a1 " + std::to_string(n), "body " + std::string(n, 'w'),
                 "cmd a1 a1 APPEND INBOX {" + std::to_string(n) + "}\\r\\n"});
}

BOOST_AUTO_TEST_CASE(literal_count_with_too_many_digits) {
  check_framing("a1 LOGIN {12345678901}\r\na2 NOOP\r\n", {"too_long a1 literal size too large r", "cmd a2 a2 NOOP"});
  // {n+} with an unknowable size: the stream cannot be resynchronised.
  check_framing("a1 LOGIN {12345678901+}\r\nfoo\r\na2 NOOP\r\n", {"too_long a1 literal size too large u"});
  // Found while skipping a too-long line: fatal.
  check_framing("a1 X " + std::string(kMaxLineBytes, 'x') + " {123456789012345+}\r\nfoo\r\n",
                {"too_long a1 line too long r", "fatal literal size too large"});
  // Ten digits is the maximum.
  check_framing("a1 LOGIN {0000000003}\r\nbob x\r\n", {"sync a1 3", "cmd a1 a1 LOGIN {0000000003}\\r\\nbob x"});
}

BOOST_AUTO_TEST_CASE(views_survive_feed_until_next) {
  CommandReader r;
  r.feed("a1 NOOP\r\na2 ");
  ReadResult first = r.next();
  BOOST_TEST(first.kind == ReadKind::command);
  for (int i = 0; i < 1000; ++i) r.feed("CAPABILITY CAPABILITY CAPABILITY ");  // grows and reallocates the input
  BOOST_TEST(first.line == "a1 NOOP");
  BOOST_TEST(first.tag == "a1");
}

BOOST_AUTO_TEST_CASE(append_contract) {
  CommandReader r;
  r.feed("a1 APPEND Drafts (\\Seen) {10}\r\n0123");
  ReadResult a = r.next();
  BOOST_TEST(a.kind == ReadKind::append_literal);
  BOOST_TEST(a.literal_size == 10u);
  BOOST_TEST(!a.non_sync);
  // Until decided, next() repeats the announcement and nothing can be taken.
  BOOST_TEST(r.next().kind == ReadKind::append_literal);
  BOOST_TEST(r.literal_remaining() == 0u);
  BOOST_TEST(r.take_literal(100).empty());
  // The line so far parses as the APPEND, so the session can check the mailbox before "+ go ahead".
  Parser p;
  auto head = p.parse(r.pending_line());
  BOOST_REQUIRE(head.has_value());
  BOOST_TEST(std::get<Append>(head->body).mailbox == "Drafts");
  BOOST_TEST(std::get<Append>(head->body).messages.at(0).size == 10u);
  r.continue_literal();
  BOOST_TEST(r.literal_remaining() == 10u);
  BOOST_TEST(base::as_chars(r.take_literal(3)) == "012");
  BOOST_TEST(base::as_chars(r.take_literal(100)) == "3");
  BOOST_TEST(r.take_literal(100).empty());
  r.feed("456789\r\na2 NOOP\r\n");
  BOOST_TEST(base::as_chars(r.take_literal(100)) == "456789");
  BOOST_TEST(r.literal_remaining() == 0u);
  ReadResult done = r.next();
  BOOST_TEST(done.kind == ReadKind::command);
  BOOST_TEST(done.line == "a1 APPEND Drafts (\\Seen) {10}\r\n");
  BOOST_TEST(r.next().line == "a2 NOOP");
  // Decisions outside a literal are ignored.
  r.continue_literal();
  r.reject_literal();
  BOOST_TEST(r.next().kind == ReadKind::need_more);
}

BOOST_AUTO_TEST_CASE(next_during_an_untaken_append_body_is_fatal) {
  CommandReader r;
  r.feed("a1 APPEND INBOX {5}\r\nhello\r\n");
  BOOST_TEST(r.next().kind == ReadKind::append_literal);
  r.continue_literal();
  BOOST_TEST(r.next().kind == ReadKind::fatal);
  BOOST_TEST(r.next().kind == ReadKind::fatal);  // and stays so
}

BOOST_AUTO_TEST_SUITE_END()
