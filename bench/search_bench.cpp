// search_bench: what IMAP SEARCH costs on a large mailbox, against the real `sealbox serve` over TLS.
//   1. fills INBOX with N messages (default 10,000, ~4 KiB each: text/plain 7bit and quoted-printable,
//      multipart/alternative with a base64 text part and QP HTML, multipart/mixed with a latin-1 QP text part and a
//      PDF attachment; see bench/mime_samples.h) with MULTIAPPEND (RFC 3502) from several connections at once
//   2. times UID SEARCH BODY / TEXT / SUBJECT (every message decrypted and scanned), UNSEEN (flags only) and
//      FLAGGED BODY / UNSEEN BODY (the flag pass prunes before decryption), each repeated: wall time, messages of the
//      mailbox per second, messages decrypted per second and MB/s of plaintext decrypted
//   3. checks every answer against the generator (the exact UID set), so an error cannot pass as a fast result
//   4. the server's CPU time per decrypted message (all threads, from /proc), and one message's SEARCH work split
//      in-process, on one core: blob read, decryption + Brotli, MIME parse, decoding, matching
// Usage: search_bench [--sealbox PATH] [--messages N] [--connections C] [--repeats R]
//        (defaults: the sealbox binary next to bench/, 10,000 messages, 4 connections, 3 repeats)
// Bounded: the fill gives up after 900 s, each SEARCH after 300 s. Uses a temporary root under $TMPDIR.
// Exits 1 if a SEARCH answer is wrong (a correctness failure, never a speed one).
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>
#include <thread>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "bench/imap_client.h"
#include "bench/mime_samples.h"
#include "crypto/blob.h"
#include "mail/mime.h"
#include "mail/text.h"
#include "store/keyring.h"
#include "store/message_file.h"
#include "test/support/imap_server.h"
#include "test/support/temp_dir.h"

namespace {

using bench::appended_uids;
using test_support::TlsClient;

struct Options {
  std::string sealbox;
  unsigned messages = 10000;
  int connections = 4;
  int repeats = 3;
};

constexpr unsigned kAppendBatch = 50;  // messages per MULTIAPPEND command
constexpr double kFillSeconds = 900;
constexpr auto kSearchTimeout = std::chrono::seconds(300);
const std::string kUser = "bench";
const std::string kPassword = "benchmark password";

// The sealbox child of this process (ImapServer does not expose its pid), for its CPU time; 0 if not found.
pid_t server_pid() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    auto close = stat.rfind(')');
    if (close == std::string::npos || stat.find("(sealbox)") == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == getpid()) {
      return static_cast<pid_t>(std::stoi(e.path().filename().string()));
    }
  }
  return 0;
}

