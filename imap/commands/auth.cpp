// CAPABILITY, NOOP, LOGOUT, ID (RFC 2971), LOGIN, AUTHENTICATE PLAIN (RFC 4616) with SASL-IR (RFC 4959).
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "imap/commands/commands.h"
#include "store/layout.h"

namespace imap::commands {
namespace {

// Verifies the password (Argon2id on the pool, or the live account's fast path) after the throttle's delay, then
// moves the session to the authenticated state. Answers the tagged response itself.
asio::awaitable<void> authenticate_user(Session& s, std::string_view tag, std::string user_name,
                                        crypto::SecretBytes password) {
  std::transform(user_name.begin(), user_name.end(), user_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto& throttle = s.server.throttle();
  // The throttle counts per client address: "192.0.2.1:5353" and "[2001:db8::1]:5353" without the port.
  std::string address = session::LoginThrottle::client_address(s.connection->peer());
  if (auto delay = throttle.delay_for(address, user_name); delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (!store::validate_user_name(user_name)) {
    // Same answer as a wrong password: a login must not reveal which user names exist.
    throttle.failed(address, user_name);
    co_return s.reply(tag, "NO", "Authentication failed", "AUTHENTICATIONFAILED");
  }
  auto account = co_await s.server.registry().async_login(user_name, std::move(password), asio::use_awaitable);
  if (!account) {
    auto code = account.error().code;
    if (code == base::Errc::auth_failed || code == base::Errc::no_such_user) {
      throttle.failed(address, user_name);
      spdlog::info("login failed for {} from {}", user_name, address);
      co_return s.reply(tag, "NO", "Authentication failed", "AUTHENTICATIONFAILED");
    }
    co_return s.reply_error(tag, account.error());
  }
  throttle.succeeded(address, user_name);
  s.account = std::move(*account);
  s.user = user_name;
  s.state = session::State::authenticated;
  s.connection->set_idle_timeout(std::chrono::seconds(s.server.config().imap.idle_timeout_seconds));
  spdlog::debug("session {}: {} logged in from {}", s.id, user_name, address);
  s.out.tagged(tag).atom("OK").open_code("CAPABILITY").atom(s.server.capabilities()).close_code()
      .text("Logged in").end();
}

}  // namespace

asio::awaitable<void> capability(Session& s, std::string_view tag) {
  s.out.untagged().atom("CAPABILITY").atom(s.server.capabilities()).end();
  s.reply(tag, "OK", "CAPABILITY completed");
  co_return;
}

asio::awaitable<void> noop(Session& s, std::string_view tag) {
  s.apply_all_changes();
  s.reply(tag, "OK", "NOOP completed");
  co_return;
}

asio::awaitable<void> logout(Session& s, std::string_view tag) {
  s.out.untagged().atom("BYE").text("Logging out").end();
  s.reply(tag, "OK", "LOGOUT completed");
  s.leave_mailbox();
  s.state = session::State::logout;
  co_return;
}

asio::awaitable<void> id(Session& s, std::string_view tag, const syntax::Id& cmd) {
  // RFC 2971 §3.3's limits on the client's list: a list that breaks them is an invalid argument (§3.1: BAD).
  if (cmd.params) {
    const auto& params = *cmd.params;
    if (params.size() > 30) co_return s.reply(tag, "BAD", "ID: more than 30 field-value pairs");
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& [field, value] = params[i];
      if (field.size() > 30) co_return s.reply(tag, "BAD", "ID: field name longer than 30 octets");
      if (value && value->size() > 1024) co_return s.reply(tag, "BAD", "ID: value longer than 1024 octets");
      for (std::size_t j = 0; j < i; ++j) {
        if (base::iequals(params[j].first, field)) co_return s.reply(tag, "BAD", "ID: field name sent twice");
      }
    }
  }
  const auto& fields = s.server.config().identification.fields;
  s.out.untagged().atom("ID");
  if (fields.empty()) {
    s.out.open().quoted("name").quoted("Sealbox").close();
  } else {
    s.out.open();
    for (const auto& [k, v] : fields) s.out.string(k).string(v);
    s.out.close();
  }
  s.out.end();
  s.reply(tag, "OK", "ID completed");
  co_return;
}

asio::awaitable<void> login(Session& s, std::string_view tag, const syntax::Login& cmd) {
  co_await authenticate_user(s, tag, std::string(cmd.user),
                             crypto::SecretBytes::copy_of(base::as_bytes(cmd.password)));
}

asio::awaitable<void> authenticate(Session& s, std::string_view tag, const syntax::Authenticate& cmd) {
  std::string mechanism(cmd.mechanism);
  std::transform(mechanism.begin(), mechanism.end(), mechanism.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (mechanism != "PLAIN") co_return s.reply(tag, "NO", "Unsupported mechanism", "CANNOT");
  std::string tag_copy(tag);  // the reader's views end when we read the client's response
  std::string response;
  if (cmd.initial_response) {
    response = std::string(*cmd.initial_response);
  } else {
    s.out.continuation().text("").end();
    if (!co_await s.flush()) co_return;
    s.reader.expect_line();
    for (;;) {
      auto r = s.reader.next();
      if (r.kind == syntax::ReadKind::line) {
        response = std::string(r.line);
        break;
      }
      if (r.kind != syntax::ReadKind::need_more || !co_await s.read_more()) {
        s.state = session::State::logout;
        co_return;
      }
    }
    if (response == "*") co_return s.reply(tag_copy, "BAD", "Authentication cancelled");
  }
  base::Bytes decoded;
  if (!base::from_base64(response, decoded)) co_return s.reply(tag_copy, "BAD", "Invalid base64");
  // authzid NUL authcid NUL passwd (RFC 4616); we authorise only as ourselves.
  auto text = base::as_chars(decoded);
  auto first = text.find('\0');
  auto second = first == std::string_view::npos ? first : text.find('\0', first + 1);
  if (second == std::string_view::npos) co_return s.reply(tag_copy, "BAD", "Malformed PLAIN response");
  // Copies first: `decoded` (which holds the password) is wiped below, and views into it would read zeros.
  std::string authzid(text.substr(0, first));
  std::string authcid(text.substr(first + 1, second - first - 1));
  auto password = crypto::SecretBytes::copy_of(base::as_bytes(text.substr(second + 1)));
  std::fill(decoded.begin(), decoded.end(), 0);
  if (!authzid.empty() && authzid != authcid) {
    co_return s.reply(tag_copy, "NO", "Cannot act as another user", "AUTHORIZATIONFAILED");
  }
  co_await authenticate_user(s, tag_copy, std::move(authcid), std::move(password));
}

}  // namespace imap::commands
