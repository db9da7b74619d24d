// Message blobs (crypto/blob.h): padded sizes, round trips, compression, streaming in any piece sizes, and the exact
// byte layout (decrypted here with libsodium directly). Tamper detection is in blob_tamper_test.cpp.
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

// One sentence over and over: the best case for compression.
Bytes repeated_text(std::size_t n) {
  static constexpr std::string_view kLine = "The quick brown fox jumps over the lazy dog.\r\n";
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(kLine[i % kLine.size()]);
  return out;
}

std::size_t chunk_count(std::size_t n) { return n == 0 ? 1 : (n + kChunk - 1) / kChunk; }

// The blob size before padding when every chunk is stored (not compressed), prefix included.
std::uint64_t stored_unpadded(std::size_t prefix, std::size_t n) {
  return prefix + kHeader + chunk_count(n) * kFrameOverhead + n;
}

struct Chunk {
  std::uint8_t codec;
  Bytes payload;         // as stored: plaintext for codec 0, a Brotli stream for codec 1
  std::size_t padding;   // zero bytes after the payload
};

// Decrypts every frame with libsodium directly, deriving nonce and AD exactly as blob.h documents:
//   nonce(i) = nonce base with its last 8 bytes XORed with i (LE); AD(i) = BLAKE2b-256(prefix | header) | u64 i | final.
std::vector<Chunk> decrypt_as_documented(const Key& dek, ByteSpan prefix, const Bytes& blob) {
  std::uint8_t ad_hash[32];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof ad_hash);
  crypto_generichash_update(&st, prefix.data(), prefix.size());
  crypto_generichash_update(&st, blob.data(), kHeader);
  crypto_generichash_final(&st, ad_hash, sizeof ad_hash);

  std::vector<Chunk> out;
  auto frames = frames_of(blob);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    std::uint8_t nonce[24];
    std::copy(blob.begin() + 8, blob.begin() + 32, nonce);
    for (int b = 0; b < 8; ++b) nonce[16 + b] ^= static_cast<std::uint8_t>(std::uint64_t{i} >> (8 * b));
    std::uint8_t ad[41];
    std::copy(ad_hash, ad_hash + 32, ad);
    for (int b = 0; b < 8; ++b) ad[32 + b] = static_cast<std::uint8_t>(std::uint64_t{i} >> (8 * b));
    ad[40] = f.final ? 1 : 0;
    Bytes body(f.sealed_len - 16);
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(body.data(), nullptr, nullptr, blob.data() + f.offset + 4,
                                                        f.sealed_len, ad, sizeof ad, nonce, dek.data());
    BOOST_REQUIRE_MESSAGE(rc == 0, "frame " << i << " does not decrypt as documented");
    std::uint32_t payload_len = load_u32(body.data() + 1);
    BOOST_REQUIRE(payload_len <= body.size() - 5);
    auto payload_end = body.begin() + 5 + static_cast<std::ptrdiff_t>(payload_len);
    BOOST_TEST(std::all_of(payload_end, body.end(), [](std::uint8_t b) { return b == 0; }), "padding of frame " << i);
    out.push_back(Chunk{body[0], Bytes(body.begin() + 5, payload_end),
                        static_cast<std::size_t>(body.end() - payload_end)});
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(blob)

// --- padded_size ---------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(padded_size_known_values) {
  BOOST_TEST(crypto::padded_size(0) == 1024u);
  BOOST_TEST(crypto::padded_size(1) == 1024u);
  BOOST_TEST(crypto::padded_size(1023) == 1024u);
  BOOST_TEST(crypto::padded_size(1024) == 1024u);
  BOOST_TEST(crypto::padded_size(1025) == 1088u);  // E=10, S=4: multiples of 64
  BOOST_TEST(crypto::padded_size(2047) == 2048u);
  BOOST_TEST(crypto::padded_size(2048) == 2048u);
  BOOST_TEST(crypto::padded_size(2049) == 2176u);  // E=11, S=4: multiples of 128
  BOOST_TEST(crypto::padded_size(65536) == 65536u);
  BOOST_TEST(crypto::padded_size(65537) == 67584u);  // E=16, S=5: multiples of 2048
  BOOST_TEST(crypto::padded_size(kMiB + 1) == kMiB + 32768);  // E=20, S=5: multiples of 32768
  BOOST_TEST(crypto::padded_size(10 * kMiB) == 10 * kMiB);
  BOOST_TEST(crypto::padded_size(10 * kMiB + 1) == 10 * kMiB + 262144);  // E=23, S=5
}

