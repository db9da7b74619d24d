// Key hierarchy primitives: sub-key derivation from a master key, X25519 delivery key pairs, sealed boxes, and a
// keyed hash. Mail-agnostic: store/ decides what each key protects.
//
//   master key MK ─crypto_kdf(id, context)─► sub-keys (journal keys, key-wrap keys, ...)
//   X25519 key pair per epoch; crypto_box_seal(plaintext, public key) lets a delivery encrypt to a user whose
//   password it does not know. A sealed box is plaintext + 48 bytes (ephemeral public key + tag).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secret.h"

namespace crypto {

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSealOverhead = 48;  // crypto_box_SEALBYTES
inline constexpr std::size_t kHashBytes = 32;

using PublicKey = std::array<std::uint8_t, kPublicKeyBytes>;
using Hash = std::array<std::uint8_t, kHashBytes>;

// Derives sub-key `id` under an 8-character context (libsodium crypto_kdf, BLAKE2b). The context names the
// purpose ("sbjrnl01"); different contexts or ids give independent keys. Requires context.size() == 8.
Key derive_subkey(const Key& master, std::uint64_t id, std::string_view context);

struct KeyPair {
  PublicKey public_key{};
  Key secret_key;

  static KeyPair generate();
  // Rebuilds a pair from a secret key; public_key is recomputed (scalar multiplication).
  static KeyPair from_secret(Key secret);
};

// Seals plaintext so that only the holder of the pair's secret key can open it (anonymous sender).
base::Bytes seal_to(const PublicKey& recipient, base::ByteSpan plaintext);
// Opens a sealed box into guarded memory. Errc::corrupt when it fails authentication.
base::Result<SecretBytes> unseal(const KeyPair& pair, base::ByteSpan sealed);

// Unkeyed BLAKE2b-256: integrity checksums for files whose contents are already authenticated or public.
Hash hash(base::ByteSpan data);
// Keyed BLAKE2b-256 (a MAC).
Hash keyed_hash(const Key& key, base::ByteSpan data);

// Constant-time comparison.
bool equal(base::ByteSpan a, base::ByteSpan b);

}  // namespace crypto
