// Deterministic test messages of chosen size and kind, each carrying a unique marker so tests can tell them apart.
#pragma once

#include <cstddef>
#include <string>

namespace test_support {

enum class Body {
  ascii,      // RFC 5322 text, CRLF lines
  eight_bit,  // UTF-8 and Latin-1 bytes in headers and body
  binary,     // every byte value, NULs, bare CR and LF
};

// A message of exactly `size` bytes (headers included when size allows), reproducible from (seed, size, kind).
std::string make_message(unsigned seed, std::size_t size, Body kind);

// Standard base64 (RFC 4648) of data.
std::string base64(const std::string& data);

}  // namespace test_support
