// Promise<Result<T>>: the reply channel inside an actor request. Fulfilled exactly once, from whichever thread the
// actor runs on; the callback it wraps decides where the reply goes (ask() dispatches to the asker's executor).
// A Promise destroyed unfulfilled (a request dropped by a failing actor) replies Errc::internal, so no asker can
// wait forever.
#pragma once

#include <utility>

#include "actors/runtime/unique_function.h"
#include "base/result.h"

namespace actors {

template <class Reply>
class Promise {
 public:
  Promise() = default;
  explicit Promise(UniqueFunction<void(Reply)> fn) : fn_(std::move(fn)) {}
  Promise(Promise&& o) noexcept : fn_(std::exchange(o.fn_, {})) {}
  Promise& operator=(Promise&& o) noexcept {
    if (this != &o) {
      drop();
      fn_ = std::exchange(o.fn_, {});
    }
    return *this;
  }
  ~Promise() { drop(); }

  // Sends the reply. Later calls do nothing.
  void operator()(Reply reply) {
    if (auto fn = std::exchange(fn_, {})) fn(std::move(reply));
  }
  explicit operator bool() const { return static_cast<bool>(fn_); }

 private:
  void drop() {
    if (auto fn = std::exchange(fn_, {})) fn(Reply(base::fail(base::Errc::internal, "request dropped")));
  }
  UniqueFunction<void(Reply)> fn_;
};

}  // namespace actors
