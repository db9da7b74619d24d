// Hostile inputs: pseudo-random splices of MIME and address syntax never fail, loop or read outside the input
// (run under ASan/UBSan to check the last), and every range stays within the message.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

#include "mail/imap_format.h"

BOOST_AUTO_TEST_SUITE(robustness)

namespace {

// A fixed-seed xorshift generator so failures reproduce.
struct Rng {
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

const char* const kPieces[] = {
    "Content-Type: multipart/mixed; boundary=b\r\n", "Content-Type: message/rfc822\r\n", "--b\r\n", "--b--\r\n",
    "\r\n", "\n", "\r", " folded", "From: \"a\\\" <x@y>, G: a@b;", "To: (c(n)) <@r:x@y>", ";", ",", "<", ">", "\"", "(",
    "\\", "Content-Type: multipart/digest; boundary=\"b\"\r\n", "name*0*=a'b'c; name*1=d", "\xff\x00", "@", ":",
    "Content-Disposition: attachment; filename=\"", "Content-Language: en,,fr (x)\r\n"};

void check_ranges(const mail::Part& p, std::size_t size) {
  BOOST_REQUIRE(p.header.offset + p.header.length <= size);
  BOOST_REQUIRE(p.body.offset + p.body.length <= size);
  for (const mail::Part& c : p.children) check_ranges(c, size);
}

}  // namespace

BOOST_AUTO_TEST_CASE(random_splices_parse_and_format) {
  Rng rng;
  constexpr std::size_t kCount = sizeof(kPieces) / sizeof(kPieces[0]);
  for (int round = 0; round < 3000; ++round) {
    std::string msg;
    const std::size_t n = rng.next() % 40;
    for (std::size_t i = 0; i < n; ++i) msg += kPieces[rng.next() % kCount];
    if (!msg.empty() && rng.next() % 2 == 0) msg.resize(rng.next() % msg.size());
    const mail::Part p = mail::parse_message(msg);
    check_ranges(p, msg.size());
    const std::string b = mail::body_string(p, true);
    BOOST_REQUIRE(!b.empty());
    BOOST_REQUIRE(b.front() == '(');
    const std::string e = mail::envelope_string(mail::make_envelope(p.fields));
    BOOST_REQUIRE(e.back() == ')');
    (void)mail::parse_address_list(msg);
  }
}

BOOST_AUTO_TEST_SUITE_END()
