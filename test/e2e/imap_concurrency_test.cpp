// The key scenario (STYLE.md, Tests): several sessions on one mailbox stay consistent. Session B loops FETCH 1:* over
// ~200 messages while session A stores flags and expunges; B must never receive an EXPUNGE while a FETCH (or STORE)
// is in progress (RFC 3501 §7.4.1), every FETCH response must agree with B's own sequence-number view (kept from the
// EXISTS and EXPUNGE responses B was sent), and after a NOOP both sessions must see the same UID -> flags map. Then a
// `sealbox deliver` while both are logged in: a third session's login imports it, and A and B are told at NOOP. And a
// message that arrives and is expunged between two commands of B must be told to B with valid sequence numbers.
//
// Worker threads never call Boost.Test (it is not thread-safe): they record problems, which the test thread checks.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Clock = std::chrono::steady_clock;
using Flags = std::set<std::string>;
using Lines = std::vector<std::string>;

constexpr int kMessages = 200;
constexpr auto kTimeout = std::chrono::seconds(30);

std::string message_id_header(unsigned seed) { return "Message-ID: <" + std::to_string(seed) + "@test>\r\n\r\n"; }

// A client's view of the selected mailbox, built only from what the server told it.
struct View {
  std::vector<std::uint32_t> uids;  // by sequence number - 1; 0 for a message announced by EXISTS, UID not yet seen
  std::map<std::uint32_t, Flags> flags;
  std::vector<std::string> problems;

  void problem(const std::string& what) {
    if (problems.size() < 50) problems.push_back(what);
  }

  // Applies the untagged responses of one command. `renumbering_forbidden`: the command was FETCH or STORE, during
  // which the server must not send EXPUNGE (RFC 3501 §7.4.1). Returns the sequence numbers of the FETCH responses.
  std::set<std::uint32_t> apply(const Lines& responses, const std::string& command, bool renumbering_forbidden,
                                const std::map<std::uint32_t, std::string>* message_ids = nullptr) {
    std::set<std::uint32_t> fetched;
    for (const auto& r : responses) {
      if (auto n = untagged_number(r, "EXPUNGE")) {
        if (renumbering_forbidden) problem("EXPUNGE during " + command + ": " + r);
        if (*n < 1 || *n > uids.size()) {
          problem("EXPUNGE " + std::to_string(*n) + " with " + std::to_string(uids.size()) + " messages");
          continue;
        }
        flags.erase(uids[*n - 1]);
        uids.erase(uids.begin() + (*n - 1));
        continue;
      }
      if (auto n = untagged_number(r, "EXISTS")) {
        if (*n < uids.size()) problem("EXISTS shrank from " + std::to_string(uids.size()) + ": " + r);
        uids.resize(*n, 0);
        continue;
      }
      std::optional<FetchData> f;
      try {
        f = parse_fetch(r);
      } catch (const std::exception& e) {
        problem(e.what());
        continue;
      }
      if (!f) {
        const bool known = r.rfind("* OK ", 0) == 0 || r.rfind("* FLAGS (", 0) == 0 || untagged_number(r, "RECENT");
        if (!known) problem("unexpected response to " + command + ": " + r.substr(0, 200));
        continue;
      }
      if (f->seq < 1 || f->seq > uids.size()) {
        problem("FETCH for " + std::to_string(f->seq) + " with " + std::to_string(uids.size()) + " messages: " + r);
        continue;
      }
      fetched.insert(f->seq);
      std::uint32_t& known = uids[f->seq - 1];
      auto uid_item = f->items.find("UID");
      if (uid_item == f->items.end()) {
        if (known == 0) problem("FETCH without UID for a message whose UID is unknown: " + r);
      } else {
        const auto uid = static_cast<std::uint32_t>(std::stoul(uid_item->second));
        if (known == 0) {
          const bool ordered = (f->seq == 1 || uids[f->seq - 2] < uid) &&
                               (f->seq == uids.size() || uids[f->seq] == 0 || uids[f->seq] > uid);
          if (!ordered) problem("UID " + std::to_string(uid) + " out of order at " + std::to_string(f->seq));
          known = uid;
        } else if (known != uid) {
          problem(command + ": message " + std::to_string(f->seq) + " should have UID " + std::to_string(known) +
                  ", got " + r.substr(0, 200));
        }
      }
      if (auto fl = f->items.find("FLAGS"); fl != f->items.end() && known != 0) flags[known] = parse_flags(fl->second);
      for (const auto& [name, value] : f->items) {
        if (name.rfind("BODY[HEADER.FIELDS", 0) != 0 || message_ids == nullptr || known == 0) continue;
        auto want = message_ids->find(known);
        if (want == message_ids->end() || want->second != value) {
          problem("UID " + std::to_string(known) + " came with the wrong message: " + value);
        }
      }
    }
    return fetched;
  }
};

