// Modified UTF-7 (imap/syntax/mutf7.h, RFC 3501 §5.1.3): round trips, the RFC's examples, and strict rejection of
// every non-canonical or malformed encoding.
#include <boost/test/unit_test.hpp>

#include <string>

#include "imap/syntax/mutf7.h"
#include "base/utf8.h"
#include "test/unit/imap/imap_test_util.h"

namespace {

using imap::syntax::mutf7_decode;
using imap::syntax::mutf7_encode;

void round_trip(const std::string& utf8, const std::string& wire) {
  auto enc = mutf7_encode(utf8);
  BOOST_REQUIRE(enc.has_value());
  BOOST_TEST(*enc == wire);
  auto dec = mutf7_decode(wire);
  BOOST_REQUIRE_MESSAGE(dec.has_value(), wire << ": " << (dec ? "" : dec.error().message()));
  BOOST_TEST(*dec == utf8);
}

void rejected(const std::string& wire) {
  auto dec = mutf7_decode(wire);
  BOOST_TEST_INFO("input " << imap_test::show(wire));
  BOOST_TEST(!dec.has_value());
  if (!dec) BOOST_TEST(dec.error().code == base::Errc::bad_syntax);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mutf7)

BOOST_AUTO_TEST_CASE(ascii_and_ampersand) {
  round_trip("", "");
  round_trip("INBOX", "INBOX");
  round_trip("&", "&-");
  round_trip("a&b&&", "a&-b&-&-");
  round_trip("~peter/mail/ !\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~", "~peter/mail/ !\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~");
}

BOOST_AUTO_TEST_CASE(rfc3501_examples) {
  round_trip("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
             "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  round_trip("\xE2\x98\xBA!", "&Jjo-!");                                           // "&Jjo-!" is the correct form
  round_trip("\xE5\x8F\xB0\xE5\x8C\x97\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "&U,BTF2XlZyyKng-");  // no shifts between
  rejected("&Jjo!");               // no shift back before "!"
  rejected("&U,BTFw-&ZeVnLIqe-");  // superfluous shift
}

BOOST_AUTO_TEST_CASE(other_characters) {
  round_trip("Entw\xC3\xBC" "rfe", "Entw&APw-rfe");
  round_trip("\xC3\xA4\xC3\xB6\xC3\xBC", "&AOQA9gD8-");
  round_trip("tab\there", "tab&AAk-here");                    // controls are encoded
  round_trip("del\x7F", "del&AH8-");
  round_trip("\xF0\x9F\x98\x80 smile", "&2D3eAA- smile");     // U+1F600: a surrogate pair
  round_trip("x\xE2\x82\xAC&\xE2\x82\xAC", "x&IKw-&-&IKw-");  // "&-" right after a run is '&', not a shift
}

BOOST_AUTO_TEST_CASE(invalid_encodings) {
  rejected("&");                // unterminated
  rejected("&AOQ");             // unterminated
  rejected("&AOQ*-");           // not in the alphabet
  rejected("&AOQ/-");           // "/" is "," in modified BASE64
  rejected("&AOQ=-");           // no padding characters
  rejected("&AGE-");            // encodes "a", which must stand for itself
  rejected("&ACY-");            // encodes "&"
  rejected("&AOR-");            // non-zero padding bits
  rejected("&AOQA-");           // excess BASE64 character (padding bits >= 6)
  rejected("&AO-");             // too short for a UTF-16 unit
  rejected("&2D0-");            // lone high surrogate
  rejected("&3gA-");            // lone low surrogate
  rejected("&2D3YPQ-");         // high surrogate followed by another high surrogate
  rejected("caf\xC3\xA9");      // 8-bit bytes are never valid
  rejected(std::string("a\0b", 3));
  rejected("a\tb");
}

BOOST_AUTO_TEST_CASE(encode_rejects_invalid_utf8) {
  for (const char* bad : {"\xFF", "\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "a\x80"}) {
    auto r = mutf7_encode(bad);
    BOOST_TEST(!r.has_value());
    if (!r) BOOST_TEST(r.error().code == base::Errc::invalid_argument);
  }
}

BOOST_AUTO_TEST_CASE(every_bmp_character_round_trips) {
  std::string utf8;
  for (char32_t cp = 1; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    utf8.clear();
    base::append_utf8(utf8, cp);
    utf8 += "x";
    auto enc = mutf7_encode(utf8);
    BOOST_REQUIRE(enc.has_value());
    auto dec = mutf7_decode(*enc);
    BOOST_REQUIRE(dec.has_value());
    if (*dec != utf8) BOOST_FAIL("round trip of U+" << std::hex << static_cast<unsigned>(cp));
  }
}

BOOST_AUTO_TEST_SUITE_END()
