// Delivery (store/delivery.h) into the spool, and its import into mailboxes (Account::import_spool): byte-exact round
// trips over sizes around the 64 KiB chunk size up to 10 MiB, mailbox targeting, arrival order, dates, size limits,
// abandoned deliveries, a crash between the mailbox append and the spool rename, and verify() on damaged blobs.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "store/account.h"
#include "store/account_keys.h"
#include "store/delivery.h"
#include "store/layout.h"
#include "store/message_file.h"
#include "test/support/temp_dir.h"
#include "test/unit/store/store_test_util.h"

namespace {

using base::Bytes;
using store::Account;
using store::Delivery;
using store::MessageMeta;
using namespace store_test;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::uint64_t kMaxBytes = 64ull << 20;
constexpr std::size_t kMiB = 1024 * 1024;

struct UserDir {
  test_support::TempDir dir;
  store::Root root{dir.path()};
  store::UserPaths paths = root.user("alice");

  UserDir() { require_ok(Account::create(root, "alice", "pw", kFastKdf, kNow - 1000), "Account::create"); }

  std::unique_ptr<Account> open() const {
    auto a = Account::open(root, "alice", "pw");
    require_ok(a, "Account::open");
    return std::move(a).value();
  }

  // Delivers body in pieces of varying size (1 byte to ~300 KB, in a cycle), returning the spool id.
  std::string deliver(const Bytes& body, std::string_view mailbox = {}, std::int64_t now = kNow) const {
    auto d = Delivery::begin(root, "alice", mailbox, now, kMaxBytes);
    require_ok(d, "Delivery::begin");
    static constexpr std::size_t kPieces[] = {1, 2, 3, 7, 100, 4093, 65536, 65537, 300'000};
    std::size_t at = 0;
    for (std::size_t i = 0; at < body.size(); ++i) {
      std::size_t take = std::min(kPieces[i % std::size(kPieces)], body.size() - at);
      require_ok(d->write(base::ByteSpan(body).subspan(at, take)), "Delivery::write");
      at += take;
    }
    BOOST_TEST(d->size() == body.size());
    auto id = d->commit();
    require_ok(id, "Delivery::commit");
    return *id;
  }
};

std::vector<MessageMeta> messages_in(const Account& a, std::string_view name) {
  auto info = a.find_mailbox(name);
  BOOST_REQUIRE(info.has_value());
  auto box = a.open_mailbox(info->id);
  require_ok(box, "open_mailbox");
  return (*box)->messages();
}

store::ImportReport import_ok(Account& a, std::int64_t now = kNow + 10) {
  auto report = a.import_spool(now);
  require_ok(report, "import_spool");
  for (const auto& e : report->errors) BOOST_ERROR("import error: " << e);
  return *report;
}

Bytes read_ok(const Account& a, const MessageMeta& m) {
  auto body = a.read_message(m);
  require_ok(body, "read_message");
  return *body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery)

BOOST_AUTO_TEST_CASE(round_trip_is_byte_identical_for_many_sizes) {
  UserDir u;
  const std::vector<std::size_t> sizes{0, 1, 2, 100, 65535, 65536, 65537, kMiB, 10 * kMiB};
  struct Sent {
    std::string id;
    Bytes body;
    Bytes spool_file;
  };
  std::vector<Sent> sent;
  std::uint64_t seed = 0;
  for (std::size_t n : sizes) {
    for (Content kind : {Content::text, Content::random}) {
      Bytes body = make_body(n, kind, ++seed);
      std::string id = u.deliver(body);
      BOOST_TEST(id.size() == 32u);
      Bytes file = read_bytes(u.paths.spool() / id);
      BOOST_TEST(file.size() >= 1024u);  // the Padme minimum, header included
      if (kind == Content::random) {        // incompressible: stored as is, plus framing
        BOOST_TEST(file.size() >= store::kDeliveryHeaderBytes + crypto::kBlobHeaderBytes + n);
      }
      sent.push_back({id, std::move(body), std::move(file)});
    }
  }
  BOOST_TEST(list_dir(u.paths.spool()).size() == sent.size());
  BOOST_TEST(list_dir(u.paths.tmp()).empty());

  auto a = u.open();
  auto report = import_ok(*a);
  BOOST_TEST(report.imported == sent.size());
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == sent.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto& m = msgs[i];
    BOOST_TEST(m.uid == i + 1);
    BOOST_TEST(m.blob_id == sent[i].id);
    BOOST_TEST(m.size == sent[i].body.size());
    BOOST_TEST(m.internal_date == kNow);
    BOOST_TEST(m.save_date == kNow + 10);
    BOOST_TEST(m.flags.empty());
    // Importing is a rename: the stored blob is the spool file, byte for byte.
    BOOST_TEST(read_bytes(u.paths.blob(m.blob_id)) == sent[i].spool_file, "message " << i);
    Bytes back = read_ok(*a, m);
    BOOST_TEST(back.size() == sent[i].body.size(), "message " << i);
    BOOST_TEST((back == sent[i].body), "message " << i << " of " << sent[i].body.size() << " bytes differs");
    total += sent[i].body.size();
  }
  auto v = a->verify();
  BOOST_TEST(v.errors.empty());
  BOOST_TEST(v.mailboxes == 6u);  // INBOX and the five special-use mailboxes of a new account
  BOOST_TEST(v.messages == sent.size());
  BOOST_TEST(v.message_bytes == total);
  BOOST_TEST(v.spool_entries == 0u);
  BOOST_TEST(v.torn_bytes_dropped == 0u);
}

BOOST_AUTO_TEST_CASE(the_spool_holds_no_plaintext) {
  UserDir u;
  const std::string secret = "Subject: merger talks\r\n\r\nThe secret word is xylophone-7731.\r\n";
  std::string id = u.deliver(bytes_of(secret), "Lists/secret-project");
  std::string file = test_support::read_file(u.paths.spool() / id);
  BOOST_TEST(file.find("xylophone") == std::string::npos);
  BOOST_TEST(file.find("merger") == std::string::npos);
  BOOST_TEST(file.find("secret-project") == std::string::npos);
  BOOST_TEST(file.compare(0, 4, "SBXS") == 0);
}

BOOST_AUTO_TEST_CASE(mailbox_argument_targets_an_existing_mailbox_or_falls_back_to_inbox) {
  UserDir u;
  const std::string long_name(store::kMaxDeliveryMailboxBytes, 'L');
  {
    auto a = u.open();
    require_ok(a->create_mailbox("Lists/dev"), "create Lists/dev");
    require_ok(a->create_mailbox(long_name), "create a 200-byte name");
  }
  std::string to_dev = u.deliver(bytes_of("to dev"), "Lists/dev");
  std::string to_missing = u.deliver(bytes_of("to a missing mailbox"), "Lists/nope");
  std::string to_default = u.deliver(bytes_of("to the default"), "");
  std::string to_inbox = u.deliver(bytes_of("to INBOX by name"), "INBOX");
  std::string to_wrong_case = u.deliver(bytes_of("to lists/dev"), "lists/dev");
  std::string to_long = u.deliver(bytes_of("to the long one"), long_name);
  BOOST_TEST(errc_of(Delivery::begin(u.root, "alice", long_name + "L", kNow, kMaxBytes)) == "invalid_argument");
  BOOST_TEST(list_dir(u.paths.tmp()).empty());

  auto a = u.open();
  auto report = import_ok(*a);
  BOOST_TEST(report.imported == 6u);
  auto dev = messages_in(*a, "Lists/dev");
  BOOST_REQUIRE(dev.size() == 1u);
  BOOST_TEST(dev[0].blob_id == to_dev);
  BOOST_TEST(read_ok(*a, dev[0]) == bytes_of("to dev"));
  auto longest = messages_in(*a, long_name);
  BOOST_REQUIRE(longest.size() == 1u);
  BOOST_TEST(longest[0].blob_id == to_long);
  auto inbox = messages_in(*a, "INBOX");
  BOOST_REQUIRE(inbox.size() == 4u);
  BOOST_TEST(inbox[0].blob_id == to_missing);
  BOOST_TEST(inbox[1].blob_id == to_default);
  BOOST_TEST(inbox[2].blob_id == to_inbox);
  BOOST_TEST(inbox[3].blob_id == to_wrong_case);
  BOOST_TEST(read_ok(*a, inbox[0]) == bytes_of("to a missing mailbox"));
  BOOST_TEST(read_ok(*a, inbox[3]) == bytes_of("to lists/dev"));
  BOOST_TEST(!a->find_mailbox("Lists/nope").has_value());  // the fallback creates nothing
}

BOOST_AUTO_TEST_CASE(import_order_is_commit_order) {
  UserDir u;
  {
    auto a = u.open();
    require_ok(a->create_mailbox("Lists"), "create Lists");
  }
  // Begun A, B, C; committed B, C, A.
  auto begin = [&](std::int64_t now) {
    auto d = Delivery::begin(u.root, "alice", "", now, kMaxBytes);
    require_ok(d, "Delivery::begin");
    return std::move(d).value();
  };
  Delivery da = begin(kNow + 1), db = begin(kNow + 2), dc = begin(kNow + 3);
  require_ok(da.write(bytes_of("A")), "write");
  require_ok(db.write(bytes_of("B")), "write");
  require_ok(dc.write(bytes_of("C")), "write");
  auto ib = db.commit();
  auto ic = dc.commit();
  auto ia = da.commit();
  require_ok(ib, "commit");
  require_ok(ic, "commit");
  require_ok(ia, "commit");
  BOOST_TEST(*ib < *ic);
  BOOST_TEST(*ic < *ia);
  // Then enough deliveries to span several import batches, alternating between two mailboxes.
  std::vector<std::string> inbox_ids{*ib, *ic, *ia}, lists_ids;
  for (int i = 0; i < 140; ++i) {
    bool to_lists = i % 2 == 1;
    std::string id = u.deliver(bytes_of("message " + std::to_string(i)), to_lists ? "Lists" : "");
    (to_lists ? lists_ids : inbox_ids).push_back(id);
  }
  auto a = u.open();
  auto report = import_ok(*a);
  BOOST_TEST(report.imported == 143u);
  auto inbox = messages_in(*a, "INBOX");
  BOOST_REQUIRE(inbox.size() == inbox_ids.size());
  for (std::size_t i = 0; i < inbox.size(); ++i) {
    BOOST_TEST(inbox[i].blob_id == inbox_ids[i], "INBOX position " << i);
    BOOST_TEST(inbox[i].uid == i + 1);
    if (i > 0) BOOST_TEST(inbox[i].modseq > inbox[i - 1].modseq);
  }
  BOOST_TEST(read_ok(*a, inbox[0]) == bytes_of("B"));
  BOOST_TEST(read_ok(*a, inbox[1]) == bytes_of("C"));
  BOOST_TEST(read_ok(*a, inbox[2]) == bytes_of("A"));
  BOOST_TEST(inbox[2].internal_date == kNow + 1);  // the time given to begin, not the commit order
  BOOST_TEST(read_ok(*a, inbox[3]) == bytes_of("message 0"));
  auto lists = messages_in(*a, "Lists");
  BOOST_REQUIRE(lists.size() == lists_ids.size());
  for (std::size_t i = 0; i < lists.size(); ++i) {
    BOOST_TEST(lists[i].blob_id == lists_ids[i], "Lists position " << i);
    BOOST_TEST(lists[i].uid == i + 1);
  }
  BOOST_TEST(read_ok(*a, lists.back()) == bytes_of("message 139"));
}

BOOST_AUTO_TEST_CASE(internal_date_is_the_time_given_to_begin) {
  UserDir u;
  const std::vector<std::int64_t> times{0, 1, -86400, 1'234'567'890, 4'102'444'800 /* 2100-01-01 */};
  for (auto t : times) u.deliver(bytes_of("at " + std::to_string(t)), "", t);
  auto a = u.open();
  import_ok(*a, 1'800'000'000);
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    BOOST_TEST(msgs[i].internal_date == times[i]);
    BOOST_TEST(msgs[i].save_date == 1'800'000'000);
    BOOST_TEST(read_ok(*a, msgs[i]) == bytes_of("at " + std::to_string(times[i])));
  }
}

BOOST_AUTO_TEST_CASE(too_big_and_abandoned_deliveries_leave_nothing) {
  UserDir u;
  {
    auto d = Delivery::begin(u.root, "alice", "", kNow, 1000);
    require_ok(d, "begin");
    BOOST_TEST(list_dir(u.paths.tmp()).size() == 1u);  // staged in tmp/
    require_ok(d->write(Bytes(999, 'x')), "write 999");
    require_ok(d->write(Bytes(1, 'x')), "write up to the limit");
    BOOST_TEST(errc_of(d->write(Bytes(1, 'x'))) == "too_big");
    BOOST_TEST(d->size() == 1000u);
  }
  BOOST_TEST(list_dir(u.paths.tmp()).empty());
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  {
    // Large enough that part of the staged file is already on disk when the limit is hit.
    auto d = Delivery::begin(u.root, "alice", "", kNow, 600 * 1024);
    require_ok(d, "begin");
    require_ok(d->write(make_body(512 * 1024, Content::random, 1)), "write 512 KiB");
    auto staged = list_dir(u.paths.tmp());
    BOOST_REQUIRE(staged.size() == 1u);
    BOOST_TEST(fs::file_size(u.paths.tmp() / staged[0]) > 256u * 1024);
    BOOST_TEST(errc_of(d->write(make_body(100 * 1024, Content::random, 2))) == "too_big");
  }
  BOOST_TEST(list_dir(u.paths.tmp()).empty());
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  {
    auto d = Delivery::begin(u.root, "alice", "Lists", kNow, kMaxBytes);
    require_ok(d, "begin");
    require_ok(d->write(make_body(3 * kMiB, Content::text, 3)), "write");
    // Destroyed without commit: an abandoned delivery.
  }
  BOOST_TEST(list_dir(u.paths.tmp()).empty());
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  // A delivery moved from before being abandoned still cleans up once.
  {
    auto d = Delivery::begin(u.root, "alice", "", kNow, kMaxBytes);
    require_ok(d, "begin");
    Delivery moved = std::move(d).value();
    require_ok(moved.write(bytes_of("x")), "write");
  }
  BOOST_TEST(list_dir(u.paths.tmp()).empty());
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  auto a = u.open();
  BOOST_TEST(import_ok(*a).imported == 0u);
  BOOST_TEST(messages_in(*a, "INBOX").empty());
}

BOOST_AUTO_TEST_CASE(unknown_user_is_no_such_user) {
  UserDir u;
  BOOST_TEST(errc_of(Delivery::begin(u.root, "bob", "", kNow, kMaxBytes)) == "no_such_user");
  BOOST_TEST(errc_of(Delivery::begin(u.root, "Alice", "", kNow, kMaxBytes)) == "invalid_argument");
  test_support::TempDir empty;
  BOOST_TEST(errc_of(Delivery::begin(store::Root(empty.path()), "alice", "", kNow, kMaxBytes)) == "no_such_user");
  BOOST_TEST(list_dir(empty.path()).empty());
  BOOST_TEST(list_dir(u.root.users()) == std::vector<std::string>{"alice"});
}

// A crash after the mailbox append was durable but before the spool entries were renamed into blobs/: the next
// import must not add them again.
BOOST_AUTO_TEST_CASE(reimport_after_a_crash_before_the_spool_rename_does_not_duplicate) {
  UserDir u;
  const Bytes b1 = make_body(100, Content::text, 1), b2 = make_body(70'000, Content::random, 2);
  std::string id1 = u.deliver(b1);
  std::string id2 = u.deliver(b2, "Lists");  // no such mailbox: INBOX
  {
    auto a = u.open();
    BOOST_TEST(import_ok(*a).imported == 2u);
  }
  // Put the files back where the crash would have left them.
  for (const auto& id : {id1, id2}) fs::rename(u.paths.blob(id), u.paths.spool() / id);
  std::string id3 = u.deliver(bytes_of("a new one"));
  auto a = u.open();
  auto report = import_ok(*a);
  BOOST_TEST(report.errors.empty());
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 3u);
  BOOST_TEST(msgs[0].blob_id == id1);
  BOOST_TEST(msgs[1].blob_id == id2);
  BOOST_TEST(msgs[2].blob_id == id3);
  BOOST_TEST(msgs[2].uid == 3u);
  BOOST_TEST(read_ok(*a, msgs[0]) == b1);
  BOOST_TEST(read_ok(*a, msgs[1]) == b2);
  BOOST_TEST(read_ok(*a, msgs[2]) == bytes_of("a new one"));
  auto v = a->verify();
  BOOST_TEST(v.errors.empty());
  BOOST_TEST(v.messages == 3u);
  // A second crash of the same kind, this time with only one entry put back and the account reopened twice.
  fs::rename(u.paths.blob(id2), u.paths.spool() / id2);
  a.reset();
  a = u.open();
  import_ok(*a);
  a.reset();
  a = u.open();
  import_ok(*a);
  msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 3u);
  BOOST_TEST(msgs[1].blob_id == id2);
  BOOST_TEST(read_ok(*a, msgs[1]) == b2);
}

BOOST_AUTO_TEST_CASE(a_damaged_spool_entry_stays_in_the_spool) {
  UserDir u;
  std::string good1 = u.deliver(bytes_of("first"));
  std::string bad = u.deliver(make_body(5000, Content::text, 4));
  std::string good2 = u.deliver(bytes_of("third"));
  flip_byte(u.paths.spool() / bad, fs::file_size(u.paths.spool() / bad) / 2);
  auto a = u.open();
  auto report = a->import_spool(kNow);
  require_ok(report, "import_spool");
  BOOST_TEST(report->imported == 2u);
  BOOST_REQUIRE(report->errors.size() == 1u);
  BOOST_TEST(report->errors[0].find(bad + ": corrupt: ") == 0u, report->errors[0]);
  BOOST_TEST(list_dir(u.paths.spool()) == std::vector<std::string>{bad});
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 2u);
  BOOST_TEST(msgs[0].blob_id == good1);
  BOOST_TEST(msgs[1].blob_id == good2);
  auto v = a->verify();
  BOOST_TEST(v.spool_entries == 1u);
  BOOST_REQUIRE(v.errors.size() == 1u);
  BOOST_TEST(v.errors[0].find("spool " + bad + ": corrupt: ") == 0u, v.errors[0]);
}

