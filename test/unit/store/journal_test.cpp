// The encrypted journal (store/journal.h): round trips over several batches and reopens, snapshots and compaction
// (including the leftovers of an interrupted one), torn tails (truncated at every offset, zero-filled records and
// sectors) and corruption (every single-byte flip, older segments, snapshots, wrong key, wrong id, missing segment).
//
// The tests compute record offsets from the framing documented in journal.h: a record of a p-byte payload takes
// 8 (header) + 24 (nonce) + round16(4 + p) + 16 (tag) bytes.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/secret.h"
#include "store/journal.h"
#include "test/support/temp_dir.h"
#include "test/unit/store/store_test_util.h"

namespace {

using base::Bytes;
using store::Journal;
using store::JournalContents;
using namespace store_test;

constexpr const char* kId = "mbox-0123456789abcdef";

std::size_t frame_size(std::size_t payload) { return 8 + 24 + (4 + payload + 15) / 16 * 16 + 16; }

crypto::Key test_key(std::uint8_t fill = 0x42) { return crypto::Key::from(Bytes(crypto::kKeyBytes, fill)); }

// A payload of n bytes that differs per tag: 8-bit bytes and NULs included.
Bytes payload(std::size_t n, std::uint8_t tag) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(tag * 31 + i * 7 + (i % 5 == 0 ? 0x80 : 0));
  return out;
}

struct JournalDir {
  test_support::TempDir tmp_root;
  fs::path dir = tmp_root / "journal";
  fs::path tmp = tmp_root / "tmp";

  JournalDir() { fs::create_directories(tmp); }

  fs::path seg(unsigned n) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "seg-%08x", n);
    return dir / buf;
  }
  fs::path snap(unsigned n) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "snap-%08x", n);
    return dir / buf;
  }

  base::Result<Journal> open(JournalContents& contents, std::uint8_t key_fill = 0x42, std::string id = kId) const {
    return Journal::open(dir, tmp, test_key(key_fill), std::move(id), contents);
  }

  // Opens and requires success.
  Journal open_ok(JournalContents& contents) const {
    auto j = open(contents);
    require_ok(j, "Journal::open");
    return std::move(j).value();
  }

  // Creates a journal holding `records` in one segment (one append per record), returning the record offsets.
  std::vector<std::size_t> build(const std::vector<Bytes>& records) const {
    JournalContents c;
    Journal j = open_ok(c);
    std::vector<std::size_t> offsets;
    for (const auto& r : records) {
      offsets.push_back(j.segment_bytes());
      auto st = j.append(std::span<const Bytes>(&r, 1));
      require_ok(st, "append");
    }
    return offsets;
  }
};

void append_ok(Journal& j, const std::vector<Bytes>& records) {
  auto st = j.append(records);
  require_ok(st, "append");
}

