// Authenticated encryption for small records: XChaCha20-Poly1305 (IETF) with a fresh random 192-bit nonce.
//
// Sealed layout:  nonce (24 bytes) | ciphertext (plaintext length) | Poly1305 tag (16 bytes)
//
// Random nonces are safe here: XChaCha20's 192-bit nonce makes collisions negligible for any number of records one
// key will ever seal. The associated data binds a record to its place (a user name and slot id, a journal id and
// record number), so records cannot be moved between files or reordered without detection.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secret.h"

namespace crypto {

inline constexpr std::size_t kAeadNonceBytes = 24;
inline constexpr std::size_t kAeadTagBytes = 16;
inline constexpr std::size_t kAeadOverhead = kAeadNonceBytes + kAeadTagBytes;

// Seals plaintext under key; appends nonce|ciphertext|tag to out.
void aead_seal(const Key& key, base::ByteSpan plaintext, base::ByteSpan ad, base::Bytes& out);
base::Bytes aead_seal(const Key& key, base::ByteSpan plaintext, base::ByteSpan ad);

// Opens a sealed record. Errors: Errc::corrupt when the input is too short or fails authentication (a wrong key,
// wrong associated data and tampering are indistinguishable by design).
base::Result<base::Bytes> aead_open(const Key& key, base::ByteSpan sealed, base::ByteSpan ad);
// The same, with the plaintext placed in guarded memory: for wrapped keys.
base::Result<SecretBytes> aead_open_secret(const Key& key, base::ByteSpan sealed, base::ByteSpan ad);

}  // namespace crypto
