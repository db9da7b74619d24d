// Registry: the process-wide map from user name to live AccountActor, and the login procedure.
//
// A login of an account with no live actor runs Argon2id (store::Account::open) on the work pool and creates the
// AccountActor. Concurrent logins of the same user while it is being unlocked wait for that attempt instead of
// running Argon2id in parallel (the account lock allows one opener). Further logins while the actor lives use its
// fast password check. Every login imports pending deliveries before it completes.
//
// Closing and reopening: when the last session lets go, the account actor goes, but its mailbox actors may still
// be finishing a batch, holding the store::Account (and its lock). A login in that window waits until that
// generation is gone (the Account's deleter tells the registry) instead of failing on its own lock — and never
// opens a second writer of the same journals.
// The registry holds actors only through weak_ptr: an account is closed (its keys wiped, its lock released) when
// the last session lets go of it. A leaf utility with one mutex; thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "actors/account_actor.h"
#include "crypto/secret.h"
#include "store/layout.h"

namespace actors {

class Registry {
 public:
  Registry(store::Root root, Scheduler& scheduler);

  using LoginReply = base::Result<std::shared_ptr<AccountActor>>;
  // Completes `done` on an arbitrary thread (callers wrap it to get back to their executor). Errors: no_such_user,
  // auth_failed, busy (the account is open in another process), corrupt, io.
  void login(std::string user, crypto::SecretBytes password, UniqueFunction<void(LoginReply)> done);

  // Asio-style wrapper: completes on the token's executor.
  template <class Token>
  auto async_login(std::string user, crypto::SecretBytes password, Token&& token) {
    return asio::async_initiate<Token, void(LoginReply)>(
        [this](auto handler, std::string u, crypto::SecretBytes p) {
          auto work = asio::make_work_guard(handler);
          login(std::move(u), std::move(p), [h = std::move(handler), w = std::move(work)](LoginReply r) mutable {
            auto ex = asio::get_associated_executor(h, w.get_executor());
            asio::dispatch(ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
            w.reset();
          });
        },
        token, std::move(user), std::move(password));
  }

  // A delivery for `user` is durable in its spool: if the account is open it is imported now (IDLE-ing sessions
  // see it at once), otherwise at the next login. Thread-safe; never blocks.
  void delivered(const std::string& user);

  // Told (on any thread, without the registry's lock) when an account opens (true) and when it has closed (false),
  // so the daemon can watch open accounts' spools for deliveries made by other processes (`sealbox deliver`).
  // Set once, before the first login.
  void set_account_observer(std::function<void(const std::string& user, bool open)> observer) {
    observer_ = std::move(observer);
  }

  // Delivery key rotation period (config keys.rotation_days). Every account rotates when it opens if its epoch is
  // over; rotate_keys() has every open account check (the daemon calls it periodically). Set before the first login.
  void set_key_rotation(std::chrono::seconds period) { rotation_period_ = period; }
  void rotate_keys();

  Scheduler& scheduler() { return scheduler_; }
  const store::Root& root() const { return root_; }

 private:
  struct Waiter {
    crypto::SecretBytes password;
    UniqueFunction<void(LoginReply)> done;
  };
  struct Slot {
    std::weak_ptr<AccountActor> actor;
    bool opening = false;      // an Account::open is running for this user
    int open_accounts = 0;     // store::Account objects of this user still alive (0 or 1)
    std::vector<Waiter> waiters;
  };
  void start_open(const std::string& user, Waiter first);
  void opened(const std::string& user, Waiter first, LoginReply result);
  void account_closed(const std::string& user);
  // Imports pending deliveries, then completes the login with the actor.
  void import_then_finish(std::shared_ptr<AccountActor> actor, UniqueFunction<void(LoginReply)> done);

  store::Root root_;
  Scheduler& scheduler_;
  std::mutex mutex_;
  std::map<std::string, Slot> slots_;
  std::function<void(const std::string&, bool)> observer_;
  std::chrono::seconds rotation_period_{std::chrono::hours(24 * 30)};
};

}  // namespace actors