std::vector<Bytes> concat(std::vector<Bytes> a, const std::vector<Bytes>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Opens the journal and checks that it is rejected as corrupt (never accepted, never another error).
std::string open_result(const JournalDir& d, std::uint8_t key_fill = 0x42, std::string id = kId) {
  JournalContents c;
  auto j = d.open(c, key_fill, std::move(id));
  return errc_of(j);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal)

BOOST_AUTO_TEST_CASE(append_and_reopen_over_several_batches) {
  JournalDir d;
  const std::vector<Bytes> batch1{payload(1, 1), payload(100, 2), payload(12, 3)};  // 12: plaintext exactly 16
  const std::vector<Bytes> batch2{Bytes{}};                                          // an empty record
  const std::vector<Bytes> batch3{payload(1000, 4), payload(27, 5), payload(28, 6), payload(29, 7), payload(5, 8)};
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_TEST(!c.snapshot.has_value());
    BOOST_TEST(c.records.empty());
    BOOST_TEST(c.torn_bytes_dropped == 0u);
    BOOST_TEST(j.records_in_segment() == 0u);
    BOOST_TEST(j.segment_bytes() == 0u);
    BOOST_TEST(list_dir(d.dir) == std::vector<std::string>{"seg-00000001"});
    append_ok(j, batch1);
    append_ok(j, {});  // an empty batch is a no-op
    append_ok(j, batch2);
    append_ok(j, batch3);
    BOOST_TEST(j.records_in_segment() == 9u);
    std::size_t expected = 0;
    for (const auto& r : concat(concat(batch1, batch2), batch3)) expected += frame_size(r.size());
    BOOST_TEST(j.segment_bytes() == expected);
    BOOST_TEST(fs::file_size(d.seg(1)) == expected);
  }
  std::vector<Bytes> all = concat(concat(batch1, batch2), batch3);
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_TEST(!c.snapshot.has_value());
    BOOST_TEST(c.records == all);
    BOOST_TEST(c.torn_bytes_dropped == 0u);
    BOOST_TEST(j.records_in_segment() == 9u);
    BOOST_TEST(j.segment_bytes() == fs::file_size(d.seg(1)));
    append_ok(j, {payload(3, 9)});
    BOOST_TEST(j.records_in_segment() == 10u);
  }
  all.push_back(payload(3, 9));
  JournalContents c;
  Journal j = d.open_ok(c);
  BOOST_TEST(c.records == all);
  BOOST_TEST(j.records_in_segment() == 10u);
  BOOST_TEST(list_dir(d.dir) == std::vector<std::string>{"seg-00000001"});
}

BOOST_AUTO_TEST_CASE(records_are_encrypted_on_disk) {
  JournalDir d;
  const Bytes secret = bytes_of("Subject: the quarterly numbers, in plain text");
  d.build({secret});
  std::string file = test_support::read_file(d.seg(1));
  BOOST_TEST(file.size() == frame_size(secret.size()));
  BOOST_TEST(file.find("quarterly") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(snapshot_then_reopen_gives_snapshot_and_later_records) {
  JournalDir d;
  const Bytes state1 = payload(300, 10);
  const Bytes state2 = payload(50, 11);
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    append_ok(j, {payload(10, 1), payload(20, 2), payload(30, 3)});
    auto st = j.write_snapshot(state1);
    require_ok(st, "write_snapshot");
    BOOST_TEST(j.records_in_segment() == 0u);
    BOOST_TEST(j.segment_bytes() == 0u);
    BOOST_TEST(list_dir(d.dir) == (std::vector<std::string>{"seg-00000002", "snap-00000002"}));
    BOOST_TEST(fs::file_size(d.seg(2)) == 0u);
    append_ok(j, {payload(40, 4), payload(50, 5)});
    BOOST_TEST(j.records_in_segment() == 2u);
  }
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_REQUIRE(c.snapshot.has_value());
    BOOST_TEST(*c.snapshot == state1);
    BOOST_TEST(c.records == (std::vector<Bytes>{payload(40, 4), payload(50, 5)}));
    BOOST_TEST(j.records_in_segment() == 2u);
    auto st = j.write_snapshot(state2);
    require_ok(st, "second write_snapshot");
    BOOST_TEST(list_dir(d.dir) == (std::vector<std::string>{"seg-00000003", "snap-00000003"}));
  }
  JournalContents c;
  Journal j = d.open_ok(c);
  BOOST_REQUIRE(c.snapshot.has_value());
  BOOST_TEST(*c.snapshot == state2);
  BOOST_TEST(c.records.empty());
  BOOST_TEST(j.records_in_segment() == 0u);
  // The snapshot is encrypted too.
  BOOST_TEST(test_support::read_file(d.snap(3)).find(std::string(base::as_chars(state2))) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(leftovers_of_an_interrupted_compaction_are_removed_on_open) {
  JournalDir d;
  const std::vector<Bytes> before{payload(10, 1), payload(20, 2)};
  const std::vector<Bytes> after{payload(30, 3)};
  Bytes old_seg1, old_seg2, old_snap2;
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    append_ok(j, before);
    old_seg1 = read_bytes(d.seg(1));
    require_ok(j.write_snapshot(payload(7, 70)), "snapshot 2");
    append_ok(j, after);
    old_seg2 = read_bytes(d.seg(2));
    old_snap2 = read_bytes(d.snap(2));
    require_ok(j.write_snapshot(payload(8, 80)), "snapshot 3");
    append_ok(j, {payload(40, 4)});
  }
  // A crash after snap-00000003 and seg-00000003 were written but before anything older was removed.
  write_bytes(d.seg(1), old_seg1);
  write_bytes(d.seg(2), old_seg2);
  write_bytes(d.snap(2), old_snap2);
  BOOST_TEST(list_dir(d.dir).size() == 5u);
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_REQUIRE(c.snapshot.has_value());
    BOOST_TEST(*c.snapshot == payload(8, 80));
    BOOST_TEST(c.records == std::vector<Bytes>{payload(40, 4)});
    BOOST_TEST(j.records_in_segment() == 1u);
    BOOST_TEST(list_dir(d.dir) == (std::vector<std::string>{"seg-00000003", "snap-00000003"}));
  }
  // Only an older segment left behind (the snapshot that replaced it is intact).
  write_bytes(d.seg(2), old_seg2);
  JournalContents c;
  Journal j = d.open_ok(c);
  BOOST_TEST(*c.snapshot == payload(8, 80));
  BOOST_TEST(c.records == std::vector<Bytes>{payload(40, 4)});
  BOOST_TEST(list_dir(d.dir) == (std::vector<std::string>{"seg-00000003", "snap-00000003"}));
}

