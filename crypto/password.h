// Password-based key derivation: Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13).
//
// A password never unlocks anything directly: derive_kek() stretches it into a key-encryption key (KEK), and the KEK
// unwraps the account's master key. Parameters are stored with each account, so they can be raised later without
// breaking existing accounts. Cost: the default (3 passes over 32 MiB) is about 100 ms of one core on the target
// machine class; callers run it on the work pool, never on an I/O thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secret.h"

namespace crypto {

inline constexpr std::size_t kSaltBytes = 16;

struct KdfParams {
  std::uint32_t passes = 3;         // Argon2id t (opslimit)
  std::uint32_t memory_kib = 32768; // Argon2id m, in KiB (memlimit / 1024)

  // The floor below which we refuse to go, even when configured: OWASP's minimum for Argon2id (t=2, m=19 MiB).
  static constexpr std::uint32_t kMinPasses = 2;
  static constexpr std::uint32_t kMinMemoryKib = 19 * 1024;
  // The ceiling: 4 GiB of memory per hash would let one login exhaust the host.
  static constexpr std::uint32_t kMaxMemoryKib = 4u * 1024 * 1024;
  static constexpr std::uint32_t kMaxPasses = 64;

  // Errc::invalid_argument when outside [min, max].
  base::Status validate() const;
};

// Derives a 32-byte KEK from password and salt. Errors: invalid_argument for bad parameters or a salt of the wrong
// size; internal when Argon2id cannot get its memory.
base::Result<Key> derive_kek(std::string_view password, base::ByteSpan salt, const KdfParams& params);

}  // namespace crypto
