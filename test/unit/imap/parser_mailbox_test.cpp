// Parser: SELECT/EXAMINE with RFC 4466 select-params (CONDSTORE, QRESYNC, unknown ones kept raw), CREATE (USE),
// DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (basic and RFC 5258 extended), LSUB, XLIST, STATUS, and APPEND
// (flags, date-time, MULTIAPPEND, literal8, UTF8). Every command is framed whole, split and byte by byte first.
#include <boost/test/unit_test.hpp>

#include <string>

#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;
using SV = std::vector<std::string_view>;
using namespace std::literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(parser_mailbox)

BOOST_AUTO_TEST_CASE(select_and_examine) {
  auto s = parse_as<Select>("A142 SELECT INBOX\r\n");
  BOOST_TEST(!s->read_only);
  BOOST_TEST(s->mailbox == "INBOX");
  BOOST_TEST(!s->condstore);
  BOOST_TEST(!s->qresync.has_value());
  BOOST_TEST(s.command().name() == "SELECT");
  auto e = parse_as<Select>("A932 EXAMINE blurdybloop\r\n");
  BOOST_TEST(e->read_only);
  BOOST_TEST(e->mailbox == "blurdybloop");
  BOOST_TEST(e.command().name() == "EXAMINE");
}

BOOST_AUTO_TEST_CASE(select_params) {
  auto s = parse_as<Select>("a1 SELECT INBOX (CONDSTORE)\r\n");
  BOOST_TEST(s->condstore);
  // RFC 7162 §3.2.5.2 examples.
  auto q = parse_as<Select>("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n");
  BOOST_REQUIRE(q->qresync.has_value());
  BOOST_TEST(q->qresync->uidvalidity == 67890007u);
  BOOST_TEST(q->qresync->modseq == 20050715194045000u);
  BOOST_TEST((q->qresync->known_uids.value() == SequenceSet{{{41, 41}, {43, 211}, {214, 541}}, false}));
  BOOST_TEST(!q->qresync->seq_match.has_value());
  auto m = parse_as<Select>(
      "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 "
      "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n");
  BOOST_REQUIRE(m->qresync.has_value());
  BOOST_TEST((m->qresync->known_uids.value() == SequenceSet{{{1, 29997}}, false}));
  BOOST_REQUIRE(m->qresync->seq_match.has_value());
  BOOST_TEST(m->qresync->seq_match->first.ranges.size() == 4u);
  BOOST_TEST(m->qresync->seq_match->second.ranges.size() == 13u);
  auto minimal = parse_as<Select>("a1 EXAMINE x (QRESYNC (1 2))\r\n");
  BOOST_TEST(minimal->qresync->modseq == 2u);
  BOOST_TEST(!minimal->qresync->known_uids.has_value());
  auto only_match = parse_as<Select>("a1 SELECT x (QRESYNC (1 2 (1:2 5:6)) CONDSTORE)\r\n");
  BOOST_TEST(only_match->condstore);
  BOOST_TEST(!only_match->qresync->known_uids.has_value());
  BOOST_TEST(only_match->qresync->seq_match.has_value());
  // Unknown parameters are kept raw for the session to refuse or ignore.
  auto other = parse_as<Select>("a1 SELECT x (X-FOO X-BAR (1 \"two\" (3)) ANNOTATE 5:7)\r\n");
  BOOST_REQUIRE(other->other_params.size() == 3u);
  BOOST_TEST(other->other_params[0].name == "X-FOO");
  BOOST_TEST(other->other_params[0].value == "");
  BOOST_TEST(other->other_params[1].name == "X-BAR");
  BOOST_TEST(other->other_params[1].value == "(1 \"two\" (3))");
  BOOST_TEST(other->other_params[2].value == "5:7");
  // Errors.
  BOOST_TEST(parse_error("a1 SELECT x (QRESYNC (0 2))\r\n", "a1") == "expected non-zero UIDVALIDITY");
  BOOST_TEST(parse_error("a1 SELECT x (QRESYNC (1 0))\r\n", "a1") == "expected non-zero mod-sequence");
  BOOST_TEST(parse_error("a1 SELECT x (QRESYNC (1 2 1:*))\r\n", "a1") == "'*' not allowed in known UIDs");
  BOOST_TEST(parse_error("a1 SELECT x (QRESYNC (1 2) QRESYNC (1 2))\r\n", "a1") == "duplicate QRESYNC parameter");
  BOOST_TEST(parse_error("a1 SELECT x ()\r\n", "a1") == "expected SELECT parameter");
  BOOST_TEST(parse_error("a1 SELECT x (CONDSTORE\r\n", "a1") == "expected ')' after parameters");
  BOOST_TEST(parse_error("a1 SELECT x CONDSTORE\r\n", "a1") == "expected '(' before parameters");
}

