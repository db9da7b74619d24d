// sealbox-bench: a throughput load generator for any IMAPS server (plus any LMTP endpoint). See bench/README.md.
//
// Simulates users x connections IMAP clients, one thread each, running a weighted mix of operations for a duration
// or an operation count, while checking that the connections of each user are told a consistent story
// (state_checker.h). Prints a table of ops/s and latency percentiles per operation, optionally JSON.
// Exit status: 0 after a run without inconsistencies, 1 if any inconsistency was found, 2 on bad options or setup
// failure (cannot connect, log in or prefill).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bench/sealbox_bench/load.h"

using namespace sealbox_bench;

int main(int argc, char** argv) {
  CLI::App app{"sealbox-bench: IMAPS (and LMTP) throughput load generator"};
  LoadConfig config;
  std::string imap, lmtp, mix = "select=1,fetch_flags=5,fetch_envelope=3,fetch_body=2,store=2,append=1,search=1,"
                                "expunge=1,idle=1,relogin=1";
  std::string duration = "10s", lmtp_rate = "10/s", idle_wait = "1s", json;
  bool allow_remote = false, insecure = false, progress = false;
  int server_pid = 0;
  app.add_option("--imap", imap, "IMAPS server HOST:PORT")->required();
  app.add_option("--users", config.users, "simulated users")->check(CLI::Range(1u, 10000u));
  app.add_option("--connections", config.connections, "connections per user")->check(CLI::Range(1u, 64u));
  app.add_option("--user-pattern", config.user_pattern, "user name; {n} is the user number")->capture_default_str();
  app.add_option("--password-pattern", config.password_pattern, "password; {n} is the user number")
      ->capture_default_str();
  app.add_option("--first-user", config.first_user, "{n} of the first user")->capture_default_str();
  app.add_option("--mix", mix, "operation weights kind=w,... (kinds: select fetch_flags fetch_envelope fetch_body "
                               "store append search expunge idle relogin)")
      ->capture_default_str();
  app.add_option("--duration", duration, "run time (10s, 500ms, 2m)")->capture_default_str();
  app.add_option("--max-ops", config.max_ops, "stop after this many operations")->capture_default_str();
  app.add_option("--prefill", config.prefill, "APPEND until each INBOX has this many messages")->capture_default_str();
  app.add_option("--message-bytes", config.message_bytes, "size of APPENDed and delivered messages")
      ->check(CLI::Range(std::size_t{256}, std::size_t{16} << 20))
      ->capture_default_str();
  app.add_option("--sync-every", config.sync_every, "NOOP + consistency check after this many operations")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  app.add_option("--idle-wait", idle_wait, "longest wait for a notification in IDLE")->capture_default_str();
  app.add_option("--lmtp", lmtp, "LMTP endpoint HOST:PORT: deliver to the simulated users during the run");
  app.add_option("--lmtp-rate", lmtp_rate, "deliveries per second (20/s, 600/m)")->capture_default_str();
  app.add_option("--lmtp-domain", config.lmtp_domain, "domain appended to user names without @ for RCPT TO")
      ->capture_default_str();
  app.add_option("--server-pid", server_pid, "measure this process's CPU time and peak RSS (Linux /proc)");
  app.add_option("--json", json, "write the results as JSON to this file");
  auto* cafile = app.add_option("--cafile", config.tls.cafile, "PEM CA certificates to verify the server with");
  app.add_flag("--insecure", insecure, "do not verify the server's certificate")->excludes(cafile);
  app.add_flag("--allow-remote", allow_remote, "allow non-loopback servers (never load-test what is not yours)");
  app.add_flag("--progress", progress, "print a progress line even when stderr is not a terminal");
  CLI11_PARSE(app, argc, argv);

  std::string error;
  auto bad = [](const std::string& what) {
    std::cerr << "sealbox-bench: " << what << "\n";
    return 2;
  };
  if (!parse_endpoint(imap, config.imap)) return bad("--imap wants HOST:PORT, got '" + imap + "'");
  if (!lmtp.empty()) {
    Endpoint e;
    if (!parse_endpoint(lmtp, e)) return bad("--lmtp wants HOST:PORT, got '" + lmtp + "'");
    config.lmtp = e;
    auto rate = parse_rate(lmtp_rate);
    if (!rate) return bad("--lmtp-rate wants a rate such as 20/s, got '" + lmtp_rate + "'");
    config.lmtp_rate = *rate;
  }
  if (!allow_remote) {
    if (!is_loopback(config.imap.host)) return bad(config.imap.host + " is not a loopback address (--allow-remote)");
    if (config.lmtp && !is_loopback(config.lmtp->host)) {
      return bad(config.lmtp->host + " is not a loopback address (--allow-remote)");
    }
  }
  auto mix_parsed = parse_mix(mix, error);
  if (!mix_parsed) return bad("--mix: " + error);
  config.mix = *mix_parsed;
  auto d = parse_duration(duration);
  if (!d) return bad("--duration wants 10s, 500ms or 2m, got '" + duration + "'");
  config.duration = *d;
  auto iw = parse_duration(idle_wait);
  if (!iw) return bad("--idle-wait wants 1s or 500ms, got '" + idle_wait + "'");
  config.idle_wait = *iw;
  config.tls.insecure = insecure;
  config.progress = progress || ::isatty(STDERR_FILENO) == 1;
  if (server_pid > 0) {
    if (!process_cpu_seconds(server_pid)) return bad("cannot read /proc/" + std::to_string(server_pid) + "/stat");
    config.server_pid = server_pid;
  }

  auto results = run_load(config, error);
  if (!results) return bad(error);
  std::cout << results->to_table();
  if (!json.empty()) {
    std::ofstream out(json);
    out << results->to_json();
    if (!out) return bad("cannot write " + json);
  }
  return results->inconsistencies == 0 ? 0 : 1;
}
