#include "test/support/cli_fixture.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace test_support {

SealboxRoot::SealboxRoot() : root_(dir_.path() / "root"), scratch_(dir_.path() / "scratch") {
  std::filesystem::create_directories(scratch_);
  auto r = run({"init"});
  if (r.exit_code != 0) throw std::runtime_error("sealbox init failed: " + r.err);
  auto config = read_file(root_ / "sealbox.toml");
  auto set = [&](const std::string& key, const std::string& value) {
    auto at = config.find("\n" + key + " = ");
    if (at == std::string::npos) throw std::runtime_error("no " + key + " in the default config");
    auto end = config.find('\n', at + 1);
    config.replace(at + 1, end - at - 1, key + " = " + value);
  };
  set("kdf_passes", "2");
  set("kdf_memory_mib", "19");
  write_file(root_ / "sealbox.toml", config);
}

ProcessResult SealboxRoot::run(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv{sealbox_binary(), "--root", root_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input);
}

std::filesystem::path SealboxRoot::password_file(const std::string& password) const {
  static std::atomic<int> counter{0};
  auto path = scratch_ / ("pw" + std::to_string(counter++));
  write_file(path, password + "\n");
  return path;
}

void SealboxRoot::add_user(const std::string& user, const std::string& password) const {
  auto r = run({"user", "add", user, "--password-file", password_file(password).string()});
  if (r.exit_code != 0) throw std::runtime_error("user add failed: " + r.err);
}

std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace test_support
