#include "crypto/blob.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <bit>
#include <cstring>
#include <string>

#include "crypto/aead.h"

namespace crypto {
namespace {

constexpr std::uint8_t kMagic[4] = {'S', 'B', 'X', 'B'};
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kChunkLog2 = 16;
constexpr std::size_t kFrameLenBytes = 4;
constexpr std::size_t kChunkHeadBytes = 5;  // codec u8 + payload_len u32
constexpr std::uint8_t kCodecStored = 0;
constexpr std::uint8_t kCodecBrotli = 1;
constexpr std::uint64_t kMinBlobBytes = 1024;
constexpr std::uint32_t kFinalBit = 0x80000000u;

Hash ad_hash_of(base::ByteSpan prefix, base::ByteSpan header) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  crypto_generichash_update(&st, prefix.data(), prefix.size());
  crypto_generichash_update(&st, header.data(), header.size());
  Hash h{};
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

void chunk_nonce(base::ByteSpan nonce_base, std::uint64_t index, std::uint8_t* nonce) {
  std::memcpy(nonce, nonce_base.data(), kAeadNonceBytes);
  for (int i = 0; i < 8; ++i) nonce[16 + i] ^= static_cast<std::uint8_t>(index >> (8 * i));
}

void chunk_ad(const Hash& h, std::uint64_t index, bool final, std::uint8_t* ad) {
  std::memcpy(ad, h.data(), h.size());
  for (int i = 0; i < 8; ++i) ad[32 + i] = static_cast<std::uint8_t>(index >> (8 * i));
  ad[40] = final ? 1 : 0;
}
constexpr std::size_t kAdBytes = 41;

std::uint32_t load_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
void store_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

base::Error corrupt(std::uint64_t chunk, const char* what) {
  return base::fail(base::Errc::corrupt, "blob chunk " + std::to_string(chunk) + ": " + what);
}

}  // namespace

std::uint64_t padded_size(std::uint64_t n) {
  n = std::max(n, kMinBlobBytes);
  // Padmé (Nikitin et al., 2019): keep the top floor(log2(E))+1 bits of the length, round the rest up.
  unsigned e = std::bit_width(n) - 1;             // floor(log2 n)
  unsigned s = std::bit_width(std::uint64_t{e});  // floor(log2 e) + 1
  unsigned last_bits = e - s;
  std::uint64_t mask = (std::uint64_t{1} << last_bits) - 1;
  if (n > UINT64_MAX - mask) return UINT64_MAX;  // unreachable for mail (sizes are capped far lower); no wrap
  return (n + mask) & ~mask;
}

BlobWriter::BlobWriter(const Key& dek, base::ByteSpan prefix, BlobOptions options)
    : dek_(dek.clone()), options_(options), prefix_size_(prefix.size()) {
  header_.assign(std::begin(kMagic), std::end(kMagic));
  header_.push_back(kVersion);
  header_.push_back(kChunkLog2);
  header_.push_back(0);
  header_.push_back(0);
  base::Bytes nonce(kAeadNonceBytes);
  randombytes_buf(nonce.data(), nonce.size());
  header_.insert(header_.end(), nonce.begin(), nonce.end());
  ad_hash_ = ad_hash_of(prefix, header_);
  pending_.reserve(kBlobChunkBytes);
}

void BlobWriter::begin(base::Bytes& out) {
  out.insert(out.end(), header_.begin(), header_.end());
  output_size_ += header_.size();
  started_ = true;
}

void BlobWriter::write(base::ByteSpan plaintext, base::Bytes& out) {
  assert(!finished_ && "write after finish");
  if (!started_) begin(out);
  while (!plaintext.empty()) {
    // A full chunk is emitted only once more data arrives: the last chunk must be marked final.
    if (pending_.size() == kBlobChunkBytes) emit(false, out);
    std::size_t take = std::min(plaintext.size(), kBlobChunkBytes - pending_.size());
    pending_.insert(pending_.end(), plaintext.begin(), plaintext.begin() + static_cast<std::ptrdiff_t>(take));
    plaintext = plaintext.subspan(take);
    plaintext_size_ += take;
  }
}

void BlobWriter::finish(base::Bytes& out) {
  assert(!finished_ && "finish called twice");
  if (!started_) begin(out);
  emit(true, out);
  finished_ = true;
}

void BlobWriter::emit(bool final, base::Bytes& out) {
  // Compress into the chunk body unless it does not pay.
  base::Bytes body(kChunkHeadBytes);
  std::uint8_t codec = kCodecStored;
  if (!pending_.empty() && incompressible_run_ < 2) {
    int quality = (plaintext_size_ > options_.large_after) ? options_.large_quality : options_.quality;
    int lgwin = std::clamp(static_cast<int>(std::bit_width(pending_.size())), BROTLI_MIN_WINDOW_BITS, 17);
    std::size_t cap = BrotliEncoderMaxCompressedSize(pending_.size());
    body.resize(kChunkHeadBytes + cap);
    std::size_t encoded = cap;
    bool good = BrotliEncoderCompress(quality, lgwin, BROTLI_MODE_GENERIC, pending_.size(), pending_.data(), &encoded,
                                      body.data() + kChunkHeadBytes) == BROTLI_TRUE;
    if (good && encoded < pending_.size() - pending_.size() / 16) {
      codec = kCodecBrotli;
      body.resize(kChunkHeadBytes + encoded);
      incompressible_run_ = 0;
    } else {
      ++incompressible_run_;
    }
  }
  if (codec == kCodecStored) {
    body.resize(kChunkHeadBytes);
    body.insert(body.end(), pending_.begin(), pending_.end());
  }
  body[0] = codec;
  store_u32(body.data() + 1, static_cast<std::uint32_t>(body.size() - kChunkHeadBytes));

  if (final) {
    std::uint64_t unpadded = prefix_size_ + output_size_ + kFrameLenBytes + body.size() + kAeadTagBytes;
    body.resize(body.size() + (padded_size(unpadded) - unpadded), 0);
  }

  std::uint8_t nonce[kAeadNonceBytes];
  std::uint8_t ad[kAdBytes];
  chunk_nonce(base::ByteSpan(header_).subspan(8, kAeadNonceBytes), chunk_index_, nonce);
  chunk_ad(ad_hash_, chunk_index_, final, ad);

  std::size_t at = out.size();
  std::size_t sealed_len = body.size() + kAeadTagBytes;
  out.resize(at + kFrameLenBytes + sealed_len);
  store_u32(out.data() + at, static_cast<std::uint32_t>(sealed_len) | (final ? kFinalBit : 0));
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + at + kFrameLenBytes, nullptr, body.data(), body.size(), ad,
                                             kAdBytes, nullptr, nonce, dek_.data());
  output_size_ += kFrameLenBytes + sealed_len;
  ++chunk_index_;
  pending_.clear();
}

