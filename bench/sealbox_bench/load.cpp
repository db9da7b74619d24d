#include "bench/sealbox_bench/load.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "bench/sealbox_bench/imap_client.h"
#include "bench/sealbox_bench/state_checker.h"

namespace sealbox_bench {
namespace {

constexpr std::size_t kMaxErrorSamples = 20;
constexpr unsigned kMaxLearnRounds = 5;  // FETCH rounds to learn new UIDs before a sync gives up

// A mail-like message of about `size` bytes with a distinct subject.
std::string make_message(std::size_t size, std::uint64_t n) {
  std::string m = "From: Bench <bench@localhost>\r\nTo: user@localhost\r\nSubject: bench message " + std::to_string(n) +
                  "\r\nMessage-ID: <bench." + std::to_string(n) + "@localhost>\r\nDate: Thu, 26 Nov 2026 00:00:00 +0000" +
                  "\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
  static const char* words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
  std::size_t col = 0;
  for (std::uint64_t i = n; m.size() < size; ++i) {
    const std::string w = words[i % 8];
    m += w;
    col += w.size() + 1;
    if (col > 70) {
      m += "\r\n";
      col = 0;
    } else {
      m += ' ';
    }
  }
  return m + "\r\n";
}

// Shared by every thread of the run.
struct Shared {
  const LoadConfig& config;
  Clock::time_point end;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> started{0};   // operations begun (bounded by max_ops)
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> message_counter{0};
  std::mutex mutex;                        // guards the fields below
  std::vector<std::string> error_samples;
  std::uint64_t view_inconsistencies = 0;
  std::vector<std::string> view_samples;

  explicit Shared(const LoadConfig& c) : config(c) {}
  bool keep_going() {
    if (stop.load() || Clock::now() >= end) return false;
    if (started.fetch_add(1) >= config.max_ops) {
      stop = true;
      return false;
    }
    return true;
  }
  void note_error(const std::string& kind, const std::string& what) {
    std::lock_guard lock(mutex);
    if (error_samples.size() < kMaxErrorSamples) error_samples.push_back(kind + ": " + what);
  }
  void note_view_errors(std::vector<std::string> errors) {
    if (errors.empty()) return;
    std::lock_guard lock(mutex);
    view_inconsistencies += errors.size();
    for (auto& e : errors) {
      if (view_samples.size() < kMaxErrorSamples) view_samples.push_back(std::move(e));
    }
  }
};

struct UserSetup {
  std::string name;
  std::string password;
  UserLedger ledger;
};

class Worker {
 public:
  Worker(Shared& shared, UserSetup& user, unsigned index, std::uint64_t seed)
      : shared_(shared),
        user_(user),
        name_(user.name + "#" + std::to_string(index)),
        client_(&user.ledger, name_),
        rng_(seed) {
    for (const auto& [kind, weight] : shared.config.mix) total_weight_ += weight;
  }

  void run() {
    unsigned since_sync = 0;
    while (shared_.keep_going()) {
      if (!client_.is_open() && !reconnect("connect")) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      const std::string kind = pick();
      timed(kind, [&] { return operation(kind); });
      if (++since_sync >= shared_.config.sync_every && client_.is_open()) {
        since_sync = 0;
        timed("sync", [&] { return sync(); });
      }
      shared_.note_view_errors(client_.view().take_errors());
    }
    if (client_.is_open()) client_.close();
    shared_.note_view_errors(client_.view().take_errors());
  }

  std::map<std::string, OpStats>& stats() { return stats_; }

 private:
  // Runs `op` (which returns "" or an error), timing it under `kind`.
  template <typename Op>
  void timed(const std::string& kind, Op op) {
    const auto t0 = Clock::now();
    const std::string error = op();
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    OpStats& s = stats_[kind];
    s.latency_us.push_back(us);
    if (error.empty()) {
      ++s.ok;
    } else {
      ++s.errors;
      ++shared_.failed;
      shared_.note_error(kind, error);
    }
    ++shared_.done;
  }