BOOST_AUTO_TEST_CASE(create_delete_rename_subscribe) {
  auto c = parse_as<Create>("A003 CREATE owatagusiam/\r\n");
  BOOST_TEST(c->mailbox == "owatagusiam/");
  BOOST_TEST(c->special_use.empty());
  auto u = parse_as<Create>("t1 CREATE MySpecialTrash (USE (\\trash \\Archive \\X-Other))\r\n");  // RFC 6154 §5.2
  BOOST_TEST(u->special_use == (SV{"\\Trash", "\\Archive", "\\X-Other"}), boost::test_tools::per_element());
  auto u0 = parse_as<Create>("t1 CREATE x (USE () X-P 1)\r\n");
  BOOST_TEST(u0->special_use.empty());
  BOOST_REQUIRE(u0->other_params.size() == 1u);
  BOOST_TEST(u0->other_params[0].name == "X-P");
  BOOST_TEST(u0->other_params[0].value == "1");
  BOOST_TEST(parse_error("t1 CREATE x (USE (Trash))\r\n", "t1") == "expected special-use attribute");

  BOOST_TEST(parse_as<Delete>("A683 DELETE blurdybloop\r\n")->mailbox == "blurdybloop");
  auto r = parse_as<Rename>("A683 RENAME blurdybloop sarasoop\r\n");
  BOOST_TEST(r->from == "blurdybloop");
  BOOST_TEST(r->to == "sarasoop");
  BOOST_TEST(r->params.empty());
  auto ri = parse_as<Rename>("A1 RENAME inbox \"Old Mail\"\r\n");
  BOOST_TEST(ri->from == "INBOX");
  BOOST_TEST(ri->to == "Old Mail");
  BOOST_TEST(parse_as<Subscribe>("A002 SUBSCRIBE #news.comp.mail.mime\r\n")->mailbox == "#news.comp.mail.mime");
  BOOST_TEST(parse_as<Unsubscribe>("A002 UNSUBSCRIBE \"#news\"\r\n")->mailbox == "#news");
  BOOST_TEST(parse_error("A1 RENAME a\r\n", "A1") == "expected SP after existing mailbox name");
  BOOST_TEST(parse_error("A1 DELETE a b\r\n", "A1") == "unexpected characters after mailbox");
}

BOOST_AUTO_TEST_CASE(list_basic) {
  auto l = parse_as<List>("A101 LIST \"\" \"\"\r\n");
  BOOST_TEST(!l->extended);
  BOOST_TEST(l->reference == "");
  BOOST_TEST(l->patterns == (SV{""}), boost::test_tools::per_element());
  auto w = parse_as<List>("A202 LIST ~/Mail/ %\r\n");
  BOOST_TEST(w->reference == "~/Mail/");
  BOOST_TEST(w->patterns == (SV{"%"}), boost::test_tools::per_element());
  auto star = parse_as<List>("A1 LIST \"\" foo/*]%\r\n");
  BOOST_TEST(star->patterns == (SV{"foo/*]%"}), boost::test_tools::per_element());
  auto lit = parse_as<List>("A1 LIST {0}\r\n {3}\r\na b\r\n");
  BOOST_TEST(lit->patterns == (SV{"a b"}), boost::test_tools::per_element());
  BOOST_TEST(!lit->return_status.has_value());
}

