#include "net/listener.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>
#include <unordered_map>

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "net/listener_bind.h"
#include "net/timeout.h"

namespace net {

struct Listener::State {
  State(asio::io_context& context, asio::ssl::context* tls_context, Handler h, Limits l)
      : io(context), tls(tls_context), handler(std::move(h)), limits(l) {}

  asio::io_context& io;
  asio::ssl::context* const tls;  // null: plain listener
  const Handler handler;
  const Limits limits;
  std::vector<detail::BoundAcceptor> acceptors;  // set before the accept loops start; immutable after
  std::atomic<std::size_t> active{0};
  std::atomic<bool> stopping{false};

  std::mutex mu;                                                    // guards live and closing
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> live;  // by Connection::id
  bool closing = false;                                             // close_all() ran: abort newcomers too
};

namespace {

using State = Listener::State;

// Keeps active() honest on every path out of a connection coroutine.
struct ActiveCount {
  explicit ActiveCount(std::shared_ptr<State> s) : state(std::move(s)) {}
  ~ActiveCount() { state->active.fetch_sub(1); }
  ActiveCount(const ActiveCount&) = delete;
  ActiveCount& operator=(const ActiveCount&) = delete;
  std::shared_ptr<State> state;
};

std::string peer_text(const asio::ip::tcp::socket& socket) {
  std::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  const auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(ep.port());
}

// Logs what escapes a coroutine (run_connection catches the handler's own exceptions; this is the last resort).
void log_escaped(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("listener: unhandled exception: {}", x.what());
  } catch (...) {
    spdlog::error("listener: unhandled non-standard exception");
  }
}

std::shared_ptr<Connection> make_connection(State& st, asio::ip::tcp::socket socket) {
  std::string peer = peer_text(socket);
  if (st.tls != nullptr) {
    return std::make_shared<Connection>(Connection::Stream(std::in_place_type<TlsStream>, std::move(socket), *st.tls),
                                        std::move(peer));
  }
  return std::make_shared<Connection>(Connection::Stream(std::move(socket)), std::move(peer));
}

std::shared_ptr<Connection> make_connection(State&, UnixSocket socket, const std::string& where) {
  return std::make_shared<Connection>(Connection::Stream(std::move(socket)), where);
}

// Registers for close_all(); false when close_all() already ran (the caller aborts the connection).
bool enroll(State& st, const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(st.mu);
  st.live.emplace(conn->id(), conn);
  return !st.closing;
}

void withdraw(State& st, const Connection& conn) {
  std::lock_guard lock(st.mu);
  st.live.erase(conn.id());
}

asio::awaitable<void> run_connection(std::shared_ptr<State> st, std::shared_ptr<Connection> conn) {
  ActiveCount count(st);
  spdlog::debug("conn {}: opened from {}", conn->id(), conn->peer());
  if (!enroll(*st, conn)) conn->abort();
  auto handshake = co_await conn->handshake(st->limits.handshake_timeout);
  if (!handshake) {
    // Scanners and clients with old TLS versions land here: debug, not warning, so they cannot flood the log.
    spdlog::debug("conn {}: {}: {}", conn->id(), conn->peer(), handshake.error().detail);
    conn->abort();
  } else {
    try {
      co_await st->handler(conn);
    } catch (const std::exception& e) {
      spdlog::error("conn {}: session failed: {}", conn->id(), e.what());
    }
    co_await conn->close();
  }
  withdraw(*st, *conn);
  spdlog::debug("conn {}: closed ({})", conn->id(), conn->peer());
}

// Errors that mean "the process is out of descriptors or memory": back off instead of spinning on accept.
bool resource_exhausted(const std::error_code& ec) {
  return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
         ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

template <class Acceptor>
asio::awaitable<void> accept_loop(std::shared_ptr<State> st, std::shared_ptr<Acceptor> acceptor, std::string where) {
  for (;;) {
    // The new socket is bound to a fresh strand: the connection's whole life runs there.
    auto [ec, socket] =
        co_await acceptor->async_accept(asio::any_io_executor(asio::make_strand(st->io)), nothrow_awaitable);
    if (st->stopping.load() || !acceptor->is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      spdlog::warn("listener {}: accept failed: {}", where, ec.message());
      if (resource_exhausted(ec)) {
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(100));
        co_await pause.async_wait(nothrow_awaitable);
      }
      continue;
    }
    if (st->active.load() >= st->limits.max_connections) {
      spdlog::warn("listener {}: {} connections active (the limit); refusing a new one", where,
                   st->limits.max_connections);
      std::error_code ignored;
      socket.close(ignored);
      continue;
    }
    st->active.fetch_add(1);
    std::shared_ptr<Connection> conn;
    if constexpr (std::is_same_v<Acceptor, asio::ip::tcp::acceptor>) {
      // Sessions write each response in one piece; Nagle would only hold it back for a delayed ACK (40 ms).
      std::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      conn = make_connection(*st, std::move(socket));
    } else {
      conn = make_connection(*st, std::move(socket), where);
    }
    auto executor = conn->executor();
    asio::co_spawn(executor, run_connection(st, std::move(conn)), log_escaped);
  }
}

}  // namespace