  bool reconnect(const std::string& kind) {
    std::string error;
    timed(kind, [&] {
      error = client_.open(shared_.config.imap, shared_.config.tls, user_.name, user_.password);
      return error.empty() ? select() : error;
    });
    return error.empty() && client_.is_open();
  }

  std::string pick() {
    std::uniform_int_distribution<unsigned> d(0, total_weight_ - 1);
    unsigned r = d(rng_);
    for (const auto& [kind, weight] : shared_.config.mix) {
      if (r < weight) return kind;
      r -= weight;
    }
    return shared_.config.mix.back().first;
  }

  static std::string check(const Response& r, const std::string& what) {
    if (r.status == "OK") return {};
    return what + ": " + (r.text.empty() ? std::string("no response") : r.text.substr(0, 300));
  }

  std::string fetch_items(const std::string& items) const {
    return client_.has("CONDSTORE") ? "(" + items + " MODSEQ)" : "(" + items + ")";
  }

  // Learns the UIDs and flags of messages announced by EXISTS but not fetched yet.
  std::string learn() {
    for (unsigned round = 0; round < kMaxLearnRounds; ++round) {
      const std::uint32_t first = client_.view().first_unknown();
      if (first == 0) return {};
      const std::string e = check(client_.command("FETCH " + std::to_string(first) + ":* " + fetch_items("UID FLAGS")),
                                  "FETCH new messages");
      if (!e.empty()) return e;
    }
    return client_.view().first_unknown() == 0 ? "" : "UIDs still unknown after FETCH";
  }

  std::string select() {
    client_.view().reset();
    const std::string e = check(client_.command("SELECT INBOX"), "SELECT");
    return e.empty() ? learn() : e;
  }

  // NOOP, learn new UIDs, then the cross-connection check (state_checker.h).
  std::string sync() {
    const std::uint64_t began = user_.ledger.begin_sync();
    std::string e = check(client_.command("NOOP"), "NOOP");
    if (e.empty()) e = learn();
    if (e.empty()) user_.ledger.end_sync(name_, began, client_.view().messages());
    return e;
  }

  // A random message whose UID is known (its index in `index`), or 0 when none is known.
  std::uint32_t random_uid(std::size_t* index = nullptr) {
    const auto& m = client_.view().messages();
    if (m.empty()) return 0;
    const std::size_t start = std::uniform_int_distribution<std::size_t>(0, m.size() - 1)(rng_);
    for (std::size_t k = 0; k < m.size(); ++k) {
      const std::size_t i = (start + k) % m.size();
      if (m[i].uid == 0) continue;  // announced by EXISTS, learned at the next sync
      if (index != nullptr) *index = i;
      return m[i].uid;
    }
    return 0;
  }

  // "lo:hi" UIDs spanning up to 10 consecutive messages from a random known one; "" when none is known.
  std::string uid_range() {
    std::size_t i = 0;
    const std::uint32_t lo = random_uid(&i);
    if (lo == 0) return {};
    const auto& m = client_.view().messages();
    std::uint32_t hi = lo;
    for (std::size_t j = i; j < std::min(m.size(), i + 10); ++j) hi = std::max(hi, m[j].uid);
    return std::to_string(lo) + ":" + std::to_string(hi);
  }

  std::string append() {
    const std::string message = make_message(shared_.config.message_bytes, ++shared_.message_counter);
    return check(client_.append("INBOX", message), "APPEND");
  }

