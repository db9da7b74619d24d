// mail/section.h (IMAP part numbers) and mail/date.h (the day of a Date: field).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "mail/date.h"
#include "mail/section.h"

namespace {

const std::string kMessage =
    "Subject: top\r\n"
    "Content-Type: multipart/mixed; boundary=o\r\n"
    "\r\n"
    "--o\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "one\r\n"
    "--o\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "\r\n"
    "inner body\r\n"
    "--o--\r\n";

std::string bytes(const mail::Part& root, std::vector<std::uint32_t> part, mail::SectionText text) {
  auto range = mail::find_section(root, part, text);
  return range ? kMessage.substr(range->offset, range->length) : "<none>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(section)

BOOST_AUTO_TEST_CASE(top_level_sections) {
  auto root = mail::parse_message(kMessage);
  BOOST_TEST(bytes(root, {}, mail::SectionText::none) == kMessage);
  BOOST_TEST(bytes(root, {}, mail::SectionText::header) ==
             "Subject: top\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n");
  BOOST_TEST(bytes(root, {}, mail::SectionText::text) == kMessage.substr(kMessage.find("--o")));
  BOOST_TEST(bytes(root, {}, mail::SectionText::mime) == "<none>");
}

BOOST_AUTO_TEST_CASE(parts_and_encapsulated_message) {
  auto root = mail::parse_message(kMessage);
  BOOST_TEST(bytes(root, {1}, mail::SectionText::none) == "one");
  BOOST_TEST(bytes(root, {1}, mail::SectionText::mime) == "Content-Type: text/plain\r\n\r\n");
  BOOST_TEST(bytes(root, {1}, mail::SectionText::header) == "<none>");
  BOOST_TEST(bytes(root, {2}, mail::SectionText::none) == "Subject: inner\r\n\r\ninner body");
  BOOST_TEST(bytes(root, {2}, mail::SectionText::header) == "Subject: inner\r\n\r\n");
  BOOST_TEST(bytes(root, {2}, mail::SectionText::text) == "inner body");
  // The encapsulated message is not multipart: its part 1 is its body, whose MIME header is its header.
  BOOST_TEST(bytes(root, {2, 1}, mail::SectionText::none) == "inner body");
  BOOST_TEST(bytes(root, {2, 1}, mail::SectionText::mime) == "Subject: inner\r\n\r\n");
  BOOST_TEST(bytes(root, {2, 2}, mail::SectionText::none) == "<none>");
  BOOST_TEST(bytes(root, {3}, mail::SectionText::none) == "<none>");
  BOOST_TEST(bytes(root, {0}, mail::SectionText::none) == "<none>");
  BOOST_TEST(bytes(root, {1, 1}, mail::SectionText::none) == "<none>");
}

BOOST_AUTO_TEST_CASE(single_part_message_is_its_own_part_one) {
  const std::string m = "Subject: s\r\n\r\nbody\r\n";
  auto root = mail::parse_message(m);
  auto one = mail::find_section(root, std::vector<std::uint32_t>{1}, mail::SectionText::none);
  BOOST_REQUIRE(one.has_value());
  BOOST_TEST(m.substr(one->offset, one->length) == "body\r\n");
  BOOST_TEST(!mail::find_section(root, std::vector<std::uint32_t>{2}, mail::SectionText::none).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(date)

BOOST_AUTO_TEST_CASE(days_from_civil_matches_known_days) {
  BOOST_TEST(mail::days_from_civil(1970, 1, 1) == 0);
  BOOST_TEST(mail::days_from_civil(1969, 12, 31) == -1);
  BOOST_TEST(mail::days_from_civil(2000, 3, 1) == 11017);
  BOOST_TEST(mail::days_from_civil(2026, 11, 25) == 20782);
}

BOOST_AUTO_TEST_CASE(rfc5322_dates_and_lenient_forms) {
  const auto feb7 = mail::days_from_civil(1994, 2, 7);
  BOOST_TEST(mail::parse_date_day("Mon, 7 Feb 1994 21:52:25 -0800 (PST)").value_or(-1) == feb7);
  BOOST_TEST(mail::parse_date_day("7 Feb 1994 21:52:25 -0800").value_or(-1) == feb7);
  BOOST_TEST(mail::parse_date_day("  (comment 1 Jan 2000) Mon , 07 FEB 1994 23:59 +1400").value_or(-1) == feb7);
  BOOST_TEST(mail::parse_date_day("7-Feb-1994").value_or(-1) == feb7);
  BOOST_TEST(mail::parse_date_day("7 February 94 10:00 GMT").value_or(-1) == feb7);  // obsolete 2-digit year: 1994
  BOOST_TEST(mail::parse_date_day("1 Jan 05 00:00 +0000").value_or(-1) == mail::days_from_civil(2005, 1, 1));
  BOOST_TEST(mail::parse_date_day("29 Feb 2024").value_or(-1) == mail::days_from_civil(2024, 2, 29));
}

BOOST_AUTO_TEST_CASE(unusable_dates) {
  for (const char* s : {"", "garbage", "Mon, 7 1994", "32 Jan 2020", "29 Feb 2023", "7 Foo 1994", "7 Feb"}) {
    BOOST_TEST(!mail::parse_date_day(s).has_value(), s);
  }
}

BOOST_AUTO_TEST_SUITE_END()
