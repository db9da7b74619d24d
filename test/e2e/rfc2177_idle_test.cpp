// RFC 2177 IDLE over the real server: an IDLE-ing session is told at once of messages added, flags changed and
// messages expunged by another session (two IDLE-ing sessions both are); changes queued before IDLE are sent right
// after the continuation; DONE ends it (any case) and anything else is BAD; IDLE works without a selected mailbox;
// the session is usable afterwards; a `sealbox deliver` (another process) reaches IDLE-ing sessions at once through
// the daemon's spool watch; a delivery for a user who is not logged in appears at the next login; and CAPABILITY
// advertises IDLE.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "test/support/imap_server.h"

using namespace test_support;
using namespace std::chrono_literals;

namespace {

const std::string kMessage = "Subject: idle test\r\n\r\nhello\r\n";

struct IdleFixture {
  IdleFixture() {
    server.add_user("alice", "alice-password");
    a.emplace(server.login("alice", "alice-password"));
    b.emplace(server.login("alice", "alice-password"));
    BOOST_REQUIRE(a->command("a0", "SELECT INBOX").rfind("a0 OK", 0) == 0u);
    BOOST_REQUIRE(b->command("b0", "SELECT INBOX").rfind("b0 OK", 0) == 0u);
  }
  void append_by_b() {
    auto status = append_message(*b, "b" + std::to_string(++tags), "INBOX", kMessage);
    BOOST_REQUIRE_MESSAGE(status.find(" OK ") != std::string::npos, status);
  }
  // Starts IDLE on `c` and checks the continuation.
  static void start_idle(TlsClient& c, const std::string& tag) {
    c.send(tag + " IDLE\r\n");
    BOOST_REQUIRE_EQUAL(c.read_line(), "+ idling");
  }
  static void done(TlsClient& c, const std::string& tag, const std::string& word = "DONE") {
    c.send(word + "\r\n");
    BOOST_TEST(c.read_line(5s) == tag + " OK IDLE terminated");
  }