BOOST_AUTO_TEST_CASE(snapshot_without_its_new_segment_opens) {
  JournalDir d;
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    append_ok(j, {payload(10, 1), payload(20, 2)});
    require_ok(j.write_snapshot(payload(64, 3)), "write_snapshot");
  }
  // A crash after the snapshot's rename, before the new segment was created (and the old one removed).
  fs::remove(d.seg(2));
  BOOST_TEST(list_dir(d.dir) == std::vector<std::string>{"snap-00000002"});
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_REQUIRE(c.snapshot.has_value());
    BOOST_TEST(*c.snapshot == payload(64, 3));
    BOOST_TEST(c.records.empty());
    BOOST_TEST(c.torn_bytes_dropped == 0u);
    BOOST_TEST(j.records_in_segment() == 0u);
    BOOST_TEST(list_dir(d.dir) == (std::vector<std::string>{"seg-00000002", "snap-00000002"}));
    append_ok(j, {payload(5, 4)});
  }
  JournalContents c;
  Journal j = d.open_ok(c);
  BOOST_TEST(*c.snapshot == payload(64, 3));
  BOOST_TEST(c.records == std::vector<Bytes>{payload(5, 4)});
}

BOOST_AUTO_TEST_CASE(torn_tail_truncated_at_every_offset_of_the_last_record) {
  JournalDir d;
  const std::vector<Bytes> records{payload(40, 1), payload(100, 2), payload(180, 3)};
  auto offsets = d.build(records);
  const Bytes full = read_bytes(d.seg(1));
  const std::size_t start = offsets[2];
  BOOST_REQUIRE(full.size() == start + frame_size(180));
  const std::vector<Bytes> kept{records[0], records[1]};
  int failures = 0;
  for (std::size_t cut = start; cut < full.size(); ++cut) {
    write_bytes(d.seg(1), Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut)));
    {
      JournalContents c;
      auto j = d.open(c);
      if (!j) {
        if (++failures <= 5) BOOST_ERROR("cut at " << cut << ": " << j.error().message());
        continue;
      }
      BOOST_TEST(c.records == kept, "cut at " << cut);
      BOOST_TEST(c.torn_bytes_dropped == cut - start, "cut at " << cut);
      BOOST_TEST(fs::file_size(d.seg(1)) == start, "cut at " << cut);
      BOOST_TEST(j->records_in_segment() == 2u);
      BOOST_TEST(j->segment_bytes() == start);
      // A later append lands after the intact records and survives a reopen.
      auto st = j->append(std::vector<Bytes>{payload(9, 9)});
      BOOST_TEST(st.has_value(), "cut at " << cut);
    }
    JournalContents c;
    auto j = d.open(c);
    BOOST_REQUIRE_MESSAGE(j.has_value(), "reopen after cut at " << cut);
    BOOST_TEST(c.records == concat(kept, {payload(9, 9)}), "cut at " << cut);
    BOOST_TEST(c.torn_bytes_dropped == 0u);
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(torn_tail_of_a_multi_record_batch) {
  JournalDir d;
  JournalContents c0;
  {
    Journal j = d.open_ok(c0);
    append_ok(j, {payload(10, 1)});
    append_ok(j, {payload(20, 2), payload(30, 3), payload(40, 4)});  // one write
  }
  const std::size_t first = frame_size(10);
  const std::size_t cut = first + frame_size(20) + 5;  // the batch's second record is cut short
  fs::resize_file(d.seg(1), cut);
  JournalContents c;
  Journal j = d.open_ok(c);
  BOOST_TEST(c.records == (std::vector<Bytes>{payload(10, 1), payload(20, 2)}));
  BOOST_TEST(c.torn_bytes_dropped == 5u);
  BOOST_TEST(fs::file_size(d.seg(1)) == first + frame_size(20));
}

