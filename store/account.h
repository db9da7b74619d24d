// Account: a user's store, unlocked with the password. Owns the master-key keyring, the account journal (mailbox
// list and subscriptions), the spool import, and whole-store verification.
//
// Account journal records (store/journal.h encrypts them):
//   1 mailbox created   str id | str name | str special-use ("" for none)
//   2 mailbox renamed   str id | str new name
//   3 mailbox deleted   str id
//   4 subscription      str name | u8 subscribed
// Snapshot: varint n | n x (str id | str name | str special-use) | varint m | m x str subscribed name
//
// One process at a time may open an account (the `lock` file); others get Errc::busy. `sealbox deliver` never opens
// the account: it only adds files to spool/, so deliveries need neither the lock nor the password.
// Not thread-safe: one owner (the CLI, later the AccountActor).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/password.h"
#include "store/account_keys.h"
#include "store/journal.h"
#include "store/keyring.h"
#include "store/layout.h"
#include "store/mailbox.h"

namespace store {

struct MailboxInfo {
  std::string id;
  std::string name;         // "INBOX", "Archive/2024", ...
  std::string special_use;  // "\\Sent" etc., or empty
};

struct ImportReport {
  std::size_t imported = 0;
  std::vector<std::string> errors;  // one line per spool entry that could not be imported (left in the spool)
};

struct VerifyReport {
  std::size_t mailboxes = 0;
  std::size_t messages = 0;
  std::uint64_t message_bytes = 0;
  std::size_t spool_entries = 0;
  std::uint64_t torn_bytes_dropped = 0;
  std::vector<std::string> errors;  // one line per corrupt or missing item; empty means the store is sound
};

class Account {
 public:
  // Creates a new account with INBOX, Drafts, Sent, Trash, Junk and Archive (each with its RFC 6154 special use),
  // all subscribed. Errors: invalid_argument (bad name or KDF parameters), already_exists, io.
  static base::Status create(const Root& root, std::string_view user, std::string_view password,
                             const crypto::KdfParams& kdf, std::int64_t now);
  // Re-seals the master key under a new password; nothing else changes. Errors: no_such_user, auth_failed, io.
  static base::Status change_password(const Root& root, std::string_view user, std::string_view old_password,
                                      std::string_view new_password, const crypto::KdfParams& kdf);
  // Deletes the account and all its mail. Errors: no_such_user, busy (open elsewhere), io.
  static base::Status remove(const Root& root, std::string_view user);

  // Changing the password of an open account (IMAP XPASSWORD), in two steps so that the Argon2id work runs off
  // the owner's thread. Step 1, reseal_password(): opens one of `header`'s slots with old_password (the same check
  // as Account::open) and seals the master key under new_password in a fresh slot 0 (the one change_password()
  // replaces). Pure: reads only its arguments, so any thread may call it, with a copy of header(). Slow by design
  // (two Argon2id runs). Errors: auth_failed (old_password opens no slot), invalid_argument (kdf), internal.
  static base::Result<Slot> reseal_password(const AccountHeader& header, std::string_view old_password,
                                            std::string_view new_password, const crypto::KdfParams& kdf);
  // Step 2, owner only: under the account file's lock (the one change_password() takes), checks that the file's
  // slots are still `verified` (those step 1 opened with the old password; else someone changed the password
  // meanwhile, e.g. `sealbox user passwd`), puts `slot` in place of the slot with its id and atomically replaces
  // the account file (store::write_account). The epoch fields are this object's, so a key rotation between the two
  // steps is kept. Errors: busy (the lock is held elsewhere), auth_failed (slots changed; this object then has the
  // file's slots, so a retry checks against them), corrupt, io; on error the file is unchanged.
  base::Status install_password_slot(const std::vector<Slot>& verified, Slot slot);
  // The account file as this object last wrote or read it. Owner only.
  const AccountHeader& header() const { return header_; }

  // Locks and unlocks the account. Errors: no_such_user, busy, auth_failed, corrupt, io.
  // Runs Argon2id: slow by design, never on an I/O thread.
  static base::Result<std::unique_ptr<Account>> open(const Root& root, std::string_view user,
                                                     std::string_view password);

  const UserPaths& paths() const { return paths_; }
  std::shared_ptr<const Keyring> keys() const { return keys_; }
  const std::string& user() const { return keys_->user(); }

