// ByteWriter/ByteReader (little-endian integers, LEB128 varints, length-prefixed strings) and hex.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace {

using base::ByteReader;
using base::Bytes;
using base::ByteWriter;

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

std::string hex_of(const Bytes& b) { return base::to_hex(b); }

Bytes varint_bytes(std::uint64_t v) {
  Bytes out;
  ByteWriter(out).varint(v);
  return out;
}

Bytes from_hex_or_die(std::string_view hex) {
  Bytes out;
  BOOST_REQUIRE(base::from_hex(hex, out));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bytes)

BOOST_AUTO_TEST_CASE(fixed_width_integers_are_little_endian) {
  Bytes out;
  ByteWriter w(out);
  w.u8(0xab);
  w.u16(0x0102);
  w.u32(0x01020304);
  w.u64(0x0102030405060708);
  BOOST_TEST(hex_of(out) == "ab" "0201" "04030201" "0807060504030201");
}

BOOST_AUTO_TEST_CASE(fixed_width_round_trip_edge_values) {
  Bytes out;
  ByteWriter w(out);
  w.u8(0);
  w.u8(0xff);
  w.u16(0);
  w.u16(0xffff);
  w.u16(0x8000);
  w.u32(0);
  w.u32(0xffffffffu);
  w.u32(0x80000001u);
  w.u64(0);
  w.u64(kU64Max);
  w.u64(std::uint64_t{1} << 63);
  BOOST_TEST(out.size() == 2u + 3 * 2 + 3 * 4 + 3 * 8);

  ByteReader r(out);
  BOOST_TEST(r.u8() == 0u);
  BOOST_TEST(r.u8() == 0xffu);
  BOOST_TEST(r.u16() == 0u);
  BOOST_TEST(r.u16() == 0xffffu);
  BOOST_TEST(r.u16() == 0x8000u);
  BOOST_TEST(r.u32() == 0u);
  BOOST_TEST(r.u32() == 0xffffffffu);
  BOOST_TEST(r.u32() == 0x80000001u);
  BOOST_TEST(r.u64() == 0u);
  BOOST_TEST(r.u64() == kU64Max);
  BOOST_TEST(r.u64() == std::uint64_t{1} << 63);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.at_end());
  BOOST_TEST(r.done());
}

BOOST_AUTO_TEST_CASE(varint_encodings_are_exact) {
  BOOST_TEST(hex_of(varint_bytes(0)) == "00");
  BOOST_TEST(hex_of(varint_bytes(1)) == "01");
  BOOST_TEST(hex_of(varint_bytes(127)) == "7f");
  BOOST_TEST(hex_of(varint_bytes(128)) == "8001");
  BOOST_TEST(hex_of(varint_bytes(300)) == "ac02");
  BOOST_TEST(hex_of(varint_bytes(16383)) == "ff7f");
  BOOST_TEST(hex_of(varint_bytes(16384)) == "808001");
  BOOST_TEST(hex_of(varint_bytes(0xffffffffu)) == "ffffffff0f");
  BOOST_TEST(hex_of(varint_bytes(std::uint64_t{1} << 63)) == "80808080808080808001");
  BOOST_TEST(hex_of(varint_bytes(kU64Max)) == "ffffffffffffffffff01");
}

BOOST_AUTO_TEST_CASE(varint_round_trip_edge_values) {
  const std::vector<std::uint64_t> values = {0,
                                             1,
                                             127,
                                             128,
                                             255,
                                             256,
                                             16383,
                                             16384,
                                             0xffffffffu,
                                             std::uint64_t{1} << 32,
                                             (std::uint64_t{1} << 56) - 1,
                                             std::uint64_t{1} << 56,
                                             (std::uint64_t{1} << 63) - 1,
                                             std::uint64_t{1} << 63,
                                             kU64Max - 1,
                                             kU64Max};
  Bytes out;
  ByteWriter w(out);
  for (auto v : values) w.varint(v);
  ByteReader r(out);
  for (auto v : values) BOOST_TEST(r.varint() == v);
  BOOST_TEST(r.done());

  // Each value alone is exactly as long as LEB128 says: ceil(bits / 7), at least 1.
  for (auto v : values) {
    std::size_t bits = 0;
    for (auto x = v; x != 0; x >>= 7) bits += 7;
    std::size_t want = bits == 0 ? 1 : bits / 7;
    BOOST_TEST(varint_bytes(v).size() == want, "value " << v);
  }
}

