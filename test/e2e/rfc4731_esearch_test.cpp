// RFC 4731 ESEARCH over the real server: SEARCH and UID SEARCH RETURN (MIN MAX ALL COUNT) answered with one
// "* ESEARCH (TAG "t") [UID] ..." and no "* SEARCH" (§3.1); RETURN () is ALL; ALL as a compact sequence-set that a
// later command accepts as is; MIN, MAX and ALL left out when nothing matches, COUNT always there; the §3.1
// examples' forms; options in any order and case, with CHARSET and literals; BAD for unknown options and bad syntax.
//
// The mailbox: six messages, then the third expunged so UIDs have a gap: seq 1..5 = UID 1,2,4,5,6.
// Flagged: seq 2,4,5 (UID 2,5,6). Seen: seq 1,2. Deleted: none. Subjects "m1".."m6" by UID.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test/e2e/search_fixture.h"

using namespace test_support;
namespace tt = boost::test_tools;
using Lines = std::vector<std::string>;

namespace {

using EsearchFixture = SearchMailboxFixture;

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc4731_esearch)

BOOST_FIXTURE_TEST_CASE(capability, EsearchFixture) {
  BOOST_TEST(c->command("c1", "CAPABILITY") == "c1 OK CAPABILITY completed");
  BOOST_TEST((" " + c->last_untagged().at(0) + " ").find(" ESEARCH ") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(rfc_examples, EsearchFixture) {
  BOOST_TEST(run("A282", "SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"") ==
                 (Lines{"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3", "A282 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("A283", "SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"") ==
                 (Lines{"* ESEARCH (TAG \"A283\") ALL 2,4:5", "A283 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("A284", "SEARCH RETURN (MIN) UNSEEN") ==
                 (Lines{"* ESEARCH (TAG \"A284\") MIN 3", "A284 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("A285", "UID SEARCH RETURN (MIN MAX) 1:5000") ==
                 (Lines{"* ESEARCH (TAG \"A285\") UID MIN 1 MAX 6", "A285 OK UID SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("A286", "SEARCH RETURN (COUNT) DELETED") ==
                 (Lines{"* ESEARCH (TAG \"A286\") COUNT 0", "A286 OK SEARCH completed"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(every_option_sequence_numbers_and_uids, EsearchFixture) {
  BOOST_TEST(run("a1", "SEARCH RETURN (MIN MAX COUNT ALL) ALL") ==
                 (Lines{"* ESEARCH (TAG \"a1\") MIN 1 MAX 5 COUNT 5 ALL 1:5", "a1 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("a2", "UID SEARCH RETURN (ALL COUNT MAX MIN) ALL") ==
                 (Lines{"* ESEARCH (TAG \"a2\") UID MIN 1 MAX 6 COUNT 5 ALL 1:2,4:6", "a2 OK UID SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("a3", "UID SEARCH RETURN () FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"a3\") UID ALL 2,5:6", "a3 OK UID SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("a4", "SEARCH RETURN (ALL) NOT FLAGGED") ==
                 (Lines{"* ESEARCH (TAG \"a4\") ALL 1,3", "a4 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("a5", "SEARCH RETURN (MAX) SEEN") ==
                 (Lines{"* ESEARCH (TAG \"a5\") MAX 2", "a5 OK SEARCH completed"}),
             tt::per_element());
  // One match: MIN and MAX are the same message.
  BOOST_TEST(run("a6", "UID SEARCH RETURN (MIN MAX COUNT) SUBJECT m4") ==
                 (Lines{"* ESEARCH (TAG \"a6\") UID MIN 4 MAX 4 COUNT 1", "a6 OK UID SEARCH completed"}),
             tt::per_element());
  // Lower case and repeated options are fine; a body search goes through the pool.
  BOOST_TEST(run("a7", "search return (count count min) body \"body 5\"") ==
                 (Lines{"* ESEARCH (TAG \"a7\") MIN 4 COUNT 1", "a7 OK SEARCH completed"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(no_match_leaves_out_min_max_all, EsearchFixture) {
  BOOST_TEST(run("b1", "SEARCH RETURN (MIN MAX ALL) DELETED") ==
                 (Lines{"* ESEARCH (TAG \"b1\")", "b1 OK SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("b2", "UID SEARCH RETURN () SUBJECT nothing") ==
                 (Lines{"* ESEARCH (TAG \"b2\") UID", "b2 OK UID SEARCH completed"}),
             tt::per_element());
  BOOST_TEST(run("b3", "UID SEARCH RETURN (MIN COUNT ALL) UID 3") ==
                 (Lines{"* ESEARCH (TAG \"b3\") UID COUNT 0", "b3 OK UID SEARCH completed"}),
             tt::per_element());
  // An empty mailbox.
  ok("CREATE Empty");
  ok("SELECT Empty");
  BOOST_TEST(run("b4", "SEARCH RETURN (MIN MAX COUNT ALL) ALL") ==
                 (Lines{"* ESEARCH (TAG \"b4\") COUNT 0", "b4 OK SEARCH completed"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(all_is_a_usable_sequence_set, EsearchFixture) {
  auto r = run("d1", "UID SEARCH RETURN (ALL) FLAGGED");
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  const std::string prefix = "* ESEARCH (TAG \"d1\") UID ALL ";
  BOOST_REQUIRE(r[0].rfind(prefix, 0) == 0u);
  const std::string set = r[0].substr(prefix.size());
  BOOST_TEST(ok("UID FETCH " + set + " (FLAGS)") ==
                 (Lines{"* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen))", "* 4 FETCH (UID 5 FLAGS (\\Flagged))",
                        "* 5 FETCH (UID 6 FLAGS (\\Flagged))"}),
             tt::per_element());
  // Many non-adjacent messages: each run is "a:b", singletons stay alone.
  r = run("d2", "SEARCH RETURN (ALL) OR 1 OR 3:5 2");
  BOOST_TEST(r.at(0) == "* ESEARCH (TAG \"d2\") ALL 1:5");
  r = run("d3", "SEARCH RETURN (ALL) OR 1 OR 3 5");
  BOOST_TEST(r.at(0) == "* ESEARCH (TAG \"d3\") ALL 1,3,5");
}

BOOST_FIXTURE_TEST_CASE(charset_and_literals, EsearchFixture) {
  BOOST_TEST(run("e1", "SEARCH RETURN (COUNT) CHARSET UTF-8 SUBJECT m") ==
                 (Lines{"* ESEARCH (TAG \"e1\") COUNT 5", "e1 OK SEARCH completed"}),
             tt::per_element());
  c->send("e2 UID SEARCH RETURN (MIN) CHARSET UTF-8 SUBJECT {2+}\r\nm5\r\n");
  BOOST_TEST(c->read_response("e2") == (Lines{"* ESEARCH (TAG \"e2\") UID MIN 5", "e2 OK UID SEARCH completed"}),
             tt::per_element());
  // An unsupported charset is still NO [BADCHARSET], with no ESEARCH.
  BOOST_TEST(run("e3", "SEARCH RETURN (COUNT) CHARSET KOI8-R SUBJECT m") ==
                 Lines{"e3 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"},
             tt::per_element());
  // Without RETURN the answer is still the RFC 3501 SEARCH response.
  BOOST_TEST(run("e4", "SEARCH FLAGGED") == (Lines{"* SEARCH 2 4 5", "e4 OK SEARCH completed"}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, EsearchFixture) {
  BOOST_TEST(answer("SEARCH RETURN (FOO) ALL").rfind("BAD ", 0) == 0u);
  BOOST_TEST(answer("SEARCH RETURN (MIN ALL").rfind("BAD ", 0) == 0u);
  BOOST_TEST(answer("SEARCH RETURN MIN ALL").rfind("BAD ", 0) == 0u);
  BOOST_TEST(answer("SEARCH RETURN (MIN)").rfind("BAD ", 0) == 0u);  // no search key
  BOOST_TEST(answer("SEARCH RETURN (MIN)  ALL").rfind("BAD ", 0) == 0u);
  BOOST_TEST(answer("UID SEARCH RETURN (MIN) NOSUCHKEY").rfind("BAD ", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  // Not without a selected mailbox.
  ok("UNSELECT");
  BOOST_TEST(answer("SEARCH RETURN (MIN) ALL") == "BAD No mailbox selected");
}

BOOST_AUTO_TEST_SUITE_END()
