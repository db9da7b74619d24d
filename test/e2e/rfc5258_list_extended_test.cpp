// RFC 5258 (LIST-EXTENDED) over the real server: the capability; the §5 examples 1-11 on their own hierarchies
// (the account's default special-use mailboxes deleted and unsubscribed first, so the listings are the RFC's);
// SUBSCRIBED selection with \Subscribed and \NonExistent for a subscribed name that was deleted (§3.1); REMOTE,
// which adds nothing here; RECURSIVEMATCH and CHILDINFO (§3.5), suppressed when redundant; the SUBSCRIBED and
// CHILDREN return options (§3.2, §4); several patterns, one line per name (§3); the empty pattern, special only in
// the RFC 3501 form; a \Noselect parent listed \NonExistent in the extended form; options combined with RFC 6154
// SPECIAL-USE; and the errors (§3: RECURSIVEMATCH alone or with REMOTE, unknown options are BAD).
//
// Attributes are always in this order: \NonExistent or \Noselect, \HasChildren or \HasNoChildren (always given),
// special use, \Subscribed; extended data last. The server lists names in byte order.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

const char* const kDefaults[] = {"Drafts", "Sent", "Trash", "Junk", "Archive"};

// A session on an account that holds only INBOX (subscribed), like the RFC's examples.
struct BareAccount : AliceSession {
  BareAccount() {
    for (const char* name : kDefaults) {
      ok(std::string("DELETE ") + name);
      ok(std::string("UNSUBSCRIBE ") + name);
    }
    BOOST_TEST(ok("LIST \"\" *") == Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\""}, tt::per_element());
  }
  void create(const Lines& names) {
    for (const auto& name : names) ok("CREATE " + name);
  }
  void subscribe(const Lines& names) {
    for (const auto& name : names) ok("SUBSCRIBE " + name);
  }
};

// RFC 5258 §5 example 1's hierarchy with example 2's subscriptions: "Fruit/Peach" subscribed, then deleted.
struct FruitAccount : BareAccount {
  FruitAccount() {
    create({"Fruit/Apple", "Fruit/Banana", "Fruit/Peach", "Tofu", "Vegetable/Broccoli", "Vegetable/Corn"});
    subscribe({"Fruit/Banana", "Fruit/Peach", "Vegetable", "Vegetable/Broccoli"});
    ok("DELETE Fruit/Peach");
  }
};

const Lines kFruitSubscribed = {
    "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Fruit/Banana\"",
    "* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"Fruit/Peach\"",
    "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
    "* LIST (\\HasChildren \\Subscribed) \"/\" \"Vegetable\"",
    "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Vegetable/Broccoli\"",
};

const Lines kFruitTopLevel = {
    "* LIST (\\HasChildren) \"/\" \"Fruit\"",
    "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
    "* LIST (\\HasNoChildren) \"/\" \"Tofu\"",
    "* LIST (\\HasChildren) \"/\" \"Vegetable\"",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc5258_list_extended)

BOOST_FIXTURE_TEST_CASE(capability_advertised, AliceSession) {
  const auto caps = " " + ok("CAPABILITY").at(0) + " ";
  BOOST_TEST(caps.find(" LIST-EXTENDED ") != std::string::npos, caps);
}

