// sealbox-bench against the real server: 3 users x 2 connections with the full default mix and LMTP deliveries for
// ~4 s must exit 0 with zero errors and zero inconsistencies in its JSON, every operation kind having run, and the
// server's CPU time and peak RSS measured through --server-pid.
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
  const auto result = run_process(
      {bench_binary(), "--imap", "127.0.0.1:" + std::to_string(server.port()), "--users", "3", "--connections", "2",
       "--user-pattern", "user{n}", "--password-pattern", "password{n}", "--mix",
       "select=1,fetch_flags=5,fetch_envelope=3,fetch_body=2,store=2,append=1,search=1,expunge=1,idle=1,relogin=1",
       "--duration", "4s", "--max-ops", "100000", "--prefill", "20", "--idle-wait", "300ms", "--lmtp",
       "127.0.0.1:" + std::to_string(server.lmtp_port()), "--lmtp-rate", "20/s", "--server-pid", std::to_string(pid),
       "--json", json_path, "--insecure"});
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
}

BOOST_AUTO_TEST_CASE(refuses_remote_servers_and_bad_options) {
  const auto remote = run_process({bench_binary(), "--imap", "192.0.2.1:993", "--insecure"});
  BOOST_TEST(remote.exit_code == 2);
  BOOST_TEST(remote.err.find("--allow-remote") != std::string::npos, remote.err);
  const auto mix = run_process({bench_binary(), "--imap", "127.0.0.1:993", "--mix", "nonsense=1"});
  BOOST_TEST(mix.exit_code == 2);
  BOOST_TEST(mix.err.find("unknown operation") != std::string::npos, mix.err);
}

BOOST_AUTO_TEST_SUITE_END()
