// Session: one IMAP connection (DESIGN.md §6). Runs as a coroutine on the connection's strand; owns the command
// reader and parser, the state (RFC 3501 §3: not authenticated, authenticated, selected, logout), the account and
// selected-mailbox actors it talks to, and its own sequence-number view (MailboxView).
//
// The command handlers live in imap/commands/, one file per family; they use the public members below. Nothing here
// blocks: disk, crypto and Argon2id run on the work pool (actors or run_on_pool), and replies come back to the
// strand.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/registry.h"
#include "config/config.h"
#include "imap/session/login_throttle.h"
#include "imap/session/mailbox_view.h"
#include "imap/syntax/command_reader.h"
#include "imap/syntax/parser.h"
#include "imap/syntax/response_writer.h"
#include "net/connection.h"
#include "store/message_file.h"

namespace imap::session {

// What every session shares: the registry, the work pool, the configuration, the login throttle.
class Server {
 public:
  Server(actors::Registry& registry, actors::Scheduler& pool, const config::Config& config);

  // The Listener's handler: runs one session to its end.
  asio::awaitable<void> serve(std::shared_ptr<net::Connection> connection);

  actors::Registry& registry() { return registry_; }
  actors::Scheduler& pool() { return pool_; }
  const config::Config& config() const { return config_; }
  LoginThrottle& throttle() { return throttle_; }
  actors::SessionId next_session_id() { return next_id_.fetch_add(1) + 1; }
  // The CAPABILITY list (without the leading "CAPABILITY").
  std::string capabilities() const;

 private:
  actors::Registry& registry_;
  actors::Scheduler& pool_;
  const config::Config& config_;
  LoginThrottle throttle_;
  std::atomic<actors::SessionId> next_id_{0};
};

enum class State { not_authenticated, authenticated, selected, logout };

// Extensions switched on for this connection (they never switch off). ENABLE turns them on (RFC 5161; enable.cpp);
// CONDSTORE also by its "enabling commands" (RFC 7162 §3.1). UTF8=ACCEPT lives in the response writer
// (ResponseWriter::utf8_accept), which needs it to write mailbox names.
struct Enabled {
  bool condstore = false;  // RFC 7162 §3.1: MODSEQ in FETCH responses to flag changes, HIGHESTMODSEQ on SELECT
  bool qresync = false;    // RFC 7162 §3.2: VANISHED instead of EXPUNGE; implies condstore
  bool imap4rev2 = false;  // RFC 9051 semantics where they differ from RFC 3501 (enable.cpp lists them)
};

// An APPEND whose bodies are being received (streamed to staged blob files between reader results).
struct AppendInProgress {
  std::string tag;
  std::shared_ptr<actors::MailboxActor> target;
  std::vector<store::NewMessage> staged;  // committed blob files, not yet indexed
  std::optional<base::Error> failure;     // staging failed: answered when the command completes
};

class Session {
 public:
  Session(Server& server, std::shared_ptr<net::Connection> connection);
  ~Session();

  asio::awaitable<void> run();

  // --- For the command handlers (session strand only) ---
  Server& server;
  std::shared_ptr<net::Connection> connection;
  actors::SessionId id;
  State state = State::not_authenticated;
  std::string user;
  std::shared_ptr<actors::AccountActor> account;
  std::shared_ptr<actors::MailboxActor> mailbox;  // the selected mailbox
  std::string mailbox_name;
  std::shared_ptr<MailboxView> view;
  syntax::ResponseWriter out;
  syntax::CommandReader reader;
  std::optional<AppendInProgress> append;
  Enabled enabled;

  // Writes what `out` holds. False when the connection failed (the session then ends).
  asio::awaitable<bool> flush();
  // Reads more input into the reader. False on EOF, error or idle timeout.
  asio::awaitable<bool> read_more();
  // A tagged completion: "tag OK|NO|BAD [code] text".
  void reply(std::string_view tag, std::string_view status, std::string_view text, std::string_view code = {});
  // Maps a failure to NO with the RFC 5530 code (NONEXISTENT, ALREADYEXISTS, ...). Internal failures are logged
  // with an id and reported as "[SERVERBUG] internal error (log id N)": details never reach the client.
  void reply_error(std::string_view tag, const base::Error& error);
  // Sends untagged EXPUNGE/EXISTS/FETCH for queued mailbox changes: apply_all between commands, apply_flags after
  // FETCH, STORE and SEARCH (RFC 3501 §7.4.1: no renumbering mid-command).
  void apply_all_changes();
  void apply_flag_changes();
  // Leaves the selected mailbox (no expunge).
  void leave_mailbox();
  // A CONDSTORE enabling command ran (RFC 7162 §3.1): from now on every untagged FETCH carries MODSEQ, and the
  // first such command with a mailbox selected reports the mailbox's HIGHESTMODSEQ.
  void enable_condstore();
  // The items that follow FETCH's "(" in an unsolicited flag report: "UID n FLAGS (...)" and, once CONDSTORE is
  // enabled, "MODSEQ (m)" (RFC 7162 §3.2.4). Without the closing ")".
  void write_flag_items(const actors::MessageSummary& m);
  // Completes once the selected mailbox has changes queued for this session (at once if it has some already);
  // without a selected mailbox it waits until cancelled. For IDLE: awaited against read_more() with ||.
  asio::awaitable<void> wait_for_change();
  // The view's waker: thread-safe, posts a wake-up for wait_for_change() to the session's strand.
  std::function<void()> waker();
  // The sealbox user's name as the mailbox name in UTF-8 from the wire form (modified UTF-7 unless UTF8=ACCEPT).
  base::Result<std::string> decode_mailbox(std::string_view wire) const;

 private:
  asio::awaitable<void> handle(const syntax::ReadResult& r);
  asio::awaitable<void> execute(std::string_view tag, const syntax::Command& command);
  void write_view_update(const ViewUpdate& u);

  syntax::Parser parser_;
  std::vector<std::uint8_t> read_buf_;
  std::shared_ptr<asio::steady_timer> wake_;  // shared with wake-ups still in flight after the session ends
  int unauthenticated_commands_ = 0;
};

}  // namespace imap::session