BlobReader::BlobReader(const Key& dek, base::ByteSpan prefix)
    : dek_(dek), prefix_(prefix.begin(), prefix.end()) {}

base::Status BlobReader::feed(base::ByteSpan data, base::Bytes& out) {
  if (failed_) return base::fail(base::Errc::corrupt, "blob reader already failed");
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  std::size_t pos = 0;
  auto fail_with = [&](base::Error e) -> base::Status {
    failed_ = true;
    return e;
  };
  if (!have_header_) {
    if (buffer_.size() < kBlobHeaderBytes) return base::ok();
    header_.assign(buffer_.begin(), buffer_.begin() + kBlobHeaderBytes);
    if (std::memcmp(header_.data(), kMagic, 4) != 0) return fail_with(base::fail(base::Errc::corrupt, "not a blob"));
    if (header_[4] != kVersion || header_[5] != kChunkLog2 || header_[6] != 0 || header_[7] != 0) {
      return fail_with(base::fail(base::Errc::corrupt, "unsupported blob version or header"));
    }
    ad_hash_ = ad_hash_of(prefix_, header_);
    have_header_ = true;
    pos = kBlobHeaderBytes;
  }
  while (buffer_.size() - pos >= kFrameLenBytes) {
    if (final_seen_) return fail_with(corrupt(chunk_index_, "data after the final chunk"));
    std::uint32_t word = load_u32(buffer_.data() + pos);
    bool final = (word & kFinalBit) != 0;
    std::uint32_t sealed_len = word & ~kFinalBit;
    if (sealed_len < kChunkHeadBytes + kAeadTagBytes) return fail_with(corrupt(chunk_index_, "bad frame length"));
    if (buffer_.size() - pos - kFrameLenBytes < sealed_len) break;  // need more input
    auto status = open_frame(base::ByteSpan(buffer_).subspan(pos + kFrameLenBytes, sealed_len), final, out);
    if (!status) return fail_with(std::move(status).error());
    pos += kFrameLenBytes + sealed_len;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
  if (final_seen_ && !buffer_.empty()) return fail_with(corrupt(chunk_index_, "data after the final chunk"));
  return base::ok();
}

base::Status BlobReader::open_frame(base::ByteSpan sealed, bool final, base::Bytes& out) {
  std::uint8_t nonce[kAeadNonceBytes];
  std::uint8_t ad[kAdBytes];
  chunk_nonce(base::ByteSpan(header_).subspan(8, kAeadNonceBytes), chunk_index_, nonce);
  chunk_ad(ad_hash_, chunk_index_, final, ad);
  base::Bytes body(sealed.size() - kAeadTagBytes);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(body.data(), nullptr, nullptr, sealed.data(), sealed.size(), ad,
                                                 kAdBytes, nonce, dek_.data()) != 0) {
    return corrupt(chunk_index_, "authentication failed");
  }
  std::uint8_t codec = body[0];
  std::uint32_t payload_len = load_u32(body.data() + 1);
  if (payload_len > body.size() - kChunkHeadBytes) return corrupt(chunk_index_, "payload length out of range");
  const std::uint8_t* payload = body.data() + kChunkHeadBytes;
  if (codec == kCodecStored) {
    if (payload_len > kBlobChunkBytes) return corrupt(chunk_index_, "chunk too large");
    out.insert(out.end(), payload, payload + payload_len);
  } else if (codec == kCodecBrotli) {
    std::size_t at = out.size();
    out.resize(at + kBlobChunkBytes);
    std::size_t decoded = kBlobChunkBytes;  // a chunk never decodes to more than 64 KiB
    if (BrotliDecoderDecompress(payload_len, payload, &decoded, out.data() + at) != BROTLI_DECODER_RESULT_SUCCESS) {
      out.resize(at);
      return corrupt(chunk_index_, "brotli stream invalid");
    }
    out.resize(at + decoded);
  } else {
    return corrupt(chunk_index_, "unknown codec");
  }
  final_seen_ = final;
  ++chunk_index_;
  return base::ok();
}

base::Status BlobReader::finish() const {
  if (failed_) return base::fail(base::Errc::corrupt, "blob failed to decode");
  if (!have_header_) return base::fail(base::Errc::corrupt, "blob truncated: no header");
  if (!final_seen_) return base::fail(base::Errc::corrupt, "blob truncated: final chunk missing");
  return base::ok();
}

base::Bytes seal_blob(const Key& dek, base::ByteSpan prefix, base::ByteSpan plaintext, BlobOptions options) {
  BlobWriter writer(dek, prefix, options);
  base::Bytes out;
  writer.write(plaintext, out);
  writer.finish(out);
  return out;
}

base::Result<base::Bytes> open_blob(const Key& dek, base::ByteSpan prefix, base::ByteSpan blob) {
  BlobReader reader(dek, prefix);
  base::Bytes out;
  SB_CHECK(reader.feed(blob, out));
  SB_CHECK(reader.finish());
  return out;
}

}  // namespace crypto
