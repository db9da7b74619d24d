// RFC 3348 (CHILDREN) over the real server: the capability; every LIST answer carries \HasChildren or
// \HasNoChildren (§3), whatever the pattern matched (a child need not be listed for its parent to have children),
// as in §4's example; they follow CREATE, DELETE and RENAME of children, including INBOX's; a parent that exists only
// because of its children is \Noselect \HasChildren and goes away with its last child; never both attributes.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

std::string has(const std::string& name) { return "* LIST (\\HasChildren) \"/\" \"" + name + "\""; }
std::string hasno(const std::string& name) { return "* LIST (\\HasNoChildren) \"/\" \"" + name + "\""; }
std::string noselect(const std::string& name) { return "* LIST (\\Noselect \\HasChildren) \"/\" \"" + name + "\""; }

const std::string kArchive = "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"";
const std::string kDrafts = "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"";
const std::string kJunk = "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"";
const std::string kSent = "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"";
const std::string kTrash = "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"";

// A new account's mailboxes with INBOX as given, plus `extra`, in the server's order: by name, byte by byte.
Lines with_defaults(const std::string& inbox, Lines extra) {
  Lines out{kArchive, kDrafts, inbox, kJunk, kSent, kTrash};
  out.insert(out.end(), extra.begin(), extra.end());
  const auto name = [](const std::string& line) { return line.substr(line.find("\"/\" \"")); };
  std::sort(out.begin(), out.end(), [&](const std::string& x, const std::string& y) { return name(x) < name(y); });
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3348_children)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, AliceSession) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" CHILDREN ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(rfc_example, AliceSession) {
  // §4: INBOX \HasNoChildren, ITEM_1 \HasChildren, ITEM_1/ITEM_1A \HasNoChildren. (ITEM_2's children in the
  // example are hidden from the user by access rights; this server has none, so ITEM_2 is left out.)
  ok("CREATE ITEM_1/ITEM_1A");
  BOOST_TEST(c->command("A001", "LIST \"\" *") == "A001 OK LIST completed");
  BOOST_TEST(c->last_untagged() == with_defaults(hasno("INBOX"), {has("ITEM_1"), hasno("ITEM_1/ITEM_1A")}),
             tt::per_element());
  // The attributes do not depend on the pattern: "%" does not list ITEM_1A, ITEM_1 still has children.
  BOOST_TEST(ok("LIST \"\" %") == with_defaults(hasno("INBOX"), {has("ITEM_1")}), tt::per_element());
  BOOST_TEST(ok("LIST \"\" ITEM_1") == Lines{has("ITEM_1")}, tt::per_element());
  BOOST_TEST(ok("LIST ITEM_1/ %") == Lines{hasno("ITEM_1/ITEM_1A")}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(create_and_delete_children, AliceSession) {
  ok("CREATE Work");
  BOOST_TEST(ok("LIST \"\" Work") == Lines{hasno("Work")}, tt::per_element());
  ok("CREATE Work/a");
  BOOST_TEST(ok("LIST \"\" Work*") == (Lines{has("Work"), hasno("Work/a")}), tt::per_element());
  ok("CREATE Work/b/c");
  BOOST_TEST(ok("LIST \"\" Work*") == (Lines{has("Work"), hasno("Work/a"), has("Work/b"), hasno("Work/b/c")}),
             tt::per_element());
  ok("DELETE Work/b/c");
  BOOST_TEST(ok("LIST \"\" Work*") == (Lines{has("Work"), hasno("Work/a"), hasno("Work/b")}), tt::per_element());
  ok("DELETE Work/b");
  ok("DELETE Work/a");
  BOOST_TEST(ok("LIST \"\" Work*") == Lines{hasno("Work")}, tt::per_element());
  // INBOX can have children too.
  ok("CREATE INBOX/sub");
  BOOST_TEST(ok("LIST \"\" INBOX*") == (Lines{has("INBOX"), hasno("INBOX/sub")}), tt::per_element());
  ok("DELETE INBOX/sub");
  BOOST_TEST(ok("LIST \"\" INBOX") == Lines{hasno("INBOX")}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(rename_moves_children, AliceSession) {
  ok("CREATE a/b");
  ok("CREATE c");
  // Renaming the child out: a loses its child, c gains one.
  ok("RENAME a/b c/b");
  BOOST_TEST(ok("LIST \"\" *") == with_defaults(hasno("INBOX"), {hasno("a"), has("c"), hasno("c/b")}),
             tt::per_element());
  // Renaming the parent takes the children along.
  ok("RENAME c d");
  BOOST_TEST(ok("LIST \"\" *") == with_defaults(hasno("INBOX"), {hasno("a"), has("d"), hasno("d/b")}),
             tt::per_element());
  // Renaming into a new hierarchy creates the superiors, which have children.
  ok("RENAME a x/y/a");
  BOOST_TEST(ok("LIST \"\" *") == with_defaults(hasno("INBOX"), {has("d"), hasno("d/b"), has("x"), has("x/y"),
                                                                  hasno("x/y/a")}),
             tt::per_element());
  // RENAME INBOX moves its messages, not its children: INBOX keeps them.
  ok("CREATE INBOX/keep");
  ok("RENAME INBOX Old");
  BOOST_TEST(ok("LIST \"\" *") == with_defaults(has("INBOX"), {hasno("INBOX/keep"), hasno("Old"), has("d"),
                                                                hasno("d/b"), has("x"), has("x/y"), hasno("x/y/a")}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(noselect_parents, AliceSession) {
  ok("CREATE foo/bar");
  ok("CREATE foo/baz");
  // Deleting a mailbox that has children leaves it \Noselect, still \HasChildren (RFC 3501 §6.3.4).
  ok("DELETE foo");
  BOOST_TEST(ok("LIST \"\" foo*") == (Lines{noselect("foo"), hasno("foo/bar"), hasno("foo/baz")}), tt::per_element());
  BOOST_TEST(ok("LIST \"\" %") == with_defaults(hasno("INBOX"), {noselect("foo")}), tt::per_element());
  // One child left: still \HasChildren.
  ok("DELETE foo/bar");
  BOOST_TEST(ok("LIST \"\" foo*") == (Lines{noselect("foo"), hasno("foo/baz")}), tt::per_element());
  // The last child renamed away: the \Noselect name has nothing left and is gone.
  ok("RENAME foo/baz elsewhere");
  BOOST_TEST(ok("LIST \"\" foo*").empty());
  BOOST_TEST(ok("LIST \"\" *") == with_defaults(hasno("INBOX"), {hasno("elsewhere")}), tt::per_element());
  // And when the last child is deleted.
  ok("CREATE p/q");
  ok("DELETE p");
  BOOST_TEST(ok("LIST \"\" p*") == (Lines{noselect("p"), hasno("p/q")}), tt::per_element());
  ok("DELETE p/q");
  BOOST_TEST(ok("LIST \"\" p*").empty());
  // CREATE on the \Noselect name makes it a mailbox again, with its children.
  ok("CREATE r/s");
  ok("DELETE r");
  ok("CREATE r");
  BOOST_TEST(ok("LIST \"\" r*") == (Lines{has("r"), hasno("r/s")}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors_leave_the_attributes_alone, AliceSession) {
  ok("CREATE a/b");
  BOOST_TEST(answer("CREATE a/b") == "NO [ALREADYEXISTS] Mailbox already exists");
  BOOST_TEST(answer("RENAME a a/b/c").rfind("NO ", 0) == 0u);
  BOOST_TEST(answer("DELETE a/nothing") == "NO [NONEXISTENT] No such mailbox");
  ok("DELETE a");
  BOOST_TEST(answer("DELETE a").rfind("NO ", 0) == 0u);  // \Noselect with inferiors
  BOOST_TEST(ok("LIST \"\" a*") == (Lines{noselect("a"), hasno("a/b")}), tt::per_element());
  BOOST_TEST(answer("SELECT a") == "NO [NONEXISTENT] No such mailbox");
}

BOOST_AUTO_TEST_SUITE_END()
