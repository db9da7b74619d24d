// RFC 6851 MOVE and UID MOVE over the real server: CAPABILITY advertises MOVE; the RFC's §3.3 example shape (an
// untagged OK [COPYUID] before the EXPUNGEs, RFC 6851 §4.3, then the tagged OK); MOVE by sequence number and by
// UID; COPYUID contents; flags (\Deleted included, and \Deleted never required nor set), internal dates and bodies
// preserved byte for byte; a second session selected on the source hears EXPUNGE and an IDLE-ing session on the
// target hears EXISTS; the move survives a restart; a missing target is NO [TRYCREATE] with nothing moved; UID MOVE
// of UIDs that do not exist is OK with no untagged response; an invalid sequence number is BAD; MOVE in a mailbox
// opened with EXAMINE is NO [READ-ONLY] (RFC 6851 §4.2: MOVE needs the STORE and EXPUNGE rights); MOVE into the
// selected mailbox itself gives the messages new UIDs (RFC 6851 §3.3 allows it).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
using namespace std::chrono_literals;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

const std::string kDate = "\"17-Jul-1996 02:44:25 -0700\"";
const std::string kInternalDate = "\"17-Jul-1996 09:44:25 +0000\"";  // the same instant, in UTC

// "{n}\r\n" + data: a literal as the server sends it.
std::string lit(const std::string& data) { return "{" + std::to_string(data.size()) + "}\r\n" + data; }

