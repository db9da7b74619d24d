// MailboxStore (store/mailbox.h): the per-mailbox index. Adds, flag changes and expunges persist across reopen with
// every field intact; UIDs only grow and are never reused; HIGHESTMODSEQ grows with every change; UIDVALIDITY is
// fixed at creation; changes to missing UIDs are skipped without writing; crossing kSnapshotRecords compacts the
// journal into a snapshot that reopens to the same state. Message structures (FETCH ENVELOPE/BODYSTRUCTURE) survive
// journal replay and snapshots byte for byte, and a message stored without one reads back without one.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "store/keyring.h"
#include "store/layout.h"
#include "store/mailbox.h"
#include "test/support/temp_dir.h"
#include "test/unit/store/store_test_util.h"

namespace {

using base::Bytes;
using store::MailboxStore;
using store::MessageMeta;
using store::NewMessage;
using namespace store_test;

using FlagChanges = std::vector<std::pair<std::uint32_t, std::vector<std::string>>>;

constexpr std::int64_t kNow = 1'700'000'000;

struct MailboxDir {
  test_support::TempDir root;
  store::UserPaths paths{root / "alice"};
  store::Keyring keys{"alice", crypto::Key::from(Bytes(crypto::kKeyBytes, 0x5a))};
  std::string id = "0123456789abcdef0123456789abcdef";

  MailboxDir() { fs::create_directories(paths.tmp()); }

  std::unique_ptr<MailboxStore> open(bool create = false) const {
    auto box = MailboxStore::open(paths, keys, id, create);
    require_ok(box, "MailboxStore::open");
    return std::move(box).value();
  }
  fs::path seg(unsigned n) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "seg-%08x", n);
    return paths.mailbox(id) / buf;
  }
};

NewMessage new_message(std::uint32_t n, std::vector<std::string> flags = {}) {
  NewMessage m;
  m.blob_id = "blob-" + std::to_string(n);
  m.wrapped_dek = Bytes(72, static_cast<std::uint8_t>(n));
  m.wrapped_dek[0] = 0;
  m.size = 1000 + n;
  m.internal_date = 1'600'000'000 + static_cast<std::int64_t>(n) * 60;
  m.flags = std::move(flags);
  // Most messages carry a structure (with 8-bit bytes and a literal, as FETCH returns them); every fifth has none,
  // as records written without one.
  if (n % 5 != 0) {
    m.structure = std::make_shared<const store::MessageStructure>(store::MessageStructure{
        "(NIL {5}\r\nS\xc3\xa9 " + std::to_string(n) + " NIL NIL NIL NIL NIL NIL NIL NIL)",
        "(\"text\" \"plain\" NIL NIL NIL \"7BIT\" " + std::to_string(n) + " 1)",
        "(\"text\" \"plain\" NIL NIL NIL \"7BIT\" " + std::to_string(n) + " 1 NIL NIL NIL NIL)"});
  }
  return m;
}

std::vector<std::uint32_t> add_ok(MailboxStore& box, std::vector<NewMessage> batch, std::int64_t now = kNow) {
  auto uids = box.add(batch, now);
  require_ok(uids, "add");
  return *uids;
}

bool same_meta(const MessageMeta& a, const MessageMeta& b) {
  return a.uid == b.uid && a.modseq == b.modseq && a.blob_id == b.blob_id && a.wrapped_dek == b.wrapped_dek &&
         a.size == b.size && a.internal_date == b.internal_date && a.save_date == b.save_date && a.flags == b.flags &&
         (a.structure && b.structure ? *a.structure == *b.structure : a.structure == b.structure);
}

