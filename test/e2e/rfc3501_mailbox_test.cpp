// RFC 3501 §6.3.3-6.3.10 over the real server: CREATE, DELETE, RENAME (with hierarchy, and INBOX), SUBSCRIBE,
// UNSUBSCRIBE, LIST and LSUB patterns with CHILDREN attributes (RFC 3348), STATUS, modified UTF-7 names (§5.1.3),
// and the RFC 5530 response codes. (NAMESPACE is in rfc2342_namespace_test.cpp.)
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

struct MailboxFixture {
  MailboxFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }
  TlsClient& client() { return *c; }
  // The untagged responses of a command that must succeed.
  std::vector<std::string> ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c->command(tag, command);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c->last_untagged();
  }
  // The tagged reply, tag stripped ("NO [NONEXISTENT] No such mailbox").
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c->command(tag, command);
    return status.substr(tag.size() + 1);
  }
  // "* STATUS "name" (ITEM n ...)" -> {ITEM: n}.
  std::map<std::string, std::uint32_t> status(const std::string& mailbox, const std::string& items) {
    auto r = ok("STATUS " + mailbox + " (" + items + ")");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    const auto open = r[0].rfind('(');
    std::map<std::string, std::uint32_t> out;
    std::istringstream in(r[0].substr(open + 1, r[0].size() - open - 2));
    std::string name;
    std::uint32_t value = 0;
    while (in >> name >> value) out[name] = value;
    return out;
  }
  void add_messages(const std::string& mailbox, int n, const std::string& flags = {}) {
    for (int i = 0; i < n; ++i) {
      const std::string tag = "p" + std::to_string(++tags);
      auto status =
          append_message(*c, tag, mailbox, make_message(static_cast<unsigned>(tags), 300, Body::ascii), flags);
      BOOST_TEST(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
    }
  }

  ImapServer server;
  std::optional<TlsClient> c;
  int tags = 0;
};

using Lines = std::vector<std::string>;

// The LIST lines of what a new account holds: INBOX and the RFC 6154 special-use mailboxes (store::Account::create).
const std::string kArchive = "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"";
const std::string kDrafts = "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"";
const std::string kInbox = "* LIST (\\HasNoChildren) \"/\" \"INBOX\"";
const std::string kJunk = "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"";
const std::string kSent = "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"";
const std::string kTrash = "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"";
const Lines kNewAccount = {kArchive, kDrafts, kInbox, kJunk, kSent, kTrash};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_mailbox)

BOOST_FIXTURE_TEST_CASE(fresh_account_lists_inbox, MailboxFixture) {
  BOOST_TEST(ok("LIST \"\" *") == kNewAccount, tt::per_element());
  BOOST_TEST(ok("LIST \"\" \"\"") == Lines{"* LIST (\\Noselect) \"/\" \"\""}, tt::per_element());
  // They all start subscribed.
  BOOST_TEST(ok("LSUB \"\" *") == (Lines{"* LSUB () \"/\" \"Archive\"", "* LSUB () \"/\" \"Drafts\"",
                                          "* LSUB () \"/\" \"INBOX\"", "* LSUB () \"/\" \"Junk\"",
                                          "* LSUB () \"/\" \"Sent\"", "* LSUB () \"/\" \"Trash\""}),
             tt::per_element());
  // "INBOX" is case-insensitive in commands and patterns.
  BOOST_TEST(ok("LIST \"\" inbox") == Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\""}, tt::per_element());
  BOOST_TEST(ok("LIST \"\" InBoX") == Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\""}, tt::per_element());
  BOOST_TEST(ok("LIST \"\" nothing*").empty());
}