base::Result<std::unique_ptr<Listener>> Listener::start(asio::io_context& io,
                                                        const std::vector<config::ListenAddress>& addresses,
                                                        TlsContext& tls, Handler handler, Limits limits) {
  for (const auto& a : addresses) {
    if (a.kind != config::ListenAddress::Kind::tcp) {
      return base::fail(base::Errc::invalid_argument, "TLS listeners need a TCP address: " + a.text);
    }
  }
  return open(io, addresses, &tls.native(), std::move(handler), limits);
}

base::Result<std::unique_ptr<Listener>> Listener::start_plain(asio::io_context& io,
                                                              const std::vector<config::ListenAddress>& addresses,
                                                              Handler handler, Limits limits) {
  return open(io, addresses, nullptr, std::move(handler), limits);
}

base::Result<std::unique_ptr<Listener>> Listener::open(asio::io_context& io,
                                                       const std::vector<config::ListenAddress>& addresses,
                                                       asio::ssl::context* tls, Handler handler, Limits limits) {
  if (addresses.empty()) return base::fail(base::Errc::invalid_argument, "no listen addresses");
  if (!handler) return base::fail(base::Errc::invalid_argument, "listener without a handler");
  auto st = std::make_shared<State>(io, tls, std::move(handler), limits);
  // Bind everything before accepting anything: a failure leaves nothing half-started.
  for (const auto& a : addresses) {
    auto bound = a.kind == config::ListenAddress::Kind::tcp ? detail::bind_tcp(io, a) : detail::bind_unix(io, a);
    if (!bound) {
      std::error_code ignored;
      for (const auto& done : st->acceptors) {
        if (!done.unix_path.empty()) std::filesystem::remove(done.unix_path, ignored);
      }
      return std::move(bound).error();
    }
    st->acceptors.push_back(std::move(*bound));
  }
  const char* kind = tls != nullptr ? "TLS" : "plain";
  for (const auto& a : st->acceptors) {
    spdlog::info("listening ({}) on {}", kind, a.text);
    if (a.tcp) {
      asio::co_spawn(a.tcp->get_executor(), accept_loop(st, a.tcp, a.text), log_escaped);
    } else {
      asio::co_spawn(a.unix->get_executor(), accept_loop(st, a.unix, a.text), log_escaped);
    }
  }
  return std::unique_ptr<Listener>(new Listener(std::move(st)));
}

Listener::~Listener() { stop(); }

std::vector<std::uint16_t> Listener::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& a : state_->acceptors) out.push_back(a.port);
  return out;
}

std::vector<std::string> Listener::addresses() const {
  std::vector<std::string> out;
  for (const auto& a : state_->acceptors) out.push_back(a.text);
  return out;
}

std::size_t Listener::active() const { return state_->active.load(); }

void Listener::stop() {
  if (state_->stopping.exchange(true)) return;
  for (const auto& a : state_->acceptors) {
    // Closing on the acceptor's own strand: its accept loop may be starting an accept on another thread.
    if (a.tcp) {
      asio::post(a.tcp->get_executor(), [acceptor = a.tcp] {
        std::error_code ignored;
        acceptor->close(ignored);
      });
    } else {
      asio::post(a.unix->get_executor(), [acceptor = a.unix] {
        std::error_code ignored;
        acceptor->close(ignored);
      });
      // Removing the name at once makes new LMTP clients fail fast, even before the close runs.
      std::error_code ignored;
      std::filesystem::remove(a.unix_path, ignored);
    }
  }
}

void Listener::close_all() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(state_->mu);
    state_->closing = true;
    for (const auto& [id, weak] : state_->live) {
      if (auto conn = weak.lock()) live.push_back(std::move(conn));
    }
  }
  for (auto& conn : live) {
    auto executor = conn->executor();
    asio::post(executor, [conn = std::move(conn)] { conn->abort(); });
  }
}

}  // namespace net