BOOST_AUTO_TEST_CASE(raw_blob_and_str_round_trip) {
  const std::string with_nul("a\0b\xff\x80", 5);
  const std::string big(300, '\xfe');  // a length that needs a two-byte varint
  Bytes out;
  ByteWriter w(out);
  w.raw(std::string_view("RAW"));
  w.raw(base::as_bytes(with_nul));
  w.str("");
  w.str(with_nul);
  w.blob(base::as_bytes(big));
  w.str("tail");
  // Length prefix of with_nul (5), then the bytes; big has prefix ac02.
  BOOST_TEST(out.size() == 3u + 5 + 1 + (1 + 5) + (2 + 300) + (1 + 4));
  BOOST_TEST(out[8] == 0u);   // empty string: its length byte alone
  BOOST_TEST(out[9] == 5u);

  ByteReader r(out);
  BOOST_TEST(base::as_chars(r.raw(3)) == "RAW");
  BOOST_TEST(std::string(base::as_chars(r.raw(5))) == with_nul);
  BOOST_TEST(r.str() == "");
  BOOST_TEST(r.str() == with_nul);
  auto b = r.blob();
  BOOST_TEST(b.size() == 300u);
  BOOST_TEST(std::string(base::as_chars(b)) == big);
  BOOST_TEST(r.position() == out.size() - 5);
  BOOST_TEST(r.remaining() == 5u);
  BOOST_TEST(!r.done());  // ok, but bytes remain
  BOOST_TEST(r.ok());
  BOOST_TEST(r.str() == "tail");
  BOOST_TEST(r.done());
}

BOOST_AUTO_TEST_CASE(raw_views_point_into_the_input) {
  Bytes in = {1, 2, 3, 4};
  ByteReader r(in);
  r.u8();
  auto v = r.raw(2);
  BOOST_TEST(v.data() == in.data() + 1);
  BOOST_TEST(v.size() == 2u);
  BOOST_TEST(r.raw(0).size() == 0u);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.remaining() == 1u);
}

BOOST_AUTO_TEST_CASE(reading_past_the_end_fails_and_sticks) {
  {
    ByteReader r(base::ByteSpan{});
    BOOST_TEST(r.at_end());
    BOOST_TEST(r.done());
    BOOST_TEST(r.u8() == 0u);
    BOOST_TEST(!r.ok());
    BOOST_TEST(!r.done());
  }
  // Each width fails on one byte too few, returns 0 and consumes nothing.
  for (int width : {2, 4, 8}) {
    Bytes in(static_cast<std::size_t>(width - 1), 0xff);
    ByteReader r(in);
    std::uint64_t v = width == 2 ? r.u16() : width == 4 ? r.u32() : r.u64();
    BOOST_TEST(v == 0u, "width " << width);
    BOOST_TEST(!r.ok());
    BOOST_TEST(!r.done());
    BOOST_TEST(r.position() == 0u);
    BOOST_TEST(r.remaining() == static_cast<std::size_t>(width - 1));
  }
  // The failure is sticky: later reads return zero values even though bytes remain.
  Bytes in = {7, 8, 9};
  ByteReader r(in);
  BOOST_TEST(r.u32() == 0u);
  BOOST_TEST(r.u8() == 0u);
  BOOST_TEST(r.varint() == 0u);
  BOOST_TEST(r.raw(1).empty());
  BOOST_TEST(r.blob().empty());
  BOOST_TEST(r.str() == "");
  BOOST_TEST(!r.ok());
  BOOST_TEST(!r.done());
}

BOOST_AUTO_TEST_CASE(raw_past_the_end_fails) {
  Bytes in = {1, 2, 3};
  ByteReader r(in);
  auto v = r.raw(4);
  BOOST_TEST(v.empty());
  BOOST_TEST(!r.ok());
  BOOST_TEST(!r.done());
}

BOOST_AUTO_TEST_CASE(truncated_varint_fails) {
  for (std::string_view hex : {"80", "ff", "8080", "ffffffffffffffffff"}) {
    Bytes in = from_hex_or_die(hex);
    ByteReader r(in);
    BOOST_TEST(r.varint() == 0u, hex);
    BOOST_TEST(!r.ok(), hex);
    BOOST_TEST(!r.done(), hex);
  }
}

