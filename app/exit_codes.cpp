#include "app/exit_codes.h"

#include <cstdio>
#include <string>

namespace app {

int exit_code_for(const base::Error& error) {
  switch (error.code) {
    case base::Errc::invalid_argument:
    case base::Errc::bad_syntax: return kExitUsage;
    case base::Errc::no_such_user: return kExitNoUser;
    case base::Errc::already_exists: return kExitCantCreate;
    case base::Errc::auth_failed: return kExitNoPerm;
    case base::Errc::too_big: return kExitDataErr;
    case base::Errc::corrupt: return kExitDataErr;
    case base::Errc::busy: return kExitTempFail;
    case base::Errc::io: return kExitIoErr;
    default: return kExitIoErr;
  }
}

int report(int code, const std::string& message) {
  std::string line = "sealbox: " + message;
  // One line, always: a detail with a newline in it would break MTA logs.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  return code;
}

int report(const base::Error& error) {
  return report(exit_code_for(error), error.detail.empty() ? std::string(base::to_string(error.code)) : error.detail);
}

}  // namespace app
