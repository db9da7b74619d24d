// derive_subkey, KeyPair, seal_to/unseal, hash/keyed_hash and equal().
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace {

using base::Bytes;
using base::Errc;
using crypto::Key;
using crypto::KeyPair;

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string hex(std::span<const std::uint8_t> s) { return base::to_hex(s); }

// The key 00 01 02 ... 1f.
Key counting_key() {
  Bytes raw(32);
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i);
  return Key::from(raw);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(keys)

BOOST_AUTO_TEST_CASE(constants) {
  BOOST_TEST(crypto::kPublicKeyBytes == std::size_t{crypto_box_PUBLICKEYBYTES});
  BOOST_TEST(crypto::kSealOverhead == std::size_t{crypto_box_SEALBYTES});
  BOOST_TEST(crypto::kHashBytes == 32u);
}

BOOST_AUTO_TEST_CASE(derive_subkey_is_deterministic) {
  Key master = Key::random();
  Key a = crypto::derive_subkey(master, 1, "sbjrnl01");
  Key b = crypto::derive_subkey(master.clone(), 1, "sbjrnl01");
  BOOST_TEST(hex(a.span()) == hex(b.span()));
  BOOST_TEST(hex(a.span()) != hex(master.span()));
}

BOOST_AUTO_TEST_CASE(derive_subkey_known_answer) {
  // crypto_kdf is BLAKE2b-256 keyed with the master key, salt = id (u64 LE) || 8 zero bytes, personal = context ||
  // 8 zero bytes, empty message. Computed independently with Python's hashlib.blake2b.
  Key k = crypto::derive_subkey(counting_key(), 7, "sbjrnl01");
  BOOST_TEST(hex(k.span()) == "6a8468bb51fc5520a62ce845e403df4bd65fdcdc6dbacb88e69e9b8b8ae28117");
}

BOOST_AUTO_TEST_CASE(derive_subkey_ids_contexts_and_masters_are_independent) {
  Key master = Key::random();
  std::set<std::string> seen;
  for (std::uint64_t id : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{1} << 32,
                           std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    for (std::string_view ctx : {"sbjrnl01", "sbjrnl02", "sbkwrap1", "SBJRNL01"}) {
      seen.insert(hex(crypto::derive_subkey(master, id, ctx).span()));
    }
  }
  BOOST_TEST(seen.size() == 6u * 4u);
  Key other = Key::random();
  BOOST_TEST(hex(crypto::derive_subkey(master, 1, "sbjrnl01").span()) !=
             hex(crypto::derive_subkey(other, 1, "sbjrnl01").span()));
}

BOOST_AUTO_TEST_CASE(generate_gives_distinct_pairs) {
  KeyPair a = KeyPair::generate();
  KeyPair b = KeyPair::generate();
  BOOST_TEST(hex(a.public_key) != hex(b.public_key));
  BOOST_TEST(hex(a.secret_key.span()) != hex(b.secret_key.span()));
  BOOST_TEST(hex(a.public_key) != std::string(64, '0'));
}

BOOST_AUTO_TEST_CASE(from_secret_reproduces_public_key) {
  for (int i = 0; i < 8; ++i) {
    KeyPair pair = KeyPair::generate();
    KeyPair again = KeyPair::from_secret(pair.secret_key.clone());
    BOOST_TEST(hex(again.public_key) == hex(pair.public_key));
    BOOST_TEST(hex(again.secret_key.span()) == hex(pair.secret_key.span()));
  }
  // And it matches libsodium's scalar multiplication directly.
  Key sk = counting_key();
  std::uint8_t pk[crypto_scalarmult_BYTES];
  BOOST_REQUIRE(crypto_scalarmult_base(pk, sk.data()) == 0);
  KeyPair pair = KeyPair::from_secret(sk.clone());
  BOOST_TEST(hex(pair.public_key) == hex(std::span<const std::uint8_t>(pk, sizeof pk)));
}

BOOST_AUTO_TEST_CASE(seal_to_unseal_round_trip) {
  KeyPair pair = KeyPair::generate();
  std::vector<Bytes> plaintexts = {Bytes{}, Bytes{0}, text(std::string_view("dek\0\xff", 5)),
                                   crypto::random_bytes(32), crypto::random_bytes(5000)};
  for (const Bytes& pt : plaintexts) {
    Bytes sealed = crypto::seal_to(pair.public_key, pt);
    BOOST_TEST(sealed.size() == pt.size() + 48);
    auto back = crypto::unseal(pair, sealed);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->size() == pt.size());
    BOOST_TEST(hex(back->span()) == hex(pt));
  }
  // Sealing is randomised (ephemeral key): the same input seals differently.
  Bytes pt = text("same");
  BOOST_TEST(hex(crypto::seal_to(pair.public_key, pt)) != hex(crypto::seal_to(pair.public_key, pt)));
  // A pair rebuilt from the secret key opens it too.
  Bytes sealed = crypto::seal_to(pair.public_key, pt);
  KeyPair rebuilt = KeyPair::from_secret(pair.secret_key.clone());
  BOOST_TEST(crypto::unseal(rebuilt, sealed).has_value());
}