BOOST_AUTO_TEST_CASE(padded_size_properties_exhaustive_to_two_mib) {
  std::uint64_t prev = 0;
  int failures = 0;
  auto check = [&](bool ok, std::uint64_t n, const char* what) {
    if (!ok && ++failures <= 5) BOOST_ERROR("padded_size(" << n << "): " << what);
  };
  for (std::uint64_t n = 0; n <= 2 * kMiB; ++n) {
    std::uint64_t p = crypto::padded_size(n);
    check(p >= n, n, "smaller than n");
    check(p >= 1024, n, "below 1 KiB");
    check(p >= prev, n, "not monotonic");
    check(crypto::padded_size(p) == p, n, "not a fixed point");
    if (n >= 1024) check(static_cast<double>(p - n) <= 0.12 * static_cast<double>(n), n, "overhead above 12%");
    prev = p;
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(padded_size_properties_large) {
  std::vector<std::uint64_t> ns;
  for (unsigned k = 10; k <= 56; ++k) {
    std::uint64_t p2 = std::uint64_t{1} << k;
    ns.insert(ns.end(), {p2 - 1, p2, p2 + 1, p2 + p2 / 3});
  }
  std::uint64_t x = 0x9e3779b97f4a7c15u;  // a fixed LCG sequence: reproducible
  for (int i = 0; i < 10000; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    ns.push_back((x >> 8) >> (x % 40));  // spread over many magnitudes, below 2^56
  }
  std::sort(ns.begin(), ns.end());
  std::uint64_t prev = 0;
  int failures = 0;
  for (std::uint64_t n : ns) {
    std::uint64_t p = crypto::padded_size(n);
    bool ok = p >= n && p >= 1024 && p >= prev && crypto::padded_size(p) == p &&
              (n < 1024 || static_cast<double>(p - n) <= 0.12 * static_cast<double>(n));
    if (!ok && ++failures <= 5) BOOST_ERROR("padded_size(" << n << ") = " << p);
    prev = p;
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(padded_size_leaks_few_distinct_sizes) {
  // Every length from 1 MiB to 2 MiB pads to one of 33 sizes (the multiples of 32 KiB from 1 MiB to 2 MiB
  // inclusive): an observer learns about 5 bits of the size, which is the point of Padmé.
  std::set<std::uint64_t> sizes;
  for (std::uint64_t n = kMiB; n < 2 * kMiB; ++n) sizes.insert(crypto::padded_size(n));
  BOOST_TEST(sizes.size() == 33u);
  BOOST_TEST(*sizes.begin() == kMiB);
  BOOST_TEST(*sizes.rbegin() == 2 * kMiB);
}

// --- round trips ---------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(round_trip_sizes_contents_and_prefixes) {
  const std::size_t sizes[] = {0, 1, 100, 65535, 65536, 65537, 131072, kMiB + 3, 10 * kMiB};
  const Bytes prefixes[] = {Bytes{}, sample_prefix()};
  Key dek = Key::random();
  for (std::size_t n : sizes) {
    for (int kind = 0; kind < 2; ++kind) {
      const bool random = kind == 0;
      Bytes plain = random ? crypto::random_bytes(n) : text_content(n);
      for (const Bytes& prefix : prefixes) {
        BOOST_TEST_CONTEXT("size " << n << (random ? " random" : " text") << " prefix " << prefix.size()) {
          Bytes blob = crypto::seal_blob(dek, prefix, plain);
          const std::uint64_t total = blob.size() + prefix.size();
          BOOST_TEST(total == crypto::padded_size(total));
          BOOST_TEST(total >= 1024u);
          // Never larger than storing every chunk uncompressed; random data is stored, so exactly that.
          BOOST_TEST(total <= crypto::padded_size(stored_unpadded(prefix.size(), n)));
          if (random) BOOST_TEST(total == crypto::padded_size(stored_unpadded(prefix.size(), n)));

          // Header: magic, version 1, chunk_log2 16, reserved 0.
          BOOST_TEST(base::as_chars(slice(blob, 0, 4)) == "SBXB");
          BOOST_TEST(blob[4] == 1u);
          BOOST_TEST(blob[5] == 16u);
          BOOST_TEST(blob[6] == 0u);
          BOOST_TEST(blob[7] == 0u);

          // One frame per 64 KiB of plaintext (at least one), only the last one final, ending the file.
          auto frames = frames_of(blob);
          BOOST_TEST(frames.size() == chunk_count(n));
          for (std::size_t i = 0; i < frames.size(); ++i) BOOST_TEST(frames[i].final == (i + 1 == frames.size()));
          BOOST_TEST(frames.back().end() == blob.size());
          if (random) {
            for (std::size_t i = 0; i + 1 < frames.size(); ++i) BOOST_TEST(frames[i].sealed_len == kChunk + 5 + 16);
          }

          auto back = crypto::open_blob(dek, prefix, blob);
          BOOST_REQUIRE(back.has_value());
          BOOST_TEST(back->size() == n);
          BOOST_TEST(same(*back, plain));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(round_trip_special_contents) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  std::vector<Bytes> contents;
  contents.push_back(Bytes(200000, 0));       // all NUL
  contents.push_back(Bytes(200000, 0xff));    // all 8-bit
  Bytes every_byte;
  for (int rep = 0; rep < 1000; ++rep) {
    for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<std::uint8_t>(b));
  }
  contents.push_back(every_byte);
  // Compressible, then random, then compressible: compression is decided chunk by chunk.
  contents.push_back(concat({text_content(kChunk), crypto::random_bytes(kChunk), text_content(kChunk + 17)}));
  // Random first (two incompressible chunks stop the compression attempts), then text.
  contents.push_back(concat({crypto::random_bytes(2 * kChunk), text_content(3 * kChunk)}));
  for (const Bytes& plain : contents) {
    Bytes blob = crypto::seal_blob(dek, prefix, plain);
    auto back = crypto::open_blob(dek, prefix, blob);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(same(*back, plain));
    BOOST_TEST(blob.size() + prefix.size() == crypto::padded_size(blob.size() + prefix.size()));
  }
}

BOOST_AUTO_TEST_CASE(brotli_quality_options) {
  Key dek = Key::random();
  Bytes plain = text_content(2 * kChunk + 999);
  std::vector<crypto::BlobOptions> options = {{0, 0, 0}, {1, 1, kMiB}, {9, 5, kChunk}, {4, 11, 0}};
  for (const auto& o : options) {
    Bytes blob = crypto::seal_blob(dek, {}, plain, o);
    auto back = crypto::open_blob(dek, {}, blob);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(same(*back, plain), "quality " << o.quality << "/" << o.large_quality);
    BOOST_TEST(blob.size() < plain.size() / 2);
  }
}

BOOST_AUTO_TEST_CASE(two_seals_differ) {
  Key dek = Key::random();
  Bytes plain = text_content(5000);
  Bytes a = crypto::seal_blob(dek, {}, plain);
  Bytes b = crypto::seal_blob(dek, {}, plain);
  BOOST_TEST(a.size() == b.size());  // compression is deterministic
  BOOST_TEST(base::to_hex(slice(a, 8, 32)) != base::to_hex(slice(b, 8, 32)));  // fresh nonce base
  BOOST_TEST(!same(a, b));
  BOOST_TEST(same(crypto::open_blob(dek, {}, a).value(), plain));
  BOOST_TEST(same(crypto::open_blob(dek, {}, b).value(), plain));
}

// --- size: compression and padding ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(compressible_data_shrinks) {
  Key dek = Key::random();
  {
    Bytes plain = repeated_text(kMiB);
    Bytes blob = crypto::seal_blob(dek, {}, plain);
    BOOST_TEST(blob.size() < kMiB / 32, "1 MiB of repeated text sealed to " << blob.size());
    BOOST_TEST(same(crypto::open_blob(dek, {}, blob).value(), plain));
  }
  {
    Bytes plain(kMiB, 0);
    Bytes blob = crypto::seal_blob(dek, {}, plain);
    BOOST_TEST(blob.size() < kMiB / 32, "1 MiB of NULs sealed to " << blob.size());
  }
  {
    Bytes plain = text_content(kMiB);
    Bytes blob = crypto::seal_blob(dek, {}, plain);
    BOOST_TEST(blob.size() < kMiB / 2, "1 MiB of mail-like text sealed to " << blob.size());
  }
}

BOOST_AUTO_TEST_CASE(random_data_grows_only_by_framing_and_padding) {
  Key dek = Key::random();
  for (std::size_t n : {std::size_t{5000}, 3 * kChunk + 5, kMiB + 3}) {
    Bytes plain = crypto::random_bytes(n);
    Bytes blob = crypto::seal_blob(dek, {}, plain);
    BOOST_TEST(blob.size() == crypto::padded_size(stored_unpadded(0, n)), n);
    // Framing is 32 + 25 per chunk; padding at most 12%.
    BOOST_TEST(static_cast<double>(blob.size()) <= 1.12 * static_cast<double>(stored_unpadded(0, n)), n);
  }
  // Tiny inputs pad to exactly 1 KiB, prefix included.
  BOOST_TEST(crypto::seal_blob(dek, {}, text("x")).size() == 1024u);
  const Bytes prefix = sample_prefix();
  BOOST_TEST(crypto::seal_blob(dek, prefix, text("x")).size() == 1024u - prefix.size());
  BOOST_TEST(crypto::seal_blob(dek, {}, {}).size() == 1024u);
}

// --- streaming writer --------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(writer_emits_header_then_whole_frames) {
  Key dek = Key::random();
  crypto::BlobWriter w(dek, {});
  Bytes out;
  w.write({}, out);
  BOOST_TEST(out.size() == kHeader);  // header on the first write, even an empty one
  Bytes plain = crypto::random_bytes(kChunk + 1);
  w.write(ByteSpan(plain).first(kChunk), out);
  BOOST_TEST(out.size() == kHeader);  // a full chunk waits: it might be the final one
  BOOST_TEST(w.plaintext_size() == kChunk);
  w.write(ByteSpan(plain).subspan(kChunk), out);
  BOOST_TEST(out.size() == kHeader + kFrameOverhead + kChunk);  // chunk 0, stored, not final
  BOOST_TEST(load_u32(out.data() + kHeader) == kChunk + 5 + 16);
  w.finish(out);
  BOOST_TEST(w.plaintext_size() == kChunk + 1);
  BOOST_TEST(out.size() == crypto::padded_size(stored_unpadded(0, kChunk + 1)));
  BOOST_TEST(same(crypto::open_blob(dek, {}, out).value(), plain));
}

BOOST_AUTO_TEST_CASE(writer_finish_without_write) {
  Key dek = Key::random();
  crypto::BlobWriter w(dek, sample_prefix());
  Bytes out;
  w.finish(out);
  BOOST_TEST(out.size() + sample_prefix().size() == 1024u);
  auto frames = frames_of(out);
  BOOST_REQUIRE(frames.size() == 1u);
  BOOST_TEST(frames[0].final);
  auto back = crypto::open_blob(dek, sample_prefix(), out);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->empty());
}

BOOST_AUTO_TEST_CASE(writer_piece_sizes_do_not_matter) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  for (int kind = 0; kind < 2; ++kind) {
    Bytes plain = kind == 0 ? crypto::random_bytes(2 * kChunk + 1234) : text_content(2 * kChunk + 1234);
    const std::size_t one_shot = crypto::seal_blob(dek, prefix, plain).size();
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4093}, kChunk - 1, kChunk, kChunk + 1}) {
      crypto::BlobWriter w(dek, prefix);
      Bytes out;
      for (std::size_t at = 0; at < plain.size(); at += piece) {
        w.write(ByteSpan(plain).subspan(at, std::min(piece, plain.size() - at)), out);
      }
      w.finish(out);
      BOOST_TEST(w.plaintext_size() == plain.size());
      // Chunking depends only on the plaintext offset, and Brotli is deterministic: the size is the same.
      BOOST_TEST(out.size() == one_shot, "kind " << kind << " piece " << piece);
      auto back = crypto::open_blob(dek, prefix, out);
      BOOST_REQUIRE(back.has_value());
      BOOST_TEST(same(*back, plain), "kind " << kind << " piece " << piece);
    }
  }
}