BOOST_AUTO_TEST_CASE(torn_tail_of_zeros_keeping_the_file_length) {
  JournalDir d;
  const std::vector<Bytes> records{payload(40, 1), payload(200, 2)};
  auto offsets = d.build(records);
  Bytes file = read_bytes(d.seg(1));
  std::fill(file.begin() + static_cast<std::ptrdiff_t>(offsets[1]), file.end(), 0);
  write_bytes(d.seg(1), file);
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_TEST(c.records == std::vector<Bytes>{records[0]});
    BOOST_TEST(c.torn_bytes_dropped == frame_size(200));
    BOOST_TEST(fs::file_size(d.seg(1)) == offsets[1]);
    append_ok(j, {payload(3, 3)});
  }
  JournalContents c;
  d.open_ok(c);
  BOOST_TEST(c.records == (std::vector<Bytes>{records[0], payload(3, 3)}));

  // Zeros appended past the last record (the file was extended, nothing written), even less than a header.
  for (std::size_t extra : {1u, 7u, 8u, 16u, 512u, 4096u}) {
    Bytes grown = read_bytes(d.seg(1));
    const std::size_t size = grown.size();
    grown.resize(size + extra, 0);
    write_bytes(d.seg(1), grown);
    JournalContents cz;
    Journal jz = d.open_ok(cz);
    BOOST_TEST(cz.records.size() == 2u);
    BOOST_TEST(cz.torn_bytes_dropped == extra);
    BOOST_TEST(fs::file_size(d.seg(1)) == size);
  }
}

// Power loss on a filesystem that extends the file before writing its data can leave any 512-byte sector of the last
// write unwritten (all zeros). Records are 16-byte aligned, so such a record holds an aligned all-zero block.
BOOST_AUTO_TEST_CASE(torn_tail_with_one_zeroed_sector_inside_the_last_record) {
  JournalDir d;
  // The first record fills exactly 512 bytes, so the ~2 KiB last record covers [512, 2560): four whole sectors.
  const std::vector<Bytes> records{payload(460, 1), payload(1996, 2)};
  auto offsets = d.build(records);
  BOOST_REQUIRE(offsets[1] == 512u);
  const Bytes full = read_bytes(d.seg(1));
  BOOST_REQUIRE(full.size() == 2560u);
  // The sectors after the one holding the record header (that one is covered by the next test).
  for (std::size_t sector = 1024; sector < full.size(); sector += 512) {
    Bytes file = full;
    std::fill(file.begin() + static_cast<std::ptrdiff_t>(sector), file.begin() + static_cast<std::ptrdiff_t>(sector + 512),
              0);
    write_bytes(d.seg(1), file);
    {
      JournalContents c;
      auto j = d.open(c);
      BOOST_REQUIRE_MESSAGE(j.has_value(), "sector " << sector << ": " << errc_of(j));
      BOOST_TEST(c.records == std::vector<Bytes>{records[0]}, "sector " << sector);
      BOOST_TEST(c.torn_bytes_dropped == 2048u, "sector " << sector);
      BOOST_TEST(fs::file_size(d.seg(1)) == 512u);
      require_ok(j->append(std::vector<Bytes>{payload(1, 7)}), "append after recovery");
    }
    JournalContents c;
    d.open_ok(c);
    BOOST_TEST(c.records == (std::vector<Bytes>{records[0], payload(1, 7)}), "sector " << sector);
  }
}

