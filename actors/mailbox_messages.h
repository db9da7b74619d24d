// The messages a MailboxActor understands, its replies, and the change notifications it posts to subscribers.
// Every message owns its data (no views into session buffers), so it may cross threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/runtime/promise.h"
#include "base/result.h"
#include "store/mailbox.h"

namespace actors {

using SessionId = std::uint64_t;

// What a session keeps per message in its own view: enough to answer FLAGS, UID, RFC822.SIZE, INTERNALDATE and
// MODSEQ itself, and to decrypt the body on the pool without asking the actor.
struct MessageSummary {
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::vector<std::string> flags;  // sorted
  std::uint64_t size = 0;
  std::int64_t internal_date = 0;
  std::int64_t save_date = 0;
  std::string blob_id;
  base::Bytes wrapped_dek;
  std::shared_ptr<const store::MessageStructure> structure;  // shared with the actor's index; may be null
  std::string email_id;                                      // RFC 8474 EMAILID (store::MessageMeta::email_id)

  static MessageSummary of(const store::MessageMeta& m);
};

// A flag change as other sessions see it. `origin` is the session whose STORE made it (0 for none): that session
// learnt the change from its STORE reply and must not be told again. Per update, not per batch: one committed batch
// can hold the STOREs of several sessions.
struct FlagUpdate {
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::vector<std::string> flags;
  SessionId origin = 0;
};

// Posted to every subscriber after each committed batch, in commit order: everything the batch changed, whichever
// requests (of several sessions, deliveries) made it.
struct MailboxChanged {
  std::uint64_t highest_modseq = 0;
  std::uint32_t uidnext = 0;
  std::vector<MessageSummary> added;   // ascending UID
  std::vector<FlagUpdate> flags;
  std::vector<std::uint32_t> expunged;
};

// Implemented by sessions. The actor holds subscribers through weak_ptr only.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Called on a pool thread, in commit order. Must be cheap and thread-safe (queue and wake the session).
  virtual void on_change(std::shared_ptr<const MailboxChanged> change) = 0;
};

struct SelectReply {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 0;
  std::uint64_t highest_modseq = 0;
  std::vector<MessageSummary> messages;  // ascending UID
  std::vector<std::string> keywords;     // keywords in use, for FLAGS and PERMANENTFLAGS
  // With Select::vanished_since: the UIDs expunged since then (store::MailboxStore::expunged_since), taken in the
  // same step as the snapshot so nothing falls between the two (QRESYNC, RFC 7162 §3.2.5).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> vanished;
};

struct StatusReply {
  std::uint32_t messages = 0;
  std::uint32_t unseen = 0;
  std::uint32_t uidnext = 0;
  std::uint32_t uidvalidity = 0;
  std::uint64_t highest_modseq = 0;
  std::uint64_t size = 0;
  std::uint32_t deleted = 0;
};

enum class FlagOp { add, remove, replace };

struct StoreReply {
  std::vector<FlagUpdate> updated;        // every message the STORE applied to, with its flags afterwards
  std::vector<std::uint32_t> modified;    // UIDs that failed UNCHANGEDSINCE (RFC 7162 MODIFIED)
};

struct AddReply {
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> uids;
};

struct Select {
  using Reply = base::Result<SelectReply>;
  SessionId session = 0;
  std::weak_ptr<Subscriber> subscriber;
  std::optional<std::uint64_t> vanished_since;
  Promise<Reply> reply;
};
struct Vanished {  // UIDs expunged after a modseq, as [first, last] runs (UID FETCH ... (CHANGEDSINCE n VANISHED))
  using Reply = base::Result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>;
  std::uint64_t since = 0;
  Promise<Reply> reply;
};
struct Leave {  // told, not asked
  SessionId session = 0;
};
struct Status {
  using Reply = base::Result<StatusReply>;
  Promise<Reply> reply;
};
struct StoreFlags {
  using Reply = base::Result<StoreReply>;
  SessionId session = 0;
  std::vector<std::uint32_t> uids;
  FlagOp op = FlagOp::add;
  std::vector<std::string> flags;
  std::optional<std::uint64_t> unchanged_since;
  Promise<Reply> reply;
};
struct Expunge {  // removes \Deleted messages, only among `only` when given (UID EXPUNGE)
  using Reply = base::Result<std::vector<std::uint32_t>>;
  SessionId session = 0;
  std::optional<std::vector<std::uint32_t>> only;
  // MOVE (RFC 6851 §3.3): remove every message of `only` still present, \Deleted or not (MOVE never sets
  // \Deleted). Requires `only` (invalid_argument otherwise). Replies the UIDs removed, like any expunge.
  bool regardless_of_flags = false;
  Promise<Reply> reply;
};
struct AddMessages {  // bodies are already durable blob files; adds index records for them
  using Reply = base::Result<AddReply>;
  SessionId session = 0;
  std::vector<store::NewMessage> messages;
  Promise<Reply> reply;
};
struct CopyOut {  // hard-links the blobs of `uids` under new ids and re-wraps their keys: input for AddMessages
  using Reply = base::Result<std::vector<store::NewMessage>>;
  std::vector<std::uint32_t> uids;
  Promise<Reply> reply;
};
struct Destroy {  // the mailbox was deleted from the account: remove its blobs and refuse further requests
  using Reply = base::Result<bool>;
  Promise<Reply> reply;
};

using MailboxMessage =
    std::variant<Leave, Select, Vanished, Status, StoreFlags, Expunge, AddMessages, CopyOut, Destroy>;

}  // namespace actors