BOOST_FIXTURE_TEST_CASE(create_makes_parents_and_list_patterns_match, MailboxFixture) {
  BOOST_TEST(answer("CREATE Work") .rfind("OK [MAILBOXID (", 0) == 0u);
  BOOST_TEST(answer("CREATE Work/Projects/2024") .rfind("OK [MAILBOXID (", 0) == 0u);  // Work/Projects is created too
  BOOST_TEST(answer("CREATE Spam/") .rfind("OK [MAILBOXID (", 0) == 0u);  // a trailing delimiter is dropped (§6.3.3)
  BOOST_TEST(answer("CREATE \"My Folder\"") .rfind("OK [MAILBOXID (", 0) == 0u);

  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, "* LIST (\\HasNoChildren) \"/\" \"My Folder\"", kSent,
                        "* LIST (\\HasNoChildren) \"/\" \"Spam\"", kTrash, "* LIST (\\HasChildren) \"/\" \"Work\"",
                        "* LIST (\\HasChildren) \"/\" \"Work/Projects\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Work/Projects/2024\""}),
             tt::per_element());
  // '%' stops at the delimiter, '*' does not.
  BOOST_TEST(ok("LIST \"\" %") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, "* LIST (\\HasNoChildren) \"/\" \"My Folder\"", kSent,
                        "* LIST (\\HasNoChildren) \"/\" \"Spam\"", kTrash, "* LIST (\\HasChildren) \"/\" \"Work\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST Work/ %") == Lines{"* LIST (\\HasChildren) \"/\" \"Work/Projects\""}, tt::per_element());
  BOOST_TEST(ok("LIST \"\" Work/*") == (Lines{"* LIST (\\HasChildren) \"/\" \"Work/Projects\"",
                                              "* LIST (\\HasNoChildren) \"/\" \"Work/Projects/2024\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST \"\" W%/%") == Lines{"* LIST (\\HasChildren) \"/\" \"Work/Projects\""}, tt::per_element());
  BOOST_TEST(ok("LIST \"\" *4") == Lines{"* LIST (\\HasNoChildren) \"/\" \"Work/Projects/2024\""}, tt::per_element());
  BOOST_TEST(ok("LIST \"\" work").empty());  // names other than INBOX are case-sensitive
  // The new mailboxes are selectable and empty.
  // FLAGS, EXISTS, RECENT, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT, MAILBOXID, HIGHESTMODSEQ; then [CLOSED] too.
  BOOST_TEST(ok("SELECT Work/Projects").size() == 8u);
  BOOST_TEST(ok("SELECT \"My Folder\"").size() == 9u);
}

BOOST_FIXTURE_TEST_CASE(create_errors, MailboxFixture) {
  ok("CREATE Work");
  BOOST_TEST(answer("CREATE Work") == "NO [ALREADYEXISTS] Mailbox already exists");
  BOOST_TEST(answer("CREATE INBOX") == "NO [ALREADYEXISTS] INBOX always exists");
  BOOST_TEST(answer("CREATE inbox") == "NO [ALREADYEXISTS] INBOX always exists");
  BOOST_TEST(answer("CREATE a*b").rfind("BAD ", 0) == 0u);  // not an astring: a syntax error
  BOOST_TEST(answer("CREATE \"a*b\"") == "NO [CANNOT] Wildcards are not allowed in mailbox names");
  BOOST_TEST(answer("CREATE \"a%b\"") == "NO [CANNOT] Wildcards are not allowed in mailbox names");
  BOOST_TEST(answer("CREATE a//b") == "NO [CANNOT] Empty level in mailbox name");
  BOOST_TEST(answer("CREATE /a") == "NO [CANNOT] Empty level in mailbox name");
  BOOST_TEST(answer("CREATE \"&Jjo!\"") == "NO [CANNOT] Invalid mailbox name encoding");
  BOOST_TEST(answer("CREATE \"&AOk\"") == "NO [CANNOT] Invalid mailbox name encoding");
  BOOST_TEST(answer("CREATE").rfind("BAD", 0) == 0u);
  // Nothing of that was created.
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, kSent, kTrash, "* LIST (\\HasNoChildren) \"/\" \"Work\""}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(delete_keeps_children_and_leaves_a_noselect_parent, MailboxFixture) {
  ok("CREATE foo/bar");
  ok("CREATE blurdybloop");
  add_messages("foo", 2);
  BOOST_TEST(answer("DELETE blurdybloop") == "OK DELETE completed");
  // RFC 3501 §6.3.4: deleting a name with inferiors removes its messages; the name stays as \Noselect.
  BOOST_TEST(answer("DELETE foo") == "OK DELETE completed");
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, kSent, kTrash,
                        "* LIST (\\Noselect \\HasChildren) \"/\" \"foo\"",
                        "* LIST (\\HasNoChildren) \"/\" \"foo/bar\""}),
             tt::per_element());
  BOOST_TEST(answer("SELECT foo") == "NO [NONEXISTENT] No such mailbox");
  BOOST_TEST(answer("STATUS foo (MESSAGES)") == "NO [NONEXISTENT] No such mailbox");
  BOOST_TEST(answer("DELETE foo").rfind("NO ", 0) == 0u);  // \Noselect with inferiors: an error
  BOOST_TEST(answer("DELETE foo/bar") == "OK DELETE completed");
  BOOST_TEST(ok("LIST \"\" *") == kNewAccount, tt::per_element());

  BOOST_TEST(answer("DELETE INBOX") == "NO [CANNOT] INBOX cannot be deleted");
  BOOST_TEST(answer("DELETE inbox") == "NO [CANNOT] INBOX cannot be deleted");
  BOOST_TEST(answer("DELETE nonexistent") == "NO [NONEXISTENT] No such mailbox");
}