BOOST_AUTO_TEST_CASE(over_long_varint_fails) {
  // Eleven bytes: more than any 64-bit value needs.
  for (std::string_view hex : {"8080808080808080808000", "ffffffffffffffffffff01", "8080808080808080808080"}) {
    Bytes in = from_hex_or_die(hex);
    ByteReader r(in);
    BOOST_TEST(r.varint() == 0u, hex);
    BOOST_TEST(!r.ok(), hex);
  }
}

// A ten-byte varint may only carry one more bit (bit 63) in its last byte. Anything larger than 1 there encodes a
// value of 65..70 bits; it must fail rather than silently drop the high bits (it would otherwise alias UINT64_MAX
// and other values, so two different byte strings would decode to the same record).
BOOST_AUTO_TEST_CASE(ten_byte_varint_overflowing_64_bits_fails) {
  for (std::string_view hex : {"ffffffffffffffffff7f", "ffffffffffffffffff03", "80808080808080808002"}) {
    Bytes in = from_hex_or_die(hex);
    ByteReader r(in);
    auto v = r.varint();
    BOOST_TEST(!r.ok(), hex << " decoded to " << v);
  }
  // The largest legal ten-byte encoding still works.
  Bytes max = from_hex_or_die("ffffffffffffffffff01");
  ByteReader r(max);
  BOOST_TEST(r.varint() == kU64Max);
  BOOST_TEST(r.done());
}

BOOST_AUTO_TEST_CASE(blob_length_past_the_end_fails) {
  {
    Bytes in = {4, 'a', 'b', 'c'};  // claims 4, has 3
    ByteReader r(in);
    BOOST_TEST(r.blob().empty());
    BOOST_TEST(!r.ok());
  }
  {
    Bytes in = {3, 'a', 'b', 'c'};  // exactly enough
    ByteReader r(in);
    BOOST_TEST(base::as_chars(r.blob()) == "abc");
    BOOST_TEST(r.done());
  }
  {
    Bytes in = varint_bytes(kU64Max);  // a huge length must not wrap around anything
    in.push_back('x');
    ByteReader r(in);
    BOOST_TEST(r.str() == "");
    BOOST_TEST(!r.ok());
  }
  {
    Bytes in = {0x80};  // the length itself is truncated
    ByteReader r(in);
    BOOST_TEST(r.blob().empty());
    BOOST_TEST(!r.ok());
  }
}

BOOST_AUTO_TEST_CASE(writer_appends_to_existing_buffer) {
  Bytes out = {0xaa};
  ByteWriter w(out);
  w.u16(0xbbcc);
  BOOST_TEST(hex_of(out) == "aaccbb");
}

BOOST_AUTO_TEST_CASE(to_hex_is_lower_case) {
  Bytes b = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  BOOST_TEST(base::to_hex(b) == "00017f80abff");
  BOOST_TEST(base::to_hex(base::ByteSpan{}) == "");
}

BOOST_AUTO_TEST_CASE(hex_round_trip_every_byte) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  std::string hex = base::to_hex(all);
  BOOST_TEST(hex.size() == 512u);
  Bytes back;
  BOOST_TEST(base::from_hex(hex, back));
  BOOST_TEST((back == all));
}

BOOST_AUTO_TEST_CASE(from_hex_accepts_both_cases_and_replaces_output) {
  Bytes out = {9, 9, 9, 9};
  BOOST_TEST(base::from_hex("DeadBEEF", out));
  BOOST_TEST(hex_of(out) == "deadbeef");
  BOOST_TEST(base::from_hex("", out));
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(from_hex_rejects_bad_input) {
  for (std::string_view bad : {"0", "abc", "0g", "g0", "zz", " 0", "0x00", "-1", "12 34", "ab\n"}) {
    Bytes out;
    BOOST_TEST(!base::from_hex(bad, out), "'" << bad << "'");
  }
  // A NUL in the middle is not a hex digit either.
  Bytes out;
  BOOST_TEST(!base::from_hex(std::string_view("0\0", 2), out));
}

BOOST_AUTO_TEST_CASE(as_bytes_and_as_chars_are_views) {
  std::string s("x\0y", 3);
  auto b = base::as_bytes(s);
  BOOST_TEST(b.size() == 3u);
  BOOST_TEST(static_cast<const void*>(b.data()) == static_cast<const void*>(s.data()));
  BOOST_TEST(b[1] == 0u);
  BOOST_TEST(base::as_chars(b) == std::string_view(s));
}

BOOST_AUTO_TEST_SUITE_END()