BOOST_AUTO_TEST_CASE(verify_counts_and_reports_every_flipped_blob_byte) {
  UserDir u;
  const Bytes small = bytes_of("Subject: small\r\n\r\nhi\r\n");
  const Bytes big = make_body(200'000, Content::text, 5);
  u.deliver(small);
  u.deliver(big);
  {
    auto a = u.open();
    require_ok(a->create_mailbox("Other"), "create Other");
    import_ok(*a);
  }
  u.deliver(bytes_of("waiting in the spool"));
  auto a = u.open();
  auto v = a->verify();
  BOOST_TEST(v.errors.empty());
  BOOST_TEST(v.mailboxes == 7u);  // a new account's six and Other
  BOOST_TEST(v.messages == 2u);
  BOOST_TEST(v.message_bytes == small.size() + big.size());
  BOOST_TEST(v.spool_entries == 1u);

  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 2u);
  const MessageMeta target = msgs[0];
  const fs::path blob = u.paths.blob(target.blob_id);
  const Bytes good = read_bytes(blob);
  BOOST_TEST(good.size() == 1024u);  // the Padmé minimum, delivery header included
  int failures = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    write_bytes(blob, bad);
    auto report = a->verify();
    bool named = report.errors.size() == 1 && report.errors[0].find("uid 1: corrupt: ") != std::string::npos &&
                 report.errors[0].find(target.blob_id) != std::string::npos;
    std::string read = errc_of(a->read_message(target));
    if ((!named || read != "corrupt" || report.messages != 2u) && ++failures <= 10) {
      BOOST_ERROR("flip at byte " << i << ": read gave " << read << ", verify "
                                  << (report.errors.empty() ? std::string("found nothing") : report.errors[0]));
    }
  }
  BOOST_TEST(failures == 0);
  write_bytes(blob, good);
  // A flip in the middle of a larger blob is found too, and the other message stays readable.
  const fs::path big_blob = u.paths.blob(msgs[1].blob_id);
  flip_byte(big_blob, fs::file_size(big_blob) / 2);
  v = a->verify();
  BOOST_REQUIRE(v.errors.size() == 1u);
  BOOST_TEST(v.errors[0].find("uid 2: corrupt: ") != std::string::npos, v.errors[0]);
  BOOST_TEST(v.errors[0].find(msgs[1].blob_id) != std::string::npos, v.errors[0]);
  BOOST_TEST(errc_of(a->read_message(msgs[1])) == "corrupt");
  BOOST_TEST(read_ok(*a, msgs[0]) == small);
  // A missing blob is reported as well.
  fs::remove(big_blob);
  v = a->verify();
  BOOST_REQUIRE(v.errors.size() == 1u);
  BOOST_TEST(v.errors[0].find("uid 2: ") != std::string::npos, v.errors[0]);
  BOOST_TEST(errc_of(a->read_message(msgs[1])) == "not_found");
}

