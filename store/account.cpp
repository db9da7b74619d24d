#include "store/account.h"

#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>

#include "crypto/random.h"
#include "store/message_file.h"

namespace store {
namespace {

enum RecordType : std::uint8_t { kCreated = 1, kRenamed = 2, kDeleted = 3, kSubscription = 4 };
constexpr std::size_t kImportBatch = 64;       // spool entries per mailbox append (one fdatasync each)
constexpr std::int64_t kStaleTmpSeconds = 3600;  // older files in tmp/ are leftovers of crashed writers
// What a new account holds: INBOX plus one mailbox per special use this store supports (RFC 6154 §2), so that
// clients find their Drafts, Sent, Trash, Junk and Archive folders without creating (and naming) them.
constexpr std::pair<std::string_view, std::string_view> kDefaultMailboxes[] = {
    {"INBOX", ""},        {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
    {"Trash", "\\Trash"}, {"Junk", "\\Junk"},     {"Archive", "\\Archive"},
};

base::Bytes created_record(const MailboxInfo& m) {
  base::Bytes rec;
  base::ByteWriter w(rec);
  w.u8(kCreated);
  w.str(m.id);
  w.str(m.name);
  w.str(m.special_use);
  return rec;
}

base::Bytes subscription_record(std::string_view name, bool on) {
  base::Bytes rec;
  base::ByteWriter w(rec);
  w.u8(kSubscription);
  w.str(name);
  w.u8(on ? 1 : 0);
  return rec;
}

void remove_stale_tmp(const fs::path& tmp) {
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(tmp, ec)) {
    auto age = std::chrono::duration_cast<std::chrono::seconds>(now - entry.last_write_time(ec)).count();
    if (!ec && age > kStaleTmpSeconds) fs::remove(entry.path(), ec);
  }
}

}  // namespace

Account::Account(UserPaths paths, FileLock lock, std::shared_ptr<const Keyring> keys, AccountHeader header,
                 Journal journal)
    : paths_(std::move(paths)), lock_(std::move(lock)), keys_(std::move(keys)), header_(std::move(header)),
      journal_(std::move(journal)) {}

base::Status Account::create(const Root& root, std::string_view user, std::string_view password,
                             const crypto::KdfParams& kdf, std::int64_t now) {
  SB_CHECK(validate_user_name(user));
  SB_CHECK(kdf.validate());
  UserPaths paths = root.user(user);
  std::error_code ec;
  if (fs::exists(paths.account_file(), ec)) {
    return base::fail(base::Errc::already_exists, "user " + std::string(user) + " already exists");
  }
  // The account file is written last: a directory without one is a creation that crashed; start it over.
  if (fs::exists(paths.dir(), ec)) fs::remove_all(paths.dir(), ec);
  SB_CHECK(make_dirs(root.users(), false));
  SB_CHECK(make_dirs(paths.dir(), true));
  for (const auto& dir : {paths.keys(), paths.journal(), paths.mailboxes(), paths.blobs(), paths.spool(),
                          paths.tmp()}) {
    SB_CHECK(make_dirs(dir, false));
  }
  SB_CHECK(fsync_dir(paths.dir()));

  auto master = crypto::Key::random();
  AccountHeader header;
  header.user = std::string(user);
  header.current_epoch = 1;
  header.epoch_started = now;
  SB_CHECK(set_password_slot(header, 0, master, password, kdf));
  SB_CHECK(write_new_epoch(paths, user, 1, master, now));

  Keyring keys(std::string(user), master.clone());
  JournalContents contents;
  SB_TRY(Journal journal, Journal::open(paths.journal(), paths.tmp(), keys.account_journal().clone(), "account",
                                        contents));
  // INBOX and the RFC 6154 special-use mailboxes, subscribed (clients that show only subscribed folders then
  // find them), in one journal batch: a crash leaves either all of them or no account file at all.
  std::vector<base::Bytes> records;
  for (const auto& [name, use] : kDefaultMailboxes) {
    MailboxInfo m{crypto::random_id(), std::string(name), std::string(use)};
    SB_TRY(auto mailbox_store, MailboxStore::open(paths, keys, m.id, true));
    records.push_back(created_record(m));
    records.push_back(subscription_record(name, true));
  }
  SB_CHECK(journal.append(records));
  SB_CHECK(fsync_dir(paths.mailboxes()));
  return write_account(paths, header);
}

base::Status Account::change_password(const Root& root, std::string_view user, std::string_view old_password,
                                      std::string_view new_password, const crypto::KdfParams& kdf) {
  SB_TRY(UserPaths paths, root.existing_user(user));
  SB_CHECK(kdf.validate());
  SB_TRY(FileLock lock, FileLock::acquire(paths.account_lock(), true));
  SB_TRY(AccountHeader header, read_account(paths));
  SB_TRY(crypto::Key master, unlock_master(header, old_password));
  SB_CHECK(set_password_slot(header, 0, master, new_password, kdf));
  return write_account(paths, header);
}

base::Status Account::remove(const Root& root, std::string_view user) {
  SB_TRY(UserPaths paths, root.existing_user(user));
  SB_TRY(FileLock lock, FileLock::acquire(paths.lock(), false));
  // Rename first so the account disappears atomically, then delete at leisure.
  fs::path doomed = root.users() / (".removed-" + crypto::random_id());
  std::error_code ec;
  fs::rename(paths.dir(), doomed, ec);
  if (ec) return base::fail(base::Errc::io, "rename " + paths.dir().string() + ": " + ec.message());
  SB_CHECK(fsync_dir(root.users()));
  fs::remove_all(doomed, ec);
  if (ec) return base::fail(base::Errc::io, "remove " + doomed.string() + ": " + ec.message());
  return base::ok();
}

base::Result<std::unique_ptr<Account>> Account::open(const Root& root, std::string_view user,
                                                     std::string_view password) {
  SB_TRY(UserPaths paths, root.existing_user(user));
  auto lock = FileLock::acquire(paths.lock(), false);
  if (!lock) {
    if (lock.error().code == base::Errc::busy) {
      return base::fail(base::Errc::busy, "account " + std::string(user) + " is open in another process");
    }
    return std::move(lock).error();
  }
  SB_TRY(AccountHeader header, read_account(paths));
  if (header.user != user) return base::fail(base::Errc::corrupt, "account file names another user");
  SB_TRY(crypto::Key master, unlock_master(header, password));
  auto keys = std::make_shared<const Keyring>(std::string(user), std::move(master));
  JournalContents contents;
  SB_TRY(Journal journal, Journal::open(paths.journal(), paths.tmp(), keys->account_journal().clone(), "account",
                                        contents));
  std::unique_ptr<Account> account(
      new Account(paths, std::move(*lock), keys, std::move(header), std::move(journal)));
  if (contents.snapshot) SB_CHECK(account->load_snapshot(*contents.snapshot));
  for (const auto& record : contents.records) SB_CHECK(account->apply(record));
  if (!account->find_mailbox("INBOX")) return base::fail(base::Errc::corrupt, "account journal has no INBOX");
  remove_stale_tmp(paths.tmp());
  return account;
}

base::Status Account::apply(base::ByteSpan record) {
  base::ByteReader r(record);
  switch (r.u8()) {
    case kCreated: {
      MailboxInfo m;
      m.id = r.str();
      m.name = r.str();
      m.special_use = r.str();
      mailboxes_[m.id] = m;
      break;
    }
    case kRenamed: {
      std::string id = r.str();
      std::string name = r.str();
      if (auto it = mailboxes_.find(id); it != mailboxes_.end()) it->second.name = name;
      break;
    }
    case kDeleted:
      mailboxes_.erase(r.str());
      break;
    case kSubscription: {
      std::string name = r.str();
      if (r.u8() != 0) subscriptions_.insert(name);
      else subscriptions_.erase(name);
      break;
    }
    default:
      return base::fail(base::Errc::corrupt, "account journal: unknown record type");
  }
  if (!r.done()) return base::fail(base::Errc::corrupt, "account journal: malformed record");
  return base::ok();
}

base::Status Account::load_snapshot(base::ByteSpan state) {
  base::ByteReader r(state);
  std::uint64_t n = r.varint();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    MailboxInfo m;
    m.id = r.str();
    m.name = r.str();
    m.special_use = r.str();
    mailboxes_[m.id] = m;
  }
  std::uint64_t subs = r.varint();
  for (std::uint64_t i = 0; i < subs && r.ok(); ++i) subscriptions_.insert(r.str());
  if (!r.done()) return base::fail(base::Errc::corrupt, "account journal: malformed snapshot");
  return base::ok();
}