// The same, when the unwritten sector is the one holding the last record's header: the record is torn (it was never
// acknowledged), so the journal must open. Also the common shape after a crash mid-append: the page where the old
// end of file was is rewritten last, so the new record's first bytes (from the old end to the next sector boundary)
// are still zeros while its later sectors reached the disk.
BOOST_AUTO_TEST_CASE(torn_tail_with_the_last_record_header_in_a_zeroed_sector) {
  JournalDir d;
  const std::vector<Bytes> records{payload(460, 1), payload(1996, 2)};
  auto offsets = d.build(records);
  BOOST_REQUIRE(offsets[1] == 512u);
  const Bytes full = read_bytes(d.seg(1));
  {
    Bytes file = full;
    std::fill(file.begin() + 512, file.begin() + 1024, 0);
    write_bytes(d.seg(1), file);
    JournalContents c;
    auto j = d.open(c);
    BOOST_TEST(errc_of(j) == "ok");
    if (j) {
      BOOST_TEST(c.records == std::vector<Bytes>{records[0]});
      BOOST_TEST(c.torn_bytes_dropped == 2048u);
      BOOST_TEST(fs::file_size(d.seg(1)) == 512u);
    }
  }
  // A last record that starts mid-sector (at 576): zeros from its first byte to the sector boundary at 1024.
  JournalDir d2;
  const std::vector<Bytes> records2{payload(524, 1), payload(1996, 2)};
  auto offsets2 = d2.build(records2);
  BOOST_REQUIRE(offsets2[1] == 576u);
  Bytes file = read_bytes(d2.seg(1));
  std::fill(file.begin() + 576, file.begin() + 1024, 0);
  write_bytes(d2.seg(1), file);
  JournalContents c;
  auto j = d2.open(c);
  BOOST_TEST(errc_of(j) == "ok");
  if (j) {
    BOOST_TEST(c.records == std::vector<Bytes>{records2[0]});
    BOOST_TEST(c.torn_bytes_dropped == frame_size(1996));
  }
}

BOOST_AUTO_TEST_CASE(every_single_byte_flip_is_corrupt) {
  JournalDir d;
  d.build({payload(20, 1), payload(45, 2), payload(70, 3)});
  const Bytes full = read_bytes(d.seg(1));
  BOOST_REQUIRE(full.size() == frame_size(20) + frame_size(45) + frame_size(70));
  int failures = 0;
  for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
    for (std::size_t i = 0; i < full.size(); ++i) {
      Bytes bad = full;
      bad[i] ^= mask;
      write_bytes(d.seg(1), bad);
      std::string got = open_result(d);
      if (got != "corrupt" && ++failures <= 10) {
        BOOST_ERROR("flip (mask " << int{mask} << ") at byte " << i << " of " << full.size() << " gave " << got);
      }
    }
  }
  BOOST_TEST(failures == 0);
  write_bytes(d.seg(1), full);
  BOOST_TEST(open_result(d) == "ok");
}

