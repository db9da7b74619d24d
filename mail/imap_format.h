// IMAP text of ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2 and the formal syntax in §9).
//
// Strings are quoted ("..." with \\ and \" escaped) unless they hold CR, LF or 8-bit bytes, which makes them
// literals ({n}\r\n then the bytes). NUL bytes are dropped: neither form may carry them (RFC 3501 §9:
// CHAR8 = %x01-ff). Absent values are NIL. Sizes are the body's byte count as stored. A text/* part without a
// charset parameter is shown with ("charset" "us-ascii") appended, the default of RFC 2046 §4.1.2.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mail/envelope.h"
#include "mail/mime.h"

namespace mail {

// An IMAP string: quoted or literal.
std::string imap_string(std::string_view s);
// An IMAP nstring: NIL or imap_string.
std::string imap_nstring(const std::optional<std::string>& s);

std::string envelope_string(const Envelope& e);

// BODY (extensible = false) or BODYSTRUCTURE (extensible = true) of `part`.
std::string body_string(const Part& part, bool extensible);

}  // namespace mail
