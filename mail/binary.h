// The content of an IMAP BINARY section (RFC 3516 §4.2-4.3, RFC 9051 §6.4.5 and §7.5.2): the bytes of a body part
// with its Content-Transfer-Encoding removed.
//
// BINARY[] (no part number) is the whole message as stored: a message as a whole has no transfer encoding of its
// own (its Content-Transfer-Encoding describes its body, and an RFC 5322 message may only be 7bit, 8bit or binary,
// RFC 2045 §6.4), so it is the same bytes as BODY[]. BINARY[part] is the part's body (BODY[part]) decoded:
// QUOTED-PRINTABLE and BASE64 are decoded (mail/text.h decode_transfer_encoding), 7BIT, 8BIT and BINARY are the
// identity, and any other encoding (an x-token, a misspelling) is unknown: the caller answers NO [UNKNOWN-CTE].
// RFC 9051 lets clients ask BINARY only of leaf parts; asked of a multipart or message/rfc822 part anyway, the
// same rule applies (those may only be 7bit, 8bit or binary, so the answer is BODY[part] unchanged), as RFC 3516,
// which has no such restriction, reads.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mail/mime.h"

namespace mail {

enum class TransferEncoding {
  identity,          // 7BIT, 8BIT, BINARY (RFC 2045 §6.2)
  quoted_printable,  // RFC 2045 §6.7
  base64,            // RFC 2045 §6.8
  unknown,           // anything else: it cannot be removed
};

// How a Content-Transfer-Encoding value (as mail::Part::encoding holds it: one token) is removed. Compared
// case-insensitively.
TransferEncoding transfer_encoding(std::string_view name);

enum class BinaryStatus {
  ok,
  no_such_part,      // the part number names no part (BINARY answers NIL, like BODY)
  unknown_encoding,  // the part's transfer encoding is unknown (NO [UNKNOWN-CTE])
};

struct BinarySection {
  BinaryStatus status = BinaryStatus::ok;
  std::string_view data;  // when ok: the decoded bytes, viewing into the message or into the caller's `storage`
};

// BINARY[part] of `message`, whose MIME tree is `root` (parse_message(message)). When the part needs decoding the
// decoded bytes are written to `storage` and `data` views them; otherwise `data` views into `message`. `data` is
// valid while both `message` and `storage` are alive and unchanged.
BinarySection binary_section(std::string_view message, const Part& root, std::span<const std::uint32_t> part,
                             std::string& storage);

// Whether `data` must be sent as a literal8 (RFC 3516 §4.3): a literal cannot carry NUL (RFC 9051 §4.3.1, CHAR8).
bool needs_literal8(std::string_view data);

}  // namespace mail
