// Results of one sealbox-bench run: per operation kind, the count, errors and latency samples; the server's CPU
// time and peak RSS when measured; the consistency checker's findings. Serialises to JSON (the input of the later
// report and --compare steps). OpStats is not thread-safe: each worker fills its own and they are merged at the end.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sealbox_bench {

struct OpStats {
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::vector<double> latency_us;  // one per completed operation (ok or error)
  void merge(const OpStats& other);
  // Latency at quantile q (0..1) in microseconds, nearest rank on a sorted copy; 0 when empty.
  double percentile(double q) const;
};

struct ServerUsage {
  double cpu_seconds = 0;       // utime+stime delta over the run
  std::uint64_t peak_rss_kib = 0;  // VmHWM at the end
};

struct Results {
  std::string name;                 // the server's name in reports ("A", "B", --name); "" for a single run
  std::vector<std::pair<std::string, std::string>> parameters;  // the run's options as given, for reports
  std::string imap;                 // HOST:PORT
  std::string lmtp;                 // HOST:PORT or ""
  unsigned users = 0;
  unsigned connections = 0;         // per user
  double seconds = 0;               // measured run time
  std::map<std::string, OpStats> ops;  // by kind
  std::vector<std::string> error_samples;  // first errors, for the operator
  std::uint64_t inconsistencies = 0;
  std::vector<std::string> inconsistency_samples;
  std::optional<ServerUsage> server;
  std::vector<double> throughput;   // operations completed in each ~1 s of the run, as ops/s (progress ticks)

  std::uint64_t total_ops() const;
  // Operations of `kind` (ok + errors) per second of the run; 0 when the kind is absent.
  double ops_per_second(const std::string& kind) const;
  std::uint64_t total_errors() const;
  std::string to_json() const;
  // The human table: ops/s, p50/p95/p99 (ms), errors per kind, then totals and server usage.
  std::string to_table() const;
};

// `s` as a JSON string literal (quotes included, control characters escaped).
std::string json_quote(const std::string& s);

// Reads utime+stime (seconds) from /proc/PID/stat; nullopt if unreadable.
std::optional<double> process_cpu_seconds(int pid);
// Reads VmHWM (KiB) from /proc/PID/status; nullopt if unreadable.
std::optional<std::uint64_t> process_peak_rss_kib(int pid);

}  // namespace sealbox_bench
