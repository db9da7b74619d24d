// RFC 4315 (UIDPLUS) over the real server: the capability; APPENDUID (§3) for APPEND, with the UID that FETCH shows
// and never a reused one, and for MULTIAPPEND (RFC 3502) as a UID range; COPYUID (§3) for COPY and UID COPY, with
// the source and destination sets in the same order (the §3 example's "304,319:320 3956:3958" form); UID EXPUNGE
// (§2.1, its example) removes only the given messages that have \Deleted, including ones another session marked,
// and leaves other \Deleted messages alone; the errors: a missing target gives [TRYCREATE] and no APPENDUID/COPYUID,
// a malformed or missing UID set is BAD, and UID EXPUNGE needs a selected read-write mailbox.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

struct UidplusFixture : AliceSession {
  std::string validity(const std::string& mailbox) {
    auto r = ok("STATUS " + mailbox + " (UIDVALIDITY)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    const auto at = r[0].find("UIDVALIDITY ") + 12;
    return r[0].substr(at, r[0].find(')', at) - at);
  }
  // APPEND of one message; returns the tagged line.
  std::string append_line(const std::string& tag, const std::string& mailbox, unsigned n) {
    return append_message(*c, tag, mailbox, make_message(n, 200, Body::ascii));
  }
  void add(const std::string& mailbox, int n) {
    for (int i = 0; i < n; ++i) append(mailbox, make_message(static_cast<unsigned>(100 + i), 200, Body::ascii));
  }
  // MULTIAPPEND with LITERAL+ literals, one command line: the whole response, tagged line last.
  Lines multiappend(const std::string& tag, const std::string& mailbox, const std::vector<std::string>& messages) {
    std::string line = tag + " APPEND " + mailbox;
    for (const auto& m : messages) line += " {" + std::to_string(m.size()) + "+}\r\n" + m;
    c->send(line + "\r\n");
    return c->read_response(tag, std::chrono::seconds(30));
  }
  std::vector<std::uint32_t> uids_in_view(TlsClient& client) {
    std::vector<std::uint32_t> out;
    const std::string tag = "v" + std::to_string(++tags);
    BOOST_TEST(client.command(tag, "FETCH 1:* (UID)") == tag + " OK FETCH completed");
    for (const auto& line : client.last_untagged()) {
      auto f = parse_fetch(line);
      if (!f || f->items.count("UID") == 0) continue;
      out.push_back(static_cast<std::uint32_t>(std::stoul(f->items.at("UID"))));
    }
    return out;
  }
  std::vector<std::uint32_t> uids_in_view() { return uids_in_view(*c); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc4315_uidplus)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, UidplusFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" UIDPLUS ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(appenduid, UidplusFixture) {
  // §3's example: "A003 OK [APPENDUID 38505 3955] APPEND completed".
  const std::string v = validity("INBOX");
  BOOST_TEST(append_line("A003", "INBOX", 1) == "A003 OK [APPENDUID " + v + " 1] APPEND completed");
  BOOST_TEST(append_line("A004", "INBOX", 2) == "A004 OK [APPENDUID " + v + " 2] APPEND completed");
  // The UID given is the one the message has.
  ok("SELECT INBOX");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2}), tt::per_element());
  // An expunged UID is never given again; appending to the selected mailbox reports EXISTS too.
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  Lines untagged;
  BOOST_TEST(append_message(*c, "A005", "INBOX", make_message(3, 200, Body::ascii), {}, &untagged) ==
             "A005 OK [APPENDUID " + v + " 3] APPEND completed");
  BOOST_TEST(untagged == Lines{"* 2 EXISTS"}, tt::per_element());
  // Another mailbox has its own UIDVALIDITY and UIDs.
  ok("CREATE Other");
  const std::string other = validity("Other");
  BOOST_TEST(append_line("A006", "Other", 4) == "A006 OK [APPENDUID " + other + " 1] APPEND completed");
}

