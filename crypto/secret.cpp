#include "crypto/secret.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace crypto {

void init() {
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fputs("sealbox: libsodium failed to initialise\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
  init();
  if (size == 0) return;
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) {
    // Out of locked memory (RLIMIT_MEMLOCK) or address space: continuing would put keys in swappable memory.
    std::fputs("sealbox: cannot allocate guarded memory for a secret\n", stderr);
    std::abort();
  }
  sodium_memzero(data_, size);
}

SecretBytes::~SecretBytes() {
  if (data_ != nullptr) sodium_free(data_);  // wipes before unmapping
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes SecretBytes::clone() const { return copy_of(span()); }

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

Key Key::random() {
  Key k;
  randombytes_buf(k.data(), kKeyBytes);
  return k;
}

Key Key::from(std::span<const std::uint8_t> bytes) {
  Key k;
  if (bytes.size() != kKeyBytes) std::abort();  // a programming error, never input-driven
  std::memcpy(k.data(), bytes.data(), kKeyBytes);
  return k;
}

Key Key::adopt(SecretBytes bytes) {
  if (bytes.size() != kKeyBytes) std::abort();  // a programming error, never input-driven
  return Key(std::move(bytes));
}

Key Key::clone() const { return from(span()); }

}  // namespace crypto
