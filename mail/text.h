// Decoded, case-folded message text for IMAP SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4): BODY, TEXT, HEADER and
// the address/SUBJECT keys match case-insensitive substrings of what a reader would see, not of the raw bytes.
//
// The pipeline is: Content-Transfer-Encoding (quoted-printable, base64) -> charset to UTF-8 (glibc iconv) ->
// Unicode simple case folding. Header values go through RFC 2047 encoded-word decoding instead of the first step.
// Every function here is total: malformed input is decoded as far as it makes sense and never fails, invalid or
// unconvertible bytes become U+FFFD, and the output of to_utf8(), decode_header_value() and fold_case() is always
// valid UTF-8. All functions are thread-safe: iconv descriptors are cached per thread and never shared. Returned
// strings own their bytes; no view into the input survives the call.
//
// Matching limits, by design: folding is per code point (CaseFolding.txt status C and S), so "ß" does not match
// "ss" and the ligature "ﬁ" does not match "fi"; there is no Unicode normalization ("é" precomposed does not match
// "e" + U+0301); HTML is searched as its source text, tags included.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mail/mime.h"

namespace mail {

// searchable_text() stops adding text at this many bytes: a hostile message cannot make one SEARCH hold more.
inline constexpr std::size_t kMaxSearchText = std::size_t{64} << 20;

// The body bytes of a part decoded from its Content-Transfer-Encoding, compared case-insensitively:
// QUOTED-PRINTABLE (RFC 2045 §6.7: "=XX" in either case, soft line breaks "=" + optional blanks + CRLF or LF, or at
// the end of the input; an invalid escape is kept as written) and BASE64 (RFC 2045 §6.8: characters outside the
// alphabet, whitespace included, are skipped; decoding stops at the first '='; missing padding is tolerated).
// Any other encoding (7BIT, 8BIT, BINARY, unknown) returns the body unchanged.
std::string decode_transfer_encoding(std::string_view body, std::string_view encoding);

// `bytes` in `charset` (a MIME charset name, compared case-insensitively) converted to UTF-8. Empty, US-ASCII and
// UTF-8 (and any charset iconv does not know, or a name that is not a plain charset token) are read as UTF-8.
// Invalid sequences become U+FFFD: one per maximal invalid subpart for UTF-8, one per skipped byte for iconv.
std::string to_utf8(std::string_view bytes, std::string_view charset);

// An unfolded header value with RFC 2047 encoded words (=?charset?B|Q?text?=, the charset may carry an RFC 2231 §5
// "*language" suffix) decoded, as UTF-8. Whitespace between two adjacent encoded words is dropped, and adjacent
// words in the same charset are converted together (so a character split between words survives). Malformed
// encoded words are kept as written. Text outside encoded words is kept if it is valid UTF-8 (RFC 6532), else it is
// read as windows-1252.
std::string decode_header_value(std::string_view raw);

// Unicode simple case folding (Unicode 14.0 CaseFolding.txt, status C and S) of each code point: "ΣΊΣΥΦΟΣ",
// "σίσυφος" and "ΣΊΣΥΦΟς" all fold to "σίσυφοσ". Invalid UTF-8 becomes U+FFFD. Whitespace is kept as is. Needle
// and haystack must both be folded with this function before contains_folded().
std::string fold_case(std::string_view utf8);

// Whether `folded_needle` occurs in `folded_haystack` (both from fold_case(), so valid UTF-8 and a match can only
// start on a character boundary). An empty needle is found everywhere.
bool contains_folded(std::string_view folded_haystack, std::string_view folded_needle);

// The text SEARCH BODY (include_headers = false) or SEARCH TEXT (true) matches, decoded, as UTF-8 and folded.
// `root` is parse_message(message). Every text/* leaf contributes its transfer-decoded, charset-converted body, and
// message/rfc822 parts contribute the text of the embedded message; other leaves (images, applications)
// contribute nothing. With include_headers the decoded fields of the top-level message and of every embedded
// message are added too, one "Name: value" line per field, before that message's body text. Pieces are separated
// by "\n", so a needle without a line break never matches across two parts. The result stops at kMaxSearchText
// bytes (on a character boundary).
std::string searchable_text(std::string_view message, const Part& root, bool include_headers);

// Every value of the fields named `name` (case-insensitive), RFC 2047-decoded and folded, joined with "\n"; empty
// if there is no such field. For SEARCH HEADER, FROM, TO, CC, BCC and SUBJECT.
std::string decoded_header(const std::vector<HeaderField>& fields, std::string_view name);

}  // namespace mail
