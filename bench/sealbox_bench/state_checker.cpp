#include "bench/sealbox_bench/state_checker.h"

#include <algorithm>

#include "base/strings.h"

namespace sealbox_bench {
namespace {

constexpr std::size_t kMaxKeptMessages = 100;  // inconsistency sentences kept; all are counted

std::string join(const std::vector<std::string>& flags) {
  std::string out = "(";
  for (const auto& f : flags) out += (out.size() > 1 ? " " : "") + f;
  return out + ")";
}

}  // namespace

MailboxView::MailboxView(UserLedger* ledger, std::string connection)
    : ledger_(ledger), connection_(std::move(connection)) {}

void MailboxView::reset() { messages_.clear(); }

void MailboxView::fail(std::string what) { errors_.push_back(connection_ + ": " + std::move(what)); }

std::vector<std::string> MailboxView::take_errors() { return std::exchange(errors_, {}); }

std::uint32_t MailboxView::first_unknown() const {
  for (std::size_t i = 0; i < messages_.size(); ++i) {
    if (messages_[i].uid == 0) return static_cast<std::uint32_t>(i + 1);
  }
  return 0;
}

void MailboxView::remove_uid(std::uint32_t uid) {
  auto it = std::find_if(messages_.begin(), messages_.end(), [&](const MessageState& m) { return m.uid == uid; });
  if (it != messages_.end()) messages_.erase(it);
  if (ledger_ != nullptr) ledger_->note_expunged(connection_, uid);
}

bool MailboxView::apply(const Response& r) {
  const std::size_t before = errors_.size();
  switch (r.kind) {
    case ResponseKind::exists:
      if (r.number < messages_.size()) {
        fail("EXISTS " + std::to_string(r.number) + " below the known count " + std::to_string(messages_.size()));
      } else {
        messages_.resize(r.number);
      }
      break;
    case ResponseKind::expunge:
      if (r.number > messages_.size()) {
        fail("EXPUNGE " + std::to_string(r.number) + " beyond the count " + std::to_string(messages_.size()));
      } else {
        const std::uint32_t uid = messages_[r.number - 1].uid;
        messages_.erase(messages_.begin() + (r.number - 1));
        if (uid != 0 && ledger_ != nullptr) ledger_->note_expunged(connection_, uid);
      }
      break;
    case ResponseKind::vanished:
      for (std::uint32_t uid : r.numbers) remove_uid(uid);
      break;
    case ResponseKind::fetch: {
      if (r.number > messages_.size()) {
        fail("FETCH for sequence " + std::to_string(r.number) + " beyond the count " +
             std::to_string(messages_.size()));
        break;
      }
      MessageState& m = messages_[r.number - 1];
      if (r.uid) {
        if (m.uid != 0 && m.uid != *r.uid) {
          fail("sequence " + std::to_string(r.number) + " is UID " + std::to_string(m.uid) + " but FETCH says UID " +
               std::to_string(*r.uid));
          break;
        }
        const std::size_t i = r.number - 1;
        if ((i > 0 && messages_[i - 1].uid >= *r.uid) ||
            (i + 1 < messages_.size() && messages_[i + 1].uid != 0 && messages_[i + 1].uid <= *r.uid)) {
          fail("UID " + std::to_string(*r.uid) + " at sequence " + std::to_string(r.number) + " is out of order");
          break;
        }
        m.uid = *r.uid;
      }
      if (r.flags) {
        const std::uint64_t modseq = r.modseq.value_or(0);
        if (m.flags_known && modseq != 0 && modseq < m.modseq) break;  // older news than we have
        // \Recent is per session (RFC 3501 §2.3.2: only one session is told a message is recent) and changes no
        // modseq, so two connections rightly differ in it: it is not part of the shared state compared here.
        std::vector<std::string> flags;
        for (const auto& f : *r.flags) {
          if (!base::iequals(f, "\\Recent")) flags.push_back(f);
        }
        std::sort(flags.begin(), flags.end());
        m.flags = flags;
        m.modseq = modseq;
        m.flags_known = true;
        if (m.uid != 0 && modseq != 0 && ledger_ != nullptr) ledger_->note_flags(connection_, m.uid, modseq, flags);
      }
      break;
    }
    default: break;
  }
  return errors_.size() == before;
}

void UserLedger::report(std::string what) {
  ++count_;
  if (inconsistencies_.size() < kMaxKeptMessages) inconsistencies_.push_back(std::move(what));
}

void UserLedger::note_flags(const std::string& connection, std::uint32_t uid, std::uint64_t modseq,
                            const std::vector<std::string>& flags) {
  std::lock_guard lock(mutex_);
  const std::uint64_t now = ++tick_;
  auto [it, inserted] = versions_.try_emplace({uid, modseq}, flags, connection);
  if (!inserted && it->second.first != flags) {
    report("UID " + std::to_string(uid) + " at MODSEQ " + std::to_string(modseq) + ": " + it->second.second +
           " was told FLAGS " + join(it->second.first) + ", " + connection + " was told " + join(flags));
  }
  auto& modseqs = known_[uid].modseqs;
  if (modseqs.empty() || modseqs.back().second < modseq) modseqs.emplace_back(now, modseq);
}

void UserLedger::note_expunged(const std::string& connection, std::uint32_t uid) {
  std::lock_guard lock(mutex_);
  const std::uint64_t now = ++tick_;
  expunged_.try_emplace(uid, now, connection);
}

std::uint64_t UserLedger::begin_sync() {
  std::lock_guard lock(mutex_);
  return ++tick_;
}

void UserLedger::end_sync(const std::string& connection, std::uint64_t began, const std::vector<MessageState>& view) {
  std::lock_guard lock(mutex_);
  for (const MessageState& m : view) {
    if (m.uid == 0) continue;
    if (auto e = expunged_.find(m.uid); e != expunged_.end() && e->second.first < began) {
      if (!reported_.emplace(connection, m.uid).second) continue;  // once per connection and UID
      report("UID " + std::to_string(m.uid) + ": " + e->second.second + " was told it was expunged, but " +
             connection + " still lists it after a later NOOP");
      continue;
    }
    auto k = known_.find(m.uid);
    if (k == known_.end() || m.modseq == 0 || !m.flags_known) continue;
    // The highest modseq anyone had learned before this sync began (ticks and modseqs both ascend).
    std::uint64_t required = 0;
    for (const auto& [tick, modseq] : k->second.modseqs) {
      if (tick >= began) break;
      required = modseq;
    }
    if (m.modseq < required && reported_.emplace(connection, m.uid).second) {
      report("UID " + std::to_string(m.uid) + ": " + connection + " knows MODSEQ " + std::to_string(m.modseq) +
             " after a NOOP, but MODSEQ " + std::to_string(required) + " was reported to a connection before it");
    }
  }
}

std::vector<std::string> UserLedger::inconsistencies() const {
  std::lock_guard lock(mutex_);
  return inconsistencies_;
}

std::size_t UserLedger::inconsistency_count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace sealbox_bench