// Runs one command and returns its untagged responses; a non-OK answer is a problem.
Lines run(TlsClient& c, View& view, const std::string& tag, const std::string& command) {
  const auto status = c.command(tag, command, kTimeout);
  // RFC 2180 §4.2: a STORE naming a message another session expunged may be refused with NO [EXPUNGEISSUED].
  const bool expunge_issued = command.rfind("STORE", 0) == 0 && status.rfind(tag + " NO [EXPUNGEISSUED]", 0) == 0;
  if (status.rfind(tag + " OK", 0) != 0 && !expunge_issued) view.problem(command + " -> " + status);
  return c.last_untagged();
}

// UID -> flags as "1=(\Seen) 2=() ...", from FETCH 1:* (UID FLAGS).
std::map<std::uint32_t, Flags> fetch_state(TlsClient& c, View& view, const std::string& tag) {
  std::map<std::uint32_t, Flags> out;
  const auto responses = run(c, view, tag, "FETCH 1:* (UID FLAGS)");
  const auto seqs = view.apply(responses, "final FETCH", true);
  for (const auto& r : responses) {
    if (auto f = parse_fetch(r))
      out[static_cast<std::uint32_t>(std::stoul(f->items.at("UID")))] = parse_flags(f->items.at("FLAGS"));
  }
  if (seqs.size() != view.uids.size()) view.problem("final FETCH did not cover the mailbox");
  return out;
}

std::string show(const std::map<std::uint32_t, Flags>& state) {
  std::ostringstream out;
  for (const auto& [uid, flags] : state) {
    out << uid << "=(";
    for (const auto& f : flags) out << f << (f == *flags.rbegin() ? "" : " ");
    out << ") ";
  }
  return out.str();
}

std::string sequence_set(const std::vector<std::uint32_t>& numbers) {
  std::string out;
  for (auto n : numbers) out += (out.empty() ? "" : ",") + std::to_string(n);
  return out;
}

struct ConcurrencyFixture {
  ConcurrencyFixture() {
    server.add_user("alice", "alice-password");
    // 200 messages in one pipelined burst of non-synchronizing APPENDs. This session stays open (idle) for the whole
    // test, so the account stays open: reopening it right after its last session ended is tested elsewhere
    // (rfc3501_auth_test).
    loader.emplace(server.login("alice", "alice-password"));
    auto& c = *loader;
    std::string batch;
    for (int i = 0; i < kMessages; ++i) {
      const auto seed = static_cast<unsigned>(i);
      const auto m = make_message(seed, 400 + static_cast<std::size_t>(i % 7) * 150, static_cast<Body>(i % 2));
      batch += "p" + std::to_string(i) + " APPEND INBOX {" + std::to_string(m.size()) + "+}\r\n" + m + "\r\n";
      message_ids[static_cast<std::uint32_t>(i + 1)] = message_id_header(seed);
    }
    c.send(batch, kTimeout);
    for (int i = 0; i < kMessages; ++i) {
      auto r = c.read_response("p" + std::to_string(i), kTimeout);
      BOOST_REQUIRE_MESSAGE(r.back().rfind("p" + std::to_string(i) + " OK [APPENDUID ", 0) == 0u, r.back());
    }
  }
  ImapServer server;
  std::optional<TlsClient> loader;
  std::map<std::uint32_t, std::string> message_ids;  // UID -> its "Message-ID: <seed@test>" header section
};

