#include "bench/sealbox_bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace sealbox_bench {
namespace {

// Run colours (first, second, ...) and the percentile dot colours.
constexpr const char* kRunColours[] = {"#3366cc", "#dc7f1e", "#2a9d5c", "#9b4dca"};
const char* run_colour(std::size_t i) { return kRunColours[i % (sizeof kRunColours / sizeof kRunColours[0])]; }

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string num(double v) { return fmt("%.2f", v); }

std::optional<double> percentile_ms(const Results& r, const std::string& kind, double q) {
  const auto it = r.ops.find(kind);
  if (it == r.ops.end() || it->second.latency_us.empty()) return std::nullopt;
  return it->second.percentile(q) / 1000;
}

std::optional<double> kind_ops_per_second(const Results& r, const std::string& kind) {
  if (r.ops.find(kind) == r.ops.end()) return std::nullopt;
  return r.ops_per_second(kind);
}

std::optional<double> total_ops_per_second(const Results& r) {
  if (r.seconds <= 0) return std::nullopt;
  return static_cast<double>(r.total_ops()) / r.seconds;
}

std::set<std::string> all_kinds(const std::vector<const Results*>& runs) {
  std::set<std::string> kinds;
  for (const Results* r : runs) {
    for (const auto& [kind, s] : r->ops) kinds.insert(kind);
  }
  return kinds;
}

std::string run_label(const Results& r, std::size_t i) {
  return r.name.empty() ? (i == 0 ? std::string("run") : "run " + std::to_string(i + 1)) : r.name;
}

std::string ratio_text(const std::optional<double>& r) { return r ? fmt("%.2f", *r) : std::string("-"); }
std::string ratio_json(const std::optional<double>& r) { return r ? fmt("%.4f", *r) : std::string("null"); }

// A legend row of run names and colours, for charts of more than one run.
std::string legend(const std::vector<const Results*>& runs, double y) {
  if (runs.size() < 2) return "";
  std::ostringstream o;
  double x = 150;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    o << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 10) << "\" width=\"12\" height=\"12\" fill=\""
      << run_colour(i) << "\"/><text x=\"" << num(x + 16) << "\" y=\"" << num(y) << "\">"
      << html_escape(run_label(*runs[i], i)) << "</text>";
    x += 140;
  }
  return o.str();
}

// The per-kind table of one run.
std::string run_table_html(const Results& r) {
  std::ostringstream o;
  o << "<table>\n<tr><th>operation</th><th>count</th><th>ops/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th>"
       "<th>errors</th></tr>\n";
  for (const auto& [kind, s] : r.ops) {
    o << "<tr><td>" << html_escape(kind) << "</td><td>" << (s.ok + s.errors) << "</td><td>"
      << fmt("%.1f", r.ops_per_second(kind)) << "</td><td>" << num(s.percentile(0.5) / 1000) << "</td><td>"
      << num(s.percentile(0.95) / 1000) << "</td><td>" << num(s.percentile(0.99) / 1000) << "</td><td>" << s.errors
      << "</td></tr>\n";
  }
  o << "</table>\n<p>Total " << r.total_ops() << " operations in " << fmt("%.1f", r.seconds) << " s ("
    << fmt("%.1f", total_ops_per_second(r).value_or(0)) << " ops/s), " << r.total_errors() << " errors, "
    << "<strong>" << r.inconsistencies << " inconsistencies</strong>.</p>\n";
  if (r.server) {
    o << "<p>Server: " << num(r.server->cpu_seconds) << " CPU seconds ("
      << fmt("%.0f", r.seconds > 0 ? 100 * r.server->cpu_seconds / r.seconds : 0) << "% of one core), peak RSS "
      << fmt("%.1f", static_cast<double>(r.server->peak_rss_kib) / 1024) << " MiB.</p>\n";
  } else {
    o << "<p>Server CPU and RSS: not measured (no server pid).</p>\n";
  }
  return o.str();
}

std::string samples_html(const char* title, const std::vector<std::string>& samples) {
  if (samples.empty()) return "";
  std::ostringstream o;
  o << "<h3>" << title << "</h3>\n<ul>\n";
  for (const auto& s : samples) o << "<li><code>" << html_escape(s) << "</code></li>\n";
  o << "</ul>\n";
  return o.str();
}

