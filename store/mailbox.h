// MailboxStore: one mailbox's message index, persisted in its own encrypted journal (store/journal.h).
//
// The index holds, per message, its UID, modseq, flags, dates, size, blob id and wrapped message key; and per
// mailbox UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ. Every change is a journal record; a batch of changes is one append
// and one fdatasync. After kSnapshotRecords records the state is written as a snapshot and a new segment begins.
//
// Record payloads (store/journal.h frames and encrypts them):
//   0 init     u32 uidvalidity
//   1 added    message (below)
//   2 flags    varint n | n x (u32 uid | u64 modseq | flags)
//   3 expunged u64 modseq | varint n | n x u32 uid
//   message  = u32 uid | u64 modseq | str blob id | blob wrapped DEK | u64 size | i64 internal date | i64 save date
//              | flags | str envelope | str body | str bodystructure  (store/message_structure.h; all three
//              empty when the structure is unknown) [| str email id];  flags = varint n | n x str
//   The email id (RFC 8474 EMAILID) is optional and trailing: a message written before it existed has none and
//   reads back with its blob id as its email id.
// Snapshot (format 2): u32 0 | u8 2 | u32 uidvalidity | u32 uidnext | u64 highestmodseq | varint n | n x blob(message)
//   | varint h | h x (u64 modseq | u32 first uid | u32 last uid)   (the expunge history, below)
// Messages are length-prefixed so a message encoding may grow trailing fields. Format 1 (written before the expunge
// history existed) is "u32 uidvalidity | ... | n x message" with no marker: its first word, UIDVALIDITY, is never 0.
//
// Expunge history (RFC 7162 QRESYNC): every expunge is remembered, as runs of consecutive UIDs with the modseq of
// the expunge that removed them, so VANISHED (EARLIER) is exact, never a guess. Neighbouring UIDs expunged together
// (EXPUNGE of a deleted range) share a run. A run costs 16 bytes in memory and in snapshots: a mailbox whose user
// expunges 100 messages a day one at a time accumulates 5.8 MB in ten years. No bound is applied (RFC 7162 §5.3).
//
// Not thread-safe: exactly one owner (the mailbox's actor, or a CLI command) reads and writes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "store/journal.h"
#include "store/keyring.h"
#include "store/layout.h"
#include "store/message_structure.h"

namespace store {

struct MessageMeta {
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::string blob_id;
  base::Bytes wrapped_dek;
  std::uint64_t size = 0;
  std::int64_t internal_date = 0;  // unix seconds
  std::int64_t save_date = 0;
  std::vector<std::string> flags;  // system flags ("\\Seen") and keywords, sorted, unique
  std::shared_ptr<const MessageStructure> structure;  // null only for records written without one
  // RFC 8474 EMAILID: 1-255 of ALPHA, DIGIT, "_", "-". The same for a message and its copies (COPY, MOVE, RENAME
  // of INBOX) in the account; never reused (random 128 bits, or the unique blob id of a pre-EMAILID record).
  std::string email_id;
};

// A message to add: everything but the UID and modseq, which the store assigns.
struct NewMessage {
  std::string blob_id;
  base::Bytes wrapped_dek;
  std::uint64_t size = 0;
  std::int64_t internal_date = 0;
  std::vector<std::string> flags;
  std::shared_ptr<const MessageStructure> structure;
  std::string email_id;  // a new id (new_email_id()) for new mail, the source's for a copy; empty: add() makes one
};

// A fresh EMAILID for new mail: 32 lowercase hex digits from 128 random bits (an RFC 8474 objectid).
std::string new_email_id();

class MailboxStore {
 public:
  // Opens mailbox `id` (creating its journal with a fresh UIDVALIDITY when create is true and none exists).
  // Errors: corrupt, io; no_such_mailbox when it does not exist and create is false.
  static base::Result<std::unique_ptr<MailboxStore>> open(const UserPaths& paths, const Keyring& keys,
                                                          const std::string& id, bool create);

  const std::string& id() const { return id_; }
  std::uint32_t uidvalidity() const { return uidvalidity_; }
  std::uint32_t uidnext() const { return uidnext_; }
  std::uint64_t highest_modseq() const { return highest_modseq_; }
  const std::vector<MessageMeta>& messages() const { return messages_; }  // ascending UID
  const MessageMeta* find(std::uint32_t uid) const;
  // UIDs expunged by a change with a modseq above `modseq`: ascending, disjoint, non-adjacent [first, last] runs.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> expunged_since(std::uint64_t modseq) const;
  bool has_blob(const std::string& blob_id) const { return by_blob_.count(blob_id) != 0; }
  std::uint64_t torn_bytes_dropped() const { return torn_bytes_dropped_; }

  // Adds messages in order with consecutive UIDs and one modseq each; durable when it returns. Returns the UIDs.
  base::Result<std::vector<std::uint32_t>> add(std::span<NewMessage> batch, std::int64_t now);
  // Replaces the flags of each listed message that exists (others are skipped); returns the new modseq.
  base::Result<std::uint64_t> set_flags(std::span<const std::pair<std::uint32_t, std::vector<std::string>>> changes);
  // Removes the listed messages (missing UIDs are skipped); returns the removed messages, whose blobs the caller
  // may now delete.
  base::Result<std::vector<MessageMeta>> expunge(std::span<const std::uint32_t> uids);

  // Group commit. Between begin_batch() and commit_batch(), add/set_flags/expunge update memory at once and hold
  // their records; commit_batch() appends them all with one fdatasync. Outside a batch every change is durable
  // when it returns. If commit_batch() fails, memory is ahead of the disk: the owner must stop using this object
  // (the mailbox actor poisons itself) and reopen from disk.
  void begin_batch() { batching_ = true; }
  base::Status commit_batch();
  bool in_batch() const { return batching_; }

  static constexpr std::uint64_t kSnapshotRecords = 4096;

 private:
  MailboxStore(std::string id, Journal journal) : id_(std::move(id)), journal_(std::move(journal)) {}
  base::Status apply(base::ByteSpan record);
  base::Status load_snapshot(base::ByteSpan state);
  base::Bytes snapshot() const;
  base::Status commit(std::span<const base::Bytes> records);
  base::Status maybe_snapshot();
  MessageMeta* find_mutable(std::uint32_t uid);
  void index();

  std::string id_;
  Journal journal_;
  std::uint32_t uidvalidity_ = 0;
  std::uint32_t uidnext_ = 1;
  std::uint64_t highest_modseq_ = 1;
  std::vector<MessageMeta> messages_;
  std::unordered_map<std::string, std::uint32_t> by_blob_;
  struct ExpungedRun {
    std::uint64_t modseq;
    std::uint32_t first, last;
  };
  void remember_expunged(std::uint64_t modseq, std::span<const std::uint32_t> uids);  // uids ascending
  std::vector<ExpungedRun> expunged_;  // in modseq order
  std::uint64_t torn_bytes_dropped_ = 0;
  bool batching_ = false;
  std::vector<base::Bytes> pending_;
};

}  // namespace store
