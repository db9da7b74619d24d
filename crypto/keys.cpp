#include "crypto/keys.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace crypto {

Key derive_subkey(const Key& master, std::uint64_t id, std::string_view context) {
  static_assert(crypto_kdf_KEYBYTES == kKeyBytes && crypto_kdf_CONTEXTBYTES == 8);
  if (context.size() != crypto_kdf_CONTEXTBYTES) std::abort();  // programming error
  init();
  Key out;
  crypto_kdf_derive_from_key(out.data(), kKeyBytes, id, context.data(), master.data());
  return out;
}

KeyPair KeyPair::generate() {
  init();
  KeyPair pair;
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

KeyPair KeyPair::from_secret(Key secret) {
  init();
  KeyPair pair;
  pair.secret_key = std::move(secret);
  crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

base::Bytes seal_to(const PublicKey& recipient, base::ByteSpan plaintext) {
  static_assert(crypto_box_SEALBYTES == kSealOverhead);
  init();
  base::Bytes out(plaintext.size() + kSealOverhead);
  crypto_box_seal(out.data(), plaintext.data(), plaintext.size(), recipient.data());
  return out;
}

base::Result<SecretBytes> unseal(const KeyPair& pair, base::ByteSpan sealed) {
  if (sealed.size() < kSealOverhead) return base::fail(base::Errc::corrupt, "sealed box too short");
  SecretBytes out(sealed.size() - kSealOverhead);
  if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), pair.public_key.data(),
                           pair.secret_key.data()) != 0) {
    return base::fail(base::Errc::corrupt, "sealed box failed authentication");
  }
  return out;
}

Hash hash(base::ByteSpan data) {
  Hash out{};
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

Hash keyed_hash(const Key& key, base::ByteSpan data) {
  Hash out{};
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.data(), kKeyBytes);
  return out;
}

bool equal(base::ByteSpan a, base::ByteSpan b) {
  return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace crypto
