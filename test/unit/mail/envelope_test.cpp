// mail::parse_address_list and mail::make_envelope: mailboxes, quoted names, comments, routes, groups, defaults.
#include <boost/test/unit_test.hpp>

#include <string>

#include "mail/envelope.h"

BOOST_AUTO_TEST_SUITE(envelope)

namespace {

using mail::Address;

Address addr(std::optional<std::string> name, std::string mailbox, std::string host) {
  return {std::move(name), std::nullopt, std::move(mailbox), std::move(host)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_addr_spec_and_name_addr) {
  const auto list = mail::parse_address_list("bob@example.org, Alice Smith <alice@example.com>");
  BOOST_REQUIRE_EQUAL(list.size(), 2u);
  BOOST_TEST((list[0] == addr(std::nullopt, "bob", "example.org")));
  BOOST_TEST((list[1] == addr("Alice Smith", "alice", "example.com")));
}

BOOST_AUTO_TEST_CASE(quoted_display_names_keep_commas_and_unescape) {
  const auto list = mail::parse_address_list("\"Doe, John\" <j@x>, \"A \\\"B\\\" C\" <a@b>");
  BOOST_REQUIRE_EQUAL(list.size(), 2u);
  BOOST_TEST((list[0] == addr("Doe, John", "j", "x")));
  BOOST_TEST((list[1] == addr("A \"B\" C", "a", "b")));
}

BOOST_AUTO_TEST_CASE(comments_are_skipped_or_become_the_name) {
  const auto list = mail::parse_address_list("john@x (John Smith), Bob (the builder) <bob@y>, (c) <c@z>");
  BOOST_REQUIRE_EQUAL(list.size(), 3u);
  BOOST_TEST((list[0] == addr("John Smith", "john", "x")));
  BOOST_TEST((list[1] == addr("Bob", "bob", "y")));
  BOOST_TEST((list[2] == addr("c", "c", "z")));
}

BOOST_AUTO_TEST_CASE(dotted_and_quoted_local_parts) {
  const auto list = mail::parse_address_list("john.q.public@example.com, \"john doe\"@x, Mary <m.smith@[10.0.0.1]>");
  BOOST_REQUIRE_EQUAL(list.size(), 3u);
  BOOST_TEST((list[0] == addr(std::nullopt, "john.q.public", "example.com")));
  BOOST_TEST((list[1] == addr(std::nullopt, "john doe", "x")));
  BOOST_TEST((list[2] == addr("Mary", "m.smith", "[10.0.0.1]")));
}

BOOST_AUTO_TEST_CASE(source_route_goes_to_adl) {
  const auto list = mail::parse_address_list("Route <@r1.example,@r2.example:u@h>");
  BOOST_REQUIRE_EQUAL(list.size(), 1u);
  BOOST_TEST(*list[0].adl == "@r1.example,@r2.example");
  BOOST_TEST(*list[0].mailbox == "u");
  BOOST_TEST(*list[0].host == "h");
}

BOOST_AUTO_TEST_CASE(groups_have_start_and_end_markers) {
  const auto list = mail::parse_address_list("A Group: a@b, \"Doe, J\" <j@x>;, c@d, undisclosed-recipients:;");
  BOOST_REQUIRE_EQUAL(list.size(), 7u);
  BOOST_TEST((list[0] == Address{std::nullopt, std::nullopt, "A Group", std::nullopt}));
  BOOST_TEST((list[1] == addr(std::nullopt, "a", "b")));
  BOOST_TEST((list[2] == addr("Doe, J", "j", "x")));
  BOOST_TEST((list[3] == Address{}));
  BOOST_TEST((list[4] == addr(std::nullopt, "c", "d")));
  BOOST_TEST((list[5] == Address{std::nullopt, std::nullopt, "undisclosed-recipients", std::nullopt}));
  BOOST_TEST((list[6] == Address{}));
}

BOOST_AUTO_TEST_CASE(missing_domain_and_garbage) {
  auto list = mail::parse_address_list("localonly");
  BOOST_REQUIRE_EQUAL(list.size(), 1u);
  BOOST_TEST((list[0] == addr(std::nullopt, "localonly", ".MISSING-HOST-NAME.")));
  BOOST_TEST(mail::parse_address_list("").empty());
  list = mail::parse_address_list("a@b;c@d");
  BOOST_REQUIRE_EQUAL(list.size(), 2u);
  BOOST_TEST((list[1] == addr(std::nullopt, "c", "d")));
  BOOST_TEST(mail::parse_address_list(" , ;; > ").empty());
  list = mail::parse_address_list("<<<@@:::\"unterminated");  // must not crash or loop
  BOOST_TEST(list.size() < 10u);
}

BOOST_AUTO_TEST_CASE(sender_and_reply_to_default_to_from) {
  const auto fields = mail::parse_header(
      "From: a@b\r\nSender:\r\nSubject: =?utf-8?q?x?=\r\nTo: c@d\r\nMessage-ID: <m@b>\r\nIn-Reply-To: <p@b>\r\n\r\n");
  const mail::Envelope e = mail::make_envelope(fields);
  BOOST_TEST(!e.date);
  BOOST_TEST(*e.subject == "=?utf-8?q?x?=");
  BOOST_REQUIRE_EQUAL(e.sender.size(), 1u);
  BOOST_TEST((e.sender == e.from));
  BOOST_TEST((e.reply_to == e.from));
  BOOST_TEST(e.cc.empty());
  BOOST_TEST(*e.message_id == "<m@b>");
  BOOST_TEST(*e.in_reply_to == "<p@b>");
}

BOOST_AUTO_TEST_SUITE_END()
