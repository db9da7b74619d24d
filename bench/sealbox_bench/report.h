// sealbox-bench's reports beyond the text table: the self-contained HTML page (--html, inline SVG charts drawn here,
// no scripts, no external resources) and the --compare ratios between two runs. Pure functions of Results, so they
// are unit-tested without a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/sealbox_bench/results.h"

namespace sealbox_bench {

// Ratios are always second / first ("B/A"): ops/s above 1 means the second server did more; latency, CPU and RSS
// above 1 mean the second server was slower or used more. A ratio is absent (nullopt: "-" in tables, null in JSON)
// when the kind did not run on both servers or the first value is 0.
struct KindRatio {
  std::string kind;
  std::optional<double> ops_per_second, p50, p95, p99;
};

struct Comparison {
  std::vector<KindRatio> kinds;  // every kind of either run, sorted by name
  std::optional<double> total_ops_per_second;
  std::optional<double> cpu_seconds;     // server CPU seconds over the run (both --server-pid and --server-pid2)
  std::optional<double> cpu_per_op;      // server CPU seconds per operation
  std::optional<double> peak_rss;        // peak RSS
};

// second / first, or nullopt when first is not positive or either is absent.
std::optional<double> ratio(std::optional<double> first, std::optional<double> second);
Comparison compare(const Results& first, const Results& second);

// The ratio table for the terminal.
std::string comparison_table(const Comparison& c, const std::string& first_name, const std::string& second_name);
// {"first": run, "second": run, "ratios": {...}}: the --json document of --compare.
std::string comparison_json(const Results& first, const Results& second);

// `text` with & < > " ' replaced by entities, for element content and attribute values alike.
std::string html_escape(std::string_view text);

// SVG charts (inline <svg> elements). One run or several (compare: one bar / one dot row per run and kind, colours
// by run). Ops/s as horizontal bars: each bar is <rect class="ops-bar" data-kind=".." data-run="i" width="W" ...>
// with W = kBarMaxWidth * ops_per_second / the largest ops/s. Latency p50/p95/p99 per kind on a log scale as a dot
// plot. Throughput over time (ops/s per second of the run) as polylines; "" when no run has such a series.
constexpr double kBarMaxWidth = 480;
std::string ops_chart_svg(const std::vector<const Results*>& runs);
std::string latency_chart_svg(const std::vector<const Results*>& runs);
std::string throughput_chart_svg(const std::vector<const Results*>& runs);

// The whole page for one run, or for a comparison of two runs (both tables, the ratios, charts of both).
std::string render_html(const Results& run);
std::string render_compare_html(const Results& first, const Results& second);

}  // namespace sealbox_bench
