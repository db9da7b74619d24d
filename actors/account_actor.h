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
// Re-seals the master key under new_password if old_password is the account's password (IMAP XPASSWORD). The
// Argon2id work runs as a pool job, not in the handler; changes are done one at a time, in arrival order, each
// checking its old password against the account file as the previous change left it, so of two changes made with
// the same old password the first wins and the second gets auth_failed. The account file is replaced atomically
// (store::Account::install_password_slot); mail is not re-encrypted; sessions stay logged in; the login fast path
// (check_password) accepts the new password and no longer the old one as soon as the reply is sent.
// Errors: auth_failed (wrong old password, or changed meanwhile by `sealbox user passwd`), busy (that command holds
// the account file's lock), invalid_argument (KDF parameters), corrupt, io.
struct ChangePassword {
  using Reply = base::Result<bool>;
  crypto::SecretBytes old_password;
  crypto::SecretBytes new_password;
  crypto::KdfParams kdf;
  Promise<Reply> reply;
};
struct PasswordResealed {  // internal: the pool job of the oldest ChangePassword is done
  std::vector<store::Slot> verified;  // the slots the old password was checked against
  base::Result<store::Slot> slot;
  crypto::Hash new_hash{};  // keyed hash of the new password, for check_password
};

using AccountMessage = std::variant<ListMailboxes, CreateMailbox, DeleteMailbox, RenameMailbox, Subscribe,
                                    OpenMailbox, ImportSpool, ImportCommitted, RotateKeys, ChangePassword,
                                    PasswordResealed>;

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
  void on(ChangePassword& m);
  void on(PasswordResealed& m);
  void start_password_change();
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
  crypto::Hash password_hash_{};  // guarded by password_mutex_ (check_password runs on any thread)
  mutable std::mutex password_mutex_;
  std::deque<ChangePassword> password_changes_;  // the first one's pool job is running
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
