// Resource limits of the LMTP protocol layer. Each bounds memory that a client could otherwise make the server spend,
// or is a protocol maximum; the reason is beside it. Lengths of lines count the final CRLF, as RFC 5321 does.
#pragma once

#include <cstddef>

namespace lmtp::protocol {

// A command line, CRLF included: 512 octets (RFC 5321 §4.5.3.1.4). Longer lines get 500 5.5.2 "Line too long".
inline constexpr std::size_t kMaxCommandLineBytes = 512;

// MAIL and RCPT lines, CRLF included: 4096 octets. RFC 5321 lets extensions raise the 512 limit, and ours do: SIZE
// (+26, RFC 1870), BODY (+16, RFC 6152), SMTPUTF8 (+10, RFC 6531), and a UTF-8 path may take up to four octets per
// character of a 256-character path (§4.5.3.1.3). This is also what LineReader buffers for one line at most.
inline constexpr std::size_t kMaxPathCommandLineBytes = 4096;

// Domains: 255 octets, labels 63 (RFC 5321 §4.5.3.1.2, RFC 1035 §2.3.4).
inline constexpr std::size_t kMaxDomainBytes = 255;
inline constexpr std::size_t kMaxLabelBytes = 63;

// Successful RCPTs per transaction: 1000. RFC 5321 §4.5.3.1.8 asks for at least 100; more gets 452 4.5.3 and the
// client sends the rest in another transaction. Bounds the recipient list and the replies after the message.
inline constexpr std::size_t kMaxRecipients = 1000;

// Reply lines, CRLF included: 512 octets (RFC 5321 §4.5.3.1.5). Reply::wire() cuts longer text.
inline constexpr std::size_t kMaxReplyLineBytes = 512;

}  // namespace lmtp::protocol
