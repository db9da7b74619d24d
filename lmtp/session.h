// The LMTP server in `sealbox serve` (RFC 2033; DESIGN.md §5): one coroutine per connection on its strand, built
// on the pure protocol layer (lmtp/protocol/). Listens where [lmtp] listen says: loopback TCP or a UNIX socket,
// never TLS (the MTA is local).
//
// Delivery is the one path shared with `sealbox deliver` (store::Delivery): for each distinct account among the
// accepted recipients, the message is sealed to the account's current delivery key and written to its spool; only
// once that is durable does the recipient get 250, and the registry is told, so an open account imports it at once
// and its IDLE-ing sessions see EXISTS. Recipients of one message are written in parallel on the work pool. A
// failure to store for one account answers 451 4.3.0 for its recipients (the MTA retries them) without touching
// the others. Nothing blocking runs on the I/O thread: account lookups and deliveries are pool jobs.
//
// The message is held in memory while it arrives (at most lmtp.max_message_bytes, advertised as SIZE): the price
// of sealing it once per recipient account without re-reading it. A client that goes away before the end of DATA
// or BDAT LAST leaves nothing behind (nothing touches the disk before the message is complete).
#pragma once

#include <asio/awaitable.hpp>
#include <atomic>
#include <memory>

#include "actors/registry.h"
#include "config/config.h"
#include "net/connection.h"

namespace lmtp {

class Server {
 public:
  Server(actors::Registry& registry, actors::Scheduler& pool, const config::Config& config);

  // The Listener's handler: runs one session to its end.
  asio::awaitable<void> serve(std::shared_ptr<net::Connection> connection);

  actors::Registry& registry() { return registry_; }
  actors::Scheduler& pool() { return pool_; }
  const config::Config& config() const { return config_; }
  std::uint64_t next_session_id() { return next_id_.fetch_add(1) + 1; }

  // How long a client may stay silent (RFC 5321 §4.5.3.2 suggests 5 minutes for commands, 10 for data blocks).
  static constexpr std::chrono::seconds kIdleTimeout{600};

 private:
  actors::Registry& registry_;
  actors::Scheduler& pool_;
  const config::Config& config_;
  std::atomic<std::uint64_t> next_id_{0};
};

}  // namespace lmtp