BOOST_FIXTURE_TEST_CASE(deleted_then_recreated_mailbox_does_not_reuse_uids, MailboxFixture) {
  ok("CREATE box");
  add_messages("box", 3);
  auto before = status("box", "UIDNEXT UIDVALIDITY");
  BOOST_TEST(before["UIDNEXT"] == 4u);
  ok("DELETE box");
  ok("CREATE box");
  auto after = status("box", "MESSAGES UIDNEXT UIDVALIDITY");
  BOOST_TEST(after["MESSAGES"] == 0u);
  // RFC 3501 §6.3.4: the highest UID is preserved unless UIDVALIDITY changes.
  BOOST_TEST((after["UIDVALIDITY"] != before["UIDVALIDITY"] || after["UIDNEXT"] >= before["UIDNEXT"]));
}

BOOST_FIXTURE_TEST_CASE(rename_moves_inferiors_and_creates_superiors, MailboxFixture) {
  ok("CREATE foo/bar/baz");
  add_messages("foo/bar", 2, "(\\Flagged)");
  const auto before = status("foo/bar", "MESSAGES UIDNEXT UIDVALIDITY");
  BOOST_TEST(answer("RENAME foo zap") == "OK RENAME completed");
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, kSent, kTrash, "* LIST (\\HasChildren) \"/\" \"zap\"",
                        "* LIST (\\HasChildren) \"/\" \"zap/bar\"", "* LIST (\\HasNoChildren) \"/\" \"zap/bar/baz\""}),
             tt::per_element());
  // The messages (and UIDs) went along.
  BOOST_TEST((status("zap/bar", "MESSAGES UIDNEXT UIDVALIDITY") == before));
  ok("SELECT zap/bar");
  auto fetched = ok("FETCH 1:* (UID FLAGS)");
  BOOST_TEST(fetched == (Lines{"* 1 FETCH (UID 1 FLAGS (\\Flagged))", "* 2 FETCH (UID 2 FLAGS (\\Flagged))"}),
             tt::per_element());
  ok("UNSELECT");

  // RFC 3501 §6.3.5: superiors of the new name are created.
  BOOST_TEST(answer("RENAME zap/bar/baz a/b/c") == "OK RENAME completed");
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, kSent, kTrash, "* LIST (\\HasChildren) \"/\" \"a\"",
                        "* LIST (\\HasChildren) \"/\" \"a/b\"", "* LIST (\\HasNoChildren) \"/\" \"a/b/c\"",
                        "* LIST (\\HasChildren) \"/\" \"zap\"", "* LIST (\\HasNoChildren) \"/\" \"zap/bar\""}),
             tt::per_element());
  BOOST_TEST(answer("SELECT a/b") == "OK [READ-WRITE] SELECT completed");
  ok("UNSELECT");

  BOOST_TEST(answer("RENAME zap a") == "NO [ALREADYEXISTS] Mailbox already exists");
  BOOST_TEST(answer("RENAME nothing x") == "NO [NONEXISTENT] No such mailbox");
  BOOST_TEST(answer("RENAME zap INBOX") == "NO [ALREADYEXISTS] INBOX already exists");
  BOOST_TEST(answer("RENAME zap zap/inner").rfind("NO ", 0) == 0u);
  BOOST_TEST(answer("RENAME zap \"bad*name\"") == "NO [CANNOT] Wildcards are not allowed in mailbox names");
}

