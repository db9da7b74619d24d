#include "test/support/server_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test/support/process.h"

extern char** environ;

namespace test_support {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

// "imaps=123\nlmtp=456\n" -> {imaps: 123, lmtp: 456}. An unterminated last line counts only when `last_seen`
// (the previous poll's content) was identical: the writer may be mid-write.
std::map<std::string, std::uint16_t> parse_ports(const std::string& text, const std::string& last_seen) {
  std::map<std::string, std::uint16_t> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos && text != last_seen) break;
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string value = line.substr(eq + 1);
    if (value.empty() || value.size() > 5 || value.find_first_not_of("0123456789") != std::string::npos) continue;
    const unsigned long port = std::stoul(value);
    if (port > 0 && port <= 65535) out[line.substr(0, eq)] = static_cast<std::uint16_t>(port);
  }
  return out;
}

}  // namespace

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  if (options_.binary.empty()) options_.binary = sealbox_binary();
  if (options_.ports_file.empty()) options_.ports_file = dir_ / "ports";
  for (auto& a : options_.args) {
    if (a == "{ports}") a = options_.ports_file.string();
  }
  std::error_code ignored;
  std::filesystem::remove(options_.ports_file, ignored);  // a stale file from an earlier run must not count
  // Everything the child needs is prepared before fork(): the parent has threads, so the child may only make
  // async-signal-safe calls until exec.
  std::vector<std::string> argv_strings{options_.binary};
  argv_strings.insert(argv_strings.end(), options_.args.begin(), options_.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : options_.env) overridden = overridden || x.substr(0, x.find('=')) == name;
    if (!overridden) env_strings.push_back(entry);
  }
  env_strings.insert(env_strings.end(), options_.env.begin(), options_.env.end());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = ::open((dir_ / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err = ::open((dir_ / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in < 0 || out < 0 || err < 0) throw std::runtime_error("ServerProcess: cannot open capture files");
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the test died before prctl took effect
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in);
  ::close(out);
  ::close(err);
  if (pid_ < 0) throw std::runtime_error(std::string("ServerProcess: fork: ") + std::strerror(errno));
  wait_ready();
}

std::unique_ptr<ServerProcess> ServerProcess::serve(const std::filesystem::path& root, bool expect_lmtp,
                                                    std::vector<std::string> extra_args) {
  ServerOptions o;
  o.args = {"--root", root.string(), "serve", "--ports-file", "{ports}"};
  o.args.insert(o.args.end(), extra_args.begin(), extra_args.end());
  o.expect_lmtp = expect_lmtp;
  return std::make_unique<ServerProcess>(std::move(o));
}

ServerProcess::~ServerProcess() {
  try {
    if (status_ == std::nullopt && pid_ > 0) stop();
  } catch (...) {
    // A destructor must not throw; stop() only throws on impossible waitpid failures.
    ::kill(pid_, SIGKILL);
  }
}

void ServerProcess::wait_ready() {
  const auto deadline = Clock::now() + options_.ready_timeout;
  std::string last_seen;
  for (;;) {
    if (reap(false)) {
      throw std::runtime_error("server " + options_.binary + " exited with status " + std::to_string(*status_) +
                               " before reporting its ports; stderr:\n" + log());
    }
    const std::string text = slurp(options_.ports_file);
    const auto ports = parse_ports(text, last_seen);
    last_seen = text;
    const auto imaps = ports.find("imaps");
    const auto lmtp = ports.find("lmtp");
    if (imaps != ports.end() && (!options_.expect_lmtp || lmtp != ports.end())) {
      imaps_port_ = imaps->second;
      lmtp_port_ = lmtp != ports.end() ? lmtp->second : 0;
      return;
    }
    if (Clock::now() >= deadline) {
      kill9();
      throw std::runtime_error("server " + options_.binary + " did not report its ports in " +
                               std::to_string(options_.ready_timeout.count()) + " ms (ports file: '" + text +
                               "'); stderr:\n" + log());
    }
    std::this_thread::sleep_for(kPollInterval);  // bounded by the deadline above
  }
}

bool ServerProcess::reap(bool block) {
  if (status_) return true;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::runtime_error(std::string("ServerProcess: waitpid: ") + std::strerror(errno));
    if (r == 0) return false;
    status_ = decode(status);
    return true;
  }
}

bool ServerProcess::running() { return !reap(false); }

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!reap(false)) {
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
  return status_;
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (status_) return *status_;
  ::kill(pid_, SIGTERM);
  if (auto status = wait_exit(timeout)) return *status;
  return kill9();
}

int ServerProcess::kill9() {
  if (status_) return *status_;
  ::kill(pid_, SIGKILL);
  reap(true);
  return *status_;
}

std::string ServerProcess::log() const { return slurp(dir_ / "stderr"); }
std::string ServerProcess::out() const { return slurp(dir_ / "stdout"); }

}  // namespace test_support