// A copy of a store's observable state, to compare with after reopening.
struct State {
  std::uint32_t uidvalidity, uidnext;
  std::uint64_t highest_modseq;
  std::vector<MessageMeta> messages;
};
State state_of(const MailboxStore& b) { return {b.uidvalidity(), b.uidnext(), b.highest_modseq(), b.messages()}; }
void expect_state(const MailboxStore& b, const State& s) {
  BOOST_TEST(b.uidvalidity() == s.uidvalidity);
  BOOST_TEST(b.uidnext() == s.uidnext);
  BOOST_TEST(b.highest_modseq() == s.highest_modseq);
  BOOST_REQUIRE(b.messages().size() == s.messages.size());
  for (std::size_t i = 0; i < s.messages.size(); ++i) {
    BOOST_TEST(same_meta(b.messages()[i], s.messages[i]), "message " << i << " (uid " << s.messages[i].uid << ")");
    BOOST_TEST(b.has_blob(s.messages[i].blob_id));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mailbox)

BOOST_AUTO_TEST_CASE(missing_mailbox_without_create) {
  MailboxDir d;
  auto box = MailboxStore::open(d.paths, d.keys, d.id, false);
  BOOST_TEST(errc_of(box) == "no_such_mailbox");
  BOOST_TEST(!fs::exists(d.paths.mailbox(d.id)));
}

BOOST_AUTO_TEST_CASE(new_mailbox_is_empty_with_nonzero_uidvalidity) {
  MailboxDir d;
  auto box = d.open(true);
  BOOST_TEST(box->id() == d.id);
  BOOST_TEST(box->uidvalidity() != 0u);
  BOOST_TEST(box->uidnext() == 1u);
  BOOST_TEST(box->highest_modseq() == 1u);
  BOOST_TEST(box->messages().empty());
  BOOST_TEST(box->find(1) == nullptr);
  BOOST_TEST(box->torn_bytes_dropped() == 0u);
  const std::uint32_t uidvalidity = box->uidvalidity();
  box.reset();
  for (int i = 0; i < 3; ++i) {
    auto again = d.open(i % 2 == 0);  // with or without create: the existing journal is used
    BOOST_TEST(again->uidvalidity() == uidvalidity);
    BOOST_TEST(again->uidnext() == 1u);
    BOOST_TEST(again->highest_modseq() == 1u);
  }
  // A mailbox created again under the same id after deletion gets a new UIDVALIDITY (random: 2^-31 collision odds).
  fs::remove_all(d.paths.mailbox(d.id));
  auto recreated = d.open(true);
  BOOST_TEST(recreated->uidvalidity() != 0u);
  BOOST_TEST(recreated->uidvalidity() != uidvalidity);
}

BOOST_AUTO_TEST_CASE(add_set_flags_expunge_persist_across_reopen) {
  MailboxDir d;
  auto box = d.open(true);
  const std::uint32_t uidvalidity = box->uidvalidity();
  auto uids = add_ok(*box, {new_message(1, {"\\Seen", "$Work", "\\Seen", "\\Answered"}), new_message(2),
                            new_message(3, {"\\Flagged"})});
  BOOST_TEST(uids == (std::vector<std::uint32_t>{1, 2, 3}));
  BOOST_TEST(box->uidnext() == 4u);
  BOOST_TEST(box->highest_modseq() == 4u);  // one modseq per message, after the initial 1
  BOOST_REQUIRE(box->messages().size() == 3u);
  const MessageMeta& m1 = box->messages()[0];
  BOOST_TEST(m1.uid == 1u);
  BOOST_TEST(m1.modseq == 2u);
  BOOST_TEST(m1.blob_id == "blob-1");
  BOOST_TEST(m1.wrapped_dek == new_message(1).wrapped_dek);
  BOOST_TEST(m1.size == 1001u);
  BOOST_TEST(m1.internal_date == 1'600'000'060);
  BOOST_TEST(m1.save_date == kNow);
  BOOST_TEST(m1.flags == (std::vector<std::string>{"$Work", "\\Answered", "\\Seen"}));  // sorted, unique
  BOOST_TEST(box->messages()[1].modseq == 3u);
  BOOST_TEST(box->messages()[2].modseq == 4u);
  BOOST_TEST(box->has_blob("blob-2"));

  auto modseq = box->set_flags(FlagChanges{{2, {"\\Seen", "$Junk", "$Junk"}}, {99, {"\\Deleted"}}});
  require_ok(modseq, "set_flags");
  BOOST_TEST(*modseq == 5u);
  BOOST_TEST(box->find(2)->flags == (std::vector<std::string>{"$Junk", "\\Seen"}));
  BOOST_TEST(box->find(2)->modseq == 5u);
  BOOST_TEST(box->find(1)->modseq == 2u);
  BOOST_TEST(box->find(99) == nullptr);
  auto cleared = box->set_flags(FlagChanges{{3, {}}, {1, {"\\Seen"}}});
  require_ok(cleared, "set_flags");
  BOOST_TEST(*cleared == 6u);
  BOOST_TEST(box->find(3)->flags.empty());
  BOOST_TEST(box->find(3)->modseq == 6u);
  BOOST_TEST(box->find(1)->modseq == 6u);

  auto removed = box->expunge(std::vector<std::uint32_t>{1, 42});
  require_ok(removed, "expunge");
  BOOST_REQUIRE(removed->size() == 1u);
  BOOST_TEST((*removed)[0].uid == 1u);
  BOOST_TEST((*removed)[0].blob_id == "blob-1");
  BOOST_TEST(box->highest_modseq() == 7u);
  BOOST_TEST(box->find(1) == nullptr);
  BOOST_TEST(!box->has_blob("blob-1"));
  BOOST_TEST(box->messages().size() == 2u);

  auto later = add_ok(*box, {new_message(4)}, kNow + 5);
  BOOST_TEST(later == std::vector<std::uint32_t>{4});
  BOOST_TEST(box->find(4)->save_date == kNow + 5);
  BOOST_TEST(box->highest_modseq() == 8u);

  const State before = state_of(*box);
  box.reset();
  auto reopened = d.open();
  BOOST_TEST(reopened->uidvalidity() == uidvalidity);
  BOOST_TEST(reopened->uidnext() == 5u);
  BOOST_TEST(reopened->highest_modseq() == 8u);
  expect_state(*reopened, before);
  BOOST_TEST(!reopened->has_blob("blob-1"));
  BOOST_TEST(reopened->torn_bytes_dropped() == 0u);
}

BOOST_AUTO_TEST_CASE(uids_strictly_increase_and_are_never_reused) {
  MailboxDir d;
  auto box = d.open(true);
  add_ok(*box, {new_message(1), new_message(2), new_message(3)});
  require_ok(box->expunge(std::vector<std::uint32_t>{3}), "expunge 3");  // the highest UID
  box = d.open();
  BOOST_TEST(box->uidnext() == 4u);
  BOOST_TEST(add_ok(*box, {new_message(4)}) == std::vector<std::uint32_t>{4});
  require_ok(box->expunge(std::vector<std::uint32_t>{1, 2, 4}), "expunge all");
  BOOST_TEST(box->messages().empty());
  box = d.open();
  BOOST_TEST(box->messages().empty());
  BOOST_TEST(box->uidnext() == 5u);
  BOOST_TEST(add_ok(*box, {new_message(5), new_message(6)}) == (std::vector<std::uint32_t>{5, 6}));
  std::uint32_t previous = 0;
  for (const auto& m : box->messages()) {
    BOOST_TEST(m.uid > previous);
    previous = m.uid;
  }
}

BOOST_AUTO_TEST_CASE(highest_modseq_grows_with_every_change) {
  MailboxDir d;
  auto box = d.open(true);
  std::uint64_t last = box->highest_modseq();
  auto expect_grew = [&](const char* what) {
    BOOST_TEST(box->highest_modseq() > last, what);
    last = box->highest_modseq();
  };
  add_ok(*box, {new_message(1)});
  expect_grew("add");
  add_ok(*box, {new_message(2), new_message(3)});
  expect_grew("add two");
  require_ok(box->set_flags(FlagChanges{{1, {"\\Seen"}}}), "set_flags");
  expect_grew("set_flags");
  require_ok(box->set_flags(FlagChanges{{1, {"\\Seen"}}}), "set_flags to the same flags");
  expect_grew("set_flags (unchanged flags still count as a change)");
  require_ok(box->expunge(std::vector<std::uint32_t>{2}), "expunge");
  expect_grew("expunge");
  box = d.open();
  BOOST_TEST(box->highest_modseq() == last);
  add_ok(*box, {new_message(4)});
  expect_grew("add after reopen");
  // Every message's modseq is at most HIGHESTMODSEQ, and the newest change carries it.
  for (const auto& m : box->messages()) BOOST_TEST(m.modseq <= last);
  BOOST_TEST(box->find(4)->modseq == last);
}

BOOST_AUTO_TEST_CASE(changes_to_missing_uids_are_skipped_without_writing) {
  MailboxDir d;
  auto box = d.open(true);
  add_ok(*box, {new_message(1), new_message(2)});
  const auto size = fs::file_size(d.seg(1));
  const State before = state_of(*box);

  auto modseq = box->set_flags(FlagChanges{{7, {"\\Seen"}}, {0, {"\\Deleted"}}});
  require_ok(modseq, "set_flags");
  BOOST_TEST(*modseq == before.highest_modseq);
  auto none = box->set_flags(FlagChanges{});
  require_ok(none, "set_flags with nothing");
  BOOST_TEST(*none == before.highest_modseq);
  auto removed = box->expunge(std::vector<std::uint32_t>{7, 0, 3});
  require_ok(removed, "expunge");
  BOOST_TEST(removed->empty());
  expect_state(*box, before);
  BOOST_TEST(fs::file_size(d.seg(1)) == size);

  // A mix: only the existing UIDs change, and only once even when listed twice.
  auto mixed = box->expunge(std::vector<std::uint32_t>{9, 2, 2});
  require_ok(mixed, "expunge mixed");
  BOOST_REQUIRE(mixed->size() == 1u);
  BOOST_TEST((*mixed)[0].uid == 2u);
  BOOST_TEST(box->messages().size() == 1u);
  box = d.open();
  BOOST_TEST(box->messages().size() == 1u);
  BOOST_TEST(box->messages()[0].uid == 1u);
}

BOOST_AUTO_TEST_CASE(an_empty_add_changes_nothing) {
  MailboxDir d;
  auto box = d.open(true);
  const auto size = fs::file_size(d.seg(1));
  BOOST_TEST(add_ok(*box, {}).empty());
  BOOST_TEST(box->uidnext() == 1u);
  BOOST_TEST(box->highest_modseq() == 1u);
  BOOST_TEST(fs::file_size(d.seg(1)) == size);
}

BOOST_AUTO_TEST_CASE(torn_last_record_is_dropped_on_reopen) {
  MailboxDir d;
  auto box = d.open(true);
  add_ok(*box, {new_message(1)});
  const State before = state_of(*box);
  const auto size = fs::file_size(d.seg(1));
  add_ok(*box, {new_message(2)});
  box.reset();
  fs::resize_file(d.seg(1), size + 20);  // the second add never fully reached the disk
  box = d.open();
  BOOST_TEST(box->torn_bytes_dropped() == 20u);
  expect_state(*box, before);
  BOOST_TEST(add_ok(*box, {new_message(3)}) == std::vector<std::uint32_t>{2});
}

BOOST_AUTO_TEST_CASE(crossing_the_snapshot_threshold_compacts_and_reopens_the_same) {
  MailboxDir d;
  auto box = d.open(true);
  const std::uint32_t uidvalidity = box->uidvalidity();
  constexpr std::uint32_t kBatch = 512;
  static_assert(MailboxStore::kSnapshotRecords % kBatch == 0);
  constexpr std::uint32_t kBatches = MailboxStore::kSnapshotRecords / kBatch;
  std::uint32_t n = 0;
  for (std::uint32_t b = 0; b < kBatches; ++b) {
    // Until this batch, the init record plus the adds stay below the threshold.
    BOOST_TEST(!fs::exists(d.paths.mailbox(d.id) / "snap-00000002"), "before batch " << b);
    std::vector<NewMessage> batch;
    for (std::uint32_t i = 0; i < kBatch; ++i) {
      ++n;
      batch.push_back(new_message(n, n % 3 == 0 ? std::vector<std::string>{"\\Seen"} : std::vector<std::string>{}));
    }
    auto uids = add_ok(*box, std::move(batch));
    BOOST_TEST(uids.front() == n - kBatch + 1);
    BOOST_TEST(uids.back() == n);
  }
  // 1 init record + 4096 adds: the last add crossed kSnapshotRecords.
  BOOST_TEST(list_dir(d.paths.mailbox(d.id)) == (std::vector<std::string>{"seg-00000002", "snap-00000002"}));
  BOOST_TEST(fs::file_size(d.seg(2)) == 0u);
  BOOST_TEST(box->highest_modseq() == 1u + MailboxStore::kSnapshotRecords);
  {
    const State snapped = state_of(*box);
    auto reopened = d.open();
    expect_state(*reopened, snapped);
    BOOST_TEST(reopened->uidvalidity() == uidvalidity);
  }
  // Changes after the snapshot are replayed on top of it.
  require_ok(box->set_flags(FlagChanges{{10, {"\\Flagged"}}, {4096, {"\\Answered"}}}), "set_flags");
  std::vector<std::uint32_t> doomed;
  for (std::uint32_t uid = 100; uid < 200; ++uid) doomed.push_back(uid);
  doomed.push_back(4096);  // the highest UID
  require_ok(box->expunge(doomed), "expunge");
  BOOST_TEST(add_ok(*box, {new_message(5000)}) == std::vector<std::uint32_t>{4097});
  const State after = state_of(*box);
  BOOST_TEST(after.messages.size() == 4096u - 101u + 1u);
  box.reset();
  box = d.open();
  expect_state(*box, after);
  BOOST_TEST(box->uidvalidity() == uidvalidity);
  BOOST_TEST(box->find(10)->flags == std::vector<std::string>{"\\Flagged"});
  BOOST_TEST(box->find(150) == nullptr);
  BOOST_TEST(box->find(4096) == nullptr);
  BOOST_TEST(!box->has_blob("blob-150"));
  BOOST_TEST(box->has_blob("blob-99"));
  // UIDs stay unique after the snapshot: the expunged top UID 4096 is not handed out again.
  BOOST_TEST(add_ok(*box, {new_message(5001)}) == std::vector<std::uint32_t>{4098});
}

BOOST_AUTO_TEST_CASE(uidnext_survives_a_snapshot_after_expunging_the_top) {
  MailboxDir d;
  auto box = d.open(true);
  std::vector<NewMessage> batch;
  for (std::uint32_t i = 1; i <= MailboxStore::kSnapshotRecords - 2; ++i) batch.push_back(new_message(i));
  add_ok(*box, std::move(batch));  // init + 4094 adds = 4095 records
  BOOST_TEST(!fs::exists(d.paths.mailbox(d.id) / "snap-00000002"));
  // The 4096th record is an expunge of the highest UID: the snapshot must keep UIDNEXT past it.
  require_ok(box->expunge(std::vector<std::uint32_t>{MailboxStore::kSnapshotRecords - 2}), "expunge");
  BOOST_TEST(fs::exists(d.paths.mailbox(d.id) / "snap-00000002"));
  box = d.open();
  BOOST_TEST(box->uidnext() == MailboxStore::kSnapshotRecords - 1);
  BOOST_TEST(add_ok(*box, {new_message(9999)}) == std::vector<std::uint32_t>{MailboxStore::kSnapshotRecords - 1});
}

// QRESYNC's expunge history (store/mailbox.h): expunged_since(m) gives the UIDs expunged by changes with a modseq
// above m, as merged runs, the same after journal replay and after a snapshot.
BOOST_AUTO_TEST_CASE(expunge_history_survives_replay_and_snapshot) {
  // "1,3:6" for the runs, so BOOST_TEST can print them.
  auto since = [](const MailboxStore& b, std::uint64_t modseq) {
    std::string out;
    for (const auto& [first, last] : b.expunged_since(modseq)) {
      out += (out.empty() ? "" : ",") + std::to_string(first) + (first == last ? "" : ":" + std::to_string(last));
    }
    return out;
  };
  MailboxDir d;
  auto box = d.open(true);
  std::vector<NewMessage> batch;
  for (std::uint32_t i = 1; i <= 20; ++i) batch.push_back(new_message(i));
  add_ok(*box, std::move(batch));  // UIDs 1..20, modseqs 2..21
  BOOST_REQUIRE_EQUAL(box->highest_modseq(), 21u);
  require_ok(box->expunge(std::vector<std::uint32_t>{3, 4, 5, 9}), "expunge");  // modseq 22
  require_ok(box->expunge(std::vector<std::uint32_t>{6}), "expunge");           // 23: adjacent to 3:5, later
  require_ok(box->expunge(std::vector<std::uint32_t>{20, 1, 99}), "expunge");   // 24: unsorted, 99 missing
  auto check = [&since](const MailboxStore& b) {
    BOOST_TEST(since(b, 0) == "1,3:6,9,20");
    BOOST_TEST(since(b, 21) == "1,3:6,9,20");
    BOOST_TEST(since(b, 22) == "1,6,20");
    BOOST_TEST(since(b, 23) == "1,20");
    BOOST_TEST(since(b, 24) == "");
    BOOST_TEST(b.highest_modseq() == 24u);
  };
  check(*box);
  box = d.open();  // journal replay
  check(*box);
  // Enough flag records to cross the snapshot threshold: the history must be in the snapshot.
  for (std::uint64_t i = 0; i + 6 < MailboxStore::kSnapshotRecords; ++i) {
    std::vector<std::pair<std::uint32_t, std::vector<std::string>>> change{{2, {i % 2 ? "\\Seen" : "\\Flagged"}}};
    require_ok(box->set_flags(change), "set_flags");
  }
  BOOST_TEST(fs::exists(d.paths.mailbox(d.id) / "snap-00000002"));
  box = d.open();
  BOOST_TEST(since(*box, 0) == "1,3:6,9,20");
  BOOST_TEST(since(*box, 23) == "1,20");
  BOOST_TEST(since(*box, box->highest_modseq()) == "");
}

BOOST_AUTO_TEST_CASE(wrong_keys_or_id_are_corrupt) {
  MailboxDir d;
  {
    auto box = d.open(true);
    add_ok(*box, {new_message(1)});
  }
  store::Keyring other("alice", crypto::Key::from(Bytes(crypto::kKeyBytes, 0x5b)));
  BOOST_TEST(errc_of(MailboxStore::open(d.paths, other, d.id, false)) == "corrupt");
  // A mailbox journal copied under another mailbox id does not authenticate there.
  fs::copy(d.paths.mailbox(d.id), d.paths.mailbox("ffffffffffffffffffffffffffffffff"));
  BOOST_TEST(errc_of(MailboxStore::open(d.paths, d.keys, "ffffffffffffffffffffffffffffffff", false)) == "corrupt");
}

BOOST_AUTO_TEST_CASE(a_batch_reaches_the_disk_only_at_commit_batch) {
  MailboxDir d;
  auto box = d.open(true);
  add_ok(*box, {new_message(1), new_message(2)});
  const State before = state_of(*box);
  const auto size = fs::file_size(d.seg(1));
  box->begin_batch();
  BOOST_TEST(box->in_batch());
  BOOST_TEST(add_ok(*box, {new_message(3)}) == std::vector<std::uint32_t>{3});
  BOOST_TEST(add_ok(*box, {new_message(4), new_message(5)}) == (std::vector<std::uint32_t>{4, 5}));
  auto modseq = box->set_flags(FlagChanges{{1, {"\\Seen"}}, {4, {"\\Flagged"}}});
  require_ok(modseq, "set_flags");
  BOOST_TEST(*modseq == 7u);
  auto removed = box->expunge(std::vector<std::uint32_t>{2, 5});
  require_ok(removed, "expunge");
  BOOST_TEST(removed->size() == 2u);
  // Memory moves at once; the disk only at commit_batch().
  BOOST_TEST(box->highest_modseq() == 8u);
  BOOST_TEST(box->messages().size() == 3u);
  BOOST_TEST(fs::file_size(d.seg(1)) == size);
  expect_state(*d.open(), before);
  const State batched = state_of(*box);
  require_ok(box->commit_batch(), "commit_batch");
  BOOST_TEST(!box->in_batch());
  BOOST_TEST(fs::file_size(d.seg(1)) > size);
  expect_state(*box, batched);
  expect_state(*d.open(), batched);
  // After the batch, every change is durable on its own again.
  add_ok(*box, {new_message(6)});
  BOOST_TEST(d.open()->uidnext() == 7u);
}

BOOST_AUTO_TEST_CASE(an_abandoned_batch_is_not_on_disk) {
  MailboxDir d;
  auto box = d.open(true);
  add_ok(*box, {new_message(1)});
  const State before = state_of(*box);
  box->begin_batch();
  add_ok(*box, {new_message(2)});
  require_ok(box->expunge(std::vector<std::uint32_t>{1}), "expunge");
  box.reset();  // the owner stopped before commit_batch (its caller was never told OK)
  box = d.open();
  expect_state(*box, before);
  BOOST_TEST(add_ok(*box, {new_message(3)}) == std::vector<std::uint32_t>{2});
}

BOOST_AUTO_TEST_CASE(a_batch_crossing_the_snapshot_threshold_snapshots_at_commit) {
  MailboxDir d;
  auto box = d.open(true);
  box->begin_batch();
  for (std::uint32_t b = 0; b < 9; ++b) {
    std::vector<NewMessage> batch;
    for (std::uint32_t i = 1; i <= 512; ++i) batch.push_back(new_message(b * 512 + i));
    add_ok(*box, std::move(batch));
  }
  BOOST_TEST(list_dir(d.paths.mailbox(d.id)) == std::vector<std::string>{"seg-00000001"});
  const State batched = state_of(*box);
  require_ok(box->commit_batch(), "commit_batch");
  BOOST_TEST(list_dir(d.paths.mailbox(d.id)) == (std::vector<std::string>{"seg-00000002", "snap-00000002"}));
  box.reset();
  box = d.open();
  expect_state(*box, batched);
  BOOST_TEST(box->uidnext() == 9u * 512u + 1u);
}

BOOST_AUTO_TEST_SUITE_END()
