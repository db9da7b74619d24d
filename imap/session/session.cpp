#include "imap/session/session.h"

#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <type_traits>

#include "base/utf8.h"
#include "imap/commands/commands.h"
#include "imap/syntax/mutf7.h"

namespace imap::session {
namespace {

// RFC 3501 §6.2 leaves the limit to us: a client may try a few things before logging in, not spray commands.
constexpr int kMaxUnauthenticatedCommands = 25;
// A literal before login is a user name or password: nothing larger is needed (and nothing larger is buffered
// for an anonymous peer).
constexpr std::uint64_t kMaxUnauthenticatedLiteral = 8 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;

std::atomic<std::uint64_t> log_ids{0};

}  // namespace

Server::Server(actors::Registry& registry, actors::Scheduler& pool, const config::Config& config)
    : registry_(registry), pool_(pool), config_(config) {}

std::string Server::capabilities() const {
  // One per line, each with its RFC (README.md has the table): the same before and after login.
  static const char* const kCapabilities[] = {
      "IMAP4rev1",           // RFC 3501
      "IMAP4rev2",           // RFC 9051 (after ENABLE IMAP4rev2)
      "AUTH=PLAIN",          // RFC 4616
      "SASL-IR",             // RFC 4959
      "ID",                  // RFC 2971
      "ENABLE",              // RFC 5161
      "IDLE",                // RFC 2177
      "NAMESPACE",           // RFC 2342
      "UIDPLUS",             // RFC 4315
      "MULTIAPPEND",         // RFC 3502
      "UNSELECT",            // RFC 3691
      "CHILDREN",            // RFC 3348
      "LIST-EXTENDED",       // RFC 5258
      "LIST-STATUS",         // RFC 5819
      "SPECIAL-USE",         // RFC 6154
      "CREATE-SPECIAL-USE",  // RFC 6154
      "XLIST",               // Gmail's pre-RFC 6154 LIST with special-use attributes
      "MOVE",                // RFC 6851
      "BINARY",              // RFC 3516
      "LITERAL+",            // RFC 7888
      "CONDSTORE",           // RFC 7162
      "QRESYNC",             // RFC 7162
      "ESEARCH",             // RFC 4731
      "SEARCHRES",           // RFC 5182
      "OBJECTID",            // RFC 8474
      "UTF8=ACCEPT",         // RFC 6855
      "COMPRESS=DEFLATE",    // RFC 4978
      "STATUS=SIZE",         // RFC 8438
  };

  std::string out;
  for (const char* c : kCapabilities) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  // RFC 7889 §2 (a): the one limit every mailbox has (STATUS (APPENDLIMIT) gives the same number).
  out += " APPENDLIMIT=" + std::to_string(config_.imap.max_message_bytes);
  out += " SAVEDATE";  // RFC 8514
  out += " XPASSWORD";  // Sealbox: password change inside IMAP (docs/cli.md)
  return out;
}

asio::awaitable<void> Server::serve(std::shared_ptr<net::Connection> connection) {
  Session session(*this, std::move(connection));
  co_await session.run();
}

Session::Session(Server& s, std::shared_ptr<net::Connection> c)
    : server(s), connection(std::move(c)), id(s.next_session_id()), read_buf_(kReadChunk),
      wake_(std::make_shared<asio::steady_timer>(connection->executor())) {}

Session::~Session() {
  commands::abandon_append(*this);
  leave_mailbox();
}

asio::awaitable<bool> Session::flush() {
  if (out.size() == 0) co_return true;
  auto bytes = out.take();
  co_return co_await connection->write(bytes);
}

asio::awaitable<bool> Session::read_more() {
  std::size_t n = co_await connection->read_some(read_buf_);
  if (n == 0) co_return false;
  reader.feed(base::ByteSpan(read_buf_).first(n));
  co_return true;
}

void Session::reply(std::string_view tag, std::string_view status, std::string_view text, std::string_view code) {
  out.tagged(tag).atom(status);
  if (!code.empty()) out.code(code);
  out.text(text).end();
}

void Session::reply_error(std::string_view tag, const base::Error& error) {
  using base::Errc;
  switch (error.code) {
    case Errc::no_such_mailbox: return reply(tag, "NO", "No such mailbox", "NONEXISTENT");
    case Errc::already_exists: return reply(tag, "NO", "Mailbox already exists", "ALREADYEXISTS");
    case Errc::invalid_argument: return reply(tag, "NO", error.detail, "CANNOT");
    case Errc::too_big: return reply(tag, "NO", "Message too large", "TOOBIG");
    case Errc::over_quota: return reply(tag, "NO", "Over quota", "OVERQUOTA");
    case Errc::read_only: return reply(tag, "NO", "Mailbox is read-only", "READ-ONLY");
    case Errc::expunged: return reply(tag, "NO", "Some messages were expunged", "EXPUNGEISSUED");
    case Errc::auth_failed: return reply(tag, "NO", "Authentication failed", "AUTHENTICATIONFAILED");
    case Errc::busy: return reply(tag, "NO", "The account is in use elsewhere; try again", "UNAVAILABLE");
    case Errc::bad_syntax: return reply(tag, "BAD", error.detail);
    default: {
      auto log_id = log_ids.fetch_add(1) + 1;
      spdlog::error("session {} user {}: internal error {}: {}", id, user, log_id, error.message());
      return reply(tag, "NO", "Internal error (log id " + std::to_string(log_id) + ")", "SERVERBUG");
    }
  }
}

base::Result<std::string> Session::decode_mailbox(std::string_view wire) const {
  if (wire == "INBOX") return std::string("INBOX");
  std::string name;
  if (out.utf8_accept()) {
    // RFC 6855 §3: the name as is, in UTF-8. The parser checked quoted strings; a literal may carry any octets.
    if (!base::valid_utf8(wire)) return base::fail(base::Errc::bad_syntax, "Mailbox name is not valid UTF-8");
    name = std::string(wire);
  } else {
    auto decoded = syntax::mutf7_decode(wire);
    if (!decoded) return base::fail(base::Errc::invalid_argument, "Invalid mailbox name encoding");
    name = std::move(*decoded);
  }
  // "inbox/x" names a child of INBOX: keep the canonical spelling.
  if (name.size() > 6 && name[5] == '/' &&
      std::equal(name.begin(), name.begin() + 5, "INBOX",
                 [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
    name.replace(0, 5, "INBOX");
  }
  return name;
}

void Session::write_view_update(const ViewUpdate& u) {
  if (enabled.qresync) {
    // RFC 7162 §3.2.10.2: one VANISHED (without EARLIER) in place of the EXPUNGEs, naming only announced messages.
    auto uids = u.expunged_uids;
    std::sort(uids.begin(), uids.end());
    if (!uids.empty()) out.untagged().atom("VANISHED").atom(syntax::format_runs(syntax::to_runs(uids))).end();
  } else {
    for (auto seq : u.expunged_seqs) out.untagged().number(seq).atom("EXPUNGE").end();
  }
  if (u.exists) out.untagged().number(*u.exists).atom("EXISTS").end();
  for (auto seq : u.flag_seqs) {
    out.untagged().number(seq).atom("FETCH").open();
    write_flag_items(view->at(seq));
    out.close().end();
  }
}

void Session::write_flag_items(const actors::MessageSummary& m) {
  out.atom("UID").number(m.uid).atom("FLAGS").open();
  for (const auto& f : m.flags) out.atom(f);
  out.close();
  if (enabled.condstore) out.atom("MODSEQ").open().number(m.modseq).close();
}

void Session::enable_condstore() {
  if (enabled.condstore) return;
  enabled.condstore = true;
  if (view) {
    out.untagged().atom("OK").open_code("HIGHESTMODSEQ").number(view->highest_modseq()).close_code()
        .text("Highest mailbox modification sequence").end();
  }
}

void Session::apply_all_changes() {
  if (view) write_view_update(view->apply_all());
}

void Session::apply_flag_changes() {
  if (view) write_view_update(view->apply_flags());
}

std::function<void()> Session::waker() {
  return [timer = std::weak_ptr<asio::steady_timer>(wake_), executor = connection->executor()] {
    asio::post(executor, [timer] {
      if (auto t = timer.lock()) t->cancel();
    });
  };
}

asio::awaitable<void> Session::wait_for_change() {
  // A wake-up runs on this strand, so none can slip in between the check and the wait.
  if (view && view->has_pending()) co_return;
  wake_->expires_at(asio::steady_timer::time_point::max());
  asio::error_code ignored;
  co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void Session::leave_mailbox() {
  if (view) view->set_waker(nullptr);
  if (mailbox) mailbox->tell(actors::Leave{id});
  mailbox.reset();
  view.reset();
  mailbox_name.clear();
  if (state == State::selected) state = State::authenticated;
}

asio::awaitable<void> Session::run() {
  connection->set_idle_timeout(std::chrono::seconds(server.config().imap.login_timeout_seconds));
  out.untagged().atom("OK").open_code("CAPABILITY").atom(server.capabilities()).close_code()
      .text("Sealbox ready").end();
  if (!co_await flush()) co_return;
  while (state != State::logout) {
    auto r = reader.next();
    if (r.kind == syntax::ReadKind::need_more) {
      if (!co_await read_more()) {
        if (connection->timed_out()) {
          out.untagged().atom("BYE").text("Autologout; idle for too long").end();
          co_await flush();
        }
        break;
      }
      continue;
    }
    co_await handle(r);
    if (!co_await flush()) break;
  }
}

asio::awaitable<void> Session::handle(const syntax::ReadResult& r) {
  using syntax::ReadKind;
  switch (r.kind) {
    case ReadKind::command: {
      auto parsed = parser_.parse(r.line);
      if (!parsed) {
        commands::abandon_append(*this);
        reply(r.tag.empty() ? "*" : r.tag, "BAD", parsed.error().detail);
      } else {
        co_await execute(r.tag, *parsed);
      }
      break;
    }
    case ReadKind::sync_literal:
      if (state == State::not_authenticated && r.literal_size > kMaxUnauthenticatedLiteral) {
        reply(r.tag.empty() ? "*" : r.tag, "BAD", "Literal too large before login", "TOOBIG");
        reader.reject_literal();
      } else {
        if (!r.non_sync) out.continuation().text("Ready for literal data").end();
        reader.continue_literal();
      }
      break;
    case ReadKind::append_literal:
      co_await commands::append_body(*this, r);
      break;
    case ReadKind::line:  // an unexpected raw line: nothing asked for one
      break;
    case ReadKind::bad:
      reply(r.tag.empty() ? "*" : r.tag, "BAD", r.reason);
      break;
    case ReadKind::too_long:
      reply(r.tag.empty() ? "*" : r.tag, "BAD", r.reason, "TOOBIG");
      if (!r.recoverable) {
        out.untagged().atom("BYE").text("Cannot continue after that").end();
        state = State::logout;
      }
      break;
    case ReadKind::fatal:
      out.untagged().atom("BYE").text(r.reason).end();
      state = State::logout;
      break;
    case ReadKind::need_more:
      break;
  }
}

asio::awaitable<void> Session::execute(std::string_view tag, const syntax::Command& command) {
  namespace c = commands;
  namespace sx = syntax;
  const auto& body = command.body;
  if (state == State::not_authenticated && ++unauthenticated_commands_ > kMaxUnauthenticatedCommands) {
    out.untagged().atom("BYE").text("Too many commands before login").end();
    state = State::logout;
    co_return;
  }
  // Commands valid in every state.
  if (std::holds_alternative<sx::Capability>(body)) co_return co_await c::capability(*this, tag);
  if (std::holds_alternative<sx::Noop>(body)) co_return co_await c::noop(*this, tag);
  if (std::holds_alternative<sx::Logout>(body)) co_return co_await c::logout(*this, tag);
  if (auto* cmd = std::get_if<sx::Id>(&body)) co_return co_await c::id(*this, tag, *cmd);
  if (std::holds_alternative<sx::Unknown>(body)) co_return reply(tag, "BAD", "Unknown command");

  if (state == State::not_authenticated) {
    if (auto* cmd = std::get_if<sx::Login>(&body)) co_return co_await c::login(*this, tag, *cmd);
    if (auto* cmd = std::get_if<sx::Authenticate>(&body)) co_return co_await c::authenticate(*this, tag, *cmd);
    if (std::holds_alternative<sx::StartTls>(body)) co_return reply(tag, "BAD", "The connection is already TLS");
    co_return reply(tag, "BAD", "Log in first");
  }
  if (std::holds_alternative<sx::Login>(body) || std::holds_alternative<sx::Authenticate>(body) ||
      std::holds_alternative<sx::StartTls>(body)) {
    co_return reply(tag, "BAD", "Already authenticated");
  }
  if (auto* cmd = std::get_if<sx::Select>(&body)) co_return co_await c::select(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Create>(&body)) co_return co_await c::create(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Delete>(&body)) co_return co_await c::remove(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Rename>(&body)) co_return co_await c::rename(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Subscribe>(&body)) co_return co_await c::subscribe(*this, tag, cmd->mailbox, true);
  if (auto* cmd = std::get_if<sx::Unsubscribe>(&body)) {
    co_return co_await c::subscribe(*this, tag, cmd->mailbox, false);
  }
  if (auto* cmd = std::get_if<sx::List>(&body)) co_return co_await c::list(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Lsub>(&body)) co_return co_await c::lsub(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Xlist>(&body)) co_return co_await c::xlist(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Status>(&body)) co_return co_await c::status(*this, tag, *cmd);
  if (std::holds_alternative<sx::Namespace>(body)) co_return co_await c::namespace_(*this, tag);
  if (auto* cmd = std::get_if<sx::Append>(&body)) co_return co_await c::append(*this, tag, *cmd);
  if (std::holds_alternative<sx::Idle>(body)) co_return co_await c::idle(*this, tag);
  if (auto* cmd = std::get_if<sx::Enable>(&body)) co_return co_await c::enable(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Compress>(&body)) co_return co_await c::compress(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::XPassword>(&body)) co_return co_await c::xpassword(*this, tag, *cmd);

  if (state != State::selected) co_return reply(tag, "BAD", "No mailbox selected");
  if (std::holds_alternative<sx::Check>(body)) co_return co_await c::check(*this, tag);
  if (std::holds_alternative<sx::Close>(body)) co_return co_await c::close(*this, tag);
  if (std::holds_alternative<sx::Unselect>(body)) co_return co_await c::unselect(*this, tag);
  if (auto* cmd = std::get_if<sx::Expunge>(&body)) co_return co_await c::expunge(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Fetch>(&body)) co_return co_await c::fetch(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Search>(&body)) co_return co_await c::search(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Store>(&body)) co_return co_await c::store(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Copy>(&body)) co_return co_await c::copy(*this, tag, *cmd);
  if (auto* cmd = std::get_if<sx::Move>(&body)) co_return co_await c::move(*this, tag, *cmd);
  // Every command the parser knows is dispatched above; one added to the parser without a handler ends here.
  reply(tag, "BAD", "Command not supported");
}

}  // namespace imap::session
