// RFC 7162 §3.1 (CONDSTORE) over the real server, written from the RFC: CAPABILITY advertises CONDSTORE (and
// QRESYNC, which implies it); SELECT/EXAMINE (CONDSTORE) answer "* OK [HIGHESTMODSEQ n]" besides every RFC 3501
// response (§3.1.2.1, Example 18), and every later SELECT does too; APPEND gives each new message a mod-sequence
// above every other (§3.1); FETCH MODSEQ is "MODSEQ (n)" (§3.1.4.2, Example 13); STORE (UNCHANGEDSINCE n) stores
// where the message's mod-sequence is <= n, answers an untagged FETCH with MODSEQ even for .SILENT, and lists the
// others in OK [MODIFIED set] (message numbers for STORE, UIDs for UID STORE; UNCHANGEDSINCE 0 always fails) (§3.1.3,
// Examples 3-8); FETCH (CHANGEDSINCE n) returns only messages whose mod-sequence is above n and adds MODSEQ
// (§3.1.4.1, Example 12); SEARCH MODSEQ n ends a non-empty answer with "(MODSEQ highest)" and an empty one is
// "* SEARCH" (§3.1.5-3.1.6, Examples 15-16), ESEARCH adds "MODSEQ n" (§3.1.10, Example 19); STATUS HIGHESTMODSEQ
// (§3.1.7, Example 17) follows STORE, APPEND and EXPUNGE; each CONDSTORE-enabling command (§3.1) makes later
// unsolicited FETCH responses carry MODSEQ (and UID, §3.2.4) and, with a mailbox selected, returns its
// HIGHESTMODSEQ; mod-sequences survive a restart and keep growing; malformed modifiers are BAD.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test/e2e/modseq_util.h"
#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
using namespace std::chrono_literals;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;
using Uids = std::set<std::uint32_t>;

// Without HIGHESTMODSEQ and RECENT (which depends on which session saw the messages first).
Lines without_highestmodseq(Lines lines) {
  std::erase_if(lines, [](const std::string& l) {
    return l.rfind("* OK [HIGHESTMODSEQ", 0) == 0 || untagged_number(l, "RECENT").has_value();
  });
  return lines;
}

// "OK [MODIFIED 7,9] text" -> {7, 9}; nullopt when the answer has no MODIFIED code.
std::optional<Uids> modified(const std::string& answer) {
  static const std::regex re(R"((OK|NO) \[MODIFIED ([0-9:,]+)\].*)");
  std::smatch m;
  if (!std::regex_match(answer, m, re)) return std::nullopt;
  return expand(m[2]);
}

// All untagged FETCH responses of `lines`, by message number (items of several responses for one message merged).
std::map<std::uint32_t, std::map<std::string, std::string>> fetches(const Lines& lines) {
  std::map<std::uint32_t, std::map<std::string, std::string>> out;
  for (const auto& l : lines) {
    auto f = parse_fetch(l);
    if (!f) continue;
    for (auto& [k, v] : f->items) out[f->seq][k] = v;
  }
  return out;
}

struct CondstoreFixture : AliceSession {
  // `n` messages appended one by one to INBOX (UIDs 1..n).
  void fill(unsigned n, const std::string& mailbox = "INBOX") {
    for (unsigned i = 1; i <= n; ++i) append(mailbox, make_message(i, 300 + 10 * i, Body::ascii));
  }
  // A command on another connection that must answer OK; its untagged responses.
  Lines ok_on(TlsClient& client, const std::string& command) {
    const std::string tag = "o" + std::to_string(++tags);
    const auto status = client.command(tag, command, 60s);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return client.last_untagged();
  }
  TlsClient other() { return server.login("alice", "alice-password"); }

  // FETCH 1:* (UID MODSEQ) in the selected mailbox: UID -> mod-sequence.
  std::map<std::uint32_t, std::uint64_t> modseqs(TlsClient* on = nullptr) {
    auto r = on ? ok_on(*on, "FETCH 1:* (UID MODSEQ)") : ok("FETCH 1:* (UID MODSEQ)");
    std::map<std::uint32_t, std::uint64_t> out;
    for (const auto& [seq, items] : fetches(r)) out[std::stoul(items.at("UID"))] = modseq_value(items.at("MODSEQ"));
    return out;
  }
  // STATUS mailbox (HIGHESTMODSEQ) on `on`.
  std::uint64_t status_highestmodseq(TlsClient& on, const std::string& mailbox = "INBOX") {
    auto r = ok_on(on, "STATUS " + mailbox + " (HIGHESTMODSEQ)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    static const std::regex re(R"(\* STATUS ("[^"]*"|\S+) \(HIGHESTMODSEQ ([0-9]+)\))");
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(r[0], m, re), r[0]);
    return std::stoull(m[2]);
  }
};

