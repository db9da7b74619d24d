#include "net/ssl_error.h"

#include <openssl/err.h>

namespace net::detail {

std::string take_ssl_error(const std::string& fallback) {
  const std::uint32_t first = ERR_get_error();
  ERR_clear_error();  // later entries only repeat the context of the first one
  if (first == 0) return fallback;
  const char* lib = ERR_lib_error_string(first);
  const char* reason = ERR_reason_error_string(first);
  std::string out = lib != nullptr ? std::string(lib) + ": " : std::string();
  out += reason != nullptr ? reason : "error " + std::to_string(first);
  return out;
}

}  // namespace net::detail
