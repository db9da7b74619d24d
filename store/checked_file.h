// Small cleartext files (the account header, epoch public keys, wrapped epoch secret keys) carry a checksum so that
// accidental corruption is reported as corruption, not mistaken for a wrong password or a wrong key.
//
// Layout: "SBX" | kind u8 | version u8 | payload ... | BLAKE2b-256 of everything before it (32 bytes)
//
// The checksum is not a security measure (anyone who can write the file can recompute it); what needs authenticity
// inside the payload is AEAD-sealed separately.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace store {

enum class FileKind : std::uint8_t {
  account = 'A',
  epoch_public = 'P',
  epoch_secret = 'S',
  snapshot = 'N',
};

base::Bytes encode_checked(FileKind kind, base::ByteSpan payload);
// The payload view (into bytes). Errc::corrupt with `what` in the detail on a bad magic, kind, version or checksum.
base::Result<base::ByteSpan> decode_checked(FileKind kind, base::ByteSpan bytes, std::string_view what);

}  // namespace store
