// RFC 6154 SPECIAL-USE and CREATE-SPECIAL-USE over the real server: a new account has Drafts, Sent, Trash, Junk and
// Archive with their special uses besides INBOX, all subscribed, selectable and empty; CREATE with USE sets the
// attributes (its §5 examples), LIST shows them and the SPECIAL-USE selection option lists only such mailboxes,
// \All and \Flagged (virtual mailboxes, which this store has not) and unknown attributes give NO [USEATTR] and create
// nothing, attributes survive RENAME and a restart, and an unknown CREATE parameter is BAD. Also Gmail's XLIST,
// which old clients send for the same information: "* XLIST" lines with \Inbox on INBOX and \Spam beside \Junk.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"

using namespace test_support;

namespace {

using Lines = std::vector<std::string>;

// What a new account lists for LIST "" *.
const Lines kDefaultList = {
    "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"", "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
    "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",              "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",        "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
};

struct SpecialUseFixture {
  SpecialUseFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c->command(tag, command).substr(tag.size() + 1);
  }
  // CREATE that must succeed (the OK may carry a response code).
  void create(const std::string& args) {
    const auto reply = answer("CREATE " + args);
    BOOST_TEST((reply.rfind("OK ", 0) == 0u && reply.size() >= 16u &&
                reply.compare(reply.size() - 16, 16, "CREATE completed") == 0),
               args << " -> " << reply);
  }
  Lines list(const std::string& args) {
    BOOST_TEST(answer("LIST " + args) == "OK LIST completed", args);
    return c->last_untagged();
  }
  Lines xlist(const std::string& args) {
    BOOST_TEST(answer("XLIST " + args) == "OK XLIST completed", args);
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
  BOOST_TEST(caps.find(" XLIST ") != std::string::npos, caps);
}

BOOST_FIXTURE_TEST_CASE(new_account_has_the_default_mailboxes, SpecialUseFixture) {
  BOOST_TEST(list("\"\" *") == kDefaultList);
  BOOST_TEST(list("(SPECIAL-USE) \"\" *") ==
             (Lines{"* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                    "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""}));
  // All subscribed, so clients that show subscribed folders only see them.
  BOOST_TEST(answer("LSUB \"\" *") == "OK LSUB completed");
  BOOST_TEST(c->last_untagged() == (Lines{"* LSUB () \"/\" \"Archive\"", "* LSUB () \"/\" \"Drafts\"",
                                          "* LSUB () \"/\" \"INBOX\"", "* LSUB () \"/\" \"Junk\"",
                                          "* LSUB () \"/\" \"Sent\"", "* LSUB () \"/\" \"Trash\""}));
  // Real mailboxes: selectable and empty.
  for (const char* name : {"Drafts", "Sent", "Trash", "Junk", "Archive"}) {
    BOOST_TEST(answer(std::string("SELECT ") + name).rfind("OK [READ-WRITE] ", 0) == 0u, name);
    const auto selected = c->last_untagged();
    BOOST_TEST((std::find(selected.begin(), selected.end(), "* 0 EXISTS") != selected.end()), name);
  }
  // They exist already, and can be renamed and deleted like any other mailbox.
  BOOST_TEST(answer("CREATE Trash") == "NO [ALREADYEXISTS] Mailbox already exists");
  BOOST_TEST(answer("CREATE Sent (USE (\\Sent))") == "NO [ALREADYEXISTS] Mailbox already exists");
  BOOST_TEST(answer("RENAME Junk Spam") == "OK RENAME completed");
  BOOST_TEST(answer("DELETE Archive") == "OK DELETE completed");
  BOOST_TEST(list("(SPECIAL-USE) \"\" *") ==
             (Lines{"* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Spam\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""}));
}

BOOST_FIXTURE_TEST_CASE(defaults_survive_a_restart, SpecialUseFixture) {
  BOOST_TEST(list("\"\" *") == kDefaultList);
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(list("\"\" *") == kDefaultList);
}

BOOST_FIXTURE_TEST_CASE(rfc_examples_create_with_use, SpecialUseFixture) {
  // RFC 6154 §5.3: the first CREATE succeeds; \All needs a virtual mailbox: NO [USEATTR], nothing created.
  create("MySpecial (USE (\\Drafts \\Sent))");
  BOOST_TEST(answer("CREATE Everything (USE (\\All))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(answer("CREATE Important (USE (\\Flagged))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(answer("CREATE Odd (USE (\\Bogus))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(list("\"\" M*") == Lines{"* LIST (\\HasNoChildren \\Drafts \\Sent) \"/\" \"MySpecial\""});
  BOOST_TEST(list("\"\" *").size() == kDefaultList.size() + 1);
}

BOOST_FIXTURE_TEST_CASE(selection_and_return_options, SpecialUseFixture) {
  create("SentMail (USE (\\sent))");  // canonical spelling stored
  create("Old/Stuff (USE (\\Archive \\Archive))");
  create("Plain (USE ())");
  create("Bin (USE (\\Trash))");  // several mailboxes may share a use (§3)
  create("Spam (USE (\\Junk))");
  BOOST_TEST(list("(SPECIAL-USE) \"\" *") ==
             (Lines{"* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Bin\"",
                    "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                    "* LIST (\\HasNoChildren \\Archive) \"/\" \"Old/Stuff\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"SentMail\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Spam\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""}));
  // §5.2: RETURN (SPECIAL-USE) on "%". CREATE Old/Stuff made Old too, as a real mailbox (dual-use): no \Noselect.
  BOOST_TEST(list("\"\" % RETURN (SPECIAL-USE)") ==
             (Lines{"* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Bin\"",
                    "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                    "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                    "* LIST (\\HasChildren) \"/\" \"Old\"",
                    "* LIST (\\HasNoChildren) \"/\" \"Plain\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"SentMail\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Spam\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""}));
}

BOOST_FIXTURE_TEST_CASE(uses_survive_rename_and_restart, SpecialUseFixture) {
  BOOST_TEST(answer("RENAME Drafts Entw&APw-rfe") == "OK RENAME completed");
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(list("\"\" Entw*") == Lines{"* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\""});
  BOOST_TEST(list("\"\" Drafts").empty());
}

BOOST_FIXTURE_TEST_CASE(errors_create_nothing, SpecialUseFixture) {
  BOOST_TEST(answer("CREATE X (FOO 1)") == "BAD Unknown CREATE parameter");
  BOOST_TEST(answer("CREATE Y (USE (\\Sent \\All))").rfind("NO [USEATTR] ", 0) == 0u);
  BOOST_TEST(answer("CREATE Z (USE \\Sent)").rfind("BAD", 0) == 0u);
  BOOST_TEST(list("\"\" *") == kDefaultList);
}

BOOST_FIXTURE_TEST_CASE(xlist_default_mailboxes, SpecialUseFixture) {
  BOOST_TEST(xlist("\"\" \"*\"") == (Lines{"* XLIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                                           "* XLIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                                           "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"INBOX\"",
                                           "* XLIST (\\HasNoChildren \\Junk \\Spam) \"/\" \"Junk\"",
                                           "* XLIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                                           "* XLIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""}));
  // Case-insensitive command and INBOX; the reference is a prefix as for LIST.
  BOOST_TEST(answer("xlist \"\" inbox") == "OK XLIST completed");
  BOOST_TEST(c->last_untagged() == Lines{"* XLIST (\\HasNoChildren \\Inbox) \"/\" \"INBOX\""});
  // The empty pattern gives the delimiter, as for LIST.
  BOOST_TEST(xlist("\"\" \"\"") == Lines{"* XLIST (\\Noselect) \"/\" \"\""});
  BOOST_TEST(xlist("\"\" nothing*").empty());
}

BOOST_FIXTURE_TEST_CASE(xlist_hierarchy, SpecialUseFixture) {
  create("Work/Projects (USE (\\Archive))");
  create("INBOX/Later");
  create("Gone/Child");
  BOOST_TEST(answer("DELETE Gone") == "OK DELETE completed");  // a \Noselect parent, as in LIST
  create("Both (USE (\\Drafts \\Sent))");
  BOOST_TEST(xlist("\"\" %") == (Lines{"* XLIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                                       "* XLIST (\\HasNoChildren \\Drafts \\Sent) \"/\" \"Both\"",
                                       "* XLIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                                       "* XLIST (\\Noselect \\HasChildren) \"/\" \"Gone\"",
                                       "* XLIST (\\HasChildren \\Inbox) \"/\" \"INBOX\"",
                                       "* XLIST (\\HasNoChildren \\Junk \\Spam) \"/\" \"Junk\"",
                                       "* XLIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                                       "* XLIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
                                       "* XLIST (\\HasChildren) \"/\" \"Work\""}));
  BOOST_TEST(xlist("Work/ %") == Lines{"* XLIST (\\HasNoChildren \\Archive) \"/\" \"Work/Projects\""});
  BOOST_TEST(xlist("\"\" INBOX/*") == Lines{"* XLIST (\\HasNoChildren) \"/\" \"INBOX/Later\""});
  // XLIST works in the selected state too, and reports what LIST reports (with the Gmail attributes added).
  BOOST_TEST(answer("SELECT INBOX").rfind("OK [READ-WRITE]", 0) == 0u);
  BOOST_TEST(xlist("\"\" G*") == (Lines{"* XLIST (\\Noselect \\HasChildren) \"/\" \"Gone\"",
                                        "* XLIST (\\HasNoChildren) \"/\" \"Gone/Child\""}));
  BOOST_TEST(list("\"\" G*") == (Lines{"* LIST (\\Noselect \\HasChildren) \"/\" \"Gone\"",
                                       "* LIST (\\HasNoChildren) \"/\" \"Gone/Child\""}));
}

BOOST_FIXTURE_TEST_CASE(xlist_errors, SpecialUseFixture) {
  BOOST_TEST(answer("XLIST") == "BAD expected SP after XLIST");
  BOOST_TEST(answer("XLIST \"\"") == "BAD expected SP after reference name");
  BOOST_TEST(answer("XLIST (SPECIAL-USE) \"\" *") == "BAD expected reference name");
  BOOST_TEST(answer("XLIST \"\" (INBOX Sent)") == "BAD expected mailbox pattern");
  BOOST_TEST(answer("XLIST \"\" * RETURN (CHILDREN)") == "BAD unexpected characters after mailbox pattern");
  BOOST_TEST(answer("XLIST \"\" \"&Jjo!\"") == "NO [CANNOT] Invalid mailbox name encoding");
  // Before login it is refused like every other authenticated-state command.
  TlsClient fresh = server.connect();  // greeting read
  BOOST_TEST(fresh.command("x1", "XLIST \"\" *") == "x1 BAD Log in first");
  BOOST_TEST(fresh.last_untagged().empty());
}

BOOST_AUTO_TEST_SUITE_END()