  std::string operation(const std::string& kind) {
    if (kind == "select") return select();
    if (kind == "relogin") {
      client_.close();
      std::string e = client_.open(shared_.config.imap, shared_.config.tls, user_.name, user_.password);
      return e.empty() ? select() : e;
    }
    if (kind == "append") return append();
    if (kind == "idle") return check(client_.idle(shared_.config.idle_wait), "IDLE");
    if (kind == "search") {
      static const char* criteria[] = {"FLAGGED", "UNSEEN", "SUBJECT \"message 1\""};
      return check(client_.command(std::string("UID SEARCH ") + criteria[rng_() % 3]), "SEARCH");
    }
    if (kind == "expunge") {
      // Keep the mailbox from draining: below half the prefill, add a message instead of removing one.
      if (client_.view().size() <= shared_.config.prefill / 2) {
        const std::string e = append();
        if (!e.empty()) return e;
      }
      const std::uint32_t uid = random_uid();
      if (uid == 0) return "no message to expunge";
      const std::string u = std::to_string(uid);
      std::string e = check(client_.command("UID STORE " + u + " +FLAGS (\\Deleted)"), "STORE \\Deleted");
      if (!e.empty()) return e;
      return check(client_.command(client_.has("UIDPLUS") ? "UID EXPUNGE " + u : "EXPUNGE"), "EXPUNGE");
    }
    const std::string range = uid_range();
    if (range.empty()) return append();  // nothing known to read (an empty mailbox): give it something
    if (kind == "fetch_flags") return check(client_.command("UID FETCH " + range + " " + fetch_items("FLAGS")), "FETCH");
    if (kind == "fetch_envelope") return check(client_.command("UID FETCH " + range + " (ENVELOPE)"), "FETCH");
    if (kind == "fetch_body") {
      return check(client_.command("UID FETCH " + std::to_string(random_uid()) + " (BODY.PEEK[])"), "FETCH");
    }
    if (kind == "store") {
      static const char* flags[] = {"\\Flagged", "\\Seen", "$Bench"};
      const std::string sign = rng_() % 2 == 0 ? "+" : "-";
      return check(client_.command("UID STORE " + std::to_string(random_uid()) + " " + sign + "FLAGS (" +
                                   flags[rng_() % 3] + ")"),
                   "STORE");
    }
    return "unknown operation " + kind;
  }

  Shared& shared_;
  UserSetup& user_;
  std::string name_;  // "user1#0": this connection in inconsistency reports
  ImapClient client_;
  std::mt19937_64 rng_;
  unsigned total_weight_ = 0;
  std::map<std::string, OpStats> stats_;
};

// Reads one LMTP/SMTP reply (possibly multi-line); returns its final line, or "" on error/timeout.
std::string read_reply(NetStream& s, std::string& buf, Clock::time_point deadline) {
  for (;;) {
    std::size_t start = 0;
    for (auto crlf = buf.find("\r\n"); crlf != std::string::npos; crlf = buf.find("\r\n", start)) {
      const std::string line = buf.substr(start, crlf - start);
      start = crlf + 2;
      if (line.size() < 4 || line[3] != '-') {
        buf.erase(0, start);
        return line;
      }
    }
    if (!s.read_some(buf, deadline).empty()) return {};
  }
}

// Delivers to the users in turn at the configured rate, timing each transaction as "lmtp_deliver".
class LmtpSender {
 public:
  LmtpSender(Shared& shared, const std::vector<std::unique_ptr<UserSetup>>& users) : shared_(shared), users_(users) {}

  void run() {
    const auto interval = std::chrono::duration<double>(1.0 / shared_.config.lmtp_rate);
    auto next = Clock::now();
    for (std::uint64_t n = 0;; ++n) {
      std::this_thread::sleep_until(std::min(next, shared_.end));
      if (!shared_.keep_going()) break;
      next += std::chrono::duration_cast<Clock::duration>(interval);
      const std::string& user = users_[n % users_.size()]->name;
      const auto t0 = Clock::now();
      const std::string error = deliver(user.find('@') != std::string::npos ? user : user + "@" +
                                                                                         shared_.config.lmtp_domain);
      OpStats& s = stats_["lmtp_deliver"];
      s.latency_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      if (error.empty()) {
        ++s.ok;
      } else {
        ++s.errors;
        ++shared_.failed;
        shared_.note_error("lmtp_deliver", error);
        stream_.reset();
      }
      ++shared_.done;
    }
    if (stream_) stream_->write("QUIT\r\n", Clock::now() + std::chrono::seconds(2));
  }

  std::map<std::string, OpStats>& stats() { return stats_; }

