#include "app/spool_watcher.h"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace app {

base::Result<std::shared_ptr<SpoolWatcher>> SpoolWatcher::start(asio::io_context& io, store::Root root,
                                                                 actors::Registry& registry) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return base::fail(base::Errc::io, std::string("inotify_init1: ") + std::strerror(errno));
  std::shared_ptr<SpoolWatcher> watcher(new SpoolWatcher(io, fd, std::move(root), registry));
  watcher->read();
  return watcher;
}

SpoolWatcher::SpoolWatcher(asio::io_context& io, int fd, store::Root root, actors::Registry& registry)
    : descriptor_(io, fd), fd_(fd), root_(std::move(root)), registry_(registry) {}

SpoolWatcher::~SpoolWatcher() = default;  // the descriptor closes the inotify fd

void SpoolWatcher::watch(const std::string& user) {
  auto spool = root_.user(user).spool();
  int wd = ::inotify_add_watch(fd_, spool.c_str(), IN_MOVED_TO | IN_ONLYDIR);
  if (wd < 0) {
    spdlog::warn("account {}: cannot watch its spool ({}); deliveries by `sealbox deliver` wait for the next login",
                 user, std::strerror(errno));
    return;
  }
  std::lock_guard lock(mutex_);
  users_[wd] = user;
  watches_[user] = wd;
}

void SpoolWatcher::unwatch(const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = watches_.find(user);
  if (it == watches_.end()) return;
  ::inotify_rm_watch(fd_, it->second);
  users_.erase(it->second);
  watches_.erase(it);
}

void SpoolWatcher::stop() {
  asio::error_code ignored;
  descriptor_.cancel(ignored);
}

void SpoolWatcher::read() {
  descriptor_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](std::error_code ec, std::size_t n) {
    if (ec) {
      if (ec != asio::error::operation_aborted) spdlog::error("spool watcher stopped: {}", ec.message());
      return;
    }
    self->dispatch(n);
    self->read();
  });
}

void SpoolWatcher::dispatch(std::size_t bytes) {
  std::vector<std::string> delivered;
  for (std::size_t at = 0; at + sizeof(inotify_event) <= bytes;) {
    inotify_event event;
    std::memcpy(&event, buffer_.data() + at, sizeof event);
    at += sizeof(inotify_event) + event.len;
    if (event.mask & IN_Q_OVERFLOW) {  // events were lost: every watched account looks at its spool
      std::lock_guard lock(mutex_);
      for (const auto& [user, wd] : watches_) delivered.push_back(user);
      continue;
    }
    if (!(event.mask & IN_MOVED_TO)) continue;
    std::lock_guard lock(mutex_);
    auto it = users_.find(event.wd);
    if (it != users_.end() && (delivered.empty() || delivered.back() != it->second)) delivered.push_back(it->second);
  }
  for (const auto& user : delivered) registry_.delivered(user);
}

}  // namespace app
