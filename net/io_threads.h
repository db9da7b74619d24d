// IoThreads: the one asio::io_context of the daemon and the threads that run it (DESIGN.md §2).
//
// Nothing blocking runs on these threads: no disk, no Argon2, no bulk crypto (those go to the work arena).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

namespace net {

class IoThreads {
 public:
  // An io_context for `threads` threads (0: std::thread::hardware_concurrency(), at least 1). No thread runs until
  // start(). Does not throw except std::bad_alloc.
  explicit IoThreads(unsigned threads = 0);
  // stop() then join(). Must not run on one of its own threads.
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // The context, for I/O objects, listeners and co_spawn. Lives as long as this object. Thread-safe.
  asio::io_context& context() { return io_; }
  // Shorthand for context().get_executor(). Thread-safe.
  asio::io_context::executor_type executor() { return io_.get_executor(); }
  // The number of threads start() runs.
  unsigned size() const { return size_; }

  // Starts the threads; they run until stop() and the work runs out, or force_stop(). A second call does nothing.
  // An exception escaping a handler is logged (error level) and that thread goes on running the context.
  // Thread-safe.
  void start();
  // Graceful: lets the threads exit once no work is left (pending accepts, reads, timers and posted handlers all
  // count as work). So close listeners (Listener::stop) and connections (Listener::close_all) first, or the
  // threads keep running. Handlers already queued run to completion. Thread-safe, also from an I/O thread.
  void stop();
  // Hard: io_context::stop(); threads return after their current handler, leaving other handlers unrun (pending
  // coroutines are destroyed with the context). For a shutdown whose grace period ran out. Thread-safe.
  void force_stop();
  // Waits for every thread to exit. Call from a thread that is not one of them (it would wait for itself).
  void join();
  // Waits up to `timeout` for every thread to exit: true (and the threads joined) if they did, false if some still
  // run (then force_stop() and join(), or wait again). Same caller rule as join().
  bool join_for(std::chrono::milliseconds timeout);

 private:
  asio::io_context io_;
  unsigned size_;
  std::mutex mu_;  // guards work_, threads_ and running_
  std::condition_variable exited_;
  unsigned running_ = 0;  // threads started and not yet returned from run()
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  bool started_ = false;
};

}  // namespace net
