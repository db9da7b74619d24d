// Message blobs: compress (Brotli) then encrypt (XChaCha20-Poly1305) in chunks of 64 KiB of plaintext.
//
// Byte layout (integers little-endian):
//
//   prefix   bytes its container wrote before the blob (a spool entry's header), or none; bound into every chunk
//   header   32 bytes: "SBXB" | version u8 (1) | chunk_log2 u8 (16) | reserved u16 (0) | nonce base (24 random bytes)
//   frames   one per chunk:  u32 frame word | sealed chunk (the last 16 bytes are the Poly1305 tag)
//              frame word      = final << 31 | sealed length (the final bit is also in the AD, so it is authenticated)
//              chunk plaintext = codec u8 (0 stored, 1 brotli) | u32 payload_len | payload | zero padding
//              nonce(i)        = nonce base, its last 8 bytes XORed with i (little-endian)
//              AD(i)           = BLAKE2b-256(prefix | header) | u64 i | u8 final
//   end      the frame with final = 1 is the last thing in the file
//   (the 31-bit length bounds one frame, padding included, to 2 GiB: messages are capped far below that)
//
// What this guarantees: every byte of the file is authenticated (the prefix and header through the AD hash, the
// frames by their tags, the padding because it is inside the final chunk's plaintext). Reordered, duplicated or
// spliced chunks fail (index in AD), truncation at a chunk boundary fails (no final frame), and bytes after the final
// frame fail. Every message has its own random key (the DEK), so chunk nonces never repeat under one key.
//
// Size hiding: the final chunk carries zero padding so that the whole file (prefix included) has a Padmé length
// (at most ~12% overhead; leaks O(log log n) bits of the size instead of the exact size), and at least 1 KiB.
//
// Compression: each chunk is compressed on its own (so a reader can start at any chunk) with a window sized to the
// chunk. A chunk that does not shrink by 1/16 is stored; after two such chunks the writer stops trying, since the
// rest is likely already compressed (images, archives). Quality drops to 1 after the first MiB: Brotli is 85-95%
// of the CPU cost of storing mail, and large messages are mostly attachments.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/secret.h"

namespace crypto {

inline constexpr std::size_t kBlobHeaderBytes = 32;
inline constexpr std::size_t kBlobChunkBytes = 64 * 1024;

struct BlobOptions {
  int quality = 4;                                  // Brotli quality for the first MiB (0..11)
  int large_quality = 1;                            // after kLargeAfter bytes of plaintext
  std::uint64_t large_after = 1024 * 1024;
};

// The smallest Padmé length >= n (and >= 1 KiB).
std::uint64_t padded_size(std::uint64_t n);

// Streams plaintext into blob bytes. Not thread-safe; one writer per blob. Output is appended to caller buffers so
// the caller decides when to write them out (store/ streams them to a temporary file).
class BlobWriter {
 public:
  // dek is copied; prefix is the container bytes that precede the blob (copied for hashing).
  BlobWriter(const Key& dek, base::ByteSpan prefix, BlobOptions options = {});

  void write(base::ByteSpan plaintext, base::Bytes& out);  // appends the header first time, then whole frames
  void finish(base::Bytes& out);                            // appends the final frame; call exactly once

  std::uint64_t plaintext_size() const { return plaintext_size_; }

 private:
  void emit(bool final, base::Bytes& out);
  void begin(base::Bytes& out);

  Key dek_;
  BlobOptions options_;
  std::uint64_t prefix_size_;
  base::Bytes header_;
  Hash ad_hash_{};
  base::Bytes pending_;                 // plaintext of the chunk being filled
  std::uint64_t chunk_index_ = 0;
  std::uint64_t plaintext_size_ = 0;
  std::uint64_t output_size_ = 0;       // bytes of the blob emitted so far (header + frames, not the prefix)
  int incompressible_run_ = 0;
  bool started_ = false;
  bool finished_ = false;
};

// Decodes blob bytes fed in any pieces (a file read loop, a fuzzer). Not thread-safe.
// Errors are Errc::corrupt with a detail naming the chunk; after an error the reader stays failed.
// The reader refers to `dek`, which must outlive it (readers live inside one read call; not copying the key saves a
// guarded allocation per message, which SEARCH pays for every message it decrypts: bench/README.md).
class BlobReader {
 public:
  BlobReader(const Key& dek, base::ByteSpan prefix);

  // Consumes data; appends decoded plaintext of every completed chunk to out.
  base::Status feed(base::ByteSpan data, base::Bytes& out);
  // Checks that the final chunk was seen and nothing followed it.
  base::Status finish() const;

 private:
  base::Status open_frame(base::ByteSpan sealed, bool final, base::Bytes& out);

  const Key& dek_;
  base::Bytes prefix_;
  base::Bytes buffer_;
  base::Bytes header_;
  Hash ad_hash_{};
  std::uint64_t chunk_index_ = 0;
  bool have_header_ = false;
  bool final_seen_ = false;
  bool failed_ = false;
};

// Convenience for whole in-memory blobs (tests, small messages).
base::Bytes seal_blob(const Key& dek, base::ByteSpan prefix, base::ByteSpan plaintext, BlobOptions options = {});
base::Result<base::Bytes> open_blob(const Key& dek, base::ByteSpan prefix, base::ByteSpan blob);

}  // namespace crypto