BOOST_FIXTURE_TEST_CASE(appenduid_for_multiappend_is_a_range, UidplusFixture) {
  ok("CREATE saved-messages");
  const std::string v = validity("saved-messages");
  // A UID set (§3: "in the order they were transmitted", no extraneous UIDs); this server lists each UID.
  auto r = multiappend("A003", "saved-messages",
                       {make_message(1, 200, Body::ascii), make_message(2, 300, Body::ascii),
                        make_message(3, 400, Body::ascii)});
  BOOST_TEST(r == Lines{"A003 OK [APPENDUID " + v + " 1:3] APPEND completed"}, tt::per_element());
  r = multiappend("A004", "saved-messages", {make_message(4, 200, Body::ascii), make_message(5, 200, Body::ascii)});
  BOOST_TEST(r == Lines{"A004 OK [APPENDUID " + v + " 4:5] APPEND completed"}, tt::per_element());
  // One message: a single UID, never a set or a range such as 6:6 (§3 note).
  r = multiappend("A005", "saved-messages", {make_message(6, 200, Body::ascii)});
  BOOST_TEST(r == Lines{"A005 OK [APPENDUID " + v + " 6] APPEND completed"}, tt::per_element());
  ok("SELECT saved-messages");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(copyuid, UidplusFixture) {
  add("INBOX", 5);
  ok("SELECT INBOX");
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");  // UIDs 1 3 4 5 at sequence numbers 1..4
  ok("CREATE Kept");
  const std::string v = validity("Kept");
  // §3's example form: "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done".
  BOOST_TEST(c->command("A004", "COPY 1:3 Kept") == "A004 OK [COPYUID " + v + " 1,3:4 1:3] COPY completed");
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(answer("UID COPY 5 Kept") == "OK [COPYUID " + v + " 5 4] UID COPY completed");
  // UIDs that do not exist are left out of the set (RFC 3501 §6.4.8), sets are in UID order.
  BOOST_TEST(answer("UID COPY 2:4,9 Kept") == "OK [COPYUID " + v + " 3:4 5:6] UID COPY completed");
  BOOST_TEST(answer("UID COPY 4,1 Kept") == "OK [COPYUID " + v + " 1,4 7:8] UID COPY completed");
  // The destination UIDs are the copies' UIDs, in the same order as the source UIDs.
  ok("EXAMINE Kept");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 8}), tt::per_element());
  auto want = ok("UID FETCH 3 BODY.PEEK[HEADER.FIELDS (Subject)]");
  ok("SELECT INBOX");
  auto src = ok("UID FETCH 4 BODY.PEEK[HEADER.FIELDS (Subject)]");
  BOOST_REQUIRE_EQUAL(want.size(), 1u);
  BOOST_REQUIRE_EQUAL(src.size(), 1u);
  BOOST_TEST(parse_fetch(want[0])->items.at("BODY[HEADER.FIELDS (Subject)]") ==
             parse_fetch(src[0])->items.at("BODY[HEADER.FIELDS (Subject)]"));
}

