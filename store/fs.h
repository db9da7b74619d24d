// POSIX file primitives for the local store: the only file in store/ that calls open/write/fsync/rename directly.
//
// Durability protocol (DESIGN.md §4): a new file is written to tmp/, fsynced, renamed into place, and the directory
// it was renamed into is fsynced. A file that is visible under its final name is therefore always complete. Appends
// to journals use fdatasync. Every error becomes Errc::io with the operation, the path and strerror (paths hold only
// random ids and user names, never mailbox names).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace store {

namespace fs = std::filesystem;

// An owned file descriptor, closed on destruction. Move-only.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { int f = fd_; fd_ = -1; return f; }

 private:
  int fd_ = -1;
};

// The Errc::io error for the failed operation `what` on `path`, from errno.
base::Error io_error(std::string_view what, const fs::path& path);

base::Result<Fd> open_read(const fs::path& path);            // Errc::not_found when it does not exist
base::Status write_all(int fd, base::ByteSpan data, const fs::path& path_for_errors);
// Reads until data is full or EOF; returns the number of bytes read.
base::Result<std::size_t> read_some(int fd, std::span<std::uint8_t> data, const fs::path& path_for_errors);
base::Result<base::Bytes> read_file(const fs::path& path);    // Errc::not_found when it does not exist
base::Status fsync_dir(const fs::path& dir);
base::Status make_dirs(const fs::path& dir, bool sync_parent);  // mkdir -p with mode 0700

// Writes bytes to tmp_dir/<random>, fsyncs, renames to path, fsyncs path's directory. Atomic and durable.
base::Status write_file_durably(const fs::path& path, const fs::path& tmp_dir, base::ByteSpan bytes);

// A file being written in tmp/ that becomes visible only by commit(). Destroying it uncommitted unlinks it, so an
// abandoned delivery leaves nothing behind.
class StagedFile {
 public:
  static base::Result<StagedFile> create(const fs::path& tmp_dir);
  StagedFile(StagedFile&&) noexcept = default;
  StagedFile& operator=(StagedFile&&) noexcept = default;
  ~StagedFile();

  base::Status write(base::ByteSpan data);
  // fsync, rename to `path` (whose directory must exist). The caller fsyncs the directory (batched: see DirSyncer).
  base::Status commit(const fs::path& path);
  std::uint64_t size() const { return size_; }

 private:
  StagedFile(Fd fd, fs::path path) : fd_(std::move(fd)), tmp_path_(std::move(path)) {}
  Fd fd_;
  fs::path tmp_path_;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

// Collects directories whose entries changed (renames, unlinks) and fsyncs each once: one fsync per directory per
// batch instead of one per file.
class DirSyncer {
 public:
  void add(const fs::path& dir);
  base::Status sync();

 private:
  std::vector<fs::path> dirs_;
};

// An exclusive advisory lock (flock) on a lock file, held for the object's lifetime. Errc::busy if another process
// holds it and wait is false.
class FileLock {
 public:
  static base::Result<FileLock> acquire(const fs::path& path, bool wait);

 private:
  explicit FileLock(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};

}  // namespace store
