// KdfParams::validate and derive_kek (Argon2id). Uses the floor parameters (2 passes, 19 MiB) to stay fast; one
// case runs the defaults.
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <cstdint>
#include <limits>
#include <string>

#include "base/bytes.h"
#include "crypto/password.h"
#include "crypto/secret.h"

namespace {

using base::Bytes;
using base::Errc;
using crypto::KdfParams;

constexpr KdfParams kFast{KdfParams::kMinPasses, KdfParams::kMinMemoryKib};

Bytes salt_of(std::uint8_t fill) { return Bytes(crypto::kSaltBytes, fill); }

std::string kek_hex(std::string_view password, const Bytes& salt, const KdfParams& params) {
  auto kek = crypto::derive_kek(password, salt, params);
  if (!kek) BOOST_FAIL(kek.error().message());
  return base::to_hex(kek->span());
}

// The same derivation done with libsodium directly: memory in bytes, Argon2id v1.3.
std::string reference_hex(std::string_view password, const Bytes& salt, std::uint32_t passes, std::uint32_t kib,
                          int alg = crypto_pwhash_ALG_ARGON2ID13) {
  std::uint8_t out[32];
  BOOST_REQUIRE(crypto_pwhash(out, sizeof out, password.data(), password.size(), salt.data(), passes,
                              std::size_t{kib} * 1024, alg) == 0);
  return base::to_hex(std::span<const std::uint8_t>(out, sizeof out));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(password)

BOOST_AUTO_TEST_CASE(defaults_and_limits) {
  KdfParams p;
  BOOST_TEST(p.passes == 3u);
  BOOST_TEST(p.memory_kib == 32768u);
  BOOST_TEST(KdfParams::kMinPasses == 2u);
  BOOST_TEST(KdfParams::kMinMemoryKib == 19456u);
  BOOST_TEST(KdfParams::kMaxPasses == 64u);
  BOOST_TEST(KdfParams::kMaxMemoryKib == 4194304u);
  BOOST_TEST(crypto::kSaltBytes == std::size_t{crypto_pwhash_SALTBYTES});
  BOOST_TEST(p.validate().has_value());
}

BOOST_AUTO_TEST_CASE(validate_accepts_the_bounds) {
  BOOST_TEST((KdfParams{2, 19456}.validate().has_value()));
  BOOST_TEST((KdfParams{64, 19456}.validate().has_value()));
  BOOST_TEST((KdfParams{2, 4194304}.validate().has_value()));
  BOOST_TEST((KdfParams{64, 4194304}.validate().has_value()));
}

BOOST_AUTO_TEST_CASE(validate_rejects_below_the_floor_and_above_the_ceiling) {
  const KdfParams bad[] = {
      {1, 32768},  {0, 32768},     {2, 19455},   {3, 0},    {1, 19455},
      {65, 32768}, {3, 4194305},   {std::numeric_limits<std::uint32_t>::max(), 32768},
      {3, std::numeric_limits<std::uint32_t>::max()},
  };
  for (const KdfParams& p : bad) {
    auto s = p.validate();
    BOOST_REQUIRE(!s.has_value());
    BOOST_TEST((s.error().code == Errc::invalid_argument), p.passes << "/" << p.memory_kib);
  }
}

BOOST_AUTO_TEST_CASE(derive_rejects_bad_params_and_salts) {
  auto r = crypto::derive_kek("pw", salt_of(1), KdfParams{1, 19456});
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == Errc::invalid_argument));
  auto m = crypto::derive_kek("pw", salt_of(1), KdfParams{2, 19455});
  BOOST_REQUIRE(!m.has_value());
  BOOST_TEST((m.error().code == Errc::invalid_argument));

  for (std::size_t n : {0u, 1u, 15u, 17u, 32u}) {
    auto s = crypto::derive_kek("pw", Bytes(n, 7), kFast);
    BOOST_REQUIRE(!s.has_value());
    BOOST_TEST((s.error().code == Errc::invalid_argument), n);
  }
}

BOOST_AUTO_TEST_CASE(derive_is_deterministic_and_matches_argon2id) {
  const Bytes salt = salt_of(0x5a);
  std::string a = kek_hex("correct horse", salt, kFast);
  std::string b = kek_hex("correct horse", salt, kFast);
  BOOST_TEST(a == b);
  BOOST_TEST(a.size() == 64u);
  // Argon2id v1.3 with memory in KiB * 1024 bytes: not Argon2i, not memory taken as bytes.
  BOOST_TEST(a == reference_hex("correct horse", salt, 2, 19456));
  // (libsodium's Argon2i needs at least 3 passes, hence the comparison at 3.)
  const KdfParams three{3, KdfParams::kMinMemoryKib};
  BOOST_TEST(kek_hex("correct horse", salt, three) == reference_hex("correct horse", salt, 3, 19456));
  BOOST_TEST(kek_hex("correct horse", salt, three) !=
             reference_hex("correct horse", salt, 3, 19456, crypto_pwhash_ALG_ARGON2I13));
}

BOOST_AUTO_TEST_CASE(derive_differs_by_password_salt_and_params) {
  const Bytes salt = salt_of(0x11);
  const std::string base_kek = kek_hex("password", salt, kFast);
  BOOST_TEST(base_kek != kek_hex("Password", salt, kFast));
  BOOST_TEST(base_kek != kek_hex("password ", salt, kFast));
  Bytes other_salt = salt;
  other_salt[15] ^= 1;
  BOOST_TEST(base_kek != kek_hex("password", other_salt, kFast));
  BOOST_TEST(base_kek != kek_hex("password", salt, KdfParams{3, KdfParams::kMinMemoryKib}));
  BOOST_TEST(base_kek != kek_hex("password", salt, KdfParams{2, KdfParams::kMinMemoryKib + 1024}));
}

BOOST_AUTO_TEST_CASE(password_bytes_are_taken_by_length) {
  // An embedded NUL is part of the password (no C-string truncation), and the empty password is allowed.
  const Bytes salt = salt_of(0x22);
  std::string with_nul("pw\0tail", 7);
  BOOST_TEST(kek_hex(with_nul, salt, kFast) != kek_hex("pw", salt, kFast));
  std::string empty = kek_hex("", salt, kFast);
  BOOST_TEST(empty.size() == 64u);
  BOOST_TEST(empty == reference_hex("", salt, 2, 19456));
  // 8-bit (UTF-8) passwords work.
  BOOST_TEST(kek_hex("p\xc3\xa4ssw\xc3\xb6rd", salt, kFast) == reference_hex("p\xc3\xa4ssw\xc3\xb6rd", salt, 2, 19456));
}

BOOST_AUTO_TEST_CASE(default_params) {
  const Bytes salt = salt_of(0x33);
  std::string kek = kek_hex("default", salt, KdfParams{});
  BOOST_TEST(kek == reference_hex("default", salt, 3, 32768));
  BOOST_TEST(kek != kek_hex("default", salt, kFast));
}

BOOST_AUTO_TEST_SUITE_END()