BOOST_FIXTURE_TEST_CASE(examples_1_to_6_fruit_hierarchy, FruitAccount) {
  // Example 1: the whole hierarchy.
  BOOST_TEST(ok("LIST \"\" \"*\"") == (Lines{"* LIST (\\HasChildren) \"/\" \"Fruit\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"Fruit/Apple\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"Fruit/Banana\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"Tofu\"",
                                             "* LIST (\\HasChildren) \"/\" \"Vegetable\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"Vegetable/Broccoli\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"Vegetable/Corn\""}),
             tt::per_element());
  // Example 2: subscribed names, the deleted "Fruit/Peach" as \NonExistent; "Fruit" is not subscribed.
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" \"*\"") == kFruitSubscribed, tt::per_element());
  // LSUB is not the same thing: no \NonExistent there.
  BOOST_TEST(ok("LSUB \"\" \"*\"") == (Lines{"* LSUB () \"/\" \"Fruit/Banana\"", "* LSUB () \"/\" \"Fruit/Peach\"",
                                             "* LSUB () \"/\" \"INBOX\"", "* LSUB () \"/\" \"Vegetable\"",
                                             "* LSUB () \"/\" \"Vegetable/Broccoli\""}),
             tt::per_element());
  // Example 3: CHILDREN; example 4: REMOTE adds nothing (this server has no remote mailboxes).
  BOOST_TEST(ok("LIST () \"\" \"%\" RETURN (CHILDREN)") == kFruitTopLevel, tt::per_element());
  BOOST_TEST(ok("LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)") == kFruitTopLevel, tt::per_element());
  // Example 5: two selection options.
  BOOST_TEST(ok("LIST (REMOTE SUBSCRIBED) \"\" \"*\"") == kFruitSubscribed, tt::per_element());
  // Example 6: the SUBSCRIBED return option lists existing mailboxes only (no "Fruit/Peach").
  BOOST_TEST(ok("LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)") ==
                 (Lines{"* LIST (\\HasChildren) \"/\" \"Fruit\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Fruit/Apple\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Fruit/Banana\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Tofu\"",
                        "* LIST (\\HasChildren \\Subscribed) \"/\" \"Vegetable\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Vegetable/Broccoli\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Vegetable/Corn\""}),
             tt::per_element());
  // Options are case-insensitive and may repeat (§3: as if given once); the order is not significant.
  BOOST_TEST(ok("list (subscribed Remote SUBSCRIBED) \"\" * return (Children subscribed)") == kFruitSubscribed,
             tt::per_element());
  // With a reference: "Fruit/" + "%".
  BOOST_TEST(ok("LIST (SUBSCRIBED) Fruit/ %") == (Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Fruit/Banana\"",
                                                        "* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" "
                                                        "\"Fruit/Peach\""}),
             tt::per_element());
  // Created again, the subscribed name is an ordinary mailbox.
  ok("CREATE Fruit/Peach");
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" Fruit/P*") ==
                 Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Fruit/Peach\""},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(example_7_several_patterns, AliceSession) {
  // The account's own hierarchy: INBOX and the default mailboxes, plus three under Sent.
  for (const char* name : {"Sent/March2004", "Sent/December2003", "Sent/August2004"}) ok(std::string("CREATE ") + name);
  BOOST_TEST(ok("LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")") ==
                 (Lines{"* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                        "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Sent/August2004\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Sent/December2003\"",
                        "* LIST (\\HasNoChildren) \"/\" \"Sent/March2004\""}),
             tt::per_element());
  // A name that several patterns match is listed once (§3).
  BOOST_TEST(ok("LIST \"\" (INBOX inbox IN* *BOX %)") ==
                 (Lines{"* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                        "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                        "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                        "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                        "* LIST (\\HasChildren \\Sent) \"/\" \"Sent\"",
                        "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""}),
             tt::per_element());
  // One pattern in parentheses is an extended LIST too; patterns that match nothing add nothing.
  BOOST_TEST(ok("LIST \"\" (Sent)") == Lines{"* LIST (\\HasChildren \\Sent) \"/\" \"Sent\""}, tt::per_element());
  BOOST_TEST(ok("LIST \"\" (nothing no/%)").empty());
}

BOOST_FIXTURE_TEST_CASE(example_8_childinfo_and_haschildren, BareAccount) {
  create({"Foo/Bar", "Foo/Baz", "Moo"});
  BOOST_TEST(ok("LIST \"\" \"%\" RETURN (CHILDREN)") == (Lines{"* LIST (\\HasChildren) \"/\" \"Foo\"",
                                                               "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                                               "* LIST (\\HasNoChildren) \"/\" \"Moo\""}),
             tt::per_element());
  // A) only "Foo/Baz" is subscribed.
  ok("UNSUBSCRIBE INBOX");
  ok("SUBSCRIBE Foo/Baz");
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" \"*\"") == Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Baz\""},
             tt::per_element());
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" \"%\"").empty());
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"") ==
                 Lines{"* LIST (\\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"},
             tt::per_element());
  // A1) "Foo" subscribed too.
  ok("SUBSCRIBE Foo");
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"") ==
                 Lines{"* LIST (\\HasChildren \\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"},
             tt::per_element());
  // A2) "Foo" neither subscribed nor a mailbox (deleted: its children keep it as a parent).
  ok("UNSUBSCRIBE Foo");
  ok("DELETE Foo");
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"") ==
                 Lines{"* LIST (\\NonExistent \\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"},
             tt::per_element());
  // B) nothing subscribed: nothing listed, although "Foo" has children.
  ok("UNSUBSCRIBE Foo/Baz");
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"").empty());
  // C) "Foo" (a mailbox again) and "Moo" subscribed: "Foo" has children, none of them subscribed: no CHILDINFO.
  ok("CREATE Foo");
  subscribe({"Foo", "Moo"});
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)") ==
                 (Lines{"* LIST (\\HasChildren \\Subscribed) \"/\" \"Foo\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Moo\""}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(example_9_childinfo_whatever_the_pattern, BareAccount) {
  create({"foo2/bar1", "foo2/bar2", "baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2/mamba", "qux2/bar2"});
  ok("DELETE qux2");  // the RFC's hierarchy has no "qux2"
  ok("UNSUBSCRIBE INBOX");
  subscribe({"foo2/bar1", "foo2/bar2", "baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2", "eps2/mamba", "qux2/bar2"});
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" \"*\"") ==
                 (Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar22\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar222\"",
                        "* LIST (\\HasChildren \\Subscribed) \"/\" \"eps2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"eps2/mamba\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"foo2/bar1\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"foo2/bar2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"qux2/bar2\""}),
             tt::per_element());
  // "foo2" for "foo2/bar1" (which "*2" does not match), "eps2" for "eps2/mamba" although it is listed anyway;
  // "baz2" and "qux2" have only children that are listed themselves: their CHILDINFO would be redundant (§3.5).
  BOOST_TEST(ok("LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*2\"") ==
                 (Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar22\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar222\"",
                        "* LIST (\\HasChildren \\Subscribed) \"/\" \"eps2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
                        "* LIST (\\HasChildren) \"/\" \"foo2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"foo2/bar2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"qux2/bar2\""}),
             tt::per_element());
  // With "*" every subscribed child is listed: the unsubscribed parents are not (§3.3 rule 2B; the RFC's own
  // example also shows "foo2" and "baz2", which that rule and §3.5 exclude). "eps2" still carries CHILDINFO.
  BOOST_TEST(ok("LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*\"") ==
                 (Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar22\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"baz2/bar222\"",
                        "* LIST (\\HasChildren \\Subscribed) \"/\" \"eps2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"eps2/mamba\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"foo2/bar1\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"foo2/bar2\"",
                        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"qux2/bar2\""}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(example_10_childinfo_without_children, BareAccount) {
  create({"foo"});
  ok("SUBSCRIBE foo/bar");  // a subscribed name that was never a mailbox
  BOOST_TEST(ok("LIST \"\" (\"foo\" \"foo/*\")") == Lines{"* LIST (\\HasNoChildren) \"/\" \"foo\""},
             tt::per_element());
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" \"foo/*\"") ==
                 Lines{"* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"foo/bar\""},
             tt::per_element());
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" foo RETURN (CHILDREN)") ==
                 Lines{"* LIST (\\HasNoChildren) \"/\" \"foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"},
             tt::per_element());
  // RECURSIVEMATCH also brings back a parent that is neither a mailbox nor subscribed.
  ok("SUBSCRIBE zed/deep/er");
  BOOST_TEST(ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" z%") ==
                 Lines{"* LIST (\\NonExistent \\HasNoChildren) \"/\" \"zed\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"},
             tt::per_element());
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" z%").empty());
}

