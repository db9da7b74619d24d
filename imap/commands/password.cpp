// XPASSWORD: Sealbox's experimental in-IMAP password change (docs/cli.md), authenticated or selected state.
//
//   tag XPASSWORD <old-password astring> <new-password astring>
//
// The new password must pass the same policy as `sealbox user add/passwd` (store::check_new_password), else
// "NO [CANNOT] <reason>". The old password is checked by the account actor's pool job with Argon2id against the
// account file, like a login of a closed account; a wrong one is "NO [AUTHENTICATIONFAILED]" and counts in the
// login throttle (LoginThrottle) exactly like a failed LOGIN, whose delay it also waits out first, so XPASSWORD is
// no faster way to guess a password than LOGIN. The change goes through the AccountActor (actors::ChangePassword),
// which serialises it with every other change of the account. Neither password is ever logged.
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "imap/commands/commands.h"
#include "store/account.h"

namespace imap::commands {

asio::awaitable<void> xpassword(Session& s, std::string_view tag, const syntax::XPassword& cmd) {
  // Into guarded memory at once; the session strand only ever sees the views the parser made.
  auto old_password = crypto::SecretBytes::copy_of(base::as_bytes(cmd.old_password));
  auto new_password = crypto::SecretBytes::copy_of(base::as_bytes(cmd.new_password));
  // The policy first: it needs no secret of the account, so refusing here reveals nothing about the old password.
  if (auto allowed = store::check_new_password(cmd.new_password); !allowed) {
    co_return s.reply(tag, "NO", allowed.error().detail, "CANNOT");
  }
  auto& throttle = s.server.throttle();
  std::string address = session::LoginThrottle::client_address(s.connection->peer());
  if (auto delay = throttle.delay_for(address, s.user); delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  const auto& kdf = s.server.config().security.kdf;
  auto request = actors::ChangePassword{std::move(old_password), std::move(new_password),
                                        crypto::KdfParams{kdf.passes, kdf.memory_mib * 1024}, {}};
  auto changed = co_await s.account->ask(std::move(request), asio::use_awaitable);
  if (!changed) {
    if (changed.error().code == base::Errc::auth_failed) {
      throttle.failed(address, s.user);
      spdlog::info("session {}: password change for {} from {}: wrong old password", s.id, s.user, address);
      co_return s.reply(tag, "NO", "Authentication failed", "AUTHENTICATIONFAILED");
    }
    co_return s.reply_error(tag, changed.error());
  }
  throttle.succeeded(address, s.user);
  spdlog::info("session {}: {} changed the password from {}", s.id, s.user, address);
  s.reply(tag, "OK", "Password changed");
}

}  // namespace imap::commands
