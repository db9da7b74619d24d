// MailboxView: one session's view of its selected mailbox — the message sequence numbers it has told the client
// about, and the changes the mailbox actor has posted that the client has not yet been told.
//
// IMAP lets the server renumber only at certain moments (RFC 3501 §5.5, §7.4.1): EXPUNGE and EXISTS may be sent
// between commands and during IDLE, never while answering FETCH, STORE or SEARCH (a client could be mid-way through
// sequence numbers). So changes are queued as they arrive (from a pool thread, via Subscriber::on_change) and applied
// on the session strand: apply_all() between commands, apply_flags() after FETCH/STORE/SEARCH (flag changes of
// messages already in view, nothing that renumbers). Every session applies the same changes in the same order,
// which is what keeps several clients and deliveries consistent.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/mailbox_messages.h"
#include "imap/syntax/sequence_set.h"

namespace imap::session {

// What one apply produced, for the session to write as untagged responses in this order.
struct ViewUpdate {
  std::vector<std::uint32_t> expunged_seqs;  // "* n EXPUNGE", in the order to send (each renumbers the rest)
  std::vector<std::uint32_t> expunged_uids;  // the same messages' UIDs (for QRESYNC's VANISHED later)
  std::optional<std::uint32_t> exists;       // "* n EXISTS" when the count changed or messages were added
  std::vector<std::uint32_t> flag_seqs;      // "* n FETCH (FLAGS ...)" for these (sequence numbers after renumbering)
  bool empty() const { return expunged_seqs.empty() && !exists && flag_seqs.empty(); }
};

class MailboxView final : public actors::Subscriber {
 public:
  // Subscribes first (the actor needs the subscriber with the Select request), loads the snapshot from the reply.
  MailboxView(actors::SessionId self, bool read_only) : self_(self), read_only_(read_only) {}
  void load(actors::SelectReply snapshot);

  // Subscriber: queue the change and wake the session. Thread-safe.
  void on_change(std::shared_ptr<const actors::MailboxChanged> change) override;
  // Called (on any thread) after a change is queued; the session sets it to post a wake-up to its strand.
  void set_waker(std::function<void()> waker);
  bool has_pending() const;

  // Strand only, below.
  ViewUpdate apply_all();
  ViewUpdate apply_flags();

  std::uint32_t exists() const { return static_cast<std::uint32_t>(messages_.size()); }
  const actors::MessageSummary& at(std::uint32_t seq) const { return messages_[seq - 1]; }  // 1-based
  actors::MessageSummary& at(std::uint32_t seq) { return messages_[seq - 1]; }
  // The sequence number of uid, or 0 when it is not in view.
  std::uint32_t seq_of(std::uint32_t uid) const;
  std::uint32_t uidvalidity() const { return uidvalidity_; }
  std::uint32_t uidnext() const { return uidnext_; }
  std::uint64_t highest_modseq() const { return highest_modseq_; }
  const std::vector<std::string>& keywords() const { return keywords_; }
  bool read_only() const { return read_only_; }
  std::uint32_t first_unseen() const;  // 0 if none

  // Resolves a sequence set to ascending, unique sequence numbers. For message numbers, a number above
  // exists() makes the set invalid (returns false); for UIDs, missing UIDs are skipped and "n:*" with n above
  // the largest UID still includes the last message (RFC 9051 §6.4.8).
  // "$" (RFC 5182) adds the saved SEARCH result whatever `uids` says: those of its messages still in view.
  bool resolve(const syntax::SequenceSet& set, bool uids, std::vector<std::uint32_t>& seqs) const;

  // The SEARCH result variable "$" (RFC 5182 §2.1), set by SEARCH RETURN (SAVE). Kept as UIDs, so an expunged
  // message just drops out (it is no longer in view) and nothing needs renumbering. It lives with the view, so
  // SELECT, EXAMINE, CLOSE and UNSELECT (which replace or drop the view) reset it to empty.
  void set_saved(std::vector<std::uint32_t> uids) { saved_uids_ = std::move(uids); }

  // Records flags the session learnt from its own STORE reply.
  void set_flags(std::uint32_t uid, std::uint64_t modseq, std::vector<std::string> flags);

 private:
  void note_keywords(const std::vector<std::string>& flags);

  actors::SessionId self_;
  std::vector<actors::MessageSummary> messages_;
  std::uint32_t uidvalidity_ = 0;
  std::uint32_t uidnext_ = 0;
  std::uint64_t highest_modseq_ = 0;
  std::vector<std::string> keywords_;
  bool read_only_ = false;
  std::vector<std::uint32_t> saved_uids_;  // "$", ascending

  mutable std::mutex mutex_;  // guards queue_ and waker_ (written from pool threads)
  std::deque<actors::MailboxChanged> queue_;
  std::function<void()> waker_;
};

}  // namespace imap::session
