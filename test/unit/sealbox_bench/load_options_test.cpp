// sealbox-bench's option parsers (bench/sealbox_bench/load.h, net_stream.h) and its results (results.h): mix,
// duration, rate, user patterns, HOST:PORT, the loopback guard, percentiles and the JSON document.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <string>

#include "bench/sealbox_bench/load.h"
#include "bench/sealbox_bench/net_stream.h"
#include "bench/sealbox_bench/results.h"

using namespace sealbox_bench;

BOOST_AUTO_TEST_SUITE(load_options)

BOOST_AUTO_TEST_CASE(mix) {
  std::string error;
  auto m = parse_mix("select=1,fetch_flags=5,idle=0", error);
  BOOST_REQUIRE(m.has_value());
  BOOST_REQUIRE_EQUAL(m->size(), 2u);  // zero weights are dropped
  BOOST_TEST((*m)[1].first == "fetch_flags");
  BOOST_TEST((*m)[1].second == 5u);
  BOOST_TEST(!parse_mix("select=1,bogus=2", error).has_value());
  BOOST_TEST(error.find("bogus") != std::string::npos, error);
  BOOST_TEST(!parse_mix("select", error).has_value());
  BOOST_TEST(!parse_mix("select=x", error).has_value());
  BOOST_TEST(!parse_mix("select=0", error).has_value());
  BOOST_TEST(!parse_mix("select=1,", error).has_value());
  for (const auto& kind : mix_kinds()) BOOST_TEST(parse_mix(kind + "=1", error).has_value(), kind);
}

BOOST_AUTO_TEST_CASE(durations_and_rates) {
  BOOST_TEST(parse_duration("10s")->count() == 10000);
  BOOST_TEST(parse_duration("250ms")->count() == 250);
  BOOST_TEST(parse_duration("2m")->count() == 120000);
  BOOST_TEST(parse_duration("3")->count() == 3000);
  BOOST_TEST(!parse_duration("10h").has_value());
  BOOST_TEST(!parse_duration("s").has_value());
  BOOST_TEST(*parse_rate("20/s") == 20.0);
  BOOST_TEST(*parse_rate("120/m") == 2.0);
  BOOST_TEST(*parse_rate("5") == 5.0);
  BOOST_TEST(!parse_rate("0/s").has_value());
  BOOST_TEST(!parse_rate("5/h").has_value());
}

BOOST_AUTO_TEST_CASE(patterns_and_endpoints) {
  BOOST_TEST(expand_pattern("user{n}@example.org", 7) == "user7@example.org");
  BOOST_TEST(expand_pattern("{n}-{n}", 12) == "12-12");
  BOOST_TEST(expand_pattern("fixed", 3) == "fixed");
  Endpoint e;
  BOOST_TEST(parse_endpoint("127.0.0.1:993", e));
  BOOST_TEST(e.host == "127.0.0.1");
  BOOST_TEST(e.port == 993);
  BOOST_TEST(parse_endpoint("[::1]:24", e));
  BOOST_TEST(e.host == "::1");
  BOOST_TEST(!parse_endpoint("localhost", e));
  BOOST_TEST(!parse_endpoint("host:0", e));
  BOOST_TEST(!parse_endpoint("host:70000", e));
  BOOST_TEST(!parse_endpoint("::1:24", e));
  BOOST_TEST(is_loopback("127.0.0.1"));
  BOOST_TEST(is_loopback("127.1.2.3"));
  BOOST_TEST(is_loopback("::1"));
  BOOST_TEST(!is_loopback("192.0.2.1"));
  BOOST_TEST(!is_loopback("10.0.0.1"));
}

BOOST_AUTO_TEST_CASE(results_percentiles_and_json) {
  OpStats s;
  for (int i = 1; i <= 100; ++i) s.latency_us.push_back(i * 1000.0);
  s.ok = 99;
  s.errors = 1;
  BOOST_TEST(s.percentile(0.50) == 50000.0);
  BOOST_TEST(s.percentile(0.99) == 99000.0);
  BOOST_TEST(OpStats{}.percentile(0.5) == 0.0);
  Results r;
  r.imap = "127.0.0.1:993";
  r.seconds = 2;
  r.ops["fetch_flags"] = s;
  r.error_samples.push_back("fetch_flags: FETCH: b1 NO \"quoted\"\n");
  r.server = ServerUsage{1.5, 2048};
  BOOST_TEST(r.total_ops() == 100u);
  BOOST_TEST(r.total_errors() == 1u);
  const std::string json = r.to_json();
  BOOST_TEST(json.find("\"fetch_flags\": {\"ok\": 99, \"errors\": 1, \"ops_per_second\": 50.000, \"p50_ms\": 50.000")
                 != std::string::npos,
             json);
  BOOST_TEST(json.find("NO \\\"quoted\\\"\\u000a") != std::string::npos, json);
  BOOST_TEST(json.find("\"peak_rss_kib\": 2048") != std::string::npos, json);
  BOOST_TEST(r.to_table().find("fetch_flags") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(own_process_usage) {
  BOOST_TEST(process_cpu_seconds(static_cast<int>(::getpid())).has_value());
  BOOST_TEST(*process_peak_rss_kib(static_cast<int>(::getpid())) > 0u);
  BOOST_TEST(!process_cpu_seconds(0x7ffffff0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
