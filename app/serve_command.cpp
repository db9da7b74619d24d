// sealbox serve: the daemon. sealbox demo: the daemon on a throwaway root with a self-signed certificate and a demo
// user, printing how to connect.
//
// Shutdown (SIGTERM or SIGINT): stop accepting, abort live connections (their sessions unwind; an APPEND in flight
// is discarded, never half-stored), stop the I/O threads, then wait for the work pool: every actor drain that was
// queued runs to its commit, so nothing acknowledged is lost and nothing queued is dropped.
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <future>

#include "actors/registry.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/spool_watcher.h"
#include "crypto/random.h"
#include "imap/session/session.h"
#include "lmtp/session.h"
#include "net/io_threads.h"
#include "net/listener.h"
#include "net/self_signed.h"
#include "net/tls_context.h"
#include "store/account.h"
#include "store/delivery.h"
#include "store/fs.h"

namespace app {
namespace {

using Ready = std::function<void(std::uint16_t imaps_port, std::uint16_t lmtp_port)>;

constexpr std::chrono::seconds kGrace{2};      // commands in flight may finish
constexpr std::chrono::seconds kAbortWait{5};  // then aborted sessions have this long to unwind

int serve(const config::Config& cfg, const std::string& ports_file, const Ready& ready) {
  spdlog::set_level(spdlog::level::from_str(cfg.log.level));
  // A security setting that is silently ignored is worse than none: refuse what is not implemented yet.
  if (!cfg.security.system_user.empty() || !cfg.security.chroot.empty()) {
    return report(kExitConfig, "security.system_user and security.chroot are not implemented yet: remove them from "
                               "sealbox.toml and run sealbox under the account that should own the data");
  }
  auto tls = net::TlsContext::load(cfg.tls.certificate_chain, cfg.tls.private_key);
  if (!tls) return report(kExitConfig, tls.error().detail);

  actors::ArenaScheduler pool(0);
  actors::Registry registry(store::Root(cfg.root), pool);
  registry.set_key_rotation(std::chrono::hours(24) * cfg.keys.rotation_days);
  imap::session::Server server(registry, pool, cfg);
  lmtp::Server lmtp_server(registry, pool, cfg);
  net::IoThreads io(0);
  auto spool_watcher = SpoolWatcher::start(io.context(), store::Root(cfg.root), registry);
  if (!spool_watcher) return report(kExitUnavailable, spool_watcher.error().detail);
  registry.set_account_observer(
      [weak = std::weak_ptr<SpoolWatcher>(*spool_watcher)](const std::string& user, bool open) {
        if (auto watcher = weak.lock()) open ? watcher->watch(user) : watcher->unwatch(user);
      });
  auto listener = net::Listener::start(
      io.context(), cfg.imap.listen, *tls,
      [&server](std::shared_ptr<net::Connection> c) { return server.serve(std::move(c)); },
      net::ListenerLimits{cfg.imap.max_connections, std::chrono::seconds(30)});
  if (!listener) return report(kExitUnavailable, listener.error().detail);
  // LMTP: plain TCP (loopback by default) or UNIX sockets; none when [lmtp] listen is empty.
  std::unique_ptr<net::Listener> lmtp_listener;
  if (!cfg.lmtp.listen.empty()) {
    auto started = net::Listener::start_plain(
        io.context(), cfg.lmtp.listen,
        [&lmtp_server](std::shared_ptr<net::Connection> c) { return lmtp_server.serve(std::move(c)); },
        net::ListenerLimits{cfg.imap.max_connections, std::chrono::seconds(30)});
    if (!started) return report(kExitUnavailable, started.error().detail);
    lmtp_listener = std::move(*started);
    for (const auto& address : lmtp_listener->addresses()) spdlog::info("LMTP listening on {}", address);
  }
  std::uint16_t port = (*listener)->ports().front();
  std::uint16_t lmtp_port = 0;  // the first TCP LMTP listener's (UNIX sockets have none)
  if (lmtp_listener) {
    for (auto p : lmtp_listener->ports()) {
      if (p != 0) {
        lmtp_port = p;
        break;
      }
    }
  }
  if (!ports_file.empty()) {
    std::string text = "imaps=" + std::to_string(port) + "\n";
    if (lmtp_port != 0) text += "lmtp=" + std::to_string(lmtp_port) + "\n";
    std::filesystem::path path(ports_file);
    auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (auto w = store::write_file_durably(path, dir, base::as_bytes(text)); !w) return report(w.error());
  }
  for (const auto& address : (*listener)->addresses()) spdlog::info("IMAPS listening on {}", address);

  // Open accounts check their delivery key's epoch every hour (accounts also rotate when they open).
  asio::steady_timer rotation(io.context());
  std::function<void()> rotate_hourly = [&] {
    rotation.expires_after(std::chrono::hours(1));
    rotation.async_wait([&](std::error_code ec) {
      if (ec) return;
      registry.rotate_keys();
      rotate_hourly();
    });
  };
  rotate_hourly();
  // Shutdown: stop accepting; give commands in flight a grace period; then abort what is left; stop the I/O
  // threads (bounded); the pool then drains every queued actor batch to its commit.
  asio::signal_set signals(io.context(), SIGINT, SIGTERM);
  asio::steady_timer poll(io.context());
  auto deadline = std::chrono::steady_clock::time_point::max();
  bool aborted = false;
  std::promise<void> stopping;
  std::function<void()> wait_for_sessions = [&] {
    poll.expires_after(std::chrono::milliseconds(50));
    poll.async_wait([&](std::error_code) {
      auto now = std::chrono::steady_clock::now();
      const auto active = (*listener)->active() + (lmtp_listener ? lmtp_listener->active() : 0);
      if (active == 0 || now > deadline + kAbortWait) {
        io.stop();
        return stopping.set_value();
      }
      if (!aborted && now > deadline) {
        (*listener)->close_all();
        if (lmtp_listener) lmtp_listener->close_all();
        aborted = true;
      }
      wait_for_sessions();
    });
  };
  signals.async_wait([&](std::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    (*listener)->stop();
    if (lmtp_listener) lmtp_listener->stop();
    (*spool_watcher)->stop();
    rotation.cancel();
    deadline = std::chrono::steady_clock::now() + kGrace;
    wait_for_sessions();
  });
  io.start();
  if (ready) ready(port, lmtp_port);
  stopping.get_future().wait();
  // io.stop() lets the threads finish the work they have; a reply still owed by the pool must not hang us.
  if (!io.join_for(kAbortWait)) {
    io.force_stop();
    io.join();
  }
  listener->reset();
  lmtp_listener.reset();
  pool.wait_idle();
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace

int run_serve(const Globals& g, const std::string& ports_file) {
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  return serve(*cfg, ports_file, {});
}

int run_demo(const std::string& root_arg, const std::string& ports_file) {
  bool temporary = root_arg.empty();
  std::filesystem::path root = root_arg;
  if (temporary) {
    std::string tmpl = "/tmp/sealbox-demo-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return report(kExitIoErr, "cannot create a temporary directory");
    root = tmpl;
  } else if (std::filesystem::exists(root / "sealbox.toml")) {
    return report(kExitCantCreate, (root / "sealbox.toml").string() + " exists: give demo a new directory");
  }
  for (const auto& dir : {root, root / "tls", root / "users"}) {
    if (auto made = store::make_dirs(dir, false); !made) return report(made.error());
  }
  const char* demo_config =
      "# Written by `sealbox demo`: IMAPS and LMTP on free loopback ports, nothing else.\n"
      "[imap]\nlisten = [\"127.0.0.1:0\"]\n[lmtp]\nlisten = [\"127.0.0.1:0\"]\n[log]\nlevel = \"warn\"\n";
  if (auto w = store::write_file_durably(root / "sealbox.toml", root, base::as_bytes(std::string(demo_config))); !w) {
    return report(w.error());
  }
  auto cfg = config::load(root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  if (auto cert = net::make_self_signed(cfg->tls.certificate_chain, cfg->tls.private_key, {"localhost"},
                                        {"127.0.0.1"}, 30);
      !cert) {
    return report(cert.error());
  }
  std::string password = crypto::random_id().substr(0, 16);
  store::Root store_root(root);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  crypto::KdfParams kdf{cfg->security.kdf.passes, cfg->security.kdf.memory_mib * 1024};
  if (auto made = store::Account::create(store_root, "demo", password, kdf, now); !made) return report(made.error());
  // Sample mail arrives the way an MTA would deliver it: sealed to the user's public key, imported at login.
  const char* samples[][2] = {
      {"Welcome to Sealbox", "This message was sealed to your public key on delivery and is encrypted on disk.\r\n"},
      {"How it is stored", "Look under the data directory: random file names, no readable text, not even this "
                           "subject.\r\n"},
      {"8-bit content: d\xc3\xa9j\xc3\xa0 vu", "Bytes are kept exactly as delivered: \xe2\x9c\x89\xef\xb8\x8f\r\n"}};
  for (const auto& [subject, text] : samples) {
    std::string msg = std::string("From: Sealbox <postmaster@localhost>\r\nTo: demo@localhost\r\nSubject: ") + subject +
                      "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text;
    auto d = store::Delivery::begin(store_root, "demo", "", now, cfg->lmtp.max_message_bytes);
    if (!d) return report(d.error());
    if (auto w = d->write(base::as_bytes(msg)); !w) return report(w.error());
    if (auto c = d->commit(); !c) return report(c.error());
  }
  auto ready = [&](std::uint16_t port, std::uint16_t lmtp_port) {
    std::printf(
        "\nSealbox demo is running: IMAPS on 127.0.0.1:%u (implicit TLS, self-signed certificate), LMTP on "
        "127.0.0.1:%u.\n"
        "  user:     demo\n  password: %s\n  data:     %s%s\n  cert:     %s\n\n"
        "Connect with any IMAP client (accept the self-signed certificate), for example:\n"
        "  python3 -c \"import imaplib,ssl; c=imaplib.IMAP4_SSL('127.0.0.1',%u,ssl_context=ssl._create_unverified_context()); "
        "c.login('demo','%s'); c.select(); print(c.fetch('1:*','(BODY.PEEK[HEADER.FIELDS (SUBJECT)])'))\"\n"
        "  openssl s_client -quiet -connect 127.0.0.1:%u     then type: a LOGIN demo %s\n"
        "  mutt -f imaps://demo@localhost:%u/\n\n"
        "Deliver mail as an MTA would; a client in IDLE sees it at once:\n"
        "  swaks --protocol LMTP --server 127.0.0.1:%u --to demo@localhost\n\n"
        "Stop with Ctrl-C.\n",
        port, lmtp_port, password.c_str(), root.c_str(), temporary ? " (removed when the demo stops)" : "",
        cfg->tls.certificate_chain.c_str(), port, password.c_str(), port, password.c_str(), port, lmtp_port);
    std::fflush(stdout);
  };
  int code = serve(*cfg, ports_file, ready);
  if (temporary) {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
  return code;
}

}  // namespace app
