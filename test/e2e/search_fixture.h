// The mailbox the RFC 4731 (ESEARCH) and RFC 5182 (SEARCHRES) end-to-end tests search, on a real server.
//
// alice's INBOX gets six messages (Subjects "m1".."m6", bodies "body 1".."body 6"; 1 is \Seen, 2 is \Seen
// \Flagged), then the third is expunged so UIDs have a gap: seq 1..5 = UID 1,2,4,5,6. Then seq 4:5 get \Flagged:
// Flagged seq 2,4,5 (UID 2,5,6), Seen seq 1,2, Deleted none. INBOX stays selected.
// `before_select` runs after the APPENDs and before SELECT INBOX; `after` runs last; each must answer OK.
#pragma once

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

namespace test_support {

struct SearchMailboxFixture : AliceSession {
  explicit SearchMailboxFixture(const std::vector<std::string>& before_select = {},
                                const std::vector<std::string>& after = {}) {
    for (int i = 1; i <= 6; ++i) {
      const std::string m = "From: alice@example.org\r\nSubject: m" + std::to_string(i) + "\r\n\r\nbody " +
                            std::to_string(i) + "\r\n";
      const std::string tag = "p" + std::to_string(i);
      auto status = append_message(*c, tag, "INBOX", m, i == 2 ? "(\\Seen \\Flagged)" : i == 1 ? "(\\Seen)" : "");
      BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK", 0) == 0u, status);
    }
    for (const auto& command : before_select) ok(command);
    ok("SELECT INBOX");
    ok("STORE 3 +FLAGS.SILENT (\\Deleted)");
    ok("EXPUNGE");
    ok("STORE 4:5 +FLAGS.SILENT (\\Flagged)");
    for (const auto& command : after) ok(command);
  }

  // The untagged responses and tagged status of `command` sent with tag `tag`.
  Lines run(const std::string& tag, const std::string& command) {
    c->send(tag + " " + command + "\r\n");
    return c->read_response(tag, std::chrono::seconds(30));
  }
};

}  // namespace test_support
