#include "store/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "crypto/random.h"

namespace store {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

base::Error io_error(std::string_view what, const fs::path& path) {
  int err = errno;
  return base::fail(base::Errc::io, std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

base::Result<Fd> open_read(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return base::fail(base::Errc::not_found, path.string() + " does not exist");
    return io_error("open", path);
  }
  return Fd(fd);
}

base::Status write_all(int fd, base::ByteSpan data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write", path);
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return base::ok();
}

base::Result<std::size_t> read_some(int fd, std::span<std::uint8_t> data, const fs::path& path) {
  std::size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("read", path);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

base::Result<base::Bytes> read_file(const fs::path& path) {
  SB_TRY(Fd fd, open_read(path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("stat", path);
  base::Bytes out(static_cast<std::size_t>(st.st_size));
  SB_TRY(std::size_t n, read_some(fd.get(), out, path));
  out.resize(n);
  return out;
}

base::Status fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open directory", dir);
  Fd owned(fd);
  if (::fsync(fd) != 0) return io_error("fsync directory", dir);
  return base::ok();
}

base::Status make_dirs(const fs::path& dir, bool sync_parent) {
  std::error_code ec;
  bool created = fs::create_directories(dir, ec);
  if (ec) return base::fail(base::Errc::io, "mkdir " + dir.string() + ": " + ec.message());
  if (created) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (sync_parent) SB_CHECK(fsync_dir(dir.parent_path()));
  }
  return base::ok();
}

base::Status write_file_durably(const fs::path& path, const fs::path& tmp_dir, base::ByteSpan bytes) {
  SB_TRY(StagedFile staged, StagedFile::create(tmp_dir));
  SB_CHECK(staged.write(bytes));
  SB_CHECK(staged.commit(path));
  return fsync_dir(path.parent_path());
}

base::Result<StagedFile> StagedFile::create(const fs::path& tmp_dir) {
  fs::path path = tmp_dir / crypto::random_id();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("create", path);
  return StagedFile(Fd(fd), std::move(path));
}

StagedFile::~StagedFile() {
  if (fd_.valid() && !committed_) ::unlink(tmp_path_.c_str());
}

base::Status StagedFile::write(base::ByteSpan data) {
  SB_CHECK(write_all(fd_.get(), data, tmp_path_));
  size_ += data.size();
  return base::ok();
}

base::Status StagedFile::commit(const fs::path& path) {
  if (::fdatasync(fd_.get()) != 0) return io_error("fdatasync", tmp_path_);
  if (::rename(tmp_path_.c_str(), path.c_str()) != 0) return io_error("rename to", path);
  committed_ = true;
  return base::ok();
}

void DirSyncer::add(const fs::path& dir) {
  if (std::find(dirs_.begin(), dirs_.end(), dir) == dirs_.end()) dirs_.push_back(dir);
}

base::Status DirSyncer::sync() {
  for (const auto& d : dirs_) SB_CHECK(fsync_dir(d));
  dirs_.clear();
  return base::ok();
}

base::Result<FileLock> FileLock::acquire(const fs::path& path, bool wait) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open lock", path);
  Fd owned(fd);
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return base::fail(base::Errc::busy, "locked by another process: " + path.string());
    return io_error("lock", path);
  }
  return FileLock(std::move(owned));
}

}  // namespace store
