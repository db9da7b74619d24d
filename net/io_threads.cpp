#include "net/io_threads.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace net {
namespace {

unsigned pick_threads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

}  // namespace

IoThreads::IoThreads(unsigned threads)
    : io_(static_cast<int>(pick_threads(threads))), size_(pick_threads(threads)) {}

IoThreads::~IoThreads() {
  stop();
  join();
}

void IoThreads::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  work_.emplace(io_.get_executor());
  running_ = size_;
  for (unsigned i = 0; i < size_; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          io_.run();
          std::lock_guard exit_lock(mu_);
          --running_;
          exited_.notify_all();
          return;
        } catch (const std::exception& e) {
          // Handlers should not throw (sessions catch at their top); one that does must not take the daemon down.
          spdlog::error("I/O thread: unhandled exception: {}", e.what());
        } catch (...) {
          spdlog::error("I/O thread: unhandled non-standard exception");
        }
      }
    });
  }
}

void IoThreads::stop() {
  std::lock_guard lock(mu_);
  work_.reset();
}

void IoThreads::force_stop() { io_.stop(); }

void IoThreads::join() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();  // joining itself would deadlock; documented as a caller error
      continue;
    }
    t.join();
  }
}

bool IoThreads::join_for(std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(mu_);
    if (!exited_.wait_for(lock, timeout, [this] { return running_ == 0; })) return false;
  }
  join();
  return true;
}

}  // namespace net
