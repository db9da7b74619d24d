// The fixture most IMAP e2e tests start from: a real server with user alice logged in over TLS, and the three
// things every test does with that session: a command that must answer OK, a command whose answer is checked, and
// an APPEND that must succeed. Tags are fresh per command ("t1", "t2", ...; "p1"... for APPEND).
#pragma once

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"

namespace test_support {

struct AliceSession {
  using Lines = std::vector<std::string>;

  explicit AliceSession(ImapServerOptions options = {}) : server(std::move(options)) {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }

  // Sends `command` with a fresh tag, checks it answers OK and returns its untagged responses.
  Lines ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c->command(tag, command, std::chrono::seconds(60));
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c->last_untagged();
  }
  // The tagged answer of `command` without its tag: "OK ...", "NO [CODE] ...", "BAD ...".
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c->command(tag, command).substr(tag.size() + 1);
  }
  // APPEND with a synchronizing literal; must answer OK.
  void append(const std::string& mailbox, const std::string& message, const std::string& options = {}) {
    const std::string tag = "p" + std::to_string(++tags);
    auto status = append_message(*c, tag, mailbox, message, options);
    BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK", 0) == 0u, status);
  }

  ImapServer server;
  std::optional<TlsClient> c;
  int tags = 0;
};

}  // namespace test_support
