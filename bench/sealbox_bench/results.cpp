#include "bench/sealbox_bench/results.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace sealbox_bench {
std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {

std::string json_string(const std::string& s) { return json_quote(s); }

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + json_string(items[i]);
  return out + "]";
}

}  // namespace

void OpStats::merge(const OpStats& other) {
  ok += other.ok;
  errors += other.errors;
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
}

double OpStats::percentile(double q) const {
  if (latency_us.empty()) return 0;
  std::vector<double> sorted = latency_us;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::uint64_t Results::total_ops() const {
  std::uint64_t n = 0;
  for (const auto& [kind, s] : ops) n += s.ok + s.errors;
  return n;
}

std::uint64_t Results::total_errors() const {
  std::uint64_t n = 0;
  for (const auto& [kind, s] : ops) n += s.errors;
  return n;
}

double Results::ops_per_second(const std::string& kind) const {
  const auto it = ops.find(kind);
  if (it == ops.end() || seconds <= 0) return 0;
  return static_cast<double>(it->second.ok + it->second.errors) / seconds;
}

std::string Results::to_json() const {
  std::ostringstream o;
  o << "{\n  \"name\": " << json_string(name) << ",\n  \"parameters\": {";
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    o << (i ? ", " : "") << json_string(parameters[i].first) << ": " << json_string(parameters[i].second);
  }
  o << "},\n  \"imap\": " << json_string(imap) << ",\n  \"lmtp\": " << json_string(lmtp) << ",\n  \"users\": " << users
    << ",\n  \"connections_per_user\": " << connections << ",\n  \"seconds\": " << number(seconds)
    << ",\n  \"total_ops\": " << total_ops() << ",\n  \"errors\": " << total_errors()
    << ",\n  \"inconsistencies\": " << inconsistencies << ",\n  \"ops\": {";
  bool first = true;
  for (const auto& [kind, s] : ops) {
    o << (first ? "\n" : ",\n") << "    " << json_string(kind) << ": {\"ok\": " << s.ok << ", \"errors\": " << s.errors
      << ", \"ops_per_second\": " << number(seconds > 0 ? static_cast<double>(s.ok + s.errors) / seconds : 0)
      << ", \"p50_ms\": " << number(s.percentile(0.50) / 1000) << ", \"p95_ms\": " << number(s.percentile(0.95) / 1000)
      << ", \"p99_ms\": " << number(s.percentile(0.99) / 1000) << "}";
    first = false;
  }
  o << "\n  },\n  \"error_samples\": " << string_list(error_samples)
    << ",\n  \"inconsistency_samples\": " << string_list(inconsistency_samples);
  if (server) {
    o << ",\n  \"server\": {\"cpu_seconds\": " << number(server->cpu_seconds)
      << ", \"peak_rss_kib\": " << server->peak_rss_kib << "}";
  }
  o << ",\n  \"throughput_per_second\": [";
  for (std::size_t i = 0; i < throughput.size(); ++i) o << (i ? ", " : "") << number(throughput[i]);
  o << "]\n}\n";
  return o.str();
}

std::string Results::to_table() const {
  std::ostringstream o;
  char line[160];
  std::snprintf(line, sizeof line, "%-16s %10s %9s %9s %9s %9s %7s\n", "operation", "count", "ops/s", "p50 ms",
                "p95 ms", "p99 ms", "errors");
  o << line;
  for (const auto& [kind, s] : ops) {
    const std::uint64_t n = s.ok + s.errors;
    std::snprintf(line, sizeof line, "%-16s %10llu %9.1f %9.2f %9.2f %9.2f %7llu\n", kind.c_str(),
                  static_cast<unsigned long long>(n), seconds > 0 ? static_cast<double>(n) / seconds : 0,
                  s.percentile(0.5) / 1000, s.percentile(0.95) / 1000, s.percentile(0.99) / 1000,
                  static_cast<unsigned long long>(s.errors));
    o << line;
  }
  std::snprintf(line, sizeof line, "total: %llu operations in %.1f s (%.1f ops/s), %llu errors, %llu inconsistencies\n",
                static_cast<unsigned long long>(total_ops()), seconds,
                seconds > 0 ? static_cast<double>(total_ops()) / seconds : 0,
                static_cast<unsigned long long>(total_errors()), static_cast<unsigned long long>(inconsistencies));
  o << line;
  if (server) {
    std::snprintf(line, sizeof line, "server: %.2f CPU seconds (%.0f%% of one core), peak RSS %.1f MiB\n",
                  server->cpu_seconds, seconds > 0 ? 100 * server->cpu_seconds / seconds : 0,
                  static_cast<double>(server->peak_rss_kib) / 1024);
    o << line;
  }
  for (const auto& e : error_samples) o << "error: " << e << "\n";
  for (const auto& e : inconsistency_samples) o << "inconsistency: " << e << "\n";
  return o.str();
}

std::optional<double> process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
  const auto close = all.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(all.substr(close + 2));
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  if (!fields) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::optional<std::uint64_t> process_peak_rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6));
  }
  return std::nullopt;
}

}  // namespace sealbox_bench
