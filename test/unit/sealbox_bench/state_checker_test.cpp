// sealbox-bench's mailbox view and cross-connection checker (bench/sealbox_bench/state_checker.h): a view follows
// EXISTS/EXPUNGE/VANISHED/FETCH like a careful client, flags protocol violations, and the ledger reports the three
// kinds of inconsistency between connections of one user, and none for consistent (even late) stories.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "bench/sealbox_bench/imap_response.h"
#include "bench/sealbox_bench/state_checker.h"

using namespace sealbox_bench;

namespace {

// Applies each line (CRLF added) to the view; returns false if any apply() failed.
bool apply(MailboxView& view, const std::vector<std::string>& lines) {
  ImapResponseParser p;
  bool ok = true;
  for (const auto& l : lines) p.feed(l + "\r\n");
  while (auto r = p.next()) ok = view.apply(*r) && ok;
  BOOST_TEST(!p.failed(), p.error());
  return ok;
}

std::vector<std::uint32_t> uids(const MailboxView& v) {
  std::vector<std::uint32_t> out;
  for (const auto& m : v.messages()) out.push_back(m.uid);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_checker)

BOOST_AUTO_TEST_CASE(view_follows_exists_fetch_expunge_vanished) {
  MailboxView v(nullptr, "c1");
  BOOST_TEST(apply(v, {"* 4 EXISTS"}));
  BOOST_TEST(v.first_unknown() == 1u);
  BOOST_TEST(apply(v, {"* 1 FETCH (UID 10 FLAGS (\\Seen) MODSEQ (3))", "* 2 FETCH (UID 11 FLAGS ())",
                       "* 3 FETCH (UID 12 FLAGS ())", "* 4 FETCH (UID 15 FLAGS ())"}));
  BOOST_TEST(v.first_unknown() == 0u);
  BOOST_TEST(apply(v, {"* 2 EXPUNGE"}));  // renumbers: 12 is now sequence 2
  BOOST_TEST(uids(v) == (std::vector<std::uint32_t>{10, 12, 15}));
  BOOST_TEST(apply(v, {"* 2 FETCH (FLAGS (\\Flagged) MODSEQ (9))"}));
  BOOST_TEST(v.messages()[1].flags == (std::vector<std::string>{"\\Flagged"}));
  BOOST_TEST(apply(v, {"* VANISHED 15", "* VANISHED (EARLIER) 99"}));
  BOOST_TEST(uids(v) == (std::vector<std::uint32_t>{10, 12}));
  // An older modseq is older news: ignored.
  BOOST_TEST(apply(v, {"* 2 FETCH (UID 12 FLAGS () MODSEQ (5))"}));
  BOOST_TEST(v.messages()[1].flags == (std::vector<std::string>{"\\Flagged"}));
  BOOST_TEST(apply(v, {"* 3 EXISTS"}));
  BOOST_TEST(v.first_unknown() == 3u);
  BOOST_TEST(v.take_errors().empty());
}

BOOST_AUTO_TEST_CASE(view_reports_protocol_violations) {
  MailboxView v(nullptr, "c1");
  BOOST_TEST(apply(v, {"* 2 EXISTS", "* 1 FETCH (UID 5)", "* 2 FETCH (UID 6)"}));
  BOOST_TEST(!apply(v, {"* 1 EXISTS"}));                // shrinking
  BOOST_TEST(!apply(v, {"* 3 EXPUNGE"}));               // beyond the count
  BOOST_TEST(!apply(v, {"* 1 FETCH (UID 7)"}));         // sequence 1 is UID 5
  BOOST_TEST(!apply(v, {"* 3 FETCH (UID 8)"}));         // beyond the count
  BOOST_TEST(apply(v, {"* 3 EXISTS"}));
  BOOST_TEST(!apply(v, {"* 3 FETCH (UID 4)"}));         // below UID 6 at sequence 2
  BOOST_TEST(v.take_errors().size() == 5u);
}

BOOST_AUTO_TEST_CASE(consistent_connections_report_nothing) {
  UserLedger ledger;
  MailboxView a(&ledger, "a"), b(&ledger, "b");
  BOOST_TEST(apply(a, {"* 2 EXISTS", "* 1 FETCH (UID 1 FLAGS () MODSEQ (1))", "* 2 FETCH (UID 2 FLAGS () MODSEQ (2))"}));
  BOOST_TEST(apply(b, {"* 2 EXISTS", "* 1 FETCH (UID 1 FLAGS () MODSEQ (1))", "* 2 FETCH (UID 2 FLAGS () MODSEQ (2))"}));
  // a stores a flag and expunges UID 1; b has not synced yet, and that is fine.
  BOOST_TEST(apply(a, {"* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (3))", "* 1 EXPUNGE"}));
  ledger.end_sync("b", 0, b.messages());  // a sync that began before either was told: no check applies
  const auto t = ledger.begin_sync();
  BOOST_TEST(apply(b, {"* 1 EXPUNGE", "* 1 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (3))"}));
  ledger.end_sync("b", t, b.messages());
  BOOST_TEST(ledger.inconsistency_count() == 0u);
  BOOST_TEST(a.take_errors().empty());
  BOOST_TEST(b.take_errors().empty());
}

BOOST_AUTO_TEST_CASE(expunged_uid_still_listed_after_a_later_sync) {
  UserLedger ledger;
  MailboxView a(&ledger, "a"), b(&ledger, "b");
  BOOST_TEST(apply(a, {"* 2 EXISTS", "* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 2 FLAGS ())"}));
  BOOST_TEST(apply(b, {"* 2 EXISTS", "* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 2 FLAGS ())"}));
  BOOST_TEST(apply(a, {"* VANISHED 1"}));
  const auto t = ledger.begin_sync();
  BOOST_TEST(apply(b, {"* 1 FETCH (UID 1 FLAGS (\\Seen))"}));  // the sync reports flags for it instead
  ledger.end_sync("b", t, b.messages());
  ledger.end_sync("b", ledger.begin_sync(), b.messages());  // still there at the next sync: reported once
  BOOST_REQUIRE_EQUAL(ledger.inconsistency_count(), 1u);
  BOOST_TEST(ledger.inconsistencies()[0].find("expunged") != std::string::npos, ledger.inconsistencies()[0]);
}

BOOST_AUTO_TEST_CASE(different_flags_at_the_same_modseq) {
  UserLedger ledger;
  MailboxView a(&ledger, "a"), b(&ledger, "b");
  BOOST_TEST(apply(a, {"* 1 EXISTS", "* 1 FETCH (UID 7 FLAGS (\\Seen) MODSEQ (12))"}));
  BOOST_TEST(apply(b, {"* 1 EXISTS", "* 1 FETCH (UID 7 FLAGS (\\Seen \\Flagged) MODSEQ (12))"}));
  BOOST_REQUIRE_EQUAL(ledger.inconsistency_count(), 1u);
  BOOST_TEST(ledger.inconsistencies()[0].find("MODSEQ 12") != std::string::npos, ledger.inconsistencies()[0]);
}

BOOST_AUTO_TEST_CASE(recent_is_per_session_and_not_compared) {
  // RFC 3501 §2.3.2: \Recent is told to one session only and moves no modseq (Dovecot sets it; Sealbox never does).
  UserLedger ledger;
  MailboxView a(&ledger, "a"), b(&ledger, "b");
  BOOST_TEST(apply(a, {"* 1 EXISTS", "* 1 FETCH (UID 7 FLAGS (\\Recent \\Seen) MODSEQ (12))"}));
  BOOST_TEST(apply(b, {"* 1 EXISTS", "* 1 FETCH (UID 7 FLAGS (\\Seen) MODSEQ (12))"}));
  BOOST_TEST(ledger.inconsistency_count() == 0u);
  // Other flags still count.
  BOOST_TEST(apply(b, {"* 1 FETCH (UID 7 FLAGS (\\recent \\Seen \\Flagged) MODSEQ (12))"}));
  BOOST_TEST(ledger.inconsistency_count() == 1u);
}

BOOST_AUTO_TEST_CASE(stale_flags_after_a_later_sync) {
  UserLedger ledger;
  MailboxView a(&ledger, "a"), b(&ledger, "b");
  BOOST_TEST(apply(b, {"* 1 EXISTS", "* 1 FETCH (UID 7 FLAGS () MODSEQ (4))"}));
  BOOST_TEST(apply(a, {"* 1 EXISTS", "* 1 FETCH (UID 7 FLAGS (\\Seen) MODSEQ (5))"}));
  const auto t = ledger.begin_sync();
  ledger.end_sync("b", t, b.messages());  // b's NOOP told it nothing about modseq 5
  BOOST_REQUIRE_EQUAL(ledger.inconsistency_count(), 1u);
  BOOST_TEST(ledger.inconsistencies()[0].find("MODSEQ 4") != std::string::npos, ledger.inconsistencies()[0]);
}

BOOST_AUTO_TEST_SUITE_END()
