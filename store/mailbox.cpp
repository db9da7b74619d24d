#include "store/mailbox.h"

#include <algorithm>

#include "crypto/random.h"

namespace store {
namespace {

enum RecordType : std::uint8_t { kInit = 0, kAdded = 1, kFlags = 2, kExpunged = 3 };

void put_flags(base::ByteWriter& w, const std::vector<std::string>& flags) {
  w.varint(flags.size());
  for (const auto& f : flags) w.str(f);
}

std::vector<std::string> get_flags(base::ByteReader& r) {
  std::vector<std::string> flags;
  std::uint64_t n = r.varint();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) flags.push_back(r.str());
  return flags;
}

void put_message(base::ByteWriter& w, const MessageMeta& m) {
  w.u32(m.uid);
  w.u64(m.modseq);
  w.str(m.blob_id);
  w.blob(m.wrapped_dek);
  w.u64(m.size);
  w.u64(static_cast<std::uint64_t>(m.internal_date));
  w.u64(static_cast<std::uint64_t>(m.save_date));
  put_flags(w, m.flags);
  static const MessageStructure kUnknown;
  const auto& s = m.structure ? *m.structure : kUnknown;
  w.str(s.envelope);
  w.str(s.body);
  w.str(s.bodystructure);
}

MessageMeta get_message(base::ByteReader& r) {
  MessageMeta m;
  m.uid = r.u32();
  m.modseq = r.u64();
  m.blob_id = r.str();
  auto dek = r.blob();
  m.wrapped_dek.assign(dek.begin(), dek.end());
  m.size = r.u64();
  m.internal_date = static_cast<std::int64_t>(r.u64());
  m.save_date = static_cast<std::int64_t>(r.u64());
  m.flags = get_flags(r);
  MessageStructure s{r.str(), r.str(), r.str()};
  if (!s.envelope.empty() || !s.body.empty() || !s.bodystructure.empty()) {
    m.structure = std::make_shared<const MessageStructure>(std::move(s));
  }
  return m;
}

base::Error malformed(const std::string& id) {
  return base::fail(base::Errc::corrupt, "mailbox " + id + ": malformed journal record");
}

}  // namespace

base::Result<std::unique_ptr<MailboxStore>> MailboxStore::open(const UserPaths& paths, const Keyring& keys,
                                                               const std::string& id, bool create) {
  std::error_code ec;
  bool exists = fs::exists(paths.mailbox(id), ec);
  if (!exists && !create) return base::fail(base::Errc::no_such_mailbox, "mailbox " + id + " has no journal");
  JournalContents contents;
  SB_TRY(Journal journal, Journal::open(paths.mailbox(id), paths.tmp(), keys.mailbox_journal().clone(), id, contents));
  std::unique_ptr<MailboxStore> box(new MailboxStore(id, std::move(journal)));
  box->torn_bytes_dropped_ = contents.torn_bytes_dropped;
  if (contents.snapshot) SB_CHECK(box->load_snapshot(*contents.snapshot));
  for (const auto& record : contents.records) SB_CHECK(box->apply(record));
  if (box->uidvalidity_ == 0) {
    // A new mailbox: its first record fixes UIDVALIDITY (nonzero, random so a recreated mailbox differs).
    std::uint32_t uidvalidity = crypto::random_u32() | 1;
    base::Bytes rec;
    base::ByteWriter w(rec);
    w.u8(kInit);
    w.u32(uidvalidity);
    SB_CHECK(box->commit(std::span<const base::Bytes>(&rec, 1)));
    box->uidvalidity_ = uidvalidity;
  }
  box->index();
  return box;
}

const MessageMeta* MailboxStore::find(std::uint32_t uid) const {
  auto it = std::lower_bound(messages_.begin(), messages_.end(), uid,
                             [](const MessageMeta& m, std::uint32_t u) { return m.uid < u; });
  return (it != messages_.end() && it->uid == uid) ? &*it : nullptr;
}

void MailboxStore::index() {
  by_blob_.clear();
  for (const auto& m : messages_) by_blob_[m.blob_id] = m.uid;
}

base::Status MailboxStore::apply(base::ByteSpan record) {
  base::ByteReader r(record);
  switch (r.u8()) {
    case kInit:
      uidvalidity_ = r.u32();
      break;
    case kAdded: {
      MessageMeta m = get_message(r);
      if (!r.ok() || m.uid < uidnext_) return malformed(id_);
      uidnext_ = m.uid + 1;
      highest_modseq_ = std::max(highest_modseq_, m.modseq);
      by_blob_[m.blob_id] = m.uid;
      messages_.push_back(std::move(m));
      break;
    }
    case kFlags: {
      std::uint64_t n = r.varint();
      for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
        std::uint32_t uid = r.u32();
        std::uint64_t modseq = r.u64();
        auto flags = get_flags(r);
        if (auto* m = find_mutable(uid)) {
          m->flags = std::move(flags);
          m->modseq = modseq;
        }
        highest_modseq_ = std::max(highest_modseq_, modseq);
      }
      break;
    }
    case kExpunged: {
      std::uint64_t modseq = r.u64();
      std::uint64_t n = r.varint();
      for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
        std::uint32_t uid = r.u32();
        if (const auto* m = find(uid)) {
          by_blob_.erase(m->blob_id);
          messages_.erase(messages_.begin() + (m - messages_.data()));
        }
      }
      highest_modseq_ = std::max(highest_modseq_, modseq);
      break;
    }
    default:
      return malformed(id_);
  }
  if (!r.done()) return malformed(id_);
  return base::ok();
}

