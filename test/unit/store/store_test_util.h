// Helpers shared by the store unit tests: file surgery (flip, truncate, zero, list), result checks that print the
// error, fast KDF parameters, and deterministic message bodies. Test code only.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/password.h"
#include "test/support/temp_dir.h"

namespace store_test {

namespace fs = std::filesystem;

// Argon2id at the floor (2 passes, 19 MiB): the fastest parameters validate() accepts.
inline const crypto::KdfParams kFastKdf{2, 19456};

inline base::Bytes bytes_of(std::string_view s) { return base::Bytes(s.begin(), s.end()); }

inline base::Bytes read_bytes(const fs::path& p) { return bytes_of(test_support::read_file(p)); }

inline void write_bytes(const fs::path& p, const base::Bytes& b) {
  test_support::write_file(p, std::string(base::as_chars(b)));
}

// XORs one byte of a file in place.
inline void flip_byte(const fs::path& p, std::size_t offset, std::uint8_t mask = 0x01) {
  auto b = read_bytes(p);
  BOOST_REQUIRE(offset < b.size());
  b[offset] ^= mask;
  write_bytes(p, b);
}

// Names of the entries of a directory, sorted (empty when it does not exist).
inline std::vector<std::string> list_dir(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Every regular file under dir, recursively, as paths relative to dir (sorted).
inline std::vector<std::string> list_tree(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) names.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// "ok" for a success, otherwise the error code's name ("corrupt", "auth_failed", ...): compares and prints well.
template <class T>
std::string errc_of(const base::Result<T>& r) {
  return r.has_value() ? std::string("ok") : std::string(base::to_string(r.error().code));
}

// Fails the test (printing the error) unless r holds a value.
template <class T>
void require_ok(const base::Result<T>& r, std::string_view what) {
  if (!r.has_value()) BOOST_FAIL(std::string(what) + ": " + r.error().message());
}

// Deterministic message bodies.
enum class Content {
  text,    // CRLF lines with 8-bit (UTF-8 and raw) bytes, NULs, bare CR and bare LF mixed in
  random,  // uniformly random bytes (incompressible)
};

inline base::Bytes make_body(std::size_t n, Content kind, std::uint64_t seed) {
  base::Bytes out;
  out.reserve(n);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + n);
  if (kind == Content::random) {
    while (out.size() < n) {
      std::uint64_t v = rng();
      for (int i = 0; i < 8 && out.size() < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    return out;
  }
  static constexpr std::string_view kPieces[] = {
      "Subject: Gr\xc3\xbc\xc3\x9f" "e\r\n", "From: a@example.org\r\n", "bare CR\r", "bare LF\n",
      std::string_view("NUL\0byte\r\n", 10), "Latin-1 \xe9\xe8\xff\x80\r\n", "=?utf-8?q?x?=\r\n", "\r\n.\r\n",
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n"};
  while (out.size() < n) {
    auto piece = kPieces[rng() % std::size(kPieces)];
    std::size_t take = std::min(piece.size(), n - out.size());
    out.insert(out.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(take));
  }
  return out;
}

}  // namespace store_test
