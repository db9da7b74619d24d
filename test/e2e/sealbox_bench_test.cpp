// sealbox-bench against the real server: 3 users x 2 connections with the full default mix and LMTP deliveries for
// ~4 s must exit 0 with zero errors and zero inconsistencies in its JSON, every operation kind having run, the
// server's CPU time and peak RSS measured through --server-pid, and its --html report written. --compare of two
// servers (~2 + 2 s) must write a JSON document that parses, with both runs and the ratios, and an HTML report.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test/support/imap_server.h"
#include "test/support/process.h"
#include "test/support/temp_dir.h"

using namespace test_support;

namespace {

// The bench binary, from CTest's environment.
std::string bench_binary() {
  const char* path = std::getenv("SEALBOX_BENCH_BIN");
  if (path == nullptr) throw std::runtime_error("SEALBOX_BENCH_BIN is not set");
  return path;
}

// The pid of the `sealbox serve` whose command line names `root` (ImapServer does not expose it).
int server_pid(const std::filesystem::path& root) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(root.string()) != std::string::npos && cmdline.find("serve") != std::string::npos) {
      return std::stoi(name);
    }
  }
  return 0;
}

// The unsigned number after `key` in `json` (e.g. key "\"errors\": "), or -1.
long long number_after(const std::string& json, const std::string& key) {
  const auto at = json.find(key);
  if (at == std::string::npos) return -1;
  return std::stoll(json.substr(at + key.size()));
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A minimal strict JSON syntax check (RFC 8259 values; numbers loosely): true when `text` is one JSON value.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}
  bool valid() {
    if (!value()) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool literal(const std::string& word) {
    if (s_.compare(i_, word.size(), word) != 0) return false;
    i_ += word.size();
    return true;
  }
  bool string() {
    if (s_[i_] != '"') return false;
    for (++i_; i_ < s_.size(); ++i_) {
      if (s_[i_] == '\\') {
        ++i_;
      } else if (s_[i_] == '"') {
        ++i_;
        return true;
      } else if (static_cast<unsigned char>(s_[i_]) < 0x20) {
        return false;
      }
    }
    return false;
  }
  bool number() {
    const auto start = i_;
    while (i_ < s_.size() && std::string("+-0123456789.eE").find(s_[i_]) != std::string::npos) ++i_;
    return i_ > start;
  }
  bool value() {
    ws();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == close) {
        ++i_;
        return true;
      }
      for (;;) {
        if (c == '{') {
          ws();
          if (i_ >= s_.size() || !string()) return false;
          ws();
          if (i_ >= s_.size() || s_[i_++] != ':') return false;
        }
        if (!value()) return false;
        ws();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        return s_[i_++] == close;
      }
    }
    if (c == '"') return string();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return number();
  }
  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sealbox_bench_e2e)