  ImapServer server;
  std::optional<TlsClient> a, b;
  int tags = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc2177_idle)

BOOST_FIXTURE_TEST_CASE(capability_advertises_idle, IdleFixture) {
  a->command("c1", "CAPABILITY");
  BOOST_REQUIRE_EQUAL(a->last_untagged().size(), 1u);
  BOOST_TEST(a->last_untagged()[0].find(" IDLE ") != std::string::npos, a->last_untagged()[0]);
}

BOOST_FIXTURE_TEST_CASE(new_messages_flags_and_expunges_arrive_while_idling, IdleFixture) {
  start_idle(*a, "i1");
  append_by_b();
  BOOST_TEST(a->read_line(5s) == "* 1 EXISTS");
  append_by_b();
  BOOST_TEST(a->read_line(5s) == "* 2 EXISTS");
  BOOST_TEST(b->command("b10", "STORE 1 +FLAGS (\\Flagged)").rfind("b10 OK", 0) == 0u);
  BOOST_TEST(a->read_line(5s) == "* 1 FETCH (UID 1 FLAGS (\\Flagged))");
  BOOST_TEST(b->command("b11", "STORE 1 +FLAGS.SILENT (\\Deleted)").rfind("b11 OK", 0) == 0u);
  BOOST_TEST(a->read_line(5s) == "* 1 FETCH (UID 1 FLAGS (\\Deleted \\Flagged))");
  BOOST_TEST(b->command("b12", "EXPUNGE").rfind("b12 OK", 0) == 0u);
  BOOST_TEST(a->read_line(5s) == "* 1 EXPUNGE");
  done(*a, "i1");
  // The view is consistent afterwards: one message, UID 2.
  BOOST_TEST(a->command("a1", "FETCH 1:* UID") == "a1 OK FETCH completed");
  BOOST_TEST(a->last_untagged() == std::vector<std::string>{"* 1 FETCH (UID 2)"});
}

BOOST_FIXTURE_TEST_CASE(two_idle_sessions_both_hear_it, IdleFixture) {
  auto c = server.login("alice", "alice-password");
  BOOST_REQUIRE(c.command("c0", "SELECT INBOX").rfind("c0 OK", 0) == 0u);
  start_idle(*a, "i1");
  start_idle(c, "i2");
  append_by_b();
  BOOST_TEST(a->read_line(5s) == "* 1 EXISTS");
  BOOST_TEST(c.read_line(5s) == "* 1 EXISTS");
  done(*a, "i1");
  done(c, "i2", "done");  // case-insensitive
}

BOOST_FIXTURE_TEST_CASE(changes_queued_before_idle_are_sent_at_once, IdleFixture) {
  append_by_b();
  append_by_b();
  a->send("i1 IDLE\r\n");
  BOOST_TEST(a->read_line(5s) == "+ idling");
  BOOST_TEST(a->read_line(5s) == "* 2 EXISTS");
  done(*a, "i1");
}

BOOST_FIXTURE_TEST_CASE(other_mailboxes_do_not_wake_it, IdleFixture) {
  BOOST_REQUIRE(b->command("b1", "CREATE Other").rfind("b1 OK", 0) == 0u);
  start_idle(*a, "i1");
  auto status = append_message(*b, "b2", "Other", kMessage);
  BOOST_REQUIRE(status.rfind("b2 OK", 0) == 0u);
  append_by_b();
  // The first line after the continuation is INBOX's EXISTS: nothing was sent for Other.
  BOOST_TEST(a->read_line(5s) == "* 1 EXISTS");
  done(*a, "i1");
}

BOOST_FIXTURE_TEST_CASE(anything_but_done_is_bad_and_the_session_goes_on, IdleFixture) {
  start_idle(*a, "i1");
  a->send("a2 NOOP\r\n");
  BOOST_TEST(a->read_line(5s) == "i1 BAD Expected DONE");
  BOOST_TEST(a->command("a3", "NOOP") == "a3 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(idle_without_a_selected_mailbox, IdleFixture) {
  auto c = server.login("alice", "alice-password");
  start_idle(c, "i1");
  append_by_b();  // nothing to tell: no mailbox selected
  done(c, "i1");
  BOOST_TEST(c.command("c1", "SELECT INBOX").rfind("c1 OK", 0) == 0u);
  BOOST_TEST(c.last_untagged().size() >= 1u);
}

BOOST_FIXTURE_TEST_CASE(sealbox_deliver_reaches_idle_sessions_at_once, IdleFixture) {
  // `sealbox deliver` is another process: the daemon sees the spool entry appear (inotify) and imports it.
  start_idle(*a, "i1");
  start_idle(*b, "i2");
  const std::string delivered = "Subject: by deliver\r\n\r\n8-bit \xc3\xa9 body\r\n";
  server.deliver("alice", delivered);
  BOOST_TEST(a->read_line(5s) == "* 1 EXISTS");
  BOOST_TEST(b->read_line(5s) == "* 1 EXISTS");
  done(*a, "i1");
  done(*b, "i2");
  BOOST_TEST(a->command("a1", "FETCH 1 BODY.PEEK[]") == "a1 OK FETCH completed");
  BOOST_TEST(a->last_untagged() ==
             std::vector<std::string>{"* 1 FETCH (BODY[] {" + std::to_string(delivered.size()) + "}\r\n" + delivered + ")"});
  // A second delivery while not idling shows up with the next NOOP.
  server.deliver("alice", delivered);
  for (int i = 0; i < 50; ++i) {
    BOOST_TEST(a->command("a2", "NOOP") == "a2 OK NOOP completed");
    if (!a->last_untagged().empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  BOOST_TEST(a->last_untagged() == std::vector<std::string>{"* 2 EXISTS"});
}

BOOST_FIXTURE_TEST_CASE(delivery_for_a_user_not_logged_in_appears_at_login, IdleFixture) {
  server.add_user("bob", "bob-password");
  server.deliver("bob", kMessage);
  server.deliver("bob", kMessage);
  auto c = server.login("bob", "bob-password");
  BOOST_TEST(c.command("c1", "SELECT INBOX").rfind("c1 OK", 0) == 0u);
  BOOST_TEST((std::find(c.last_untagged().begin(), c.last_untagged().end(), "* 2 EXISTS") != c.last_untagged().end()));
}

BOOST_FIXTURE_TEST_CASE(polling_with_noop_sees_the_same, IdleFixture) {
  append_by_b();
  BOOST_TEST(a->command("a1", "NOOP") == "a1 OK NOOP completed");
  BOOST_TEST(a->last_untagged() == std::vector<std::string>{"* 1 EXISTS"});
}

BOOST_AUTO_TEST_SUITE_END()
