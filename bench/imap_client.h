// What the IMAP benchmarks (imap_bench, qresync_bench) share to drive the real `sealbox serve` over TLS on loopback:
// a temporary data root with one user, a loopback-only config (LMTP off) and a self-signed certificate; the server
// started on it; logged-in clients; APPEND one message with a synchronizing literal; MULTIAPPEND (RFC 3502) many
// with LITERAL+ (RFC 7888) so a whole batch goes out without waiting for continuations.
//
//   bench::BenchServer server(sealbox_binary);           // started; server.port()
//   auto c = bench::login(server.port());               // LOGIN + SELECT INBOX
//   auto uids = bench::multiappend(c, "INBOX", messages, 0, messages.size(), "a1");
//
// Failures throw std::runtime_error; benchmarks catch it in main() and exit 1.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/self_signed.h"
#include "test/support/process.h"
#include "test/support/server_process.h"
#include "test/support/temp_dir.h"
#include "test/support/tls_client.h"

namespace bench {

inline const std::string kBenchUser = "bench";
inline const std::string kBenchPassword = "benchmark password";

inline std::string run_checked(const std::vector<std::string>& argv) {
  auto r = test_support::run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " failed: " + r.err);
  return r.out;
}

// A data root under `dir` with user kBenchUser, IMAPS on 127.0.0.1 port 0 only, 64 MiB messages allowed.
inline std::filesystem::path make_root(const test_support::TempDir& dir, const std::string& sealbox) {
  auto root = dir.path() / "root";
  run_checked({sealbox, "--root", root.string(), "init"});
  auto config = test_support::read_file(root / "sealbox.toml");
  auto set = [&](const std::string& key, const std::string& value) {
    auto at = config.find("\n" + key + " = ");
    auto end = config.find('\n', at + 1);
    config.replace(at + 1, end - at - 1, key + " = " + value);
  };
  set("listen", "[\"127.0.0.1:0\"]");  // the first listen line is [imap]'s
  auto lmtp = config.find("[lmtp]");
  auto lmtp_listen = config.find("listen = ", lmtp);
  config.replace(lmtp_listen, config.find('\n', lmtp_listen) - lmtp_listen, "listen = []");
  set("max_message_bytes", "67108864");
  test_support::write_file(root / "sealbox.toml", config);
  if (!net::make_self_signed(root / "tls/fullchain.pem", root / "tls/key.pem", {"localhost"}, {"127.0.0.1"}, 2)) {
    throw std::runtime_error("cannot make a certificate");
  }
  test_support::write_file(dir.path() / "pw", kBenchPassword + "\n");
  run_checked({sealbox, "--root", root.string(), "user", "add", kBenchUser, "--password-file",
               (dir.path() / "pw").string()});
  return root;
}

inline test_support::ServerOptions serve_options(const std::string& sealbox, const std::filesystem::path& root) {
  test_support::ServerOptions so;
  so.binary = sealbox;
  so.args = {"--root", root.string(), "serve", "--ports-file", "{ports}"};
  return so;
}

// `sealbox serve` on a fresh temporary root (removed on destruction, after the server stops).
struct BenchServer {
  explicit BenchServer(const std::string& sealbox)
      : root(make_root(dir, sealbox)), server(serve_options(sealbox, root)) {}
  std::uint16_t port() const { return server.imaps_port(); }

  test_support::TempDir dir;
  std::filesystem::path root;
  test_support::ServerProcess server;
};

// A TLS connection with the greeting read and kBenchUser logged in.
inline test_support::TlsClient login_only(std::uint16_t port) {
  auto c = test_support::TlsClient::connect(port);
  c.read_line();  // greeting
  auto ok = c.command("l", "LOGIN " + kBenchUser + " \"" + kBenchPassword + "\"", std::chrono::seconds(30));
  if (ok.rfind("l OK", 0) != 0) throw std::runtime_error("login failed: " + ok);
  return c;
}

