// libFuzzer target: the blob reader (crypto/blob.h) on arbitrary bytes, fed in random-sized pieces. Stored blobs are
// bytes an attacker with the disk can change; the reader must fail cleanly (Errc::corrupt), never crash, over-read
// or decode more than a chunk's worth. Half of the inputs are real blobs (sealed here under a fixed key) with the
// fuzzer's bytes mixed in, so the checks past authentication are exercised too.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>

#include "crypto/blob.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const crypto::Key key = [] {
    crypto::init();
    std::uint8_t bytes[crypto::kKeyBytes] = {1, 2, 3};
    return crypto::Key::from(bytes);
  }();
  if (size < 2) return 0;
  base::ByteSpan input(data + 2, size - 2);
  base::Bytes blob;
  if (data[0] & 1) {
    // A genuine blob of the input, then one byte overwritten at a position the fuzzer picks.
    blob = crypto::seal_blob(key, {}, input);
    blob[(std::size_t{data[1]} * 131) % blob.size()] ^= static_cast<std::uint8_t>(data[0] | 1);
  } else {
    blob.assign(input.begin(), input.end());
  }
  crypto::BlobReader reader(key, {});
  base::Bytes out;
  std::size_t step = 1 + data[1] % 97;
  for (std::size_t at = 0; at < blob.size(); at += step) {
    out.clear();
    auto fed = reader.feed(base::ByteSpan(blob).subspan(at, std::min(step, blob.size() - at)), out);
    if (out.size() > 2 * crypto::kBlobChunkBytes * (step / 16 + 1)) std::abort();  // bounded output per feed
    if (!fed) return 0;
  }
  (void)reader.finish();
  return 0;
}
