// A temporary directory for a test, removed with everything in it when the object is destroyed.
#pragma once

#include <filesystem>
#include <string>

namespace test_support {

class TempDir {
 public:
  TempDir();  // under $TMPDIR (or /tmp), named sealbox-test-XXXXXX
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Reads or writes a whole file as bytes (std::string). Throws std::runtime_error on failure: tests only.
std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& bytes);

}  // namespace test_support