 private:
  std::string deliver(const std::string& rcpt) {
    const auto deadline = Clock::now() + kCommandTimeout;
    std::string e;
    if (!stream_) {
      buf_.clear();
      stream_ = NetStream::connect(*shared_.config.lmtp, TlsOptions{.tls = false, .insecure = true, .cafile = {}}, deadline, e);
      if (!stream_) return e;
      if (!read_reply(*stream_, buf_, deadline).starts_with("220")) return "no LMTP greeting";
      if (!(e = stream_->write("LHLO sealbox-bench\r\n", deadline)).empty()) return e;
      if (!read_reply(*stream_, buf_, deadline).starts_with("250")) return "LHLO refused";
    }
    const std::string steps[][2] = {{"MAIL FROM:<bench@localhost>\r\n", "250"},
                                    {"RCPT TO:<" + rcpt + ">\r\n", "250"},
                                    {"DATA\r\n", "354"},
                                    {make_message(shared_.config.message_bytes, ++shared_.message_counter) + ".\r\n",
                                     "250"}};
    for (const auto& [send, expect] : steps) {
      if (!(e = stream_->write(send, deadline)).empty()) return e;
      const std::string reply = read_reply(*stream_, buf_, deadline);
      if (!reply.starts_with(expect)) {
        return "LMTP " + send.substr(0, send.find(':') == std::string::npos ? 4 : send.find(':')) + ": " +
               (reply.empty() ? "no reply" : reply);
      }
    }
    return {};
  }

  Shared& shared_;
  const std::vector<std::unique_ptr<UserSetup>>& users_;
  std::unique_ptr<NetStream> stream_;
  std::string buf_;
  std::map<std::string, OpStats> stats_;
};

// Brings each user's INBOX to `prefill` messages with APPEND.
std::string prefill(Shared& shared, UserSetup& user) {
  ImapClient c(nullptr, user.name + "#prefill");
  std::string e = c.open(shared.config.imap, shared.config.tls, user.name, user.password);
  if (!e.empty()) return e;
  if (c.command("SELECT INBOX").status != "OK") return "SELECT INBOX failed for " + user.name;
  while (c.view().size() < shared.config.prefill) {
    const Response r = c.append("INBOX", make_message(shared.config.message_bytes, ++shared.message_counter));
    if (r.status != "OK") return "prefill APPEND for " + user.name + ": " + r.text;
    if (c.command("NOOP").status != "OK") return "prefill NOOP failed for " + user.name;
  }
  c.close();
  return {};
}

}  // namespace

const std::vector<std::string>& mix_kinds() {
  static const std::vector<std::string> kinds = {"select", "fetch_flags", "fetch_envelope", "fetch_body", "store",
                                                 "append", "search",      "expunge",        "idle",       "relogin"};
  return kinds;
}

std::optional<std::vector<std::pair<std::string, unsigned>>> parse_mix(const std::string& text, std::string& error) {
  std::vector<std::pair<std::string, unsigned>> mix;
  unsigned total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view part = rest.substr(0, comma);
    const auto eq = part.find('=');
    const std::string kind(part.substr(0, eq));
    unsigned weight = 0;
    const std::string_view w = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
    if (w.empty() || ec != std::errc() || end != w.data() + w.size() || weight > 1000000) {
      error = "bad weight in '" + std::string(part) + "' (want kind=number)";
      return std::nullopt;
    }
    if (std::find(mix_kinds().begin(), mix_kinds().end(), kind) == mix_kinds().end()) {
      error = "unknown operation '" + kind + "'";
      return std::nullopt;
    }
    if (weight > 0) mix.emplace_back(kind, weight);
    total += weight;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (rest.empty()) {
      error = "trailing ',' in the mix";
      return std::nullopt;
    }
  }
  if (total == 0) {
    error = "the mix has no operation with a weight above 0";
    return std::nullopt;
  }
  return mix;
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  const std::string unit(end, text.data() + text.size());
  double ms = 0;
  if (unit.empty() || unit == "s") {
    ms = value * 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "m") {
    ms = value * 60000;
  } else {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::optional<double> parse_rate(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 0) return std::nullopt;
  const std::string unit(end, text.data() + text.size());
  if (unit.empty() || unit == "/s") return value;
  if (unit == "/m") return value / 60;
  return std::nullopt;
}

std::string expand_pattern(const std::string& pattern, unsigned n) {
  std::string out = pattern;
  for (auto at = out.find("{n}"); at != std::string::npos; at = out.find("{n}", at)) {
    out.replace(at, 3, std::to_string(n));
  }
  return out;
}

std::optional<Results> run_load(const LoadConfig& config, std::string& error) {
  Shared shared(config);
  std::vector<std::unique_ptr<UserSetup>> users;
  for (unsigned i = 0; i < config.users; ++i) {
    auto u = std::make_unique<UserSetup>();
    u->name = expand_pattern(config.user_pattern, config.first_user + i);
    u->password = expand_pattern(config.password_pattern, config.first_user + i);
    if (auto e = prefill(shared, *u); !e.empty()) {
      error = e;
      return std::nullopt;
    }
    users.push_back(std::move(u));
  }

  const std::optional<double> cpu_before = config.server_pid ? process_cpu_seconds(*config.server_pid) : std::nullopt;
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned u = 0; u < config.users; ++u) {
    for (unsigned c = 0; c < config.connections; ++c) {
      workers.push_back(std::make_unique<Worker>(shared, *users[u], c, 0x5ea1b0c5ull * (u * 1000 + c + 1)));
    }
  }
  std::optional<LmtpSender> lmtp;
  if (config.lmtp) lmtp.emplace(shared, users);