struct MoveFixture {
  // Five messages in INBOX (UIDs 1..5, all with kDate) and the empty "Archive" every new account has.
  MoveFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
    for (unsigned i = 1; i <= 5; ++i) {
      messages.push_back(make_message(i, 200 + 1000 * i, i % 2 == 0 ? Body::eight_bit : Body::ascii));
      const std::string tag = "p" + std::to_string(++tags);
      auto status = append_message(*c, tag, "INBOX", messages.back(), kDate);
      BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
    }
    archive_validity = validity("Archive");
    inbox_validity = validity("INBOX");
    ok("SELECT INBOX");
  }
  Lines ok(const std::string& command, TlsClient* on = nullptr) {
    auto& client = on ? *on : *c;
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = client.command(tag, command, 30s);
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return client.last_untagged();
  }
  // The tagged line without its tag.
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c->command(tag, command, 30s).substr(tag.size() + 1);
  }
  std::string validity(const std::string& mailbox) {
    auto r = ok("STATUS " + mailbox + " (UIDVALIDITY)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    const auto at = r[0].find("UIDVALIDITY ") + 12;
    return r[0].substr(at, r[0].size() - at - 1);
  }
  std::string status(const std::string& mailbox) {
    auto r = ok("STATUS " + mailbox + " (MESSAGES UIDNEXT)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    return r[0].substr(r[0].find('('));  // "(MESSAGES n UIDNEXT n)"
  }

  ImapServer server;
  std::optional<TlsClient> c;
  std::vector<std::string> messages;
  std::string archive_validity, inbox_validity;
  int tags = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc6851_move)

BOOST_FIXTURE_TEST_CASE(capability_advertises_move, MoveFixture) {
  auto r = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST((r[0] + " ").find(" MOVE ") != std::string::npos, r[0]);
}

BOOST_FIXTURE_TEST_CASE(uid_move_follows_the_rfc_example, MoveFixture) {
  // RFC 6851 §3.3: "a UID MOVE 42:69 foo" -> "* OK [COPYUID ...]", "* 22 EXPUNGE", (more expunges), "a OK".
  BOOST_TEST(c->command("a", "UID MOVE 2:4 Archive") == "a OK UID MOVE completed");
  BOOST_TEST(c->last_untagged() ==
                 (Lines{"* OK [COPYUID " + archive_validity + " 2:4 1:3] Moved", "* 2 EXPUNGE", "* 2 EXPUNGE",
                        "* 2 EXPUNGE"}),
             tt::per_element());
  BOOST_TEST(ok("FETCH 1:* UID") == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 5)"}), tt::per_element());
  BOOST_TEST(status("Archive") == "(MESSAGES 3 UIDNEXT 4)");
  // A range with "*" and gaps: UID MOVE 1:* moves what is left (UIDs 1 and 5).
  BOOST_TEST(c->command("b", "UID MOVE 1:* Archive") == "b OK UID MOVE completed");
  BOOST_TEST(c->last_untagged() ==
                 (Lines{"* OK [COPYUID " + archive_validity + " 1,5 4:5] Moved", "* 1 EXPUNGE", "* 1 EXPUNGE"}),
             tt::per_element());
  BOOST_TEST(status("INBOX") == "(MESSAGES 0 UIDNEXT 6)");
}

BOOST_FIXTURE_TEST_CASE(move_by_sequence_number, MoveFixture) {
  BOOST_TEST(c->command("m1", "MOVE 1,3,5 Archive") == "m1 OK MOVE completed");
  // Ascending: 1 goes, then old 3 is seq 2, then old 5 is seq 3.
  BOOST_TEST(c->last_untagged() ==
                 (Lines{"* OK [COPYUID " + archive_validity + " 1,3,5 1:3] Moved", "* 1 EXPUNGE", "* 2 EXPUNGE",
                        "* 3 EXPUNGE"}),
             tt::per_element());
  BOOST_TEST(ok("FETCH 1:* UID") == (Lines{"* 1 FETCH (UID 2)", "* 2 FETCH (UID 4)"}), tt::per_element());
  BOOST_TEST(c->command("m2", "MOVE 2:* Archive") == "m2 OK MOVE completed");
  BOOST_TEST(c->last_untagged() == (Lines{"* OK [COPYUID " + archive_validity + " 4 4] Moved", "* 2 EXPUNGE"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(flags_dates_and_bodies_are_preserved_and_deleted_is_not_needed, MoveFixture) {
  ok("STORE 1 FLAGS.SILENT (\\Flagged $Work)");
  ok("STORE 2 FLAGS.SILENT (\\Deleted \\Seen)");  // a \Deleted message moves too, keeping its flag
  // 3 has no flags at all: \Deleted is not required (and is not set by MOVE).
  BOOST_TEST(c->command("m", "MOVE 1:3 Archive") == "m OK MOVE completed");
  BOOST_TEST(c->last_untagged().size() == 4u);
  ok("EXAMINE Archive");
  BOOST_TEST(ok("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)") ==
                 (Lines{"* 1 FETCH (UID 1 FLAGS ($Work \\Flagged) INTERNALDATE " + kInternalDate + " RFC822.SIZE " +
                            std::to_string(messages[0].size()) + ")",
                        "* 2 FETCH (UID 2 FLAGS (\\Deleted \\Seen) INTERNALDATE " + kInternalDate +
                            " RFC822.SIZE " + std::to_string(messages[1].size()) + ")",
                        "* 3 FETCH (UID 3 FLAGS () INTERNALDATE " + kInternalDate + " RFC822.SIZE " +
                            std::to_string(messages[2].size()) + ")"}),
             tt::per_element());
  for (std::size_t i = 0; i < 3; ++i) {
    const auto seq = std::to_string(i + 1);
    auto r = ok("FETCH " + seq + " BODY.PEEK[]");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    BOOST_TEST((r[0] == "* " + seq + " FETCH (BODY[] " + lit(messages[i]) + ")"), "message " << seq);
  }
  // The source keeps the others, untouched (no \Deleted appeared anywhere).
  ok("EXAMINE INBOX");
  BOOST_TEST(ok("FETCH 1:* (UID FLAGS)") == (Lines{"* 1 FETCH (UID 4 FLAGS ())", "* 2 FETCH (UID 5 FLAGS ())"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(other_sessions_hear_expunge_on_the_source_and_exists_on_the_target, MoveFixture) {
  auto source = server.login("alice", "alice-password");
  auto target = server.login("alice", "alice-password");
  ok("SELECT INBOX", &source);
  ok("SELECT Archive", &target);
  target.send("i1 IDLE\r\n");
  BOOST_REQUIRE_EQUAL(target.read_line(), "+ idling");
  BOOST_TEST(c->command("m", "UID MOVE 2,4 Archive") == "m OK UID MOVE completed");
  BOOST_TEST(target.read_line(5s) == "* 2 EXISTS");
  target.send("DONE\r\n");
  BOOST_TEST(target.read_line(5s) == "i1 OK IDLE terminated");
  // The source session is told at its next command, with no COPYUID (that is only for the mover).
  BOOST_TEST(ok("NOOP", &source) == (Lines{"* 2 EXPUNGE", "* 3 EXPUNGE"}), tt::per_element());
  BOOST_TEST(ok("FETCH 1:* UID", &source) ==
                 (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)", "* 3 FETCH (UID 5)"}),
             tt::per_element());
  BOOST_TEST(ok("UID FETCH 1:* UID", &target) == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_move_survives_a_restart, MoveFixture) {
  ok("STORE 2 FLAGS.SILENT (\\Answered)");
  BOOST_TEST(c->command("m", "MOVE 2:3 Archive") == "m OK MOVE completed");
  c.reset();
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(status("INBOX") == "(MESSAGES 3 UIDNEXT 6)");
  BOOST_TEST(status("Archive") == "(MESSAGES 2 UIDNEXT 3)");
  ok("EXAMINE INBOX");
  BOOST_TEST(ok("FETCH 1:* UID") == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 4)", "* 3 FETCH (UID 5)"}),
             tt::per_element());
  ok("EXAMINE Archive");
  BOOST_TEST(ok("FETCH 1:* (UID FLAGS)") ==
                 (Lines{"* 1 FETCH (UID 1 FLAGS (\\Answered))", "* 2 FETCH (UID 2 FLAGS ())"}),
             tt::per_element());
  auto r = ok("FETCH 2 BODY.PEEK[]");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST((r[0] == "* 2 FETCH (BODY[] " + lit(messages[2]) + ")"));
}

BOOST_FIXTURE_TEST_CASE(missing_target_is_trycreate_and_moves_nothing, MoveFixture) {
  BOOST_TEST(c->command("m1", "MOVE 1:3 Nowhere") == "m1 NO [TRYCREATE] No such mailbox");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(c->command("m2", "UID MOVE 1:* Nowhere") == "m2 NO [TRYCREATE] No such mailbox");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(ok("FETCH 1:* (UID FLAGS)").size() == 5u);
  BOOST_TEST(status("INBOX") == "(MESSAGES 5 UIDNEXT 6)");
}

BOOST_FIXTURE_TEST_CASE(empty_and_invalid_sets, MoveFixture) {
  // UIDs that do not exist: nothing to move, OK, no untagged response (like UID COPY, RFC 3501 §6.4.8).
  BOOST_TEST(c->command("u1", "UID MOVE 100:200 Archive") == "u1 OK Nothing to move");
  BOOST_TEST(c->last_untagged().empty());
  // A sequence number beyond EXISTS is BAD (RFC 3501 §9 seq-number), with nothing moved.
  BOOST_TEST(answer("MOVE 9 Archive") == "BAD Invalid message sequence number");
  BOOST_TEST(answer("MOVE 1,9 Archive") == "BAD Invalid message sequence number");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(status("INBOX") == "(MESSAGES 5 UIDNEXT 6)");
  BOOST_TEST(status("Archive") == "(MESSAGES 0 UIDNEXT 1)");
  // Not selected: BAD.
  ok("UNSELECT");
  BOOST_TEST(answer("MOVE 1 Archive") == "BAD No mailbox selected");
}

BOOST_FIXTURE_TEST_CASE(move_in_a_read_only_mailbox_is_refused, MoveFixture) {
  ok("EXAMINE INBOX");
  BOOST_TEST(answer("MOVE 1 Archive") == "NO [READ-ONLY] Mailbox is read-only");
  BOOST_TEST(answer("UID MOVE 1:* Archive") == "NO [READ-ONLY] Mailbox is read-only");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(status("INBOX") == "(MESSAGES 5 UIDNEXT 6)");
  BOOST_TEST(status("Archive") == "(MESSAGES 0 UIDNEXT 1)");
}

BOOST_FIXTURE_TEST_CASE(move_into_the_selected_mailbox_gives_new_uids, MoveFixture) {
  // RFC 6851 §3.3: allowed wherever COPY to the selected mailbox is; the message gets a new UID.
  ok("STORE 1 FLAGS.SILENT (\\Seen)");
  BOOST_TEST(c->command("m", "MOVE 1 INBOX") == "m OK MOVE completed");
  BOOST_TEST(c->last_untagged() ==
                 (Lines{"* OK [COPYUID " + inbox_validity + " 1 6] Moved", "* 1 EXPUNGE", "* 5 EXISTS"}),
             tt::per_element());
  BOOST_TEST(ok("FETCH 1:* (UID FLAGS)") ==
                 (Lines{"* 1 FETCH (UID 2 FLAGS ())", "* 2 FETCH (UID 3 FLAGS ())", "* 3 FETCH (UID 4 FLAGS ())",
                        "* 4 FETCH (UID 5 FLAGS ())", "* 5 FETCH (UID 6 FLAGS (\\Seen))"}),
             tt::per_element());
  auto r = ok("UID FETCH 6 BODY.PEEK[]");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  BOOST_TEST((r[0] == "* 5 FETCH (UID 6 BODY[] " + lit(messages[0]) + ")"));
}

BOOST_AUTO_TEST_SUITE_END()
