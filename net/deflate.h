// DeflateCodec: the two zlib streams behind RFC 4978 COMPRESS=DEFLATE. Pure computation, no I/O.
//
// Wire format (RFC 4978 §4, RFC 1951): raw deflate with no zlib or gzip header (windowBits -15) in each direction,
// each direction one endless stream. Output is compressed at level 1 (DESIGN.md §6: level 6 costs 10x the CPU of a
// FETCH) and ends every flushed write with Z_SYNC_FLUSH, i.e. an empty stored block (00 00 FF FF), so the peer can
// decode everything sent so far without waiting for more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/result.h"

namespace net {

class DeflateCodec {
 public:
  // Output and input of one inflate() call.
  struct InflateStep {
    std::size_t consumed = 0;  // bytes of `in` used
    std::size_t produced = 0;  // bytes written to `out`
    bool finished = false;     // the peer ended its deflate stream (a final block): no further input is valid
  };

  // Makes both streams. Errors: Errc::internal when zlib cannot allocate. Thread-safe.
  static base::Result<std::unique_ptr<DeflateCodec>> create(int level = 1);
  ~DeflateCodec();
  DeflateCodec(const DeflateCodec&) = delete;
  DeflateCodec& operator=(const DeflateCodec&) = delete;

  // Compresses all of `in`, appending to `out`; with `flush`, ends with Z_SYNC_FLUSH so everything so far can be
  // decoded by the peer. `out` grows by about in.size() plus a few bytes: callers bound memory by bounding `in`.
  // Errors: Errc::internal (a zlib state error; the stream is then unusable). One thread at a time.
  base::Status compress(base::ByteSpan in, bool flush, base::Bytes& out);

  // Inflates from `in` into `out` (non-empty), never writing more than out.size() bytes: a small compressed input
  // that expands hugely (a "decompression bomb") costs the caller at most one span per call, and the rest waits in
  // `in` or inside zlib for the next call. Call again with the unconsumed input (or none) while produced > 0: zlib
  // may hold output it had no room for. produced == 0 with all input consumed means "need more input".
  // Errors: Errc::corrupt for invalid deflate data, or input after the end of the stream. One thread at a time.
  base::Result<InflateStep> inflate(base::ByteSpan in, std::span<std::uint8_t> out);

 private:
  struct Streams;
  explicit DeflateCodec(std::unique_ptr<Streams> s);
  std::unique_ptr<Streams> s_;
};

}  // namespace net