std::vector<MailboxInfo> Account::mailboxes() const {
  std::vector<MailboxInfo> out;
  for (const auto& [id, m] : mailboxes_) out.push_back(m);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::optional<MailboxInfo> Account::find_mailbox(std::string_view name) const {
  for (const auto& [id, m] : mailboxes_) {
    if (m.name == name) return m;
  }
  return std::nullopt;
}

base::Result<MailboxInfo> Account::create_mailbox(std::string_view name, std::string_view special_use) {
  if (name.empty()) return base::fail(base::Errc::invalid_argument, "empty mailbox name");
  if (find_mailbox(name)) return base::fail(base::Errc::already_exists, "mailbox already exists");
  MailboxInfo m{crypto::random_id(), std::string(name), std::string(special_use)};
  SB_TRY(auto store, MailboxStore::open(paths_, *keys_, m.id, true));
  SB_CHECK(fsync_dir(paths_.mailboxes()));
  auto rec = created_record(m);
  SB_CHECK(journal_.append(std::span<const base::Bytes>(&rec, 1)));
  mailboxes_[m.id] = m;
  return m;
}

base::Status Account::delete_mailbox(const std::string& id) {
  if (mailboxes_.count(id) == 0) return base::fail(base::Errc::no_such_mailbox, "no mailbox with id " + id);
  base::Bytes rec;
  base::ByteWriter w(rec);
  w.u8(kDeleted);
  w.str(id);
  SB_CHECK(journal_.append(std::span<const base::Bytes>(&rec, 1)));
  mailboxes_.erase(id);
  return base::ok();
}

base::Status Account::rename_mailbox(const std::string& id, std::string_view new_name) {
  auto it = mailboxes_.find(id);
  if (it == mailboxes_.end()) return base::fail(base::Errc::no_such_mailbox, "no mailbox with id " + id);
  if (find_mailbox(new_name)) return base::fail(base::Errc::already_exists, "mailbox already exists");
  base::Bytes rec;
  base::ByteWriter w(rec);
  w.u8(kRenamed);
  w.str(id);
  w.str(new_name);
  SB_CHECK(journal_.append(std::span<const base::Bytes>(&rec, 1)));
  it->second.name = std::string(new_name);
  return base::ok();
}

base::Status Account::remove_mailbox_files(const std::string& id) const {
  std::error_code ec;
  fs::remove_all(paths_.mailbox(id), ec);
  if (ec) return base::fail(base::Errc::io, "remove mailbox " + id + ": " + ec.message());
  return fsync_dir(paths_.mailboxes());
}

base::Status Account::set_subscribed(std::string_view name, bool subscribed) {
  if (subscriptions_.count(std::string(name)) == (subscribed ? 1u : 0u)) return base::ok();
  auto rec = subscription_record(name, subscribed);
  SB_CHECK(journal_.append(std::span<const base::Bytes>(&rec, 1)));
  if (subscribed) subscriptions_.insert(std::string(name));
  else subscriptions_.erase(std::string(name));
  return base::ok();
}

base::Result<std::unique_ptr<MailboxStore>> Account::open_mailbox(const std::string& id) const {
  if (mailboxes_.count(id) == 0) return base::fail(base::Errc::no_such_mailbox, "no mailbox with id " + id);
  return MailboxStore::open(paths_, *keys_, id, false);
}

base::Result<bool> Account::rotate_delivery_key(std::int64_t now, std::int64_t period_seconds) {
  if (now - header_.epoch_started < period_seconds) return false;
  const std::uint32_t next = header_.current_epoch + 1;
  // A crash between the two writes leaves an unused key pair for `next`, which the retry overwrites.
  // Under the account file's lock, starting from the file on disk: `sealbox user passwd` may have replaced a
  // password slot since this account was opened, and writing our older copy back would silently undo it. Busy
  // (the CLI holds the lock right now) means "not this time": the hourly check retries.
  auto lock = FileLock::acquire(paths_.account_lock(), false);
  if (!lock) return lock.error().code == base::Errc::busy ? base::Result<bool>(false) : std::move(lock).error();
  SB_TRY(AccountHeader updated, read_account(paths_));
  SB_CHECK(write_new_epoch(paths_, user(), next, keys_->master(), now));
  updated.current_epoch = next;
  updated.epoch_started = now;
  SB_CHECK(write_account(paths_, updated));
  header_ = std::move(updated);
  return true;
}

base::Result<const crypto::KeyPair*> Account::epoch_key(std::uint32_t epoch) const {
  auto it = epoch_keys_.find(epoch);
  if (it == epoch_keys_.end()) {
    SB_TRY(crypto::KeyPair pair, read_epoch_secret(paths_, user(), epoch, keys_->master()));
    it = epoch_keys_.emplace(epoch, std::move(pair)).first;
  }
  return &it->second;
}

base::Result<std::vector<Account::Prepared>> Account::prepare_import(std::size_t limit,
                                                                   std::vector<std::string>& errors,
                                                                   const std::set<std::string>& skip) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths_.spool(), ec)) names.push_back(entry.path().filename());
  if (ec) return base::fail(base::Errc::io, "list " + paths_.spool().string() + ": " + ec.message());
  std::sort(names.begin(), names.end());  // ids are time-ordered: import in arrival order
  auto lookup = [this](std::uint32_t epoch) { return epoch_key(epoch); };
  std::string inbox_id = find_mailbox("INBOX")->id;
  std::vector<Prepared> out;
  bool renamed = false;
  DirSyncer linked;
  for (const auto& name : names) {
    if (out.size() >= limit) break;
    if (skip.count(name)) continue;
    auto dot = name.find('.');
    std::string id = name.substr(0, dot);
    std::string bound = dot == std::string::npos ? std::string() : name.substr(dot + 1);
    fs::path path = paths_.spool() / name;
    auto info = read_delivery_header(path, lookup);
    if (!info) {
      errors.push_back(name + ": " + info.error().message());
      continue;
    }
    // Authenticate the whole body before it becomes part of a mailbox, and describe it for FETCH.
    auto body = store::read_message(path, info->dek);
    if (!body) {
      errors.push_back(name + ": " + body.error().message());
      continue;
    }
    Prepared p;
    if (!bound.empty() && mailboxes_.count(bound)) {
      p.mailbox_id = bound;
    } else {
      auto target = info->mailbox.empty() ? std::nullopt : find_mailbox(info->mailbox);
      p.mailbox_id = target ? target->id : inbox_id;
    }
    p.spool_name = id + "." + p.mailbox_id;
    if (p.spool_name != name) {
      fs::rename(path, paths_.spool() / p.spool_name, ec);
      if (ec) return base::fail(base::Errc::io, "rename spool entry " + name + ": " + ec.message());
      renamed = true;
    }
    p.message.blob_id = id;
    p.message.wrapped_dek = keys_->wrap_dek(info->dek, id);
    p.message.size = body->size();
    p.message.internal_date = info->received;
    p.message.structure = describe_message(base::as_chars(*body));
    p.message.email_id = new_email_id();  // RFC 8474 EMAILID: new mail gets a new one
    // The message file is linked into blobs/ before it is indexed: the moment a session learns of the message
    // (the index commit), its file is where readers look. A link left by a crashed attempt is the same file.
    fs::path blob = paths_.blob(id);
    SB_CHECK(make_dirs(blob.parent_path(), true));
    if (::link((paths_.spool() / p.spool_name).c_str(), blob.c_str()) != 0 && errno != EEXIST) {
      return io_error("link", blob);
    }
    linked.add(blob.parent_path());
    out.push_back(std::move(p));
  }
  if (renamed) SB_CHECK(fsync_dir(paths_.spool()));
  SB_CHECK(linked.sync());
  return out;
}

