#include "crypto/password.h"

#include <sodium.h>

#include <string>

namespace crypto {

base::Status KdfParams::validate() const {
  if (passes < kMinPasses || passes > kMaxPasses || memory_kib < kMinMemoryKib || memory_kib > kMaxMemoryKib) {
    return base::fail(base::Errc::invalid_argument,
                      "Argon2id parameters out of range: passes " + std::to_string(passes) + " (2..64), memory " +
                          std::to_string(memory_kib) + " KiB (19456..4194304)");
  }
  return base::ok();
}

base::Result<Key> derive_kek(std::string_view password, base::ByteSpan salt, const KdfParams& params) {
  init();
  SB_CHECK(params.validate());
  if (salt.size() != kSaltBytes) return base::fail(base::Errc::invalid_argument, "salt must be 16 bytes");
  Key kek;
  if (crypto_pwhash(kek.data(), kKeyBytes, password.data(), password.size(), salt.data(), params.passes,
                    std::size_t{params.memory_kib} * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return base::fail(base::Errc::internal, "Argon2id could not allocate its memory");
  }
  return kek;
}

}  // namespace crypto