BOOST_AUTO_TEST_CASE(list_extended) {
  // RFC 5258 §5 examples.
  auto a = parse_as<List>("A02 LIST (SUBSCRIBED) \"\" \"*\"\r\n");
  BOOST_TEST(a->extended);
  BOOST_TEST(a->select_subscribed);
  auto b = parse_as<List>("A03 LIST () \"\" \"%\" RETURN (CHILDREN)\r\n");
  BOOST_TEST(b->extended);
  BOOST_TEST(!b->select_subscribed);
  BOOST_TEST(b->return_children);
  auto c = parse_as<List>("A04 LIST (REMOTE SUBSCRIBED RECURSIVEMATCH) \"\" (\"INBOX\" \"Drafts\" Sent/%)\r\n");
  BOOST_TEST(c->select_remote);
  BOOST_TEST(c->select_recursive_match);
  BOOST_TEST(c->patterns == (SV{"INBOX", "Drafts", "Sent/%"}), boost::test_tools::per_element());
  // RFC 5819 LIST-STATUS and RFC 6154 SPECIAL-USE.
  auto d = parse_as<List>(
      "A05 LIST (SPECIAL-USE) \"\" \"*\" RETURN (SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN SIZE))\r\n");
  BOOST_TEST(d->select_special_use);
  BOOST_TEST(d->return_subscribed);
  BOOST_TEST(d->return_special_use);
  BOOST_TEST((d->return_status.value() ==
              std::vector<StatusItem>{StatusItem::messages, StatusItem::unseen, StatusItem::size}));
  auto e = parse_as<List>("A06 list \"\" % return ()\r\n");
  BOOST_TEST(e->extended);
  BOOST_TEST(!e->return_children);
  // Errors (RFC 5258 §3: RECURSIVEMATCH needs a base option; unknown options are BAD).
  BOOST_TEST(parse_error("A1 LIST (RECURSIVEMATCH) \"\" %\r\n", "A1") == "RECURSIVEMATCH needs SUBSCRIBED");
  BOOST_TEST(parse_error("A1 LIST (REMOTE RECURSIVEMATCH) \"\" %\r\n", "A1") == "RECURSIVEMATCH needs SUBSCRIBED");
  BOOST_TEST(parse_error("A1 LIST (FOO) \"\" %\r\n", "A1") == "unknown LIST selection option FOO");
  BOOST_TEST(parse_error("A1 LIST \"\" % RETURN (FOO)\r\n", "A1") == "unknown LIST return option FOO");
  BOOST_TEST(parse_error("A1 LIST \"\" % FOO\r\n", "A1") == "expected RETURN");
  BOOST_TEST(parse_error("A1 LIST \"\" ()\r\n", "A1") == "expected mailbox pattern");
  BOOST_TEST(parse_error("A1 LIST \"\"\r\n", "A1") == "expected SP after reference name");
}

BOOST_AUTO_TEST_CASE(lsub_and_status) {
  auto l = parse_as<Lsub>("A002 LSUB \"#news.\" \"comp.mail.*\"\r\n");
  BOOST_TEST(l->reference == "#news.");
  BOOST_TEST(l->pattern == "comp.mail.*");
  auto s = parse_as<Status>("A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n");
  BOOST_TEST(s->mailbox == "blurdybloop");
  BOOST_TEST((s->items == std::vector<StatusItem>{StatusItem::uidnext, StatusItem::messages}));
  auto all = parse_as<Status>(
      "A1 STATUS inbox (messages recent uidnext uidvalidity unseen deleted deleted-storage size highestmodseq "
      "appendlimit mailboxid)\r\n");
  BOOST_TEST(all->mailbox == "INBOX");
  BOOST_TEST((all->items == std::vector<StatusItem>{
                  StatusItem::messages, StatusItem::recent, StatusItem::uidnext, StatusItem::uidvalidity,
                  StatusItem::unseen, StatusItem::deleted, StatusItem::deleted_storage, StatusItem::size,
                  StatusItem::highestmodseq, StatusItem::appendlimit, StatusItem::mailboxid}));
  BOOST_TEST(parse_error("A1 STATUS x (MESSAGES FOO)\r\n", "A1") == "unknown STATUS item FOO");
  BOOST_TEST(parse_error("A1 STATUS x ()\r\n", "A1") == "expected status item");
  BOOST_TEST(parse_error("A1 STATUS x MESSAGES\r\n", "A1") == "expected '(' before status items");
}

BOOST_AUTO_TEST_CASE(xlist) {
  // Gmail's XLIST takes the arguments of the RFC 3501 LIST: reference and one pattern.
  auto x = parse_as<Xlist>("a1 XLIST \"\" \"*\"\r\n");
  BOOST_TEST(x->reference == "");
  BOOST_TEST(x->pattern == "*");
  BOOST_TEST(x.command().name() == "XLIST");
  auto lower = parse_as<Xlist>("a2 xlist Work/ %\r\n");
  BOOST_TEST(lower->reference == "Work/");
  BOOST_TEST(lower->pattern == "%");
  auto literal = parse_as<Xlist>("a3 XLIST {0}\r\n {3}\r\nIN*\r\n");
  BOOST_TEST(literal->reference == "");
  BOOST_TEST(literal->pattern == "IN*");
  auto empty = parse_as<Xlist>("a4 XLIST \"\" \"\"\r\n");
  BOOST_TEST(empty->pattern == "");
  // No selection or return options, no pattern lists: those are LIST-EXTENDED syntax.
  BOOST_TEST(parse_error("a1 XLIST (SUBSCRIBED) \"\" *\r\n", "a1") == "expected reference name");
  BOOST_TEST(parse_error("a1 XLIST \"\" (INBOX Sent)\r\n", "a1") == "expected mailbox pattern");
  BOOST_TEST(parse_error("a1 XLIST \"\" * RETURN (CHILDREN)\r\n", "a1") ==
             "unexpected characters after mailbox pattern");
  BOOST_TEST(parse_error("a1 XLIST \"\"\r\n", "a1") == "expected SP after reference name");
  BOOST_TEST(parse_error("a1 XLIST\r\n", "a1") == "expected SP after XLIST");
}

