// Blob tamper detection: every flipped byte, truncation, appended bytes, reordered/dropped/spliced chunks, a wrong key
// or prefix must give Errc::corrupt, and a streaming reader may emit only genuine plaintext before it fails.
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/blob.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "test/unit/crypto/blob_test_support.h"

namespace {

using namespace blob_test;
using base::Errc;
using crypto::Key;

// Opens a tampered blob two ways: open_blob must fail with corrupt; a streaming BlobReader must fail too (in feed or
// finish) and may only have emitted a prefix of the genuine plaintext. Returns an empty string when all held.
std::string check_rejected(const Key& dek, ByteSpan prefix, const Bytes& bad, const Bytes& plain,
                           bool also_stream = true) {
  auto r = crypto::open_blob(dek, prefix, bad);
  if (r.has_value()) return same(*r, plain) ? "accepted with the same plaintext" : "accepted with OTHER plaintext";
  if (r.error().code != Errc::corrupt) return "wrong error: " + r.error().message();
  if (!also_stream) return {};
  crypto::BlobReader reader(dek, prefix);
  Bytes out;
  auto fed = reader.feed(bad, out);
  auto fin = reader.finish();
  if (fed.has_value() && fin.has_value()) return "streaming reader accepted it";
  if (!fed.has_value() && fed.error().code != Errc::corrupt) return "feed: wrong error " + fed.error().message();
  if (!fin.has_value() && fin.error().code != Errc::corrupt) return "finish: wrong error " + fin.error().message();
  if (!is_prefix_of(out, plain)) return "streaming reader emitted plaintext that is not genuine";
  return {};
}

// Runs check_rejected for every (position, mask) and reports the first few failures.
void expect_all_rejected(const Key& dek, ByteSpan prefix, const Bytes& blob, const Bytes& plain,
                         const std::vector<std::size_t>& positions, std::uint8_t mask, bool also_stream = true) {
  Bytes bad = blob;
  int failures = 0;
  for (std::size_t pos : positions) {
    bad[pos] ^= mask;
    std::string why = check_rejected(dek, prefix, bad, plain, also_stream);
    bad[pos] ^= mask;
    if (!why.empty() && ++failures <= 5) {
      BOOST_ERROR("flip at byte " << pos << " of " << blob.size() << " (mask " << int{mask} << "): " << why);
    }
  }
  BOOST_TEST(failures == 0, failures << " of " << positions.size() << " flips not rejected");
}

// Every header byte, and every byte of every frame word: the parsed (not only authenticated) parts.
std::vector<std::size_t> structural_positions(const Bytes& blob) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < kHeader; ++i) out.push_back(i);
  for (const Frame& f : frames_of(blob)) {
    for (std::size_t i = 0; i < 4; ++i) out.push_back(f.offset + i);
  }
  return out;
}

void expect_corrupt(const Key& dek, ByteSpan prefix, const Bytes& bad, const Bytes& plain, const std::string& what) {
  std::string why = check_rejected(dek, prefix, bad, plain);
  BOOST_TEST(why.empty(), what << ": " << why);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(blob_tamper)

BOOST_AUTO_TEST_CASE(every_byte_flip_is_corrupt_text_three_chunks) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  Bytes plain = text_content(2 * kChunk + 5000);
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  BOOST_REQUIRE(frames_of(blob).size() == 3u);
  std::vector<std::size_t> all(blob.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  expect_all_rejected(dek, prefix, blob, plain, all, 0x01);
}

BOOST_AUTO_TEST_CASE(byte_flips_are_corrupt_random_three_chunks) {
  // Stored (random) chunks make a 130 KiB blob, and each open costs up to two chunks of ChaCha20-Poly1305, so flipping
  // all of it would take ~10 s. Instead: every parsed byte, every byte near each frame's edges (codec, payload_len,
  // tag), the whole final frame (payload, padding, tag), and every 7th byte elsewhere.
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  Bytes plain = crypto::random_bytes(2 * kChunk + 3000);
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  auto frames = frames_of(blob);
  BOOST_REQUIRE(frames.size() == 3u);
  std::set<std::size_t> chosen;
  for (std::size_t i : structural_positions(blob)) chosen.insert(i);
  for (const Frame& f : frames) {
    for (std::size_t i = 0; i < 256; ++i) {
      chosen.insert(f.offset + 4 + i);
      chosen.insert(f.end() - 1 - i);
    }
  }
  for (std::size_t i = frames.back().begin(); i < blob.size(); ++i) chosen.insert(i);
  for (std::size_t i = 0; i < blob.size(); i += 7) chosen.insert(i);
  std::vector<std::size_t> positions(chosen.begin(), chosen.end());
  BOOST_TEST_MESSAGE("flipping " << positions.size() << " of " << blob.size() << " bytes");
  expect_all_rejected(dek, prefix, blob, plain, positions, 0x01, /*also_stream=*/false);
  // The streaming check (a reader may emit only genuine chunks before failing) on a third of them.
  std::vector<std::size_t> some;
  for (std::size_t i = 0; i < positions.size(); i += 3) some.push_back(positions[i]);
  expect_all_rejected(dek, prefix, blob, plain, some, 0x01);
}

BOOST_AUTO_TEST_CASE(every_bit_of_header_and_frame_words_is_checked) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  Bytes plain = text_content(3 * kChunk + 1);
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  auto positions = structural_positions(blob);
  for (int bit = 0; bit < 8; ++bit) {
    expect_all_rejected(dek, prefix, blob, plain, positions, static_cast<std::uint8_t>(1u << bit));
  }
  // The final bit, set on a non-final frame or cleared on the final one.
  for (const Frame& f : frames_of(blob)) {
    Bytes bad = blob;
    bad[f.offset + 3] ^= 0x80;
    expect_corrupt(dek, prefix, bad, plain, "final bit of frame at " + std::to_string(f.offset));
  }
}

