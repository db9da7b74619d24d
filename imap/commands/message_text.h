// Top-level RFC 5322 message slicing for FETCH: where the header ends, and header field selection for
// BODY[HEADER.FIELDS (...)] / BODY[HEADER.FIELDS.NOT (...)]. Lenient: bare LF line ends are accepted, and a
// message without a blank line is all header. (Part-level MIME structure comes with the mail/ parser.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imap::commands {

// Bytes of the header including the blank line that ends it.
std::size_t header_length(std::string_view message);

// The header fields of `header` whose names are (or, with exclude, are not) in `names` (case-insensitive), in
// their original order and form, followed by the blank line "\r\n" (RFC 3501 §6.4.5).
std::string select_header_fields(std::string_view header, const std::vector<std::string_view>& names, bool exclude);

}  // namespace imap::commands