BOOST_AUTO_TEST_CASE(unseal_with_wrong_pair_is_corrupt) {
  KeyPair pair = KeyPair::generate();
  KeyPair other = KeyPair::generate();
  Bytes sealed = crypto::seal_to(pair.public_key, text("a DEK"));
  auto r = crypto::unseal(other, sealed);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == Errc::corrupt));

  // Right secret key but a wrong public half (it enters the nonce): also fails.
  KeyPair mixed;
  mixed.public_key = other.public_key;
  mixed.secret_key = pair.secret_key.clone();
  BOOST_TEST((crypto::unseal(mixed, sealed).error().code == Errc::corrupt));
}

BOOST_AUTO_TEST_CASE(unseal_flipped_byte_is_corrupt) {
  KeyPair pair = KeyPair::generate();
  Bytes sealed = crypto::seal_to(pair.public_key, crypto::random_bytes(40));
  int failures = 0;
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x01;
    auto r = crypto::unseal(pair, bad);
    if (r.has_value() || r.error().code != Errc::corrupt) {
      if (++failures <= 5) BOOST_ERROR("flip of byte " << i << " not rejected");
    }
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(unseal_too_short_is_corrupt) {
  KeyPair pair = KeyPair::generate();
  Bytes sealed = crypto::seal_to(pair.public_key, {});
  BOOST_REQUIRE(sealed.size() == 48u);
  BOOST_TEST(crypto::unseal(pair, sealed).has_value());
  for (std::size_t n = 0; n < 48; ++n) {
    auto r = crypto::unseal(pair, base::ByteSpan(sealed).first(n));
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == Errc::corrupt), n);
  }
}

BOOST_AUTO_TEST_CASE(hash_known_answers) {
  // BLAKE2b with a 32-byte digest (computed with Python's hashlib.blake2b(digest_size=32)).
  BOOST_TEST(hex(crypto::hash({})) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  BOOST_TEST(hex(crypto::hash(text("abc"))) == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  BOOST_TEST(hex(crypto::keyed_hash(counting_key(), text("abc"))) ==
             "d63a32d3e44738d7907f964316c241adaba0abfeabc32349677578a15a203f7f");
}

BOOST_AUTO_TEST_CASE(hash_properties) {
  Bytes data = crypto::random_bytes(1000);
  BOOST_TEST(hex(crypto::hash(data)) == hex(crypto::hash(data)));
  Bytes changed = data;
  changed[500] ^= 1;
  BOOST_TEST(hex(crypto::hash(data)) != hex(crypto::hash(changed)));
  BOOST_TEST(hex(crypto::hash(base::ByteSpan(data).first(999))) != hex(crypto::hash(data)));

  Key k1 = Key::random();
  Key k2 = Key::random();
  BOOST_TEST(hex(crypto::keyed_hash(k1, data)) == hex(crypto::keyed_hash(k1.clone(), data)));
  BOOST_TEST(hex(crypto::keyed_hash(k1, data)) != hex(crypto::keyed_hash(k2, data)));
  BOOST_TEST(hex(crypto::keyed_hash(k1, data)) != hex(crypto::hash(data)));
  BOOST_TEST(hex(crypto::keyed_hash(k1, data)) != hex(crypto::keyed_hash(k1, changed)));
  // The password fast path: the same password hashes equal, a different one does not.
  BOOST_TEST(crypto::equal(crypto::keyed_hash(k1, text("hunter2")), crypto::keyed_hash(k1, text("hunter2"))));
  BOOST_TEST(!crypto::equal(crypto::keyed_hash(k1, text("hunter2")), crypto::keyed_hash(k1, text("hunter3"))));
}

BOOST_AUTO_TEST_CASE(equal_compares_size_and_content) {
  Bytes a = text("abcdef");
  Bytes b = text("abcdef");
  BOOST_TEST(crypto::equal(a, b));
  BOOST_TEST(crypto::equal({}, {}));
  BOOST_TEST(!crypto::equal(a, {}));
  BOOST_TEST(!crypto::equal({}, a));
  BOOST_TEST(!crypto::equal(a, text("abcde")));
  BOOST_TEST(!crypto::equal(text("abcde"), a));
  for (std::size_t i = 0; i < a.size(); ++i) {
    Bytes c = a;
    c[i] ^= 0x80;
    BOOST_TEST(!crypto::equal(a, c), i);
  }
}

BOOST_AUTO_TEST_SUITE_END()
