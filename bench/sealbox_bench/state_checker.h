// The client's view of the selected mailbox (MailboxView, one per connection) and the cross-connection consistency
// check for one user (UserLedger).
//
// MailboxView follows what a careful client does with untagged responses: EXISTS n grows the sequence list with
// entries whose UID is not known yet (the load tool learns them with FETCH n:* (UID FLAGS MODSEQ)); EXPUNGE n removes
// sequence n and renumbers the rest; VANISHED removes by UID; FETCH fills in the UID of a sequence number and the
// flags (with MODSEQ under CONDSTORE; a FETCH with a lower MODSEQ than already known is older news and ignored).
// Violations a single connection can see are errors: EXISTS shrinking, EXPUNGE/FETCH beyond the count, a sequence
// number given two UIDs, UIDs out of ascending order.
//
// UserLedger compares what the connections of one user have been told, with three rules that hold whatever the
// timing (every rule only compares facts that were already committed when the later observation began):
//  1. Same version, same flags: (UID u, MODSEQ m) names one version of a message's metadata, so any two reports of
//     u at modseq m must carry the same flags, whenever and to whichever connection they were sent.
//  2. Expunges are final: once any connection has been told u was expunged (at ledger tick t), a connection that
//     starts a sync (NOOP) after t must not still list u when the sync ends: the server must report every change
//     committed before the NOOP began by the time it completes (RFC 3501 6.1.2, RFC 7162 3.1.4 for flag changes).
//  3. No stale flags: once any connection has learned u at modseq m (tick t), a connection whose sync began after t
//     and that still lists u must know u at a modseq >= m.
// Ticks come from one counter under the ledger's mutex, so "began after" is a real happens-before: the tick is
// taken before the NOOP is sent, and facts are recorded after their response was received. Rules 1 and 3 need
// CONDSTORE (MODSEQ in FETCH); without it (modseq 0) they are skipped and only rule 2 applies. A stale or phantom
// message stays so until the connection re-SELECTs, so rules 2 and 3 report each (connection, UID) once.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bench/sealbox_bench/imap_response.h"

namespace sealbox_bench {

// One message as a connection knows it. modseq 0: unknown (no CONDSTORE).
struct MessageState {
  std::uint32_t uid = 0;  // 0: announced by EXISTS, not learned yet
  std::vector<std::string> flags;  // sorted
  std::uint64_t modseq = 0;
  bool flags_known = false;
};

class UserLedger;

// One connection's view of its selected mailbox. Not thread-safe: owned by the connection's thread.
class MailboxView {
 public:
  // `ledger` (may be null) receives flags and expunges as they are learned; `connection` names this view in errors.
  MailboxView(UserLedger* ledger, std::string connection);

  // Forgets everything (before SELECT, or after the connection is replaced).
  void reset();
  // Applies one response. Returns false (and appends to errors()) on a protocol inconsistency.
  bool apply(const Response& r);

  std::size_t size() const { return messages_.size(); }
  const std::vector<MessageState>& messages() const { return messages_; }
  // The lowest sequence number whose UID is not known yet, or 0 when all are known.
  std::uint32_t first_unknown() const;
  // Errors seen by this view (and not yet taken).
  std::vector<std::string> take_errors();

 private:
  void fail(std::string what);
  void remove_uid(std::uint32_t uid);

  UserLedger* ledger_;
  std::string connection_;
  std::vector<MessageState> messages_;
  std::vector<std::string> errors_;
};

// Cross-connection checks for one user (rules in the file comment). Thread-safe: every member locks.
class UserLedger {
 public:
  // Records that a connection was told u has flags `flags` (sorted) at modseq m (> 0); checks rule 1.
  void note_flags(const std::string& connection, std::uint32_t uid, std::uint64_t modseq,
                  const std::vector<std::string>& flags);
  // Records that a connection was told u was expunged.
  void note_expunged(const std::string& connection, std::uint32_t uid);
  // Call just before sending the NOOP of a sync; pass the result to end_sync().
  std::uint64_t begin_sync();
  // Call when the sync is complete (NOOP answered, every UID learned): checks rules 2 and 3 against `view`.
  void end_sync(const std::string& connection, std::uint64_t began, const std::vector<MessageState>& view);

  // Inconsistencies found so far (each a sentence naming the connections, UID and modseqs).
  std::vector<std::string> inconsistencies() const;
  std::size_t inconsistency_count() const;

 private:
  struct Known {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> modseqs;  // (tick, modseq), both ascending
  };
  void report(std::string what);

  mutable std::mutex mutex_;
  std::uint64_t tick_ = 0;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::pair<std::vector<std::string>, std::string>> versions_;
  std::map<std::uint32_t, std::pair<std::uint64_t, std::string>> expunged_;  // uid -> (tick, who was told)
  std::map<std::uint32_t, Known> known_;
  std::set<std::pair<std::string, std::uint32_t>> reported_;  // (connection, UID) already reported by rule 2 or 3
  std::vector<std::string> inconsistencies_;
  std::size_t count_ = 0;
};

}  // namespace sealbox_bench
