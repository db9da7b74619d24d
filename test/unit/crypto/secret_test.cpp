// SecretBytes (guarded, move-only memory) and Key (a 32-byte SecretBytes).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "crypto/secret.h"

namespace {

using crypto::Key;
using crypto::SecretBytes;

bool all_zero(std::span<const std::uint8_t> s) {
  return std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; });
}

std::string hex(std::span<const std::uint8_t> s) { return base::to_hex(s); }

}  // namespace

BOOST_AUTO_TEST_SUITE(secret)

BOOST_AUTO_TEST_CASE(init_is_idempotent) {
  crypto::init();
  crypto::init();
  BOOST_TEST(true);
}

BOOST_AUTO_TEST_CASE(default_is_empty) {
  SecretBytes s;
  BOOST_TEST(s.empty());
  BOOST_TEST(s.size() == 0u);
  BOOST_TEST(s.data() == nullptr);
  BOOST_TEST(s.span().empty());
  SecretBytes zero(0);
  BOOST_TEST(zero.empty());
  BOOST_TEST(zero.data() == nullptr);
}

BOOST_AUTO_TEST_CASE(sized_is_zero_filled_and_writable) {
  SecretBytes s(100);
  BOOST_TEST(!s.empty());
  BOOST_TEST(s.size() == 100u);
  BOOST_REQUIRE(s.data() != nullptr);
  BOOST_TEST(all_zero(s.span()));
  BOOST_TEST(s.mutable_span().size() == 100u);
  for (std::size_t i = 0; i < s.size(); ++i) s.mutable_span()[i] = static_cast<std::uint8_t>(i);
  BOOST_TEST(s.data()[99] == 99u);
  BOOST_TEST(s.span()[50] == 50u);
  BOOST_TEST(s.span().data() == s.data());
}

BOOST_AUTO_TEST_CASE(move_construction_transfers_ownership) {
  SecretBytes a(16);
  a.data()[0] = 0xaa;
  const std::uint8_t* p = a.data();
  SecretBytes b(std::move(a));
  BOOST_TEST(b.data() == p);  // the same guarded allocation, not a copy
  BOOST_TEST(b.size() == 16u);
  BOOST_TEST(b.data()[0] == 0xaau);
  BOOST_TEST(a.data() == nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  BOOST_TEST(a.size() == 0u);
  BOOST_TEST(a.empty());
}

BOOST_AUTO_TEST_CASE(move_assignment_replaces_and_empties_source) {
  SecretBytes a(8);
  a.data()[7] = 7;
  SecretBytes b(32);
  b.data()[0] = 1;
  const std::uint8_t* pa = a.data();
  b = std::move(a);
  BOOST_TEST(b.data() == pa);
  BOOST_TEST(b.size() == 8u);
  BOOST_TEST(b.data()[7] == 7u);
  BOOST_TEST(a.data() == nullptr);  // NOLINT(bugprone-use-after-move)
  BOOST_TEST(a.size() == 0u);

  // Assigning an empty one frees the old memory and leaves both empty.
  SecretBytes empty;
  b = std::move(empty);
  BOOST_TEST(b.empty());
  BOOST_TEST(b.data() == nullptr);

  // A moved-from object can be reused.
  a = SecretBytes(4);
  BOOST_TEST(a.size() == 4u);
  BOOST_TEST(all_zero(a.span()));
}

BOOST_AUTO_TEST_CASE(self_move_assignment_keeps_contents) {
  SecretBytes a(4);
  a.data()[0] = 9;
  SecretBytes* alias = &a;  // through a pointer, so the compiler does not flag the self-move
  a = std::move(*alias);
  BOOST_TEST(a.size() == 4u);
  BOOST_REQUIRE(a.data() != nullptr);
  BOOST_TEST(a.data()[0] == 9u);
}

BOOST_AUTO_TEST_CASE(move_into_a_container) {
  std::vector<SecretBytes> v;
  for (int i = 0; i < 20; ++i) {  // forces reallocation, so elements are moved
    SecretBytes s(1);
    s.data()[0] = static_cast<std::uint8_t>(i);
    v.push_back(std::move(s));
  }
  for (int i = 0; i < 20; ++i) BOOST_TEST(v[static_cast<std::size_t>(i)].data()[0] == i);
}

BOOST_AUTO_TEST_CASE(clone_is_an_independent_copy) {
  SecretBytes a(33);
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<std::uint8_t>(0xf0 ^ i);
  SecretBytes b = a.clone();
  BOOST_TEST(b.size() == 33u);
  BOOST_TEST(b.data() != a.data());
  BOOST_TEST(hex(b.span()) == hex(a.span()));
  b.data()[0] ^= 0xff;
  BOOST_TEST(a.data()[0] == 0xf0u);  // the original is untouched
  BOOST_TEST(b.data()[0] == 0x0fu);

  SecretBytes empty;
  SecretBytes empty_clone = empty.clone();
  BOOST_TEST(empty_clone.empty());
}

BOOST_AUTO_TEST_CASE(copy_of_copies_bytes_into_guarded_memory) {
  const std::string text("k\0e\xffy", 5);
  SecretBytes s = SecretBytes::copy_of(base::as_bytes(text));
  BOOST_TEST(s.size() == 5u);
  BOOST_TEST(base::as_chars(s.span()) == std::string_view(text));
  BOOST_TEST(static_cast<const void*>(s.data()) != static_cast<const void*>(text.data()));

  SecretBytes none = SecretBytes::copy_of({});
  BOOST_TEST(none.empty());
  BOOST_TEST(none.data() == nullptr);
}

BOOST_AUTO_TEST_CASE(key_default_is_32_zero_bytes) {
  Key k;
  BOOST_TEST(k.span().size() == crypto::kKeyBytes);
  BOOST_TEST(crypto::kKeyBytes == 32u);
  BOOST_TEST(all_zero(k.span()));
  k.data()[31] = 1;
  BOOST_TEST(!all_zero(k.span()));
}

BOOST_AUTO_TEST_CASE(key_random_differs_each_time) {
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    Key k = Key::random();
    BOOST_TEST(k.span().size() == 32u);
    BOOST_TEST(!all_zero(k.span()));
    seen.insert(hex(k.span()));
  }
  BOOST_TEST(seen.size() == 64u);
}

BOOST_AUTO_TEST_CASE(key_from_and_clone) {
  std::vector<std::uint8_t> raw(32);
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i * 7 + 1);
  Key k = Key::from(raw);
  BOOST_TEST(hex(k.span()) == base::to_hex(raw));
  raw[0] = 0;  // Key::from copies
  BOOST_TEST(k.data()[0] == 1u);

  Key c = k.clone();
  BOOST_TEST(c.data() != k.data());
  BOOST_TEST(hex(c.span()) == hex(k.span()));
  c.data()[5] ^= 1;
  BOOST_TEST(hex(c.span()) != hex(k.span()));
}

BOOST_AUTO_TEST_CASE(key_moves) {
  Key a = Key::random();
  std::string before = hex(a.span());
  Key b = std::move(a);
  BOOST_TEST(hex(b.span()) == before);
  Key c;
  c = std::move(b);
  BOOST_TEST(hex(c.span()) == before);
}

BOOST_AUTO_TEST_SUITE_END()