  std::vector<MailboxInfo> mailboxes() const;
  std::optional<MailboxInfo> find_mailbox(std::string_view name) const;
  base::Result<MailboxInfo> create_mailbox(std::string_view name, std::string_view special_use = {});
  // Removes a mailbox from the list (durable); the caller then deletes its files with remove_mailbox_files().
  // Errors: no_such_mailbox, io.
  base::Status delete_mailbox(const std::string& id);
  // Gives a mailbox a new name (durable). Errors: no_such_mailbox, already_exists, io.
  base::Status rename_mailbox(const std::string& id, std::string_view new_name);
  // Deletes a removed mailbox's journal directory (its blobs are deleted by whoever owned its store).
  base::Status remove_mailbox_files(const std::string& id) const;
  base::Status set_subscribed(std::string_view name, bool subscribed);
  const std::set<std::string>& subscriptions() const { return subscriptions_; }
  base::Result<std::unique_ptr<MailboxStore>> open_mailbox(const std::string& id) const;

  // Imports every spool entry into its mailbox (INBOX when it names none or an unknown one), in arrival order.
  // Opens the target mailboxes itself: only for callers that own no MailboxStore of this account (the CLI, tests);
  // the account actor uses the two steps below and routes the records through mailbox actors.
  base::Result<ImportReport> import_spool(std::int64_t now);

  // Step 1: the spool entries (arrival order, at most `limit`, none named in `skip`), each unsealed,
  // authenticated, resolved to its target mailbox and bound to it: the file is renamed ID.MAILBOXID (durably)
  // before anything is indexed, so a retry after a crash goes to the same mailbox even if names changed
  // meanwhile, where the duplicate check finds it. The file is then hard-linked (durably) as blobs/XX/ID, so it is
  // in place before its index record can announce it to any session. Entries that fail are reported in `errors`
  // and left in place.
  struct Prepared {
    std::string mailbox_id;
    std::string spool_name;  // the file in spool/ ("ID.MAILBOXID")
    NewMessage message;      // blob_id = ID
  };
  base::Result<std::vector<Prepared>> prepare_import(std::size_t limit, std::vector<std::string>& errors,
                                                     const std::set<std::string>& skip = {});
  // Step 2, once the index records are durable: remove the spool names (the files live on in blobs/).
  base::Status finish_import(const std::vector<std::string>& spool_names) const;

  // Delivery key rotation (DESIGN.md §3): once the current epoch has lasted `period_seconds`, makes the next
  // epoch's key pair (durably, secret first) and then makes it current in the account file, so deliveries from
  // then on are sealed to it. Older epochs' secret keys are kept: mail sealed to them still imports. Returns
  // whether it rotated. Errors: io.
  base::Result<bool> rotate_delivery_key(std::int64_t now, std::int64_t period_seconds);
  std::uint32_t current_epoch() const { return header_.current_epoch; }

  // Decrypts a stored message.
  base::Result<base::Bytes> read_message(const MessageMeta& meta) const;

  // Authenticates every journal record, message and spool entry.
  VerifyReport verify() const;

 private:
  Account(UserPaths paths, FileLock lock, std::shared_ptr<const Keyring> keys, AccountHeader header, Journal journal);
  base::Status apply(base::ByteSpan record);
  base::Status load_snapshot(base::ByteSpan state);
  base::Result<const crypto::KeyPair*> epoch_key(std::uint32_t epoch) const;

  UserPaths paths_;
  FileLock lock_;
  std::shared_ptr<const Keyring> keys_;
  AccountHeader header_;
  Journal journal_;
  std::map<std::string, MailboxInfo> mailboxes_;  // by id
  std::set<std::string> subscriptions_;
  mutable std::map<std::uint32_t, crypto::KeyPair> epoch_keys_;
};

// The rules for a new password, for `sealbox user add/passwd` and IMAP XPASSWORD alike: kMinPasswordBytes to
// kMaxPasswordBytes bytes, no NUL, CR or LF. A forgotten password cannot be reset (the data is encrypted under it),
// and the account file can be attacked offline by whoever copies it, so short ones are refused.
// Errors: invalid_argument, with a reason fit to show the user (it never quotes the password).
inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;
base::Status check_new_password(std::string_view password);

}  // namespace store
