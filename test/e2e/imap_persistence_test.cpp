// What the server acknowledged survives it: a clean stop (SIGTERM) and restart, and a crash (SIGKILL right after the
// last tagged OK) and restart, must show the same mailboxes, subscriptions, UIDVALIDITY/UIDNEXT, UIDs, flags,
// internal dates and bytes. A command the server never acknowledged (an APPEND cut off by the crash) leaves nothing.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;
constexpr auto kTimeout = std::chrono::seconds(30);

struct Session {
  TlsClient c;
  int tags = 0;

  Lines ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c.command(tag, command, kTimeout);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c.last_untagged();
  }
  void append(const std::string& mailbox, const std::string& message, const std::string& options = {}) {
    const std::string tag = "p" + std::to_string(++tags);
    const auto status = append_message(c, tag, mailbox, message, options);
    BOOST_TEST(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
  }
};

// Everything a client can see of the account, as text: LIST, LSUB, and per selectable mailbox its STATUS and every
// message's UID, flags, internal date, size and bytes.
std::string snapshot(Session& s) {
  std::string out;
  const auto list = s.ok("LIST \"\" *");
  for (const auto& line : list) out += line + "\n";
  for (const auto& line : s.ok("LSUB \"\" *")) out += line + "\n";
  for (const auto& line : list) {
    if (line.find("\\Noselect") != std::string::npos) continue;
    const std::string name = line.substr(line.find("\"/\" ") + 4);
    for (const auto& r : s.ok("STATUS " + name + " (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")) out += r + "\n";
    const auto selected = s.ok("EXAMINE " + name);
    if (std::find(selected.begin(), selected.end(), "* 0 EXISTS") == selected.end()) {
      for (const auto& r : s.ok("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")) out += r + "\n";
    }
    s.ok("UNSELECT");
  }
  return out;
}

// Builds some history: mailboxes (one with a modified UTF-7 name, one renamed), subscriptions, messages of every
// kind with flags and dates, flag changes, an expunge, copies.
void make_history(Session& s, unsigned seed) {
  s.ok("CREATE Work/Projects");
  s.ok("CREATE \"&AOk-t&AOk-\"");
  s.ok("CREATE Old");
  s.ok("RENAME Old Archive/2023");
  s.ok("SUBSCRIBE Work/Projects");
  for (unsigned i = 0; i < 12; ++i) {
    s.append("INBOX", make_message(seed + i, 200 + i * 997, static_cast<Body>(i % 3)),
             i % 2 == 0 ? "(\\Seen) \"01-Feb-2020 10:00:00 +0100\"" : "");
  }
  s.append("Work/Projects", make_message(seed + 100, 70000, Body::binary), "($Work \\Flagged)");
  s.append("\"&AOk-t&AOk-\"", make_message(seed + 101, 1000, Body::eight_bit));
  s.ok("SELECT INBOX");
  s.ok("STORE 1:4 +FLAGS (\\Answered $Done)");
  s.ok("STORE 3,5 +FLAGS.SILENT (\\Deleted)");
  s.ok("EXPUNGE");
  s.ok("COPY 1:2 Archive/2023");
  s.ok("UID STORE 7:9 FLAGS (\\Draft)");
  s.ok("UNSELECT");
}

