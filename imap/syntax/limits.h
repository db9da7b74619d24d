// Resource limits of the IMAP syntax layer. Every limit bounds memory or stack that an unauthenticated client
// could otherwise make the server spend; each has its reason beside it.
#pragma once

#include <cstddef>

namespace imap::syntax {

// Command text (everything except literal data) per command: 64 KiB. RFC 7162 §4 asks servers to accept lines of
// at least 8192 octets; long UID sets from QRESYNC clients and MULTIAPPEND of ~1000 messages fit comfortably, and
// the bound caps what one connection can make us buffer before the command is complete.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Literal data inlined into one command (LOGIN passwords, SEARCH strings, mailbox names), summed over the command:
// 1 MiB. APPEND message bodies are never inlined (they stream out; see CommandReader), so nothing legitimate needs
// more, and the sum bounds the line buffer at kMaxLineBytes + kMaxInlineLiteral.
inline constexpr std::size_t kMaxInlineLiteral = 1024 * 1024;

// Parenthesis depth (and NOT/OR chains, which recurse the same way) in one command: 64. The parser is recursive
// descent, so this bounds its stack use; real clients nest SEARCH keys a few levels deep at most.
inline constexpr int kMaxNesting = 64;

// Digits in a literal's octet count: 10. RFC 3501 counts are 32-bit (at most 10 digits); RFC 9051's number64 allows
// more, but no literal we accept comes near 10 GB. A longer count is garbage, and if the client will not wait for a
// continuation ({n+}) we cannot know how many bytes to skip, so the stream cannot be resynchronised.
inline constexpr std::size_t kMaxLiteralDigits = 10;

}  // namespace imap::syntax