BOOST_AUTO_TEST_CASE(reordered_or_duplicated_records_are_corrupt) {
  JournalDir d;
  auto offsets = d.build({payload(20, 1), payload(20, 2), payload(20, 3)});
  const Bytes full = read_bytes(d.seg(1));
  const auto rec = [&](std::size_t i) {
    return Bytes(full.begin() + static_cast<std::ptrdiff_t>(offsets[i]),
                 full.begin() + static_cast<std::ptrdiff_t>(offsets[i] + frame_size(20)));
  };
  Bytes swapped = rec(1);
  for (auto b : rec(0)) swapped.push_back(b);
  for (auto b : rec(2)) swapped.push_back(b);
  write_bytes(d.seg(1), swapped);
  BOOST_TEST(open_result(d) == "corrupt");
  Bytes dropped_first = rec(1);
  for (auto b : rec(2)) dropped_first.push_back(b);
  write_bytes(d.seg(1), dropped_first);
  BOOST_TEST(open_result(d) == "corrupt");
  Bytes duplicated = full;
  for (auto b : rec(2)) duplicated.push_back(b);
  write_bytes(d.seg(1), duplicated);
  BOOST_TEST(open_result(d) == "corrupt");
}

// Two segments without a snapshot: what open() replays when a compaction's snapshot is gone. The older segment is
// complete by construction, so any damage in it is corruption, never a torn tail.
BOOST_AUTO_TEST_CASE(damage_in_an_older_segment_is_corrupt) {
  JournalDir d;
  Bytes seg1;
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    append_ok(j, {payload(10, 1), payload(30, 2)});
    seg1 = read_bytes(d.seg(1));
    require_ok(j.write_snapshot(payload(5, 5)), "write_snapshot");
    append_ok(j, {payload(20, 3)});
  }
  fs::remove(d.snap(2));
  write_bytes(d.seg(1), seg1);
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    BOOST_TEST(!c.snapshot.has_value());
    BOOST_TEST(c.records == (std::vector<Bytes>{payload(10, 1), payload(30, 2), payload(20, 3)}));
    BOOST_TEST(j.records_in_segment() == 1u);
  }
  const Bytes seg2 = read_bytes(d.seg(2));
  int failures = 0;
  for (std::size_t i = 0; i < seg1.size(); ++i) {
    Bytes bad = seg1;
    bad[i] ^= 0x01;
    write_bytes(d.seg(1), bad);
    std::string got = open_result(d);
    if (got != "corrupt" && ++failures <= 10) BOOST_ERROR("flip at byte " << i << " of seg 1 gave " << got);
  }
  BOOST_TEST(failures == 0);
  // A truncated older segment (at every offset inside its last record) and one with a zeroed last record.
  const std::size_t last = frame_size(10);
  for (std::size_t cut = last + 1; cut < seg1.size(); ++cut) {
    write_bytes(d.seg(1), Bytes(seg1.begin(), seg1.begin() + static_cast<std::ptrdiff_t>(cut)));
    BOOST_TEST(open_result(d) == "corrupt", "older segment cut at " << cut);
    BOOST_TEST(read_bytes(d.seg(2)) == seg2);  // nothing was "repaired"
  }
  Bytes zeroed = seg1;
  std::fill(zeroed.begin() + static_cast<std::ptrdiff_t>(last), zeroed.end(), 0);
  write_bytes(d.seg(1), zeroed);
  BOOST_TEST(open_result(d) == "corrupt");
  write_bytes(d.seg(1), seg1);
  BOOST_TEST(open_result(d) == "ok");
}

BOOST_AUTO_TEST_CASE(wrong_key_or_journal_id_is_corrupt) {
  JournalDir d;
  d.build({payload(10, 1), payload(20, 2)});
  BOOST_TEST(open_result(d, 0x43) == "corrupt");
  BOOST_TEST(open_result(d, 0x42, "mbox-other") == "corrupt");
  BOOST_TEST(open_result(d, 0x42, "") == "corrupt");
  BOOST_TEST(open_result(d) == "ok");
  // The same with only a snapshot to authenticate.
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    require_ok(j.write_snapshot(payload(33, 3)), "write_snapshot");
  }
  BOOST_TEST(fs::file_size(d.seg(2)) == 0u);
  BOOST_TEST(open_result(d, 0x43) == "corrupt");
  BOOST_TEST(open_result(d, 0x42, "mbox-other") == "corrupt");
  BOOST_TEST(open_result(d) == "ok");
}

