#include "lmtp/protocol/recipient.h"

#include <algorithm>

#include "base/strings.h"

namespace lmtp::protocol {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

using base::iequals;

base::Result<std::string> normalize(std::string_view local, std::string_view domain, bool has_domain,
                                    const config::DeliveryConfig& config) {
  if (has_domain && !config.local_domains.empty()) {
    const bool local_domain = std::any_of(config.local_domains.begin(), config.local_domains.end(),
                                          [&](const std::string& d) { return iequals(d, domain); });
    if (!local_domain) return base::fail(base::Errc::not_found, "recipient domain is not a local domain");
  }
  std::string name(local);
  if (iequals(name, "postmaster")) return std::string("postmaster");
  if (!config.subaddress_separator.empty()) {
    const std::size_t cut = name.find(config.subaddress_separator);
    if (cut != std::string::npos && cut > 0) name.resize(cut);
  }
  if (config.ignore_dots) std::erase(name, '.');
  if (config.lowercase) std::transform(name.begin(), name.end(), name.begin(), lower);
  if (name.empty()) return base::fail(base::Errc::invalid_argument, "recipient local part is empty");
  return name;
}

}  // namespace

base::Result<std::string> normalize_recipient(std::string_view address, const config::DeliveryConfig& config) {
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return normalize(address, {}, false, config);
  return normalize(address.substr(0, at), address.substr(at + 1), true, config);
}

base::Result<std::string> normalize_recipient(const Address& address, const config::DeliveryConfig& config) {
  return normalize(address.local, address.domain, !address.domain.empty(), config);
}

}  // namespace lmtp::protocol