  const auto start = Clock::now();
  shared.end = start + config.duration;
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  if (lmtp) threads.emplace_back([&lmtp] { lmtp->run(); });

  // Progress line (once a second) until every operation has ended.
  // Also records the throughput of each full ~1 s tick (ops completed in it / its length) for the report's chart.
  std::atomic<bool> finished{false};
  std::vector<double> throughput;
  std::thread progress([&] {
    auto tick_start = start;
    std::uint64_t done_before = 0;
    while (!finished.load()) {
      for (int i = 0; i < 10 && !finished.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (finished.load()) continue;
      const auto now = Clock::now();
      const std::uint64_t done_now = shared.done.load();
      const double tick = std::chrono::duration<double>(now - tick_start).count();
      if (tick > 0) throughput.push_back(static_cast<double>(done_now - done_before) / tick);
      tick_start = now;
      done_before = done_now;
      if (!config.progress) continue;
      const double s = std::chrono::duration<double>(now - start).count();
      std::fprintf(stderr, "\r[%5.1f s] %llu ops, %.0f ops/s, %llu errors   ", s,
                   static_cast<unsigned long long>(shared.done.load()), s > 0 ? static_cast<double>(shared.done) / s : 0,
                   static_cast<unsigned long long>(shared.failed.load()));
    }
    if (config.progress) std::fprintf(stderr, "\n");
  });
  for (auto& t : threads) t.join();
  finished = true;
  progress.join();

  Results results;
  results.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  results.imap = config.imap.host + ":" + std::to_string(config.imap.port);
  if (config.lmtp) results.lmtp = config.lmtp->host + ":" + std::to_string(config.lmtp->port);
  results.users = config.users;
  results.connections = config.connections;
  results.throughput = std::move(throughput);
  for (auto& w : workers) {
    for (auto& [kind, s] : w->stats()) results.ops[kind].merge(s);
  }
  if (lmtp) {
    for (auto& [kind, s] : lmtp->stats()) results.ops[kind].merge(s);
  }
  results.error_samples = shared.error_samples;
  results.inconsistencies = shared.view_inconsistencies;
  results.inconsistency_samples = shared.view_samples;
  for (auto& u : users) {
    results.inconsistencies += u->ledger.inconsistency_count();
    for (auto& s : u->ledger.inconsistencies()) {
      if (results.inconsistency_samples.size() < kMaxErrorSamples) results.inconsistency_samples.push_back(s);
    }
  }
  if (config.server_pid) {
    const auto cpu_after = process_cpu_seconds(*config.server_pid);
    const auto rss = process_peak_rss_kib(*config.server_pid);
    if (cpu_before && cpu_after && rss) results.server = ServerUsage{*cpu_after - *cpu_before, *rss};
  }
  return results;
}

}  // namespace sealbox_bench
