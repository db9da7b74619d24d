// XPASSWORD (Sealbox's experimental password change, docs/cli.md): two astrings, the old and the new password,
// in any of the three string forms, with every byte a password may hold; anything else is BAD with the tag kept.
#include <boost/test/unit_test.hpp>

#include <string>

#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;

}  // namespace

BOOST_AUTO_TEST_SUITE(xpassword_parser)

BOOST_AUTO_TEST_CASE(atoms_quoted_and_literals) {
  auto x = parse_as<XPassword>("a1 XPASSWORD old-secret new-secret\r\n");
  BOOST_TEST(x->old_password == "old-secret");
  BOOST_TEST(x->new_password == "new-secret");
  BOOST_TEST(x.command().name() == "XPASSWORD");
  BOOST_TEST(x.command().tag == "a1");
  // The command name is case-insensitive like every other.
  BOOST_TEST(as<XPassword>(parse_wire("a2 xPassword a b\r\n")).new_password == "b");
  // Quoted strings: escapes removed, spaces and 8-bit UTF-8 kept.
  const auto q = parse_wire("a3 XPASSWORD \"old \\\"pw\\\\\" \"n\xC3\xA9w p\xC3\xA4ss\"\r\n");
  BOOST_TEST(as<XPassword>(q).old_password == "old \"pw\\");
  BOOST_TEST(as<XPassword>(q).new_password == "n\xC3\xA9w p\xC3\xA4ss");
  // Literals and LITERAL+: the bytes as sent, CR and LF included (the policy, not the parser, refuses those).
  const auto lit = parse_wire("a4 XPASSWORD {3}\r\nold {5+}\r\nn\r\new\r\n");
  BOOST_TEST(as<XPassword>(lit).old_password == "old");
  BOOST_TEST(as<XPassword>(lit).new_password == "n\r\new");
  // Empty strings parse (the policy answers them: NO [CANNOT] for a new one).
  const auto empty = parse_wire("a5 XPASSWORD \"\" {0}\r\n\r\n");
  BOOST_TEST(as<XPassword>(empty).old_password == "");
  BOOST_TEST(as<XPassword>(empty).new_password == "");
  // A copy owns its bytes: the views survive the original's parser.
  const auto copy = parse_wire("a6 XPASSWORD \"o\\\\ld\" pw\r\n");
  const auto owned = copy->to_owned();
  BOOST_TEST(as<XPassword>(owned).old_password == "o\\ld");
  BOOST_TEST(as<XPassword>(owned).new_password == "pw");
}

BOOST_AUTO_TEST_CASE(malformed_is_bad_with_the_tag) {
  BOOST_TEST(parse_error("a1 XPASSWORD\r\n", "a1") == "expected SP after XPASSWORD");
  BOOST_TEST(parse_error("a1 XPASSWORD \r\n", "a1") == "expected old password");
  BOOST_TEST(parse_error("a1 XPASSWORD onlyone\r\n", "a1") == "expected SP after old password");
  BOOST_TEST(parse_error("a1 XPASSWORD old \r\n", "a1") == "expected new password");
  BOOST_TEST(parse_error("a1 XPASSWORD a b c\r\n", "a1") == "unexpected characters after new password");
  BOOST_TEST(parse_error("a1 XPASSWORD a  b\r\n", "a1") == "expected new password");  // exactly one SP
  BOOST_TEST(parse_error("a1 XPASSWORD (a) b\r\n", "a1") == "expected old password");
  BOOST_TEST(parse_error("a1 XPASSWORD \"a b\r\n", "a1") == "unterminated quoted old password");
  BOOST_TEST(parse_error("a1 XPASSWORD a \"b\\x\"\r\n", "a1") == "invalid escape in quoted new password");
}

BOOST_AUTO_TEST_SUITE_END()