base::Status Account::finish_import(const std::vector<std::string>& spool_names) const {
  // The messages are indexed and their files already linked in blobs/ (prepare_import): drop the spool names.
  std::error_code ec;
  for (const auto& name : spool_names) {
    fs::remove(paths_.spool() / name, ec);
    if (ec) return base::fail(base::Errc::io, "remove spool entry " + name + ": " + ec.message());
  }
  return fsync_dir(paths_.spool());
}

base::Result<ImportReport> Account::import_spool(std::int64_t now) {
  ImportReport report;
  std::set<std::string> failed;  // spool names that cannot be imported now: not retried in this call
  std::set<std::string> errors;
  for (;;) {
    std::vector<std::string> pass_errors;
    SB_TRY(auto prepared, prepare_import(kImportBatch, pass_errors, failed));
    for (const auto& e : pass_errors) {
      errors.insert(e);
      failed.insert(e.substr(0, e.find(':')));
    }
    if (prepared.empty()) break;
    std::map<std::string, std::vector<Prepared>> by_mailbox;
    for (auto& p : prepared) by_mailbox[p.mailbox_id].push_back(std::move(p));
    // Each mailbox on its own: a damaged one must not hold back (or strand) the others' mail.
    for (auto& [mailbox_id, entries] : by_mailbox) {
      std::vector<std::string> names;
      for (const auto& p : entries) names.push_back(p.spool_name);
      auto fail_all = [&](const base::Error& e) {
        for (const auto& n : names) {
          errors.insert(n + ": mailbox " + mailbox_id + ": " + e.message());
          failed.insert(n);
        }
      };
      auto box = open_mailbox(mailbox_id);
      if (!box) {
        fail_all(box.error());
        continue;
      }
      // A crash between the journal append and the rename leaves entries that are already indexed.
      std::vector<NewMessage> batch;
      for (auto& p : entries) {
        if (!(*box)->has_blob(p.message.blob_id)) batch.push_back(std::move(p.message));
      }
      if (!batch.empty()) {
        auto uids = (*box)->add(batch, now);
        if (!uids) {
          fail_all(uids.error());
          continue;
        }
      }
      SB_CHECK(finish_import(names));
      report.imported += batch.size();
    }
  }
  report.errors.assign(errors.begin(), errors.end());
  return report;
}