BOOST_FIXTURE_TEST_CASE(uid_expunge_rfc_example, UidplusFixture) {
  // §2.1's example: "A202 UID EXPUNGE 3000:3002" -> "* 3 EXPUNGE" three times: consecutive UIDs at one position.
  add("INBOX", 5);
  ok("SELECT INBOX");
  ok("STORE 3:5 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(c->command("A202", "UID EXPUNGE 3:5") == "A202 OK EXPUNGE completed");
  BOOST_TEST(c->last_untagged() == (Lines{"* 3 EXPUNGE", "* 3 EXPUNGE", "* 3 EXPUNGE"}), tt::per_element());
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(uid_expunge_only_touches_the_given_uids, UidplusFixture) {
  add("INBOX", 5);
  ok("SELECT INBOX");
  ok("STORE 1:5 +FLAGS.SILENT (\\Deleted)");
  // §2.1: only messages in the set that also have \Deleted.
  BOOST_TEST(ok("UID EXPUNGE 2,4") == (Lines{"* 2 EXPUNGE", "* 3 EXPUNGE"}), tt::per_element());
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 3, 5}), tt::per_element());
  ok("STORE 1 -FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(ok("UID EXPUNGE 1:4") == Lines{"* 2 EXPUNGE"}, tt::per_element());
  BOOST_TEST(ok("UID EXPUNGE 100:200").empty());
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 5}), tt::per_element());
  BOOST_TEST(ok("UID EXPUNGE 1:*") == Lines{"* 2 EXPUNGE"}, tt::per_element());  // 5 still has \Deleted
  BOOST_TEST(uids_in_view() == std::vector<std::uint32_t>{1}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(uid_expunge_and_another_sessions_deleted_messages, UidplusFixture) {
  // The reason UIDPLUS has UID EXPUNGE (§2.1): a client expunging its own \Deleted messages must not remove the
  // ones another client marked \Deleted. Those are still expunged when they are in the given set.
  add("INBOX", 4);
  auto other = server.login("alice", "alice-password");
  ok("SELECT INBOX");
  BOOST_TEST(other.command("o1", "SELECT INBOX") == "o1 OK [READ-WRITE] SELECT completed");
  ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(other.command("o2", "STORE 2,4 +FLAGS.SILENT (\\Deleted)") == "o2 OK STORE completed");
  // Ours: only UID 1 goes; 2 and 4, \Deleted by the other session, stay.
  // The other session's flag changes are reported too (after the expunge, numbered as after it).
  BOOST_TEST(ok("UID EXPUNGE 1") == (Lines{"* 1 EXPUNGE", "* 1 FETCH (UID 2 FLAGS (\\Deleted))",
                                           "* 3 FETCH (UID 4 FLAGS (\\Deleted))"}),
             tt::per_element());
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{2, 3, 4}), tt::per_element());
  BOOST_TEST(ok("UID FETCH 2:4 FLAGS") == (Lines{"* 1 FETCH (UID 2 FLAGS (\\Deleted))", "* 2 FETCH (UID 3 FLAGS ())",
                                                 "* 3 FETCH (UID 4 FLAGS (\\Deleted))"}),
             tt::per_element());
  // Naming UID 4 expunges it although this session did not mark it; 2 stays.
  BOOST_TEST(ok("UID EXPUNGE 3:4") == Lines{"* 3 EXPUNGE"}, tt::per_element());
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{2, 3}), tt::per_element());
  // The other session learns of both expunges at its next command.
  BOOST_TEST(other.command("o3", "NOOP") == "o3 OK NOOP completed");
  BOOST_TEST(other.last_untagged() == (Lines{"* 1 EXPUNGE", "* 3 EXPUNGE"}), tt::per_element());
  BOOST_TEST(uids_in_view(other) == (std::vector<std::uint32_t>{2, 3}), tt::per_element());
  // Plain EXPUNGE, by contrast, removes every \Deleted message, whoever marked it.
  BOOST_TEST(ok("EXPUNGE") == Lines{"* 1 EXPUNGE"}, tt::per_element());
  BOOST_TEST(uids_in_view() == std::vector<std::uint32_t>{3}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors, UidplusFixture) {
  add("INBOX", 2);
  // A missing target: [TRYCREATE], no APPENDUID / COPYUID (§3: only on success).
  BOOST_TEST(append_line("e1", "Nowhere", 1) == "e1 NO [TRYCREATE] No such mailbox");
  ok("SELECT INBOX");
  BOOST_TEST(answer("COPY 1 Nowhere") == "NO [TRYCREATE] No such mailbox");
  BOOST_TEST(answer("UID COPY 1 Nowhere") == "NO [TRYCREATE] No such mailbox");
  // UID EXPUNGE needs a UID set.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"UID EXPUNGE", "BAD expected SP after UID EXPUNGE"},
      {"UID EXPUNGE ", "BAD expected UID set"},
      {"UID EXPUNGE x", "BAD expected UID set"},
      {"UID EXPUNGE 0", "BAD expected non-zero UID set"},
      {"UID EXPUNGE 1 2", "BAD unexpected characters after UID set"},
      {"UID EXPUNGE 1,", "BAD expected UID set"},
      {"UID EXPUNGE (1)", "BAD expected UID set"}};
  for (const auto& [command, want] : bad) {
    BOOST_TEST(answer(command) == want, command);
    BOOST_TEST(c->last_untagged().empty(), command);
  }
  // Nothing was expunged by the refused commands.
  ok("STORE 1:2 +FLAGS.SILENT (\\Deleted)");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2}), tt::per_element());
  // Not selected: BAD; read-only: NO [READ-ONLY].
  ok("UNSELECT");
  BOOST_TEST(answer("UID EXPUNGE 1") == "BAD No mailbox selected");
  ok("EXAMINE INBOX");
  BOOST_TEST(answer("UID EXPUNGE 1:2") == "NO [READ-ONLY] Mailbox is read-only");
  BOOST_TEST(uids_in_view() == (std::vector<std::uint32_t>{1, 2}), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