BOOST_AUTO_TEST_CASE(truncation_at_chunk_boundaries_is_reported) {
  UserDir u;
  const Bytes body = make_body(5 * crypto::kBlobChunkBytes + 100, Content::random, 6);  // six stored chunks
  std::string id = u.deliver(body);
  auto a = u.open();
  import_ok(*a);
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 1u);
  const fs::path blob = u.paths.blob(id);
  const Bytes good = read_bytes(blob);

  // Frame boundaries per crypto/blob.h, after the delivery header and the blob header.
  std::vector<std::size_t> cuts{0, 4, store::kDeliveryHeaderBytes, store::kDeliveryHeaderBytes + 1,
                                store::kDeliveryHeaderBytes + crypto::kBlobHeaderBytes};
  std::size_t pos = store::kDeliveryHeaderBytes + crypto::kBlobHeaderBytes;
  int frames = 0;
  while (pos < good.size()) {
    std::uint32_t word = std::uint32_t{good[pos]} | std::uint32_t{good[pos + 1]} << 8 |
                         std::uint32_t{good[pos + 2]} << 16 | std::uint32_t{good[pos + 3]} << 24;
    bool final = (word >> 31) != 0;
    pos += 4 + (word & 0x7fffffffu);
    ++frames;
    if (final) break;
    cuts.push_back(pos);      // a clean cut after a whole chunk
    cuts.push_back(pos + 4);  // and after the next frame word
  }
  BOOST_TEST(frames == 6);
  BOOST_TEST(pos == good.size());
  for (std::size_t at = crypto::kBlobChunkBytes; at < good.size(); at += crypto::kBlobChunkBytes) cuts.push_back(at);
  cuts.push_back(good.size() - 1);
  for (std::size_t cut : cuts) {
    write_bytes(blob, Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)));
    auto v = a->verify();
    BOOST_TEST(v.errors.size() == 1u, "cut at " << cut);
    if (!v.errors.empty()) {
      BOOST_TEST(v.errors[0].find("uid 1: corrupt: ") != std::string::npos, "cut at " << cut << ": " << v.errors[0]);
      BOOST_TEST(v.errors[0].find(id) != std::string::npos, "cut at " << cut);
    }
    BOOST_TEST(errc_of(a->read_message(msgs[0])) == "corrupt", "cut at " << cut);
  }
  write_bytes(blob, good);
  BOOST_TEST(a->verify().errors.empty());
  BOOST_TEST(read_ok(*a, msgs[0]) == body);
}