base::Bytes MailboxStore::snapshot() const {
  base::Bytes out;
  base::ByteWriter w(out);
  w.u32(uidvalidity_);
  w.u32(uidnext_);
  w.u64(highest_modseq_);
  w.varint(messages_.size());
  for (const auto& m : messages_) put_message(w, m);
  return out;
}

base::Status MailboxStore::load_snapshot(base::ByteSpan state) {
  base::ByteReader r(state);
  uidvalidity_ = r.u32();
  uidnext_ = r.u32();
  highest_modseq_ = r.u64();
  std::uint64_t n = r.varint();
  messages_.clear();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) messages_.push_back(get_message(r));
  if (!r.done()) return base::fail(base::Errc::corrupt, "mailbox " + id_ + ": malformed snapshot");
  return base::ok();
}

base::Status MailboxStore::commit(std::span<const base::Bytes> records) {
  if (batching_) {
    pending_.insert(pending_.end(), records.begin(), records.end());
    return base::ok();
  }
  return journal_.append(records);
}

base::Status MailboxStore::commit_batch() {
  batching_ = false;
  auto records = std::move(pending_);
  pending_.clear();
  SB_CHECK(journal_.append(records));
  return maybe_snapshot();
}

base::Status MailboxStore::maybe_snapshot() {
  if (batching_) return base::ok();  // commit_batch() takes it once the batch is on disk
  // Called after memory reflects every appended record, so the snapshot covers exactly the segment it closes.
  if (journal_.records_in_segment() < kSnapshotRecords) return base::ok();
  return journal_.write_snapshot(snapshot());
}

MessageMeta* MailboxStore::find_mutable(std::uint32_t uid) { return const_cast<MessageMeta*>(find(uid)); }

base::Result<std::vector<std::uint32_t>> MailboxStore::add(std::span<NewMessage> batch, std::int64_t now) {
  std::vector<base::Bytes> records;
  std::vector<MessageMeta> added;
  std::uint32_t uid = uidnext_;
  std::uint64_t modseq = highest_modseq_;
  for (auto& n : batch) {
    MessageMeta m;
    m.uid = uid++;
    m.modseq = ++modseq;
    m.blob_id = n.blob_id;
    m.wrapped_dek = n.wrapped_dek;
    m.size = n.size;
    m.internal_date = n.internal_date;
    m.save_date = now;
    m.flags = n.flags;
    m.structure = n.structure;
    std::sort(m.flags.begin(), m.flags.end());
    m.flags.erase(std::unique(m.flags.begin(), m.flags.end()), m.flags.end());
    base::Bytes rec;
    base::ByteWriter w(rec);
    w.u8(kAdded);
    put_message(w, m);
    records.push_back(std::move(rec));
    added.push_back(std::move(m));
  }
  // Memory changes only after the records are durable: a failed append leaves the index as it was.
  SB_CHECK(commit(records));
  std::vector<std::uint32_t> uids;
  for (auto& m : added) {
    uids.push_back(m.uid);
    by_blob_[m.blob_id] = m.uid;
    messages_.push_back(std::move(m));
  }
  uidnext_ = uid;
  highest_modseq_ = modseq;
  SB_CHECK(maybe_snapshot());
  return uids;
}

base::Result<std::uint64_t> MailboxStore::set_flags(
    std::span<const std::pair<std::uint32_t, std::vector<std::string>>> changes) {
  std::uint64_t modseq = highest_modseq_ + 1;
  base::Bytes rec;
  base::ByteWriter w(rec);
  w.u8(kFlags);
  std::vector<std::pair<MessageMeta*, std::vector<std::string>>> apply_to;
  for (const auto& [uid, flags] : changes) {
    auto* m = find_mutable(uid);
    if (m == nullptr) continue;
    auto sorted = flags;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    apply_to.emplace_back(m, std::move(sorted));
  }
  if (apply_to.empty()) return highest_modseq_;
  w.varint(apply_to.size());
  for (const auto& [m, flags] : apply_to) {
    w.u32(m->uid);
    w.u64(modseq);
    put_flags(w, flags);
  }
  SB_CHECK(commit(std::span<const base::Bytes>(&rec, 1)));
  for (auto& [m, flags] : apply_to) {
    m->flags = std::move(flags);
    m->modseq = modseq;
  }
  highest_modseq_ = modseq;
  SB_CHECK(maybe_snapshot());
  return modseq;
}

base::Result<std::vector<MessageMeta>> MailboxStore::expunge(std::span<const std::uint32_t> uids) {
  std::vector<std::uint32_t> present;
  for (auto uid : uids) {
    if (find(uid) != nullptr) present.push_back(uid);
  }
  if (present.empty()) return std::vector<MessageMeta>{};
  std::uint64_t modseq = highest_modseq_ + 1;
  base::Bytes rec;
  base::ByteWriter w(rec);
  w.u8(kExpunged);
  w.u64(modseq);
  w.varint(present.size());
  for (auto uid : present) w.u32(uid);
  SB_CHECK(commit(std::span<const base::Bytes>(&rec, 1)));
  std::vector<MessageMeta> removed;
  for (auto uid : present) {
    const auto* m = find(uid);
    if (m == nullptr) continue;
    by_blob_.erase(m->blob_id);
    auto it = messages_.begin() + (m - messages_.data());
    removed.push_back(std::move(*it));
    messages_.erase(it);
  }
  highest_modseq_ = modseq;
  SB_CHECK(maybe_snapshot());
  return removed;
}

}  // namespace store
