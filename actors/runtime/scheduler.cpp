#include "actors/runtime/scheduler.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace actors {

ArenaScheduler::ArenaScheduler(int threads)
    : arena_(threads > 0 ? threads : tbb::task_arena::automatic) {
  arena_.initialize();
}

ArenaScheduler::~ArenaScheduler() { wait_idle(); }

void ArenaScheduler::schedule(UniqueFunction<void()> task) {
  in_flight_.fetch_add(1);
  arena_.enqueue([this, t = std::move(task)] {
    try {
      t();
    } catch (const std::exception& e) {
      // Actors catch their own handler exceptions; reaching here is a bug in a pool job.
      spdlog::error("uncaught exception in a pool task: {}", e.what());
    } catch (...) {
      spdlog::error("uncaught non-standard exception in a pool task");
    }
    if (in_flight_.fetch_sub(1) == 1) {
      std::lock_guard lock(mutex_);
      idle_.notify_all();
    }
  });
}

void ArenaScheduler::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return in_flight_.load() == 0; });
}

void ManualScheduler::schedule(UniqueFunction<void()> task) {
  std::lock_guard lock(mutex_);
  tasks_.push_back(std::move(task));
}

bool ManualScheduler::run_one() {
  UniqueFunction<void()> task;
  {
    std::lock_guard lock(mutex_);
    if (tasks_.empty()) return false;
    task = std::move(tasks_.front());
    tasks_.pop_front();
  }
  task();
  return true;
}

std::size_t ManualScheduler::run_all() {
  std::size_t n = 0;
  while (run_one()) ++n;
  return n;
}

std::size_t ManualScheduler::pending() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

}  // namespace actors
