// Schedulers: where actor drains and CPU-heavy jobs run.
//
// ArenaScheduler runs them on a oneTBB task_arena (the work pool, DESIGN.md §2). ManualScheduler queues them until
// a test runs them, one at a time on the test thread, so actor tests are deterministic and need no sleeps (CAF's
// test coordinator). Neither promises FIFO order across tasks: actors get their order from their own queues.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include <tbb/task_arena.h>

#include "actors/runtime/unique_function.h"

namespace actors {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs task later on some worker. Thread-safe.
  virtual void schedule(UniqueFunction<void()> task) = 0;
};

class ArenaScheduler final : public Scheduler {
 public:
  explicit ArenaScheduler(int threads);  // threads <= 0: one per core
  ~ArenaScheduler() override;            // waits for tasks in flight

  void schedule(UniqueFunction<void()> task) override;
  // Blocks until no task is queued or running. For shutdown; never call it from a pool thread.
  void wait_idle();
  int concurrency() const { return arena_.max_concurrency(); }

 private:
  tbb::task_arena arena_;
  std::atomic<std::size_t> in_flight_{0};
  std::mutex mutex_;
  std::condition_variable idle_;
};

class ManualScheduler final : public Scheduler {
 public:
  void schedule(UniqueFunction<void()> task) override;  // thread-safe
  bool run_one();            // runs the oldest queued task; false if none
  std::size_t run_all();     // runs tasks (including ones they schedule) until none is left; returns how many
  std::size_t pending() const;

 private:
  mutable std::mutex mutex_;
  std::deque<UniqueFunction<void()>> tasks_;
};

}  // namespace actors
