#include "crypto/random.h"

#include <sodium.h>

#include "crypto/secret.h"

namespace crypto {

base::Bytes random_bytes(std::size_t n) {
  init();
  base::Bytes out(n);
  randombytes_buf(out.data(), n);
  return out;
}

std::string random_id() { return base::to_hex(random_bytes(16)); }

std::uint32_t random_u32() {
  init();
  return randombytes_random();
}

}  // namespace crypto
