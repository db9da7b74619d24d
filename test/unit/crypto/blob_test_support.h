// Helpers shared by blob_test.cpp and blob_tamper_test.cpp: sample contents, and a parser for the frame structure
// documented in crypto/blob.h (so the tests check the format, not only the round trip). Test code only.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "crypto/blob.h"

namespace blob_test {

using base::ByteSpan;
using base::Bytes;

inline constexpr std::size_t kChunk = crypto::kBlobChunkBytes;
inline constexpr std::size_t kHeader = crypto::kBlobHeaderBytes;
inline constexpr std::size_t kFrameOverhead = 4 + 5 + 16;  // frame word + codec/payload_len + tag
inline constexpr std::size_t kMiB = 1024 * 1024;

inline Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Mail-like text that compresses well but not trivially: numbered lines, 8-bit (UTF-8 and raw) and NUL bytes.
inline Bytes text_content(std::size_t n) {
  Bytes out;
  out.reserve(n + 128);
  for (unsigned line = 0; out.size() < n; ++line) {
    std::string s = "Line " + std::to_string(line * 7919 % 100003) + ": Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, " +
                    std::string("\0\xff\x80", 3) + " quoted-printable=3D soft break=\r\n";
    out.insert(out.end(), s.begin(), s.end());
  }
  out.resize(n);
  return out;
}

// A container prefix with NUL and 8-bit bytes (as a spool entry's header might have).
inline Bytes sample_prefix() { return text(std::string_view("SPOOL\0\x01\xfe epoch=7 sealed-dek=...\n", 32)); }

inline std::uint32_t load_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

struct Frame {
  std::size_t offset;       // of the frame word
  std::uint32_t sealed_len; // without the final bit
  bool final;
  std::size_t begin() const { return offset; }
  std::size_t end() const { return offset + 4 + sealed_len; }
};

// Parses a well-formed blob's frames per blob.h, checking the structure as it goes.
inline std::vector<Frame> frames_of(const Bytes& blob) {
  BOOST_REQUIRE(blob.size() >= kHeader);
  std::vector<Frame> frames;
  std::size_t pos = kHeader;
  while (pos < blob.size()) {
    BOOST_REQUIRE(blob.size() - pos >= 4);
    std::uint32_t word = load_u32(blob.data() + pos);
    Frame f{pos, word & 0x7fffffffu, (word >> 31) != 0};
    BOOST_REQUIRE(f.sealed_len >= 5 + 16);
    BOOST_REQUIRE(f.end() <= blob.size());
    frames.push_back(f);
    pos = f.end();
  }
  return frames;
}

inline bool same(const Bytes& a, const Bytes& b) { return a == b; }

// True when a prefix of the real plaintext (what a streaming reader may have emitted before failing).
inline bool is_prefix_of(const Bytes& part, const Bytes& whole) {
  return part.size() <= whole.size() && std::equal(part.begin(), part.end(), whole.begin());
}

inline Bytes concat(std::initializer_list<ByteSpan> parts) {
  Bytes out;
  for (ByteSpan p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline ByteSpan slice(const Bytes& b, std::size_t from, std::size_t to) { return ByteSpan(b).subspan(from, to - from); }

}  // namespace blob_test