base::Result<base::Bytes> Account::read_message(const MessageMeta& meta) const {
  SB_TRY(crypto::Key dek, keys_->unwrap_dek(meta.wrapped_dek, meta.blob_id));
  return store::read_message(paths_.blob(meta.blob_id), dek);
}

VerifyReport Account::verify() const {
  VerifyReport report;
  auto ignore = [](base::ByteSpan) { return base::ok(); };
  // Every epoch key pair: a damaged public key would have deliveries sealed to a key nobody holds.
  for (std::uint32_t epoch = 1; epoch <= header_.current_epoch; ++epoch) {
    if (auto key = epoch_key(epoch); !key) report.errors.push_back(key.error().message());
  }
  for (const auto& info : mailboxes()) {
    ++report.mailboxes;
    auto box = open_mailbox(info.id);
    if (!box) {
      report.errors.push_back("mailbox " + info.id + ": " + box.error().message());
      continue;
    }
    report.torn_bytes_dropped += (*box)->torn_bytes_dropped();
    for (const auto& m : (*box)->messages()) {
      ++report.messages;
      auto dek = keys_->unwrap_dek(m.wrapped_dek, m.blob_id);
      auto size = dek ? read_message_file(paths_.blob(m.blob_id), *dek, ignore)
                      : base::Result<std::uint64_t>(dek.error());
      if (!size) {
        report.errors.push_back("mailbox " + info.id + " uid " + std::to_string(m.uid) + ": " + size.error().message());
      } else if (*size != m.size) {
        report.errors.push_back("mailbox " + info.id + " uid " + std::to_string(m.uid) + ": size mismatch");
      } else {
        report.message_bytes += *size;
      }
    }
  }
  std::error_code ec;
  auto lookup = [this](std::uint32_t epoch) { return epoch_key(epoch); };
  for (const auto& entry : fs::directory_iterator(paths_.spool(), ec)) {
    ++report.spool_entries;
    auto info = read_delivery_header(entry.path(), lookup);
    auto size = info ? read_message_file(entry.path(), info->dek, ignore) : base::Result<std::uint64_t>(info.error());
    if (!size) report.errors.push_back("spool " + entry.path().filename().string() + ": " + size.error().message());
  }
  return report;
}

}  // namespace store