BOOST_AUTO_TEST_CASE(sampled_flips_in_a_large_blob) {
  Key dek = Key::random();
  Bytes plain = crypto::random_bytes(kMiB + 3);
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  auto frames = frames_of(blob);
  BOOST_REQUIRE(frames.size() == 17u);
  std::vector<std::size_t> positions = structural_positions(blob);
  for (const Frame& f : frames) {
    for (std::size_t i : {f.offset + 4, f.offset + 5, f.offset + 9, f.end() - 17, f.end() - 16, f.end() - 1}) {
      positions.push_back(i);
    }
  }
  // And a spread of positions across the whole blob (a prime stride, so it hits every offset within a chunk).
  for (std::size_t i = 0; i < blob.size(); i += 4099) positions.push_back(i);
  expect_all_rejected(dek, {}, blob, plain, positions, 0x01);
}

BOOST_AUTO_TEST_CASE(truncation_is_corrupt) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  Bytes plain = crypto::random_bytes(3 * kChunk + 100);
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  auto frames = frames_of(blob);
  BOOST_REQUIRE(frames.size() == 4u);
  std::set<std::size_t> cuts = {0, 1, 4, 31, 32, 33, 35, 36, 37, blob.size() - 1, blob.size() - 16, blob.size() - 17};
  for (const Frame& f : frames) {
    // At every chunk boundary (the start of each frame), inside its word, at its body and tag.
    for (std::size_t c : {f.begin(), f.begin() + 2, f.begin() + 4, f.begin() + 4 + f.sealed_len / 2, f.end() - 16,
                          f.end() - 1}) {
      cuts.insert(c);
    }
  }
  for (std::size_t c : cuts) {
    BOOST_REQUIRE(c < blob.size());
    expect_corrupt(dek, prefix, Bytes(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(c)), plain,
                   "truncated to " + std::to_string(c));
  }
}

BOOST_AUTO_TEST_CASE(truncation_at_every_length_of_a_small_blob) {
  Key dek = Key::random();
  Bytes plain = text_content(3 * kChunk + 50);  // compresses: the blob is a few KiB
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  BOOST_REQUIRE(frames_of(blob).size() == 4u);
  int failures = 0;
  for (std::size_t c = 0; c < blob.size(); ++c) {
    std::string why =
        check_rejected(dek, {}, Bytes(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(c)), plain);
    if (!why.empty() && ++failures <= 5) BOOST_ERROR("truncated to " << c << ": " << why);
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(appended_bytes_are_corrupt) {
  Key dek = Key::random();
  Bytes plain = text_content(kChunk + 10);
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  auto frames = frames_of(blob);
  for (std::uint8_t b : {std::uint8_t{0}, std::uint8_t{0xff}}) {
    Bytes bad = blob;
    bad.push_back(b);
    expect_corrupt(dek, {}, bad, plain, "one byte appended");
  }
  expect_corrupt(dek, {}, concat({blob, Bytes(4, 0)}), plain, "four zero bytes appended");
  expect_corrupt(dek, {}, concat({blob, Bytes(100, 0)}), plain, "zero padding appended");
  expect_corrupt(dek, {}, concat({blob, slice(blob, frames.back().begin(), blob.size())}), plain,
                 "final frame repeated");
  expect_corrupt(dek, {}, concat({blob, blob}), plain, "the blob twice");

  // Byte by byte too: the extra byte arrives after the final frame was already accepted.
  crypto::BlobReader reader(dek, {});
  Bytes out;
  for (std::uint8_t c : blob) BOOST_REQUIRE(reader.feed(ByteSpan(&c, 1), out).has_value());
  BOOST_TEST(reader.finish().has_value());
  std::uint8_t extra = 0;
  auto s = reader.feed(ByteSpan(&extra, 1), out);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code == Errc::corrupt));
  BOOST_TEST((reader.finish().error().code == Errc::corrupt));
}