std::uint64_t max_of(const std::map<std::uint32_t, std::uint64_t>& m) {
  std::uint64_t top = 0;
  for (const auto& [uid, ms] : m) top = std::max(top, ms);
  return top;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc7162_condstore)

BOOST_FIXTURE_TEST_CASE(capability_advertises_condstore, CondstoreFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  const std::string line = caps[0] + " ";
  BOOST_TEST(line.find(" CONDSTORE ") != std::string::npos, caps[0]);
  BOOST_TEST(line.find(" QRESYNC ") != std::string::npos, caps[0]);
  BOOST_TEST(line.find(" ENABLE ") != std::string::npos, caps[0]);  // §3.2.3: QRESYNC servers MUST support ENABLE
}

BOOST_FIXTURE_TEST_CASE(select_condstore_reports_highestmodseq, CondstoreFixture) {
  fill(3);
  // What a plain SELECT says, from a connection that never enabled CONDSTORE.
  auto plain = other();
  BOOST_REQUIRE_EQUAL(plain.command("p1", "SELECT INBOX"), "p1 OK [READ-WRITE] SELECT completed");
  const Lines plain_lines = without_highestmodseq(plain.last_untagged());

  // Example 18: the same responses plus one "* OK [HIGHESTMODSEQ n]"; the tagged OK keeps [READ-WRITE].
  const std::string tagged = answer("SELECT INBOX (CONDSTORE)");
  BOOST_TEST(tagged.rfind("OK [READ-WRITE]", 0) == 0u, tagged);
  const Lines lines = c->last_untagged();
  const auto hms = highestmodseq(lines);
  BOOST_TEST(without_highestmodseq(lines) == plain_lines, tt::per_element());

  // §3.1: each APPEND got a mod-sequence above every earlier one; HIGHESTMODSEQ is the highest of them.
  auto ms = modseqs();
  BOOST_REQUIRE_EQUAL(ms.size(), 3u);
  BOOST_TEST(ms.at(1) < ms.at(2));
  BOOST_TEST(ms.at(2) < ms.at(3));
  BOOST_TEST(hms == ms.at(3));

  // EXAMINE (CONDSTORE) too, read-only; then, CONDSTORE being enabled, a SELECT without the parameter (§3.1.2).
  const std::string examined = answer("EXAMINE INBOX (CONDSTORE)");
  BOOST_TEST(examined.rfind("OK [READ-ONLY]", 0) == 0u, examined);
  BOOST_TEST(highestmodseq(c->last_untagged()) == hms);
  ok("UNSELECT");
  ok("SELECT INBOX");
  BOOST_TEST(highestmodseq(c->last_untagged()) == hms);
  ok("EXAMINE INBOX");
  BOOST_TEST(highestmodseq(c->last_untagged()) == hms);
  // Case does not matter.
  ok("UNSELECT");
  ok("select INBOX (condstore)");
  BOOST_TEST(highestmodseq(c->last_untagged()) == hms);
}

BOOST_FIXTURE_TEST_CASE(fetch_modseq_example_13, CondstoreFixture) {
  fill(3);
  ok("SELECT INBOX (CONDSTORE)");
  const auto hms = highestmodseq(c->last_untagged());
  // Example 13, to the byte: "* 1 FETCH (MODSEQ (624140003))".
  auto r = ok("FETCH 1:3 (MODSEQ)");
  BOOST_REQUIRE_EQUAL(r.size(), 3u);
  static const std::regex re(R"(\* ([1-3]) FETCH \(MODSEQ \(([1-9][0-9]*)\)\))");
  std::uint64_t top = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(r[i], m, re), r[i]);
    BOOST_TEST(m[1].str() == std::to_string(i + 1));
    top = std::max<std::uint64_t>(top, std::stoull(m[2]));
  }
  BOOST_TEST(top == hms);
  // With other items, by UID, in lower case: the same values.
  auto u = ok("UID FETCH 2 (FLAGS modseq)");
  BOOST_REQUIRE_EQUAL(u.size(), 1u);
  auto f = parse_fetch(u[0]);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->items.at("UID") == "2");
  BOOST_TEST(f->items.at("FLAGS") == "()");
  BOOST_TEST(modseq_value(f->items.at("MODSEQ")) == modseqs().at(2));
}

