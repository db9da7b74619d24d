#include "store/checked_file.h"

#include <string>

#include "crypto/keys.h"

namespace store {
namespace {
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHead = 5;
}  // namespace

base::Bytes encode_checked(FileKind kind, base::ByteSpan payload) {
  base::Bytes out;
  out.reserve(kHead + payload.size() + crypto::kHashBytes);
  base::ByteWriter w(out);
  w.raw("SBX");
  w.u8(static_cast<std::uint8_t>(kind));
  w.u8(kVersion);
  w.raw(payload);
  auto sum = crypto::hash(out);
  out.insert(out.end(), sum.begin(), sum.end());
  return out;
}

base::Result<base::ByteSpan> decode_checked(FileKind kind, base::ByteSpan bytes, std::string_view what) {
  auto bad = [&](const char* why) { return base::fail(base::Errc::corrupt, std::string(what) + ": " + why); };
  if (bytes.size() < kHead + crypto::kHashBytes) return bad("file too short");
  auto body = bytes.first(bytes.size() - crypto::kHashBytes);
  auto sum = crypto::hash(body);
  if (!crypto::equal(sum, bytes.last(crypto::kHashBytes))) return bad("checksum mismatch");
  if (bytes[0] != 'S' || bytes[1] != 'B' || bytes[2] != 'X' || bytes[3] != static_cast<std::uint8_t>(kind)) {
    return bad("wrong file type");
  }
  if (bytes[4] != kVersion) return bad("unsupported format version");
  return body.subspan(kHead);
}

}  // namespace store