BOOST_AUTO_TEST_CASE(a_missing_segment_is_corrupt) {
  JournalDir d;
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    append_ok(j, {payload(10, 1)});
    require_ok(j.write_snapshot(payload(5, 5)), "write_snapshot");
    append_ok(j, {payload(20, 2)});
  }
  // seg 2 renamed to 3: the snapshot says replay starts at 2.
  fs::rename(d.seg(2), d.seg(3));
  BOOST_TEST(open_result(d) == "corrupt");
  BOOST_TEST(fs::exists(d.seg(3)));
  fs::rename(d.seg(3), d.seg(2));
  BOOST_TEST(open_result(d) == "ok");

  // Without a snapshot: seg 1 present, seg 2 missing, seg 3 present.
  JournalDir d2;
  Bytes seg1;
  {
    JournalContents c;
    Journal j = d2.open_ok(c);
    append_ok(j, {payload(10, 1)});
    seg1 = read_bytes(d2.seg(1));
    require_ok(j.write_snapshot(payload(5, 5)), "write_snapshot");
    append_ok(j, {payload(20, 2)});
  }
  fs::remove(d2.snap(2));
  write_bytes(d2.seg(1), seg1);
  BOOST_TEST(open_result(d2) == "ok");
  fs::rename(d2.seg(2), d2.seg(3));
  BOOST_TEST(open_result(d2) == "corrupt");
  // And a segment renamed onto the wrong number: its records' AD names another segment.
  fs::remove(d2.seg(1));
  fs::rename(d2.seg(3), d2.seg(1));
  BOOST_TEST(open_result(d2) == "corrupt");
}

BOOST_AUTO_TEST_CASE(every_byte_flip_in_the_snapshot_is_corrupt) {
  JournalDir d;
  {
    JournalContents c;
    Journal j = d.open_ok(c);
    append_ok(j, {payload(10, 1)});
    require_ok(j.write_snapshot(payload(64, 6)), "write_snapshot");
    append_ok(j, {payload(20, 2)});
  }
  const Bytes snap = read_bytes(d.snap(2));
  BOOST_TEST(snap.size() == 5 + 24 + 64 + 16 + 32);  // checked-file head, sealed state, checksum
  int failures = 0;
  for (std::size_t i = 0; i < snap.size(); ++i) {
    Bytes bad = snap;
    bad[i] ^= 0x01;
    write_bytes(d.snap(2), bad);
    std::string got = open_result(d);
    if (got != "corrupt" && ++failures <= 10) BOOST_ERROR("flip at byte " << i << " of the snapshot gave " << got);
  }
  BOOST_TEST(failures == 0);
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, snap.size() - 33, snap.size() - 1}) {
    write_bytes(d.snap(2), Bytes(snap.begin(), snap.begin() + static_cast<std::ptrdiff_t>(cut)));
    BOOST_TEST(open_result(d) == "corrupt", "snapshot cut at " << cut);
  }
  // A snapshot renamed to another segment number no longer authenticates.
  write_bytes(d.snap(2), snap);
  fs::rename(d.snap(2), d.snap(3));
  fs::rename(d.seg(2), d.seg(3));
  BOOST_TEST(open_result(d) == "corrupt");
  fs::rename(d.snap(3), d.snap(2));
  fs::rename(d.seg(3), d.seg(2));
  JournalContents c;
  d.open_ok(c);
  BOOST_TEST(*c.snapshot == payload(64, 6));
  BOOST_TEST(c.records == std::vector<Bytes>{payload(20, 2)});
}

BOOST_AUTO_TEST_SUITE_END()
