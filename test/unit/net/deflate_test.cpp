// DeflateCodec: interoperates with plain zlib raw deflate, bounds inflate output per call, rejects damage.
#define ZLIB_CONST
#include <zlib.h>

#include <random>

#include <boost/test/unit_test.hpp>

#include "net/deflate.h"
#include "test/support/why.h"

namespace {

using base::Bytes;
using base::ByteSpan;

Bytes sample(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Half text-like (compressible), half random.
    out[i] = (i / 4096) % 2 == 0 ? static_cast<std::uint8_t>("abcdefgh \r\n"[rng() % 11]) : static_cast<std::uint8_t>(rng());
  }
  return out;
}

// Independent raw inflate with zlib, as a peer would do it.
Bytes zlib_inflate(ByteSpan in) {
  z_stream z{};
  BOOST_REQUIRE(inflateInit2_(&z, -15, ZLIB_VERSION, static_cast<int>(sizeof z)) == Z_OK);
  Bytes out;
  z.next_in = in.data();
  z.avail_in = static_cast<uInt>(in.size());
  std::uint8_t buf[8192];
  do {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    BOOST_REQUIRE(rc == Z_OK || rc == Z_BUF_ERROR);
    out.insert(out.end(), buf, buf + (sizeof buf - z.avail_out));
  } while (z.avail_in > 0 || z.avail_out == 0);
  inflateEnd(&z);
  return out;
}

Bytes zlib_deflate(ByteSpan in, int level) {
  z_stream z{};
  BOOST_REQUIRE(deflateInit2_(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              static_cast<int>(sizeof z)) == Z_OK);
  Bytes out(deflateBound(&z, static_cast<uLong>(in.size())) + 16);
  z.next_in = in.data();
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(deflate(&z, Z_SYNC_FLUSH) == Z_OK);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

// Inflates everything with `codec`, `span` bytes at most per call; records the largest single output.
Bytes codec_inflate(net::DeflateCodec& codec, ByteSpan in, std::size_t span, std::size_t* largest = nullptr) {
  Bytes out;
  Bytes buf(span);
  std::size_t pos = 0;
  for (int guard = 0; guard < 10'000'000; ++guard) {
    auto step = codec.inflate(in.subspan(pos), buf);
    BOOST_REQUIRE_MESSAGE(step.has_value(), test_support::why(step));
    pos += step->consumed;
    if (largest != nullptr && step->produced > *largest) *largest = step->produced;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(step->produced));
    if (step->produced == 0 && pos == in.size()) break;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(deflate_codec)

BOOST_AUTO_TEST_CASE(compressed_output_is_plain_raw_deflate) {
  auto codec = net::DeflateCodec::create();
  BOOST_TEST_REQUIRE(codec.has_value());
  const Bytes data = sample(300'000, 1);
  Bytes wire;
  BOOST_TEST_REQUIRE((*codec)->compress(ByteSpan(data).first(1000), true, wire).has_value());
  // Z_SYNC_FLUSH ends with an empty stored block: the peer can decode everything so far.
  BOOST_TEST_REQUIRE(wire.size() >= 4u);
  BOOST_TEST((wire[wire.size() - 2] == 0xff && wire[wire.size() - 1] == 0xff));
  BOOST_TEST_REQUIRE((*codec)->compress(ByteSpan(data).subspan(1000), true, wire).has_value());
  BOOST_TEST(wire.size() < data.size());
  BOOST_TEST(zlib_inflate(wire) == data);
}

BOOST_AUTO_TEST_CASE(inflates_what_zlib_compressed_in_any_split) {
  auto codec = net::DeflateCodec::create();
  BOOST_TEST_REQUIRE(codec.has_value());
  const Bytes data = sample(100'000, 2);
  const Bytes wire = zlib_deflate(data, 6);
  // Fed in odd-sized pieces, with odd-sized output spans.
  Bytes out;
  Bytes buf(777);
  std::size_t pos = 0;
  for (int guard = 0; guard < 1'000'000 && (pos < wire.size() || out.size() < data.size()); ++guard) {
    const std::size_t piece = std::min<std::size_t>(13, wire.size() - pos);
    auto step = (*codec)->inflate(ByteSpan(wire).subspan(pos, piece), buf);
    BOOST_TEST_REQUIRE(step.has_value());
    pos += step->consumed;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(step->produced));
    if (step->produced == 0 && step->consumed == 0 && pos == wire.size()) break;
  }
  BOOST_TEST(out == data);
}

BOOST_AUTO_TEST_CASE(a_bomb_costs_one_span_per_call) {
  auto codec = net::DeflateCodec::create();
  BOOST_TEST_REQUIRE(codec.has_value());
  const Bytes zeros(16 * 1024 * 1024, 0);
  const Bytes wire = zlib_deflate(zeros, 9);
  BOOST_TEST(wire.size() < 64u * 1024);  // 16 MiB in a few KiB
  std::size_t largest = 0;
  const Bytes out = codec_inflate(**codec, wire, 4096, &largest);
  BOOST_TEST(out.size() == zeros.size());
  BOOST_TEST(largest <= 4096u);
}

BOOST_AUTO_TEST_CASE(damaged_input_is_corrupt) {
  auto codec = net::DeflateCodec::create();
  BOOST_TEST_REQUIRE(codec.has_value());
  const Bytes junk = {0xff, 0xff, 0xff, 0xff, 0x00, 0x12, 0x34};  // block type 3 is reserved
  Bytes buf(1024);
  auto step = (*codec)->inflate(junk, buf);
  BOOST_TEST_REQUIRE(!step.has_value());
  BOOST_TEST((step.error().code == base::Errc::corrupt));
}

BOOST_AUTO_TEST_CASE(data_after_the_final_block_is_corrupt) {
  auto codec = net::DeflateCodec::create();
  BOOST_TEST_REQUIRE(codec.has_value());
  // A complete raw deflate stream (Z_FINISH) followed by a stray byte.
  z_stream z{};
  BOOST_REQUIRE(deflateInit2_(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              static_cast<int>(sizeof z)) == Z_OK);
  const std::string text = "hello";
  Bytes wire(64);
  z.next_in = reinterpret_cast<const Bytef*>(text.data());
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = wire.data();
  z.avail_out = static_cast<uInt>(wire.size());
  BOOST_REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  wire.resize(wire.size() - z.avail_out);
  deflateEnd(&z);
  wire.push_back(0x42);
  Bytes buf(64);
  auto step = (*codec)->inflate(wire, buf);
  BOOST_TEST(!step.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
