#include "imap/session/mailbox_view.h"

#include <algorithm>
#include <set>

namespace imap::session {

void MailboxView::load(actors::SelectReply snapshot) {
  messages_ = std::move(snapshot.messages);
  uidvalidity_ = snapshot.uidvalidity;
  uidnext_ = snapshot.uidnext;
  highest_modseq_ = snapshot.highest_modseq;
  keywords_ = std::move(snapshot.keywords);
}

void MailboxView::on_change(std::shared_ptr<const actors::MailboxChanged> change) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(*change);
    wake = waker_;
  }
  if (wake) wake();
}

void MailboxView::set_waker(std::function<void()> waker) {
  std::lock_guard lock(mutex_);
  waker_ = std::move(waker);
}

bool MailboxView::has_pending() const {
  std::lock_guard lock(mutex_);
  return !queue_.empty();
}

std::uint32_t MailboxView::seq_of(std::uint32_t uid) const {
  auto it = std::lower_bound(messages_.begin(), messages_.end(), uid,
                             [](const actors::MessageSummary& m, std::uint32_t u) { return m.uid < u; });
  return (it != messages_.end() && it->uid == uid) ? static_cast<std::uint32_t>(it - messages_.begin() + 1) : 0;
}

void MailboxView::note_keywords(const std::vector<std::string>& flags) {
  for (const auto& f : flags) {
    if (!f.empty() && f[0] != '\\' && !std::binary_search(keywords_.begin(), keywords_.end(), f)) {
      keywords_.insert(std::upper_bound(keywords_.begin(), keywords_.end(), f), f);
    }
  }
}

void MailboxView::set_flags(std::uint32_t uid, std::uint64_t modseq, std::vector<std::string> flags) {
  if (auto seq = seq_of(uid)) {
    note_keywords(flags);
    auto& m = at(seq);
    m.flags = std::move(flags);
    m.modseq = std::max(m.modseq, modseq);
  }
}

ViewUpdate MailboxView::apply_all() {
  std::deque<actors::MailboxChanged> changes;
  {
    std::lock_guard lock(mutex_);
    changes.swap(queue_);
  }
  ViewUpdate out;
  std::set<std::uint32_t> flagged_uids;
  // The client knows sequence numbers 1..known. A message added and expunged within this one apply was never
  // announced, so its expunge is not told either (an EXPUNGE for a number the client never saw is an error).
  std::uint32_t known = exists();
  for (auto& c : changes) {
    for (auto uid : c.expunged) {
      auto seq = seq_of(uid);
      if (seq == 0) continue;
      messages_.erase(messages_.begin() + (seq - 1));
      flagged_uids.erase(uid);
      if (seq <= known) {
        out.expunged_seqs.push_back(seq);
        out.expunged_uids.push_back(uid);
        --known;
      }
    }
    for (auto& m : c.added) {
      if (!messages_.empty() && m.uid <= messages_.back().uid) continue;  // already in the snapshot
      note_keywords(m.flags);
      messages_.push_back(std::move(m));
    }
    for (auto& f : c.flags) {
      bool own = f.origin == self_;
      set_flags(f.uid, f.modseq, std::move(f.flags));
      if (!own && seq_of(f.uid) != 0) flagged_uids.insert(f.uid);
    }
    uidnext_ = std::max(uidnext_, c.uidnext);
    highest_modseq_ = std::max(highest_modseq_, c.highest_modseq);
  }
  if (exists() != known) out.exists = exists();  // announces the new messages (their flags come with a FETCH)
  for (auto uid : flagged_uids) {
    if (auto seq = seq_of(uid); seq != 0 && seq <= known) out.flag_seqs.push_back(seq);
  }
  return out;
}

ViewUpdate MailboxView::apply_flags() {
  ViewUpdate out;
  std::set<std::uint32_t> flagged_uids;
  std::lock_guard lock(mutex_);
  for (auto& c : queue_) {
    // Only flags of messages in view; an update for a message that is still to be added (or already gone) stays
    // queued for apply_all(), which applies it in order.
    std::vector<actors::FlagUpdate> kept;
    for (auto& f : c.flags) {
      if (seq_of(f.uid) == 0) {
        kept.push_back(std::move(f));
        continue;
      }
      bool own = f.origin == self_;
      set_flags(f.uid, f.modseq, std::move(f.flags));
      if (!own) flagged_uids.insert(f.uid);
    }
    c.flags = std::move(kept);
  }
  for (auto uid : flagged_uids) out.flag_seqs.push_back(seq_of(uid));
  return out;
}

std::uint32_t MailboxView::first_unseen() const {
  for (std::size_t i = 0; i < messages_.size(); ++i) {
    if (!std::binary_search(messages_[i].flags.begin(), messages_[i].flags.end(), std::string("\\Seen"))) {
      return static_cast<std::uint32_t>(i + 1);
    }
  }
  return 0;
}

bool MailboxView::resolve(const syntax::SequenceSet& set, bool uids, std::vector<std::uint32_t>& seqs) const {
  seqs.clear();
  std::uint32_t n = exists();
  std::uint32_t max_uid = messages_.empty() ? 0 : messages_.back().uid;
  if (set.saved) {
    for (auto uid : saved_uids_) {
      if (auto seq = seq_of(uid)) seqs.push_back(seq);
    }
  }
  for (const auto& r : set.ranges) {
    std::uint32_t a = r.first == syntax::kStar ? (uids ? max_uid : n) : r.first;
    std::uint32_t b = r.last == syntax::kStar ? (uids ? max_uid : n) : r.last;
    if (a > b) std::swap(a, b);
    if (uids) {
      if (r.first == syntax::kStar || r.last == syntax::kStar) {
        // "n:*" covers the last message even when n is above the largest UID.
        if (max_uid != 0 && a > max_uid) a = max_uid;
      }
      auto lo = std::lower_bound(messages_.begin(), messages_.end(), a,
                                 [](const actors::MessageSummary& m, std::uint32_t u) { return m.uid < u; });
      for (auto it = lo; it != messages_.end() && it->uid <= b; ++it) {
        seqs.push_back(static_cast<std::uint32_t>(it - messages_.begin() + 1));
      }
    } else {
      if (a == 0 || b > n) return false;
      for (std::uint32_t s = a; s <= b; ++s) seqs.push_back(s);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return true;
}

}  // namespace imap::session
