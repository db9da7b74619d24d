// qresync_bench: what it costs a disconnected client to resynchronise a large mailbox, with and without RFC 7162.
//   1. fills INBOX with N messages (default 10,000, ~2 KiB, a third \Seen, some \Flagged or with a keyword) by
//      MULTIAPPEND with LITERAL+ from several connections (bench/imap_client.h)
//   2. a client syncs fully (ENABLE QRESYNC, SELECT: UIDVALIDITY and HIGHESTMODSEQ; UID FETCH 1:* (FLAGS)) and
//      disconnects
//   3. another connection makes the changes: F flag changes (UID STORE, one command each) and E expunges (UID STORE
//      \Deleted + UID EXPUNGE, one message at a time); defaults 60 and 40
//   4. the client reconnects and resynchronises, each way `repeats` times on a fresh logged-in connection:
//      QRESYNC     ENABLE QRESYNC; SELECT INBOX (QRESYNC (uidvalidity modseq known-uids))
//      CONDSTORE   SELECT INBOX (CONDSTORE); UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq); UID SEARCH ALL
//      plain       SELECT INBOX; UID SEARCH ALL (what vanished); UID FETCH 1:* (FLAGS) (what changed)
//      and reports the round trips (commands waited for), the bytes the server sent (inside TLS), the bytes the
//      client sent, and the wall time from the first command to the last answer (login not included)
//   5. checks each resync's result against what the changes were: the exact expunged UIDs and every flag; exits 1
//      if one is wrong (a correctness failure, never a speed one)
// Usage: qresync_bench [--sealbox PATH] [--messages N] [--flag-changes F] [--expunges E] [--repeats R]
//        [--connections C] [--keep-open]   (defaults: the sealbox binary next to bench/, 10,000, 60, 40, 5, 4;
//        --keep-open: another connection keeps INBOX selected during the resyncs)
// Bounded: the fill gives up after 900 s, every command after 120 s. Loopback only; a temporary root under $TMPDIR.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "bench/bench_util.h"
#include "bench/imap_client.h"
#include "test/support/imap_server.h"
#include "test/support/tls_client.h"

namespace {

using test_support::TlsClient;
using Flags = std::set<std::string>;
using State = std::map<std::uint32_t, Flags>;  // UID -> flags

struct Options {
  std::string sealbox;
  unsigned messages = 10000;
  unsigned flag_changes = 60;
  unsigned expunges = 40;
  int repeats = 5;
  int connections = 4;
  bool keep_open = false;  // another connection keeps INBOX selected during the resyncs
};

constexpr unsigned kAppendBatch = 100;  // messages per MULTIAPPEND
constexpr double kFillSeconds = 900;
constexpr auto kCommandTimeout = std::chrono::seconds(120);

// A client connection that counts what one resync costs.
struct Meter {
  TlsClient& c;
  int round_trips = 0;
  std::uint64_t sent = 0;
  std::uint64_t received0;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  explicit Meter(TlsClient& client) : c(client), received0(client.bytes_received()) {}

