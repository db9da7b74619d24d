// Parser errors: every failure is Errc::bad_syntax with a short client-safe detail, and the tag survives so the
// session can answer "tag BAD <detail>". Also the string rules (quoted escapes, 8-bit, NUL, CR/LF) and limits.
#include <boost/test/unit_test.hpp>

#include <string>

#include "imap/syntax/limits.h"
#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;
using namespace std::literals;
using imap::syntax::kMaxNesting;

}  // namespace

BOOST_AUTO_TEST_SUITE(parser_errors)

BOOST_AUTO_TEST_CASE(structure) {
  BOOST_TEST(parse_error("a1\r\n", "a1") == "missing command");
  BOOST_TEST(parse_error("a1 \r\n", "a1") == "expected command name");
  BOOST_TEST(parse_error("a1  NOOP\r\n", "a1") == "expected command name");  // exactly one SP
  BOOST_TEST(parse_error("a1 NOOP \r\n", "a1") == "unexpected characters after NOOP");
  BOOST_TEST(parse_error("a1 NOOP x\r\n", "a1") == "unexpected characters after NOOP");
  BOOST_TEST(parse_error("a1 CAPABILITY(\r\n", "a1") == "unexpected characters after CAPABILITY");
  BOOST_TEST(parse_error("a1 UID\r\n", "a1") == "expected SP after UID");
  BOOST_TEST(parse_error("a1 UID FETCH\r\n", "a1") == "expected SP after FETCH");
  BOOST_TEST(parse_error("a1 LOGIN fred\r\n", "a1") == "expected SP after user name");
  BOOST_TEST(parse_error("a1 LOGIN fred pass word\r\n", "a1") == "unexpected characters after password");
  BOOST_TEST(parse_error("a1 SELECT\r\n", "a1") == "expected SP after SELECT");
  BOOST_TEST(parse_error("a1 SELECT \r\n", "a1") == "expected mailbox");
  BOOST_TEST(parse_error("a1 COPY 1 \r\n", "a1") == "expected mailbox");
  BOOST_TEST(parse_error("a1 COPY x y\r\n", "a1") == "expected sequence set");
}

BOOST_AUTO_TEST_CASE(strings) {
  BOOST_TEST(parse_error("a1 LOGIN \"fred pass\r\n", "a1") == "unterminated quoted user name");
  BOOST_TEST(parse_error("a1 LOGIN \"fr\\ed\" x\r\n", "a1") == "invalid escape in quoted user name");
  BOOST_TEST(parse_error("a1 LOGIN \"fr\xFF\" x\r\n", "a1") == "invalid UTF-8 in quoted user name");
  BOOST_TEST(parse_error("a1 LOGIN \"fr\xC0\xAF\" x\r\n", "a1") == "invalid UTF-8 in quoted user name");  // overlong
  BOOST_TEST(parse_error("a1 LOGIN \"a\rb\" x\r\n", "a1") == "invalid character in quoted user name");
  BOOST_TEST(parse_error("a1 LOGIN fr\xC3\xA4 x\r\n", "a1") == "expected SP after user name");  // atoms are 7-bit
  BOOST_TEST(parse_error("a1 LOGIN {3}\r\na\0b x\r\n"sv, "a1") == "NUL in literal user name");
  BOOST_TEST(parse_error("a1 LOGIN ~{3}\r\nabc x\r\n", "a1") == "literal8 not allowed in user name");
}

BOOST_AUTO_TEST_CASE(direct_parse_of_malformed_lines) {
  // Lines that the reader would never produce, given to the parser directly (a fuzz target does the same).
  Parser p;
  auto r = p.parse("a1 LOGIN {10}\r\nab");
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().detail == "truncated literal");
  r = p.parse("a1 LOGIN {3}ab");
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().detail == "expected CRLF after literal size");
  r = p.parse("a1 LOGIN {99999999999}\r\n");
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().detail == "invalid literal size");
  r = p.parse("");
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().detail == "missing or invalid tag");
  BOOST_TEST(Parser::tag_of("") == "");
  r = p.parse("a1 APPEND INBOX {3}\r\nabc");  // APPEND data is never inline
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().detail == "expected SP after message");
}

BOOST_AUTO_TEST_CASE(details_are_short_and_printable) {
  const std::string junk = "a1 FETCH 1 X" + std::string(100, 'Y') + "\r\n";
  const std::string detail = parse_error(junk, "a1");
  BOOST_TEST(detail.size() < 60u);
  BOOST_TEST(detail.starts_with("unknown FETCH item XYYY"));
  BOOST_TEST(parse_error("a1 STATUS x (M\xC3\xA4)\r\n", "a1") == "unknown STATUS item M");
  BOOST_TEST(parse_error("a1 SEARCH SEEN_\x7F\r\n", "a1") == "unknown SEARCH key SEEN_");
}

BOOST_AUTO_TEST_CASE(nesting_limit_everywhere) {
  std::string deep;
  for (int i = 0; i <= kMaxNesting; ++i) deep += "(";
  deep += "1";
  for (int i = 0; i <= kMaxNesting; ++i) deep += ")";
  BOOST_TEST(parse_error("a1 SELECT x (X-P " + deep + ")\r\n", "a1") == "nesting too deep");
  BOOST_TEST(parse_error("a1 CREATE x (X-P " + deep + ")\r\n", "a1") == "nesting too deep");
  // Just within the limit (the select-params list itself is not counted).
  std::string ok;
  for (int i = 0; i < kMaxNesting; ++i) ok += "(";
  ok += "1";
  for (int i = 0; i < kMaxNesting; ++i) ok += ")";
  BOOST_TEST(parse_as<Select>("a1 SELECT x (X-P " + ok + ")\r\n")->other_params.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