// After a new epoch key pair becomes current, deliveries seal to it, and entries sealed to the old one still import.
BOOST_AUTO_TEST_CASE(entries_sealed_to_an_older_epoch_import_after_rotation) {
  UserDir u;
  std::string old_id = u.deliver(bytes_of("sealed to epoch 1"));
  {
    auto a = u.open();
    auto header = store::read_account(u.paths);
    require_ok(header, "read_account");
    require_ok(store::write_new_epoch(u.paths, "alice", 2, a->keys()->master(), kNow), "write_new_epoch");
    header->current_epoch = 2;
    header->epoch_started = kNow;
    require_ok(store::write_account(u.paths, *header), "write_account");
  }
  std::string new_id = u.deliver(bytes_of("sealed to epoch 2"));
  const Bytes file = read_bytes(u.paths.spool() / new_id);
  BOOST_TEST(file[8] == 2u);  // the delivery header's epoch field (u32 at offset 8)
  BOOST_TEST(read_bytes(u.paths.spool() / old_id)[8] == 1u);
  auto a = u.open();
  BOOST_TEST(import_ok(*a).imported == 2u);
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 2u);
  BOOST_TEST(read_ok(*a, msgs[0]) == bytes_of("sealed to epoch 1"));
  BOOST_TEST(read_ok(*a, msgs[1]) == bytes_of("sealed to epoch 2"));
  BOOST_TEST(a->verify().errors.empty());
  // An entry naming an epoch with no key pair is reported and left in the spool.
  std::string orphan = u.deliver(bytes_of("epoch 3?"));
  Bytes changed = read_bytes(u.paths.spool() / orphan);
  changed[8] = 3;
  write_bytes(u.paths.spool() / orphan, changed);
  auto report = a->import_spool(kNow);
  require_ok(report, "import_spool");
  BOOST_TEST(report->imported == 0u);
  BOOST_REQUIRE(report->errors.size() == 1u);
  BOOST_TEST(report->errors[0].find(orphan + ": ") == 0u, report->errors[0]);
  BOOST_TEST(list_dir(u.paths.spool()) == std::vector<std::string>{orphan});
}

