// The load run: workers (one thread per simulated IMAP connection), an optional LMTP sender thread, a progress
// line, and the collection of results. run_load() blocks until the run ends (duration or operation count reached).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/sealbox_bench/net_stream.h"
#include "bench/sealbox_bench/results.h"

namespace sealbox_bench {

// The IMAP operation kinds a mix may name, in a fixed order.
const std::vector<std::string>& mix_kinds();

// "select=1,fetch_flags=5" -> weights. Unknown kinds, bad numbers, or an all-zero mix: nullopt and `error`.
std::optional<std::vector<std::pair<std::string, unsigned>>> parse_mix(const std::string& text, std::string& error);
// "10s", "500ms", "2m", "3" (seconds). nullopt on syntax errors.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
// "20/s", "20" (per second), "600/m". nullopt on syntax errors.
std::optional<double> parse_rate(const std::string& text);
// Replaces every "{n}" in `pattern` by n.
std::string expand_pattern(const std::string& pattern, unsigned n);

struct LoadConfig {
  Endpoint imap;
  TlsOptions tls;
  std::optional<Endpoint> lmtp;
  double lmtp_rate = 0;             // deliveries per second
  std::string lmtp_domain = "localhost";
  unsigned users = 1;
  unsigned connections = 1;         // per user
  std::string user_pattern = "user{n}";
  std::string password_pattern = "pw{n}";
  unsigned first_user = 1;          // {n} of the first user
  std::vector<std::pair<std::string, unsigned>> mix;
  std::chrono::milliseconds duration{10000};
  std::uint64_t max_ops = 100000;
  unsigned prefill = 50;            // APPEND until INBOX has this many messages before the run
  std::size_t message_bytes = 4096;
  unsigned sync_every = 4;          // NOOP + consistency check after every this many operations
  std::chrono::milliseconds idle_wait{1000};
  bool progress = false;
  std::optional<int> server_pid;
};

// Runs the load and returns the results. Setup failures (cannot log in, cannot prefill) return an error text in
// `error` and no results.
std::optional<Results> run_load(const LoadConfig& config, std::string& error);

}  // namespace sealbox_bench
