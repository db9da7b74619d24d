// ServerProcess: runs the sealbox daemon (or any program that reports its ports the same way) for e2e tests.
//
// The server is started in the background with stdin from /dev/null and stdout/stderr captured to files in a
// temporary directory; the constructor waits (bounded) until the server has written its ports file:
//   imaps=40211
//   lmtp=40212        (only when the server has an LMTP listener)
// Each line ends with "\n"; the file should be written atomically (temp file + rename) once all listeners are bound.
// The child gets PR_SET_PDEATHSIG(SIGKILL), so a crashed test never leaves a server behind.
//
//   test_support::TempDir root;  ... make root/sealbox.toml, users, a self-signed certificate ...
//   auto server = test_support::ServerProcess::serve(root.path());
//   auto client = test_support::TlsClient::connect(server->imaps_port());
//   BOOST_TEST(server->stop() == 0, server->log());
//
// Failures throw std::runtime_error whose message includes the captured stderr. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "test/support/temp_dir.h"

namespace test_support {

struct ServerOptions {
  std::string binary;                     // the program; empty: $SEALBOX_BIN (sealbox_binary())
  std::vector<std::string> args;          // arguments after the program name; "{ports}" becomes the ports file path
  std::filesystem::path ports_file;       // where the server reports its ports; empty: "ports" in a private temp dir
  bool expect_lmtp = false;               // also wait for an "lmtp=PORT" line
  std::chrono::milliseconds ready_timeout{20000};
  std::vector<std::string> env;           // extra "NAME=value" environment entries (override inherited ones)
};

class ServerProcess {
 public:
  // Starts the server and waits until its ports file lists imaps (and lmtp if expected). Throws
  // std::runtime_error, with the server's stderr, if it cannot start, exits first, or is not ready in time
  // (it is then killed).
  explicit ServerProcess(ServerOptions options);

  // `sealbox --root ROOT serve --ports-file <own temp dir>/ports [extra_args...]`, binary from $SEALBOX_BIN.
  static std::unique_ptr<ServerProcess> serve(const std::filesystem::path& root, bool expect_lmtp = false,
                                              std::vector<std::string> extra_args = {});

  // stop() if it is still running (errors ignored).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // The reported ports (lmtp_port() is 0 when the server reported none).
  std::uint16_t imaps_port() const { return imaps_port_; }
  std::uint16_t lmtp_port() const { return lmtp_port_; }
  pid_t pid() const { return pid_; }
  // True until the process has exited and been reaped by stop(), kill9() or wait_exit().
  bool running();

  // Sends SIGTERM and waits up to `timeout` for the exit, then SIGKILLs. Returns the exit status: the exit code
  // (0..255), or minus the signal number if a signal ended it (-9 after the SIGKILL). Calling it again returns the
  // same status.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL now (a crash); returns the status as stop() does.
  int kill9();
  // Waits up to `timeout` for the process to exit by itself; its status as stop() gives it, or nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // Everything the server wrote to stderr (its log) and stdout so far. For failure messages.
  std::string log() const;
  std::string out() const;

 private:
  void wait_ready();
  bool reap(bool block);

  ServerOptions options_;
  TempDir dir_;  // captured output (and the ports file of serve())
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::uint16_t imaps_port_ = 0;
  std::uint16_t lmtp_port_ = 0;
};

}  // namespace test_support