BOOST_FIXTURE_TEST_CASE(rename_inbox_moves_messages_and_leaves_it_empty, MailboxFixture) {
  ok("CREATE INBOX/child");
  add_messages("INBOX", 3);
  add_messages("INBOX/child", 1);
  const auto old = status("INBOX", "MESSAGES UIDNEXT UIDVALIDITY");
  BOOST_TEST(old.at("MESSAGES") == 3u);
  BOOST_TEST(answer("RENAME INBOX Old") == "OK RENAME completed");
  BOOST_TEST((status("Old", "MESSAGES UIDNEXT UIDVALIDITY") == old));
  const auto fresh = status("INBOX", "MESSAGES UIDNEXT UIDVALIDITY");
  BOOST_TEST(fresh.at("MESSAGES") == 0u);
  BOOST_TEST((fresh.at("UIDVALIDITY") != old.at("UIDVALIDITY") || fresh.at("UIDNEXT") >= old.at("UIDNEXT")));
  // Inferiors of INBOX are unaffected (RFC 3501 §6.3.5).
  BOOST_TEST(status("INBOX/child", "MESSAGES").at("MESSAGES") == 1u);
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, "* LIST (\\HasChildren) \"/\" \"INBOX\"",
                        "* LIST (\\HasNoChildren) \"/\" \"INBOX/child\"", kJunk,
                        "* LIST (\\HasNoChildren) \"/\" \"Old\"", kSent, kTrash}),
             tt::per_element());
  auto selected = ok("SELECT INBOX");
  BOOST_TEST(selected.at(1) == "* 0 EXISTS");
  // New mail for INBOX goes to the new INBOX.
  add_messages("INBOX", 1);
  BOOST_TEST(status("INBOX", "MESSAGES").at("MESSAGES") == 1u);
  BOOST_TEST(status("Old", "MESSAGES").at("MESSAGES") == 3u);
}

BOOST_FIXTURE_TEST_CASE(subscribe_unsubscribe_and_lsub, MailboxFixture) {
  ok("CREATE Work/Projects");
  ok("CREATE Gone");
  BOOST_TEST(answer("SUBSCRIBE INBOX") == "OK SUBSCRIBE completed");
  BOOST_TEST(answer("SUBSCRIBE Work/Projects") == "OK SUBSCRIBE completed");
  BOOST_TEST(answer("SUBSCRIBE Gone") == "OK SUBSCRIBE completed");
  BOOST_TEST(ok("LSUB \"\" *") ==
                 (Lines{"* LSUB () \"/\" \"Archive\"", "* LSUB () \"/\" \"Drafts\"", "* LSUB () \"/\" \"Gone\"",
                        "* LSUB () \"/\" \"INBOX\"", "* LSUB () \"/\" \"Junk\"", "* LSUB () \"/\" \"Sent\"",
                        "* LSUB () \"/\" \"Trash\"", "* LSUB () \"/\" \"Work/Projects\""}),
             tt::per_element());
  // '%' shows the unsubscribed parent of a subscribed name as \Noselect (RFC 3501 §6.3.9).
  BOOST_TEST(ok("LSUB \"\" %") ==
                 (Lines{"* LSUB () \"/\" \"Archive\"", "* LSUB () \"/\" \"Drafts\"", "* LSUB () \"/\" \"Gone\"",
                        "* LSUB () \"/\" \"INBOX\"", "* LSUB () \"/\" \"Junk\"", "* LSUB () \"/\" \"Sent\"",
                        "* LSUB () \"/\" \"Trash\"", "* LSUB (\\Noselect) \"/\" \"Work\""}),
             tt::per_element());
  BOOST_TEST(ok("LSUB Work/ %") == Lines{"* LSUB () \"/\" \"Work/Projects\""}, tt::per_element());
  // Deleting a mailbox does not unsubscribe it (RFC 3501 §6.3.6: MUST NOT remove it unilaterally).
  ok("DELETE Gone");
  BOOST_TEST(ok("LSUB \"\" G*") == Lines{"* LSUB () \"/\" \"Gone\""}, tt::per_element());
  BOOST_TEST(answer("UNSUBSCRIBE Gone") == "OK UNSUBSCRIBE completed");
  BOOST_TEST(answer("UNSUBSCRIBE Work/Projects") == "OK UNSUBSCRIBE completed");
  ok("UNSUBSCRIBE Archive");
  BOOST_TEST(ok("LSUB \"\" *") == (Lines{"* LSUB () \"/\" \"Drafts\"", "* LSUB () \"/\" \"INBOX\"",
                                          "* LSUB () \"/\" \"Junk\"", "* LSUB () \"/\" \"Sent\"",
                                          "* LSUB () \"/\" \"Trash\""}),
             tt::per_element());
  // LIST still lists everything: the six mailboxes of a new account, Work and Work/Projects.
  BOOST_TEST(ok("LIST \"\" *").size() == 8u);
}

