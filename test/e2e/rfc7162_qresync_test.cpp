// RFC 7162 §3.2 (QRESYNC) over the real server, written from the RFC: ENABLE QRESYNC answers "* ENABLED QRESYNC"
// and is CONDSTORE-enabling (§3.2.3); SELECT/EXAMINE (QRESYNC (uidvalidity modseq [known-uids [seq-match]])) answers
// the usual responses, then "* VANISHED (EARLIER) uids" for known UIDs expunged since modseq, then a FETCH with UID,
// FLAGS and MODSEQ for each message changed since modseq, and nothing else (§3.2.5, §3.2.5.1, §3.2.5.2; the server
// remembers every expunge, so the VANISHED set for known UIDs is exact); a stale UIDVALIDITY gets neither (§3.2.5);
// UID FETCH ... (CHANGEDSINCE n VANISHED) likewise (§3.2.6); once enabled, expunges in this session (EXPUNGE,
// UID EXPUNGE, MOVE) and in others arrive as "* VANISHED uids", never EXPUNGE, not during FETCH/STORE/SEARCH, only
// for messages the client was told of, pushed during IDLE, and EXPUNGE/UID EXPUNGE/MOVE report the new HIGHESTMODSEQ
// while CLOSE does not (§3.2.7-3.2.10, RFC 6851 §4.4); "* OK [CLOSED]" starts the answer to a SELECT/EXAMINE that closes a mailbox
// (§3.2.11); the QRESYNC parameter or VANISHED modifier without ENABLE QRESYNC, VANISHED without CHANGEDSINCE or
// with FETCH, and malformed parameters are BAD. The acceptance case: a client syncs and disconnects, another session
// changes flags and expunges (and the server may restart), and one SELECT (QRESYNC) tells the client exactly what
// changed.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <set>
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
using Flags = std::set<std::string>;

// The VANISHED responses among `lines`, in order (a malformed one is an error).
struct Vanished {
  bool earlier = false;
  Uids uids;
  std::size_t index = 0;  // position in `lines`
};
std::vector<Vanished> vanished(const Lines& lines) {
  static const std::regex re(R"(\* VANISHED( \(EARLIER\))? ([1-9][0-9]*(:[1-9][0-9]*)?(,[1-9][0-9]*(:[1-9][0-9]*)?)*))");
  std::vector<Vanished> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("* VANISHED", 0) != 0) continue;
    std::smatch m;
    if (!std::regex_match(lines[i], m, re)) {
      BOOST_ERROR("malformed VANISHED response: " << lines[i]);
      continue;
    }
    out.push_back({m[1].matched, expand(m[2]), i});
  }
  return out;
}

// "OK [HIGHESTMODSEQ n] ..." (a tagged answer without its tag) -> n.
std::optional<std::uint64_t> tagged_highestmodseq(const std::string& answer) {
  static const std::regex re(R"(OK \[HIGHESTMODSEQ ([1-9][0-9]*)\].*)");
  std::smatch m;
  if (!std::regex_match(answer, m, re)) return std::nullopt;
  return std::stoull(m[1]);
}
std::uint32_t uidvalidity(const Lines& lines) {
  static const std::regex re(R"(\* OK \[UIDVALIDITY ([1-9][0-9]*)\].*)");
  std::smatch m;
  for (const auto& l : lines) {
    if (std::regex_match(l, m, re)) return static_cast<std::uint32_t>(std::stoul(m[1]));
  }
  BOOST_FAIL("no UIDVALIDITY in the SELECT answer");
  return 0;
}
struct Fetched {
  std::uint32_t seq = 0;
  Flags flags;
  std::uint64_t modseq = 0;
  std::size_t index = 0;  // position in the lines
};
// The untagged FETCH responses of a resync, by UID: each must carry UID, FLAGS and MODSEQ (§3.2.5.1).
std::map<std::uint32_t, Fetched> fetched_by_uid(const Lines& lines) {
  std::map<std::uint32_t, Fetched> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto f = parse_fetch(lines[i]);
    if (!f) continue;
    const bool complete = f->items.count("UID") && f->items.count("FLAGS") && f->items.count("MODSEQ");
    BOOST_TEST(complete, "FETCH without UID, FLAGS or MODSEQ: " << lines[i]);
    if (!complete) continue;
    const std::uint32_t uid = std::stoul(f->items.at("UID"));
    BOOST_TEST(out.count(uid) == 0u, "two FETCH responses for UID " << uid);
    out[uid] = {f->seq, parse_flags(f->items.at("FLAGS")), modseq_value(f->items.at("MODSEQ")), i};
  }
  return out;
}
Uids keys(const std::map<std::uint32_t, Fetched>& m) {
  Uids out;
  for (const auto& [uid, f] : m) out.insert(uid);
  return out;
}
bool has_expunge(const Lines& lines) {
  return std::any_of(lines.begin(), lines.end(), [](const std::string& l) { return untagged_number(l, "EXPUNGE"); });
}