std::string parameters_html(const Results& r) {
  std::ostringstream o;
  o << "<table class=\"params\">\n<tr><th>IMAP</th><td>" << html_escape(r.imap) << "</td></tr>\n";
  if (!r.lmtp.empty()) o << "<tr><th>LMTP</th><td>" << html_escape(r.lmtp) << "</td></tr>\n";
  o << "<tr><th>users &times; connections</th><td>" << r.users << " &times; " << r.connections << "</td></tr>\n";
  for (const auto& [key, value] : r.parameters) {
    o << "<tr><th>" << html_escape(key) << "</th><td>" << html_escape(value) << "</td></tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
         "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;max-width:1100px}\n"
         "table{border-collapse:collapse;margin:0.5em 0}\nth,td{border:1px solid #bbb;padding:2px 8px;"
         "text-align:right}\ntd:first-child,th:first-child{text-align:left}\n.params td{text-align:left}\n"
         "svg{font-size:12px;font-family:sans-serif}\n</style>\n</head>\n<body>\n<h1>" +
         html_escape(title) + "</h1>\n" + body + "</body>\n</html>\n";
}

std::string charts_html(const std::vector<const Results*>& runs) {
  std::string o = "<h2>Operations per second</h2>\n" + ops_chart_svg(runs) +
                  "<h2>Latency p50 / p95 / p99 (ms, log scale)</h2>\n" + latency_chart_svg(runs);
  const std::string tp = throughput_chart_svg(runs);
  if (!tp.empty()) o += "<h2>Throughput over time (all operations, ops/s)</h2>\n" + tp;
  return o;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<double> ratio(std::optional<double> first, std::optional<double> second) {
  if (!first || !second || *first <= 0) return std::nullopt;
  return *second / *first;
}

Comparison compare(const Results& first, const Results& second) {
  Comparison c;
  for (const auto& kind : all_kinds({&first, &second})) {
    KindRatio k;
    k.kind = kind;
    k.ops_per_second = ratio(kind_ops_per_second(first, kind), kind_ops_per_second(second, kind));
    k.p50 = ratio(percentile_ms(first, kind, 0.50), percentile_ms(second, kind, 0.50));
    k.p95 = ratio(percentile_ms(first, kind, 0.95), percentile_ms(second, kind, 0.95));
    k.p99 = ratio(percentile_ms(first, kind, 0.99), percentile_ms(second, kind, 0.99));
    c.kinds.push_back(k);
  }
  c.total_ops_per_second = ratio(total_ops_per_second(first), total_ops_per_second(second));
  if (first.server && second.server) {
    c.cpu_seconds = ratio(first.server->cpu_seconds, second.server->cpu_seconds);
    auto per_op = [](const Results& r) -> std::optional<double> {
      if (r.total_ops() == 0) return std::nullopt;
      return r.server->cpu_seconds / static_cast<double>(r.total_ops());
    };
    c.cpu_per_op = ratio(per_op(first), per_op(second));
    c.peak_rss =
        ratio(static_cast<double>(first.server->peak_rss_kib), static_cast<double>(second.server->peak_rss_kib));
  }
  return c;
}

std::string comparison_table(const Comparison& c, const std::string& first_name, const std::string& second_name) {
  std::ostringstream o;
  o << "ratios " << second_name << "/" << first_name << " (ops/s > 1: " << second_name
    << " did more; latency, CPU, RSS > 1: " << second_name << " was slower or used more)\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-16s %9s %9s %9s %9s\n", "operation", "ops/s", "p50", "p95", "p99");
  o << line;
  for (const auto& k : c.kinds) {
    std::snprintf(line, sizeof line, "%-16s %9s %9s %9s %9s\n", k.kind.c_str(), ratio_text(k.ops_per_second).c_str(),
                  ratio_text(k.p50).c_str(), ratio_text(k.p95).c_str(), ratio_text(k.p99).c_str());
    o << line;
  }
  o << "total ops/s: " << ratio_text(c.total_ops_per_second) << ", server CPU s: " << ratio_text(c.cpu_seconds)
    << ", CPU per op: " << ratio_text(c.cpu_per_op) << ", peak RSS: " << ratio_text(c.peak_rss) << "\n";
  return o.str();
}

std::string comparison_json(const Results& first, const Results& second) {
  const Comparison c = compare(first, second);
  auto trim = [](std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  };
  std::ostringstream o;
  o << "{\n\"first\": " << trim(first.to_json()) << ",\n\"second\": " << trim(second.to_json())
    << ",\n\"ratios\": {\n  \"direction\": \"second/first\",\n  \"ops\": {";
  for (std::size_t i = 0; i < c.kinds.size(); ++i) {
    const auto& k = c.kinds[i];
    o << (i ? ",\n" : "\n") << "    " << json_quote(k.kind) << ": {\"ops_per_second\": " << ratio_json(k.ops_per_second)
      << ", \"p50\": " << ratio_json(k.p50) << ", \"p95\": " << ratio_json(k.p95) << ", \"p99\": " << ratio_json(k.p99)
      << "}";
  }
  o << "\n  },\n  \"total_ops_per_second\": " << ratio_json(c.total_ops_per_second)
    << ",\n  \"cpu_seconds\": " << ratio_json(c.cpu_seconds) << ",\n  \"cpu_per_op\": " << ratio_json(c.cpu_per_op)
    << ",\n  \"peak_rss\": " << ratio_json(c.peak_rss) << "\n}\n}\n";
  return o.str();
}

std::string ops_chart_svg(const std::vector<const Results*>& runs) {
  const auto kinds = all_kinds(runs);
  double max_ops = 0;
  for (const Results* r : runs) {
    for (const auto& kind : kinds) max_ops = std::max(max_ops, r->ops_per_second(kind));
  }
  constexpr double left = 130, bar_h = 14, gap = 8, top = 24;
  const double group_h = static_cast<double>(runs.size()) * bar_h + gap;
  const double height = top + static_cast<double>(kinds.size()) * group_h + 10;
  const double width = left + kBarMaxWidth + 90;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ops-chart\" width=\"" << num(width) << "\" height=\""
    << num(height) << "\" viewBox=\"0 0 " << num(width) << " " << num(height) << "\">\n"
    << legend(runs, 14) << "\n";
  double y = top;
  for (const auto& kind : kinds) {
    o << "<text x=\"" << num(left - 6) << "\" y=\"" << num(y + bar_h * static_cast<double>(runs.size()) / 2 + 4)
      << "\" text-anchor=\"end\">" << html_escape(kind) << "</text>\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const double ops = runs[i]->ops_per_second(kind);
      const double w = max_ops > 0 ? kBarMaxWidth * ops / max_ops : 0;
      o << "<rect class=\"ops-bar\" data-kind=\"" << html_escape(kind) << "\" data-run=\"" << i << "\" x=\""
        << num(left) << "\" y=\"" << num(y) << "\" width=\"" << num(w) << "\" height=\"" << num(bar_h - 2)
        << "\" fill=\"" << run_colour(i) << "\"><title>" << html_escape(run_label(*runs[i], i)) << " "
        << html_escape(kind) << ": " << fmt("%.1f", ops) << " ops/s</title></rect>"
        << "<text x=\"" << num(left + w + 4) << "\" y=\"" << num(y + bar_h - 4) << "\">" << fmt("%.1f", ops)
        << "</text>\n";
      y += bar_h;
    }
    y += gap;
  }
  o << "</svg>\n";
  return o.str();
}