// --- streaming reader --------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(reader_byte_by_byte_and_odd_pieces) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  for (int kind = 0; kind < 2; ++kind) {
    Bytes plain = kind == 0 ? crypto::random_bytes(2 * kChunk + 777) : text_content(2 * kChunk + 777);
    Bytes blob = crypto::seal_blob(dek, prefix, plain);
    for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{31},
                              std::size_t{32}, std::size_t{33}, std::size_t{4093}, kChunk + 21, std::size_t{100003},
                              blob.size()}) {
      crypto::BlobReader reader(dek, prefix);
      Bytes out;
      bool ok = true;
      for (std::size_t at = 0; at < blob.size() && ok; at += piece) {
        ok = reader.feed(ByteSpan(blob).subspan(at, std::min(piece, blob.size() - at)), out).has_value();
      }
      BOOST_TEST(ok, "kind " << kind << " piece " << piece);
      BOOST_TEST(reader.finish().has_value(), "kind " << kind << " piece " << piece);
      BOOST_TEST(same(out, plain), "kind " << kind << " piece " << piece);
    }
  }
}

BOOST_AUTO_TEST_CASE(reader_emits_each_chunk_when_its_frame_completes) {
  Key dek = Key::random();
  Bytes plain = crypto::random_bytes(2 * kChunk + 10);
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  auto frames = frames_of(blob);
  BOOST_REQUIRE(frames.size() == 3u);

  crypto::BlobReader reader(dek, {});
  Bytes out;
  BOOST_TEST(reader.feed({}, out).has_value());
  BOOST_TEST(reader.feed(slice(blob, 0, 31), out).has_value());
  BOOST_TEST((reader.finish().error().code == Errc::corrupt));  // no header yet
  BOOST_TEST(reader.feed(slice(blob, 31, 32), out).has_value());
  BOOST_TEST((reader.finish().error().code == Errc::corrupt));  // header, but no final chunk
  BOOST_TEST(reader.feed(slice(blob, 32, frames[0].end() - 1), out).has_value());
  BOOST_TEST(out.empty());
  BOOST_TEST(reader.feed(slice(blob, frames[0].end() - 1, frames[1].end()), out).has_value());
  BOOST_TEST(out.size() == 2 * kChunk);
  BOOST_TEST(is_prefix_of(out, plain));
  BOOST_TEST((reader.finish().error().code == Errc::corrupt));  // still no final chunk
  BOOST_TEST(reader.feed(slice(blob, frames[1].end(), blob.size()), out).has_value());
  BOOST_TEST(reader.finish().has_value());
  BOOST_TEST(same(out, plain));
}