struct PersistenceFixture {
  PersistenceFixture() { server.add_user("alice", "alice-password"); }
  Session login() { return Session{server.login("alice", "alice-password")}; }
  ImapServer server;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(imap_persistence)

BOOST_FIXTURE_TEST_CASE(everything_survives_a_clean_restart, PersistenceFixture) {
  std::string before;
  {
    auto s = login();
    make_history(s, 1);
    before = snapshot(s);
    s.ok("LOGOUT");
  }
  BOOST_TEST(before.find("* 10 FETCH (UID 12 ") != std::string::npos);  // the history is what we think it is
  BOOST_TEST(server.stop() == 0, server.log());
  // A delivery while the server is down waits in the spool.
  const std::string delivered = "Subject: while you were away\r\n\r\nhello\r\n";
  server.deliver("alice", delivered);
  server.start();
  auto s = login();
  const auto after = snapshot(s);
  // The snapshot differs only by the delivered message, appended to INBOX as UID 13.
  BOOST_TEST(after.find("{" + std::to_string(delivered.size()) + "}\r\n" + delivered + ")") != std::string::npos);
  s.ok("SELECT INBOX");
  s.ok("STORE 11 +FLAGS.SILENT (\\Deleted)");
  s.ok("EXPUNGE");
  // Back to the state before, except that INBOX has used one more UID.
  const std::string old_status = "* STATUS \"INBOX\" (MESSAGES 10 UIDNEXT 13 ";
  BOOST_REQUIRE(before.find(old_status) != std::string::npos);
  before.replace(before.find(old_status), old_status.size(), "* STATUS \"INBOX\" (MESSAGES 10 UIDNEXT 14 ");
  BOOST_TEST(snapshot(s) == before);
  // And once more, now that the import and that expunge happened under this server.
  s.ok("LOGOUT");
  server.restart();
  auto again = login();
  BOOST_TEST(snapshot(again) == before);
}

BOOST_FIXTURE_TEST_CASE(acknowledged_changes_survive_kill9, PersistenceFixture) {
  std::string expected;
  {
    auto s = login();
    make_history(s, 200);
    expected = snapshot(s);
    // More changes, each acknowledged, the last one immediately followed by SIGKILL. Their effect is known, so the
    // state after the crash can be checked exactly: a snapshot taken now would give the server time to catch up.
    s.ok("CREATE Crash");
    s.ok("SUBSCRIBE Crash");
    std::string pipelined;
    std::vector<std::string> bodies;
    for (int i = 0; i < 20; ++i) {
      bodies.push_back(
          make_message(300 + static_cast<unsigned>(i), 500 + static_cast<std::size_t>(i) * 50, Body::ascii));
      pipelined += "k" + std::to_string(i) + " APPEND Crash (\\Flagged) \"02-Mar-2021 08:00:00 +0000\" {" +
                   std::to_string(bodies.back().size()) + "+}\r\n" + bodies.back() + "\r\n";
    }
    s.c.send(pipelined, kTimeout);
    for (int i = 0; i < 20; ++i) {
      const auto r = s.c.read_response("k" + std::to_string(i), kTimeout);
      BOOST_TEST(r.back().rfind("k" + std::to_string(i) + " OK [APPENDUID ", 0) == 0u, r.back());
    }
    s.ok("SELECT Crash");
    s.ok("STORE 1:10 -FLAGS.SILENT (\\Flagged)");
    s.ok("STORE 11:20 +FLAGS.SILENT (\\Seen)");
    s.ok("STORE 19:20 +FLAGS.SILENT (\\Deleted)");
    s.c.send("x1 EXPUNGE\r\n");
    const auto r = s.c.read_response("x1", kTimeout);
    BOOST_TEST(r.back() == "x1 OK EXPUNGE completed");
    BOOST_TEST(server.kill9() == -9);

    // What the snapshot must show for Crash: UIDs 1-18 with the flags set above.
    std::string crash_status;
    std::string crash_messages;
    for (int i = 0; i < 18; ++i) {
      const std::string n = std::to_string(i + 1);
      crash_messages += "* " + n + " FETCH (UID " + n + " FLAGS (" + (i < 10 ? "" : "\\Flagged \\Seen") +
                        ") INTERNALDATE \"02-Mar-2021 08:00:00 +0000\" RFC822.SIZE " +
                        std::to_string(bodies[static_cast<std::size_t>(i)].size()) + " BODY[] {" +
                        std::to_string(bodies[static_cast<std::size_t>(i)].size()) + "}\r\n" +
                        bodies[static_cast<std::size_t>(i)] + ")\n";
    }
    expected += "crash:" + crash_messages;
  }
  server.start();
  auto s = login();
  auto after = snapshot(s);
  // Split the Crash mailbox's part out of the snapshot and compare the rest with the snapshot before.
  const auto status_at = after.find("* STATUS \"Crash\" ");
  BOOST_REQUIRE(status_at != std::string::npos);
  const auto status_end = after.find('\n', status_at) + 1;
  const std::string crash_status = after.substr(status_at, status_end - status_at);
  BOOST_TEST(crash_status.find("(MESSAGES 18 UIDNEXT 21 UIDVALIDITY ") != std::string::npos, crash_status);
  BOOST_TEST(crash_status.find(" UNSEEN 10)") != std::string::npos, crash_status);
  const auto next = after.find("* STATUS ", status_end);
  const std::string crash_messages =
      after.substr(status_end, next == std::string::npos ? std::string::npos : next - status_end);
  std::string rest = after.substr(0, status_at) + (next == std::string::npos ? "" : after.substr(next));
  // LIST and LSUB gained the Crash lines.
  const std::string list_line = "* LIST (\\HasNoChildren) \"/\" \"Crash\"\n";
  const std::string lsub_line = "* LSUB () \"/\" \"Crash\"\n";
  BOOST_TEST(rest.find(list_line) != std::string::npos);
  BOOST_TEST(rest.find(lsub_line) != std::string::npos);
  rest.erase(rest.find(list_line), list_line.size());
  rest.erase(rest.find(lsub_line), lsub_line.size());
  const auto marker = expected.find("crash:");
  BOOST_TEST(rest == expected.substr(0, marker));
  BOOST_TEST((crash_messages == expected.substr(marker + 6)));
}

BOOST_FIXTURE_TEST_CASE(an_append_cut_off_by_a_crash_leaves_nothing, PersistenceFixture) {
  {
    auto s = login();
    s.append("INBOX", make_message(1, 1000, Body::ascii));
    // Half of a large body has been sent when the server dies.
    s.c.send("u1 APPEND INBOX {2000000}\r\n");
    BOOST_TEST(s.c.read_line() == "+ Ready for literal data");
    s.c.send(make_message(2, 900000, Body::binary), kTimeout);
    BOOST_TEST(server.kill9() == -9);
  }
  server.start();
  auto s = login();
  BOOST_TEST(s.ok("STATUS INBOX (MESSAGES UIDNEXT)") == Lines{"* STATUS \"INBOX\" (MESSAGES 1 UIDNEXT 2)"},
             tt::per_element());
  // New mail gets the next UID and the account works normally.
  s.append("INBOX", make_message(3, 1000, Body::ascii));
  s.ok("SELECT INBOX");
  BOOST_TEST(s.ok("FETCH 1:* (UID)") == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)"}), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
