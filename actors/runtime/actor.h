// Actor<Derived, Message>: a mailbox of messages drained by one pool thread at a time (DESIGN.md §2, STYLE.md).
//
//   tell(m)   pushes m (thread-safe) and schedules a drain if the actor was idle.
//   ask(r, t) is an Asio asynchronous operation: it fills r.reply with a Promise whose fulfilment is dispatched to
//             the completion handler's associated executor (a session's strand), then tells r. So a session writes
//             `auto reply = co_await actor->ask(Store{...}, asio::use_awaitable);`. Request types declare
//             `using Reply = base::Result<X>;` and a member `actors::Promise<Reply> reply;`.
//   drain     handles up to kMaxBatch messages, calls commit_batch() once (group commit: one fsync for the batch),
//             then runs what handlers deferred with after_commit() (replies, notifications), then re-checks the
//             queue so no wake-up is lost. Order comes from the queue, never from the scheduler.
//
// Handlers must not block (no waits, sleeps or asks answered synchronously), must not throw (a throw is caught: the
// actor is marked poisoned and the request's Promise replies Errc::internal), and must not touch sockets.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/dispatch.hpp>
#include <asio/executor_work_guard.hpp>
#include <spdlog/spdlog.h>
#include <tbb/concurrent_queue.h>

#include "actors/runtime/promise.h"
#include "actors/runtime/scheduler.h"

namespace actors {

template <class Derived, class Message>
class Actor : public std::enable_shared_from_this<Derived> {
 public:
  static constexpr int kMaxBatch = 64;  // bounds one drain so a busy actor cannot starve the others

  explicit Actor(Scheduler& scheduler) : scheduler_(scheduler) {}
  virtual ~Actor() = default;
  Actor(const Actor&) = delete;
  Actor& operator=(const Actor&) = delete;

  // Thread-safe.
  void tell(Message message) {
    queue_.push(std::move(message));
    if (!scheduled_.exchange(true)) schedule();
  }

  // Thread-safe. See the file comment.
  template <class Request, class Token>
  auto ask(Request request, Token&& token) {
    using Reply = typename Request::Reply;
    return asio::async_initiate<Token, void(Reply)>(
        [self = this->shared_from_this()](auto handler, Request req) {
          auto work = asio::make_work_guard(handler);
          req.reply = Promise<Reply>([h = std::move(handler), w = std::move(work)](Reply r) mutable {
            auto ex = asio::get_associated_executor(h, w.get_executor());
            asio::dispatch(ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
            w.reset();
          });
          self->tell(Message(std::move(req)));
        },
        token, std::move(request));
  }

  bool poisoned() const { return poisoned_.load(); }

 protected:
  // Handles one message. Runs on one pool thread at a time (the owning actor).
  virtual void handle(Message& message) = 0;
  // Makes the batch's changes durable, before after_commit() work runs. Owning actor only.
  virtual void commit_batch() {}
  // Defers fn (a reply, a notification) until after this batch's commit_batch(). Owning actor only.
  void after_commit(UniqueFunction<void()> fn) { deferred_.push_back(std::move(fn)); }
  // Marks the actor unusable for writes after an unrecoverable failure (a failed fsync, a thrown handler).
  void poison() { poisoned_.store(true); }

 private:
  void schedule() {
    scheduler_.schedule([self = this->shared_from_this()] { self->drain(); });
  }

  void drain() {
    Message message;
    for (int n = 0; n < kMaxBatch && queue_.try_pop(message); ++n) {
      try {
        handle(message);
      } catch (const std::exception& e) {
        spdlog::error("actor handler threw: {}", e.what());
        poison();
      } catch (...) {
        spdlog::error("actor handler threw a non-standard exception");
        poison();
      }
      message = Message();  // drop what the handler left (an unfulfilled Promise replies internal)
    }
    commit_batch();
    auto deferred = std::move(deferred_);
    deferred_.clear();
    for (auto& fn : deferred) fn();
    scheduled_.store(false);
    // A tell() that found scheduled_ true after our last try_pop relies on this re-check.
    if (!queue_.empty() && !scheduled_.exchange(true)) schedule();
  }

  Scheduler& scheduler_;
  tbb::concurrent_queue<Message> queue_;
  std::atomic<bool> scheduled_{false};
  std::atomic<bool> poisoned_{false};
  std::vector<UniqueFunction<void()>> deferred_;
};

// Runs fn() -> Reply on the scheduler and completes token with its result on the caller's executor: how sessions
// push CPU-heavy work (Argon2id, decrypting a large body, Brotli) off their I/O thread.
template <class Reply, class Fn, class Token>
auto run_on_pool(Scheduler& scheduler, Fn fn, Token&& token) {
  return asio::async_initiate<Token, void(Reply)>(
      [&scheduler](auto handler, Fn f) {
        auto work = asio::make_work_guard(handler);
        scheduler.schedule([h = std::move(handler), w = std::move(work), f = std::move(f)]() mutable {
          Reply r = f();
          auto ex = asio::get_associated_executor(h, w.get_executor());
          asio::dispatch(ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
          w.reset();
        });
      },
      token, std::move(fn));
}

}  // namespace actors