BOOST_AUTO_TEST_CASE(reader_stays_failed) {
  Key dek = Key::random();
  Bytes plain = text_content(1000);
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  Bytes bad = blob;
  bad[kHeader + 10] ^= 1;
  crypto::BlobReader reader(dek, {});
  Bytes out;
  auto s = reader.feed(bad, out);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST((s.error().code == Errc::corrupt));
  BOOST_TEST(out.empty());
  // Feeding good bytes afterwards does not revive it.
  auto again = reader.feed(blob, out);
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == Errc::corrupt));
  BOOST_TEST((reader.finish().error().code == Errc::corrupt));
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(empty_input_is_corrupt) {
  Key dek = Key::random();
  auto r = crypto::open_blob(dek, {}, {});
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == Errc::corrupt));
}

// --- the exact byte layout ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(layout_decrypts_with_libsodium_as_documented) {
  Key dek = Key::random();
  const Bytes prefix = sample_prefix();
  // Random, random, text, random tail: two incompressible chunks in a row stop the compression attempts, so every
  // chunk is stored and each payload is the plaintext itself.
  Bytes plain = concat({crypto::random_bytes(2 * kChunk), text_content(kChunk), crypto::random_bytes(300)});
  Bytes blob = crypto::seal_blob(dek, prefix, plain);
  auto chunks = decrypt_as_documented(dek, prefix, blob);
  BOOST_REQUIRE(chunks.size() == 4u);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    BOOST_TEST(int{chunks[i].codec} == 0, "chunk " << i);
    Bytes want(plain.begin() + static_cast<std::ptrdiff_t>(i * kChunk),
               plain.begin() + static_cast<std::ptrdiff_t>(std::min(plain.size(), (i + 1) * kChunk)));
    BOOST_TEST(same(chunks[i].payload, want), "chunk " << i);
  }
  BOOST_TEST(chunks[3].padding > 0u);
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(chunks[i].padding == 0u, "only the final chunk is padded");

  // Text, random, text, random, text: a compressed chunk resets the count of incompressible ones, so isolated
  // random chunks never stop the attempts.
  Bytes mixed = concat({text_content(kChunk), crypto::random_bytes(kChunk), text_content(kChunk),
                        crypto::random_bytes(kChunk), text_content(kChunk + 9)});
  Bytes mixed_blob = crypto::seal_blob(dek, {}, mixed);
  auto mixed_chunks = decrypt_as_documented(dek, {}, mixed_blob);
  BOOST_REQUIRE(mixed_chunks.size() == 6u);
  const int want_codecs[] = {1, 0, 1, 0, 1, 0};  // the last: 9 bytes Brotli cannot shrink by 1/16, so stored
  for (std::size_t i = 0; i < 6; ++i) BOOST_TEST(int{mixed_chunks[i].codec} == want_codecs[i], "chunk " << i);
  BOOST_TEST(mixed_chunks[0].payload.size() < kChunk / 2);
  BOOST_TEST(same(mixed_chunks[1].payload, Bytes(mixed.begin() + kChunk, mixed.begin() + 2 * kChunk)));
  BOOST_TEST(mixed_chunks[5].payload.size() == 9u);
  BOOST_TEST(same(crypto::open_blob(dek, {}, mixed_blob).value(), mixed));
}

