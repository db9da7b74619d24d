// An append-only encrypted journal: a directory of segment files plus at most one snapshot.
//
//   DIR/seg-NNNNNNNN       records appended in order; NNNNNNNN is the segment number (8 hex digits)
//   DIR/snap-NNNNNNNN      the state after every record of segments < NNNNNNNN (replay starts at segment NNNNNNNN)
//
// Record framing (integers little-endian; every record starts and ends 16-byte aligned):
//
//   u32 sealed_len | u32 check | sealed (sealed_len bytes) = nonce (24) | ciphertext | tag (16)
//   check      = sealed_len ^ 0x53424A52 ("SBJR"): a single flipped byte in the length is caught as corruption,
//                not mistaken for a torn tail
//   plaintext  = u32 payload_len | payload | zero padding to a multiple of 16 bytes
//   AD         = "sbj1" | journal id | u32 segment | u64 record number within the segment
//
// A snapshot file is a checked file (store/checked_file.h, kind 'N') whose payload is sealed with
// AD = "sbs1" | journal id | u32 segment. Keys come from the account master key; the journal id (a mailbox id)
// stops records or snapshots from being moved between journals, the record number from being reordered or dropped.
//
// Torn tails. A batch is appended with one write and one fdatasync; only then is anything acknowledged. A crash can
// leave the end of the last segment incomplete: a partial header, a record shorter than its length, or (after power
// loss on filesystems that extend before writing) zero-filled blocks. On open the journal cuts such a tail off. It
// tells it apart from corruption of an acknowledged record by shape: a torn record is incomplete, or contains a
// 16-byte-aligned all-zero block (records are 16-byte aligned, so an unwritten 512-byte sector always leaves one);
// a single flipped byte produces neither, so it is reported as Errc::corrupt and never silently dropped. Any bad
// record before the tail, or in an older segment, is corruption.
//
// Not thread-safe: one owner (the mailbox or account actor) appends. Another process must not open the same journal
// for writing at the same time (store::Account holds the account lock).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secret.h"
#include "store/fs.h"

namespace store {

struct JournalContents {
  std::optional<base::Bytes> snapshot;   // plaintext state, when a snapshot exists
  std::vector<base::Bytes> records;      // plaintext records after the snapshot, in order
  std::uint64_t torn_bytes_dropped = 0;  // size of a torn tail that was cut off
};

class Journal {
 public:
  // Opens (creating if absent) the journal in dir, reads and authenticates everything, cuts a torn tail.
  // Errors: Errc::corrupt (naming segment and record) on any bad record that is not a torn tail; Errc::io.
  static base::Result<Journal> open(const fs::path& dir, const fs::path& tmp_dir, crypto::Key key, std::string id,
                                    JournalContents& contents);

  // Appends records with one write and one fdatasync. Durable when it returns OK. On failure the journal is
  // poisoned (every later call fails): the tail is in an unknown state until the next open recovers it.
  base::Status append(std::span<const base::Bytes> records);

  // Writes a snapshot of `state` (which must reflect every record appended so far), starts a new segment and
  // removes the older segments and snapshot. Durable when it returns.
  base::Status write_snapshot(base::ByteSpan state);

  std::uint64_t records_in_segment() const { return next_record_; }
  std::uint64_t segment_bytes() const { return segment_bytes_; }

 private:
  Journal() = default;
  base::Bytes frame(base::ByteSpan payload, std::uint64_t record_no) const;
  base::Bytes record_ad(std::uint32_t segment, std::uint64_t record_no) const;
  base::Status open_segment_for_append();

  fs::path dir_;
  fs::path tmp_dir_;
  crypto::Key key_;
  std::string id_;
  std::uint32_t segment_ = 1;
  std::uint64_t next_record_ = 0;
  std::uint64_t segment_bytes_ = 0;
  Fd fd_;
  bool poisoned_ = false;
};

}  // namespace store
