#include "store/message_file.h"

#include <cstring>

namespace store {
namespace {

constexpr std::uint8_t kHeaderMagic[4] = {'S', 'B', 'X', 'S'};
constexpr std::uint8_t kHeaderVersion = 1;
constexpr std::size_t kSealedInfoBytes = 256;
constexpr std::size_t kFlushBytes = 256 * 1024;  // write to the staged file in pieces of about this size
constexpr std::size_t kReadBytes = 256 * 1024;

}  // namespace

MessageWriter::MessageWriter(StagedFile file, crypto::Key dek, base::Bytes header, std::uint64_t max_bytes)
    : file_(std::move(file)), dek_(std::move(dek)), blob_(dek_, header), out_(std::move(header)),
      max_bytes_(max_bytes) {}

base::Result<MessageWriter> MessageWriter::for_delivery(const UserPaths& paths, std::uint32_t epoch,
                                                        const crypto::PublicKey& recipient, std::string_view mailbox,
                                                        std::int64_t received, std::uint64_t max_bytes) {
  if (mailbox.size() > kMaxDeliveryMailboxBytes) {
    return base::fail(base::Errc::invalid_argument, "mailbox name longer than 200 bytes");
  }
  auto dek = crypto::Key::random();
  crypto::SecretBytes info(kSealedInfoBytes);  // zero-filled: the padding
  base::Bytes head;
  base::ByteWriter w(head);
  w.u64(static_cast<std::uint64_t>(received));
  w.u16(static_cast<std::uint16_t>(mailbox.size()));
  w.raw(mailbox);
  std::memcpy(info.data(), dek.data(), crypto::kKeyBytes);
  std::memcpy(info.data() + crypto::kKeyBytes, head.data(), head.size());

  base::Bytes header(std::begin(kHeaderMagic), std::end(kHeaderMagic));
  header.push_back(kHeaderVersion);
  header.insert(header.end(), 3, 0);
  base::ByteWriter(header).u32(epoch);
  auto sealed = crypto::seal_to(recipient, info.span());
  header.insert(header.end(), sealed.begin(), sealed.end());

  SB_TRY(StagedFile file, StagedFile::create(paths.tmp()));
  return MessageWriter(std::move(file), std::move(dek), std::move(header), max_bytes);
}

base::Result<MessageWriter> MessageWriter::for_owner(const UserPaths& paths, std::uint64_t max_bytes) {
  SB_TRY(StagedFile file, StagedFile::create(paths.tmp()));
  return MessageWriter(std::move(file), crypto::Key::random(), {}, max_bytes);
}

base::Status MessageWriter::write(base::ByteSpan plaintext) {
  if (blob_.plaintext_size() + plaintext.size() > max_bytes_) {
    return base::fail(base::Errc::too_big, "message larger than " + std::to_string(max_bytes_) + " bytes");
  }
  blob_.write(plaintext, out_);
  return flush(false);
}

base::Status MessageWriter::flush(bool force) {
  if (out_.empty() || (!force && out_.size() < kFlushBytes)) return base::ok();
  SB_CHECK(file_.write(out_));
  out_.clear();
  return base::ok();
}

base::Status MessageWriter::commit(const fs::path& final_path) {
  blob_.finish(out_);
  SB_CHECK(flush(true));
  return file_.commit(final_path);
}

base::Result<DeliveryInfo> read_delivery_header(const fs::path& path, const EpochKeyLookup& key_for_epoch) {
  SB_TRY(Fd fd, open_read(path));
  base::Bytes header(kDeliveryHeaderBytes);
  SB_TRY(std::size_t n, read_some(fd.get(), header, path));
  auto bad = [&](const char* why) { return base::fail(base::Errc::corrupt, "spool entry " + path.string() + ": " + why); };
  if (n != header.size() || std::memcmp(header.data(), kHeaderMagic, 4) != 0 || header[4] != kHeaderVersion) {
    return bad("bad delivery header");
  }
  base::ByteReader r(header);
  r.raw(8);
  std::uint32_t epoch = r.u32();
  auto sealed = r.raw(kSealedInfoBytes + crypto::kSealOverhead);
  SB_TRY(const crypto::KeyPair* pair, key_for_epoch(epoch));
  auto info = crypto::unseal(*pair, sealed);
  if (!info) return bad("sealed key failed authentication");
  base::ByteReader ir(info->span());
  DeliveryInfo out;
  out.dek = crypto::Key::from(ir.raw(crypto::kKeyBytes));
  out.received = static_cast<std::int64_t>(ir.u64());
  std::uint16_t len = ir.u16();
  if (len > kMaxDeliveryMailboxBytes) return bad("malformed sealed header");
  out.mailbox = std::string(base::as_chars(ir.raw(len)));
  if (!ir.ok()) return bad("malformed sealed header");
  return out;
}

base::Result<std::uint64_t> read_message_file(const fs::path& path, const crypto::Key& dek,
                                              const PlaintextSink& sink) {
  SB_TRY(Fd fd, open_read(path));
  base::Bytes buf(kReadBytes);
  SB_TRY(std::size_t n, read_some(fd.get(), buf, path));
  buf.resize(n);
  // A file that starts with a delivery header carries it as the blob's authenticated prefix.
  std::size_t prefix = (n >= kDeliveryHeaderBytes && std::memcmp(buf.data(), kHeaderMagic, 4) == 0)
                           ? kDeliveryHeaderBytes : 0;
  crypto::BlobReader reader(dek, base::ByteSpan(buf).first(prefix));
  std::uint64_t total = 0;
  base::Bytes plain;
  auto consume = [&](base::ByteSpan data) -> base::Status {
    plain.clear();
    auto fed = reader.feed(data, plain);
    if (!fed) return base::fail(base::Errc::corrupt, "message file " + path.string() + ": " + fed.error().detail);
    total += plain.size();
    return plain.empty() ? base::ok() : sink(plain);
  };
  SB_CHECK(consume(base::ByteSpan(buf).subspan(prefix)));
  while (n == kReadBytes) {
    buf.resize(kReadBytes);
    SB_TRY(std::size_t got, read_some(fd.get(), buf, path));
    n = got;
    SB_CHECK(consume(base::ByteSpan(buf).first(n)));
  }
  auto finished = reader.finish();
  if (!finished) return base::fail(base::Errc::corrupt, "message file " + path.string() + ": " + finished.error().detail);
  return total;
}

base::Result<base::Bytes> read_message(const fs::path& path, const crypto::Key& dek) {
  base::Bytes out;
  auto read = read_message_file(path, dek, [&](base::ByteSpan piece) {
    out.insert(out.end(), piece.begin(), piece.end());
    return base::ok();
  });
  if (!read) return std::move(read).error();
  return out;
}

}  // namespace store
