// Runs a child process for tests: feeds stdin, captures stdout and stderr, returns the exit status.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace test_support {

struct ProcessResult {
  int exit_code = -1;     // the exit status, or -1 when killed by a signal
  int signal = 0;         // the terminating signal, if any
  std::string out;
  std::string err;
};

// Runs argv[0] with argv, writing `input` to its stdin. Throws std::runtime_error if it cannot start.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {});

// Starts argv in the background with stdin from /dev/null (or `input_file` if given) and stdout/stderr to
// /dev/null; returns the pid. For kill tests.
pid_t spawn_process(const std::vector<std::string>& argv, const std::string& input_file = {});

// The absolute path of the sealbox binary under test: $SEALBOX_BIN, set by CTest.
std::string sealbox_binary();

}  // namespace test_support