BOOST_AUTO_TEST_CASE(append_single) {
  // RFC 3501 §6.3.11 example.
  const std::string msg =
      "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.COM>\r\n"
      "Subject: afternoon meeting\r\nTo: mooch@owatagu.siam.edu\r\nMessage-Id: "
      "<B27397-0100000@Blurdybloop.COM>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n"
      "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
  const std::string wire = "A003 APPEND saved-messages (\\Seen) {" + std::to_string(msg.size()) + "}\r\n" + msg +
                           "\r\n";
  const Framed f = frame_one(wire);
  BOOST_TEST(f.bodies == std::vector<std::string>{msg}, boost::test_tools::per_element());
  auto a = Parsed<Append>(parse_wire(wire));
  BOOST_TEST(a->mailbox == "saved-messages");
  BOOST_REQUIRE(a->messages.size() == 1u);
  BOOST_TEST(a->messages[0].flags == (SV{"\\Seen"}), boost::test_tools::per_element());
  BOOST_TEST(!a->messages[0].internal_date.has_value());
  BOOST_TEST(a->messages[0].size == msg.size());
  BOOST_TEST(!a->messages[0].literal8);
  BOOST_TEST(!a->messages[0].utf8);
}

BOOST_AUTO_TEST_CASE(append_options_and_multiappend) {
  auto a = parse_as<Append>(
      "a1 APPEND inbox (\\seen $Forwarded) \" 7-Feb-1994 21:52:25 -0800\" {3}\r\nabc"
      " \"17-Jul-1996 02:44:25 +0130\" {2+}\r\nde () ~{4}\r\nf\0gh UTF8 (~{1+}\r\ni)\r\n"sv);
  BOOST_TEST(a->mailbox == "INBOX");
  BOOST_REQUIRE(a->messages.size() == 4u);
  const AppendMessage& m0 = a->messages[0];
  BOOST_TEST(m0.flags == (SV{"\\Seen", "$Forwarded"}), boost::test_tools::per_element());
  BOOST_REQUIRE(m0.internal_date.has_value());
  BOOST_TEST((m0.internal_date->date == Date{1994, 2, 7}));
  BOOST_TEST(m0.internal_date->hour == 21);
  BOOST_TEST(m0.internal_date->zone_minutes == -480);
  BOOST_TEST(m0.internal_date->unix_time() == 760686745);  // 1994-02-08T05:52:25Z
  BOOST_TEST(m0.size == 3u);
  const AppendMessage& m1 = a->messages[1];
  BOOST_TEST(m1.flags.empty());
  BOOST_TEST(m1.internal_date->zone_minutes == 90);
  BOOST_TEST(m1.size == 2u);
  BOOST_TEST(a->messages[2].literal8);
  BOOST_TEST(a->messages[2].size == 4u);
  BOOST_TEST(a->messages[3].utf8);
  BOOST_TEST(a->messages[3].literal8);
  BOOST_TEST(a->messages[3].size == 1u);
}

BOOST_AUTO_TEST_CASE(append_errors) {
  BOOST_TEST(parse_error("a1 APPEND INBOX\r\n", "a1") == "expected SP after mailbox");
  BOOST_TEST(parse_error("a1 APPEND INBOX (\\Seen)\r\n", "a1") == "expected SP after flag list");
  BOOST_TEST(parse_error("a1 APPEND INBOX hello\r\n", "a1") == "expected message literal");
  BOOST_TEST(parse_error("a1 APPEND INBOX \"7-Feb-1994\" {1}\r\nx\r\n", "a1") == "invalid date-time");
  BOOST_TEST(parse_error("a1 APPEND INBOX \"31-Feb-1994 21:52:25 -0800\" {1}\r\nx\r\n", "a1") ==
             "invalid date-time");
  BOOST_TEST(parse_error("a1 APPEND INBOX \"07-Feb-1994 24:00:00 -0800\" {1}\r\nx\r\n", "a1") ==
             "invalid date-time");
  BOOST_TEST(parse_error("a1 APPEND INBOX \"07-Feb-1994 21:52:25 0800\" {1}\r\nx\r\n", "a1") ==
             "invalid zone in date-time");
  BOOST_TEST(parse_error("a1 APPEND INBOX (\\Seen {1}\r\nx\r\n", "a1") == "expected flag");
  BOOST_TEST(parse_error("a1 APPEND INBOX UTF8 ({1}\r\nx)\r\n", "a1") == "expected literal8 after UTF8 (");
  BOOST_TEST(parse_error("a1 APPEND INBOX {1}\r\nx extra\r\n", "a1") == "expected message literal");
}

BOOST_AUTO_TEST_SUITE_END()