std::string latency_chart_svg(const std::vector<const Results*>& runs) {
  const auto kinds = all_kinds(runs);
  // Log scale over whole decades covering every p50..p99 (ms), at least 0.01..1 ms.
  double lo = 1e9, hi = 0;
  for (const Results* r : runs) {
    for (const auto& kind : kinds) {
      for (double q : {0.5, 0.95, 0.99}) {
        if (auto v = percentile_ms(*r, kind, q); v && *v > 0) {
          lo = std::min(lo, *v);
          hi = std::max(hi, *v);
        }
      }
    }
  }
  if (hi <= 0) lo = hi = 1;
  const double d_lo = std::min(std::floor(std::log10(lo)), -2.0), d_hi = std::max(std::ceil(std::log10(hi)), 0.0);
  constexpr double left = 130, plot_w = kBarMaxWidth, row_h = 14, gap = 8, top = 40;
  auto x_of = [&](double ms) {
    const double l = std::log10(std::max(ms, std::pow(10.0, d_lo)));
    return left + plot_w * (l - d_lo) / std::max(1.0, d_hi - d_lo);
  };
  const double group_h = static_cast<double>(runs.size()) * row_h + gap;
  const double height = top + static_cast<double>(kinds.size()) * group_h + 10;
  const double width = left + plot_w + 90;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"latency-chart\" width=\"" << num(width) << "\" height=\""
    << num(height) << "\" viewBox=\"0 0 " << num(width) << " " << num(height) << "\">\n"
    << legend(runs, 14) << "\n"
    << "<circle cx=\"" << num(left + plot_w + 14) << "\" cy=\"10\" r=\"4\" fill=\"white\" stroke=\"black\"/>"
    << "<text x=\"" << num(left + plot_w + 22) << "\" y=\"14\">p50</text>"
    << "<circle cx=\"" << num(left + plot_w + 14) << "\" cy=\"24\" r=\"4\" fill=\"grey\" stroke=\"black\"/>"
    << "<text x=\"" << num(left + plot_w + 22) << "\" y=\"28\">p95</text>"
    << "<circle cx=\"" << num(left + plot_w + 14) << "\" cy=\"38\" r=\"4\" fill=\"black\" stroke=\"black\"/>"
    << "<text x=\"" << num(left + plot_w + 22) << "\" y=\"42\">p99</text>\n";
  for (double d = d_lo; d <= d_hi; d += 1) {
    const double x = x_of(std::pow(10.0, d));
    o << "<line x1=\"" << num(x) << "\" y1=\"" << num(top - 6) << "\" x2=\"" << num(x) << "\" y2=\"" << num(height - 8)
      << "\" stroke=\"#ddd\"/><text x=\"" << num(x) << "\" y=\"" << num(top - 10) << "\" text-anchor=\"middle\">"
      << fmt("%g", std::pow(10.0, d)) << "</text>\n";
  }
  double y = top;
  for (const auto& kind : kinds) {
    o << "<text x=\"" << num(left - 6) << "\" y=\"" << num(y + row_h * static_cast<double>(runs.size()) / 2 + 4)
      << "\" text-anchor=\"end\">" << html_escape(kind) << "</text>\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto p50 = percentile_ms(*runs[i], kind, 0.50), p95 = percentile_ms(*runs[i], kind, 0.95),
                 p99 = percentile_ms(*runs[i], kind, 0.99);
      const double cy = y + row_h / 2;
      if (p50 && p95 && p99) {
        o << "<g class=\"latency-row\" data-kind=\"" << html_escape(kind) << "\" data-run=\"" << i << "\"><title>"
          << html_escape(run_label(*runs[i], i)) << " " << html_escape(kind) << ": p50 " << num(*p50) << " ms, p95 "
          << num(*p95) << " ms, p99 " << num(*p99) << " ms</title><line x1=\"" << num(x_of(*p50)) << "\" y1=\""
          << num(cy) << "\" x2=\"" << num(x_of(*p99)) << "\" y2=\"" << num(cy) << "\" stroke=\"" << run_colour(i)
          << "\" stroke-width=\"2\"/>";
        const char* fills[] = {"white", "grey", "black"};
        const double values[] = {*p50, *p95, *p99};
        for (int p = 0; p < 3; ++p) {
          o << "<circle cx=\"" << num(x_of(values[p])) << "\" cy=\"" << num(cy) << "\" r=\"4\" fill=\"" << fills[p]
            << "\" stroke=\"" << run_colour(i) << "\"/>";
        }
        o << "</g>\n";
      }
      y += row_h;
    }
    y += gap;
  }
  o << "</svg>\n";
  return o.str();
}

