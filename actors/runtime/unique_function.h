// UniqueFunction<R(Args...)>: a move-only std::function, so callables that own move-only state (an Asio completion
// handler, a work guard, a staged file) can be queued. std::move_only_function arrives with C++23.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace actors {

template <class Signature>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
 public:
  UniqueFunction() = default;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, UniqueFunction>>>
  UniqueFunction(F&& f) : impl_(std::make_unique<Model<std::decay_t<F>>>(std::forward<F>(f))) {}  // NOLINT

  explicit operator bool() const { return impl_ != nullptr; }
  // const so that oneTBB's task wrappers, which hold their functor const, can call it; the callable itself may
  // still change its own state.
  R operator()(Args... args) const { return impl_->call(std::forward<Args>(args)...); }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual R call(Args... args) = 0;
  };
  template <class F>
  struct Model final : Concept {
    explicit Model(F f) : fn(std::move(f)) {}
    R call(Args... args) override { return fn(std::forward<Args>(args)...); }
    F fn;
  };
  std::unique_ptr<Concept> impl_;
};

}  // namespace actors
