#include "store/mailbox.h"

#include <algorithm>

#include "crypto/random.h"

namespace store {
namespace {

enum RecordType : std::uint8_t { kInit = 0, kAdded = 1, kFlags = 2, kExpunged = 3 };
constexpr std::uint8_t kSnapshotFormat = 2;

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
  w.str(m.email_id);
}

// `whole`: the reader holds exactly this message (a journal record, a length-prefixed snapshot entry), so the
// optional trailing fields can be told apart from what follows; false only for format-1 snapshots, which predate
// them.
MessageMeta get_message(base::ByteReader& r, bool whole = true) {
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
  if (whole && r.ok() && !r.done()) m.email_id = r.str();
  // Written before EMAILIDs existed: the blob id is unique in the account and never reused, so it serves. Copies
  // made since then carry it on (CopyOut), so a message and its copies still share it.
  if (m.email_id.empty()) m.email_id = m.blob_id;
  return m;
}

base::Error malformed(const std::string& id) {
  return base::fail(base::Errc::corrupt, "mailbox " + id + ": malformed journal record");
}

}  // namespace

std::string new_email_id() { return crypto::random_id(); }

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
      std::vector<std::uint32_t> uids;
      for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
        std::uint32_t uid = r.u32();
        uids.push_back(uid);
        if (const auto* m = find(uid)) {
          by_blob_.erase(m->blob_id);
          messages_.erase(messages_.begin() + (m - messages_.data()));
        }
      }
      std::sort(uids.begin(), uids.end());
      remember_expunged(modseq, uids);
      highest_modseq_ = std::max(highest_modseq_, modseq);
      break;
    }
    default:
      return malformed(id_);
  }
  if (!r.done()) return malformed(id_);
  return base::ok();
}

void MailboxStore::remember_expunged(std::uint64_t modseq, std::span<const std::uint32_t> uids) {
  for (auto uid : uids) {
    if (!expunged_.empty() && expunged_.back().modseq == modseq && expunged_.back().last + 1 == uid) {
      expunged_.back().last = uid;
    } else {
      expunged_.push_back({modseq, uid, uid});
    }
  }
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> MailboxStore::expunged_since(std::uint64_t modseq) const {
  // The history is in modseq order: the runs wanted are a suffix.
  auto from = std::upper_bound(expunged_.begin(), expunged_.end(), modseq,
                               [](std::uint64_t m, const ExpungedRun& run) { return m < run.modseq; });
  std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
  for (auto it = from; it != expunged_.end(); ++it) runs.emplace_back(it->first, it->last);
  std::sort(runs.begin(), runs.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (const auto& run : runs) {
    if (!merged.empty() && run.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, run.second);
    } else {
      merged.push_back(run);
    }
  }
  return merged;
}

base::Bytes MailboxStore::snapshot() const {
  base::Bytes out;
  base::ByteWriter w(out);
  w.u32(0);
  w.u8(kSnapshotFormat);
  w.u32(uidvalidity_);
  w.u32(uidnext_);
  w.u64(highest_modseq_);
  w.varint(messages_.size());
  base::Bytes message;
  for (const auto& m : messages_) {
    message.clear();
    base::ByteWriter mw(message);
    put_message(mw, m);
    w.blob(message);
  }
  w.varint(expunged_.size());
  for (const auto& run : expunged_) {
    w.u64(run.modseq);
    w.u32(run.first);
    w.u32(run.last);
  }
  return out;
}

base::Status MailboxStore::load_snapshot(base::ByteSpan state) {
  base::ByteReader r(state);
  std::uint32_t first = r.u32();
  int format = 1;
  if (first == 0) {
    format = r.u8();
    if (format != kSnapshotFormat) return base::fail(base::Errc::corrupt, "mailbox " + id_ + ": unknown snapshot");
    first = r.u32();
  }
  uidvalidity_ = first;
  uidnext_ = r.u32();
  highest_modseq_ = r.u64();
  std::uint64_t n = r.varint();
  messages_.clear();
  expunged_.clear();
  bool messages_ok = true;
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    if (format == 1) {
      messages_.push_back(get_message(r, false));
      continue;
    }
    base::ByteReader mr(r.blob());
    messages_.push_back(get_message(mr));
    messages_ok = messages_ok && mr.done();
  }
  if (format != 1) {
    std::uint64_t h = r.varint();
    for (std::uint64_t i = 0; i < h && r.ok(); ++i) {
      ExpungedRun run{r.u64(), r.u32(), r.u32()};
      expunged_.push_back(run);
    }
  }
  if (!r.done() || !messages_ok) return base::fail(base::Errc::corrupt, "mailbox " + id_ + ": malformed snapshot");
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
    // Every producer sets it (a new id for new mail, the source's for copies); one that does not still gets a
    // fresh id, so no message is ever stored without one.
    m.email_id = n.email_id.empty() ? new_email_id() : n.email_id;
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
  std::sort(present.begin(), present.end());
  remember_expunged(modseq, present);
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
