// Little-endian byte codec for our on-disk records: ByteWriter appends, ByteReader reads with bounds checks.
//
// Every on-disk structure in store/ and crypto/ is built from these primitives: fixed-width little-endian integers,
// LEB128 varints, and length-prefixed byte strings (varint length, then the bytes). A ByteReader never reads past
// its input: a short or malformed input sets a sticky failure flag and later reads return zero values, so a decoder
// can read a whole record and check ok() once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace base {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

inline ByteSpan as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Appends to a Bytes buffer it does not own. Not thread-safe.
class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { fixed(v, 2); }
  void u32(std::uint32_t v) { fixed(v, 4); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void varint(std::uint64_t v);
  void raw(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void raw(std::string_view s) { raw(as_bytes(s)); }
  void blob(ByteSpan b) { varint(b.size()); raw(b); }        // length-prefixed
  void str(std::string_view s) { blob(as_bytes(s)); }

 private:
  void fixed(std::uint64_t v, int n);
  Bytes& out_;
};

// Reads from a span it does not own; the span must outlive the reader and any views it returns.
class ByteReader {
 public:
  explicit ByteReader(ByteSpan in) : in_(in) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(fixed(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64() { return fixed(8); }
  std::uint64_t varint();
  ByteSpan raw(std::size_t n);                   // a view of the next n bytes (empty and failed if short)
  ByteSpan blob() { return raw(length()); }      // length-prefixed
  std::string str() { return std::string(as_chars(blob())); }

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // True when every byte was consumed and no read failed: what a decoder checks before trusting a record.
  bool done() const { return ok_ && at_end(); }

 private:
  std::uint64_t fixed(int n);
  std::size_t length();
  ByteSpan in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Lower-case hexadecimal.
std::string to_hex(ByteSpan b);
// Parses lower- or upper-case hex; false (and out empty) on odd length or a non-hex character.
bool from_hex(std::string_view hex, Bytes& out);

// Standard base64 (RFC 4648 §4, with padding). from_base64 rejects bad characters, bad padding and whitespace.
std::string to_base64(ByteSpan b);
bool from_base64(std::string_view text, Bytes& out);

}  // namespace base