// Account::rotate_delivery_key: nothing before the period is over; then epoch 2 becomes current (account file and
// key files), later deliveries are sealed to it, earlier ones still import, a reopen keeps epoch 2, and the next
// rotation is a full period later.
BOOST_AUTO_TEST_CASE(rotate_delivery_key_at_the_epoch_boundary) {
  UserDir u;  // created at kNow - 1000: epoch 1 started then
  constexpr std::int64_t kPeriod = 30 * 86400;
  const std::int64_t boundary = kNow - 1000 + kPeriod;
  std::string before = u.deliver(bytes_of("before the rotation"));
  {
    auto a = u.open();
    auto early = a->rotate_delivery_key(boundary - 1, kPeriod);
    require_ok(early, "rotate (early)");
    BOOST_TEST(!*early);
    BOOST_TEST(a->current_epoch() == 1u);
    BOOST_TEST(!fs::exists(u.paths.keys() / "2.pub"));
    auto rotated = a->rotate_delivery_key(boundary, kPeriod);
    require_ok(rotated, "rotate");
    BOOST_TEST(*rotated);
    BOOST_TEST(a->current_epoch() == 2u);
    auto header = store::read_account(u.paths);
    require_ok(header, "read_account");
    BOOST_TEST(header->current_epoch == 2u);
    BOOST_TEST(header->epoch_started == boundary);
    BOOST_TEST(list_dir(u.paths.keys()) == (std::vector<std::string>{"1.pub", "1.sec", "2.pub", "2.sec"}));
    auto again = a->rotate_delivery_key(boundary + kPeriod - 1, kPeriod);
    require_ok(again, "rotate (again, early)");
    BOOST_TEST(!*again);
  }
  std::string after = u.deliver(bytes_of("after the rotation"));
  BOOST_TEST(read_bytes(u.paths.spool() / before)[8] == 1u);
  BOOST_TEST(read_bytes(u.paths.spool() / after)[8] == 2u);
  auto a = u.open();
  BOOST_TEST(a->current_epoch() == 2u);
  BOOST_TEST(import_ok(*a).imported == 2u);
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 2u);
  BOOST_TEST(read_ok(*a, msgs[0]) == bytes_of("before the rotation"));
  BOOST_TEST(read_ok(*a, msgs[1]) == bytes_of("after the rotation"));
  BOOST_TEST(a->verify().errors.empty());
}

