// sealbox check: unlock an account, authenticate every journal record, message and spool entry, print counts.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/password_input.h"
#include "config/config.h"
#include "store/account.h"

namespace app {

int run_check(const Globals& g, const std::string& name_arg, const std::string& password_file) {
  std::string name = name_arg;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (auto valid = store::validate_user_name(name); !valid) return report(valid.error());
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  store::Root root(g.root);
  if (auto exists = root.existing_user(name); !exists) return report(exists.error());
  auto password = read_password(password_file, "Password: ");
  if (!password) return report(password.error());
  auto account = store::Account::open(root, name, view(*password));
  if (!account) return report(account.error());
  auto r = (*account)->verify();
  std::printf("user %s: %zu mailboxes, %zu messages (%llu bytes), %zu pending deliveries\n", name.c_str(),
              r.mailboxes, r.messages, static_cast<unsigned long long>(r.message_bytes), r.spool_entries);
  if (r.torn_bytes_dropped > 0) {
    std::printf("recovered: cut %llu bytes of unacknowledged journal tail\n",
                static_cast<unsigned long long>(r.torn_bytes_dropped));
  }
  for (const auto& e : r.errors) std::printf("error: %s\n", e.c_str());
  if (!r.errors.empty()) return report(kExitDataErr, std::to_string(r.errors.size()) + " damaged items in " + name);
  std::printf("ok\n");
  return kExitOk;
}

}  // namespace app
