// Secret memory: SecretBytes holds key material in libsodium's guarded heap (sodium_malloc: guard pages, mlock'd,
// never swapped, wiped by sodium_free). Move-only. Every key in Sealbox lives in one of these; plaintext keys never
// sit in a std::vector or std::string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace crypto {

// Initialises libsodium once; safe to call from any thread, any number of times. Aborts if libsodium cannot start
// (no usable random source), since nothing in Sealbox can run safely without it.
void init();

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);  // zero-filled; aborts if guarded memory cannot be had
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // An explicit copy into fresh guarded memory.
  SecretBytes clone() const;
  static SecretBytes copy_of(std::span<const std::uint8_t> bytes);

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const std::uint8_t> span() const { return {data_, size_}; }
  std::span<std::uint8_t> mutable_span() { return {data_, size_}; }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// All symmetric keys in Sealbox are 32 bytes (XChaCha20-Poly1305, crypto_kdf, BLAKE2b keys).
inline constexpr std::size_t kKeyBytes = 32;

// A 32-byte symmetric key in guarded memory.
class Key {
 public:
  Key() : bytes_(kKeyBytes) {}
  static Key random();
  static Key from(std::span<const std::uint8_t> bytes);  // requires bytes.size() == kKeyBytes
  static Key adopt(SecretBytes bytes);                     // takes the memory itself; requires size kKeyBytes
  Key clone() const;

  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  std::span<const std::uint8_t> span() const { return bytes_.span(); }

 private:
  explicit Key(SecretBytes bytes) : bytes_(std::move(bytes)) {}
  SecretBytes bytes_;
};

}  // namespace crypto
