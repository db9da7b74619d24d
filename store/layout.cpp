#include "store/layout.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "crypto/random.h"

namespace store {

base::Status validate_user_name(std::string_view name) {
  auto bad = [&](const std::string& why) { return base::fail(base::Errc::invalid_argument, "user name " + why); };
  if (name.empty()) return bad("is empty");
  if (name.size() > kMaxUserNameBytes) return bad("is longer than 64 characters");
  if (name.front() == '.' || name.front() == '-') return bad("must not start with '.' or '-'");
  for (char c : name) {
    bool good = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' || c == '@' ||
                c == '-';
    if (!good) return bad("may contain only a-z, 0-9 and . _ + @ -");
  }
  return base::ok();
}

base::Result<UserPaths> Root::existing_user(std::string_view name) const {
  SB_CHECK(validate_user_name(name));
  UserPaths paths = user(name);
  std::error_code ec;
  if (!fs::exists(paths.account_file(), ec)) {
    return base::fail(base::Errc::no_such_user, "no such user: " + std::string(name));
  }
  return paths;
}

base::Result<std::vector<std::string>> Root::list_users() const {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(users(), ec)) return names;
  for (const auto& entry : fs::directory_iterator(users(), ec)) {
    std::string name = entry.path().filename().string();
    if (validate_user_name(name) && fs::exists(entry.path() / "account", ec)) names.push_back(name);
  }
  if (ec) return base::fail(base::Errc::io, "list " + users().string() + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

std::string new_object_id() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(ns));
  return buf + crypto::random_id().substr(0, 16);
}

}  // namespace store