// One mailbox whose journal is damaged must not hold up the rest of the spool: its entries are reported and stay in
// the spool, the others are imported, and every message the index lists is readable (never indexed while its file
// is still in spool/). The damaged mailbox is chosen to sort after INBOX by id, the order import_spool works in.
BOOST_AUTO_TEST_CASE(a_damaged_target_mailbox_does_not_block_other_imports) {
  UserDir u;
  std::string damaged_name, damaged_id;
  {
    auto a = u.open();
    const std::string inbox_id = a->find_mailbox("INBOX")->id;
    for (int i = 0; damaged_id.empty() || damaged_id < inbox_id; ++i) {
      BOOST_REQUIRE(i < 64);
      damaged_name = "Lists-" + std::to_string(i);
      auto m = a->create_mailbox(damaged_name);
      require_ok(m, "create_mailbox");
      damaged_id = m->id;
    }
  }
  std::string to_inbox = u.deliver(bytes_of("for INBOX"));
  std::string to_damaged = u.deliver(bytes_of("for the damaged mailbox"), damaged_name);
  flip_byte(u.paths.mailbox(damaged_id) / "seg-00000001", 30);
  auto a = u.open();
  auto report = a->import_spool(kNow);
  BOOST_TEST(errc_of(report) == "ok");
  if (report) {
    BOOST_TEST(report->imported == 1u);
    BOOST_REQUIRE(report->errors.size() == 1u);
    // "ID.MAILBOXID: mailbox MAILBOXID: corrupt: ...": the entry was bound to its mailbox before the failure.
    BOOST_TEST(report->errors[0].find(to_damaged + ".") == 0u, report->errors[0]);
    BOOST_TEST(report->errors[0].find(": corrupt: ") != std::string::npos, report->errors[0]);
  }
  // Left in the spool, bound to the mailbox it resolved to (ID.MAILBOXID), for a later import.
  auto left = list_dir(u.paths.spool());
  BOOST_REQUIRE(left.size() == 1u);
  BOOST_TEST(left[0].rfind(to_damaged + ".", 0) == 0u, left[0]);
  auto inbox = messages_in(*a, "INBOX");
  BOOST_TEST(inbox.size() == 1u);
  for (const auto& m : inbox) {
    BOOST_TEST(m.blob_id == to_inbox);
    BOOST_TEST(errc_of(a->read_message(m)) == "ok", "INBOX uid " << m.uid << " is indexed but unreadable");
  }
}

