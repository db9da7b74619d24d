// normalize_recipient() (lmtp/protocol/recipient.h): the [delivery] rules as a table — case, subaddress, dots,
// local domains, Postmaster — and the replies its errors map to.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "config/config.h"
#include "lmtp/protocol/recipient.h"
#include "test/unit/lmtp/lmtp_test_util.h"

namespace {

using namespace lmtp_test;
using base::Errc;

config::DeliveryConfig cfg(bool lowercase = true, std::string separator = "+", bool ignore_dots = false,
                           std::vector<std::string> domains = {}) {
  return config::DeliveryConfig{lowercase, std::move(separator), ignore_dots, std::move(domains)};
}

// "name" or "error:<errc>".
std::string norm(std::string_view address, const config::DeliveryConfig& c) {
  auto r = normalize_recipient(address, c);
  return r ? *r : "error:" + std::string(base::to_string(r.error().code));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(recipient)

BOOST_AUTO_TEST_CASE(defaults) {
  const auto c = cfg();
  BOOST_TEST((c == config::DeliveryConfig{}));  // the helper's defaults are the configuration's
  BOOST_TEST(norm("Alice+News@Example.ORG", c) == "alice");
  BOOST_TEST(norm("alice@example.org", c) == "alice");
  BOOST_TEST(norm("ALICE@anything.example", c) == "alice");  // no local_domains: any domain
  BOOST_TEST(norm("a.lice@x", c) == "a.lice");                // dots kept by default
  BOOST_TEST(norm("alice+a+b@x", c) == "alice");              // cut at the first separator
  BOOST_TEST(norm("+tag@x", c) == "+tag");                    // not emptied
  BOOST_TEST(norm("alice+@x", c) == "alice");
  BOOST_TEST(norm("bob-smith@x", c) == "bob-smith");
  BOOST_TEST(norm("J\xc3\x96RG@x", c) == "j\xc3\x96rg");       // only ASCII is folded
  BOOST_TEST(norm("alice@[192.0.2.1]", c) == "alice");
}

BOOST_AUTO_TEST_CASE(options_table) {
  struct Row {
    std::string address;
    config::DeliveryConfig config;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"Alice+News@X", cfg(false), "Alice"},
      {"Alice+News@X", cfg(true, ""), "alice+news"},
      {"alice-news@x", cfg(true, "-"), "alice"},
      {"alice.news@x", cfg(true, "."), "alice"},
      {"a.li.ce@x", cfg(true, "+", true), "alice"},
      {"A.Lice+x.y@x", cfg(true, "+", true), "alice"},  // subaddress first, then dots
      {"...@x", cfg(true, "+", true), "error:invalid_argument"},
      {"a.lice@x", cfg(true, ".", true), "a"},          // the separator wins over ignore_dots
      {"alice@example.org", cfg(true, "+", false, {"example.org"}), "alice"},
      {"alice@EXAMPLE.Org", cfg(true, "+", false, {"example.org"}), "alice"},
      {"alice@example.net", cfg(true, "+", false, {"example.org", "example.net"}), "alice"},
      {"alice@example.com", cfg(true, "+", false, {"example.org"}), "error:not_found"},
      {"alice@sub.example.org", cfg(true, "+", false, {"example.org"}), "error:not_found"},
      {"alice@[192.0.2.1]", cfg(true, "+", false, {"example.org"}), "error:not_found"},
      {"\"a@b\"@example.org", cfg(), "\"a@b\""},        // split at the last "@" (input is unquoted normally)
      {"a@b@example.org", cfg(true, "+", false, {"example.org"}), "a@b"},
      {"@example.org", cfg(), "error:invalid_argument"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_INFO(show(r.address));
    BOOST_TEST(norm(r.address, r.config) == r.expected);
  }
}

BOOST_AUTO_TEST_CASE(postmaster) {
  // RFC 5321 §4.1.1.3: "Postmaster" is case-insensitive, and <Postmaster> has no domain (always local).
  BOOST_TEST(norm("Postmaster", cfg(false, "+", false, {"example.org"})) == "postmaster");
  BOOST_TEST(norm("POSTMASTER@example.org", cfg(false)) == "postmaster");
  BOOST_TEST(norm("postmaster@elsewhere.example", cfg(true, "+", false, {"example.org"})) == "error:not_found");
  const Address a{"PostMaster", "", false};
  BOOST_TEST(*normalize_recipient(a, cfg(true, "+", false, {"example.org"})) == "postmaster");
}

BOOST_AUTO_TEST_CASE(parsed_addresses) {
  // The Address overload uses the unquoted local part, so a quoted "@" is no split point.
  const Address quoted{"a@b", "example.org", true};
  BOOST_TEST(*normalize_recipient(quoted, cfg()) == "a@b");
  const Address spaced{"John Doe", "example.org", true};
  BOOST_TEST(*normalize_recipient(spaced, cfg()) == "john doe");  // store::validate_user_name will refuse it
  const Address other{"alice", "example.com", false};
  BOOST_TEST(normalize_recipient(other, cfg(true, "+", false, {"example.org"})).error().code == Errc::not_found);
}

BOOST_AUTO_TEST_CASE(errors_become_rejections) {
  const auto domain = normalize_recipient("alice@example.com", cfg(true, "+", false, {"example.org"}));
  BOOST_TEST(reply_for(domain.error()).wire() == "550 5.1.2 Domain not served here\r\n");
  const auto empty = normalize_recipient("...@x", cfg(true, "+", true));
  BOOST_TEST(reply_for(empty.error()).wire() == "550 5.1.1 No such user here\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
