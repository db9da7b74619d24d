// aead_seal / aead_open / aead_open_secret: XChaCha20-Poly1305 with a random nonce; layout nonce | ct | tag.
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/aead.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace {

using base::Bytes;
using base::Errc;
using crypto::Key;

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Plaintexts covering empty, one byte, NUL and 8-bit bytes, and a multi-block size.
std::vector<Bytes> sample_plaintexts() {
  return {Bytes{}, Bytes{0}, text(std::string_view("a\0b\xff\x80 key", 9)), crypto::random_bytes(1000)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aead)

BOOST_AUTO_TEST_CASE(constants) {
  BOOST_TEST(crypto::kAeadNonceBytes == 24u);
  BOOST_TEST(crypto::kAeadTagBytes == 16u);
  BOOST_TEST(crypto::kAeadOverhead == 40u);
  BOOST_TEST(crypto::kAeadNonceBytes == std::size_t{crypto_aead_xchacha20poly1305_ietf_NPUBBYTES});
  BOOST_TEST(crypto::kAeadTagBytes == std::size_t{crypto_aead_xchacha20poly1305_ietf_ABYTES});
}

BOOST_AUTO_TEST_CASE(round_trip) {
  Key key = Key::random();
  const Bytes ad = text("user@example.org/slot 1");
  for (const Bytes& pt : sample_plaintexts()) {
    Bytes sealed = crypto::aead_seal(key, pt, ad);
    BOOST_TEST(sealed.size() == pt.size() + 40);
    auto back = crypto::aead_open(key, sealed, ad);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST((*back == pt));
  }
  // Empty associated data is allowed and is distinct from non-empty.
  Bytes pt = text("hello");
  Bytes sealed = crypto::aead_seal(key, pt, {});
  BOOST_TEST((crypto::aead_open(key, sealed, {}).value() == pt));
  BOOST_TEST(!crypto::aead_open(key, sealed, text("x")).has_value());
}

BOOST_AUTO_TEST_CASE(layout_matches_libsodium) {
  // nonce (24) | ciphertext | tag (16): decrypting with libsodium directly, nonce taken from the front, works.
  Key key = Key::random();
  const Bytes pt = text("the layout is part of the on-disk format");
  const Bytes ad = text("ad");
  Bytes sealed = crypto::aead_seal(key, pt, ad);
  Bytes out(pt.size());
  unsigned long long out_len = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &out_len, nullptr, sealed.data() + 24,
                                                      sealed.size() - 24, ad.data(), ad.size(), sealed.data(),
                                                      key.data());
  BOOST_TEST(rc == 0);
  BOOST_TEST(out_len == pt.size());
  BOOST_TEST((out == pt));
}

BOOST_AUTO_TEST_CASE(nonce_is_fresh_each_time) {
  Key key = Key::random();
  const Bytes pt = text("same input");
  std::set<std::string> nonces, sealed_texts;
  for (int i = 0; i < 50; ++i) {
    Bytes sealed = crypto::aead_seal(key, pt, {});
    nonces.insert(base::to_hex(base::ByteSpan(sealed).first(24)));
    sealed_texts.insert(base::to_hex(sealed));
  }
  BOOST_TEST(nonces.size() == 50u);
  BOOST_TEST(sealed_texts.size() == 50u);
}

BOOST_AUTO_TEST_CASE(seal_appends_to_existing_output) {
  Key key = Key::random();
  Bytes out = text("HDR");
  const Bytes pt = text("payload");
  crypto::aead_seal(key, pt, text("ad"), out);
  BOOST_TEST(out.size() == 3 + pt.size() + 40);
  BOOST_TEST(base::as_chars(base::ByteSpan(out).first(3)) == "HDR");
  auto back = crypto::aead_open(key, base::ByteSpan(out).subspan(3), text("ad"));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == pt));
  // A second record appended after the first.
  crypto::aead_seal(key, text("two"), text("ad2"), out);
  auto second = crypto::aead_open(key, base::ByteSpan(out).subspan(3 + pt.size() + 40), text("ad2"));
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(base::as_chars(*second) == "two");
}

