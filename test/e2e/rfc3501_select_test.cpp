// RFC 3501 §6.3.1-6.3.2 and §6.4.1-6.4.3 over the real server: the responses of SELECT and EXAMINE (FLAGS, EXISTS,
// RECENT, UNSEEN, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT, READ-WRITE / READ-ONLY), CHECK, CLOSE (expunges silently)
// and EXPUNGE. (UNSELECT is in rfc3691_unselect_test.cpp, UID EXPUNGE in rfc4315_uidplus_test.cpp.)
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

const std::string kFlags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

struct SelectFixture {
  SelectFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }
  std::vector<std::string> ok(const std::string& command, TlsClient* client = nullptr) {
    TlsClient& to = client != nullptr ? *client : *c;
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = to.command(tag, command);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return to.last_untagged();
  }
  std::string answer(const std::string& command, TlsClient* client = nullptr) {
    TlsClient& to = client != nullptr ? *client : *c;
    const std::string tag = "t" + std::to_string(++tags);
    return to.command(tag, command).substr(tag.size() + 1);
  }
  // Appends n messages (flags as given) and returns their UIDs.
  std::vector<std::uint32_t> add(const std::string& mailbox, int n, const std::string& flags = {}) {
    std::vector<std::uint32_t> uids;
    for (int i = 0; i < n; ++i) {
      const std::string tag = "p" + std::to_string(++tags);
      auto status =
          append_message(*c, tag, mailbox, make_message(static_cast<unsigned>(tags), 200, Body::ascii), flags);
      BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
      const auto space = status.find(' ', tag.size() + 16);
      uids.push_back(static_cast<std::uint32_t>(std::stoul(status.substr(space + 1))));
    }
    return uids;
  }
  std::uint32_t uidvalidity(const std::string& mailbox) {
    auto r = ok("STATUS " + mailbox + " (UIDVALIDITY)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    const auto at = r[0].find("UIDVALIDITY ");
    return static_cast<std::uint32_t>(std::stoul(r[0].substr(at + 12)));
  }
  // The lines SELECT/EXAMINE end with after UIDNEXT: the mailbox's MAILBOXID (RFC 8474) and HIGHESTMODSEQ
  // (RFC 7162), from STATUS.
  Lines id_lines(const std::string& mailbox) {
    auto r = ok("STATUS " + mailbox + " (MAILBOXID HIGHESTMODSEQ)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    const auto id_at = r[0].find("MAILBOXID (") + 11;
    const auto id = r[0].substr(id_at, r[0].find(')', id_at) - id_at);
    const auto modseq_at = r[0].find("HIGHESTMODSEQ ") + 14;
    const auto modseq = r[0].substr(modseq_at, r[0].find(')', modseq_at) - modseq_at);
    return {"* OK [MAILBOXID (" + id + ")] Ok", "* OK [HIGHESTMODSEQ " + modseq + "] Highest mailbox modification sequence"};
  }
  static Lines join(Lines a, const Lines& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  // UIDs in sequence order, from FETCH 1:* UID.
  std::vector<std::uint32_t> uids_in_view(TlsClient* client = nullptr) {
    std::vector<std::uint32_t> out;
    for (const auto& line : ok("FETCH 1:* (UID)", client)) {
      auto f = parse_fetch(line);
      BOOST_REQUIRE(f.has_value());
      BOOST_REQUIRE_EQUAL(f->seq, out.size() + 1);
      out.push_back(static_cast<std::uint32_t>(std::stoul(f->items.at("UID"))));
    }
    return out;
  }

  ImapServer server;
  std::optional<TlsClient> c;
  int tags = 0;
};

// Applies "* n EXPUNGE" responses to a list of UIDs in sequence order; fails the test on a number out of range.
void apply_expunges(std::vector<std::uint32_t>& uids, const std::vector<std::string>& responses) {
  for (const auto& r : responses) {
    if (auto n = untagged_number(r, "EXPUNGE")) {
      BOOST_REQUIRE(*n >= 1u && *n <= uids.size());
      uids.erase(uids.begin() + (*n - 1));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_select)

BOOST_FIXTURE_TEST_CASE(select_empty_inbox, SelectFixture) {
  const auto validity = uidvalidity("INBOX");
  const auto ids = id_lines("INBOX");
  BOOST_TEST(c->command("s1", "SELECT INBOX") == "s1 OK [READ-WRITE] SELECT completed");
  BOOST_TEST(c->last_untagged() == join(Lines{"* FLAGS (" + kFlags + ")", "* 0 EXISTS", "* 0 RECENT",
                                              "* OK [PERMANENTFLAGS (" + kFlags + " \\*)] Flags permitted",
                                              "* OK [UIDVALIDITY " + std::to_string(validity) + "] UIDs valid",
                                              "* OK [UIDNEXT 1] Predicted next UID"}, ids),
             tt::per_element());
  BOOST_TEST(c->command("s2", "CHECK") == "s2 OK CHECK completed");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD Invalid message sequence number");
}

BOOST_FIXTURE_TEST_CASE(select_reports_counts_unseen_and_keywords, SelectFixture) {
  add("INBOX", 2, "(\\Seen)");
  add("INBOX", 1, "($Work)");
  add("INBOX", 1, "(\\Seen \\Flagged)");
  const auto validity = uidvalidity("INBOX");
  const auto ids = id_lines("INBOX");
  BOOST_TEST(c->command("s1", "SELECT INBOX") == "s1 OK [READ-WRITE] SELECT completed");
  BOOST_TEST(c->last_untagged() ==
                 join(Lines{"* FLAGS (" + kFlags + " $Work)", "* 4 EXISTS", "* 0 RECENT", "* OK [UNSEEN 3] First unseen",
                            "* OK [PERMANENTFLAGS (" + kFlags + " $Work \\*)] Flags permitted",
                            "* OK [UIDVALIDITY " + std::to_string(validity) + "] UIDs valid",
                            "* OK [UIDNEXT 5] Predicted next UID"}, ids),
             tt::per_element());
  // EXAMINE: the same mailbox, read-only, no permanent flags.
  // Re-selecting closes the first mailbox with [CLOSED] first (RFC 7162 §3.2.11, RFC 9051 §6.3.2).
  BOOST_TEST(c->command("s2", "EXAMINE INBOX") == "s2 OK [READ-ONLY] EXAMINE completed");
  BOOST_TEST(c->last_untagged() == join(Lines{"* OK [CLOSED] Previous mailbox closed",
                                              "* FLAGS (" + kFlags + " $Work)", "* 4 EXISTS", "* 0 RECENT",
                                              "* OK [UNSEEN 3] First unseen", "* OK [PERMANENTFLAGS ()] Flags permitted",
                                              "* OK [UIDVALIDITY " + std::to_string(validity) + "] UIDs valid",
                                              "* OK [UIDNEXT 5] Predicted next UID"}, ids),
             tt::per_element());
  // The mailbox name is case-insensitive for INBOX only.
  BOOST_TEST(answer("SELECT inbox") == "OK [READ-WRITE] SELECT completed");
}

BOOST_FIXTURE_TEST_CASE(examine_is_read_only, SelectFixture) {
  add("INBOX", 2);
  ok("EXAMINE INBOX");
  BOOST_TEST(answer("STORE 1 +FLAGS (\\Seen)") == "NO [READ-ONLY] Mailbox is read-only");
  BOOST_TEST(answer("EXPUNGE") == "NO [READ-ONLY] Mailbox is read-only");
  // Fetching a body does not set \Seen in a read-only mailbox (RFC 3501 §6.4.5).
  auto r = ok("FETCH 1 (BODY[HEADER.FIELDS (Subject)])");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST(r[0].find("FLAGS") == std::string::npos);
  BOOST_TEST(ok("FETCH 1:2 (FLAGS)") == (Lines{"* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())"}), tt::per_element());
  // COPY out of a read-only mailbox is fine.
  ok("CREATE Copies");
  BOOST_TEST(answer("COPY 1 Copies").rfind("OK [COPYUID ", 0) == 0u);
  // CLOSE after EXAMINE expunges nothing.
  ok("SELECT INBOX");
  ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
  ok("EXAMINE INBOX");
  BOOST_TEST(ok("CLOSE").empty());
  BOOST_TEST(ok("STATUS INBOX (MESSAGES)") == Lines{"* STATUS \"INBOX\" (MESSAGES 2)"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(failed_select_leaves_the_selected_state, SelectFixture) {
  add("INBOX", 1);
  ok("SELECT INBOX");
  BOOST_TEST(answer("SELECT Nowhere") == "NO [NONEXISTENT] No such mailbox");
  // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
  BOOST_TEST(answer("CLOSE") == "BAD No mailbox selected");
  BOOST_TEST(answer("EXPUNGE") == "BAD No mailbox selected");
  ok("SELECT INBOX");
  BOOST_TEST(ok("FETCH 1 FLAGS") == Lines{"* 1 FETCH (FLAGS ())"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(close_expunges_silently, SelectFixture) {
  add("INBOX", 5);
  ok("SELECT INBOX");
  ok("STORE 2,4 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(c->command("c1", "CLOSE") == "c1 OK CLOSE completed");
  BOOST_TEST(c->last_untagged().empty());  // no EXPUNGE responses (RFC 3501 §6.4.2)
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
  ok("SELECT INBOX");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 3, 5}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(close_after_another_session_deleted_the_mailbox, SelectFixture) {
  ok("CREATE Doomed");
  add("Doomed", 2);
  ok("SELECT Doomed");
  auto other = server.login("alice", "alice-password");
  ok("DELETE Doomed", &other);
  // RFC 3501 §6.4.2: CLOSE answers OK (or BAD for bad syntax) and the session is in the authenticated state; there
  // is no NO result that would leave it selected on a mailbox that is gone.
  BOOST_TEST(answer("CLOSE") == "OK CLOSE completed");
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
  BOOST_TEST(answer("SELECT Doomed") == "NO [NONEXISTENT] No such mailbox");
  // UNSELECT gets out too.
  ok("CREATE Doomed2");
  ok("SELECT Doomed2");
  ok("DELETE Doomed2", &other);
  BOOST_TEST(answer("UNSELECT") == "OK UNSELECT completed");
  BOOST_TEST(answer("FETCH 1 FLAGS") == "BAD No mailbox selected");
}

BOOST_FIXTURE_TEST_CASE(expunge_sends_one_response_per_message, SelectFixture) {
  add("INBOX", 6);
  ok("SELECT INBOX");
  BOOST_TEST(ok("EXPUNGE").empty());  // nothing deleted yet
  ok("STORE 2,4:5 +FLAGS.SILENT (\\Deleted)");
  auto r = ok("EXPUNGE");
  // Each EXPUNGE renumbers the rest (RFC 3501 §7.4.1): deleting 2, 4, 5 of 6 is told as 2, 3, 3.
  BOOST_TEST(r == (Lines{"* 2 EXPUNGE", "* 3 EXPUNGE", "* 3 EXPUNGE"}), tt::per_element());
  std::vector<std::uint32_t> model{1, 2, 3, 4, 5, 6};
  apply_expunges(model, r);
  BOOST_TEST(model == (std::vector<std::uint32_t>{1, 3, 6}), tt::per_element());
  BOOST_TEST(uids_in_view() == model, tt::per_element());
  BOOST_TEST(ok("STATUS INBOX (MESSAGES UIDNEXT)") == Lines{"* STATUS \"INBOX\" (MESSAGES 3 UIDNEXT 7)"},
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(other_sessions_learn_of_expunges_and_new_mail_at_noop, SelectFixture) {
  add("INBOX", 4);
  auto other = server.login("alice", "alice-password");
  ok("SELECT INBOX");
  ok("SELECT INBOX", &other);
  ok("STORE 1,3 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(ok("EXPUNGE") == (Lines{"* 1 EXPUNGE", "* 2 EXPUNGE"}), tt::per_element());
  add("INBOX", 1);  // UID 5; our own APPEND shows it to us at once
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{2, 4, 5}), tt::per_element());
  // The other session is told at its next NOOP, in order: expunges, then the new size.
  BOOST_TEST(ok("NOOP", &other) == (Lines{"* 1 EXPUNGE", "* 2 EXPUNGE", "* 3 EXISTS"}), tt::per_element());
  BOOST_TEST(uids_in_view(&other) == (std::vector<std::uint32_t>{2, 4, 5}), tt::per_element());
  BOOST_TEST(ok("NOOP", &other).empty());
  // A session that selects now sees the mailbox as it is.
  auto third = server.login("alice", "alice-password");
  auto selected = ok("EXAMINE INBOX", &third);
  BOOST_TEST(selected.at(1) == "* 3 EXISTS");
  BOOST_TEST(std::count(selected.begin(), selected.end(), "* OK [UIDNEXT 6] Predicted next UID") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
