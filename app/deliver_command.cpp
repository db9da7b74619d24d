// sealbox deliver: the MDA. Reads one message on standard input and stores it for the user, sealed to the user's
// public key, without the user's password. Exit 0 only once the message is durable; 75 (EX_TEMPFAIL) for failures
// the MTA should retry; other codes bounce.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "config/config.h"
#include "store/delivery.h"

namespace app {
namespace {

int delivery_exit(const base::Error& e) {
  switch (e.code) {
    case base::Errc::invalid_argument: return report(kExitUsage, e.detail);
    case base::Errc::no_such_user: return report(kExitNoUser, e.detail);
    case base::Errc::too_big: return report(kExitDataErr, e.detail);
    // Disk full, permissions, a damaged key file: keep the mail queued at the MTA until an operator looks.
    default: return report(kExitTempFail, e.message());
  }
}

}  // namespace

int run_deliver(const Globals& g, const std::string& user_arg, const std::string& mailbox) {
  std::string user = user_arg;
  std::transform(user.begin(), user.end(), user.begin(), [](unsigned char c) { return std::tolower(c); });
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  store::Root root(g.root);
  if (auto exists = root.existing_user(user); !exists) return delivery_exit(exists.error());

  // Read the first piece before creating anything, so an empty input writes nothing.
  base::Bytes buf(256 * 1024);
  auto read_piece = [&]() -> ssize_t {
    for (;;) {
      ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
      if (n >= 0 || errno != EINTR) return n;
    }
  };
  ssize_t n = read_piece();
  if (n < 0) return report(kExitTempFail, "cannot read the message from standard input");
  if (n == 0) return report(kExitDataErr, "empty message on standard input: nothing delivered");

  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  auto delivery = store::Delivery::begin(root, user, mailbox, now, cfg->lmtp.max_message_bytes);
  if (!delivery) return delivery_exit(delivery.error());
  while (n > 0) {
    if (auto w = delivery->write(base::ByteSpan(buf).first(static_cast<std::size_t>(n))); !w) {
      return delivery_exit(w.error());
    }
    n = read_piece();
  }
  if (n < 0) return report(kExitTempFail, "cannot read the message from standard input");
  auto id = delivery->commit();
  if (!id) return delivery_exit(id.error());
  return kExitOk;
}

}  // namespace app