// The two-step import the account actor uses: prepare (read-only) then, once indexed, finish (rename).
BOOST_AUTO_TEST_CASE(prepare_then_finish_import) {
  UserDir u;
  std::string lists_id;
  {
    auto a = u.open();
    lists_id = (*a->create_mailbox("Lists")).id;
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(u.deliver(bytes_of("n" + std::to_string(i)), i == 2 ? "Lists" : ""));
  std::string bad = u.deliver(bytes_of("damaged"));
  flip_byte(u.paths.spool() / bad, 400);
  auto a = u.open();
  const std::string inbox_id = a->find_mailbox("INBOX")->id;
  std::vector<std::string> errors;
  auto prepared = a->prepare_import(3, errors);
  require_ok(prepared, "prepare_import");
  BOOST_REQUIRE(prepared->size() == 3u);  // the limit
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST((*prepared)[i].message.blob_id == ids[i]);
    BOOST_TEST((*prepared)[i].mailbox_id == (i == 2 ? lists_id : inbox_id));
    BOOST_TEST((*prepared)[i].message.size == 2u);
    BOOST_TEST((*prepared)[i].message.internal_date == kNow);
  }
  BOOST_TEST(list_dir(u.paths.spool()).size() == 6u);  // nothing moved yet
  errors.clear();
  auto all = a->prepare_import(100, errors);
  require_ok(all, "prepare_import");
  BOOST_TEST(all->size() == 5u);
  BOOST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].find(bad + ": corrupt: ") == 0u, errors[0]);
  require_ok(a->finish_import({(*all)[0].spool_name, (*all)[1].spool_name}), "finish_import");
  // The prepared entries are bound to INBOX (ID.MAILBOXID); the corrupt one keeps its name.
  std::vector<std::string> left;
  for (const auto& name : list_dir(u.paths.spool())) left.push_back(name.substr(0, name.find('.')));
  BOOST_TEST(left == (std::vector<std::string>{ids[2], ids[3], ids[4], bad}));
  BOOST_TEST(fs::exists(u.paths.blob(ids[0])));
  BOOST_TEST(fs::exists(u.paths.blob(ids[1])));
}