  // One command, waited for; its untagged responses.
  std::vector<std::string> run(const std::string& tag, const std::string& command) {
    ++round_trips;
    sent += tag.size() + 1 + command.size() + 2;
    auto status = c.command(tag, command, kCommandTimeout);
    if (status.rfind(tag + " OK", 0) != 0) throw std::runtime_error(command + " -> " + status);
    return c.last_untagged();
  }
  std::uint64_t received() const { return c.bytes_received() - received0; }
};

std::optional<std::uint64_t> highestmodseq(const std::vector<std::string>& lines) {
  static const std::regex re(R"(\* OK \[HIGHESTMODSEQ ([0-9]+)\].*)");
  std::smatch m;
  for (const auto& l : lines) {
    if (std::regex_match(l, m, re)) return std::stoull(m[1]);
  }
  return std::nullopt;
}
std::uint32_t uidvalidity(const std::vector<std::string>& lines) {
  static const std::regex re(R"(\* OK \[UIDVALIDITY ([0-9]+)\].*)");
  std::smatch m;
  for (const auto& l : lines) {
    if (std::regex_match(l, m, re)) return static_cast<std::uint32_t>(std::stoul(m[1]));
  }
  throw std::runtime_error("no UIDVALIDITY in the SELECT answer");
}
// UID -> flags of the FETCH responses among `lines` (each must have UID and FLAGS).
State fetched_flags(const std::vector<std::string>& lines) {
  State out;
  for (const auto& l : lines) {
    auto f = test_support::parse_fetch(l);
    if (!f) continue;
    if (!f->items.count("UID") || !f->items.count("FLAGS")) throw std::runtime_error("FETCH without UID/FLAGS: " + l);
    out[std::stoul(f->items.at("UID"))] = test_support::parse_flags(f->items.at("FLAGS"));
  }
  return out;
}
std::set<std::uint32_t> searched(const std::vector<std::string>& lines) {
  std::set<std::uint32_t> out;
  for (const auto& l : lines) {
    if (l.rfind("* SEARCH", 0) != 0) continue;
    std::size_t pos = 8;
    while (pos < l.size()) {
      auto end = l.find(' ', pos + 1);
      if (end == std::string::npos) end = l.size();
      auto word = l.substr(pos + 1, end - pos - 1);
      if (!word.empty()) out.insert(std::stoul(word));
      pos = end;
    }
  }
  return out;
}

// The mailbox: messages and their initial flags.
struct Mailbox {
  std::vector<std::string> messages;
  std::vector<std::string> flag_lists;  // APPEND flag list per message ("" for none)
};
Mailbox make_mailbox(unsigned n) {
  Mailbox m;
  std::mt19937 rng(7162);
  for (unsigned i = 0; i < n; ++i) {
    m.messages.push_back(bench::mail_like(1500 + rng() % 1100, 1000 + i));
    const unsigned r = rng() % 100;
    m.flag_lists.push_back(r < 30 ? "(\\Seen)" : r < 35 ? "(\\Seen \\Flagged)" : r < 38 ? "($Work)" : "");
  }
  return m;
}

// Fills INBOX from `connections` threads; the server's state (UID -> flags) afterwards.
void fill(std::uint16_t port, const Mailbox& box, int connections) {
  const std::size_t n = box.messages.size();
  std::atomic<bool> failed{false};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto c = bench::login_only(port);
        std::size_t begin = n * t / connections, end = n * (t + 1) / connections;
        for (std::size_t first = begin; first < end && !failed; first += kAppendBatch) {
          if (bench::seconds_since(t0) > kFillSeconds) throw std::runtime_error("fill took too long");
          bench::multiappend(c, "INBOX", box.messages, first, std::min(end, first + kAppendBatch),
                             "a" + std::to_string(first), &box.flag_lists);
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "fill connection %d: %s\n", t, e.what());
        failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  if (failed) throw std::runtime_error("filling the mailbox failed");
  const double s = bench::seconds_since(t0);
  std::size_t bytes = 0;
  for (const auto& m : box.messages) bytes += m.size();
  std::printf("filled INBOX: %zu messages, %.1f MB, in %.1f s (%.0f messages/s; MULTIAPPEND of %u with LITERAL+, %d "
              "connections)\n",
              n, bytes / 1e6, s, n / s, kAppendBatch, connections);
}

struct Sync {
  std::uint32_t uidvalidity = 0;
  std::uint64_t highestmodseq = 0;
  State state;
};

// What the client keeps after a full sync.
Sync full_sync(std::uint16_t port) {
  auto c = bench::login_only(port);
  Meter m(c);
  m.run("e", "ENABLE QRESYNC");
  auto sel = m.run("s", "SELECT INBOX");
  Sync s;
  s.uidvalidity = uidvalidity(sel);
  auto h = highestmodseq(sel);
  if (!h) throw std::runtime_error("SELECT after ENABLE QRESYNC gave no HIGHESTMODSEQ");
  s.highestmodseq = *h;
  s.state = fetched_flags(m.run("f", "UID FETCH 1:* (FLAGS)"));
  std::printf("full sync: %zu messages, UIDVALIDITY %u, HIGHESTMODSEQ %llu: %d round trips, %llu bytes from the "
              "server, %.1f ms\n",
              s.state.size(), s.uidvalidity, static_cast<unsigned long long>(s.highestmodseq), m.round_trips,
              static_cast<unsigned long long>(m.received()), bench::seconds_since(m.t0) * 1e3);
  m.run("o", "LOGOUT");
  return s;
}

// The changes, made by another connection; returns the server's state after them.
State make_changes(std::uint16_t port, const State& before, unsigned flag_changes, unsigned expunges,
                   std::set<std::uint32_t>& expunged, std::set<std::uint32_t>& changed) {
  std::vector<std::uint32_t> uids;
  for (const auto& [uid, f] : before) uids.push_back(uid);
  if (flag_changes + expunges > uids.size()) throw std::runtime_error("more changes than messages");
  std::mt19937 rng(2026);
  std::shuffle(uids.begin(), uids.end(), rng);
  State after = before;
  auto c = bench::login(port);
  int tag = 0;
  auto ok = [&](const std::string& command) {
    const std::string t = "c" + std::to_string(++tag);
    auto status = c.command(t, command, kCommandTimeout);
    if (status.rfind(t + " OK", 0) != 0) throw std::runtime_error(command + " -> " + status);
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < flag_changes; ++i) {
    const auto uid = uids[i];
    auto& flags = after[uid];
    const std::string u = std::to_string(uid);
    switch (i % 3) {
      case 0:  // toggle \Seen
        if (flags.count("\\Seen")) {
          ok("UID STORE " + u + " -FLAGS.SILENT (\\Seen)");
          flags.erase("\\Seen");
        } else {
          ok("UID STORE " + u + " +FLAGS.SILENT (\\Seen)");
          flags.insert("\\Seen");
        }
        break;
      case 1:
        ok("UID STORE " + u + " +FLAGS.SILENT (\\Answered $Replied)");
        flags.insert("\\Answered");
        flags.insert("$Replied");
        break;
      default:
        ok("UID STORE " + u + " FLAGS.SILENT (\\Flagged)");
        flags = {"\\Flagged"};
        break;
    }
    changed.insert(uid);
  }
  for (unsigned i = flag_changes; i < flag_changes + expunges; ++i) {
    const std::string u = std::to_string(uids[i]);
    ok("UID STORE " + u + " +FLAGS.SILENT (\\Deleted)");
    ok("UID EXPUNGE " + u);
    after.erase(uids[i]);
    expunged.insert(uids[i]);
  }
  std::printf("changes by another connection: %u flag changes, %u expunges, %d commands in %.2f s\n", flag_changes,
              expunges, tag, bench::seconds_since(t0));
  return after;
}

struct Run {
  int round_trips = 0;
  std::uint64_t server_bytes = 0, client_bytes = 0;
  double ms = 0;
  struct Step {
    std::string command;
    std::uint64_t server_bytes = 0;
    double ms = 0;
  };
  std::vector<Step> per_command;
};

// One resync of `known` into what the server has now; throws if the result is not `expected`.
Run resync(std::uint16_t port, const std::string& how, const Sync& known, const State& expected,
           const std::set<std::uint32_t>& expunged, const std::set<std::uint32_t>& changed) {
  auto c = bench::login_only(port);
  Meter m(c);
  Run run;
  auto step = [&](const std::string& tag, const std::string& command) {
    const auto before = m.received();
    const auto t = std::chrono::steady_clock::now();
    auto lines = m.run(tag, command);
    run.per_command.push_back({command.size() > 48 ? command.substr(0, 45) + "..." : command, m.received() - before,
                               bench::seconds_since(t) * 1e3});
    return lines;
  };
  std::vector<std::uint32_t> known_uids;
  for (const auto& [uid, f] : known.state) known_uids.push_back(uid);
  const std::string v = std::to_string(known.uidvalidity), h = std::to_string(known.highestmodseq);
  State result = known.state;
  if (how == "QRESYNC") {
    step("e", "ENABLE QRESYNC");
    auto lines = step("s", "SELECT INBOX (QRESYNC (" + v + " " + h + " " + bench::compact_set(known_uids) + "))");
    static const std::regex vanished(R"(\* VANISHED \(EARLIER\) ([0-9:,]+))");
    std::set<std::uint32_t> gone;
    std::smatch sm;
    for (const auto& l : lines) {
      if (std::regex_match(l, sm, vanished)) {
        auto expanded = bench::expand_set(sm[1]);
        std::set<std::uint32_t> uids(expanded.begin(), expanded.end());
        gone.insert(uids.begin(), uids.end());
      }
    }
    if (gone != expunged) throw std::runtime_error("QRESYNC: VANISHED (EARLIER) is not the expunged set");
    auto fetched = fetched_flags(lines);
    std::set<std::uint32_t> fetched_uids;
    for (const auto& [uid, f] : fetched) fetched_uids.insert(uid);
    if (fetched_uids != changed) {
      throw std::runtime_error("QRESYNC: " + std::to_string(fetched_uids.size()) + " FETCH responses for " +
                               std::to_string(changed.size()) + " changed messages");
    }
    for (auto uid : gone) result.erase(uid);
    for (auto& [uid, f] : fetched) result[uid] = f;
  } else if (how == "CONDSTORE") {
    step("s", "SELECT INBOX (CONDSTORE)");
    auto fetched = fetched_flags(step("f", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + h + ")"));
    auto present = searched(step("u", "UID SEARCH ALL"));
    for (auto it = result.begin(); it != result.end();) it = present.count(it->first) ? std::next(it) : result.erase(it);
    for (auto& [uid, f] : fetched) result[uid] = f;
  } else {
    step("s", "SELECT INBOX");
    auto present = searched(step("u", "UID SEARCH ALL"));
    auto fetched = fetched_flags(step("f", "UID FETCH 1:* (FLAGS)"));
    for (auto it = result.begin(); it != result.end();) it = present.count(it->first) ? std::next(it) : result.erase(it);
    for (auto& [uid, f] : fetched) result[uid] = f;
  }
  run.ms = bench::seconds_since(m.t0) * 1e3;
  run.round_trips = m.round_trips;
  run.server_bytes = m.received();
  run.client_bytes = m.sent;
  if (result != expected) throw std::runtime_error(how + ": the resynchronised state differs from the server's");
  m.run("o", "LOGOUT");
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  opt.sealbox = (std::filesystem::path(argv[0]).parent_path() / ".." / "sealbox").lexically_normal().string();
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--sealbox") == 0) opt.sealbox = argv[i + 1];
    if (std::strcmp(argv[i], "--messages") == 0) opt.messages = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--flag-changes") == 0) opt.flag_changes = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--expunges") == 0) opt.expunges = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--repeats") == 0) opt.repeats = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--connections") == 0) opt.connections = std::max(1, std::atoi(argv[i + 1]));
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep-open") == 0) opt.keep_open = true;
  }
  bench::print_header("qresync_bench");
  try {
    bench::BenchServer server(opt.sealbox);
    const auto port = server.port();
    const Mailbox box = make_mailbox(opt.messages);
    fill(port, box, opt.connections);
    const Sync known = full_sync(port);
    if (known.state.size() != opt.messages) throw std::runtime_error("the full sync did not see every message");
    std::set<std::uint32_t> expunged, changed;
    const State expected = make_changes(port, known.state, opt.flag_changes, opt.expunges, expunged, changed);
    std::optional<TlsClient> holder;  // --keep-open: INBOX stays selected elsewhere, so the server keeps it open
    if (opt.keep_open) holder.emplace(bench::login(port));

    std::printf("\nresync of %u messages after %u flag changes and %u expunges elsewhere (%d runs each, every result "
                "checked%s)\n",
                opt.messages, opt.flag_changes, opt.expunges, opt.repeats,
                opt.keep_open ? "; INBOX kept selected by another connection" : "");
    std::printf("%-10s %11s %14s %14s %10s %10s\n", "method", "round trips", "server bytes", "client bytes",
                "best ms", "median ms");
    const std::vector<std::string> methods = {"QRESYNC", "CONDSTORE", "plain"};
    std::map<std::string, std::vector<Run>> runs;
    for (int r = 0; r < opt.repeats; ++r) {
      for (const auto& how : methods) runs[how].push_back(resync(port, how, known, expected, expunged, changed));
    }
    for (const auto& how : methods) {
      auto& rs = runs[how];
      std::vector<double> ms;
      for (const auto& r : rs) ms.push_back(r.ms);
      std::sort(ms.begin(), ms.end());
      std::printf("%-10s %11d %14llu %14llu %10.1f %10.1f\n", how.c_str(), rs[0].round_trips,
                  static_cast<unsigned long long>(rs[0].server_bytes),
                  static_cast<unsigned long long>(rs[0].client_bytes), ms.front(), ms[ms.size() / 2]);
    }
    std::printf("\nper command: server bytes, and ms (median over the runs)\n");
    for (const auto& how : methods) {
      for (std::size_t i = 0; i < runs[how][0].per_command.size(); ++i) {
        std::vector<double> ms;
        for (const auto& r : runs[how]) ms.push_back(r.per_command[i].ms);
        std::sort(ms.begin(), ms.end());
        const auto& step = runs[how][0].per_command[i];
        std::printf("  %-10s %-50s %10llu %8.1f\n", how.c_str(), step.command.c_str(),
                    static_cast<unsigned long long>(step.server_bytes), ms[ms.size() / 2]);
      }
    }
    server.server.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qresync_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