std::string throughput_chart_svg(const std::vector<const Results*>& runs) {
  std::size_t n = 0;
  double max_v = 0;
  for (const Results* r : runs) {
    n = std::max(n, r->throughput.size());
    for (double v : r->throughput) max_v = std::max(max_v, v);
  }
  if (n == 0) return "";
  if (max_v <= 0) max_v = 1;
  constexpr double left = 60, plot_w = kBarMaxWidth + 100, plot_h = 200, top = 30;
  const double width = left + plot_w + 30, height = top + plot_h + 40;
  auto x_of = [&](std::size_t i) { return left + plot_w * static_cast<double>(i + 1) / static_cast<double>(n); };
  auto y_of = [&](double v) { return top + plot_h * (1 - v / max_v); };
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"throughput-chart\" width=\"" << num(width) << "\" height=\""
    << num(height) << "\" viewBox=\"0 0 " << num(width) << " " << num(height) << "\">\n"
    << legend(runs, 14) << "\n"
    << "<line x1=\"" << num(left) << "\" y1=\"" << num(top + plot_h) << "\" x2=\"" << num(left + plot_w) << "\" y2=\""
    << num(top + plot_h) << "\" stroke=\"black\"/><line x1=\"" << num(left) << "\" y1=\"" << num(top) << "\" x2=\""
    << num(left) << "\" y2=\"" << num(top + plot_h) << "\" stroke=\"black\"/>\n"
    << "<text x=\"" << num(left - 4) << "\" y=\"" << num(top + 4) << "\" text-anchor=\"end\">" << fmt("%.0f", max_v)
    << "</text><text x=\"" << num(left - 4) << "\" y=\"" << num(top + plot_h) << "\" text-anchor=\"end\">0</text>\n"
    << "<text x=\"" << num(left + plot_w) << "\" y=\"" << num(top + plot_h + 16) << "\" text-anchor=\"end\">" << n
    << " s</text>\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i]->throughput.empty()) continue;
    o << "<polyline class=\"throughput\" data-run=\"" << i << "\" fill=\"none\" stroke=\"" << run_colour(i)
      << "\" stroke-width=\"2\" points=\"";
    for (std::size_t t = 0; t < runs[i]->throughput.size(); ++t) {
      o << (t ? " " : "") << num(x_of(t)) << "," << num(y_of(runs[i]->throughput[t]));
    }
    o << "\"/>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string render_html(const Results& run) {
  const std::string title = "sealbox-bench: " + (run.name.empty() ? run.imap : run.name + " (" + run.imap + ")");
  std::string body = "<h2>Parameters</h2>\n" + parameters_html(run) + "<h2>Results</h2>\n" + run_table_html(run) +
                     samples_html("Inconsistencies (first ones)", run.inconsistency_samples) +
                     samples_html("Errors (first ones)", run.error_samples) + charts_html({&run});
  return page(title, body);
}