BOOST_FIXTURE_TEST_CASE(status_reports_counts, MailboxFixture) {
  auto empty = ok("STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)");
  BOOST_REQUIRE_EQUAL(empty.size(), 1u);
  const auto validity = status("INBOX", "UIDVALIDITY").at("UIDVALIDITY");
  BOOST_TEST(validity != 0u);
  BOOST_TEST(empty[0] == "* STATUS \"INBOX\" (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY " + std::to_string(validity) +
                             " UNSEEN 0)");
  add_messages("INBOX", 2);
  add_messages("INBOX", 1, "(\\Seen)");
  BOOST_TEST(ok("STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)") ==
                 Lines{"* STATUS \"INBOX\" (MESSAGES 3 RECENT 0 UIDNEXT 4 UIDVALIDITY " + std::to_string(validity) +
                       " UNSEEN 2)"},
             tt::per_element());
  // Items come back in the order asked.
  BOOST_TEST(ok("STATUS inbox (UNSEEN MESSAGES)") == Lines{"* STATUS \"INBOX\" (UNSEEN 2 MESSAGES 3)"},
             tt::per_element());
  BOOST_TEST(answer("STATUS nowhere (MESSAGES)") == "NO [NONEXISTENT] No such mailbox");
  BOOST_TEST(answer("STATUS INBOX (BOGUS)").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("STATUS INBOX ()").rfind("BAD", 0) == 0u);
  // STATUS of the selected mailbox works too, and sees this session's own changes.
  ok("SELECT INBOX");
  ok("STORE 1 +FLAGS (\\Seen)");
  BOOST_TEST(status("INBOX", "UNSEEN").at("UNSEEN") == 1u);
}

BOOST_FIXTURE_TEST_CASE(modified_utf7_names_round_trip, MailboxFixture) {
  // "été" and "Entwürfe/日本語", as RFC 3501 §5.1.3 encodes them.
  BOOST_TEST(answer("CREATE \"&AOk-t&AOk-\"") .rfind("OK [MAILBOXID (", 0) == 0u);
  BOOST_TEST(answer("CREATE \"Entw&APw-rfe/&ZeVnLIqe-\"") .rfind("OK [MAILBOXID (", 0) == 0u);
  BOOST_TEST(answer("CREATE \"Tom &- Jerry &- co\"") .rfind("OK [MAILBOXID (", 0) == 0u);  // "&-" is a literal "&"
  // A bare "&" is not valid modified UTF-7 (RFC 3501 §5.1.3).
  BOOST_TEST(answer("CREATE \"Tom & Jerry\"") == "NO [CANNOT] Invalid mailbox name encoding");
  // Raw 8-bit is not modified UTF-7 either.
  BOOST_TEST(answer("CREATE \"\xc3\xa9t\xc3\xa9\"") == "NO [CANNOT] Invalid mailbox name encoding");
  BOOST_TEST(
      ok("LIST \"\" *") ==
          (Lines{kArchive, kDrafts, "* LIST (\\HasChildren) \"/\" \"Entw&APw-rfe\"",
                 "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe/&ZeVnLIqe-\"", kInbox, kJunk, kSent,
                 "* LIST (\\HasNoChildren) \"/\" \"Tom &- Jerry &- co\"", kTrash,
                 "* LIST (\\HasNoChildren) \"/\" \"&AOk-t&AOk-\""}),  // sorted by the UTF-8 names
      tt::per_element());
  BOOST_TEST(answer("CREATE \"Tom &- Jerry &- co\"") == "NO [ALREADYEXISTS] Mailbox already exists");
  BOOST_TEST(ok("LIST \"\" \"&AOk-*\"") == Lines{"* LIST (\\HasNoChildren) \"/\" \"&AOk-t&AOk-\""}, tt::per_element());
  BOOST_TEST(ok("STATUS \"&AOk-t&AOk-\" (MESSAGES)") == Lines{"* STATUS \"&AOk-t&AOk-\" (MESSAGES 0)"},
             tt::per_element());
  add_messages("\"Entw&APw-rfe/&ZeVnLIqe-\"", 1);
  BOOST_TEST(answer("SELECT \"Entw&APw-rfe/&ZeVnLIqe-\"") == "OK [READ-WRITE] SELECT completed");
  BOOST_TEST(answer("RENAME \"&AOk-t&AOk-\" \"&AOk-t&AOk-/&AOk-t&AOk-\"").rfind("NO ", 0) == 0u);
  BOOST_TEST(answer("RENAME \"&AOk-t&AOk-\" \"Hiver/&AOk-t&AOk-\"") == "OK RENAME completed");
  BOOST_TEST(ok("LIST \"\" Hiver/%") == Lines{"* LIST (\\HasNoChildren) \"/\" \"Hiver/&AOk-t&AOk-\""},
             tt::per_element());
  ok("SUBSCRIBE \"Hiver/&AOk-t&AOk-\"");
  BOOST_TEST(ok("LSUB \"\" H*") == Lines{"* LSUB () \"/\" \"Hiver/&AOk-t&AOk-\""}, tt::per_element());
  BOOST_TEST(answer("DELETE \"Hiver/&AOk-t&AOk-\"") == "OK DELETE completed");
}

