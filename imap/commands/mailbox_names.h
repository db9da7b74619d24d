// Mailbox names at the protocol edge: validation of new names and LIST/LSUB pattern matching (RFC 3501 §6.3.8).
// Names are UTF-8 with '/' as the hierarchy delimiter; "INBOX" is case-insensitive.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace imap::commands {

inline constexpr std::size_t kMaxMailboxNameBytes = 512;

// Accepts a name for CREATE or RENAME: non-empty, at most 512 bytes, valid UTF-8 without control characters,
// no empty hierarchy level ("a//b", "/a", "a/"), no wildcards ('*', '%'). Errc::invalid_argument with the reason.
base::Status validate_new_mailbox_name(std::string_view name);

// True if name matches pattern: '*' matches any run of characters, '%' any run without '/'. The "INBOX" part of a
// name matches case-insensitively.
bool pattern_matches(std::string_view pattern, std::string_view name);

}  // namespace imap::commands
