// The client side of the RFC 3501 §8 sample session, sent as one stream (whole, split at every offset and byte by
// byte) through CommandReader and Parser, with exact expected values for each command.
#include <boost/test/unit_test.hpp>

#include <string>

#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;

constexpr std::string_view kClient =
    "a001 login mrc secret\r\n"
    "a002 select inbox\r\n"
    "a003 fetch 12 full\r\n"
    "a004 fetch 12 body[header]\r\n"
    "a005 store 12 +flags \\deleted\r\n"
    "a006 logout\r\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_sample)

BOOST_AUTO_TEST_CASE(framing) {
  check_framing(kClient, {"cmd a001 a001 login mrc secret", "cmd a002 a002 select inbox", "cmd a003 a003 fetch 12 full",
                          "cmd a004 a004 fetch 12 body[header]", "cmd a005 a005 store 12 +flags \\deleted",
                          "cmd a006 a006 logout"});
}

BOOST_AUTO_TEST_CASE(commands) {
  Driver d;
  d.feed(kClient);
  BOOST_REQUIRE(d.events().size() == 6u);
  std::vector<OwnedCommand> cmds;
  for (const std::string& e : d.events()) {
    // "cmd <tag> <line>": the line starts after the second space.
    auto r = Parser::parse_owned(e.substr(e.find(' ', 4) + 1));
    BOOST_REQUIRE(r.has_value());
    cmds.push_back(std::move(*r));
  }
  BOOST_TEST(cmds[0]->tag == "a001");
  BOOST_TEST(as<Login>(cmds[0]).user == "mrc");
  BOOST_TEST(as<Login>(cmds[0]).password == "secret");

  BOOST_TEST(as<Select>(cmds[1]).mailbox == "INBOX");
  BOOST_TEST(!as<Select>(cmds[1]).read_only);

  const Fetch& full = as<Fetch>(cmds[2]);
  BOOST_TEST((full.set == SequenceSet{{{12, 12}}, false}));
  using K = FetchAtt::Kind;
  std::vector<K> kinds;
  for (const FetchAtt& a : full.items) kinds.push_back(a.kind);
  BOOST_TEST((kinds == std::vector<K>{K::flags, K::internal_date, K::rfc822_size, K::envelope, K::body}));

  const Fetch& header = as<Fetch>(cmds[3]);
  BOOST_REQUIRE(header.items.size() == 1u);
  BOOST_TEST((header.items[0] == FetchAtt{K::body_section, false, Section{{}, Section::Text::header, {}}, {}}));

  const Store& store = as<Store>(cmds[4]);
  BOOST_TEST((store.set == SequenceSet{{{12, 12}}, false}));
  BOOST_TEST((store.mode == Store::Mode::add));
  BOOST_TEST(!store.silent);
  BOOST_TEST(store.flags == std::vector<std::string_view>{"\\Deleted"}, boost::test_tools::per_element());

  BOOST_TEST(cmds[5]->name() == "LOGOUT");
  BOOST_TEST(cmds[5]->tag == "a006");
}

BOOST_AUTO_TEST_SUITE_END()