BOOST_FIXTURE_TEST_CASE(quoted_and_literal_names_round_trip, MailboxFixture) {
  BOOST_TEST(answer("CREATE \"a\\\"b\\\\c\"") .rfind("OK [MAILBOXID (", 0) == 0u);  // a"b\c
  client().send("l1 CREATE {3}\r\n");
  BOOST_TEST(client().read_line() == "+ Ready for literal data");
  client().send("x\\y\r\n");
  const auto created = client().read_response("l1");
  BOOST_REQUIRE_EQUAL(created.size(), 1u);
  BOOST_TEST(created[0].rfind("l1 OK [MAILBOXID (", 0) == 0u, created[0]);  // RFC 8474 §4.1
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{kArchive, kDrafts, kInbox, kJunk, kSent, kTrash,
                        "* LIST (\\HasNoChildren) \"/\" \"a\\\"b\\\\c\"", "* LIST (\\HasNoChildren) \"/\" \"x\\\\y\""}),
             tt::per_element());
  BOOST_TEST(ok("STATUS \"x\\\\y\" (MESSAGES)") == Lines{"* STATUS \"x\\\\y\" (MESSAGES 0)"}, tt::per_element());
  client().send("l2 SELECT {5}\r\n");
  BOOST_TEST(client().read_line() == "+ Ready for literal data");
  client().send("a\"b\\c\r\n");
  BOOST_TEST(client().read_response("l2").back() == "l2 OK [READ-WRITE] SELECT completed");
}

BOOST_FIXTURE_TEST_CASE(mailbox_names_survive_a_restart, MailboxFixture) {
  ok("CREATE \"&AOk-t&AOk-/Sub\"");
  ok("RENAME \"&AOk-t&AOk-\" Summer");
  ok("SUBSCRIBE Summer/Sub");
  ok("UNSUBSCRIBE INBOX");
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(
      ok("LIST \"\" *") == (Lines{kArchive, kDrafts, kInbox, kJunk, kSent, "* LIST (\\HasChildren) \"/\" \"Summer\"",
                                  "* LIST (\\HasNoChildren) \"/\" \"Summer/Sub\"", kTrash}),
      tt::per_element());
  BOOST_TEST(ok("LSUB \"\" *") == (Lines{"* LSUB () \"/\" \"Archive\"", "* LSUB () \"/\" \"Drafts\"",
                                          "* LSUB () \"/\" \"Junk\"", "* LSUB () \"/\" \"Sent\"",
                                          "* LSUB () \"/\" \"Summer/Sub\"", "* LSUB () \"/\" \"Trash\""}),
             tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