BOOST_AUTO_TEST_CASE(wrong_key_is_corrupt) {
  Key key = Key::random();
  Key other = Key::random();
  Bytes sealed = crypto::aead_seal(key, text("secret"), text("ad"));
  auto r = crypto::aead_open(other, sealed, text("ad"));
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == Errc::corrupt));
  // A key differing in one bit.
  Key near = key.clone();
  near.data()[31] ^= 0x01;
  BOOST_TEST((crypto::aead_open(near, sealed, text("ad")).error().code == Errc::corrupt));
  BOOST_TEST((crypto::aead_open_secret(other, sealed, text("ad")).error().code == Errc::corrupt));
}

BOOST_AUTO_TEST_CASE(wrong_ad_is_corrupt) {
  Key key = Key::random();
  Bytes sealed = crypto::aead_seal(key, text("secret"), text("alice/slot0"));
  for (std::string_view bad : {"alice/slot1", "alice/slot", "alice/slot00", "", "Alice/slot0"}) {
    auto r = crypto::aead_open(key, sealed, text(bad));
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == Errc::corrupt), bad);
    auto s = crypto::aead_open_secret(key, sealed, text(bad));
    BOOST_REQUIRE(!s.has_value());
    BOOST_TEST((s.error().code == Errc::corrupt), bad);
  }
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_is_corrupt) {
  Key key = Key::random();
  const Bytes ad = text("ad");
  for (std::size_t n : {0u, 1u, 37u}) {
    Bytes pt = crypto::random_bytes(n);
    Bytes sealed = crypto::aead_seal(key, pt, ad);
    int failures = 0;
    for (std::size_t i = 0; i < sealed.size(); ++i) {
      for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        Bytes bad = sealed;
        bad[i] ^= mask;
        auto r = crypto::aead_open(key, bad, ad);
        auto s = crypto::aead_open_secret(key, bad, ad);
        bool good = !r.has_value() && r.error().code == Errc::corrupt && !s.has_value() &&
                    s.error().code == Errc::corrupt;
        if (!good && ++failures <= 5) BOOST_ERROR("flip of byte " << i << " mask " << int{mask} << " not rejected");
      }
    }
    BOOST_TEST(failures == 0, "size " << n);
  }
}

BOOST_AUTO_TEST_CASE(too_short_is_corrupt) {
  Key key = Key::random();
  Bytes sealed = crypto::aead_seal(key, {}, {});
  BOOST_REQUIRE(sealed.size() == 40u);
  BOOST_TEST(crypto::aead_open(key, sealed, {}).has_value());
  for (std::size_t n = 0; n < 40; ++n) {
    auto r = crypto::aead_open(key, base::ByteSpan(sealed).first(n), {});
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == Errc::corrupt), n);
    auto s = crypto::aead_open_secret(key, base::ByteSpan(sealed).first(n), {});
    BOOST_REQUIRE(!s.has_value());
    BOOST_TEST((s.error().code == Errc::corrupt), n);
  }
  // Truncating a longer record (dropping the tag's last byte) or extending it also fails.
  Bytes longer = crypto::aead_seal(key, text("0123456789"), {});
  BOOST_TEST((crypto::aead_open(key, base::ByteSpan(longer).first(longer.size() - 1), {}).error().code ==
              Errc::corrupt));
  longer.push_back(0);
  BOOST_TEST((crypto::aead_open(key, longer, {}).error().code == Errc::corrupt));
}

BOOST_AUTO_TEST_CASE(open_secret_round_trip) {
  Key key = Key::random();
  Key wrapped = Key::random();
  const Bytes ad = text("user/slot");
  Bytes sealed = crypto::aead_seal(key, wrapped.span(), ad);
  auto back = crypto::aead_open_secret(key, sealed, ad);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->size() == 32u);
  BOOST_TEST(base::to_hex(back->span()) == base::to_hex(wrapped.span()));
  Key unwrapped = Key::from(back->span());
  BOOST_TEST(base::to_hex(unwrapped.span()) == base::to_hex(wrapped.span()));

  // Empty plaintext gives empty secret bytes.
  Bytes empty_sealed = crypto::aead_seal(key, {}, ad);
  auto empty = crypto::aead_open_secret(key, empty_sealed, ad);
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->empty());
}

BOOST_AUTO_TEST_CASE(errors_carry_no_plaintext) {
  Key key = Key::random();
  Bytes sealed = crypto::aead_seal(key, text("TOPSECRETVALUE"), {});
  sealed.back() ^= 1;
  auto r = crypto::aead_open(key, sealed, {});
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message().find("TOPSECRET") == std::string::npos);
  BOOST_TEST(r.error().message().rfind("corrupt", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