BOOST_FIXTURE_TEST_CASE(example_11_missing_parents, BareAccount) {
  create({"music/rock"});
  ok("DELETE music");  // leaves "music" as a parent with no mailbox behind it
  // The RFC 3501 form keeps calling it \Noselect and lists it for "%" and "*".
  BOOST_TEST(ok("LIST \"\" %") == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                         "* LIST (\\Noselect \\HasChildren) \"/\" \"music\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST \"\" *") ==
                 (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "* LIST (\\Noselect \\HasChildren) \"/\" \"music\"",
                        "* LIST (\\HasNoChildren) \"/\" \"music/rock\""}),
             tt::per_element());
  // The extended form: \NonExistent, and only while "music/rock" is not listed itself.
  BOOST_TEST(ok("LIST () \"\" %") == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                            "* LIST (\\NonExistent \\HasChildren) \"/\" \"music\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST (REMOTE) \"\" %") == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                                  "* LIST (\\NonExistent \\HasChildren) \"/\" \"music\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST \"\" (% music/rock)") == (Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                                      "* LIST (\\HasNoChildren) \"/\" \"music/rock\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST () \"\" m*") == Lines{"* LIST (\\HasNoChildren) \"/\" \"music/rock\""}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(empty_pattern_is_special_only_without_extensions, AliceSession) {
  BOOST_TEST(ok("LIST \"\" \"\"") == Lines{"* LIST (\\Noselect) \"/\" \"\""}, tt::per_element());
  BOOST_TEST(ok("LIST () \"\" \"\"").empty());
  BOOST_TEST(ok("LIST \"\" \"\" RETURN (CHILDREN)").empty());
  BOOST_TEST(ok("LIST \"\" (\"\")").empty());
  BOOST_TEST(ok("LIST \"\" (\"\" INBOX)") == Lines{"* LIST (\\HasNoChildren) \"/\" \"INBOX\""}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(special_use_combined_with_subscribed, AliceSession) {
  ok("UNSUBSCRIBE Junk");
  ok("CREATE Mine (USE (\\Sent))");
  ok("SUBSCRIBE Mine");
  ok("SUBSCRIBE Gone");  // subscribed but no mailbox: never special-use
  BOOST_TEST(ok("LIST (SPECIAL-USE SUBSCRIBED) \"\" *") ==
                 (Lines{"* LIST (\\HasNoChildren \\Archive \\Subscribed) \"/\" \"Archive\"",
                        "* LIST (\\HasNoChildren \\Drafts \\Subscribed) \"/\" \"Drafts\"",
                        "* LIST (\\HasNoChildren \\Sent \\Subscribed) \"/\" \"Mine\"",
                        "* LIST (\\HasNoChildren \\Sent \\Subscribed) \"/\" \"Sent\"",
                        "* LIST (\\HasNoChildren \\Trash \\Subscribed) \"/\" \"Trash\""}),
             tt::per_element());
  BOOST_TEST(ok("LIST (SPECIAL-USE) \"\" (J* T*) RETURN (SUBSCRIBED SPECIAL-USE)") ==
                 (Lines{"* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                        "* LIST (\\HasNoChildren \\Trash \\Subscribed) \"/\" \"Trash\""}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, AliceSession) {
  // §3: RECURSIVEMATCH needs a base option (SUBSCRIBED); REMOTE and SPECIAL-USE are not base options.
  BOOST_TEST(answer("LIST (RECURSIVEMATCH) \"\" %") == "BAD RECURSIVEMATCH needs SUBSCRIBED");
  BOOST_TEST(answer("LIST (REMOTE RECURSIVEMATCH) \"\" %") == "BAD RECURSIVEMATCH needs SUBSCRIBED");
  BOOST_TEST(answer("LIST (SPECIAL-USE RECURSIVEMATCH) \"\" %") == "BAD RECURSIVEMATCH needs SUBSCRIBED");
  // §3: unknown options are BAD.
  BOOST_TEST(answer("LIST (FOO) \"\" %") == "BAD unknown LIST selection option FOO");
  BOOST_TEST(answer("LIST \"\" % RETURN (FOO)") == "BAD unknown LIST return option FOO");
  BOOST_TEST(answer("LIST \"\" % RETURN (STATUS (BOGUS))") == "BAD unknown STATUS item BOGUS");
  BOOST_TEST(answer("LIST \"\" % CHILDREN") == "BAD expected RETURN");
  BOOST_TEST(answer("LIST \"\" % RETURN CHILDREN") == "BAD expected '(' after RETURN");
  BOOST_TEST(answer("LIST \"\" ()") == "BAD expected mailbox pattern");
  BOOST_TEST(answer("LIST \"\" (INBOX") == "BAD expected ')' after mailbox patterns");
  BOOST_TEST(answer("LIST (SUBSCRIBED \"\" %").rfind("BAD ", 0) == 0u);
  BOOST_TEST(answer("LIST (SUBSCRIBED)") == "BAD expected SP after selection options");
  BOOST_TEST(answer("LIST \"\" (INBOX \"&Jjo!\")") == "NO [CANNOT] Invalid mailbox name encoding");
  // None of that changed anything, and the session goes on.
  BOOST_TEST(ok("LIST (SUBSCRIBED) \"\" INBOX") == Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\""},
             tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
