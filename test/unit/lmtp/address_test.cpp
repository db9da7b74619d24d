// Address (lmtp/protocol/address.h): domains, address literals (IPv4, IPv6 in every RFC 5321 §4.1.3 form, general),
// parse_mailbox() and to_string() with minimal quoting, which round-trips.
#include <boost/test/unit_test.hpp>

#include <string>

#include "lmtp/protocol/address.h"
#include "test/unit/lmtp/lmtp_test_util.h"

namespace {

using namespace lmtp_test;
using namespace std::literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(address)

BOOST_AUTO_TEST_CASE(domains) {
  for (std::string_view d : {"example.org"sv, "a"sv, "A-B.c0m"sv, "123.example"sv, "x_y.example"sv, "_dmarc.ex"sv,
                             "b\xc3\xbc" "cher.example"sv, "\xe4\xbe\x8b\xe3\x81\x88.jp"sv}) {
    BOOST_TEST(valid_domain(d), show(d));
  }
  BOOST_TEST(valid_domain(std::string(63, 'a') + ".b"));
  std::string long_domain;
  while (long_domain.size() < 250) long_domain += "abcdefghi.";
  long_domain += "abcde";  // 255
  BOOST_TEST(long_domain.size() == 255u);
  BOOST_TEST(valid_domain(long_domain));
  for (std::string_view d : {""sv, "."sv, "a."sv, ".a"sv, "a..b"sv, "-a"sv, "a-"sv, "a.-b"sv, "a-.b"sv, "a b"sv,
                             "a@b"sv, "[1.2.3.4]"sv, "a/b"sv, "\xc3"sv, "a\xff"sv}) {
    BOOST_TEST(!valid_domain(d), show(d));
  }
  BOOST_TEST(!valid_domain(std::string(64, 'a') + ".b"));
  BOOST_TEST(!valid_domain(long_domain + "x"));
}

BOOST_AUTO_TEST_CASE(address_literals) {
  for (std::string_view l : {"[0.0.0.0]"sv, "[255.255.255.255]"sv, "[192.0.2.1]"sv, "[IPv6:::]"sv, "[IPv6:::1]"sv,
                             "[IPv6:1::]"sv, "[ipv6:2001:DB8::1]"sv, "[IPv6:1:2:3:4:5:6:7:8]"sv,
                             "[IPv6:1:2:3:4:5:6::]"sv, "[IPv6:::1:2:3:4:5:6]"sv, "[IPv6:1:2:3::4:5:6]"sv,
                             "[IPv6:1:2:3:4:5:6:1.2.3.4]"sv, "[IPv6:::ffff:192.0.2.1]"sv, "[IPv6:1:2:3:4::1.2.3.4]"sv,
                             "[IPv6:::1.2.3.4]"sv, "[x-foo:anything!]"sv, "[tag:a:b]"sv}) {
    BOOST_TEST(valid_address_literal(l), show(l));
  }
  for (std::string_view l : {"[]"sv, "1.2.3.4"sv, "[1.2.3.4"sv, "[256.1.1.1]"sv, "[1.2.3]"sv, "[1.2.3.4.5]"sv,
                             "[1..2.3]"sv, "[1234.1.1.1]"sv, "[IPv6:]"sv, "[IPv6:1:2:3:4:5:6:7]"sv,
                             "[IPv6:1:2:3:4:5:6:7:8:9]"sv, "[IPv6:1:2:3:4:5:6:7::]"sv, "[IPv6:1::2::3]"sv,
                             "[IPv6:::::]"sv, "[IPv6:12345::]"sv, "[IPv6:g::]"sv, "[IPv6::1]"sv, "[IPv6:1:]"sv,
                             "[IPv6:1:2:3:4:5::1.2.3.4]"sv, "[IPv6:1.2.3.4::]"sv, "[IPv6:1:2:3:4:5:6:7:1.2.3.4]"sv,
                             "[IPv6:::1.2.3]"sv, "[:x]"sv, "[tag-:x]"sv, "[tag:]"sv, "[tag:a b]"sv, "[tag:a[b]"sv,
                             "[tag:a\\b]"sv, "[t@g:x]"sv}) {
    BOOST_TEST(!valid_address_literal(l), show(l));
  }
}

BOOST_AUTO_TEST_CASE(parse_mailbox_forms) {
  BOOST_TEST((*parse_mailbox("alice@example.org") == Address{"alice", "example.org", false}));
  BOOST_TEST((*parse_mailbox("\"a b\"@example.org") == Address{"a b", "example.org", true}));
  BOOST_TEST((*parse_mailbox("a@[192.0.2.1]") == Address{"a", "[192.0.2.1]", false}));
  BOOST_TEST((*parse_mailbox("Postmaster", true) == Address{"Postmaster", "", false}));
  BOOST_TEST(!parse_mailbox("Postmaster").has_value());
  BOOST_TEST(!parse_mailbox("alice").has_value());
  BOOST_TEST(!parse_mailbox("alice@").has_value());
  BOOST_TEST(!parse_mailbox("@example.org").has_value());
  BOOST_TEST(!parse_mailbox("a@b@example.org").has_value());
  BOOST_TEST(!parse_mailbox("<a@example.org>").has_value());
}

BOOST_AUTO_TEST_CASE(to_string_quotes_minimally) {
  BOOST_TEST((Address{"alice", "example.org", false}.to_string() == "alice@example.org"));
  BOOST_TEST((Address{"alice", "example.org", true}.to_string() == "alice@example.org"));  // needless quotes dropped
  BOOST_TEST((Address{"a.b", "example.org", false}.to_string() == "a.b@example.org"));
  BOOST_TEST((Address{"a..b", "example.org", false}.to_string() == "\"a..b\"@example.org"));
  BOOST_TEST((Address{".a", "example.org", false}.to_string() == "\".a\"@example.org"));
  BOOST_TEST((Address{"John Doe", "example.org", true}.to_string() == "\"John Doe\"@example.org"));
  BOOST_TEST((Address{"a\"b\\c", "x.example", true}.to_string() == "\"a\\\"b\\\\c\"@x.example"));
  BOOST_TEST((Address{"", "x.example", true}.to_string() == "\"\"@x.example"));
  BOOST_TEST((Address{"Postmaster", "", false}.to_string() == "Postmaster"));
  BOOST_TEST((Address{"j\xc3\xb6rg", "x.example", false}.to_string() == "j\xc3\xb6rg@x.example"));
}

BOOST_AUTO_TEST_CASE(to_string_round_trips) {
  for (std::string_view text : {"alice@example.org"sv, "\"John Doe\"@example.org"sv, "\"a\\\"b\"@x.example"sv,
                                "first..last@example.org"sv, "\"\"@x.example"sv, "a@[IPv6:::1]"sv,
                                "\"\xe7\x94\xb0 \xe4\xb8\xad\"@example.jp"sv, "x!#$%&'*+-/=?^_`{|}~@y.example"sv}) {
    const auto a = parse_mailbox(text);
    BOOST_REQUIRE_MESSAGE(a.has_value(), show(text));
    const auto again = parse_mailbox(a->to_string());
    BOOST_REQUIRE_MESSAGE(again.has_value(), a->to_string());
    BOOST_TEST(again->local == a->local);
    BOOST_TEST(again->domain == a->domain);
  }
}

BOOST_AUTO_TEST_CASE(utf8_flag) {
  BOOST_TEST(!(Address{"a", "b.example", false}.utf8()));
  BOOST_TEST((Address{"\xc3\xa9", "b.example", false}.utf8()));
  BOOST_TEST((Address{"a", "\xc3\xa9.example", false}.utf8()));
}

BOOST_AUTO_TEST_SUITE_END()
