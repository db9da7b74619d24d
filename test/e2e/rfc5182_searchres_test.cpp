// RFC 5182 SEARCHRES over the real server: SEARCH RETURN (SAVE) and "$" in FETCH, STORE, COPY, SEARCH and their
// UID forms (§2.2 examples 1-9); SAVE alone sends no ESEARCH (RFC 9051 §6.4.4); SAVE with MIN/MAX saves only
// those, with ALL or COUNT every match (§2.4, example 10); "$" set by UID SEARCH works in FETCH and the other way
// round; an empty "$" is a valid set matching nothing (§2.1, example 6); a SEARCH (SAVE) answered NO empties "$",
// one answered BAD or a SEARCH without SAVE leaves it (§2.1, example 5); an expunged message drops out of "$";
// SELECT, EXAMINE, CLOSE and UNSELECT reset it; "$" combines with other numbers in a list ("1,$": the union).
//
// The mailbox: six messages, then the third expunged so UIDs have a gap: seq 1..5 = UID 1,2,4,5,6.
// Flagged: seq 2,4,5 (UID 2,5,6). Seen: seq 1,2. Keyword $Junk: seq 3,5 (UID 4,6). Subjects "m1".."m6" by UID.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "test/e2e/search_fixture.h"

using namespace test_support;
namespace tt = boost::test_tools;
using Lines = std::vector<std::string>;

