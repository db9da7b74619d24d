// normalize_recipient(): a recipient address to the account name it is delivered to, per [delivery] in
// sealbox.toml (config::DeliveryConfig; config/README.md). Pure: it does not check that the account exists.
//
// Steps, in order, on "Local@Domain" (split at the last "@"; the local part already unquoted, Address::local):
//   1. Domain. With local_domains empty any domain is accepted. Otherwise the domain must equal one of them,
//      ignoring ASCII case; an address literal ("[192.0.2.1]") never matches. No IDNA mapping is done, so a U-label
//      domain matches only if listed in that same form. A recipient without a domain (RCPT TO:<Postmaster>,
//      RFC 5321 §4.1.1.3) is always local.
//      Otherwise: Errc::not_found -> reply_for(): 550 5.1.2 "Domain not served here". We chose 5.1.2 (bad
//      destination system, RFC 3463) over 5.1.1 (the mailbox, not the domain, is what is unknown) and over 5.7.1
//      (an LMTP store relays nothing, so there is no relay policy to invoke): the MTA routed a domain to us that we
//      do not serve, and the sender should learn that the domain is the problem.
//   2. Subaddress: with a separator set, the local part is cut at its first occurrence ("alice+news" -> "alice"),
//      unless that is the first character (a name "+x" is left whole rather than emptied).
//   3. Dots: with ignore_dots, every "." is removed from the local part ("a.lice" -> "alice").
//   4. Case: with lowercase, ASCII letters are folded ("Alice" -> "alice"); other octets are left alone.
//      "Postmaster" (any case) is always folded to "postmaster", since RFC 5321 §4.1.1.3 makes that local part
//      case-insensitive. Otherwise postmaster is an ordinary account name here: whether it exists is up to the
//      operator, like any account (RFC 5321 requires postmaster to be deliverable for a domain's MX; a mail store
//      behind LMTP leaves that to the MTA's aliases).
// The result is the account name. An empty result (e.g. "...@x" with ignore_dots) is Errc::invalid_argument.
//
// The caller must still validate the name as a store user name (store::validate_user_name: 1..64 of [a-z0-9._+@-],
// not starting with "." or "-") before looking the account up; a name that fails is an unknown user
// (invalid_argument -> reply_for(): 550 5.1.1). This layer links no store code and so does not repeat that rule.
// Quoted local parts need nothing special: they arrive unquoted, and whatever they hold is judged by that rule.
//
// Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "config/config.h"
#include "lmtp/protocol/address.h"

namespace lmtp::protocol {

// "Alice+News@Example.ORG" -> "alice" (with the default configuration). See the file comment.
base::Result<std::string> normalize_recipient(std::string_view address, const config::DeliveryConfig& config);

// The same for a parsed address (local part unquoted, domain possibly empty for Postmaster).
base::Result<std::string> normalize_recipient(const Address& address, const config::DeliveryConfig& config);

}  // namespace lmtp::protocol
