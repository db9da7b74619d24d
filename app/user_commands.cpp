// sealbox init, user add, user passwd, user list, user rm.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/password_input.h"
#include "config/config.h"
#include "store/account.h"
#include "store/fs.h"

namespace app {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

crypto::KdfParams kdf_from(const config::Config& cfg) {
  return {cfg.security.kdf.passes, cfg.security.kdf.memory_mib * 1024};
}

}  // namespace

int run_init(const Globals& g) {
  std::error_code ec;
  auto path = g.root / "sealbox.toml";
  if (std::filesystem::exists(path, ec)) return report(kExitCantCreate, path.string() + " already exists");
  for (const auto& dir : {g.root, g.root / "users", g.root / "tls"}) {
    if (auto made = store::make_dirs(dir, true); !made) return report(made.error());
  }
  auto text = config::default_config_text();
  if (auto written = store::write_file_durably(path, g.root, base::as_bytes(text)); !written) {
    return report(written.error());
  }
  ::chmod(path.c_str(), 0640);
  std::printf("Created %s.\nNext: put a certificate chain and key in %s, then: sealbox --root %s user add NAME\n",
              path.c_str(), (g.root / "tls").c_str(), g.root.c_str());
  return kExitOk;
}

int run_user_add(const Globals& g, const std::string& name, const std::string& password_file) {
  if (auto valid = store::validate_user_name(name); !valid) return report(valid.error());
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  auto password = read_new_password(password_file);
  if (!password) return report(password.error());
  auto created = store::Account::create(store::Root(g.root), name, view(*password), kdf_from(*cfg), now_seconds());
  if (!created) return report(created.error());
  std::printf("Created user %s. There is no password reset: a lost password means lost mail.\n", name.c_str());
  return kExitOk;
}

int run_user_passwd(const Globals& g, const std::string& name, const std::string& old_password_file,
                    const std::string& password_file) {
  if (auto valid = store::validate_user_name(name); !valid) return report(valid.error());
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  store::Root root(g.root);
  if (auto exists = root.existing_user(name); !exists) return report(exists.error());
  auto old_password = read_password(old_password_file, "Current password: ");
  if (!old_password) return report(old_password.error());
  auto password = read_new_password(password_file);
  if (!password) return report(password.error());
  auto changed = store::Account::change_password(root, name, view(*old_password), view(*password), kdf_from(*cfg));
  if (!changed) return report(changed.error());
  std::printf("Changed the password of %s.\n", name.c_str());
  return kExitOk;
}

int run_user_list(const Globals& g) {
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  auto users = store::Root(g.root).list_users();
  if (!users) return report(users.error());
  for (const auto& u : *users) std::printf("%s\n", u.c_str());
  return kExitOk;
}

int run_user_rm(const Globals& g, const std::string& name) {
  if (auto valid = store::validate_user_name(name); !valid) return report(valid.error());
  auto cfg = config::load(g.root);
  if (!cfg) return report(kExitConfig, cfg.error().detail);
  auto removed = store::Account::remove(store::Root(g.root), name);
  if (!removed) return report(removed.error());
  std::printf("Removed user %s and all of its mail.\n", name.c_str());
  return kExitOk;
}

}  // namespace app
