// random_bytes, random_id and random_u32 (libsodium's CSPRNG).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "base/bytes.h"
#include "crypto/random.h"

BOOST_AUTO_TEST_SUITE(crypto_random)  // not "random": that names ::random() from <cstdlib>

BOOST_AUTO_TEST_CASE(random_bytes_sizes_and_uniqueness) {
  BOOST_TEST(crypto::random_bytes(0).empty());
  BOOST_TEST(crypto::random_bytes(1).size() == 1u);
  auto a = crypto::random_bytes(4096);
  auto b = crypto::random_bytes(4096);
  BOOST_TEST(a.size() == 4096u);
  BOOST_TEST((a != b));
  // 4 KiB of uniform bytes misses a given value with probability e^-16: expect nearly all 256 values.
  std::set<std::uint8_t> values(a.begin(), a.end());
  BOOST_TEST(values.size() > 200u);
}

BOOST_AUTO_TEST_CASE(random_id_is_32_lower_hex_and_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = crypto::random_id();
    BOOST_TEST(id.size() == 32u);
    BOOST_TEST(std::all_of(id.begin(), id.end(),
                           [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }),
               id);
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(random_u32_varies) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(crypto::random_u32());
  BOOST_TEST(seen.size() >= 99u);  // a birthday collision among 100 draws of 2^32 is ~1e-6
}

BOOST_AUTO_TEST_SUITE_END()
