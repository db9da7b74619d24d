#include "actors/account_actor.h"

#include <algorithm>
#include <chrono>

#include "crypto/random.h"

namespace actors {
namespace {

constexpr std::size_t kImportLimit = 4096;  // spool entries per import round

base::Error no_mailbox() { return base::fail(base::Errc::no_such_mailbox, "no such mailbox"); }

// "a/b/c" -> {"a", "a/b"}
std::vector<std::string> parents_of(const std::string& name) {
  std::vector<std::string> out;
  for (std::size_t at = name.find('/'); at != std::string::npos; at = name.find('/', at + 1)) {
    if (at > 0) out.push_back(name.substr(0, at));
  }
  return out;
}

}  // namespace

AccountActor::AccountActor(Scheduler& scheduler, std::shared_ptr<store::Account> account, std::string_view password)
    : Actor(scheduler),
      scheduler_(scheduler),
      account_(std::move(account)),
      user_(account_->user()),
      keys_(account_->keys()),
      paths_(account_->paths()),
      password_key_(crypto::Key::random()),
      password_hash_(crypto::keyed_hash(password_key_, base::as_bytes(password))) {}

AccountActor::~AccountActor() { spdlog::debug("account {} closed", user_); }

bool AccountActor::check_password(std::string_view password) const {
  auto hash = crypto::keyed_hash(password_key_, base::as_bytes(password));
  std::lock_guard lock(password_mutex_);
  return crypto::equal(hash, password_hash_);
}

void AccountActor::handle(AccountMessage& message) {
  std::visit([this](auto& m) { on(m); }, message);
}

void AccountActor::on(ListMailboxes& m) {
  MailboxList list;
  for (const auto& info : account_->mailboxes()) list.mailboxes.push_back({info.id, info.name, info.special_use});
  list.subscriptions.assign(account_->subscriptions().begin(), account_->subscriptions().end());
  m.reply(std::move(list));
}

void AccountActor::on(CreateMailbox& m) {
  if (account_->find_mailbox(m.name)) {
    return m.reply(base::fail(base::Errc::already_exists, "mailbox already exists"));
  }
  for (const auto& parent : parents_of(m.name)) {
    if (account_->find_mailbox(parent)) continue;
    if (auto made = account_->create_mailbox(parent); !made) return m.reply(std::move(made).error());
  }
  auto made = account_->create_mailbox(m.name, m.special_use);
  if (!made) return m.reply(std::move(made).error());
  m.reply(MailboxEntry{made->id, made->name, made->special_use});
}

void AccountActor::on(DeleteMailbox& m) {
  if (m.name == "INBOX") return m.reply(base::fail(base::Errc::invalid_argument, "INBOX cannot be deleted"));
  auto info = account_->find_mailbox(m.name);
  if (!info) return m.reply(no_mailbox());
  if (auto deleted = account_->delete_mailbox(info->id); !deleted) return m.reply(std::move(deleted).error());
  // The mailbox is gone from the list (durably); now its files. A live actor unlinks the blobs it knows of;
  // otherwise the store is opened here just to find them.
  auto it = mailboxes_.find(info->id);
  if (auto live = it != mailboxes_.end() ? it->second.lock() : nullptr) {
    live->tell(Destroy{});
    std::erase(recent_, live);
    mailboxes_.erase(it);
  } else if (auto store = store::MailboxStore::open(paths_, *keys_, info->id, false)) {
    for (const auto& meta : (*store)->messages()) std::filesystem::remove(paths_.blob(meta.blob_id));
  }
  if (auto removed = account_->remove_mailbox_files(info->id); !removed) {
    spdlog::warn("account {}: leftover files of a deleted mailbox: {}", user_, removed.error().message());
  }
  m.reply(true);
}

void AccountActor::on(RenameMailbox& m) {
  auto from = account_->find_mailbox(m.from);
  if (!from) return m.reply(no_mailbox());
  if (account_->find_mailbox(m.to)) return m.reply(base::fail(base::Errc::already_exists, "mailbox already exists"));
  if (m.to.rfind(m.from + "/", 0) == 0) {
    return m.reply(base::fail(base::Errc::invalid_argument, "cannot rename a mailbox into itself"));
  }
  for (const auto& parent : parents_of(m.to)) {
    if (account_->find_mailbox(parent)) continue;
    if (auto made = account_->create_mailbox(parent); !made) return m.reply(std::move(made).error());
  }
  std::vector<std::pair<std::string, std::string>> renames{{from->id, m.to}};
  if (m.from != "INBOX") {  // children of INBOX are unaffected by renaming INBOX (RFC 3501 §6.3.5)
    for (const auto& info : account_->mailboxes()) {
      if (info.name.rfind(m.from + "/", 0) == 0) renames.emplace_back(info.id, m.to + info.name.substr(m.from.size()));
    }
  }
  for (const auto& [id, name] : renames) {
    if (auto renamed = account_->rename_mailbox(id, name); !renamed) return m.reply(std::move(renamed).error());
  }
  if (m.from == "INBOX") {
    if (auto made = account_->create_mailbox("INBOX"); !made) return m.reply(std::move(made).error());
  }
  m.reply(true);
}

void AccountActor::on(Subscribe& m) {
  auto status = account_->set_subscribed(m.name, m.subscribed);
  status ? m.reply(true) : m.reply(std::move(status).error());
}

base::Result<std::shared_ptr<MailboxActor>> AccountActor::mailbox_actor(const std::string& id) {
  auto& weak = mailboxes_[id];
  auto live = weak.lock();
  if (!live || live->poisoned()) {
    SB_TRY(auto store, account_->open_mailbox(id));
    live = std::make_shared<MailboxActor>(scheduler_, account_, paths_, keys_, std::move(store));
    weak = live;
  }
  std::erase(recent_, live);
  recent_.push_front(live);
  if (recent_.size() > kRecentMailboxes) recent_.pop_back();
  return live;
}

void AccountActor::on(OpenMailbox& m) {
  auto info = account_->find_mailbox(m.name);
  if (!info) return m.reply(no_mailbox());
  m.reply(mailbox_actor(info->id));
}

void AccountActor::on(ImportSpool& m) {
  if (import_) {
    // One round at a time (entries of the running round must not be indexed twice). This request may be for a
    // delivery the running round did not list: it is answered by the next round.
    import_->next_round.push_back(std::move(m.reply));
    return;
  }
  std::vector<Promise<ImportSpool::Reply>> waiters;
  waiters.push_back(std::move(m.reply));
  start_import(std::move(waiters));
}

void AccountActor::start_import(std::vector<Promise<ImportSpool::Reply>> waiters) {
  auto answer_all = [&waiters](const ImportSpool::Reply& r) {
    for (auto& w : waiters) w(r);
  };
  std::vector<std::string> errors;
  auto prepared = account_->prepare_import(kImportLimit, errors);
  for (const auto& e : errors) spdlog::error("account {}: cannot import a delivery: {}", user_, e);
  if (!prepared) return answer_all(std::move(prepared).error());
  if (prepared->empty()) return answer_all(std::size_t{0});
  std::map<std::string, std::vector<store::Account::Prepared>> by_mailbox;
  for (auto& p : *prepared) by_mailbox[p.mailbox_id].push_back(std::move(p));
  import_.emplace();
  import_->waiters = std::move(waiters);
  if (prepared->size() >= kImportLimit) import_->more = true;
  for (auto& [mailbox_id, entries] : by_mailbox) {
    auto actor = mailbox_actor(mailbox_id);
    if (!actor) {
      import_->status = std::move(actor).error();
      continue;
    }
    std::vector<std::string> names;
    std::vector<store::NewMessage> messages;
    for (auto& p : entries) {
      names.push_back(p.spool_name);
      messages.push_back(std::move(p.message));
    }
    ++import_->outstanding;
    auto done = [self = shared_from_this(), names = std::move(names)](AddMessages::Reply r) mutable {
      base::Status status;
      if (!r) status = std::move(r).error();
      self->tell(ImportCommitted{std::move(names), std::move(status)});
    };
    (*actor)->tell(AddMessages{0, std::move(messages), Promise<AddMessages::Reply>(std::move(done))});
  }
  finish_import_if_done();
}

void AccountActor::on(ImportCommitted& m) {
  if (!import_) return;
  --import_->outstanding;
  if (m.status) {
    if (auto moved = account_->finish_import(m.spool_names); !moved) {
      import_->status = std::move(moved).error();
    } else {
      import_->imported += m.spool_names.size();
    }
  } else {
    import_->status = std::move(m.status);
  }
  finish_import_if_done();
}

void AccountActor::on(RotateKeys& m) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  auto rotated = account_->rotate_delivery_key(now.count(), m.period_seconds);
  if (!rotated) spdlog::error("account {}: delivery key rotation failed: {}", user_, rotated.error().message());
  else if (*rotated) spdlog::info("account {}: delivery key rotated to epoch {}", user_, account_->current_epoch());
}

