#include "store/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "crypto/aead.h"
#include "store/checked_file.h"

namespace store {
namespace {

constexpr std::uint32_t kCheckMask = 0x53424A52;  // "SBJR"
constexpr std::size_t kHeaderBytes = 8;
constexpr std::size_t kAlign = 16;
constexpr std::size_t kMinSealed = crypto::kAeadOverhead + kAlign;  // nonce + tag + one block of plaintext

std::string segment_name(std::uint32_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "seg-%08x", n);
  return buf;
}
std::string snapshot_name(std::uint32_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "snap-%08x", n);
  return buf;
}
bool parse_name(const std::string& name, std::string_view prefix, std::uint32_t& n) {
  if (name.size() != prefix.size() + 8 || name.compare(0, prefix.size(), prefix) != 0) return false;
  unsigned value = 0;
  for (char c : name.substr(prefix.size())) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    value = value * 16 + static_cast<unsigned>(d);
  }
  n = value;
  return true;
}

std::uint32_t load_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

// True when [begin, end) contains a 16-byte block, aligned to 16 in the file, that is all zeros.
bool has_zero_block(base::ByteSpan file, std::size_t begin, std::size_t end) {
  for (std::size_t at = (begin + kAlign - 1) / kAlign * kAlign; at + kAlign <= end; at += kAlign) {
    if (std::all_of(file.begin() + static_cast<std::ptrdiff_t>(at),
                    file.begin() + static_cast<std::ptrdiff_t>(at + kAlign), [](std::uint8_t b) { return b == 0; })) {
      return true;
    }
  }
  return false;
}

base::Bytes snapshot_ad(const std::string& id, std::uint32_t segment) {
  base::Bytes ad;
  base::ByteWriter w(ad);
  w.raw("sbs1");
  w.str(id);
  w.u32(segment);
  return ad;
}

}  // namespace

base::Bytes Journal::record_ad(std::uint32_t segment, std::uint64_t record_no) const {
  base::Bytes ad;
  base::ByteWriter w(ad);
  w.raw("sbj1");
  w.str(id_);
  w.u32(segment);
  w.u64(record_no);
  return ad;
}

base::Bytes Journal::frame(base::ByteSpan payload, std::uint64_t record_no) const {
  base::Bytes plain;
  base::ByteWriter w(plain);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.raw(payload);
  plain.resize((plain.size() + kAlign - 1) / kAlign * kAlign, 0);
  base::Bytes out(kHeaderBytes);
  crypto::aead_seal(key_, plain, record_ad(segment_, record_no), out);
  auto sealed_len = static_cast<std::uint32_t>(out.size() - kHeaderBytes);
  std::uint32_t check = sealed_len ^ kCheckMask;
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<std::uint8_t>(sealed_len >> (8 * i));
    out[4 + i] = static_cast<std::uint8_t>(check >> (8 * i));
  }
  return out;
}