// --- Password change on an open account (IMAP XPASSWORD) ----------------------------------------------------------

namespace store {

base::Result<Slot> Account::reseal_password(const AccountHeader& header, std::string_view old_password,
                                            std::string_view new_password, const crypto::KdfParams& kdf) {
  SB_CHECK(kdf.validate());
  SB_TRY(crypto::Key master, unlock_master(header, old_password));
  AccountHeader resealed = header;
  SB_CHECK(set_password_slot(resealed, 0, master, new_password, kdf));
  for (auto& slot : resealed.slots) {
    if (slot.id == 0) return std::move(slot);
  }
  return base::fail(base::Errc::internal, "the new password slot is missing");
}

namespace {

bool same_slots(const std::vector<Slot>& a, const std::vector<Slot>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Slot& x, const Slot& y) {
    return x.id == y.id && x.kdf.passes == y.kdf.passes && x.kdf.memory_kib == y.kdf.memory_kib &&
           x.salt == y.salt && x.sealed_master == y.sealed_master;
  });
}

}  // namespace

base::Status Account::install_password_slot(const std::vector<Slot>& verified, Slot slot) {
  // The account file's own lock, as change_password() takes it: `sealbox user passwd` may run while the account is
  // open. Not waited for (the owner is an actor, which must not block): the caller gets Errc::busy.
  SB_TRY(FileLock lock, FileLock::acquire(paths_.account_lock(), false));
  SB_TRY(AccountHeader on_disk, read_account(paths_));
  if (!same_slots(on_disk.slots, verified)) {
    // Changed by someone else since the old password was checked: that password may be no longer valid.
    header_.slots = std::move(on_disk.slots);
    return base::fail(base::Errc::auth_failed, "the password was changed meanwhile");
  }
  AccountHeader next = header_;
  next.slots = std::move(on_disk.slots);
  auto it = std::find_if(next.slots.begin(), next.slots.end(), [&](const Slot& s) { return s.id == slot.id; });
  if (it != next.slots.end()) {
    *it = std::move(slot);
  } else {
    next.slots.push_back(std::move(slot));
  }
  SB_CHECK(write_account(paths_, next));
  header_ = std::move(next);
  return base::ok();
}

base::Status check_new_password(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return base::fail(base::Errc::invalid_argument,
                      "password shorter than " + std::to_string(kMinPasswordBytes) + " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return base::fail(base::Errc::invalid_argument,
                      "password longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  for (char c : password) {
    if (c == '\0' || c == '\r' || c == '\n') {
      return base::fail(base::Errc::invalid_argument, "password contains a control character");
    }
  }
  return base::ok();
}

}  // namespace store