std::string render_compare_html(const Results& first, const Results& second) {
  const std::string a = run_label(first, 0), b = run_label(second, 1);
  const Comparison c = compare(first, second);
  std::ostringstream o;
  o << "<p>The same workload (options and seeds) run against " << html_escape(a) << ", then " << html_escape(b)
    << ". Ratios are <strong>" << html_escape(b) << " / " << html_escape(a) << "</strong>: ops/s above 1 means "
    << html_escape(b) << " did more; latency, CPU and RSS above 1 mean " << html_escape(b)
    << " was slower or used more; &ldquo;-&rdquo; when a kind did not run on both or the " << html_escape(a)
    << " value is 0.</p>\n<h2>Ratios " << html_escape(b) << " / " << html_escape(a) << "</h2>\n"
    << "<table class=\"ratios\">\n<tr><th>operation</th><th>ops/s</th><th>p50</th><th>p95</th><th>p99</th></tr>\n";
  for (const auto& k : c.kinds) {
    o << "<tr><td>" << html_escape(k.kind) << "</td><td>" << ratio_text(k.ops_per_second) << "</td><td>"
      << ratio_text(k.p50) << "</td><td>" << ratio_text(k.p95) << "</td><td>" << ratio_text(k.p99) << "</td></tr>\n";
  }
  o << "<tr><td>total</td><td>" << ratio_text(c.total_ops_per_second) << "</td><td></td><td></td><td></td></tr>\n"
    << "</table>\n<p>Server CPU seconds: " << ratio_text(c.cpu_seconds) << "; CPU per operation: "
    << ratio_text(c.cpu_per_op) << "; peak RSS: " << ratio_text(c.peak_rss) << ".</p>\n";
  for (const Results* r : {&first, &second}) {
    const std::string label = r == &first ? a : b;
    o << "<h2>" << html_escape(label) << "</h2>\n<h3>Parameters</h3>\n" << parameters_html(*r) << "<h3>Results</h3>\n"
      << run_table_html(*r) << samples_html("Inconsistencies (first ones)", r->inconsistency_samples)
      << samples_html("Errors (first ones)", r->error_samples);
  }
  o << charts_html({&first, &second});
  return page("sealbox-bench: " + a + " vs " + b, o.str());
}

}  // namespace sealbox_bench