void AccountActor::on(ChangePassword& m) {
  password_changes_.push_back(std::move(m));
  if (password_changes_.size() == 1) start_password_change();
}

void AccountActor::start_password_change() {
  auto& change = password_changes_.front();
  // The job gets a copy of the account file as it is now: every earlier change is installed by the time this one
  // starts, so a second change with the same (now old) password fails here.
  auto job = [self = shared_from_this(), header = account_->header(), old_password = std::move(change.old_password),
              new_password = std::move(change.new_password), kdf = change.kdf]() mutable {
    auto as_text = [](const crypto::SecretBytes& s) {
      return std::string_view(reinterpret_cast<const char*>(s.data()), s.size());
    };
    PasswordResealed done{header.slots,
                          store::Account::reseal_password(header, as_text(old_password), as_text(new_password), kdf)};
    if (done.slot) done.new_hash = crypto::keyed_hash(self->password_key_, new_password.span());
    self->tell(std::move(done));
  };
  scheduler_.schedule(std::move(job));
}

void AccountActor::on(PasswordResealed& m) {
  if (password_changes_.empty()) return;
  auto change = std::move(password_changes_.front());
  password_changes_.pop_front();
  if (!m.slot) {
    change.reply(std::move(m.slot).error());
  } else if (auto installed = account_->install_password_slot(m.verified, std::move(*m.slot)); !installed) {
    if (installed.error().code != base::Errc::auth_failed) {
      spdlog::error("account {}: cannot write the new password slot: {}", user_, installed.error().message());
    }
    change.reply(std::move(installed).error());
  } else {
    {
      std::lock_guard lock(password_mutex_);
      password_hash_ = m.new_hash;
    }
    spdlog::info("account {}: password changed", user_);
    change.reply(true);
  }
  if (!password_changes_.empty()) start_password_change();
}

void AccountActor::finish_import_if_done() {
  if (!import_ || import_->outstanding > 0) return;
  auto done = std::move(*import_);
  import_.reset();
  for (auto& waiter : done.waiters) {
    if (done.status) waiter(done.imported);
    else waiter(done.status.error());
  }
  // Deliveries announced during the round, or a round cut at kImportLimit: go again.
  if (!done.next_round.empty() || (done.more && done.status)) start_import(std::move(done.next_round));
}

}  // namespace actors
