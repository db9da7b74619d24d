// sealbox-bench's reports (bench/sealbox_bench/report.h): the HTML page's structure and escaping, the ops/s bars
// (one per kind and run, width proportional to ops/s), the --compare ratios (second/first, absent kinds and zeros)
// and the comparison JSON.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "bench/sealbox_bench/report.h"

using namespace sealbox_bench;

namespace {

OpStats stats(std::uint64_t ok, std::uint64_t errors, std::vector<double> latency_us) {
  OpStats s;
  s.ok = ok;
  s.errors = errors;
  s.latency_us = std::move(latency_us);
  return s;
}

Results sample_run() {
  Results r;
  r.imap = "127.0.0.1:993";
  r.users = 2;
  r.connections = 3;
  r.seconds = 10;
  r.ops["select"] = stats(100, 0, {1000, 2000, 3000, 4000});  // 10 ops/s
  r.ops["fetch_flags"] = stats(395, 5, {100, 200, 300});     // 40 ops/s
  r.ops["append"] = stats(200, 0, {10000, 20000, 50000});    // 20 ops/s
  r.server = ServerUsage{2.5, 40960};
  r.throughput = {70, 72, 68};
  r.parameters = {{"mix", "select=1"}, {"duration", "10s"}};
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The attribute `name` of the element starting at `at` (up to its '>').
std::string attribute(const std::string& text, std::size_t at, const std::string& name) {
  const auto end = text.find('>', at);
  const auto a = text.find(" " + name + "=\"", at);
  if (a == std::string::npos || a > end) return "";
  const auto begin = a + name.size() + 3;
  return text.substr(begin, text.find('"', begin) - begin);
}

// kind -> bar widths (in run order) of every <rect class="ops-bar"> in `svg`.
std::map<std::string, std::vector<double>> bars(const std::string& svg) {
  std::map<std::string, std::vector<double>> out;
  for (auto at = svg.find("<rect class=\"ops-bar\""); at != std::string::npos;
       at = svg.find("<rect class=\"ops-bar\"", at + 1)) {
    out[attribute(svg, at, "data-kind")].push_back(std::stod(attribute(svg, at, "width")));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(html_escape_replaces_markup_characters) {
  BOOST_TEST(html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  BOOST_TEST(html_escape("plain text") == "plain text");
  BOOST_TEST(html_escape("") == "");
}

BOOST_AUTO_TEST_CASE(page_is_self_contained_and_complete) {
  const std::string html = render_html(sample_run());
  BOOST_TEST(html.starts_with("<!DOCTYPE html>"));
  BOOST_TEST(count(html, "<html") == 1u);
  BOOST_TEST(count(html, "</html>") == 1u);
  BOOST_TEST(count(html, "<body>") == 1u);
  BOOST_TEST(count(html, "</body>") == 1u);
  BOOST_TEST(count(html, "<svg") == count(html, "</svg>"));
  BOOST_TEST(count(html, "<svg") == 3u);  // ops/s, latency, throughput over time
  BOOST_TEST(count(html, "<table") == count(html, "</table>"));
  BOOST_TEST(count(html, "<tr>") == count(html, "</tr>"));
  // No scripts, no external resources (the SVG namespace URI is not a fetch).
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("src=") == std::string::npos);
  BOOST_TEST(html.find("href=") == std::string::npos);
  BOOST_TEST(html.find("@import") == std::string::npos);
  // Parameters, table rows, totals, server usage.
  BOOST_TEST(html.find("127.0.0.1:993") != std::string::npos);
  BOOST_TEST(html.find("<td>select=1</td>") != std::string::npos);
  BOOST_TEST(html.find("<tr><td>fetch_flags</td><td>400</td><td>40.0</td><td>0.20</td><td>0.30</td><td>0.30</td>"
                       "<td>5</td></tr>") != std::string::npos,
             html);
  BOOST_TEST(html.find("2.50 CPU seconds (25% of one core), peak RSS 40.0 MiB") != std::string::npos);
  BOOST_TEST(html.find("0 inconsistencies") != std::string::npos);
  // Without a server pid the page says so.
  Results r = sample_run();
  r.server.reset();
  r.throughput.clear();
  const std::string html2 = render_html(r);
  BOOST_TEST(html2.find("not measured") != std::string::npos);
  BOOST_TEST(count(html2, "<svg") == 2u);  // no time series, no throughput chart
}

BOOST_AUTO_TEST_CASE(hostile_names_are_escaped) {
  Results r = sample_run();
  const std::string evil = "<script>alert(\"x\")</script>&'";
  r.ops[evil] = stats(1, 0, {10});
  r.name = evil;
  r.imap = evil;
  r.parameters.emplace_back(evil, evil);
  r.inconsistencies = 1;
  r.inconsistency_samples = {evil};
  r.error_samples = {evil};
  for (const std::string& html : {render_html(r), render_compare_html(r, sample_run())}) {
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("\"x\"") == std::string::npos);
    BOOST_TEST(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(one_bar_per_kind_proportional_to_ops_per_second) {
  const Results r = sample_run();
  const auto b = bars(ops_chart_svg({&r}));
  BOOST_REQUIRE_EQUAL(b.size(), 3u);
  for (const auto& [kind, widths] : b) {
    BOOST_REQUIRE_EQUAL(widths.size(), 1u);
    BOOST_TEST(std::abs(widths[0] - kBarMaxWidth * r.ops_per_second(kind) / 40.0) < 0.01, kind);
  }
  BOOST_TEST(std::abs(b.at("fetch_flags")[0] - kBarMaxWidth) < 0.01);
  BOOST_TEST(std::abs(b.at("select")[0] - kBarMaxWidth / 4) < 0.01);
  BOOST_TEST(std::abs(b.at("append")[0] - kBarMaxWidth / 2) < 0.01);

  // Two runs: one bar per kind and run, scaled to the largest of both; a kind absent from a run has width 0.
  Results second = sample_run();
  second.ops["idle"] = stats(800, 0, {5000});  // 80 ops/s: the new maximum
  const auto b2 = bars(ops_chart_svg({&r, &second}));
  BOOST_REQUIRE_EQUAL(b2.size(), 4u);
  for (const auto& [kind, widths] : b2) BOOST_TEST(widths.size() == 2u, kind);
  BOOST_TEST(std::abs(b2.at("idle")[1] - kBarMaxWidth) < 0.01);
  BOOST_TEST(b2.at("idle")[0] == 0.0);
  BOOST_TEST(std::abs(b2.at("fetch_flags")[0] - kBarMaxWidth / 2) < 0.01);
}

BOOST_AUTO_TEST_CASE(latency_chart_has_a_row_per_kind_and_run) {
  const Results r = sample_run();
  const std::string svg = latency_chart_svg({&r, &r});
  BOOST_TEST(count(svg, "class=\"latency-row\"") == 6u);
  BOOST_TEST(count(svg, "<circle") == 6u * 3 + 3);  // p50/p95/p99 per row, plus the legend
}

BOOST_AUTO_TEST_CASE(ratios_are_second_over_first) {
  Results first = sample_run(), second = sample_run();
  second.seconds = 5;                                   // the same counts in half the time: twice the ops/s
  second.ops["select"] = stats(100, 0, {2000, 4000, 6000, 8000});  // latencies doubled
  second.ops.erase("append");                           // absent from the second run
  second.ops["idle"] = stats(10, 0, {1000});            // absent from the first run
  first.ops["search"] = stats(0, 0, {});                // present but never ran (0 ops/s, no latencies)
  second.ops["search"] = stats(10, 0, {500});
  second.server = ServerUsage{10.0, 81920};
  const Comparison c = compare(first, second);
  std::map<std::string, KindRatio> by_kind;
  for (const auto& k : c.kinds) by_kind[k.kind] = k;
  BOOST_REQUIRE_EQUAL(by_kind.size(), 5u);
  BOOST_TEST(std::abs(*by_kind["select"].ops_per_second - 2.0) < 1e-9);
  BOOST_TEST(std::abs(*by_kind["select"].p50 - 2.0) < 1e-9);
  BOOST_TEST(std::abs(*by_kind["select"].p99 - 2.0) < 1e-9);
  BOOST_TEST(std::abs(*by_kind["fetch_flags"].p95 - 1.0) < 1e-9);
  BOOST_TEST(!by_kind["append"].ops_per_second.has_value());
  BOOST_TEST(!by_kind["append"].p50.has_value());
  BOOST_TEST(!by_kind["idle"].ops_per_second.has_value());
  BOOST_TEST(!by_kind["idle"].p99.has_value());
  BOOST_TEST(!by_kind["search"].ops_per_second.has_value());  // first is 0
  BOOST_TEST(!by_kind["search"].p50.has_value());
  // Totals: first 700 ops / 10 s, second 520 ops / 5 s.
  BOOST_TEST(std::abs(*c.total_ops_per_second - (520.0 / 5) / (700.0 / 10)) < 1e-9);
  BOOST_TEST(std::abs(*c.cpu_seconds - 4.0) < 1e-9);
  BOOST_TEST(std::abs(*c.cpu_per_op - (10.0 / 520) / (2.5 / 700)) < 1e-9);
  BOOST_TEST(std::abs(*c.peak_rss - 2.0) < 1e-9);
  // Without both server pids there are no CPU/RSS ratios.
  second.server.reset();
  const Comparison c2 = compare(first, second);
  BOOST_TEST(!c2.cpu_seconds.has_value());
  BOOST_TEST(!c2.peak_rss.has_value());
  BOOST_TEST(!ratio(0.0, 1.0).has_value());
  BOOST_TEST(!ratio(std::nullopt, 1.0).has_value());
  BOOST_TEST(*ratio(4.0, 1.0) == 0.25);

  const std::string table = comparison_table(c, "A", "B");
  BOOST_TEST(table.find("ratios B/A") != std::string::npos, table);
  BOOST_TEST(table.find("peak RSS: 2.00") != std::string::npos, table);
}

BOOST_AUTO_TEST_CASE(comparison_json_has_both_runs_and_ratios) {
  Results first = sample_run(), second = sample_run();
  first.name = "A";
  second.name = "B\"x";
  second.ops.erase("append");
  const std::string json = comparison_json(first, second);
  BOOST_TEST(json.find("\"first\": {") != std::string::npos, json);
  BOOST_TEST(json.find("\"second\": {") != std::string::npos, json);
  BOOST_TEST(json.find("\"name\": \"B\\\"x\"") != std::string::npos, json);
  BOOST_TEST(json.find("\"direction\": \"second/first\"") != std::string::npos, json);
  BOOST_TEST(json.find("\"append\": {\"ops_per_second\": null, \"p50\": null, \"p95\": null, \"p99\": null}") !=
                 std::string::npos,
             json);
  BOOST_TEST(json.find("\"select\": {\"ops_per_second\": 1.0000, \"p50\": 1.0000") != std::string::npos, json);
  BOOST_TEST(json.find("\"peak_rss\": 1.0000") != std::string::npos, json);
  BOOST_TEST(count(json, "{") == count(json, "}"));
}

BOOST_AUTO_TEST_CASE(compare_page_shows_both_runs_and_ratios) {
  Results first = sample_run(), second = sample_run();
  first.name = "sealbox";
  second.name = "dovecot";
  second.seconds = 5;
  const std::string html = render_compare_html(first, second);
  BOOST_TEST(html.find("<h2>sealbox</h2>") != std::string::npos);
  BOOST_TEST(html.find("<h2>dovecot</h2>") != std::string::npos);
  BOOST_TEST(html.find("Ratios dovecot / sealbox") != std::string::npos);
  BOOST_TEST(html.find("<tr><td>select</td><td>2.00</td><td>1.00</td>") != std::string::npos, html);
  BOOST_TEST(count(html, "<svg") == 3u);
  BOOST_TEST(count(html, "class=\"ops-bar\"") == 6u);
  BOOST_TEST(count(html, "class=\"throughput\"") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