BOOST_AUTO_TEST_CASE(three_users_two_connections_with_lmtp) {
  ImapServerOptions options;
  options.lmtp = true;
  ImapServer server(options);
  for (int n = 1; n <= 3; ++n) server.add_user("user" + std::to_string(n), "password" + std::to_string(n));
  const int pid = server_pid(server.root());
  BOOST_REQUIRE_MESSAGE(pid > 0, "cannot find the server's pid");
  TempDir out;
  const std::string json_path = (out.path() / "out.json").string();
  const std::string html_path = (out.path() / "out.html").string();
  const auto result = run_process(
      {bench_binary(), "--imap", "127.0.0.1:" + std::to_string(server.port()), "--users", "3", "--connections", "2",
       "--user-pattern", "user{n}", "--password-pattern", "password{n}", "--mix",
       "select=1,fetch_flags=5,fetch_envelope=3,fetch_body=2,store=2,append=1,search=1,expunge=1,idle=1,relogin=1",
       "--duration", "4s", "--max-ops", "100000", "--prefill", "20", "--idle-wait", "300ms", "--lmtp",
       "127.0.0.1:" + std::to_string(server.lmtp_port()), "--lmtp-rate", "20/s", "--server-pid", std::to_string(pid),
       "--json", json_path, "--html", html_path, "--insecure"});
  BOOST_TEST_MESSAGE(result.out);
  // 2 is a setup failure (no JSON); 1 means the run completed but found inconsistencies, checked below.
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0 || result.exit_code == 1,
                        "exit " << result.exit_code << "\n" << result.out << result.err << "\nserver log:\n"
                                << server.log());
  std::ifstream in(json_path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string json = buf.str();
  BOOST_TEST(number_after(json, "\"errors\": ") == 0, json);
  BOOST_TEST(number_after(json, "\"inconsistencies\": ") == 0, json);
  BOOST_TEST(result.exit_code == 0);
  for (const std::string kind : {"select", "fetch_flags", "fetch_envelope", "fetch_body", "store", "append", "search",
                                 "expunge", "idle", "relogin", "lmtp_deliver", "sync"}) {
    BOOST_TEST(number_after(json, "\"" + kind + "\": {\"ok\": ") > 0, kind << " did not run:\n" << json);
  }
  BOOST_TEST(number_after(json, "\"peak_rss_kib\": ") > 0, json);
  BOOST_TEST(json.find("\"cpu_seconds\": ") != std::string::npos, json);
  BOOST_TEST(JsonChecker(json).valid(), json);
  const std::string html = read_all(html_path);
  BOOST_TEST(html.starts_with("<!DOCTYPE html>"));
  BOOST_TEST(html.find("</html>") != std::string::npos);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("class=\"ops-chart\"") != std::string::npos);
  BOOST_TEST(html.find("class=\"throughput-chart\"") != std::string::npos);  // a 4 s run has full seconds
  BOOST_TEST(html.find("data-kind=\"relogin\"") != std::string::npos);
  BOOST_TEST(html.find("0 inconsistencies") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(compare_two_servers_with_json_and_html) {
  ImapServerOptions options;
  options.lmtp = true;
  ImapServer first(options), second(options);
  for (ImapServer* server : {&first, &second}) {
    for (int n = 1; n <= 2; ++n) server->add_user("user" + std::to_string(n), "password" + std::to_string(n));
  }
  const int pid1 = server_pid(first.root()), pid2 = server_pid(second.root());
  BOOST_REQUIRE_MESSAGE(pid1 > 0 && pid2 > 0, "cannot find the servers' pids");
  TempDir out;
  const std::string json_path = (out.path() / "compare.json").string();
  const std::string html_path = (out.path() / "compare.html").string();
  const auto result = run_process(
      {bench_binary(), "--compare", "--imap", "127.0.0.1:" + std::to_string(first.port()), "--imap2",
       "127.0.0.1:" + std::to_string(second.port()), "--lmtp", "127.0.0.1:" + std::to_string(first.lmtp_port()),
       "--lmtp2", "127.0.0.1:" + std::to_string(second.lmtp_port()), "--server-pid", std::to_string(pid1),
       "--server-pid2", std::to_string(pid2), "--name", "first<srv>", "--name2", "second&srv", "--users", "2",
       "--connections", "2", "--user-pattern", "user{n}", "--password-pattern", "password{n}", "--duration", "2s",
       "--prefill", "10", "--idle-wait", "200ms", "--lmtp-rate", "10/s", "--json", json_path, "--html", html_path,
       "--insecure"});
  BOOST_TEST_MESSAGE(result.out);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "exit " << result.exit_code << "\n" << result.out << result.err);
  BOOST_TEST(result.out.find("== first<srv>") != std::string::npos, result.out);
  BOOST_TEST(result.out.find("== second&srv") != std::string::npos, result.out);
  BOOST_TEST(result.out.find("ratios second&srv/first<srv>") != std::string::npos, result.out);

  const std::string json = read_all(json_path);
  BOOST_TEST(JsonChecker(json).valid(), json);
  const auto first_at = json.find("\"first\": {"), second_at = json.find("\"second\": {"),
             ratios_at = json.find("\"ratios\": {");
  BOOST_REQUIRE(first_at != std::string::npos);
  BOOST_REQUIRE(second_at != std::string::npos);
  BOOST_REQUIRE(ratios_at != std::string::npos);
  const std::string run1 = json.substr(first_at, second_at - first_at);
  const std::string run2 = json.substr(second_at, ratios_at - second_at);
  const std::string ratios = json.substr(ratios_at);
  for (const std::string* run : {&run1, &run2}) {
    BOOST_TEST(number_after(*run, "\"errors\": ") == 0, *run);
    BOOST_TEST(number_after(*run, "\"inconsistencies\": ") == 0, *run);
    BOOST_TEST(number_after(*run, "\"peak_rss_kib\": ") > 0, *run);
    BOOST_TEST(number_after(*run, "\"lmtp_deliver\": {\"ok\": ") > 0, *run);
    BOOST_TEST(run->find("\"throughput_per_second\": [") != std::string::npos, *run);
  }
  BOOST_TEST(run1.find("\"name\": \"first<srv>\"") != std::string::npos, run1);
  BOOST_TEST(run1.find(std::to_string(first.port())) != std::string::npos, run1);
  BOOST_TEST(run2.find(std::to_string(second.port())) != std::string::npos, run2);
  BOOST_TEST(ratios.find("\"direction\": \"second/first\"") != std::string::npos, ratios);
  BOOST_TEST(ratios.find("\"fetch_flags\": {\"ops_per_second\": ") != std::string::npos, ratios);
  BOOST_TEST(ratios.find("\"cpu_seconds\": ") != std::string::npos, ratios);
  BOOST_TEST(ratios.find("\"peak_rss\": null") == std::string::npos, ratios);  // both pids were measured

  const std::string html = read_all(html_path);
  BOOST_TEST(html.starts_with("<!DOCTYPE html>"));
  BOOST_TEST(html.find("</html>") != std::string::npos);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("first&lt;srv&gt;") != std::string::npos);
  BOOST_TEST(html.find("first<srv>") == std::string::npos);
  BOOST_TEST(html.find("second&amp;srv") != std::string::npos);
  BOOST_TEST(html.find("class=\"ops-chart\"") != std::string::npos);
  BOOST_TEST(html.find("class=\"latency-chart\"") != std::string::npos);
  BOOST_TEST(html.find("data-kind=\"lmtp_deliver\" data-run=\"1\"") != std::string::npos);
  BOOST_TEST(html.find("peak RSS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_remote_servers_and_bad_options) {
  const auto remote = run_process({bench_binary(), "--imap", "192.0.2.1:993", "--insecure"});
  BOOST_TEST(remote.exit_code == 2);
  BOOST_TEST(remote.err.find("--allow-remote") != std::string::npos, remote.err);
  const auto mix = run_process({bench_binary(), "--imap", "127.0.0.1:993", "--mix", "nonsense=1"});
  BOOST_TEST(mix.exit_code == 2);
  BOOST_TEST(mix.err.find("unknown operation") != std::string::npos, mix.err);
  const auto remote2 = run_process(
      {bench_binary(), "--compare", "--imap", "127.0.0.1:993", "--imap2", "192.0.2.1:993", "--insecure"});
  BOOST_TEST(remote2.exit_code == 2);
  BOOST_TEST(remote2.err.find("--allow-remote") != std::string::npos, remote2.err);
  const auto no_second = run_process({bench_binary(), "--compare", "--imap", "127.0.0.1:993", "--insecure"});
  BOOST_TEST(no_second.exit_code == 2);
  BOOST_TEST(no_second.err.find("--imap2") != std::string::npos, no_second.err);
}

BOOST_AUTO_TEST_SUITE_END()