BOOST_AUTO_TEST_CASE(chunks_that_do_not_shrink_by_a_sixteenth_are_stored) {
  // Uniform bytes over 240 symbols have 7.91 bits of entropy per byte: at best ~1% smaller, so stored. Over 128
  // symbols (7 bits) Brotli saves ~12%, more than 1/16, so compressed.
  Key dek = Key::random();
  auto alphabet_bytes = [](std::size_t n, unsigned symbols) {
    Bytes b = crypto::random_bytes(n);
    for (auto& c : b) c = static_cast<std::uint8_t>(c % symbols);  // slightly non-uniform for 240: still < 1/16
    return b;
  };
  Bytes plain = concat({alphabet_bytes(kChunk, 240), alphabet_bytes(kChunk, 128), alphabet_bytes(100, 2)});
  Bytes blob = crypto::seal_blob(dek, {}, plain);
  auto chunks = decrypt_as_documented(dek, {}, blob);
  BOOST_REQUIRE(chunks.size() == 3u);
  BOOST_TEST(int{chunks[0].codec} == 0);
  BOOST_TEST(chunks[0].payload.size() == kChunk);
  BOOST_TEST(int{chunks[1].codec} == 1);
  BOOST_TEST(chunks[1].payload.size() < kChunk - kChunk / 16);
  BOOST_TEST(same(crypto::open_blob(dek, {}, blob).value(), plain));
}

BOOST_AUTO_TEST_CASE(quality_switches_after_large_after_bytes) {
  // Brotli is deterministic, so equal sizes show which quality each chunk used.
  Key dek = Key::random();
  Bytes plain = text_content(4 * kChunk + 100);
  auto size_with = [&](int quality, int large_quality, std::uint64_t large_after) {
    return crypto::seal_blob(dek, {}, plain, crypto::BlobOptions{quality, large_quality, large_after}).size();
  };
  BOOST_TEST(size_with(9, 1, 0) == size_with(1, 1, kMiB));     // every chunk past "0 bytes": large quality
  BOOST_TEST(size_with(9, 1, kMiB) == size_with(9, 9, kMiB));  // nothing past 1 MiB: first quality throughout
  BOOST_TEST(size_with(9, 1, kMiB) != size_with(1, 1, kMiB));  // and the two qualities do differ on this text
}

BOOST_AUTO_TEST_SUITE_END()
