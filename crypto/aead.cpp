#include "crypto/aead.h"

#include <sodium.h>

namespace crypto {
namespace {

bool open_into(const Key& key, base::ByteSpan sealed, base::ByteSpan ad, std::uint8_t* out) {
  const std::uint8_t* nonce = sealed.data();
  const std::uint8_t* ct = sealed.data() + kAeadNonceBytes;
  unsigned long long ct_len = sealed.size() - kAeadNonceBytes;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, ct, ct_len, ad.data(), ad.size(), nonce,
                                                    key.data()) == 0;
}

}  // namespace

void aead_seal(const Key& key, base::ByteSpan plaintext, base::ByteSpan ad, base::Bytes& out) {
  init();
  std::size_t at = out.size();
  out.resize(at + kAeadOverhead + plaintext.size());
  std::uint8_t* nonce = out.data() + at;
  randombytes_buf(nonce, kAeadNonceBytes);
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kAeadNonceBytes, nullptr, plaintext.data(), plaintext.size(),
                                             ad.data(), ad.size(), nullptr, nonce, key.data());
}

base::Bytes aead_seal(const Key& key, base::ByteSpan plaintext, base::ByteSpan ad) {
  base::Bytes out;
  aead_seal(key, plaintext, ad, out);
  return out;
}

base::Result<base::Bytes> aead_open(const Key& key, base::ByteSpan sealed, base::ByteSpan ad) {
  if (sealed.size() < kAeadOverhead) return base::fail(base::Errc::corrupt, "sealed record too short");
  base::Bytes out(sealed.size() - kAeadOverhead);
  if (!open_into(key, sealed, ad, out.data())) return base::fail(base::Errc::corrupt, "authentication failed");
  return out;
}

base::Result<SecretBytes> aead_open_secret(const Key& key, base::ByteSpan sealed, base::ByteSpan ad) {
  if (sealed.size() < kAeadOverhead) return base::fail(base::Errc::corrupt, "sealed key too short");
  SecretBytes out(sealed.size() - kAeadOverhead);
  if (!open_into(key, sealed, ad, out.data())) return base::fail(base::Errc::corrupt, "authentication failed");
  return out;
}

}  // namespace crypto
