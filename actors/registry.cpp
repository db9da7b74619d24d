#include "actors/registry.h"

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
    if (live->check_password(view(password))) return done(std::move(live));
    return done(base::fail(base::Errc::auth_failed, "wrong password"));
  }
  if (slot.opening) {
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
    auto account = store::Account::open(root_, user, view(first.password));
    if (!account) return opened(user, std::move(first), std::move(account).error());
    auto actor = std::make_shared<AccountActor>(scheduler_, std::move(*account), view(first.password));
    // Pending deliveries are imported before the login completes, so the client sees them at once.
    actor->tell(ImportSpool{Promise<ImportSpool::Reply>(
        [this, user, actor, first = std::move(first)](ImportSpool::Reply imported) mutable {
          if (!imported) spdlog::error("account {}: import failed: {}", user, imported.error().message());
          opened(user, std::move(first), std::move(actor));
        })});
  });
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
  first.done(std::move(result));
  for (auto& w : waiters) {
    if (!actor) {
      w.done(failure);
    } else if (actor->check_password(view(w.password))) {
      w.done(actor);
    } else {
      w.done(base::fail(base::Errc::auth_failed, "wrong password"));
    }
  }
}

}  // namespace actors