// Selects INBOX and loads the view from the SELECT responses and a FETCH of every UID.
void select_inbox(TlsClient& c, View& view, const std::string& tag) {
  auto selected = run(c, view, tag + "s", "SELECT INBOX");
  view.apply(selected, "SELECT", false);
  auto state = fetch_state(c, view, tag + "f");
  (void)state;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(imap_concurrency)

BOOST_FIXTURE_TEST_CASE(fetch_loop_never_sees_expunge_mid_command, ConcurrencyFixture) {
  auto a = server.login("alice", "alice-password");
  auto b = server.login("alice", "alice-password");
  View va, vb;
  select_inbox(a, va, "a");
  select_inbox(b, vb, "b");
  BOOST_REQUIRE_EQUAL(va.uids.size(), static_cast<std::size_t>(kMessages));
  BOOST_REQUIRE_EQUAL(vb.uids.size(), static_cast<std::size_t>(kMessages));

  constexpr int kRounds = 40;
  const auto deadline = Clock::now() + std::chrono::seconds(40);
  std::atomic<bool> a_done{false};
  std::atomic<int> b_fetches{0};
  std::atomic<int> b_expunges_seen{0};
  std::atomic<int> b_commands{0};
  std::atomic<bool> b_done{false};

  // Session A: flag changes, STORE \Deleted and EXPUNGE (or UID EXPUNGE), two or three messages per round.
  std::thread writer([&] {
    try {
      std::mt19937 rng(1);
      for (int round = 0; round < kRounds && Clock::now() < deadline; ++round) {
        // Pacing, so that B's FETCHes overlap A's changes all along: A starts round r once B has sent 2r commands.
        while (b_commands.load() < 2 * round && !b_done && Clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        const std::string t = "a" + std::to_string(round) + "_";
        auto pick = [&](std::size_t n) {
          std::set<std::uint32_t> seqs;
          while (seqs.size() < n && seqs.size() < va.uids.size()) {
            seqs.insert(static_cast<std::uint32_t>(rng() % va.uids.size() + 1));
          }
          return std::vector<std::uint32_t>(seqs.begin(), seqs.end());
        };
        va.apply(run(a, va, t + "1",
                     "STORE " + sequence_set(pick(5)) + " +FLAGS (\\Flagged $A" + std::to_string(round % 3) + ")"),
                 "STORE", true);
        va.apply(run(a, va, t + "2", "STORE " + sequence_set(pick(3)) + " -FLAGS (\\Flagged)"), "STORE", true);
        std::vector<std::uint32_t> uids;
        for (auto seq : pick(round % 2 == 0 ? 2 : 3)) uids.push_back(va.uids[seq - 1]);
        va.apply(run(a, va, t + "3", "UID STORE " + sequence_set(uids) + " +FLAGS.SILENT (\\Deleted)"), "STORE", true);
        if (round % 3 == 2) {
          va.apply(run(a, va, t + "4", "UID EXPUNGE " + sequence_set(uids)), "UID EXPUNGE", false);
        } else {
          va.apply(run(a, va, t + "4", "EXPUNGE"), "EXPUNGE", false);
        }
        if (round % 4 == 0) va.apply(run(a, va, t + "5", "NOOP"), "NOOP", false);
      }
    } catch (const std::exception& e) {
      va.problem(std::string("session A failed: ") + e.what());
    }
    a_done = true;
  });

  // Session B: FETCH 1:* in a loop (flags, and sometimes a header that names the message), a STORE now and then,
  // a NOOP every few commands to take in the expunges. Bounded in count and time.
  std::thread reader([&] {
    try {
      std::mt19937 rng(2);
      for (int i = 0; i < 3000 && Clock::now() < deadline; ++i) {
        if (a_done && i % 5 == 4) break;  // a few more rounds after A stops
        const std::string t = "b" + std::to_string(i);
        ++b_commands;
        if (i % 4 == 3) {
          const auto before = vb.uids.size();
          const auto seqs = vb.apply(run(b, vb, t, "NOOP"), "NOOP", false);
          if (vb.uids.size() < before) b_expunges_seen += static_cast<int>(before - vb.uids.size());
          (void)seqs;
          continue;
        }
        if (i % 7 == 5 && !vb.uids.empty()) {
          const auto seq = rng() % vb.uids.size() + 1;
          vb.apply(run(b, vb, t, "STORE " + std::to_string(seq) + " +FLAGS ($B)"), "STORE", true);
          continue;
        }
        const bool headers = i % 5 == 0;
        const std::string command =
            headers ? "FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])" : "FETCH 1:* (FLAGS UID)";
        const auto size = vb.uids.size();
        const auto seqs = vb.apply(run(b, vb, t, command), "FETCH", true, &message_ids);
        // Every message of B's view, and nothing else, was answered.
        if (size != 0 && (seqs.size() != size || *seqs.begin() != 1 || *seqs.rbegin() != size)) {
          vb.problem("FETCH 1:* answered " + std::to_string(seqs.size()) + " of " + std::to_string(size));
        }
        ++b_fetches;
      }
    } catch (const std::exception& e) {
      vb.problem(std::string("session B failed: ") + e.what());
    }
    b_done = true;
  });
  writer.join();
  reader.join();

  BOOST_TEST(va.problems.empty(), "A: " << (va.problems.empty() ? "" : va.problems.front()));
  BOOST_TEST(vb.problems.empty(), "B: " << (vb.problems.empty() ? "" : vb.problems.front()));
  for (const auto& p : va.problems) BOOST_TEST_MESSAGE("A: " << p);
  for (const auto& p : vb.problems) BOOST_TEST_MESSAGE("B: " << p);
  BOOST_TEST(b_fetches.load() >= 10);
  BOOST_TEST_MESSAGE("B ran " << b_fetches.load() << " FETCH 1:* and saw " << b_expunges_seen.load()
                              << " expunges at NOOP");

  // Both catch up, then see the same mailbox.
  va.apply(run(a, va, "fa1", "NOOP"), "NOOP", false);
  vb.apply(run(b, vb, "fb1", "NOOP"), "NOOP", false);
  const auto state_a = fetch_state(a, va, "fa2");
  const auto state_b = fetch_state(b, vb, "fb2");
  BOOST_TEST(va.uids == vb.uids, tt::per_element());
  BOOST_TEST(state_a.size() == vb.uids.size());
  BOOST_TEST(show(state_a) == show(state_b));
  // B's view, kept only from unsolicited and solicited FETCH responses, matches too.
  BOOST_TEST(show(vb.flags) == show(state_b));
  BOOST_TEST(va.uids.size() < static_cast<std::size_t>(kMessages) - 60);  // A did expunge
  // A fresh session agrees.
  auto c = server.login("alice", "alice-password");
  View vc;
  select_inbox(c, vc, "c");
  BOOST_TEST(vc.uids == va.uids, tt::per_element());
  BOOST_TEST(show(vc.flags) == show(state_a));
  BOOST_TEST(vc.problems.empty());
}

BOOST_FIXTURE_TEST_CASE(delivery_reaches_live_sessions_and_a_new_login, ConcurrencyFixture) {
  auto a = server.login("alice", "alice-password");
  auto b = server.login("alice", "alice-password");
  View va, vb;
  select_inbox(a, va, "a");
  select_inbox(b, vb, "b");
  // Some changes first, so the new message is not simply number 201.
  va.apply(run(a, va, "a1", "STORE 1:10 +FLAGS.SILENT (\\Deleted)"), "STORE", true);
  va.apply(run(a, va, "a2", "EXPUNGE"), "EXPUNGE", false);
  vb.apply(run(b, vb, "b1", "NOOP"), "NOOP", false);
  BOOST_REQUIRE_EQUAL(vb.uids.size(), static_cast<std::size_t>(kMessages - 10));

  // `sealbox deliver` while A and B are logged in (the account is open in the server).
  const std::string delivered =
      "From: mta@example.org\r\nSubject: delivered\r\nMessage-ID: <delivered@test>\r\n\r\nhi\r\n";
  server.deliver("alice", delivered);

  // A third session logs in: deliveries are imported at login, so it sees the message.
  auto c = server.login("alice", "alice-password");
  View vc;
  select_inbox(c, vc, "c");
  BOOST_TEST(vc.uids.size() == static_cast<std::size_t>(kMessages - 10 + 1), "the delivery was not imported");
  BOOST_TEST(c.command("c1", "FETCH * (UID BODY.PEEK[])") == "c1 OK FETCH completed");
  const std::string last = c.last_untagged().empty() ? std::string() : c.last_untagged()[0];
  BOOST_TEST(last.find("{" + std::to_string(delivered.size()) + "}\r\n" + delivered + ")") != std::string::npos,
             "the last message is not the delivered one: " << last.substr(0, 100));

  // A and B learn of it at NOOP, as "* n EXISTS" with the same n, and fetch the same UID.
  const auto noop_a = run(a, va, "a3", "NOOP");
  const auto noop_b = run(b, vb, "b2", "NOOP");
  BOOST_TEST(noop_a == Lines{"* " + std::to_string(kMessages - 10 + 1) + " EXISTS"}, tt::per_element());
  BOOST_TEST(noop_b == noop_a, tt::per_element());
  va.apply(noop_a, "NOOP", false);
  vb.apply(noop_b, "NOOP", false);
  const auto state_a = fetch_state(a, va, "a4");
  const auto state_b = fetch_state(b, vb, "b3");
  const auto state_c = fetch_state(c, vc, "c2");
  BOOST_TEST(show(state_a) == show(state_b));
  BOOST_TEST(show(state_a) == show(state_c));
  BOOST_TEST(va.uids == vc.uids, tt::per_element());
  BOOST_TEST(va.problems.empty());
  BOOST_TEST(vb.problems.empty());
  BOOST_TEST(vc.problems.empty());
}

BOOST_FIXTURE_TEST_CASE(message_added_and_expunged_between_two_noops, ConcurrencyFixture) {
  auto a = server.login("alice", "alice-password");
  auto b = server.login("alice", "alice-password");
  View va, vb;
  select_inbox(a, va, "a");
  select_inbox(b, vb, "b");
  // A appends a message, flags it and expunges it (and one B knows) before B's next command.
  Lines untagged;
  BOOST_TEST(append_message(a, "a1", "INBOX", "Subject: short-lived\r\n\r\nbye\r\n", "(\\Deleted)", &untagged)
                 .rfind("a1 OK", 0) == 0u);
  va.apply(untagged, "APPEND", false);
  va.apply(run(a, va, "a2", "STORE 5 +FLAGS.SILENT (\\Deleted)"), "STORE", true);
  va.apply(run(a, va, "a3", "EXPUNGE"), "EXPUNGE", false);
  BOOST_TEST(va.uids.size() == static_cast<std::size_t>(kMessages - 1));
  // B is told about it in a way that keeps its sequence numbers valid: every EXPUNGE names a message B knows of
  // (RFC 3501 §7.4.1), and EXISTS never shrinks the mailbox (§7.3.1).
  const auto noop = run(b, vb, "b1", "NOOP");
  vb.apply(noop, "NOOP", false);
  std::string told;
  for (const auto& line : noop) told += line + "; ";
  BOOST_TEST(vb.problems.empty(), (vb.problems.empty() ? "" : vb.problems.front()) << " (B was told: " << told << ")");
  vb.problems.clear();
  const auto state_a = fetch_state(a, va, "a4");
  const auto state_b = fetch_state(b, vb, "b2");
  BOOST_TEST(va.uids == vb.uids, tt::per_element());
  BOOST_TEST(show(state_a) == show(state_b));
  BOOST_TEST(va.problems.empty());
}

BOOST_AUTO_TEST_CASE(delivery_to_a_logged_out_user_is_seen_at_login) {
  // The documented path: deliveries wait in the spool and are imported when the account is opened.
  ImapServer server;
  server.add_user("bob", "bob-password");
  for (int i = 0; i < 3; ++i) server.deliver("bob", make_message(static_cast<unsigned>(500 + i), 800, Body::ascii));
  auto c = server.login("bob", "bob-password");
  View v;
  select_inbox(c, v, "s");
  BOOST_TEST(v.uids == (std::vector<std::uint32_t>{1, 2, 3}), tt::per_element());
  BOOST_TEST(c.command("f1", "FETCH 1:3 BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]") == "f1 OK FETCH completed");
  BOOST_TEST(c.last_untagged().at(2).find("<502@test>") != std::string::npos);
  BOOST_TEST(v.problems.empty());
}

BOOST_AUTO_TEST_SUITE_END()
