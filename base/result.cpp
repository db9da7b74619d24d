#include "base/result.h"

namespace base {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::no_such_mailbox: return "no_such_mailbox";
    case Errc::no_such_user: return "no_such_user";
    case Errc::already_exists: return "already_exists";
    case Errc::read_only: return "read_only";
    case Errc::expunged: return "expunged";
    case Errc::over_quota: return "over_quota";
    case Errc::too_big: return "too_big";
    case Errc::bad_syntax: return "bad_syntax";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::corrupt: return "corrupt";
    case Errc::auth_failed: return "auth_failed";
    case Errc::busy: return "busy";
    case Errc::not_found: return "not_found";
    case Errc::io: return "io";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

std::string Error::message() const {
  std::string out(to_string(code));
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace base