namespace {

struct SearchresFixture : SearchMailboxFixture {
  SearchresFixture() : SearchMailboxFixture({"CREATE Other"}, {"STORE 3,5 +FLAGS.SILENT ($Junk)"}) {}
  // The UIDs "$" stands for now, via UID SEARCH $ (ESEARCH ALL, "" when empty).
  std::string saved() {
    auto r = run("s" + std::to_string(++tags), "UID SEARCH RETURN (ALL) $");
    BOOST_REQUIRE_EQUAL(r.size(), 2u);
    const std::string& line = r[0];
    const auto at = line.find(" ALL ");
    return at == std::string::npos ? "" : line.substr(at + 5);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc5182_searchres)

BOOST_FIXTURE_TEST_CASE(capability, SearchresFixture) {
  BOOST_TEST(c->command("c1", "CAPABILITY") == "c1 OK CAPABILITY completed");
  const std::string caps = " " + c->last_untagged().at(0) + " ";
  BOOST_TEST(caps.find(" SEARCHRES ") != std::string::npos);
  BOOST_TEST(caps.find(" ESEARCH ") != std::string::npos);  // §2.1: SEARCHRES requires ESEARCH
}

BOOST_FIXTURE_TEST_CASE(examples_1_2_fetch_saved, SearchresFixture) {
  // Example 1: SAVE alone answers with no ESEARCH; FETCH $ then gives the saved messages.
  BOOST_TEST(run("A282", "SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"") ==
                 Lines{"A282 OK SEARCH completed"},
             tt::per_element());
  BOOST_TEST(run("A283", "FETCH $ (UID)") ==
                 (Lines{"* 2 FETCH (UID 2)", "* 4 FETCH (UID 5)", "* 5 FETCH (UID 6)", "A283 OK FETCH completed"}),
             tt::per_element());
  // Example 2: pipelined.
  c->send("B282 SEARCH RETURN (SAVE) SEEN\r\nB283 FETCH $ (UID)\r\n");
  BOOST_TEST(c->read_response("B282") == Lines{"B282 OK SEARCH completed"}, tt::per_element());
  BOOST_TEST(c->read_response("B283") ==
                 (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "B283 OK FETCH completed"}),
             tt::per_element());
  // "$" from a UID SEARCH is the same messages in FETCH, UID FETCH.
  ok("UID SEARCH RETURN (SAVE) SUBJECT m5");
  BOOST_TEST(run("B284", "FETCH $ (UID)") == (Lines{"* 4 FETCH (UID 5)", "B284 OK FETCH completed"}),
             tt::per_element());
  BOOST_TEST(run("B285", "UID FETCH $ (FLAGS)") ==
                 (Lines{"* 4 FETCH (UID 5 FLAGS (\\Flagged))", "B285 OK UID FETCH completed"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(examples_3_4_search_with_saved, SearchresFixture) {
  ok("SEARCH RETURN (SAVE) FLAGGED");  // UID 2,5,6
  // Example 3: UID SEARCH UID $ and UID SEARCH $ are the same.
  BOOST_TEST(run("A301", "UID SEARCH UID $ NOT SUBJECT m5") == (Lines{"* SEARCH 2 6", "A301 OK UID SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("A302", "UID SEARCH $ NOT SUBJECT m5") == (Lines{"* SEARCH 2 6", "A302 OK UID SEARCH completed"}),
             tt::per_element());
  // Example 4: OR $ with other numbers, CHARSET and a literal.
  c->send("P283 SEARCH CHARSET UTF-8 (OR $ 1,3) BODY {4}\r\n");
  BOOST_TEST(c->read_line() == "+ Ready for literal data");
  c->send("body\r\n");
  BOOST_TEST(c->read_response("P283") == (Lines{"* SEARCH 1 2 3 4 5", "P283 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("P284", "SEARCH NOT $") == (Lines{"* SEARCH 1 3", "P284 OK SEARCH completed"}), tt::per_element());
  // A SEARCH without SAVE leaves "$" alone; one with SAVE that uses "$" reads the old value, then replaces it.
  BOOST_TEST(saved() == "2,5:6");
  ok("UID SEARCH RETURN (SAVE) $ SEEN");
  BOOST_TEST(saved() == "2");
}

BOOST_FIXTURE_TEST_CASE(example_5_failed_search_empties_saved, SearchresFixture) {
  ok("SEARCH RETURN (SAVE) FLAGGED");
  // BAD (an unknown key, a bad RETURN option) and NO without SAVE: "$" unchanged.
  BOOST_TEST(run("B1", "SEARCH RETURN (SAVE) NOSUCHKEY").back().rfind("B1 BAD ", 0) == 0u);
  BOOST_TEST(run("B2", "SEARCH RETURN (SAVE FOO) ALL").back().rfind("B2 BAD ", 0) == 0u);
  BOOST_TEST(run("B3", "SEARCH CHARSET KOI8-R (OR $ 1) TEXT x") ==
                 Lines{"B3 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"},
             tt::per_element());
  BOOST_TEST(saved() == "2,5:6");
  // Example 5: NO with SAVE: "$" becomes empty.
  c->send("B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1) TEXT {4}\r\n");
  BOOST_TEST(c->read_line() == "+ Ready for literal data");
  c->send("XXXX\r\n");
  BOOST_TEST(c->read_response("B283") == Lines{"B283 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"},
             tt::per_element());
  BOOST_TEST(saved() == "");
}

BOOST_FIXTURE_TEST_CASE(examples_6_7_empty_saved_and_pipelining, SearchresFixture) {
  // Example 6: nothing found; "$" is valid and matches nothing.
  c->send("E282 SEARCH RETURN (SAVE) SUBJECT nothing\r\nE283 COPY $ \"Other\"\r\nE284 FETCH $ (UID)\r\n"
          "E285 STORE $ +FLAGS (\\Answered)\r\nE286 UID SEARCH $\r\nE287 UID FETCH $ (UID)\r\n");
  BOOST_TEST(c->read_response("E282") == Lines{"E282 OK SEARCH completed"}, tt::per_element());
  auto r = c->read_response("E283");
  BOOST_TEST(r.size() == 1u);
  BOOST_TEST(r.back().rfind("E283 OK", 0) == 0u, r.back());
  BOOST_TEST(c->read_response("E284") == Lines{"E284 OK FETCH completed"}, tt::per_element());
  BOOST_TEST(c->read_response("E285") == Lines{"E285 OK STORE completed"}, tt::per_element());
  BOOST_TEST(c->read_response("E286") == (Lines{"* SEARCH", "E286 OK UID SEARCH completed"}), tt::per_element());
  BOOST_TEST(c->read_response("E287") == Lines{"E287 OK UID FETCH completed"}, tt::per_element());
  // Example 7: SAVE, COPY $, STORE $ pipelined.
  c->send("F282 SEARCH RETURN (SAVE) KEYWORD $Junk\r\nF283 COPY $ \"Other\"\r\n"
          "F284 STORE $ +FLAGS.SILENT (\\Deleted)\r\n");
  BOOST_TEST(c->read_response("F282") == Lines{"F282 OK SEARCH completed"}, tt::per_element());
  r = c->read_response("F283");
  BOOST_TEST(r.back().rfind("F283 OK [COPYUID ", 0) == 0u, r.back());
  BOOST_TEST(r.back().find(" 4,6 ") != std::string::npos, r.back());
  BOOST_TEST(c->read_response("F284") == Lines{"F284 OK STORE completed"}, tt::per_element());
  BOOST_TEST(ok("SEARCH DELETED") == Lines{"* SEARCH 3 5"}, tt::per_element());
  BOOST_TEST(ok("STATUS Other (MESSAGES)") == Lines{"* STATUS \"Other\" (MESSAGES 2)"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(examples_8_9_10_save_with_other_options, SearchresFixture) {
  // Example 8: a SEARCH without SAVE does not touch "$".
  c->send("G282 SEARCH RETURN (SAVE) KEYWORD $Junk\r\nG283 SEARCH RETURN (ALL) FLAGGED\r\n");
  BOOST_TEST(c->read_response("G282") == Lines{"G282 OK SEARCH completed"}, tt::per_element());
  BOOST_TEST(c->read_response("G283") == (Lines{"* ESEARCH (TAG \"G283\") ALL 2,4:5", "G283 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "4,6");
  // Example 9: the later SAVE wins.
  c->send("H282 SEARCH RETURN (SAVE) KEYWORD $Junk\r\nH283 SEARCH RETURN (SAVE) SEEN\r\n");
  BOOST_TEST(c->read_response("H282") == Lines{"H282 OK SEARCH completed"}, tt::per_element());
  BOOST_TEST(c->read_response("H283") == Lines{"H283 OK SEARCH completed"}, tt::per_element());
  BOOST_TEST(saved() == "1:2");
  // Example 10 (FLAGGED = seq 2,4,5 = UID 2,5,6).
  BOOST_TEST(run("C282", "SEARCH RETURN (ALL) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C282\") ALL 2,4:5", "C282 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "1:2");
  BOOST_TEST(run("C283", "SEARCH RETURN (ALL SAVE) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C283\") ALL 2,4:5", "C283 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "2,5:6");
  BOOST_TEST(run("C284", "SEARCH RETURN (SAVE MIN) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C284\") MIN 2", "C284 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "2");
  BOOST_TEST(run("C285", "SEARCH RETURN (MAX SAVE MIN) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C285\") MIN 2 MAX 5", "C285 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "2,6");
  BOOST_TEST(run("C286", "SEARCH RETURN (MAX SAVE MIN COUNT) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C286\") MIN 2 MAX 5 COUNT 3", "C286 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "2,5:6");
  BOOST_TEST(run("C287", "SEARCH RETURN (SAVE MAX) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C287\") MAX 5", "C287 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "6");
  BOOST_TEST(run("C288", "UID SEARCH RETURN (ALL SAVE MIN) FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"C288\") UID MIN 2 ALL 2,5:6", "C288 OK UID SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "2,5:6");
  // MIN MAX of a single match saves it once; SAVE MIN with no match saves nothing.
  ok("SEARCH RETURN (SAVE MIN MAX) SUBJECT m5");
  BOOST_TEST(saved() == "5");
  BOOST_TEST(run("C289", "SEARCH RETURN (MIN SAVE) SUBJECT nothing") ==
                 (Lines{"* ESEARCH (TAG \"C289\")", "C289 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(saved() == "");
}

BOOST_FIXTURE_TEST_CASE(expunged_messages_drop_out, SearchresFixture) {
  ok("SEARCH RETURN (SAVE) FLAGGED");  // seq 2,4,5 = UID 2,5,6
  ok("STORE 4 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(ok("EXPUNGE") == Lines{"* 4 EXPUNGE"}, tt::per_element());
  // Now seq 1..4 = UID 1,2,4,6: "$" is UID 2 and 6, i.e. seq 2 and 4.
  BOOST_TEST(ok("FETCH $ (UID)") == (Lines{"* 2 FETCH (UID 2)", "* 4 FETCH (UID 6)"}), tt::per_element());
  BOOST_TEST(saved() == "2,6");
  // Expunged by another session too.
  auto other = server.login("alice", "alice-password");
  BOOST_TEST(other.command("o1", "SELECT INBOX") == "o1 OK [READ-WRITE] SELECT completed");
  BOOST_TEST(other.command("o2", "UID STORE 2 +FLAGS.SILENT (\\Deleted)") == "o2 OK UID STORE completed");
  BOOST_TEST(other.command("o3", "EXPUNGE") == "o3 OK EXPUNGE completed");
  const Lines noop = ok("NOOP");
  BOOST_TEST(std::count(noop.begin(), noop.end(), "* 2 EXPUNGE") == 1);
  BOOST_TEST(ok("FETCH $ (UID)") == Lines{"* 3 FETCH (UID 6)"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(reset_by_select_examine_close_unselect, SearchresFixture) {
  ok("SEARCH RETURN (SAVE) ALL");
  BOOST_TEST(saved() == "1:2,4:6");
  ok("SELECT INBOX");
  BOOST_TEST(saved() == "");
  ok("SEARCH RETURN (SAVE) ALL");
  ok("EXAMINE INBOX");
  BOOST_TEST(saved() == "");
  ok("SEARCH RETURN (SAVE) ALL");
  ok("UNSELECT");
  ok("SELECT INBOX");
  BOOST_TEST(saved() == "");
  ok("SEARCH RETURN (SAVE) SEEN");
  ok("CLOSE");
  ok("SELECT INBOX");
  BOOST_TEST(saved() == "");
  // A fresh selection starts empty: FETCH $ is OK with nothing.
  BOOST_TEST(ok("FETCH $ (UID)").empty());
}

BOOST_FIXTURE_TEST_CASE(syntax, SearchresFixture) {
  ok("SEARCH RETURN (SAVE) SEEN");
  // "$" in a list with other numbers (RFC 5182 §3 extends sequence-set, which RFC 3501 lists with ","): the union.
  BOOST_TEST(run("y0", "FETCH $,5 (UID)") ==
                 (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 5 FETCH (UID 6)", "y0 OK FETCH completed"}),
             tt::per_element());
  BOOST_TEST(run("y1", "UID FETCH 2:4,$ (UID)") ==
                 (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 4)", "y1 OK UID FETCH completed"}),
             tt::per_element());
  BOOST_TEST(run("y2", "SEARCH 4,$,99") == (Lines{"* SEARCH 1 2 4", "y2 OK SEARCH completed"}), tt::per_element());
  BOOST_TEST(run("y3", "UID SEARCH UID $,6") == (Lines{"* SEARCH 1 2 6", "y3 OK UID SEARCH completed"}),
             tt::per_element());
  // ... but never a range end.
  for (const char* command : {"FETCH $:2 (UID)", "UID FETCH 1:$ (UID)", "SEARCH 1:$", "COPY $$ Other"}) {
    BOOST_TEST(run("y1", command).back().rfind("y1 BAD ", 0) == 0u, command);
  }
  // Lower case "save", and "$" with a space-separated key list.
  BOOST_TEST(run("y4", "search return (save) $ unseen") == Lines{"y4 OK SEARCH completed"}, tt::per_element());
  BOOST_TEST(saved() == "");
  // Not without a selected mailbox.
  ok("UNSELECT");
  BOOST_TEST(run("y5", "FETCH $ (UID)") == Lines{"y5 BAD No mailbox selected"}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
