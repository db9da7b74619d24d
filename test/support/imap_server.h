// ImapServer: a running `sealbox serve` for IMAP e2e tests: a SealboxRoot (temporary data root, Argon2id at its
// floor), a fresh self-signed certificate, a config that listens on 127.0.0.1 port 0 only with LMTP off, and the
// server process.
//
//   test_support::ImapServer server;                 // started
//   server.add_user("alice", "secret-pw");           // through the CLI (8+ characters); works while it runs
//   server.deliver("alice", message);                // `sealbox deliver`: imported at the user's next login
//   auto c = server.login("alice", "secret-pw");     // greeting read, "OK LOGIN" checked
//   BOOST_TEST(c.command("a1", "SELECT INBOX") == "a1 OK [READ-WRITE] SELECT completed");
//   server.restart();                                // SIGTERM, wait, start again on a new port
//
// Failures throw std::runtime_error (log() has the server's stderr for messages). Not thread-safe, except connect()
// and login(), which only read the port: several threads may call them while nobody starts or stops the server.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "test/support/cli_fixture.h"
#include "test/support/server_process.h"
#include "test/support/tls_client.h"

namespace test_support {

struct ImapServerOptions {
  // Extra "section.key" = value (TOML text as written: "1024", "\"debug\"") set in sealbox.toml before the start,
  // e.g. {"imap.max_message_bytes", "4096"}.
  std::map<std::string, std::string> config;
  bool start = true;  // start the server in the constructor
  bool lmtp = false;  // also serve LMTP on 127.0.0.1, kernel-chosen port (lmtp_port())
};

class ImapServer {
 public:
  ImapServer() : ImapServer(ImapServerOptions{}) {}
  explicit ImapServer(ImapServerOptions options);
  ~ImapServer();
  ImapServer(const ImapServer&) = delete;
  ImapServer& operator=(const ImapServer&) = delete;

  const std::filesystem::path& root() const { return root_.root(); }
  const SealboxRoot& cli() const { return root_; }
  std::filesystem::path user_dir(const std::string& user) const { return root_.user_dir(user); }

  // `sealbox user add` (before or while the server runs). Throws on failure.
  void add_user(const std::string& user, const std::string& password) const;
  // `sealbox deliver --user U [--mailbox M]` with the message on stdin. Throws unless it exits 0.
  void deliver(const std::string& user, const std::string& message, const std::string& mailbox = {}) const;

  // Starts the server (when not running); stop() with SIGTERM and returns its exit status; kill9() crashes it.
  void start();
  int stop();
  int kill9();
  void restart() {
    stop();
    start();
  }
  bool running() { return process_ != nullptr && process_->running(); }
  std::uint16_t port() const;
  std::uint16_t lmtp_port() const;  // with ImapServerOptions::lmtp
  // The server's log so far (of the current or last process), for failure messages.
  std::string log() const;

  // A TLS connection with the greeting read (and checked to start with "* OK").
  TlsClient connect() const;
  // connect() plus "l1 LOGIN user password" (as quoted strings), checked to be OK. Throws otherwise.
  TlsClient login(const std::string& user, const std::string& password) const;

 private:
  void set_config(const std::string& section, const std::string& key, const std::string& value);

  SealboxRoot root_;
  bool lmtp_ = false;
  std::unique_ptr<ServerProcess> process_;
  std::string last_log_;
};

// IMAP quoted string for s (which must not hold CR, LF or NUL): "\"" + s with \ and " escaped + "\"".
std::string imap_quote(const std::string& s);

// APPEND with a synchronizing literal: sends "tag APPEND mailbox[ options] {n}", waits for the "+" continuation
// (returning the server's line instead if it answers otherwise), sends the message and CRLF, and returns the tagged
// line; the untagged responses before it go to `untagged` when given. `options` is sent as is ("(\\Seen) \"date\"").
std::string append_message(TlsClient& client, const std::string& tag, const std::string& mailbox,
                           const std::string& message, const std::string& options = {},
                           std::vector<std::string>* untagged = nullptr);

// One untagged FETCH response taken apart: "* 3 FETCH (UID 7 FLAGS (\\Seen) BODY[] {5}\r\nhello)" gives seq 3 and
// items {"UID": "7", "FLAGS": "(\\Seen)", "BODY[]": "hello"}. Values: a literal's bytes, a quoted string's content
// (unescaped), a parenthesised list as its raw text with the parentheses, anything else as the atom. Item names are
// kept as sent ("BODY[HEADER.FIELDS (SUBJECT)]<0>").
struct FetchData {
  std::uint32_t seq = 0;
  std::map<std::string, std::string> items;
  std::vector<std::string> order;  // item names in the order sent
};
// nullopt when `response` is not "* n FETCH (...)". Throws std::runtime_error when it is one but malformed.
std::optional<FetchData> parse_fetch(const std::string& response);

// "(\\Seen $Junk)" -> {"$Junk", "\\Seen"} (sorted). Throws when not a parenthesised list.
std::set<std::string> parse_flags(const std::string& list);

// "* 12 EXISTS" -> 12 for word "EXISTS"; nullopt otherwise.
std::optional<std::uint32_t> untagged_number(const std::string& response, const std::string& word);

}  // namespace test_support