BOOST_FIXTURE_TEST_CASE(store_unchangedsince_examples_3_to_8, CondstoreFixture) {
  fill(9);
  ok("SELECT INBOX (CONDSTORE)");
  const auto h0 = highestmodseq(c->last_untagged());

  // Example 6: 7 and 9 were changed (here by another session) after h0, 5 was not.
  auto b = other();
  ok_on(b, "SELECT INBOX");
  ok_on(b, "STORE 7 +FLAGS.SILENT (\\Seen)");
  ok_on(b, "STORE 9 +FLAGS.SILENT (\\Answered)");
  ok("NOOP");  // learn of them (so nothing is pending during the STORE)
  const std::string r6 = answer("STORE 7,5,9 (UNCHANGEDSINCE " + std::to_string(h0) + ") +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(r6.rfind("OK [MODIFIED ", 0) == 0u, r6);
  BOOST_TEST(modified(r6).value_or(Uids{}) == (Uids{7, 9}), tt::per_element());
  {
    // "* 5 FETCH (MODSEQ (320162350))", with the UID too (§3.2.4, the server has QRESYNC); for 7 and 9 a FETCH is
    // allowed (Example 7) but must not show \Deleted.
    auto f = fetches(c->last_untagged());
    BOOST_REQUIRE_MESSAGE(f.count(5) == 1u, "no untagged FETCH for message 5 despite .SILENT (§3.1.3 MUST)");
    BOOST_TEST(modseq_value(f.at(5).at("MODSEQ")) > h0);
    BOOST_TEST(f.at(5).count("UID") == 1u);
    for (std::uint32_t seq : {7u, 9u}) {
      if (f.count(seq) && f.at(seq).count("FLAGS")) BOOST_TEST(!parse_flags(f.at(seq).at("FLAGS")).count("\\Deleted"));
    }
    for (const auto& [seq, items] : f) {
      const bool expected = seq == 5u || seq == 7u || seq == 9u;
      BOOST_TEST(expected, "unexpected FETCH for message " << seq);
    }
  }
  auto flags = fetches(ok("FETCH 5,7,9 (FLAGS)"));
  BOOST_TEST(flags.at(5).at("FLAGS") == "(\\Deleted)");
  BOOST_TEST(flags.at(7).at("FLAGS") == "(\\Seen)");
  BOOST_TEST(flags.at(9).at("FLAGS") == "(\\Answered)");

  // Example 3: every message passes; UID STORE answers a FETCH with UID and MODSEQ per message and a plain OK.
  const auto before = modseqs();
  const auto h1 = max_of(before);
  const std::string r3 = answer("UID STORE 6,4,8 (UNCHANGEDSINCE " + std::to_string(h1) + ") +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(r3.rfind("OK", 0) == 0u, r3);
  BOOST_TEST(!modified(r3).has_value(), r3);
  {
    auto f = fetches(c->last_untagged());
    BOOST_TEST(f.size() == 3u);
    for (std::uint32_t seq : {4u, 6u, 8u}) {
      BOOST_REQUIRE_MESSAGE(f.count(seq) == 1u, "no FETCH for " << seq);
      BOOST_TEST(f.at(seq).at("UID") == std::to_string(seq));
      BOOST_TEST(modseq_value(f.at(seq).at("MODSEQ")) > h1);
    }
    const auto after = modseqs();
    for (std::uint32_t uid : {4u, 6u, 8u}) BOOST_TEST(after.at(uid) == modseq_value(f.at(uid).at("MODSEQ")));
    for (std::uint32_t uid : {1u, 2u, 3u}) BOOST_TEST(after.at(uid) == before.at(uid));  // untouched ones keep theirs
  }

  // The boundary: UNCHANGEDSINCE equal to the message's mod-sequence passes, one below fails (§3.1.3 "equal to or
  // less than").
  const auto m1 = modseqs().at(1);
  const std::string below = answer("STORE 1 (UNCHANGEDSINCE " + std::to_string(m1 - 1) + ") +FLAGS.SILENT ($Later)");
  BOOST_TEST(modified(below).value_or(Uids{}) == Uids{1}, tt::per_element());
  BOOST_TEST(fetches(ok("FETCH 1 (FLAGS)")).at(1).at("FLAGS") == "()");
  const std::string equal = answer("STORE 1 (UNCHANGEDSINCE " + std::to_string(m1) + ") +FLAGS.SILENT ($Later)");
  BOOST_TEST(equal.rfind("OK", 0) == 0u, equal);
  BOOST_TEST(!modified(equal).has_value(), equal);
  BOOST_TEST(fetches(ok("FETCH 1 (FLAGS)")).at(1).at("FLAGS") == "($Later)");

  // Examples 4 and 5: a conditional STORE on "*" and a -FLAGS.SILENT one, each answered with the new MODSEQ.
  const auto h2 = max_of(modseqs());
  ok("STORE * (UNCHANGEDSINCE " + std::to_string(h2) + ") +FLAGS.SILENT (\\Deleted $Processed)");
  {
    auto f = fetches(c->last_untagged());
    BOOST_REQUIRE_EQUAL(f.count(9), 1u);
    BOOST_TEST(modseq_value(f.at(9).at("MODSEQ")) > h2);
  }
  const auto m9 = modseqs().at(9);
  ok("STORE 9 (UNCHANGEDSINCE " + std::to_string(m9) + ") -FLAGS.SILENT (\\Deleted)");
  {
    auto f = fetches(c->last_untagged());
    BOOST_REQUIRE_EQUAL(f.count(9), 1u);
    BOOST_TEST(modseq_value(f.at(9).at("MODSEQ")) > m9);
  }
  BOOST_TEST(parse_flags(fetches(ok("FETCH 9 (FLAGS)")).at(9).at("FLAGS")) == (std::set<std::string>{"$Processed",
                                                                                                     "\\Answered"}),
             tt::per_element());

  // Example 8: UNCHANGEDSINCE 0 always fails, for a keyword that is not set too; nothing changes.
  const auto m3 = modseqs().at(3);
  const std::string zero = answer("STORE 3 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)");
  BOOST_TEST(zero.rfind("OK [MODIFIED 3]", 0) == 0u, zero);
  BOOST_TEST(fetches(ok("FETCH 3 (FLAGS)")).at(3).at("FLAGS") == "()");
  BOOST_TEST(modseqs().at(3) == m3);
}

BOOST_FIXTURE_TEST_CASE(modified_lists_uids_for_uid_store_and_numbers_for_store, CondstoreFixture) {
  fill(5);
  ok("SELECT INBOX (CONDSTORE)");
  ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");  // now message n has UID n + 1
  const auto h = max_of(modseqs());
  auto b = other();
  ok_on(b, "SELECT INBOX");
  ok_on(b, "UID STORE 3 +FLAGS.SILENT ($Changed)");  // message 2
  ok("NOOP");
  const std::string by_uid = answer("UID STORE 2:4 (UNCHANGEDSINCE " + std::to_string(h) + ") +FLAGS.SILENT ($Done)");
  BOOST_TEST(by_uid.rfind("OK [MODIFIED 3]", 0) == 0u, by_uid);
  ok_on(b, "UID STORE 5 +FLAGS.SILENT ($Changed)");  // message 4
  ok("NOOP");
  const auto h2 = max_of(modseqs()) - 1;  // below UID 5's new mod-sequence, at or above the others'
  const std::string by_seq = answer("STORE 3:4 (UNCHANGEDSINCE " + std::to_string(h2) + ") +FLAGS.SILENT ($Again)");
  BOOST_TEST(by_seq.rfind("OK [MODIFIED 4]", 0) == 0u, by_seq);
  auto flags = fetches(ok("UID FETCH 2:5 (FLAGS)"));
  BOOST_REQUIRE_EQUAL(flags.size(), 4u);
  using Flags = std::set<std::string>;
  BOOST_TEST(parse_flags(flags.at(1).at("FLAGS")) == Flags{"$Done"}, tt::per_element());
  BOOST_TEST(parse_flags(flags.at(2).at("FLAGS")) == Flags{"$Changed"}, tt::per_element());
  BOOST_TEST(parse_flags(flags.at(3).at("FLAGS")) == (Flags{"$Again", "$Done"}), tt::per_element());
  BOOST_TEST(parse_flags(flags.at(4).at("FLAGS")) == Flags{"$Changed"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(fetch_changedsince_example_12, CondstoreFixture) {
  fill(6);
  ok("SELECT INBOX (CONDSTORE)");
  const auto h0 = highestmodseq(c->last_untagged());
  ok("STORE 2 +FLAGS.SILENT (\\Seen)");
  ok("STORE 4 +FLAGS.SILENT ($NoJunk $MDNSent)");
  const auto ms = modseqs();

  // Example 12: only messages above h0, each with UID, MODSEQ (added implicitly) and FLAGS.
  auto r = ok("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(h0) + ")");
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  auto f = fetches(r);
  BOOST_REQUIRE_EQUAL(f.count(2), 1u);
  BOOST_REQUIRE_EQUAL(f.count(4), 1u);
  BOOST_TEST(f.at(2).at("UID") == "2");
  BOOST_TEST(f.at(2).at("FLAGS") == "(\\Seen)");
  BOOST_TEST(modseq_value(f.at(2).at("MODSEQ")) == ms.at(2));
  BOOST_TEST(f.at(4).at("UID") == "4");
  BOOST_TEST(parse_flags(f.at(4).at("FLAGS")) == (std::set<std::string>{"$MDNSent", "$NoJunk"}), tt::per_element());
  BOOST_TEST(modseq_value(f.at(4).at("MODSEQ")) == ms.at(4));
  // By message number: the same messages, MODSEQ included.
  auto s = fetches(ok("FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(h0) + ")"));
  BOOST_TEST(s.size() == 2u);
  BOOST_TEST(modseq_value(s.at(2).at("MODSEQ")) == ms.at(2));
  BOOST_TEST(modseq_value(s.at(4).at("MODSEQ")) == ms.at(4));
  // The set still restricts; "strictly greater than": at the second change's value only later ones.
  BOOST_TEST(ok("FETCH 3:6 (FLAGS) (CHANGEDSINCE " + std::to_string(h0) + ")").size() == 1u);
  BOOST_TEST(ok("FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(ms.at(2)) + ")").size() == 1u);
  BOOST_TEST(ok("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(ms.at(4)) + ")").empty());
  // CHANGEDSINCE 1 returns all six.
  BOOST_TEST(ok("FETCH 1:* (UID) (changedsince 1)").size() == 6u);
}

BOOST_FIXTURE_TEST_CASE(search_modseq_examples_15_16_19, CondstoreFixture) {
  fill(6);
  ok("SELECT INBOX (CONDSTORE)");
  ok("STORE 2 +FLAGS.SILENT (\\Flagged)");
  ok("STORE 5 +FLAGS.SILENT (\\Flagged)");
  const auto ms = modseqs();
  const auto m2 = ms.at(2), m5 = ms.at(5);
  BOOST_REQUIRE(m2 < m5);
  // "equal to or greater than"; the answer ends with the highest mod-sequence of the messages returned (§3.1.6).
  BOOST_TEST(ok("SEARCH MODSEQ " + std::to_string(m2)) ==
                 Lines{"* SEARCH 2 5 (MODSEQ " + std::to_string(m5) + ")"},
             tt::per_element());
  BOOST_TEST(ok("UID SEARCH MODSEQ " + std::to_string(m5)) ==
                 Lines{"* SEARCH 5 (MODSEQ " + std::to_string(m5) + ")"},
             tt::per_element());
  // Example 15's form with an entry name (the \Flagged changes are the ones made, so either reading agrees).
  BOOST_TEST(ok("SEARCH MODSEQ \"/flags/\\\\flagged\" all " + std::to_string(m2)) ==
                 Lines{"* SEARCH 2 5 (MODSEQ " + std::to_string(m5) + ")"},
             tt::per_element());
  // With other keys and under NOT: the suffix is the highest of what is returned.
  BOOST_TEST(ok("SEARCH FLAGGED MODSEQ 1") == Lines{"* SEARCH 2 5 (MODSEQ " + std::to_string(m5) + ")"},
             tt::per_element());
  BOOST_TEST(ok("SEARCH NOT MODSEQ " + std::to_string(m2)) ==
                 Lines{"* SEARCH 1 3 4 6 (MODSEQ " + std::to_string(std::max({ms.at(1), ms.at(3), ms.at(4),
                                                                            ms.at(6)})) + ")"},
             tt::per_element());
  // Example 16: nothing found, no suffix.
  BOOST_TEST(ok("SEARCH OR NOT MODSEQ 1 LARGER 50000") == Lines{"* SEARCH"}, tt::per_element());
  BOOST_TEST(ok("SEARCH MODSEQ " + std::to_string(m5 + 1)) == Lines{"* SEARCH"}, tt::per_element());
  // Example 19: ESEARCH carries "MODSEQ n".
  BOOST_TEST(c->command("a", "SEARCH RETURN (ALL) MODSEQ " + std::to_string(m2)).rfind("a OK", 0) == 0u);
  BOOST_TEST(c->last_untagged() ==
                 Lines{"* ESEARCH (TAG \"a\") ALL 2,5 MODSEQ " + std::to_string(m5)},
             tt::per_element());
  // MODSEQ 0 is a valid key (mod-sequence-valzer); a missing or non-numeric value is BAD.
  BOOST_TEST(ok("SEARCH MODSEQ 0").size() == 1u);
  BOOST_TEST(answer("SEARCH MODSEQ").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH MODSEQ x12").rfind("BAD", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(status_highestmodseq_example_17, CondstoreFixture) {
  fill(3);
  ok("CREATE Other");
  // Example 17: asked with other items, all answered; the value is the mailbox's HIGHESTMODSEQ.
  auto r = ok("STATUS INBOX (UIDNEXT MESSAGES HIGHESTMODSEQ)");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  static const std::regex re(R"(\* STATUS ("INBOX"|INBOX) \((.*)\))");
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_match(r[0], m, re), r[0]);
  std::map<std::string, std::string> items;
  {
    std::istringstream in(m[2].str());
    std::string k, v;
    while (in >> k >> v) items[k] = v;
  }
  BOOST_TEST(items.size() == 3u, r[0]);
  BOOST_TEST(items["MESSAGES"] == "3");
  BOOST_TEST(items["UIDNEXT"] == "4");
  BOOST_REQUIRE_MESSAGE(items.count("HIGHESTMODSEQ") == 1u, r[0]);
  const std::uint64_t h0 = std::stoull(items["HIGHESTMODSEQ"]);

  auto b = other();
  ok_on(b, "SELECT INBOX (CONDSTORE)");
  BOOST_TEST(highestmodseq(b.last_untagged()) == h0);
  // A flag change, an APPEND and an EXPUNGE each raise it (§3.1, §3.2), to the value the changed message carries.
  ok_on(b, "STORE 2 +FLAGS.SILENT (\\Seen)");
  const auto h1 = status_highestmodseq(*c);
  BOOST_TEST(h1 > h0);
  BOOST_TEST(h1 == modseqs(&b).at(2));
  append("INBOX", make_message(50, 400, Body::ascii));
  const auto h2 = status_highestmodseq(*c);
  BOOST_TEST(h2 > h1);
  ok_on(b, "STORE 1 +FLAGS.SILENT (\\Deleted)");
  const auto h3 = status_highestmodseq(*c);
  ok_on(b, "EXPUNGE");
  const auto h4 = status_highestmodseq(*c);
  BOOST_TEST(h3 > h2);
  BOOST_TEST(h4 > h3);
  // Other mailboxes keep their own.
  const auto other_h = status_highestmodseq(*c, "Other");
  append("Other", make_message(51, 400, Body::ascii));
  BOOST_TEST(status_highestmodseq(*c, "Other") > other_h);
  BOOST_TEST(status_highestmodseq(*c) == h4);
}

// §3.1: each CONDSTORE-enabling command, issued with a mailbox selected, returns its HIGHESTMODSEQ, and from then on
// unsolicited FETCH responses (a flag change by another session) carry MODSEQ, and UID (§3.2.4).
BOOST_FIXTURE_TEST_CASE(every_condstore_enabling_command_enables_it, CondstoreFixture) {
  fill(3);
  ok("CREATE Other");
  auto b = other();
  ok_on(b, "SELECT INBOX (CONDSTORE)");
  bool flagged = false;
  // Toggles \Flagged on message 1 in session b; the new mod-sequence.
  auto toggle = [&] {
    auto r = ok_on(b, std::string("STORE 1 ") + (flagged ? "-" : "+") + "FLAGS (\\Flagged)");
    flagged = !flagged;
    auto f = fetches(r);
    BOOST_REQUIRE_EQUAL(f.count(1), 1u);
    return modseq_value(f.at(1).at("MODSEQ"));
  };
  const std::vector<std::string> enabling = {
      "STATUS Other (HIGHESTMODSEQ)",
      "STATUS INBOX (MESSAGES HIGHESTMODSEQ)",
      "FETCH 2 (MODSEQ)",
      "SEARCH MODSEQ 1",
      "FETCH 1:* (FLAGS) (CHANGEDSINCE 1)",
      "STORE 3 (UNCHANGEDSINCE 9000000000000000000) +FLAGS.SILENT ($Tested)",
  };
  for (const auto& command : enabling) {
    BOOST_TEST_CONTEXT(command) {
      auto a = other();
      ok_on(a, "SELECT INBOX");
      // Not CONDSTORE-aware yet: a flag change arrives as RFC 3501 has it, without MODSEQ.
      toggle();
      auto before = fetches(ok_on(a, "NOOP"));
      BOOST_REQUIRE_EQUAL(before.count(1), 1u);
      BOOST_TEST(before.at(1).count("MODSEQ") == 0u);
      // The enabling command: "* OK [HIGHESTMODSEQ n]" for INBOX among its responses.
      const auto hms_now = status_highestmodseq(b);
      auto r = ok_on(a, command);
      const auto hms = highestmodseqs(r);
      BOOST_TEST(!hms.empty(), "no \"* OK [HIGHESTMODSEQ n]\" in the answer to the first enabling command: "
                                   << (r.empty() ? std::string("(no untagged response)") : r.front()) << " ("
                                   << r.size() << " untagged)");
      for (auto h : hms) BOOST_TEST(h >= hms_now);
      // Aware now: the next change comes with MODSEQ and UID.
      const auto ms = toggle();
      const auto noop = ok_on(a, "NOOP");
      auto after = fetches(noop);
      BOOST_REQUIRE_EQUAL(after.count(1), 1u);
      BOOST_TEST(after.at(1).count("FLAGS") == 1u);
      BOOST_TEST(after.at(1).count("UID") == 1u, noop.front());
      BOOST_TEST(after.at(1).count("MODSEQ") == 1u, "unsolicited FETCH without MODSEQ: " << noop.front());
      if (after.at(1).count("MODSEQ")) BOOST_TEST(modseq_value(after.at(1).at("MODSEQ")) == ms);
      // And SELECT now reports HIGHESTMODSEQ without the parameter.
      auto again = ok_on(a, "SELECT INBOX");
      BOOST_TEST(highestmodseqs(again).size() == 1u);
    }
  }
  // ENABLE CONDSTORE, which RFC 5161 §3.1 allows only before a SELECT: "* ENABLED CONDSTORE" (RFC 5161 §3.2), then
  // SELECT reports HIGHESTMODSEQ and flag changes carry MODSEQ and UID.
  auto a = other();
  BOOST_TEST(ok_on(a, "ENABLE CONDSTORE") == Lines{"* ENABLED CONDSTORE"}, tt::per_element());
  BOOST_TEST(highestmodseqs(ok_on(a, "SELECT INBOX")).size() == 1u);
  const auto ms = toggle();
  auto after = fetches(ok_on(a, "NOOP"));
  BOOST_REQUIRE_EQUAL(after.count(1), 1u);
  BOOST_TEST(after.at(1).count("UID") == 1u);
  BOOST_REQUIRE_EQUAL(after.at(1).count("MODSEQ"), 1u);
  BOOST_TEST(modseq_value(after.at(1).at("MODSEQ")) == ms);
}

// §3.1.3 (last paragraph) and §3.2.4: once CONDSTORE-aware, the session's own STORE and a FETCH that sets \Seen
// report MODSEQ and UID in their FETCH responses.
BOOST_FIXTURE_TEST_CASE(own_store_and_implicit_seen_report_modseq_and_uid, CondstoreFixture) {
  fill(3);
  ok("SELECT INBOX (CONDSTORE)");
  const auto h0 = highestmodseq(c->last_untagged());
  auto f = fetches(ok("STORE 1 +FLAGS (\\Answered)"));
  BOOST_REQUIRE_EQUAL(f.count(1), 1u);
  BOOST_TEST(f.at(1).at("FLAGS") == "(\\Answered)");
  BOOST_TEST(f.at(1).count("UID") == 1u);
  BOOST_REQUIRE_EQUAL(f.at(1).count("MODSEQ"), 1u);
  const auto m1 = modseq_value(f.at(1).at("MODSEQ"));
  BOOST_TEST(m1 > h0);
  // A later STORE in the same session gets a higher one (§3.1).
  auto g = fetches(ok("STORE 3 +FLAGS (\\Draft)"));
  BOOST_REQUIRE_EQUAL(g.count(3), 1u);
  BOOST_TEST(modseq_value(g.at(3).at("MODSEQ")) > m1);
  // FETCH BODY[TEXT] sets \Seen: the FETCH responses for message 2 show it, with UID and MODSEQ.
  auto s = fetches(ok("FETCH 2 (BODY[TEXT])"));
  BOOST_REQUIRE_EQUAL(s.count(2), 1u);
  BOOST_TEST(s.at(2).count("UID") == 1u);
  BOOST_REQUIRE_EQUAL(s.at(2).count("MODSEQ"), 1u);
  BOOST_TEST(modseq_value(s.at(2).at("MODSEQ")) > modseq_value(g.at(3).at("MODSEQ")));
  BOOST_TEST(modseqs().at(2) == modseq_value(s.at(2).at("MODSEQ")));
}

BOOST_FIXTURE_TEST_CASE(modseqs_survive_a_restart_and_keep_growing, CondstoreFixture) {
  fill(4);
  ok("SELECT INBOX (CONDSTORE)");
  ok("STORE 2 +FLAGS.SILENT (\\Seen)");
  ok("STORE 3 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  const auto before = modseqs();
  const auto h_before = status_highestmodseq(*c);
  BOOST_TEST(h_before >= max_of(before));
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  ok("SELECT INBOX (CONDSTORE)");
  BOOST_TEST(highestmodseq(c->last_untagged()) == h_before);
  BOOST_TEST((modseqs() == before), "per-message mod-sequences changed");
  // The next change is above everything before the restart, an APPEND too.
  auto f = fetches(ok("STORE 1 +FLAGS (\\Flagged)"));
  BOOST_REQUIRE_EQUAL(f.count(1), 1u);
  const auto m = modseq_value(f.at(1).at("MODSEQ"));
  BOOST_TEST(m > h_before);
  append("INBOX", make_message(9, 500, Body::ascii));
  ok("NOOP");
  const auto after = modseqs();
  BOOST_TEST(after.at(5) > m);
  BOOST_TEST(status_highestmodseq(*c) == after.at(5));
  // And once more.
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(status_highestmodseq(*c) == after.at(5));
}

BOOST_FIXTURE_TEST_CASE(malformed_modifiers_are_bad, CondstoreFixture) {
  fill(2);
  ok("SELECT INBOX (CONDSTORE)");
  const auto before = modseqs();
  for (const std::string bad : {
           "STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Seen)",
           "STORE 1 (UNCHANGEDSINCE abc) +FLAGS (\\Seen)",
           "STORE 1 (UNCHANGEDSINCE -1) +FLAGS (\\Seen)",
           "STORE 1 (UNCHANGEDSINCE 5 UNCHANGEDSINCE 6) +FLAGS (\\Seen)",  // "Only a single UNCHANGEDSINCE"
           "STORE 1 (UNCHANGEDSINCE 5 +FLAGS (\\Seen)",
           "FETCH 1 (FLAGS) (CHANGEDSINCE)",
           "FETCH 1 (FLAGS) (CHANGEDSINCE 0)",  // mod-sequence-value is 1*DIGIT, 1 or more
           "FETCH 1 (FLAGS) (CHANGEDSINCE x)",
           "FETCH 1 (FLAGS) (CHANGEDSINCE 5",
           "FETCH 1 (MODSEQ[])",
           "SELECT INBOX (CONDSTORE",
       }) {
    const auto r = answer(bad);
    BOOST_TEST(r.rfind("BAD", 0) == 0u, bad << " -> " << r);
  }
  // Nothing was stored; the session is usable (selected again: a refused SELECT may have left nothing selected).
  ok("SELECT INBOX (CONDSTORE)");
  BOOST_TEST((modseqs() == before), "per-message mod-sequences changed");
  BOOST_TEST(fetches(ok("FETCH 1 (FLAGS)")).at(1).at("FLAGS") == "()");
}

BOOST_AUTO_TEST_SUITE_END()
