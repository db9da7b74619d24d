// Deadlines for single Asio operations inside coroutines, and the "no exceptions" completion token we use.
//
// STYLE.md: where an Asio failure is expected (EOF, timeout) we use as_tuple(use_awaitable), so the error arrives as
// a value. with_timeout() runs one operation with a deadline: when it passes, the operation gets a terminal
// cancellation and completes with asio::error::operation_aborted. After a terminal cancellation the I/O object may be
// in an unspecified state for that direction: treat the connection as dead (a final write, such as an IMAP BYE, is
// still attempted by sessions and works with our streams; see Connection).
#pragma once

#include <chrono>
#include <memory>
#include <system_error>
#include <tuple>
#include <utility>

#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace net {

// co_await op(..., nothrow_awaitable) yields std::tuple<std::error_code, ...> instead of throwing.
inline constexpr auto nothrow_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

// The cancellation handle of one operation, shared by the operation, its deadline timer and whoever may abort it
// (Connection::close, Listener::close_all). Strand only: every member is touched on the operation's executor.
struct OpCancel {
  asio::cancellation_signal signal;
  bool done = false;    // the operation completed; later cancel() calls do nothing
  bool fired = false;   // the deadline passed and cancelled the operation
  bool caller = false;  // the awaiting coroutine was cancelled, and so the operation

  // Cancels the operation (terminal) if it is still running. Strand only.
  void cancel() {
    if (!done) signal.emit(asio::cancellation_type::terminal);
  }
};

// What with_timeout returns: the operation's own result tuple (error_code first) and whether the deadline ended it.
template <class Tuple>
struct Timed {
  Tuple result;
  bool timed_out = false;  // true only when the deadline passed *and* the operation failed because of it
  bool cancelled = false;  // the awaiting coroutine's own cancellation ended it (and the deadline did not)
};

// The token with_timeout hands to `op`: nothrow_awaitable bound to the handle's cancellation slot.
using TimedToken = decltype(asio::bind_cancellation_slot(std::declval<asio::cancellation_slot>(), nothrow_awaitable));

// Runs `op(token)` (which must start exactly one asynchronous operation with `token` and return its awaitable,
// whose tuple starts with std::error_code) with a deadline `limit` (zero or negative: no deadline). `handle` lets
// someone else cancel the operation meanwhile. Cancellation of the awaiting coroutine (for example by `||` from
// asio::experimental::awaitable_operators) is passed on to the operation as a terminal cancellation. Must be awaited
// on the strand that owns the I/O object.
template <class Op>
auto with_timeout(std::chrono::steady_clock::duration limit, Op op,
                  std::shared_ptr<OpCancel> handle = std::make_shared<OpCancel>())
    -> asio::awaitable<Timed<typename decltype(op(std::declval<TimedToken>()))::value_type>> {
  using Tuple = typename decltype(op(std::declval<TimedToken>()))::value_type;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  if (limit > limit.zero()) {
    timer.expires_after(limit);
    // The handler runs on the timer's executor (this strand). It holds the handle, not the frame: the timer may
    // complete after this coroutine has returned, and must then do nothing.
    timer.async_wait([handle](std::error_code ec) {
      if (ec || handle->done) return;
      handle->fired = true;
      handle->signal.emit(asio::cancellation_type::terminal);
    });
  }
  // The operation is bound to our own signal, so the coroutine's cancellation slot would not reach it: forward.
  asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  asio::cancellation_slot outer = state.slot();
  if (outer.is_connected()) {
    outer.assign([handle](asio::cancellation_type) {
      if (handle->done) return;
      handle->caller = true;
      handle->signal.emit(asio::cancellation_type::terminal);
    });
  }
  Tuple result = co_await op(asio::bind_cancellation_slot(handle->signal.slot(), nothrow_awaitable));
  handle->done = true;
  if (outer.is_connected()) outer.clear();
  timer.cancel();
  const bool failed = static_cast<bool>(std::get<0>(result));
  const bool timed_out = failed && handle->fired;
  co_return Timed<Tuple>{std::move(result), timed_out, failed && !timed_out && handle->caller};
}

}  // namespace net
