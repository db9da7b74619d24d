// RFC 5819 (LIST-STATUS) over the real server: the capability; the §3 examples (a STATUS right after the LIST of
// each selectable mailbox, none after a name that is not a mailbox or is listed only for CHILDINFO); the STATUS
// line is the one the STATUS command gives, for every item it supports and in the order asked; none for a
// subscribed name that does not exist; modified UTF-7 names; combined with SPECIAL-USE and several patterns; the
// errors (an item this server does not support, malformed item lists).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

// INBOX with 3 messages (one \Seen), "foo" with 2, and "bar", which only holds "bar/x" (deleted with a child).
struct StatusAccount : AliceSession {
  StatusAccount() {
    for (const char* name : {"Drafts", "Sent", "Trash", "Junk", "Archive"}) {
      ok(std::string("DELETE ") + name);  // the RFC's examples have no special-use mailboxes
      ok(std::string("UNSUBSCRIBE ") + name);
    }
    ok("CREATE foo");
    ok("CREATE bar/x");
    ok("DELETE bar");
    append("INBOX", make_message(1, 400, Body::ascii), "(\\Seen)");
    append("INBOX", make_message(2, 500, Body::ascii));
    append("INBOX", make_message(3, 600, Body::ascii));
    append("foo", make_message(4, 700, Body::ascii));
    append("foo", make_message(5, 800, Body::ascii));
  }
  // The STATUS command's own answer, for comparison.
  std::string status(const std::string& mailbox, const std::string& items) {
    auto lines = ok("STATUS " + mailbox + " (" + items + ")");
    // STATUS (HIGHESTMODSEQ) enables CONDSTORE, which reports the selected mailbox's HIGHESTMODSEQ the first time
    // (RFC 7162 §3.1): not part of the STATUS answer.
    std::erase_if(lines, [](const std::string& l) { return l.rfind("* OK [HIGHESTMODSEQ ", 0) == 0; });
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    return lines[0];
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc5819_list_status)

BOOST_FIXTURE_TEST_CASE(capability_advertised, AliceSession) {
  const auto caps = " " + ok("CAPABILITY").at(0) + " ";
  BOOST_TEST(caps.find(" LIST-STATUS ") != std::string::npos, caps);
  BOOST_TEST(caps.find(" LIST-EXTENDED ") != std::string::npos, caps);  // LIST-STATUS extends it
}

BOOST_FIXTURE_TEST_CASE(rfc_examples, StatusAccount) {
  // Example 1: "bar" is no mailbox: its LIST has no STATUS after it.
  BOOST_TEST(ok("LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))") ==
                 (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 3 UNSEEN 2)",
                        "* LIST (\\NonExistent \\HasChildren) \"/\" \"bar\"", "* LIST (\\HasNoChildren) \"/\" \"foo\"",
                        "* STATUS \"foo\" (MESSAGES 2 UNSEEN 2)"}),
             tt::per_element());
  // Example 2: "foo" is listed for its subscribed child only, so it gets no STATUS.
  ok("CREATE foo/sub");
  ok("SUBSCRIBE foo/sub");
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))") ==
                 (Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 3)",
                        "* LIST (\\HasChildren) \"/\" \"foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"}),
             tt::per_element());
  // The same with "*": "foo/sub" itself meets the criteria and gets its STATUS.
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" * RETURN (STATUS (MESSAGES))") ==
                 (Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 3)",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"foo/sub\"",
                        "* STATUS \"foo/sub\" (MESSAGES 0)"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(status_lines_equal_the_status_command, StatusAccount) {
  const std::string items = "MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ APPENDLIMIT";
  ok("SELECT INBOX");
  ok("STORE 2 +FLAGS (\\Deleted)");
  const auto listed = ok("LIST \"\" (INBOX foo) RETURN (STATUS (" + items + "))");
  BOOST_TEST(listed == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"", status("INBOX", items),
                              "* LIST (\\HasNoChildren) \"/\" \"foo\"", status("foo", items)}),
             tt::per_element());
  BOOST_TEST(listed.at(1).find(" DELETED 1 ") != std::string::npos, listed.at(1));
  // Items come in the order asked, lower case accepted.
  BOOST_TEST(ok("LIST \"\" foo RETURN (STATUS (unseen messages))") ==
                 (Lines{"* LIST (\\HasNoChildren) \"/\" \"foo\"", "* STATUS \"foo\" (UNSEEN 2 MESSAGES 2)"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(only_existing_mailboxes_get_status, StatusAccount) {
  ok("SUBSCRIBE Gone");  // subscribed, never a mailbox: \NonExistent, no STATUS
  ok("SUBSCRIBE bar");   // subscribed parent without a mailbox behind it: the same
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" * RETURN (STATUS (MESSAGES) CHILDREN)") ==
                 (Lines{"* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"Gone\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 3)",
                        "* LIST (\\NonExistent \\HasChildren \\Subscribed) \"/\" \"bar\""}),
             tt::per_element());
  // Without STATUS nothing else changes.
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" *") ==
                 (Lines{"* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"Gone\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
                        "* LIST (\\NonExistent \\HasChildren \\Subscribed) \"/\" \"bar\""}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(default_mailboxes_and_special_use, AliceSession) {
  append("Sent", make_message(9, 300, Body::ascii), "(\\Seen)");
  ok("CREATE Entw&APw-rfe (USE (\\Drafts))");
  BOOST_TEST(ok("LIST (SPECIAL-USE) \"\" * RETURN (STATUS (MESSAGES UNSEEN))") ==
                 (Lines{"* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                        "* STATUS \"Archive\" (MESSAGES 0 UNSEEN 0)",
                        "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                        "* STATUS \"Drafts\" (MESSAGES 0 UNSEEN 0)",
                        "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\"",
                        "* STATUS \"Entw&APw-rfe\" (MESSAGES 0 UNSEEN 0)",
                        "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                        "* STATUS \"Junk\" (MESSAGES 0 UNSEEN 0)",
                        "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                        "* STATUS \"Sent\" (MESSAGES 1 UNSEEN 0)",
                        "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
                        "* STATUS \"Trash\" (MESSAGES 0 UNSEEN 0)"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, AliceSession) {
  BOOST_TEST(answer("LIST \"\" * RETURN (STATUS (DELETED-STORAGE))") == "BAD STATUS item not supported");
  BOOST_TEST(answer("LIST \"\" * RETURN (STATUS (MESSAGES DELETED-STORAGE))") == "BAD STATUS item not supported");
  BOOST_TEST(answer("LIST \"\" * RETURN (STATUS ())") == "BAD expected status item");
  BOOST_TEST(answer("LIST \"\" * RETURN (STATUS MESSAGES)") == "BAD expected '(' before status items");
  BOOST_TEST(answer("LIST \"\" * RETURN (STATUS)") == "BAD expected SP after STATUS");
  BOOST_TEST(answer("LIST \"\" * RETURN (STATUS (MESSAGES FOO))") == "BAD unknown STATUS item FOO");
  // Nothing was written before the BAD, and the session goes on.
  BOOST_TEST(ok("LIST \"\" INBOX RETURN (STATUS (MESSAGES))") ==
                 (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 0)"}),
             tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
