// The EMAILID of each message (RFC 8474; store::MessageMeta::email_id): kept as given (a copy's source id) or made
// fresh when absent (32 hex digits, distinct); it survives journal replay and a snapshot; and records and format-1
// snapshots written before it existed read back with the blob id as the email id, every other field intact.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "crypto/secret.h"
#include "store/journal.h"
#include "store/keyring.h"
#include "store/layout.h"
#include "store/mailbox.h"
#include "test/support/temp_dir.h"
#include "test/unit/store/store_test_util.h"

namespace {

using base::Bytes;
using store::MailboxStore;
using store::NewMessage;
using namespace store_test;

constexpr std::int64_t kNow = 1'700'000'000;

struct EmailIdDir {
  test_support::TempDir root;
  store::UserPaths paths{root / "alice"};
  store::Keyring keys{"alice", crypto::Key::from(Bytes(crypto::kKeyBytes, 0x3c))};
  std::string id = "fedcba9876543210fedcba9876543210";

  EmailIdDir() { fs::create_directories(paths.tmp()); }

  std::unique_ptr<MailboxStore> open(bool create = false) const {
    auto box = MailboxStore::open(paths, keys, id, create);
    require_ok(box, "MailboxStore::open");
    return std::move(box).value();
  }
  // The mailbox's journal opened directly, to write what an older version of the store wrote.
  store::Journal journal() const {
    store::JournalContents contents;
    auto j = store::Journal::open(paths.mailbox(id), paths.tmp(), keys.mailbox_journal().clone(), id, contents);
    require_ok(j, "Journal::open");
    return std::move(j).value();
  }
};

NewMessage message(std::uint32_t n, std::string email_id = {}) {
  NewMessage m;
  m.blob_id = "b" + std::to_string(n) + "0123456789abcdef";
  m.wrapped_dek = Bytes(72, static_cast<std::uint8_t>(n));
  m.size = 100 + n;
  m.internal_date = 1'600'000'000 + n;
  m.flags = {"\\Seen"};
  m.email_id = std::move(email_id);
  return m;
}

// The message encoding as it was before EMAILIDs: no trailing field.
void put_old_message(base::ByteWriter& w, std::uint32_t uid, const std::string& blob_id) {
  w.u32(uid);
  w.u64(uid + 1);  // modseq
  w.str(blob_id);
  w.blob(Bytes(72, 7));
  w.u64(500 + uid);
  w.u64(1'500'000'000);
  w.u64(1'600'000'000);
  w.varint(1);
  w.str("\\Flagged");
  w.str("(NIL \"subject\" NIL NIL NIL NIL NIL NIL NIL NIL)");
  w.str("(\"text\" \"plain\" NIL NIL NIL \"7BIT\" 3 1)");
  w.str("(\"text\" \"plain\" NIL NIL NIL \"7BIT\" 3 1 NIL NIL NIL NIL)");
}

bool is_hex_id(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void expect_old_message(const MailboxStore& box, std::uint32_t uid, const std::string& blob_id) {
  const auto* m = box.find(uid);
  BOOST_REQUIRE(m != nullptr);
  BOOST_TEST(m->email_id == blob_id);
  BOOST_TEST(m->blob_id == blob_id);
  BOOST_TEST(m->modseq == uid + 1);
  BOOST_TEST(m->size == 500u + uid);
  BOOST_TEST(m->internal_date == 1'500'000'000);
  BOOST_TEST(m->save_date == 1'600'000'000);
  BOOST_TEST(m->flags == std::vector<std::string>{"\\Flagged"});
  BOOST_REQUIRE(m->structure != nullptr);
  BOOST_TEST(m->structure->body == "(\"text\" \"plain\" NIL NIL NIL \"7BIT\" 3 1)");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(email_id)

BOOST_AUTO_TEST_CASE(new_ids_are_hex_and_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = store::new_email_id();
    BOOST_TEST(is_hex_id(id), id);
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(given_or_made_and_kept_across_replay) {
  EmailIdDir d;
  auto box = d.open(true);
  std::vector<NewMessage> batch{message(1, "source-id_1"), message(2), message(3)};
  require_ok(box->add(batch, kNow), "add");
  const auto first = box->messages();
  BOOST_REQUIRE(first.size() == 3u);
  BOOST_TEST(first[0].email_id == "source-id_1");  // a copy keeps its source's id
  BOOST_TEST(is_hex_id(first[1].email_id), first[1].email_id);
  BOOST_TEST(is_hex_id(first[2].email_id), first[2].email_id);
  BOOST_TEST(first[1].email_id != first[2].email_id);
  BOOST_TEST(first[1].email_id != first[1].blob_id);
  // Flag changes and expunges of others leave it alone.
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> flags{{2, {"\\Answered"}}};
  require_ok(box->set_flags(flags), "set_flags");
  std::vector<std::uint32_t> doomed{1};
  require_ok(box->expunge(doomed), "expunge");
  box.reset();
  box = d.open();
  BOOST_REQUIRE(box->messages().size() == 2u);
  BOOST_TEST(box->find(2)->email_id == first[1].email_id);
  BOOST_TEST(box->find(3)->email_id == first[2].email_id);
}

BOOST_AUTO_TEST_CASE(kept_by_a_snapshot) {
  EmailIdDir d;
  auto box = d.open(true);
  std::vector<NewMessage> batch;
  for (std::uint32_t n = 1; n <= MailboxStore::kSnapshotRecords; ++n) {
    batch.push_back(message(n, n % 2 == 0 ? "copy-" + std::to_string(n) : std::string()));
  }
  require_ok(box->add(batch, kNow), "add");
  // 1 init record + 4096 adds crossed kSnapshotRecords: the state now lives in a snapshot.
  BOOST_TEST(list_dir(d.paths.mailbox(d.id)) == (std::vector<std::string>{"seg-00000002", "snap-00000002"}));
  const auto before = box->messages();
  // One more after the snapshot, replayed on top of it.
  std::vector<NewMessage> more{message(5000, "after-snapshot")};
  require_ok(box->add(more, kNow), "add");
  box.reset();
  box = d.open();
  BOOST_REQUIRE(box->messages().size() == before.size() + 1);
  for (std::size_t i = 0; i < before.size(); ++i) {
    BOOST_TEST(box->messages()[i].email_id == before[i].email_id, "uid " << before[i].uid);
  }
  BOOST_TEST(box->messages()[1].email_id == "copy-2");
  BOOST_TEST(is_hex_id(box->messages()[0].email_id));
  BOOST_TEST(box->messages().back().email_id == "after-snapshot");
}

BOOST_AUTO_TEST_CASE(old_records_read_back_with_the_blob_id) {
  EmailIdDir d;
  {
    auto j = d.journal();
    std::vector<Bytes> records(3);
    base::ByteWriter init(records[0]);
    init.u8(0);  // init
    init.u32(77);
    base::ByteWriter a1(records[1]);
    a1.u8(1);  // added
    put_old_message(a1, 1, "00000000000000aa1111111111111111");
    base::ByteWriter a2(records[2]);
    a2.u8(1);
    put_old_message(a2, 2, "00000000000000bb2222222222222222");
    require_ok(j.append(records), "append");
  }
  auto box = d.open();
  BOOST_TEST(box->uidvalidity() == 77u);
  BOOST_REQUIRE(box->messages().size() == 2u);
  expect_old_message(*box, 1, "00000000000000aa1111111111111111");
  expect_old_message(*box, 2, "00000000000000bb2222222222222222");
  // A new message added to the old journal gets its own id, and all three survive a reopen.
  std::vector<NewMessage> batch{message(3)};
  require_ok(box->add(batch, kNow), "add");
  const std::string third = box->find(3)->email_id;
  BOOST_TEST(is_hex_id(third));
  box.reset();
  box = d.open();
  expect_old_message(*box, 1, "00000000000000aa1111111111111111");
  expect_old_message(*box, 2, "00000000000000bb2222222222222222");
  BOOST_TEST(box->find(3)->email_id == third);
}

BOOST_AUTO_TEST_CASE(old_format_snapshot_reads_back_with_the_blob_id) {
  EmailIdDir d;
  {
    auto j = d.journal();
    // Format 1: u32 uidvalidity | u32 uidnext | u64 highestmodseq | varint n | n x message, no length prefixes.
    Bytes state;
    base::ByteWriter w(state);
    w.u32(91);
    w.u32(3);
    w.u64(3);
    w.varint(2);
    put_old_message(w, 1, "00000000000000cc3333333333333333");
    put_old_message(w, 2, "00000000000000dd4444444444444444");
    require_ok(j.write_snapshot(state), "write_snapshot");
  }
  auto box = d.open();
  BOOST_TEST(box->uidvalidity() == 91u);
  BOOST_TEST(box->uidnext() == 3u);
  BOOST_REQUIRE(box->messages().size() == 2u);
  expect_old_message(*box, 1, "00000000000000cc3333333333333333");
  expect_old_message(*box, 2, "00000000000000dd4444444444444444");
}

BOOST_AUTO_TEST_SUITE_END()
