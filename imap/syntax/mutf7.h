// Modified UTF-7 (RFC 3501 §5.1.3), the encoding of international mailbox names on the wire unless the client
// enabled UTF8=ACCEPT (RFC 6855). Internally Sealbox names mailboxes in UTF-8.
//
//   printable US-ASCII (0x20-0x7e) except "&" stands for itself; "&" is "&-";
//   anything else is UTF-16BE in modified BASE64 ("," instead of "/", no padding) between "&" and "-".
//
// Example: "~peter/mail/台北/日本語" <-> "~peter/mail/&U,BTFw-/&ZeVnLIqe-". Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace imap::syntax {

// UTF-8 to modified UTF-7. Errors: Errc::invalid_argument if `utf8` is not valid UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are invalid).
base::Result<std::string> mutf7_encode(std::string_view utf8);

// Modified UTF-7 to UTF-8, strictly: the input must be the unique encoding of its result. Errors: Errc::bad_syntax
// for a byte outside 0x20-0x7e, "&" without a closing "-", a character outside the modified BASE64 alphabet, a
// superfluous shift ("&...-&...-"), BASE64 that encodes a printable US-ASCII character, non-zero or excess padding
// bits, or UTF-16 with unpaired surrogates.
base::Result<std::string> mutf7_decode(std::string_view mutf7);

}  // namespace imap::syntax
