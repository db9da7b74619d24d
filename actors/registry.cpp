#include "actors/registry.h"

#include <spdlog/spdlog.h>

namespace actors {
namespace {
std::string_view view(const crypto::SecretBytes& s) { return {reinterpret_cast<const char*>(s.data()), s.size()}; }
}  // namespace

Registry::Registry(store::Root root, Scheduler& scheduler) : root_(std::move(root)), scheduler_(scheduler) {}

void Registry::login(std::string user, crypto::SecretBytes password, UniqueFunction<void(LoginReply)> done) {
  std::unique_lock lock(mutex_);
  Slot& slot = slots_[user];
  if (auto live = slot.actor.lock()) {
    lock.unlock();
    if (!live->check_password(view(password))) return done(base::fail(base::Errc::auth_failed, "wrong password"));
    return import_then_finish(std::move(live), std::move(done));
  }
  if (slot.opening || slot.open_accounts > 0) {  // an open is running, or the last generation is still closing
    slot.waiters.push_back({std::move(password), std::move(done)});
    return;
  }
  slot.opening = true;
  lock.unlock();
  start_open(user, {std::move(password), std::move(done)});
}

void Registry::start_open(const std::string& user, Waiter first) {
  // Argon2id and the journal reads run on the pool, never on the caller's (I/O) thread.
  scheduler_.schedule([this, user, first = std::move(first)]() mutable {
    auto opened_account = store::Account::open(root_, user, view(first.password));
    if (!opened_account) return opened(user, std::move(first), std::move(opened_account).error());
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    if (auto rotated = (*opened_account)->rotate_delivery_key(now.count(), rotation_period_.count()); !rotated) {
      spdlog::error("account {}: delivery key rotation failed: {}", user, rotated.error().message());
    } else if (*rotated) {
      spdlog::info("account {}: delivery key rotated to epoch {}", user, (*opened_account)->current_epoch());
    }
    {
      std::lock_guard lock(mutex_);
      ++slots_[user].open_accounts;
    }
    std::shared_ptr<store::Account> account(opened_account->release(), [this, user](store::Account* a) {
      delete a;  // releases the account lock and wipes the keys
      account_closed(user);
    });
    auto actor = std::make_shared<AccountActor>(scheduler_, std::move(account), view(first.password));
    opened(user, std::move(first), std::move(actor));
  });
}

void Registry::delivered(const std::string& user) {
  std::shared_ptr<AccountActor> live;
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(user);
    if (it != slots_.end()) live = it->second.actor.lock();
  }
  if (!live) return;  // imported at the next login
  live->tell(ImportSpool{Promise<ImportSpool::Reply>([user](ImportSpool::Reply imported) {
    if (!imported) spdlog::error("account {}: import failed: {}", user, imported.error().message());
  })});
}

void Registry::rotate_keys() {
  std::vector<std::shared_ptr<AccountActor>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [user, slot] : slots_) {
      if (auto actor = slot.actor.lock()) live.push_back(std::move(actor));
    }
  }
  for (auto& actor : live) actor->tell(RotateKeys{rotation_period_.count()});
}

void Registry::account_closed(const std::string& user) {
  if (observer_) observer_(user, false);
  std::unique_lock lock(mutex_);
  Slot& slot = slots_[user];
  --slot.open_accounts;
  if (slot.open_accounts > 0 || slot.opening || slot.waiters.empty()) return;
  slot.opening = true;
  Waiter next = std::move(slot.waiters.front());
  slot.waiters.erase(slot.waiters.begin());
  lock.unlock();
  start_open(user, std::move(next));
}

void Registry::import_then_finish(std::shared_ptr<AccountActor> actor, UniqueFunction<void(LoginReply)> done) {
  auto user = actor->user();
  actor->tell(ImportSpool{Promise<ImportSpool::Reply>(
      [user, actor, done = std::move(done)](ImportSpool::Reply imported) mutable {
        // A failed import leaves the mail in the spool for the next login; the login itself goes on.
        if (!imported) spdlog::error("account {}: import failed: {}", user, imported.error().message());
        done(std::move(actor));
      })});
}

void Registry::opened(const std::string& user, Waiter first, LoginReply result) {
  std::unique_lock lock(mutex_);
  Slot& slot = slots_[user];
  if (!result && result.error().code == base::Errc::auth_failed && !slot.waiters.empty()) {
    // This password was wrong; another waiting login may have the right one.
    Waiter next = std::move(slot.waiters.front());
    slot.waiters.erase(slot.waiters.begin());
    lock.unlock();
    first.done(std::move(result));
    return start_open(user, std::move(next));
  }
  slot.opening = false;
  if (result) slot.actor = *result;
  auto waiters = std::move(slot.waiters);
  slot.waiters.clear();
  lock.unlock();
  std::shared_ptr<AccountActor> actor = result ? *result : nullptr;
  base::Error failure = result ? base::Error{base::Errc::internal, {}} : result.error();
  if (actor) {
    if (observer_) observer_(user, true);
    import_then_finish(actor, std::move(first.done));
  } else {
    first.done(std::move(result));
  }
  for (auto& w : waiters) {
    if (!actor) {
      w.done(failure);
    } else if (actor->check_password(view(w.password))) {
      import_then_finish(actor, std::move(w.done));
    } else {
      w.done(base::fail(base::Errc::auth_failed, "wrong password"));
    }
  }
}

}  // namespace actors
