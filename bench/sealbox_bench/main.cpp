// sealbox-bench: a throughput load generator for any IMAPS server (plus any LMTP endpoint). See bench/README.md.
//
// Simulates users x connections IMAP clients, one thread each, running a weighted mix of operations for a duration
// or an operation count, while checking that the connections of each user are told a consistent story
// (state_checker.h). Prints a table of ops/s and latency percentiles per operation, optionally JSON and an HTML
// report (report.h). With --compare, runs the same workload against a second server afterwards and adds ratios.
// Exit status: 0 after a run without inconsistencies, 1 if any inconsistency was found, 2 on bad options or setup
// failure (cannot connect, log in or prefill).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bench/sealbox_bench/load.h"
#include "bench/sealbox_bench/report.h"

using namespace sealbox_bench;

int main(int argc, char** argv) {
  CLI::App app{"sealbox-bench: IMAPS (and LMTP) throughput load generator"};
  LoadConfig config;
  std::string imap, lmtp, mix = "select=1,fetch_flags=5,fetch_envelope=3,fetch_body=2,store=2,append=1,search=1,"
                                "expunge=1,idle=1,relogin=1";
  std::string duration = "10s", lmtp_rate = "10/s", idle_wait = "1s", json, html;
  std::string imap2, lmtp2, cafile2, name = "A", name2 = "B";
  bool allow_remote = false, insecure = false, progress = false, compare_mode = false;
  int server_pid = 0, server_pid2 = 0;
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
  app.add_option("--html", html, "write a self-contained HTML report (tables, SVG charts) to this file");
  app.add_flag("--compare", compare_mode, "run the same workload against --imap, then --imap2, and compare");
  app.add_option("--imap2", imap2, "with --compare: the second IMAPS server HOST:PORT");
  app.add_option("--lmtp2", lmtp2, "with --compare: the second server's LMTP HOST:PORT (needed with --lmtp)");
  app.add_option("--server-pid2", server_pid2, "with --compare: the second server's pid, as --server-pid");
  app.add_option("--name", name, "the (first) server's name in the output")->capture_default_str();
  app.add_option("--name2", name2, "with --compare: the second server's name in the output")->capture_default_str();
  auto* cafile = app.add_option("--cafile", config.tls.cafile, "PEM CA certificates to verify the server with");
  auto* cafile2_opt = app.add_option("--cafile2", cafile2, "with --compare: CA certificates for the second server "
                                                           "(default: --cafile)");
  app.add_flag("--insecure", insecure, "do not verify the server's certificate")
      ->excludes(cafile)
      ->excludes(cafile2_opt);
  app.add_flag("--allow-remote", allow_remote, "allow non-loopback servers (never load-test what is not yours)");
  app.add_flag("--progress", progress, "print a progress line even when stderr is not a terminal");
  CLI11_PARSE(app, argc, argv);

  std::string error;
  auto bad = [](const std::string& what) {
    std::cerr << "sealbox-bench: " << what << "\n";
    return 2;
  };
  if (!compare_mode && (!imap2.empty() || !lmtp2.empty() || server_pid2 > 0 || !cafile2.empty())) {
    return bad("--imap2, --lmtp2, --server-pid2 and --cafile2 need --compare");
  }
  if (compare_mode && imap2.empty()) return bad("--compare needs --imap2");
  if (compare_mode && lmtp.empty() != lmtp2.empty()) return bad("--compare: give both --lmtp and --lmtp2, or neither");
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
  if (!lmtp.empty()) {
    auto rate = parse_rate(lmtp_rate);
    if (!rate) return bad("--lmtp-rate wants a rate such as 20/s, got '" + lmtp_rate + "'");
    config.lmtp_rate = *rate;
  }

  // One server's configuration: the shared workload plus its endpoints, pid and CA file; "" when valid.
  auto configure = [&](LoadConfig& c, const std::string& imap_text, const std::string& imap_opt,
                       const std::string& lmtp_text, const std::string& lmtp_opt, int pid) -> std::string {
    if (!parse_endpoint(imap_text, c.imap)) return imap_opt + " wants HOST:PORT, got '" + imap_text + "'";
    c.lmtp.reset();
    if (!lmtp_text.empty()) {
      Endpoint e;
      if (!parse_endpoint(lmtp_text, e)) return lmtp_opt + " wants HOST:PORT, got '" + lmtp_text + "'";
      c.lmtp = e;
    }
    if (!allow_remote) {
      if (!is_loopback(c.imap.host)) return c.imap.host + " is not a loopback address (--allow-remote)";
      if (c.lmtp && !is_loopback(c.lmtp->host)) return c.lmtp->host + " is not a loopback address (--allow-remote)";
    }
    c.server_pid.reset();
    if (pid > 0) {
      if (!process_cpu_seconds(pid)) return "cannot read /proc/" + std::to_string(pid) + "/stat";
      c.server_pid = pid;
    }
    return "";
  };
  LoadConfig config2 = config;
  if (auto e = configure(config, imap, "--imap", lmtp, "--lmtp", server_pid); !e.empty()) return bad(e);
  if (compare_mode) {
    if (!cafile2.empty()) config2.tls.cafile = cafile2;
    if (auto e = configure(config2, imap2, "--imap2", lmtp2, "--lmtp2", server_pid2); !e.empty()) return bad(e);
  }

  // The run's options as given, for the reports.
  auto parameters = [&](const LoadConfig& c) {
    std::vector<std::pair<std::string, std::string>> p = {
        {"mix", mix},
        {"duration", duration},
        {"max-ops", std::to_string(c.max_ops)},
        {"user-pattern", c.user_pattern},
        {"first-user", std::to_string(c.first_user)},
        {"prefill", std::to_string(c.prefill)},
        {"message-bytes", std::to_string(c.message_bytes)},
        {"sync-every", std::to_string(c.sync_every)},
        {"idle-wait", idle_wait},
        {"tls", c.tls.insecure ? "not verified (--insecure)"
                               : (c.tls.cafile.empty() ? "verified (system store)" : "verified with " + c.tls.cafile)}};
    if (c.lmtp) {
      p.emplace_back("lmtp-rate", lmtp_rate);
      p.emplace_back("lmtp-domain", c.lmtp_domain);
    }
    if (c.server_pid) p.emplace_back("server-pid", std::to_string(*c.server_pid));
    return p;
  };
  auto write = [&](const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
  };

  auto results = run_load(config, error);
  if (!results) return bad(compare_mode ? name + ": " + error : error);
  results->parameters = parameters(config);
  if (!compare_mode) {
    if (app.count("--name") > 0) results->name = name;
    std::cout << results->to_table();
    if (!json.empty() && !write(json, results->to_json())) return bad("cannot write " + json);
    if (!html.empty() && !write(html, render_html(*results))) return bad("cannot write " + html);
    return results->inconsistencies == 0 ? 0 : 1;
  }

  results->name = name;
  std::cout << "== " << name << " (" << results->imap << ")\n" << results->to_table() << std::flush;
  auto results2 = run_load(config2, error);
  if (!results2) return bad(name2 + ": " + error);
  results2->parameters = parameters(config2);
  results2->name = name2;
  std::cout << "\n== " << name2 << " (" << results2->imap << ")\n" << results2->to_table() << "\n"
            << comparison_table(compare(*results, *results2), name, name2);
  if (!json.empty() && !write(json, comparison_json(*results, *results2))) return bad("cannot write " + json);
  if (!html.empty() && !write(html, render_compare_html(*results, *results2))) return bad("cannot write " + html);
  return results->inconsistencies == 0 && results2->inconsistencies == 0 ? 0 : 1;
}