// login_only() + SELECT INBOX.
inline test_support::TlsClient login(std::uint16_t port) {
  auto c = login_only(port);
  auto sel = c.command("s", "SELECT INBOX", std::chrono::seconds(60));
  if (sel.rfind("s OK", 0) != 0) throw std::runtime_error("select failed: " + sel);
  return c;
}

// APPEND of one message to INBOX with a synchronizing literal (one round trip for the "+", one for the OK).
inline void append_one(test_support::TlsClient& c, const std::string& message, int tag) {
  std::string t = "a" + std::to_string(tag);
  c.send(t + " APPEND INBOX {" + std::to_string(message.size()) + "}\r\n");
  auto cont = c.read_line();
  if (cont.rfind("+", 0) != 0) throw std::runtime_error("no continuation: " + cont);
  c.send(message);
  c.send("\r\n");
  auto done = c.read_response(t, std::chrono::seconds(60));
  if (done.back().rfind(t + " OK", 0) != 0) throw std::runtime_error("APPEND failed: " + done.back());
}

// "2:4,7" -> 2, 3, 4, 7: the numbers of a sequence set, in the order written.
inline std::vector<std::uint32_t> expand_set(const std::string& set) {
  std::vector<std::uint32_t> out;
  std::size_t pos = 0;
  while (pos < set.size()) {
    auto end = set.find(',', pos);
    if (end == std::string::npos) end = set.size();
    auto item = set.substr(pos, end - pos);
    auto colon = item.find(':');
    std::uint32_t a = std::stoul(item.substr(0, colon));
    std::uint32_t b = colon == std::string::npos ? a : std::stoul(item.substr(colon + 1));
    for (std::uint32_t u = std::min(a, b); u <= std::max(a, b); ++u) out.push_back(u);
    pos = end + 1;
  }
  return out;
}

// Ascending numbers -> "2:4,7".
inline std::string compact_set(const std::vector<std::uint32_t>& ascending) {
  std::string out;
  for (std::size_t i = 0; i < ascending.size();) {
    std::size_t j = i;
    while (j + 1 < ascending.size() && ascending[j + 1] == ascending[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(ascending[i]);
    if (j > i) out += ':' + std::to_string(ascending[j]);
    i = j + 1;
  }
  return out;
}

// "[APPENDUID 17 5,6,9:12]" in a tagged OK: the UIDs, in message order.
inline std::vector<std::uint32_t> appended_uids(const std::string& line) {
  auto at = line.find("[APPENDUID ");
  if (at == std::string::npos) throw std::runtime_error("no APPENDUID: " + line);
  auto set_begin = line.find(' ', at + 11) + 1;
  return expand_set(line.substr(set_begin, line.find(']', set_begin) - set_begin));
}

// One MULTIAPPEND of messages[first, last) to `mailbox` with non-synchronizing literals ({n+}, LITERAL+): the whole
// command is sent at once and answered once. flags[i], when given, is the flag list of message i ("(\\Seen)" or "").
// Returns the UIDs (from APPENDUID).
inline std::vector<std::uint32_t> multiappend(test_support::TlsClient& c, const std::string& mailbox,
                                              const std::vector<std::string>& messages, std::size_t first,
                                              std::size_t last, const std::string& tag,
                                              const std::vector<std::string>* flags = nullptr) {
  std::string out = tag + " APPEND " + mailbox;
  for (std::size_t i = first; i < last; ++i) {
    out += ' ';
    if (flags && !(*flags)[i].empty()) out += (*flags)[i] + ' ';
    out += "{" + std::to_string(messages[i].size()) + "+}\r\n";
    out += messages[i];
  }
  out += "\r\n";
  c.send(out, std::chrono::seconds(60));
  auto done = c.read_response(tag, std::chrono::seconds(120));
  if (done.back().rfind(tag + " OK", 0) != 0) throw std::runtime_error("APPEND failed: " + done.back());
  auto uids = appended_uids(done.back());
  if (uids.size() != last - first) throw std::runtime_error("APPENDUID count mismatch: " + done.back());
  return uids;
}

}  // namespace bench
