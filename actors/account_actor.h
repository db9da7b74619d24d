// AccountActor: one per user with a live session. Owns the unlocked store::Account (master key, account journal,
// account lock), the map of live MailboxActors, and the spool import.
//
// Mailbox names here are already normalised by the protocol layer ("INBOX" canonical, '/' as the delimiter).
// Creating "a/b/c" also creates missing parents: any mailbox may hold messages and children (dual-use).
// Renaming a mailbox renames its children; renaming INBOX moves its messages to the new name and leaves a new,
// empty INBOX (RFC 3501 §6.3.5). Deleting a mailbox deletes its messages; its children stay.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "actors/mailbox_actor.h"
#include "actors/runtime/actor.h"
#include "crypto/keys.h"
#include "store/account.h"

namespace actors {

struct MailboxEntry {
  std::string id;
  std::string name;
  std::string special_use;
};

struct MailboxList {
  std::vector<MailboxEntry> mailboxes;   // sorted by name
  std::vector<std::string> subscriptions;
};

struct ListMailboxes {
  using Reply = base::Result<MailboxList>;
  Promise<Reply> reply;
};
struct CreateMailbox {
  using Reply = base::Result<MailboxEntry>;
  std::string name;
  std::string special_use;
  Promise<Reply> reply;
};
struct DeleteMailbox {
  using Reply = base::Result<bool>;
  std::string name;
  Promise<Reply> reply;
};
struct RenameMailbox {
  using Reply = base::Result<bool>;
  std::string from, to;
  Promise<Reply> reply;
};
struct Subscribe {
  using Reply = base::Result<bool>;
  std::string name;
  bool subscribed = true;
  Promise<Reply> reply;
};
struct OpenMailbox {  // the live actor of a mailbox, created on first use
  using Reply = base::Result<std::shared_ptr<MailboxActor>>;
  std::string name;
  Promise<Reply> reply;
};
struct ImportSpool {  // imports pending deliveries; replies with how many, once they are all indexed
  using Reply = base::Result<std::size_t>;
  Promise<Reply> reply;
};
struct RotateKeys {  // told: rotates the delivery key if its epoch is over (store::Account::rotate_delivery_key)
  std::int64_t period_seconds = 0;
};
struct ImportCommitted {  // internal: a mailbox actor has indexed a batch of spool entries
  std::vector<std::string> spool_names;
  base::Status status;
};

using AccountMessage = std::variant<ListMailboxes, CreateMailbox, DeleteMailbox, RenameMailbox, Subscribe,
                                    OpenMailbox, ImportSpool, ImportCommitted, RotateKeys>;

class AccountActor final : public Actor<AccountActor, AccountMessage> {
 public:
  AccountActor(Scheduler& scheduler, std::shared_ptr<store::Account> account, std::string_view password);
  ~AccountActor() override;

  const std::string& user() const { return user_; }
  std::shared_ptr<const store::Keyring> keys() const { return keys_; }
  const store::UserPaths& paths() const { return paths_; }

  // The login fast path: compares a keyed BLAKE2b of password with the one kept since unlock (random per-process
  // key), instead of running Argon2id again. Thread-safe.
  bool check_password(std::string_view password) const;

 protected:
  void handle(AccountMessage& message) override;

 private:
  void on(ListMailboxes& m);
  void on(CreateMailbox& m);
  void on(DeleteMailbox& m);
  void on(RenameMailbox& m);
  void on(Subscribe& m);
  void on(OpenMailbox& m);
  void on(ImportSpool& m);
  void on(ImportCommitted& m);
  void on(RotateKeys& m);
  base::Result<std::shared_ptr<MailboxActor>> mailbox_actor(const std::string& id);
  void start_import(std::vector<Promise<base::Result<std::size_t>>> waiters);
  void finish_import_if_done();

  Scheduler& scheduler_;
  // Shared with the mailbox actors, which keep it (its lock and keys) alive while they may still write.
  std::shared_ptr<store::Account> account_;
  std::string user_;
  std::shared_ptr<const store::Keyring> keys_;
  store::UserPaths paths_;
  crypto::Key password_key_;
  crypto::Hash password_hash_{};
  std::map<std::string, std::weak_ptr<MailboxActor>> mailboxes_;  // by id
  // The most recently used mailbox actors stay alive while the account is open, so a client that APPENDs to or
  // COPYs into a mailbox it has not selected does not reload that mailbox's journal every time. No cycle: mailbox
  // actors hold the store::Account, not this actor.
  std::deque<std::shared_ptr<MailboxActor>> recent_;
  static constexpr std::size_t kRecentMailboxes = 16;

  struct Import {
    std::size_t outstanding = 0;
    std::size_t imported = 0;
    std::vector<Promise<base::Result<std::size_t>>> waiters;
    std::vector<Promise<base::Result<std::size_t>>> next_round;  // requests that arrived during this round
    bool more = false;  // the round stopped at kImportLimit entries
    base::Status status;
  };
  std::optional<Import> import_;  // one import round at a time
};

}  // namespace actors