struct QresyncFixture : AliceSession {
  void fill(unsigned n, const std::string& mailbox = "INBOX") {
    for (unsigned i = 1; i <= n; ++i) append(mailbox, make_message(100 + i, 300 + 10 * i, Body::ascii));
  }
  Lines ok_on(TlsClient& client, const std::string& command) {
    const std::string tag = "o" + std::to_string(++tags);
    const auto status = client.command(tag, command, 60s);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return client.last_untagged();
  }
  // The tagged answer without its tag.
  std::string answer_on(TlsClient& client, const std::string& command) {
    const std::string tag = "o" + std::to_string(++tags);
    return client.command(tag, command, 60s).substr(tag.size() + 1);
  }
  TlsClient other() { return server.login("alice", "alice-password"); }
  // A new connection with QRESYNC enabled (checking the ENABLED answer).
  TlsClient qresync_session() {
    auto a = other();
    auto r = ok_on(a, "ENABLE QRESYNC");
    BOOST_TEST(r.size() == 1u);
    BOOST_TEST(r.at(0).rfind("* ENABLED ", 0) == 0u, r.at(0));
    BOOST_TEST((" " + r.at(0) + " ").find(" QRESYNC ") != std::string::npos, r.at(0));
    return a;
  }
  std::uint64_t status_highestmodseq(TlsClient& on, const std::string& mailbox = "INBOX") {
    auto r = ok_on(on, "STATUS " + mailbox + " (HIGHESTMODSEQ)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    static const std::regex re(R"(\* STATUS \S+ \(HIGHESTMODSEQ ([0-9]+)\))");
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(r[0], m, re), r[0]);
    return std::stoull(m[1]);
  }
  // UID -> flags of every message in the selected mailbox of `on`.
  std::map<std::uint32_t, Flags> all_flags(TlsClient& on) {
    std::map<std::uint32_t, Flags> out;
    for (const auto& l : ok_on(on, "UID FETCH 1:* (FLAGS)")) {
      auto f = parse_fetch(l);
      if (f) out[std::stoul(f->items.at("UID"))] = parse_flags(f->items.at("FLAGS"));
    }
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc7162_qresync)

BOOST_FIXTURE_TEST_CASE(enable_qresync, QresyncFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((caps[0] + " ").find(" QRESYNC ") != std::string::npos, caps[0]);
  fill(2);
  // §3.2.3: "ENABLE QRESYNC" lists QRESYNC (CONDSTORE, implied, may be listed too).
  auto r = ok("ENABLE QRESYNC");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  const bool listed = r[0] == "* ENABLED QRESYNC" || r[0] == "* ENABLED QRESYNC CONDSTORE" ||
                      r[0] == "* ENABLED CONDSTORE QRESYNC";
  BOOST_TEST(listed, r[0]);
  // It is CONDSTORE-enabling: SELECT reports HIGHESTMODSEQ without a parameter.
  ok("SELECT INBOX");
  BOOST_TEST(highestmodseqs(c->last_untagged()).size() == 1u);
  // "ENABLE QRESYNC CONDSTORE" (either order) has the same result as "ENABLE QRESYNC" (§3.2.3): QRESYNC is listed.
  for (const std::string command : {"ENABLE QRESYNC CONDSTORE", "ENABLE condstore qresync"}) {
    auto a = other();
    auto e = ok_on(a, command);
    BOOST_REQUIRE_EQUAL(e.size(), 1u);
    const bool listed_too = e[0] == "* ENABLED QRESYNC" || e[0] == "* ENABLED QRESYNC CONDSTORE" ||
                            e[0] == "* ENABLED CONDSTORE QRESYNC";
    BOOST_TEST(listed_too, e[0]);
    ok_on(a, "SELECT INBOX");
    BOOST_TEST(highestmodseqs(a.last_untagged()).size() == 1u);
  }
}

BOOST_FIXTURE_TEST_CASE(qresync_and_vanished_need_enable_and_a_valid_syntax, QresyncFixture) {
  fill(3);
  ok("SELECT INBOX (CONDSTORE)");
  const auto v = uidvalidity(c->last_untagged());
  const auto h = highestmodseq(c->last_untagged());
  ok("UNSELECT");
  const std::string qr = "(QRESYNC (" + std::to_string(v) + " " + std::to_string(h) + "))";
  // §3.2.3/§3.2.5: without ENABLE QRESYNC (ENABLE CONDSTORE is not enough), BAD; nothing is selected.
  BOOST_TEST(answer("SELECT INBOX " + qr).rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("EXAMINE INBOX " + qr).rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("FETCH 1 (FLAGS)").rfind("BAD", 0) == 0u);  // not selected
  ok("ENABLE CONDSTORE");
  BOOST_TEST(answer("SELECT INBOX " + qr).rfind("BAD", 0) == 0u);
  ok("SELECT INBOX");
  // §3.2.6: the VANISHED modifier without ENABLE QRESYNC is BAD.
  BOOST_TEST(answer("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)").rfind("BAD", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());

  auto a = qresync_session();
  // §3.2.6: VANISHED with FETCH, or without CHANGEDSINCE, is BAD.
  ok_on(a, "SELECT INBOX");
  for (const std::string bad : {
           "FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
           "FETCH 1:* (FLAGS) (VANISHED CHANGEDSINCE 1)",
           "UID FETCH 1:* (FLAGS) (VANISHED)",
           "UID FETCH 1:* (FLAGS) (CHANGEDSINCE VANISHED)",
       }) {
    const auto r = answer_on(a, bad);
    BOOST_TEST(r.rfind("BAD", 0) == 0u, bad << " -> " << r);
    BOOST_TEST(a.last_untagged().empty(), bad);
  }
  // The order of the modifiers does not matter (RFC 4466 fetch-modifiers).
  ok_on(a, "UID FETCH 1:* (FLAGS) (VANISHED CHANGEDSINCE 1)");
  // §7 / §3.2.5: syntax errors in the parameter are BAD and leave nothing selected.
  ok_on(a, "UNSELECT");
  const std::string vs = std::to_string(v), hs = std::to_string(h);
  for (const std::string& bad : std::vector<std::string>{
           "SELECT INBOX (QRESYNC (0 " + hs + "))",                     // uidvalidity is nz-number
           "SELECT INBOX (QRESYNC (" + vs + " 0))",                     // mod-sequence-value is >= 1
           "SELECT INBOX (QRESYNC (" + vs + "))",                       // the modseq is required
           "SELECT INBOX (QRESYNC " + vs + " " + hs + ")",              // the arguments are parenthesised
           "SELECT INBOX (QRESYNC (" + vs + " " + hs + " 1:*))",        // "*" is not allowed in known-uids
           "SELECT INBOX (QRESYNC (" + vs + " " + hs + " 1:3 (1:2)))",  // seq-match needs two sets
           "SELECT INBOX (QRESYNC (" + vs + " " + hs + " 1:3 (1:2 1:2) x))",
           "SELECT INBOX (QRESYNC (" + vs + " x))",
           "EXAMINE INBOX (QRESYNC (" + vs + " " + hs + " 1:3)",
       }) {
    const auto r = answer_on(a, bad);
    BOOST_TEST(r.rfind("BAD", 0) == 0u, bad << " -> " << r);
    BOOST_TEST(a.last_untagged().empty(), bad);
    BOOST_TEST(answer_on(a, "FETCH 1 (FLAGS)").rfind("BAD", 0) == 0u, "selected after: " << bad);
  }
  // And a valid one works.
  const auto good = answer_on(a, "SELECT INBOX (QRESYNC (" + vs + " " + hs + " 1:3 (1:2 1:2)))");
  BOOST_TEST(good.rfind("OK [READ-WRITE]", 0) == 0u, good);
}

// The key case (§3.2.5.1, §6): A syncs and disconnects; B changes flags and expunges; A learns exactly that.
void resync_after_changes_elsewhere(QresyncFixture& fx, bool restart) {
  fx.fill(12);
  fx.ok("CREATE Target");
  fx.ok("SELECT INBOX");
  fx.ok("STORE 1:3 +FLAGS.SILENT (\\Seen)");
  fx.ok("STORE 8 +FLAGS.SILENT ($Label)");
  fx.ok("UNSELECT");

  // A: the full sync, remembering UIDVALIDITY, HIGHESTMODSEQ and every UID's flags.
  std::uint32_t v = 0;
  std::uint64_t h0 = 0;
  std::map<std::uint32_t, Flags> cache;
  {
    auto a = fx.qresync_session();
    BOOST_TEST(fx.answer_on(a, "SELECT INBOX").rfind("OK [READ-WRITE]", 0) == 0u);
    v = uidvalidity(a.last_untagged());
    h0 = highestmodseq(a.last_untagged());
    cache = fx.all_flags(a);
    BOOST_REQUIRE_EQUAL(cache.size(), 12u);
    fx.ok_on(a, "LOGOUT");
  }

  // B: flag changes on 2, 5, 7 (set and cleared again: changed all the same), 10 (\Deleted, kept); 9 changed then
  // expunged; 4 and 11 expunged; 12 moved away; one new message (UID 13).
  {
    auto b = fx.other();
    fx.ok_on(b, "SELECT INBOX");
    fx.ok_on(b, "UID STORE 2 -FLAGS.SILENT (\\Seen)");
    fx.ok_on(b, "UID STORE 5 +FLAGS.SILENT ($Label1 \\Flagged)");
    fx.ok_on(b, "UID STORE 7 +FLAGS.SILENT (\\Answered)");
    fx.ok_on(b, "UID STORE 7 -FLAGS.SILENT (\\Answered)");
    fx.ok_on(b, "UID STORE 9 +FLAGS.SILENT (\\Seen)");
    fx.ok_on(b, "UID STORE 4,9,11 +FLAGS.SILENT (\\Deleted)");
    fx.ok_on(b, "EXPUNGE");
    fx.ok_on(b, "UID STORE 10 +FLAGS.SILENT (\\Deleted)");
    fx.ok_on(b, "UID MOVE 12 Target");
    fx.ok_on(b, "LOGOUT");
  }
  fx.append("INBOX", make_message(200, 700, Body::ascii));
  if (restart) {
    fx.c.reset();
    fx.server.restart();
    fx.c.emplace(fx.server.login("alice", "alice-password"));
  }
  const std::uint64_t h_now = fx.status_highestmodseq(*fx.c);
  BOOST_TEST(h_now > h0);

  // A again: one SELECT (QRESYNC) with what it knows.
  auto a = fx.qresync_session();
  const std::string tagged =
      fx.answer_on(a, "SELECT INBOX (QRESYNC (" + std::to_string(v) + " " + std::to_string(h0) + " 1:12))");
  BOOST_TEST(tagged.rfind("OK [READ-WRITE]", 0) == 0u, tagged);
  const Lines lines = a.last_untagged();
  BOOST_TEST(uidvalidity(lines) == v);
  BOOST_TEST(highestmodseq(lines) == h_now);
  BOOST_TEST(std::count(lines.begin(), lines.end(), "* 9 EXISTS") == 1);
  BOOST_TEST(!has_expunge(lines));
  // Exactly one VANISHED (EARLIER), listing exactly the expunged known UIDs.
  const auto gone = vanished(lines);
  BOOST_REQUIRE_EQUAL(gone.size(), 1u);
  BOOST_TEST(gone[0].earlier);
  BOOST_TEST(gone[0].uids == (Uids{4, 9, 11, 12}), tt::per_element());
  // A FETCH (UID FLAGS MODSEQ) for exactly the changed known UIDs still present, after the VANISHED, with the
  // current message numbers (1 2 3 5 6 7 8 10 13 remain).
  const auto changed = fetched_by_uid(lines);
  BOOST_TEST(keys(changed) == (Uids{2, 5, 7, 10}), tt::per_element());
  const std::map<std::uint32_t, std::uint32_t> seq_of = {{2, 2}, {5, 4}, {7, 6}, {10, 8}};
  for (const auto& [uid, f] : changed) {
    BOOST_TEST_CONTEXT("UID " << uid) {
      if (seq_of.count(uid)) BOOST_TEST(f.seq == seq_of.at(uid));
      BOOST_TEST(f.modseq > h0);
      BOOST_TEST(f.modseq <= h_now);
      BOOST_TEST(f.index > gone[0].index, "FETCH before VANISHED (EARLIER) (§3.2.6: VANISHED first)");
    }
  }
  if (changed.count(2)) BOOST_TEST(changed.at(2).flags == Flags{}, tt::per_element());
  if (changed.count(5)) BOOST_TEST(changed.at(5).flags == (Flags{"$Label1", "\\Flagged"}), tt::per_element());
  if (changed.count(7)) BOOST_TEST(changed.at(7).flags == Flags{}, tt::per_element());
  if (changed.count(10)) BOOST_TEST(changed.at(10).flags == Flags{"\\Deleted"}, tt::per_element());

  // Applying that to the cache gives the server's state for the known UIDs.
  for (auto uid : gone[0].uids) cache.erase(uid);
  for (const auto& [uid, f] : changed) cache[uid] = f.flags;
  auto now = fx.all_flags(a);
  BOOST_TEST(now.count(13) == 1u);  // the new message, found by the client's usual UID FETCH
  now.erase(13);
  BOOST_TEST((cache == now), "the resynchronised cache differs from the server's flags");

  // Without known UIDs: every change up to UIDNEXT-1, the new message included; VANISHED (EARLIER) may list more
  // UIDs (ones that never existed) but never a present one.
  const std::string examined =
      fx.answer_on(a, "EXAMINE INBOX (QRESYNC (" + std::to_string(v) + " " + std::to_string(h0) + "))");
  BOOST_TEST(examined.rfind("OK [READ-ONLY]", 0) == 0u, examined);
  const Lines e = a.last_untagged();
  BOOST_TEST(e.at(0).rfind("* OK [CLOSED]", 0) == 0u, e.at(0));
  const auto e_gone = vanished(e);
  BOOST_REQUIRE_EQUAL(e_gone.size(), 1u);
  BOOST_TEST(e_gone[0].earlier);
  for (auto uid : {4u, 9u, 11u, 12u}) BOOST_TEST(e_gone[0].uids.count(uid) == 1u, "UID " << uid << " missing");
  for (auto uid : {1u, 2u, 3u, 5u, 6u, 7u, 8u, 10u, 13u}) BOOST_TEST(e_gone[0].uids.count(uid) == 0u, "UID " << uid);
  BOOST_TEST(keys(fetched_by_uid(e)) == (Uids{2, 5, 7, 10, 13}), tt::per_element());

  // In sync now: the same request with the new HIGHESTMODSEQ and the UIDs known now reports nothing.
  fx.ok_on(a, "SELECT INBOX (QRESYNC (" + std::to_string(v) + " " + std::to_string(h_now) + " 1:3,5:8,10,13))");
  const Lines again = a.last_untagged();
  BOOST_TEST(vanished(again).empty());
  BOOST_TEST(fetched_by_uid(again).empty());
  BOOST_TEST(highestmodseq(again) == h_now);
}

BOOST_FIXTURE_TEST_CASE(resync_after_flag_changes_and_expunges_in_another_session, QresyncFixture) {
  resync_after_changes_elsewhere(*this, false);
}

BOOST_FIXTURE_TEST_CASE(resync_after_changes_and_a_restart, QresyncFixture) {
  resync_after_changes_elsewhere(*this, true);
}

BOOST_FIXTURE_TEST_CASE(known_uids_and_sequence_match_data, QresyncFixture) {
  fill(10);
  auto a = qresync_session();
  ok_on(a, "SELECT INBOX");
  const auto v = uidvalidity(a.last_untagged());
  const auto h0 = highestmodseq(a.last_untagged());
  ok_on(a, "LOGOUT");
  ok("SELECT INBOX");
  ok("UID STORE 2,5 +FLAGS.SILENT (\\Seen)");
  ok("UID STORE 3,7 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");  // left: UIDs 1 2 4 5 6 8 9 10 as messages 1..8
  const std::string prefix = "SELECT INBOX (QRESYNC (" + std::to_string(v) + " " + std::to_string(h0);
  auto b = qresync_session();
  struct Case {
    std::string params;
    Uids vanished, fetched;
  };
  const std::vector<Case> cases = {
      {" 1:10", {3, 7}, {2, 5}},
      {" 1:4", {3}, {2}},            // only the known UIDs are reported
      {" 5:6,8", {}, {5}},           // nothing of these vanished: no VANISHED response at all
      {" 1:10 (1:2 1:2)", {3, 7}, {2, 5}},  // pairs that match only tell the server nothing was lost up to UID 2
      {" 1:10 (1,4 1,4)", {3, 7}, {2, 5}},  // message 4 is now UID 5: a mismatch, so no restriction from it
  };
  for (const auto& k : cases) {
    BOOST_TEST_CONTEXT(k.params) {
      ok_on(b, prefix + k.params + "))");
      const Lines lines = b.last_untagged();
      const auto gone = vanished(lines);
      if (k.vanished.empty()) {
        BOOST_TEST(gone.empty());
      } else {
        BOOST_REQUIRE_EQUAL(gone.size(), 1u);
        BOOST_TEST(gone[0].earlier);
        BOOST_TEST(gone[0].uids == k.vanished, tt::per_element());
      }
      BOOST_TEST(keys(fetched_by_uid(lines)) == k.fetched, tt::per_element());
      BOOST_TEST(!has_expunge(lines));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(stale_uidvalidity_reports_no_changes, QresyncFixture) {
  fill(4);
  auto a = qresync_session();
  ok_on(a, "SELECT INBOX");
  const auto v = uidvalidity(a.last_untagged());
  const auto h0 = highestmodseq(a.last_untagged());
  ok("SELECT INBOX");
  ok("STORE 1 +FLAGS.SILENT (\\Seen)");
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  ok_on(a, "UNSELECT");
  const auto stale = v == 1 ? 2u : v - 1;
  // §3.2.5: a UIDVALIDITY mismatch: the plain SELECT answers (with the real UIDVALIDITY), no VANISHED, no FETCH.
  const auto tagged = answer_on(a, "SELECT INBOX (QRESYNC (" + std::to_string(stale) + " " + std::to_string(h0) +
                                       " 1:4))");
  BOOST_TEST(tagged.rfind("OK [READ-WRITE]", 0) == 0u, tagged);
  const Lines lines = a.last_untagged();
  BOOST_TEST(uidvalidity(lines) == v);
  BOOST_TEST(highestmodseqs(lines).size() == 1u);
  BOOST_TEST(std::count(lines.begin(), lines.end(), "* 3 EXISTS") == 1);
  BOOST_TEST(vanished(lines).empty());
  for (const auto& l : lines) BOOST_TEST(!parse_fetch(l).has_value(), l);
}

BOOST_FIXTURE_TEST_CASE(closed_response_code, QresyncFixture) {
  fill(2);
  ok("CREATE Other");
  // §3.2.11: whether or not CONDSTORE was enabled; first in the answer; not on the first SELECT.
  BOOST_TEST(ok("SELECT INBOX").at(0).rfind("* OK [CLOSED]", 0) != 0u);
  auto count_closed = [](const Lines& lines) {
    return std::count_if(lines.begin(), lines.end(),
                         [](const std::string& l) { return l.rfind("* OK [CLOSED]", 0) == 0; });
  };
  BOOST_TEST(count_closed(c->last_untagged()) == 0);
  for (const std::string command : {"SELECT Other", "EXAMINE INBOX", "SELECT INBOX", "SELECT INBOX"}) {
    const auto lines = ok(command);
    BOOST_REQUIRE(!lines.empty());
    BOOST_TEST(lines[0].rfind("* OK [CLOSED]", 0) == 0u, command << ": first response " << lines[0]);
    BOOST_TEST(count_closed(lines) == 1, command);
  }
  // With QRESYNC: before the new mailbox's responses, and before VANISHED (EARLIER) of a QRESYNC SELECT.
  auto a = qresync_session();
  ok_on(a, "SELECT INBOX");
  const auto v = uidvalidity(a.last_untagged());
  const auto h = highestmodseq(a.last_untagged());
  BOOST_TEST(count_closed(a.last_untagged()) == 0);
  ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  ok_on(a, "SELECT INBOX (QRESYNC (" + std::to_string(v) + " " + std::to_string(h) + " 1:2))");
  const Lines lines = a.last_untagged();
  BOOST_TEST(count_closed(lines) == 1);
  const auto closed_at = static_cast<std::size_t>(
      std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("* OK [CLOSED]", 0) == 0; }) -
      lines.begin());
  // The expunge happened while INBOX was selected in a: the old selection may report it before [CLOSED] (as
  // "* VANISHED 1"), and the QRESYNC SELECT must report it after (as "* VANISHED (EARLIER) 1"): it is since h.
  // Only such a VANISHED may precede [CLOSED].
  const auto gone = vanished(lines);
  BOOST_TEST(!gone.empty());
  BOOST_TEST(gone.size() <= 2u);
  int earlier_after = 0;
  for (const auto& g : gone) {
    BOOST_TEST(g.uids == Uids{1}, tt::per_element());
    BOOST_TEST(g.earlier == (g.index > closed_at), "VANISHED placement/form: " << lines[g.index]);
    if (g.earlier && g.index > closed_at) ++earlier_after;
  }
  BOOST_TEST(earlier_after == 1, "no \"* VANISHED (EARLIER) 1\" after [CLOSED]");
  for (std::size_t i = 0; i < closed_at && i < lines.size(); ++i) {
    BOOST_TEST(lines[i].rfind("* VANISHED 1", 0) == 0u, "before [CLOSED]: " << lines[i]);
  }
  // Not on UNSELECT or CLOSE.
  BOOST_TEST(count_closed(ok_on(a, "UNSELECT")) == 0);
}

BOOST_FIXTURE_TEST_CASE(uid_fetch_changedsince_vanished, QresyncFixture) {
  fill(8);
  ok("SELECT INBOX (CONDSTORE)");
  const auto h0 = highestmodseq(c->last_untagged());
  ok("UID STORE 4 +FLAGS.SILENT ($NoJunk)");
  ok("UID STORE 2,6 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  ok("UID STORE 8 +FLAGS.SILENT (\\Seen)");
  const std::string since = std::to_string(h0);

  auto a = qresync_session();
  ok_on(a, "SELECT INBOX");
  // §3.2.6's example: "* VANISHED (EARLIER) 300:310,405,411" then the FETCHes.
  const Lines r = ok_on(a, "UID FETCH 1:8 (FLAGS) (CHANGEDSINCE " + since + " VANISHED)");
  const auto gone = vanished(r);
  BOOST_REQUIRE_EQUAL(gone.size(), 1u);
  BOOST_TEST(gone[0].earlier);
  BOOST_TEST(gone[0].uids == (Uids{2, 6}), tt::per_element());
  BOOST_TEST(gone[0].index == 0u, "VANISHED (EARLIER) must come before the FETCH responses");
  const auto f = fetched_by_uid(r);
  BOOST_TEST(keys(f) == (Uids{4, 8}), tt::per_element());
  if (f.count(4)) {
    BOOST_TEST(f.at(4).seq == 3u);
    BOOST_TEST(f.at(4).flags == Flags{"$NoJunk"}, tt::per_element());
  }
  if (f.count(8)) BOOST_TEST(f.at(8).seq == 6u);
  // "VANISHED (EARLIER)" does not renumber: the session still has 6 messages.
  BOOST_TEST(ok_on(a, "FETCH 1:* (UID)").size() == 6u);
  // A range with no expunged UID: no VANISHED at all; a range with UIDs that never existed: never a present one.
  const Lines part = ok_on(a, "UID FETCH 3:5 (FLAGS) (CHANGEDSINCE " + since + " VANISHED)");
  BOOST_TEST(vanished(part).empty());
  BOOST_TEST(keys(fetched_by_uid(part)) == Uids{4}, tt::per_element());
  const Lines wide = ok_on(a, "UID FETCH 1:100 (FLAGS) (CHANGEDSINCE " + since + " VANISHED)");
  const auto wide_gone = vanished(wide);
  BOOST_REQUIRE_EQUAL(wide_gone.size(), 1u);
  for (auto uid : {2u, 6u}) BOOST_TEST(wide_gone[0].uids.count(uid) == 1u);
  for (auto uid : {1u, 3u, 4u, 5u, 7u, 8u}) BOOST_TEST(wide_gone[0].uids.count(uid) == 0u, "UID " << uid);
  // Nothing since the current HIGHESTMODSEQ; and since a mod-sequence after the expunges but before the last flag
  // change, that change only: UIDs 2 and 6 vanished at or before it (§3.2.6: only expunges with a larger
  // mod-sequence; this server remembers every expunge, so the "older than remembered" rule does not apply).
  const auto now = status_highestmodseq(a);
  const Lines none = ok_on(a, "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(now) + " VANISHED)");
  BOOST_TEST(none.empty());
  const Lines late = ok_on(a, "UID FETCH 1:8 (FLAGS) (CHANGEDSINCE " + std::to_string(f.count(8) ? f.at(8).modseq - 1 : 1) +
                                  " VANISHED)");
  BOOST_TEST(vanished(late).empty());
  BOOST_TEST(keys(fetched_by_uid(late)) == Uids{8}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(vanished_replaces_expunge_in_this_session, QresyncFixture) {
  fill(8);
  ok("CREATE Target");
  auto watcher = other();
  ok("ENABLE QRESYNC");
  const auto v = uidvalidity(ok("SELECT INBOX"));
  // EXPUNGE: "* VANISHED 2:3,5" (no EARLIER, no EXPUNGE), and "OK [HIGHESTMODSEQ n]" (§3.2.7).
  ok("STORE 2,3,5 +FLAGS.SILENT (\\Deleted)");
  std::string r = answer("EXPUNGE");
  Lines u = c->last_untagged();
  BOOST_TEST(!has_expunge(u));
  auto gone = vanished(u);
  BOOST_REQUIRE_EQUAL(gone.size(), 1u);
  BOOST_TEST(!gone[0].earlier);
  BOOST_TEST(gone[0].uids == (Uids{2, 3, 5}), tt::per_element());
  BOOST_TEST(u.size() == 1u);  // no EXISTS either (§3.2.10.2)
  auto hms = tagged_highestmodseq(r);
  BOOST_TEST(hms.has_value(), "EXPUNGE -> " << r);
  BOOST_TEST(hms.value_or(0) == status_highestmodseq(watcher));

  // UID EXPUNGE: the same (§3.2.9). Messages are now UIDs 1 4 6 7 8.
  ok("UID STORE 4,7 +FLAGS.SILENT (\\Deleted)");
  r = answer("UID EXPUNGE 1:6");
  u = c->last_untagged();
  BOOST_TEST(u == Lines{"* VANISHED 4"}, tt::per_element());
  hms = tagged_highestmodseq(r);
  BOOST_TEST(hms.has_value(), "UID EXPUNGE -> " << r);
  BOOST_TEST(hms.value_or(0) == status_highestmodseq(watcher));

  // MOVE: COPYUID, then VANISHED; HIGHESTMODSEQ in the tagged or an untagged OK (RFC 6851 §4.4).
  r = answer("UID MOVE 6 Target");
  u = c->last_untagged();
  BOOST_TEST(r.rfind("OK", 0) == 0u, r);
  BOOST_TEST(!has_expunge(u));
  gone = vanished(u);
  BOOST_REQUIRE_EQUAL(gone.size(), 1u);
  BOOST_TEST(!gone[0].earlier);
  BOOST_TEST(gone[0].uids == Uids{6}, tt::per_element());
  BOOST_TEST(u.at(0).rfind("* OK [COPYUID ", 0) == 0u, u.at(0));
  auto move_hms = highestmodseqs(u);
  if (auto t = tagged_highestmodseq(r)) move_hms.push_back(*t);
  BOOST_TEST(!move_hms.empty(), "MOVE reported no HIGHESTMODSEQ: tagged \"" << r << "\", untagged " << u.size()
                                                                   << ": " << u.at(0) << " | " << u.back());
  if (!move_hms.empty()) BOOST_TEST(move_hms.back() == status_highestmodseq(watcher));

  // UID 7 is still \Deleted: EXPUNGE says "* VANISHED 7"; then there is nothing to expunge, and no VANISHED.
  r = answer("EXPUNGE");
  BOOST_TEST(c->last_untagged() == Lines{"* VANISHED 7"}, tt::per_element());
  BOOST_TEST(tagged_highestmodseq(r).has_value(), "EXPUNGE -> " << r);
  r = answer("EXPUNGE");
  BOOST_TEST(r.rfind("OK", 0) == 0u, r);
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(ok("UID FETCH 1:* (UID)") == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 8)"}), tt::per_element());

  // CLOSE expunges silently, with no HIGHESTMODSEQ in its OK (§3.2.8 MUST NOT); the expunge is remembered.
  const auto before_close = status_highestmodseq(watcher);
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  r = answer("CLOSE");
  BOOST_TEST(r.rfind("OK", 0) == 0u, r);
  BOOST_TEST(r.find("HIGHESTMODSEQ") == std::string::npos, r);
  BOOST_TEST(c->last_untagged().empty());
  const auto after_close = status_highestmodseq(watcher);
  BOOST_TEST(after_close > before_close);
  auto a = qresync_session();
  ok_on(a, "SELECT INBOX (QRESYNC (" + std::to_string(v) + " " + std::to_string(before_close) + " 1,8))");
  gone = vanished(a.last_untagged());
  BOOST_REQUIRE_EQUAL(gone.size(), 1u);
  BOOST_TEST(gone[0].earlier);
  BOOST_TEST(gone[0].uids == Uids{8}, tt::per_element());
  BOOST_TEST(keys(fetched_by_uid(a.last_untagged())).empty());
}

BOOST_FIXTURE_TEST_CASE(vanished_for_expunges_in_other_sessions, QresyncFixture) {
  fill(8);
  ok("CREATE Target");
  auto a = qresync_session();
  ok_on(a, "SELECT INBOX");
  ok("SELECT INBOX");
  ok("UID STORE 4 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  ok("UID MOVE 6 Target");
  ok("UID STORE 1 +FLAGS.SILENT (\\Flagged)");
  // §3.2.10.2: not while answering FETCH, STORE or SEARCH; flag changes may come, with UID and MODSEQ.
  for (const std::string command : {"FETCH 1 (FLAGS)", "STORE 2 +FLAGS.SILENT ($Seen2)", "SEARCH ALL"}) {
    const auto r = ok_on(a, command);
    BOOST_TEST(vanished(r).empty(), command);
    BOOST_TEST(!has_expunge(r), command);
  }
  // At the next NOOP: VANISHED (no EARLIER, no EXPUNGE) for UIDs 4 and 6, in one response or two.
  const Lines r = ok_on(a, "NOOP");
  BOOST_TEST(!has_expunge(r));
  Uids all;
  for (const auto& g : vanished(r)) {
    BOOST_TEST(!g.earlier);
    all.insert(g.uids.begin(), g.uids.end());
  }
  BOOST_TEST(all == (Uids{4, 6}), tt::per_element());
  BOOST_TEST(ok_on(a, "FETCH 1:* (UID)").size() == 6u);
  // A flag change by the other session arrives with UID and MODSEQ (§3.2.4).
  ok("UID STORE 8 +FLAGS.SILENT (\\Answered)");
  const auto f = fetched_by_uid(ok_on(a, "NOOP"));
  BOOST_TEST(keys(f) == Uids{8}, tt::per_element());
  if (f.count(8)) BOOST_TEST(f.at(8).seq == 6u);

  // §3.2.10.2: only UIDs the client was told of: a message appended and expunged between two commands of `a` is
  // either announced (EXISTS) before it vanishes or not mentioned at all; the count adds up either way.
  append("INBOX", make_message(300, 600, Body::ascii));
  ok("NOOP");
  ok("UID STORE 9 +FLAGS.SILENT (\\Deleted)");
  ok("UID EXPUNGE 9");
  const Lines n = ok_on(a, "NOOP");
  std::uint32_t count = 6;
  for (const auto& l : n) {
    if (auto e = untagged_number(l, "EXISTS")) count = *e;
    for (const auto& g : vanished(Lines{l})) count -= static_cast<std::uint32_t>(g.uids.size());
  }
  BOOST_TEST(count == 6u, "message count after the NOOP's responses");
  bool mentioned = false;
  for (const auto& g : vanished(n)) mentioned = mentioned || g.uids.count(9);
  bool announced = false;
  for (const auto& l : n) announced = announced || untagged_number(l, "EXISTS").value_or(0) == 7u;
  BOOST_TEST(mentioned == announced, "VANISHED for UID 9 without its EXISTS (or the reverse)");
  BOOST_TEST(ok_on(a, "FETCH 1:* (UID)").size() == 6u);
}

// During IDLE (RFC 2177), where EXPUNGE may be sent, a QRESYNC client hears "* VANISHED uid" for another
// session's expunge and "* n FETCH (... UID, FLAGS, MODSEQ ...)" for its flag change.
BOOST_FIXTURE_TEST_CASE(vanished_and_modseq_pushed_during_idle, QresyncFixture) {
  fill(4);
  auto a = qresync_session();
  ok_on(a, "SELECT INBOX");
  ok("SELECT INBOX");
  a.send("i1 IDLE\r\n");
  BOOST_REQUIRE_EQUAL(a.read_line(), "+ idling");
  ok("UID STORE 3 +FLAGS.SILENT (\\Deleted)");
  ok("UID EXPUNGE 3");
  // The \Deleted flag change may be pushed first (FETCH with UID and MODSEQ); then the VANISHED.
  std::string line = a.read_line(5s);
  if (auto f = parse_fetch(line)) {
    BOOST_TEST(f->items.at("UID") == "3");
    BOOST_TEST(f->items.count("MODSEQ") == 1u, line);
    line = a.read_line(5s);
  }
  BOOST_TEST(line == "* VANISHED 3");
  ok("UID STORE 4 +FLAGS.SILENT (\\Flagged)");
  const std::string pushed = a.read_line(5s);
  auto f = parse_fetch(pushed);
  BOOST_REQUIRE_MESSAGE(f.has_value(), pushed);
  BOOST_TEST(f->seq == 3u);  // UID 4 is message 3 after the VANISHED
  BOOST_TEST(f->items.count("UID") == 1u, pushed);
  BOOST_TEST(f->items.count("MODSEQ") == 1u, pushed);
  BOOST_TEST(f->items.count("FLAGS") == 1u, pushed);
  a.send("DONE\r\n");
  BOOST_TEST(a.read_line(5s) == "i1 OK IDLE terminated");
  BOOST_TEST(ok_on(a, "FETCH 1:* (UID)") == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 4)"}),
             tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
