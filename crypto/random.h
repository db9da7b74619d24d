// Random bytes and identifiers from libsodium's CSPRNG (getrandom(2) underneath).
#pragma once

#include <cstddef>
#include <string>

#include "base/bytes.h"

namespace crypto {

base::Bytes random_bytes(std::size_t n);
// 128 random bits as 32 lower-case hex characters: names of mailboxes, blobs and spool entries on disk.
std::string random_id();
// A uniformly random 32-bit value (UIDVALIDITY seeds and the like).
std::uint32_t random_u32();

}  // namespace crypto
