// RFC 6154 SPECIAL-USE and CREATE-SPECIAL-USE over the real server: CREATE with USE sets the attributes (its §5
// examples), LIST shows them and the SPECIAL-USE selection option lists only such mailboxes, \All and \Flagged (virtual
// mailboxes, which this store has not) and unknown attributes give NO [USEATTR] and create nothing, attributes survive
// RENAME and a restart, and an unknown CREATE parameter is BAD.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"

using namespace test_support;

namespace {

using Lines = std::vector<std::string>;

struct SpecialUseFixture {
  SpecialUseFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c->command(tag, command).substr(tag.size() + 1);
  }
  Lines list(const std::string& args) {
    BOOST_TEST(answer("LIST " + args) == "OK LIST completed", args);
    return c->last_untagged();
  }
  ImapServer server;
  std::optional<TlsClient> c;
  int tags = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc6154_special_use)

BOOST_FIXTURE_TEST_CASE(capabilities, SpecialUseFixture) {
  answer("CAPABILITY");
  const auto caps = c->last_untagged().at(0) + " ";
  BOOST_TEST(caps.find(" SPECIAL-USE ") != std::string::npos, caps);
  BOOST_TEST(caps.find(" CREATE-SPECIAL-USE ") != std::string::npos, caps);
}

BOOST_FIXTURE_TEST_CASE(rfc_examples_create_with_use, SpecialUseFixture) {
  // RFC 6154 §5.3: the first CREATE succeeds; \All needs a virtual mailbox: NO [USEATTR], nothing created.
  BOOST_TEST(answer("CREATE MySpecial (USE (\\Drafts \\Sent))") == "OK CREATE completed");
  BOOST_TEST(answer("CREATE Everything (USE (\\All))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(answer("CREATE Important (USE (\\Flagged))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(answer("CREATE Odd (USE (\\Bogus))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(list("\"\" *") == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                      "* LIST (\\HasNoChildren \\Drafts \\Sent) \"/\" \"MySpecial\""}));
}

BOOST_FIXTURE_TEST_CASE(selection_and_return_options, SpecialUseFixture) {
  BOOST_TEST(answer("CREATE Sent (USE (\\sent))") == "OK CREATE completed");  // canonical spelling stored
  BOOST_TEST(answer("CREATE Old/Stuff (USE (\\Archive \\Archive))") == "OK CREATE completed");
  BOOST_TEST(answer("CREATE Plain (USE ())") == "OK CREATE completed");
  BOOST_TEST(answer("CREATE Bin (USE (\\Trash))") == "OK CREATE completed");
  BOOST_TEST(answer("CREATE Spam (USE (\\Junk))") == "OK CREATE completed");
  BOOST_TEST(list("(SPECIAL-USE) \"\" *") ==
             (Lines{"* LIST (\\HasNoChildren \\Trash) \"/\" \"Bin\"",
                    "* LIST (\\HasNoChildren \\Archive) \"/\" \"Old/Stuff\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Spam\""}));
  // CREATE Old/Stuff made Old too, as a real mailbox (dual-use): no \Noselect.
  BOOST_TEST(list("\"\" % RETURN (SPECIAL-USE)") ==
             (Lines{"* LIST (\\HasNoChildren \\Trash) \"/\" \"Bin\"", "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                    "* LIST (\\HasChildren) \"/\" \"Old\"", "* LIST (\\HasNoChildren) \"/\" \"Plain\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", "* LIST (\\HasNoChildren \\Junk) \"/\" \"Spam\""}));
}

BOOST_FIXTURE_TEST_CASE(uses_survive_rename_and_restart, SpecialUseFixture) {
  BOOST_TEST(answer("CREATE Drafts (USE (\\Drafts))") == "OK CREATE completed");
  BOOST_TEST(answer("RENAME Drafts Entw&APw-rfe") == "OK RENAME completed");
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(list("\"\" Entw*") == Lines{"* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\""});
}

BOOST_FIXTURE_TEST_CASE(errors_create_nothing, SpecialUseFixture) {
  BOOST_TEST(answer("CREATE X (FOO 1)") == "BAD Unknown CREATE parameter");
  BOOST_TEST(answer("CREATE Y (USE (\\Sent \\All))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(answer("CREATE Z (USE \\Sent)").rfind("BAD", 0) == 0u);
  BOOST_TEST(list("\"\" *") == Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\""});
}

BOOST_AUTO_TEST_SUITE_END()