BOOST_AUTO_TEST_CASE(reordered_dropped_or_duplicated_chunks_are_corrupt) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  Bytes plain = crypto::random_bytes(3 * kChunk + 100);
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  auto f = frames_of(blob);
  BOOST_REQUIRE(f.size() == 4u);
  BOOST_REQUIRE(f[0].sealed_len == f[1].sealed_len);
  auto fr = [&](std::size_t i) { return slice(blob, f[i].begin(), f[i].end()); };
  ByteSpan header = slice(blob, 0, kHeader);

  expect_corrupt(dek, prefix, concat({header, fr(1), fr(0), fr(2), fr(3)}), plain, "chunks 0 and 1 swapped");
  expect_corrupt(dek, prefix, concat({header, fr(0), fr(2), fr(1), fr(3)}), plain, "chunks 1 and 2 swapped");
  expect_corrupt(dek, prefix, concat({header, fr(0), fr(0), fr(2), fr(3)}), plain, "chunk 0 duplicated");
  expect_corrupt(dek, prefix, concat({header, fr(0), fr(2), fr(3)}), plain, "chunk 1 dropped");
  expect_corrupt(dek, prefix, concat({header, fr(1), fr(2), fr(3)}), plain, "chunk 0 dropped");
  expect_corrupt(dek, prefix, concat({header, fr(0), fr(3)}), plain, "final chunk moved up");
  expect_corrupt(dek, prefix, concat({header, fr(3)}), plain, "only the final chunk");
  expect_corrupt(dek, prefix, concat({header, fr(0), fr(1), fr(3), fr(2)}), plain, "final chunk not last");

  // A frame from another blob under the same key, at the same index, does not fit (different nonce base and AD).
  Bytes other = crypto::seal_blob(dek, prefix, crypto::random_bytes(3 * kChunk + 100));
  auto g = frames_of(other);
  expect_corrupt(dek, prefix, concat({header, fr(0), slice(other, g[1].begin(), g[1].end()), fr(2), fr(3)}), plain,
                 "chunk 1 spliced from another blob");
  // Another blob's header in front of this blob's frames.
  expect_corrupt(dek, prefix, concat({slice(other, 0, kHeader), fr(0), fr(1), fr(2), fr(3)}), plain,
                 "header from another blob");
}

BOOST_AUTO_TEST_CASE(wrong_dek_is_corrupt) {
  Key dek = Key::random();
  for (std::size_t n : {std::size_t{0}, std::size_t{100}, 2 * kChunk + 1}) {
    Bytes plain = crypto::random_bytes(n);
    Bytes blob = crypto::seal_blob(dek, {}, plain);
    expect_corrupt(Key::random(), {}, blob, plain, "random key, size " + std::to_string(n));
    Key near = dek.clone();
    near.data()[0] ^= 1;
    expect_corrupt(near, {}, blob, plain, "key one bit off, size " + std::to_string(n));
  }
}

BOOST_AUTO_TEST_CASE(different_prefix_is_corrupt) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  Bytes plain = text_content(kChunk + 100);
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  BOOST_REQUIRE(crypto::open_blob(dek, prefix, blob).has_value());

  expect_corrupt(dek, {}, blob, plain, "no prefix");
  expect_corrupt(dek, slice(prefix, 0, prefix.size() - 1), blob, plain, "prefix one byte short");
  expect_corrupt(dek, concat({prefix, Bytes{0}}), blob, plain, "prefix one byte longer");
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    Bytes p = prefix;
    p[i] ^= 0x01;
    expect_corrupt(dek, p, blob, plain, "prefix byte " + std::to_string(i) + " flipped");
  }
  // A blob sealed without a prefix does not open with one.
  Bytes bare = crypto::seal_blob(dek, {}, plain);
  expect_corrupt(dek, prefix, bare, plain, "prefix added");
}

BOOST_AUTO_TEST_CASE(bad_frame_lengths_are_corrupt) {
  Key dek = Key::random();
  Bytes plain = text_content(3000);
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  for (std::uint32_t word : {0u, 1u, 20u, 21u, 0x80000000u, 0x80000014u, 0x7fffffffu, 0xffffffffu}) {
    Bytes bad = blob;
    for (int i = 0; i < 4; ++i) bad[kHeader + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(word >> (8 * i));
    expect_corrupt(dek, {}, bad, plain, "frame word " + std::to_string(word));
  }
}

BOOST_AUTO_TEST_SUITE_END()