base::Result<Journal> Journal::open(const fs::path& dir, const fs::path& tmp_dir, crypto::Key key, std::string id,
                                    JournalContents& contents) {
  SB_CHECK(make_dirs(dir, true));
  Journal j;
  j.dir_ = dir;
  j.tmp_dir_ = tmp_dir;
  j.key_ = std::move(key);
  j.id_ = std::move(id);
  contents = {};

  std::map<std::uint32_t, fs::path> segments, snapshots;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::uint32_t n = 0;
    std::string name = entry.path().filename().string();
    if (parse_name(name, "seg-", n)) segments[n] = entry.path();
    else if (parse_name(name, "snap-", n)) snapshots[n] = entry.path();
  }
  if (ec) return base::fail(base::Errc::io, "list " + dir.string() + ": " + ec.message());

  std::uint32_t first = 1;
  if (!snapshots.empty()) {
    // The newest snapshot wins; older ones (and the segments they cover) are leftovers of an interrupted compaction.
    first = snapshots.rbegin()->first;
    SB_TRY(base::Bytes file, read_file(snapshots.rbegin()->second));
    std::string what = "journal snapshot " + snapshots.rbegin()->second.string();
    SB_TRY(base::ByteSpan sealed, decode_checked(FileKind::snapshot, file, what));
    auto plain = crypto::aead_open(j.key_, sealed, snapshot_ad(j.id_, first));
    if (!plain) return base::fail(base::Errc::corrupt, what + ": failed authentication");
    contents.snapshot = std::move(*plain);
    for (auto it = snapshots.begin(); it->first != first; ++it) fs::remove(it->second, ec);
    for (auto it = segments.begin(); it != segments.end() && it->first < first;) {
      fs::remove(it->second, ec);
      it = segments.erase(it);
    }
  }
  std::uint32_t last = segments.empty() ? first : std::max(first, segments.rbegin()->first);
  for (std::uint32_t seg = first; seg <= last; ++seg) {
    bool is_last = seg == last;
    auto found = segments.find(seg);
    if (found == segments.end()) {
      if (is_last) break;  // a compaction that wrote the snapshot but not yet the new segment
      return base::fail(base::Errc::corrupt, "journal " + dir.string() + ": segment " + std::to_string(seg) +
                                                 " is missing");
    }
    SB_TRY(base::Bytes file, read_file(found->second));
    std::string where = "journal " + found->second.string();
    std::size_t pos = 0;
    std::uint64_t record_no = 0;
    bool torn = false;
    while (pos < file.size()) {
      std::size_t left = file.size() - pos;
      auto corrupt = [&](const char* why) {
        return base::fail(base::Errc::corrupt, where + ": record " + std::to_string(record_no) + ": " + why);
      };
      if (left < kHeaderBytes || std::all_of(file.begin() + static_cast<std::ptrdiff_t>(pos), file.end(),
                                             [](std::uint8_t b) { return b == 0; })) {
        if (!is_last) return corrupt("truncated");
        torn = true;
        break;
      }
      // An all-zero header is an unwritten sector (a valid header never is: its check word is never 0 for a
      // valid length, and one flipped byte cannot clear eight).
      if (std::all_of(file.begin() + static_cast<std::ptrdiff_t>(pos),
                      file.begin() + static_cast<std::ptrdiff_t>(pos + kHeaderBytes), [](std::uint8_t b) { return b == 0; })) {
        if (!is_last) return corrupt("zeroed record header");
        torn = true;
        break;
      }
      std::uint32_t sealed_len = load_u32(file.data() + pos);
      if ((load_u32(file.data() + pos + 4) ^ kCheckMask) != sealed_len) return corrupt("bad record header");
      if (sealed_len < kMinSealed || sealed_len % kAlign != kHeaderBytes) return corrupt("bad record length");
      if (sealed_len > left - kHeaderBytes) {
        if (!is_last) return corrupt("truncated");
        torn = true;
        break;
      }
      auto sealed = base::ByteSpan(file).subspan(pos + kHeaderBytes, sealed_len);
      auto plain = crypto::aead_open(j.key_, sealed, j.record_ad(seg, record_no));
      if (!plain) {
        if (is_last && has_zero_block(file, pos, pos + kHeaderBytes + sealed_len)) {
          torn = true;
          break;
        }
        return corrupt("failed authentication");
      }
      base::ByteReader r(*plain);
      std::uint32_t payload_len = r.u32();
      auto payload = r.raw(payload_len);
      if (!r.ok()) return corrupt("bad payload length");
      contents.records.emplace_back(payload.begin(), payload.end());
      pos += kHeaderBytes + sealed_len;
      ++record_no;
    }
    if (is_last) {
      j.segment_ = seg;
      j.next_record_ = record_no;
      j.segment_bytes_ = pos;
      if (torn) {
        contents.torn_bytes_dropped = file.size() - pos;
        int fd = ::open(found->second.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) return io_error("open", found->second);
        Fd owned(fd);
        if (::ftruncate(fd, static_cast<off_t>(pos)) != 0 || ::fdatasync(fd) != 0) {
          return io_error("truncate torn tail of", found->second);
        }
      }
    }
  }
  if (segments.empty() || segments.rbegin()->first < first) j.segment_ = first;
  SB_CHECK(j.open_segment_for_append());
  return j;
}

base::Status Journal::open_segment_for_append() {
  fs::path path = dir_ / segment_name(segment_);
  bool existed = fs::exists(path);
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open", path);
  fd_ = Fd(fd);
  if (!existed) SB_CHECK(fsync_dir(dir_));
  return base::ok();
}

base::Status Journal::append(std::span<const base::Bytes> records) {
  if (poisoned_) return base::fail(base::Errc::io, "journal " + dir_.string() + " failed earlier; reopen it");
  if (records.empty()) return base::ok();
  base::Bytes batch;
  std::uint64_t n = next_record_;
  for (const auto& r : records) {
    auto f = frame(r, n++);
    batch.insert(batch.end(), f.begin(), f.end());
  }
  fs::path path = dir_ / segment_name(segment_);
  auto written = write_all(fd_.get(), batch, path);
  if (written && ::fdatasync(fd_.get()) != 0) written = io_error("fdatasync", path);
  if (!written) {
    poisoned_ = true;  // like LevelDB after a failed sync: refuse to guess what reached the disk
    return written;
  }
  next_record_ = n;
  segment_bytes_ += batch.size();
  return base::ok();
}

base::Status Journal::write_snapshot(base::ByteSpan state) {
  if (poisoned_) return base::fail(base::Errc::io, "journal " + dir_.string() + " failed earlier; reopen it");
  std::uint32_t next = segment_ + 1;
  auto sealed = crypto::aead_seal(key_, state, snapshot_ad(id_, next));
  SB_CHECK(write_file_durably(dir_ / snapshot_name(next), tmp_dir_, encode_checked(FileKind::snapshot, sealed)));
  std::uint32_t old = segment_;
  segment_ = next;
  next_record_ = 0;
  segment_bytes_ = 0;
  SB_CHECK(open_segment_for_append());
  // The new snapshot is durable; what it replaces can go (a crash here leaves leftovers that open() removes).
  std::error_code ec;
  for (std::uint32_t s = old;; --s) {
    bool removed = fs::remove(dir_ / segment_name(s), ec);
    removed |= fs::remove(dir_ / snapshot_name(s), ec);
    if (!removed || s == 1) break;
  }
  return fsync_dir(dir_);
}

}  // namespace store
