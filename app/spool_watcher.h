// SpoolWatcher: while an account is open in the daemon, deliveries made by other processes (`sealbox deliver`, run
// by the MTA) must reach its IDLE-ing sessions at once. The daemon watches each open account's spool/ directory
// with inotify: a delivery lands there by rename (store/delivery.h), which is IN_MOVED_TO, and the registry is told
// (actors::Registry::delivered), which has the account import it. LMTP deliveries tell the registry directly.
//
// watch()/unwatch() are called by the registry's account observer from pool threads: thread-safe. Events are read
// on the I/O context. A missed event costs nothing but latency: every login imports the whole spool anyway.
#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "actors/registry.h"
#include "base/result.h"
#include "store/layout.h"

namespace app {

class SpoolWatcher : public std::enable_shared_from_this<SpoolWatcher> {
 public:
  // Errors: io (inotify unavailable).
  static base::Result<std::shared_ptr<SpoolWatcher>> start(asio::io_context& io, store::Root root,
                                                           actors::Registry& registry);
  ~SpoolWatcher();

  void watch(const std::string& user);
  void unwatch(const std::string& user);
  void stop();  // cancels the read; later events are ignored

 private:
  SpoolWatcher(asio::io_context& io, int fd, store::Root root, actors::Registry& registry);
  void read();
  void dispatch(std::size_t bytes);

  asio::posix::stream_descriptor descriptor_;
  int fd_;
  store::Root root_;
  actors::Registry& registry_;
  std::mutex mutex_;
  std::map<int, std::string> users_;  // watch descriptor -> user
  std::map<std::string, int> watches_;
  alignas(8) std::array<char, 64 * 1024> buffer_{};
};

}  // namespace app