// The crash of the test above, followed by a rename of the target mailbox before the next import: the entry is
// already indexed in the renamed mailbox, so it must not be added again to INBOX (two index entries sharing one blob
// file: expunging either would delete the other's body).
BOOST_AUTO_TEST_CASE(reimport_after_a_crash_does_not_duplicate_into_another_mailbox) {
  UserDir u;
  std::string lists_id;
  {
    auto a = u.open();
    lists_id = (*a->create_mailbox("Lists")).id;
  }
  std::string id = u.deliver(bytes_of("to Lists"), "Lists");
  {
    auto a = u.open();
    BOOST_TEST(import_ok(*a).imported == 1u);
    BOOST_TEST(messages_in(*a, "Lists").size() == 1u);
    // The crash: indexed, not yet moved out of the spool, where the entry is bound to its mailbox (ID.MAILBOXID).
    fs::rename(u.paths.blob(id), u.paths.spool() / (id + "." + lists_id));
    require_ok(a->rename_mailbox(lists_id, "Lists/archive"), "rename");
  }
  auto a = u.open();
  import_ok(*a);
  BOOST_TEST(list_dir(u.paths.spool()).empty());
  std::size_t copies = 0;
  for (const auto& info : a->mailboxes()) {
    for (const auto& m : messages_in(*a, info.name)) copies += m.blob_id == id ? 1 : 0;
  }
  BOOST_TEST(copies == 1u);
  BOOST_TEST(messages_in(*a, "INBOX").empty());
}

BOOST_AUTO_TEST_SUITE_END()
