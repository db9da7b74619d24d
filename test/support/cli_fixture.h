// A temporary Sealbox data root driven through the real `sealbox` binary, for e2e tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "test/support/process.h"
#include "test/support/temp_dir.h"

namespace test_support {

class SealboxRoot {
 public:
  // Runs `sealbox init` in a fresh temporary directory and lowers Argon2id to its floor (2 passes, 19 MiB) so tests
  // stay fast; the cost is measured by the benchmark instead.
  SealboxRoot();

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path user_dir(const std::string& user) const { return root_ / "users" / user; }

  // Runs `sealbox --root ROOT args...` with input on stdin.
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = {}) const;
  // Creates a user with the password (via a password file); fails the test on error.
  void add_user(const std::string& user, const std::string& password) const;
  // Writes a password file and returns its path.
  std::filesystem::path password_file(const std::string& password) const;

 private:
  TempDir dir_;
  std::filesystem::path root_;
  std::filesystem::path scratch_;
};

// Every regular file under dir (recursively), sorted.
std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir);

}  // namespace test_support