// User + system CPU seconds the process has used so far (all its threads).
double cpu_seconds(pid_t pid) {
  if (pid == 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; 14 utime, 15 stime (proc(5))
    if (i == 14) utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// One MULTIAPPEND of mails[first, last) with synchronizing literals; returns their UIDs.
std::vector<std::uint32_t> multiappend(TlsClient& c, const std::vector<bench::SearchMail>& mails, std::size_t first,
                                       std::size_t last, const std::string& tag) {
  for (std::size_t i = first; i < last; ++i) {
    const auto& m = mails[i];
    std::string flags = m.flagged && m.seen ? "(\\Flagged \\Seen) " : m.flagged ? "(\\Flagged) " : m.seen ? "(\\Seen) " : "";
    c.send((i == first ? tag + " APPEND INBOX " : std::string(" ")) + flags + "{" + std::to_string(m.text.size()) +
           "}\r\n");
    auto cont = c.read_line(std::chrono::seconds(60));
    if (cont.rfind("+", 0) != 0) throw std::runtime_error("no continuation: " + cont);
    c.send(m.text);
  }
  c.send("\r\n");
  auto done = c.read_response(tag, std::chrono::seconds(120));
  if (done.back().rfind(tag + " OK", 0) != 0) throw std::runtime_error("APPEND failed: " + done.back());
  auto uids = appended_uids(done.back());
  if (uids.size() != last - first) throw std::runtime_error("APPENDUID count mismatch: " + done.back());
  return uids;
}

// Fills INBOX from `connections` threads, each appending its own contiguous range; index_of_uid[uid] = message.
std::vector<std::int64_t> fill(const test_support::ImapServer& server, const std::vector<bench::SearchMail>& mails,
                               int connections) {
  const std::size_t n = mails.size();
  std::vector<std::uint32_t> uid_of(n, 0);
  std::atomic<bool> failed{false};
  std::atomic<std::size_t> done{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto c = server.login(kUser, kPassword);
        std::size_t begin = n * t / connections, end = n * (t + 1) / connections;
        for (std::size_t first = begin; first < end && !failed; first += kAppendBatch) {
          if (bench::seconds_since(t0) > kFillSeconds) throw std::runtime_error("fill took too long");
          std::size_t last = std::min(end, first + kAppendBatch);
          auto uids = multiappend(c, mails, first, last, "a" + std::to_string(first));
          for (std::size_t i = first; i < last; ++i) uid_of[i] = uids[i - first];
          done += last - first;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "fill connection %d: %s\n", t, e.what());
        failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  if (failed) throw std::runtime_error("filling the mailbox failed");
  double s = bench::seconds_since(t0);
  std::size_t bytes = 0;
  for (const auto& m : mails) bytes += m.text.size();
  std::printf("\nfilled INBOX: %zu messages, %.1f MB, average %.0f bytes, in %.1f s (%.0f messages/s; MULTIAPPEND of "
              "%u, %d connections)\n",
              n, bytes / 1e6, static_cast<double>(bytes) / n, s, n / s, kAppendBatch, connections);
  std::uint32_t max_uid = *std::max_element(uid_of.begin(), uid_of.end());
  std::vector<std::int64_t> index_of_uid(max_uid + 1, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (index_of_uid[uid_of[i]] != -1) throw std::runtime_error("a UID was given twice");
    index_of_uid[uid_of[i]] = static_cast<std::int64_t>(i);
  }
  return index_of_uid;
}

struct Case {
  const char* label;
  std::string criteria;
  std::function<bool(const bench::SearchMail&)> matches;
  std::function<bool(const bench::SearchMail&)> decrypted;  // which messages the server must decrypt
};

// Runs every case `repeats` times on one connection; false if any answer was wrong.
bool searches(TlsClient& c, pid_t pid, const std::vector<bench::SearchMail>& mails,
              const std::vector<std::int64_t>& index_of_uid, int repeats) {
  const std::string needle(bench::kBodyNeedle), word(bench::kSubjectWord);
  auto all = [](const bench::SearchMail&) { return true; };
  auto none = [](const bench::SearchMail&) { return false; };
  std::vector<Case> cases = {
      {"BODY needle", "BODY " + needle, [](const auto& m) { return m.body_needle; }, all},
      {"TEXT needle", "TEXT " + needle, [](const auto& m) { return m.body_needle || m.header_needle; }, all},
      {"SUBJECT word", "SUBJECT " + word, [](const auto& m) { return m.subject_word; }, all},
      {"BODY absent", "BODY qqxyzzyqq", none, all},
      {"UNSEEN", "UNSEEN", [](const auto& m) { return !m.seen; }, none},
      {"FLAGGED BODY needle", "FLAGGED BODY " + needle, [](const auto& m) { return m.flagged && m.body_needle; },
       [](const auto& m) { return m.flagged; }},
      {"UNSEEN BODY needle", "UNSEEN BODY " + needle, [](const auto& m) { return !m.seen && m.body_needle; },
       [](const auto& m) { return !m.seen; }},
  };
  bool all_right = true;
  std::printf("\n%-22s %8s %9s %8s %8s %12s %12s %9s %10s\n", "UID SEARCH", "matches", "decrypted", "best s",
              "median s", "mailbox/s", "decrypted/s", "MB/s", "CPU us/msg");
  int tag = 0;
  for (const auto& k : cases) {
    std::vector<char> expected(mails.size(), 0);
    std::size_t expected_count = 0, decrypted = 0, decrypted_bytes = 0;
    for (std::size_t i = 0; i < mails.size(); ++i) {
      expected[i] = k.matches(mails[i]);
      expected_count += expected[i];
      if (k.decrypted(mails[i])) {
        ++decrypted;
        decrypted_bytes += mails[i].text.size();
      }
    }
    std::vector<double> times;
    std::string error;
    double cpu0 = cpu_seconds(pid);
    for (int r = 0; r < repeats; ++r) {
      std::string t = "s" + std::to_string(++tag);
      auto t0 = std::chrono::steady_clock::now();
      c.send(t + " UID SEARCH " + k.criteria + "\r\n");
      auto lines = c.read_response(t, kSearchTimeout);
      times.push_back(bench::seconds_since(t0));
      if (lines.back().rfind(t + " OK", 0) != 0) {
        error = "failed: " + lines.back();
        continue;
      }
      std::vector<char> got(mails.size(), 0);
      std::size_t got_count = 0, unknown = 0;
      for (const auto& line : lines) {
        if (line.rfind("* SEARCH", 0) != 0) continue;
        for (std::size_t pos = 8; pos < line.size();) {
          std::size_t end = line.find(' ', pos + 1);
          if (end == std::string::npos) end = line.size();
          auto uid = std::stoul(line.substr(pos + 1, end - pos - 1));
          if (uid < index_of_uid.size() && index_of_uid[uid] >= 0) {
            got[static_cast<std::size_t>(index_of_uid[uid])] = 1;
            ++got_count;
          } else {
            ++unknown;
          }
          pos = end;
        }
      }
      std::size_t missing = 0, extra = 0;
      for (std::size_t i = 0; i < mails.size(); ++i) {
        missing += expected[i] && !got[i];
        extra += !expected[i] && got[i];
      }
      if (missing || extra || unknown || got_count != expected_count) {
        error = "WRONG: expected " + std::to_string(expected_count) + ", got " + std::to_string(got_count) + " (" +
                std::to_string(missing) + " missing, " + std::to_string(extra) + " extra, " +
                std::to_string(unknown) + " unknown UIDs)";
      }
    }
    double cpu = (cpu_seconds(pid) - cpu0) / repeats;  // server CPU per SEARCH, all threads
    std::sort(times.begin(), times.end());
    double best = times.front(), median = times[times.size() / 2];
    char cpu_text[32] = "-";
    if (decrypted > 0 && pid != 0) std::snprintf(cpu_text, sizeof cpu_text, "%.0f", cpu / decrypted * 1e6);
    std::printf("%-22s %8zu %9zu %8.3f %8.3f %12.0f %12.0f %9.1f %10s%s%s\n", k.label, expected_count, decrypted, best,
                median, mails.size() / best, decrypted / best, decrypted_bytes / best / 1e6, cpu_text,
                error.empty() ? "" : "  ", error.c_str());
    if (!error.empty()) all_right = false;
  }
  return all_right;
}

// The per-message work of SEARCH BODY/TEXT, stage by stage, on one core, over `sample` messages: the same calls
// the server makes (store::read_message of a blob file written by store::MessageWriter, as APPEND writes it).
void split(const std::vector<bench::SearchMail>& mails, std::size_t sample) {
  sample = std::min(sample, mails.size());
  test_support::TempDir dir;
  store::UserPaths paths(dir.path());
  std::filesystem::create_directories(paths.tmp());
  std::filesystem::create_directories(paths.blobs());
  store::Keyring keyring("bench", crypto::Key::random());
  std::vector<crypto::Key> deks;
  std::vector<base::Bytes> wrapped, sealed, stored, brotli;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < sample; ++i) {
    auto writer = store::MessageWriter::for_owner(paths, 1 << 20);
    if (!writer || !writer->write(base::as_bytes(mails[i].text)) ||
        !writer->commit(paths.blobs() / std::to_string(i))) {
      throw std::runtime_error("cannot write a blob file");
    }
    deks.push_back(writer->dek().clone());
    wrapped.push_back(keyring.wrap_dek(writer->dek(), std::to_string(i)));
    sealed.push_back(crypto::seal_blob(writer->dek(), {}, base::as_bytes(mails[i].text)));
    std::mt19937 rng(static_cast<unsigned>(i));  // same size, incompressible: the blob keeps it stored
    stored.push_back(crypto::seal_blob(writer->dek(), {}, base::as_bytes(bench::random_bytes(rng, mails[i].text.size()))));
    const auto& text = mails[i].text;  // as BlobWriter compresses a one-chunk message: quality 4, window ~ its size
    int lgwin = std::clamp(static_cast<int>(std::bit_width(text.size())), BROTLI_MIN_WINDOW_BITS, 17);
    std::size_t encoded = BrotliEncoderMaxCompressedSize(text.size());
    brotli.emplace_back(encoded);
    BrotliEncoderCompress(4, lgwin, BROTLI_MODE_GENERIC, text.size(), reinterpret_cast<const std::uint8_t*>(text.data()),
                          &encoded, brotli.back().data());
    brotli.back().resize(encoded);
    bytes += mails[i].text.size();
  }
  std::vector<std::string> plain(sample);
  std::vector<mail::Part> roots(sample);
  const std::string needle = mail::fold_case(bench::kBodyNeedle);
  volatile std::size_t sink = 0;
  std::printf("\nwhere the time goes, per message, %zu messages of the mailbox, in-process, one thread unless "
              "the row says:\n", sample);
  std::printf("%-48s %10s %10s\n", "stage", "us/msg", "MB/s");
  auto stage = [&](const char* label, auto fn) {
    int passes = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (passes < 3 || (bench::seconds_since(t0) < 1.0 && passes < 1000)) {
      for (std::size_t i = 0; i < sample; ++i) fn(i);
      ++passes;
    }
    double per_msg = bench::seconds_since(t0) / passes / sample;
    std::printf("%-48s %10.1f %10.1f\n", label, per_msg * 1e6, bytes / sample / per_msg / 1e6);
    return per_msg;
  };

  double read = stage("store::read_message (file, decrypt, Brotli)", [&](std::size_t i) {
    auto p = store::read_message(paths.blobs() / std::to_string(i), deks[i]);
    if (!p) throw std::runtime_error("read_message failed: " + p.error().message());
    plain[i].assign(base::as_chars(*p));
  });
  stage("  of which: read the file (open, read, close)", [&](std::size_t i) {
    std::ifstream in(paths.blobs() / std::to_string(i), std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    sink = sink + s.size();
  });
  stage("  of which: crypto::open_blob in memory", [&](std::size_t i) {
    auto p = crypto::open_blob(deks[i], {}, sealed[i]);
    if (!p) throw std::runtime_error("open_blob failed");
    sink = sink + p->size();
  });
  stage("    decrypt only (stored, no Brotli; key copy)", [&](std::size_t i) {
    auto p = crypto::open_blob(deks[i], {}, stored[i]);
    if (!p) throw std::runtime_error("open_blob failed");
    sink = sink + p->size();
  });
  stage("    BrotliDecoderDecompress alone", [&](std::size_t i) {
    base::Bytes out(64 * 1024);
    std::size_t decoded = out.size();
    if (BrotliDecoderDecompress(brotli[i].size(), brotli[i].data(), &decoded, out.data()) !=
        BROTLI_DECODER_RESULT_SUCCESS) {
      throw std::runtime_error("brotli failed");
    }
    sink = sink + decoded;
  });
  double unwrap = stage("Keyring::unwrap_dek (AEAD, two guarded allocations)", [&](std::size_t i) {
    auto dek = keyring.unwrap_dek(wrapped[i], std::to_string(i));
    if (!dek) throw std::runtime_error("unwrap_dek failed");
    sink = sink + dek->data()[0];
  });
  stage("  of which: crypto::Key::random() + free", [&](std::size_t) { sink = sink + crypto::Key::random().data()[0]; });
  double parse = stage("mail::parse_message", [&](std::size_t i) { roots[i] = mail::parse_message(plain[i]); });
  double body = stage("searchable_text body + contains_folded (BODY)", [&](std::size_t i) {
    sink = sink + mail::contains_folded(mail::searchable_text(plain[i], roots[i], false), needle);
  });
  double text = stage("searchable_text all + contains_folded (TEXT)", [&](std::size_t i) {
    sink = sink + mail::contains_folded(mail::searchable_text(plain[i], roots[i], true), needle);
  });
  stage("decoded_header Subject (SUBJECT)", [&](std::size_t i) {
    sink = sink + mail::decoded_header(roots[i].fields, "Subject").size();
  });
  double sum_body = unwrap + read + parse + body, sum_text = unwrap + read + parse + text;
  std::printf("%-48s %10.1f %10.1f\n", "sum for BODY (unwrap + read + parse + text)", sum_body * 1e6,
              bytes / sample / sum_body / 1e6);
  std::printf("%-48s %10.1f %10.1f\n", "sum for TEXT", sum_text * 1e6, bytes / sample / sum_text / 1e6);

  // The server's per-message path end to end (unwrap, read_message, copy, parse, BODY text, match), on 1 and 2
  // threads at once: what the pool could do on this machine.
  // Without unwrap_dek (the keys unwrapped beforehand), and without decryption at all (parse + text of the
  // plaintext), to see what the guarded-memory allocations cost and whether two threads scale.
  struct Variant {
    unsigned threads;
    bool unwrap, decrypt;
    const char* label;
  };
  for (Variant v : {Variant{1, true, true, "whole BODY path, 1 thread (wall / messages)"},
                    Variant{2, true, true, "whole BODY path, 2 threads (wall / messages)"},
                    Variant{1, false, true, "  without unwrap_dek, 1 thread"},
                    Variant{2, false, true, "  without unwrap_dek, 2 threads"},
                    Variant{1, false, false, "  parse + text only, 1 thread"},
                    Variant{2, false, false, "  parse + text only, 2 threads"}}) {
    const unsigned threads = v.threads;
    int passes = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (passes < 3 || (bench::seconds_since(t0) < 1.0 && passes < 1000)) {
      std::vector<std::thread> workers;
      for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
          for (std::size_t i = sample * t / threads; i < sample * (t + 1) / threads; ++i) {
            std::string message;
            if (v.decrypt) {
              std::optional<crypto::Key> unwrapped;
              if (v.unwrap) unwrapped.emplace(std::move(*keyring.unwrap_dek(wrapped[i], std::to_string(i))));
              auto p = store::read_message(paths.blobs() / std::to_string(i), v.unwrap ? *unwrapped : deks[i]);
              message.assign(base::as_chars(*p));
            } else {
              message = plain[i];
            }
            auto root = mail::parse_message(message);
            sink = sink + mail::contains_folded(mail::searchable_text(message, root, false), needle);
          }
        });
      }
      for (auto& w : workers) w.join();
      ++passes;
    }
    double per_msg = bench::seconds_since(t0) / passes / sample;
    std::printf("%-48s %10.1f %10.1f\n", v.label, per_msg * 1e6, bytes / sample / per_msg / 1e6);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  opt.sealbox = (std::filesystem::path(argv[0]).parent_path() / ".." / "sealbox").lexically_normal().string();
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--sealbox") == 0) opt.sealbox = argv[i + 1];
    if (std::strcmp(argv[i], "--messages") == 0) opt.messages = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--connections") == 0) opt.connections = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--repeats") == 0) opt.repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  opt.messages = std::max(opt.messages, 1u);
  bench::print_header("search_bench");
  crypto::init();
  ::setenv("SEALBOX_BIN", std::filesystem::absolute(opt.sealbox).c_str(), 1);  // what ImapServer starts
  try {
    std::vector<bench::SearchMail> mails;
    mails.reserve(opt.messages);
    for (unsigned i = 0; i < opt.messages; ++i) mails.push_back(bench::search_mail(i));

    test_support::ImapServer server;
    server.add_user(kUser, kPassword);
    auto index_of_uid = fill(server, mails, opt.connections);

    auto c = server.login(kUser, kPassword);
    auto sel = c.command("x", "EXAMINE INBOX", std::chrono::seconds(60));
    if (sel.rfind("x OK", 0) != 0) throw std::runtime_error("EXAMINE failed: " + sel);
    std::optional<std::uint32_t> exists;
    for (const auto& line : c.last_untagged()) {
      if (auto e = test_support::untagged_number(line, "EXISTS")) exists = e;
    }
    if (exists != opt.messages) throw std::runtime_error("INBOX does not hold every message appended");
    bool right = searches(c, server_pid(), mails, index_of_uid, opt.repeats);
    split(mails, 2000);
    c.close();
    server.stop();
    if (!right) {
      std::fprintf(stderr, "search_bench: a SEARCH answer was wrong (see above)\n");
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
