#include "net/deflate.h"

#define ZLIB_CONST  // next_in is const: we never let zlib write to our input
#include <zlib.h>

#include <string>

namespace net {
namespace {

constexpr int kRawWindowBits = -15;  // negative: raw deflate, no zlib header (RFC 4978 §4)
constexpr int kMemLevel = 8;         // zlib's default
constexpr std::size_t kOutStep = 16 * 1024;

}  // namespace

struct DeflateCodec::Streams {
  z_stream out{};
  z_stream in{};
  bool out_ready = false;
  bool in_ready = false;
  bool in_finished = false;

  ~Streams() {
    if (out_ready) deflateEnd(&out);
    if (in_ready) inflateEnd(&in);
  }
};

DeflateCodec::DeflateCodec(std::unique_ptr<Streams> s) : s_(std::move(s)) {}
DeflateCodec::~DeflateCodec() = default;

base::Result<std::unique_ptr<DeflateCodec>> DeflateCodec::create(int level) {
  auto s = std::make_unique<Streams>();
  // The *Init2_ functions directly: the deflateInit2/inflateInit2 macros contain C-style casts.
  const int size = static_cast<int>(sizeof(z_stream));
  if (deflateInit2_(&s->out, level, Z_DEFLATED, kRawWindowBits, kMemLevel, Z_DEFAULT_STRATEGY, ZLIB_VERSION, size) !=
      Z_OK) {
    return base::fail(base::Errc::internal, "deflateInit2 failed");
  }
  s->out_ready = true;
  if (inflateInit2_(&s->in, kRawWindowBits, ZLIB_VERSION, size) != Z_OK) {
    return base::fail(base::Errc::internal, "inflateInit2 failed");
  }
  s->in_ready = true;
  return std::unique_ptr<DeflateCodec>(new DeflateCodec(std::move(s)));
}

base::Status DeflateCodec::compress(base::ByteSpan in, bool flush, base::Bytes& out) {
  z_stream& z = s_->out;
  z.next_in = in.data();
  z.avail_in = static_cast<uInt>(in.size());
  const int mode = flush ? Z_SYNC_FLUSH : Z_NO_FLUSH;
  // zlib's rule: the call is complete when all input is consumed and it left room in the output buffer.
  for (;;) {
    const std::size_t old_size = out.size();
    out.resize(old_size + kOutStep);
    z.next_out = out.data() + old_size;
    z.avail_out = static_cast<uInt>(kOutStep);
    const int rc = deflate(&z, mode);
    out.resize(out.size() - z.avail_out);
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return base::fail(base::Errc::internal, "deflate failed: " + std::to_string(rc));
    }
    if (z.avail_in == 0 && z.avail_out != 0) break;
  }
  z.next_in = nullptr;
  return base::ok();
}

base::Result<DeflateCodec::InflateStep> DeflateCodec::inflate(base::ByteSpan in, std::span<std::uint8_t> out) {
  InflateStep step;
  if (s_->in_finished) {
    if (!in.empty()) return base::fail(base::Errc::corrupt, "data after the end of the deflate stream");
    step.finished = true;
    return step;
  }
  z_stream& z = s_->in;
  z.next_in = in.data();
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = ::inflate(&z, Z_SYNC_FLUSH);
  step.consumed = in.size() - z.avail_in;
  step.produced = out.size() - z.avail_out;
  z.next_in = nullptr;
  z.next_out = nullptr;
  switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR:  // no progress possible: needs more input (or more room, which the caller always gives)
      return step;
    case Z_STREAM_END:
      s_->in_finished = true;
      step.finished = true;
      if (step.consumed < in.size()) return base::fail(base::Errc::corrupt, "data after the end of the deflate stream");
      return step;
    default:
      return base::fail(base::Errc::corrupt, std::string("bad deflate data: ") + (z.msg ? z.msg : "inflate failed"));
  }
}

}  // namespace net
