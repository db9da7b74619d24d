// RFC 8474 (OBJECTID) over the real server: the capability; MAILBOXID in the CREATE tagged OK (§4.1), in an untagged
// OK on SELECT and EXAMINE (§4.2) and as a STATUS item (§4.3): well-formed objectids, distinct per mailbox, kept by
// RENAME and restarts, new after DELETE and CREATE of the same name and for the INBOX left by RENAME INBOX. FETCH
// EMAILID (§5.1, §5.3): distinct for distinct APPENDs and deliveries (even of the same bytes), the same for a
// message and its COPY/MOVE copies, kept across a restart, never reused after an expunge; THREADID is NIL (§5.2).
// SEARCH EMAILID matches exactly and THREADID matches nothing (§6); malformed objectids are BAD.
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

// objectid = 1*255(ALPHA / DIGIT / "_" / "-")  (RFC 8474 §7)
bool is_objectid(const std::string& s) {
  static const std::regex kObjectId("[A-Za-z0-9_-]{1,255}");
  return std::regex_match(s, kObjectId);
}

const std::string kMessageA =
    "From: alice@example.org\r\n"
    "Subject: Message A\r\n"
    "Message-ID: <fake.1521475657.54797@example.com>\r\n"
    "\r\n"
    "First.\r\n";
const std::string kMessageB =
    "From: bob@example.org\r\n"
    "Subject: Re: Message A\r\n"
    "Message-ID: <fake.1521475657.21213@example.org>\r\n"
    "References: <fake.1521475657.54797@example.com>\r\n"
    "\r\n"
    "Second.\r\n";
const std::string kMessageC =
    "From: carol@example.org\r\n"
    "Subject: Message C\r\n"
    "Message-ID: <fake.1521475657.60280@example.com>\r\n"
    "\r\n"
    "Third.\r\n";

struct ObjectIdFixture : AliceSession {
  // CREATE name: checks the tagged OK is exactly "OK [MAILBOXID (id)] CREATE completed" and returns the id.
  std::string create(const std::string& name) {
    const std::string status = answer("CREATE " + name);
    static const std::regex kCreated(R"(OK \[MAILBOXID \(([^)]*)\)\] CREATE completed)");
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(status, m, kCreated), "CREATE " << name << " -> " << status);
    BOOST_TEST(is_objectid(m[1].str()), m[1].str());
    BOOST_TEST(c->last_untagged().empty());
    return m[1].str();
  }
  // STATUS name (MAILBOXID): checks the exact response and returns the id.
  std::string status_id(const std::string& name) {
    auto r = ok("STATUS " + name + " (MAILBOXID)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    static const std::regex kStatus(R"re(\* STATUS "([^"]+)" \(MAILBOXID \(([^)]*)\)\))re");
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(r[0], m, kStatus), r[0]);
    BOOST_TEST(m[1].str() == name);
    BOOST_TEST(is_objectid(m[2].str()), m[2].str());
    return m[2].str();
  }
  // SELECT (or EXAMINE) name: the id of its one "* OK [MAILBOXID (id)] Ok" line.
  std::string select_id(const std::string& name, const std::string& command = "SELECT") {
    auto r = ok(command + " " + name);
    std::optional<std::string> id;
    static const std::regex kLine(R"(\* OK \[MAILBOXID \(([^)]*)\)\] Ok)");
    for (const auto& line : r) {
      std::smatch m;
      if (line.find("MAILBOXID") == std::string::npos) continue;
      BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, kLine), line);
      BOOST_TEST(!id.has_value(), "two MAILBOXID lines");
      id = m[1].str();
    }
    BOOST_REQUIRE_MESSAGE(id.has_value(), command << " " << name << " sent no MAILBOXID");
    return *id;
  }
  // FETCH 1:* (EMAILID THREADID) in the selected mailbox: each response must be exactly
  // "* n FETCH (EMAILID (id) THREADID NIL)"; returns the ids in sequence order.
  Lines email_ids() {
    auto r = ok("FETCH 1:* (EMAILID THREADID)");
    Lines ids;
    static const std::regex kFetch(R"(\* (\d+) FETCH \(EMAILID \(([^)]*)\) THREADID NIL\))");
    for (const auto& line : r) {
      std::smatch m;
      BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, kFetch), line);
      BOOST_TEST(std::stoul(m[1].str()) == ids.size() + 1);
      BOOST_TEST(is_objectid(m[2].str()), m[2].str());
      ids.push_back(m[2].str());
    }
    return ids;
  }
  std::string search(const std::string& criteria) {
    auto r = ok("SEARCH " + criteria);
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    return r[0] == "* SEARCH" ? std::string() : r[0].substr(9);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc8474_objectid)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, ObjectIdFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" OBJECTID ") != std::string::npos, caps[0]);
}

// §4.1-§4.3's examples: create foo and bar, status, rename foo renamed, status again.
BOOST_FIXTURE_TEST_CASE(mailboxid_on_create_status_and_select, ObjectIdFixture) {
  const std::string foo = create("foo");
  const std::string bar = create("bar");
  BOOST_TEST(foo != bar);
  BOOST_TEST(answer("create foo").rfind("NO [ALREADYEXISTS]", 0) == 0u);
  BOOST_TEST(status_id("foo") == foo);
  BOOST_TEST(status_id("bar") == bar);
  // Lower case, as in §4.3's example, answered with the same bytes.
  auto lower = ok("status foo (mailboxid)");
  BOOST_TEST(lower == Lines{"* STATUS \"foo\" (MAILBOXID (" + foo + "))"}, tt::per_element());
  // With other items, in the order asked.
  auto mixed = ok("STATUS bar (MESSAGES MAILBOXID UIDNEXT)");
  BOOST_TEST(mixed == Lines{"* STATUS \"bar\" (MESSAGES 0 MAILBOXID (" + bar + ") UIDNEXT 1)"},
             tt::per_element());
  // SELECT and EXAMINE report the same id (§4.2); so does a child created with its parent.
  BOOST_TEST(select_id("foo") == foo);
  BOOST_TEST(select_id("bar", "EXAMINE") == bar);
  const std::string inbox = select_id("INBOX");
  BOOST_TEST(status_id("INBOX") == inbox);
  BOOST_TEST(std::set<std::string>({foo, bar, inbox}).size() == 3u);
  const std::string child = create("parent/child");
  const std::string parent = status_id("parent");
  BOOST_TEST(child != parent);
  BOOST_TEST(select_id("parent/child") == child);

  // §4.3: RENAME keeps the id; the children renamed with it keep theirs.
  ok("rename foo renamed");
  BOOST_TEST(status_id("renamed") == foo);
  BOOST_TEST(status_id("bar") == bar);
  BOOST_TEST(answer("STATUS foo (MAILBOXID)").rfind("NO [NONEXISTENT]", 0) == 0u);
  ok("RENAME parent elsewhere");
  BOOST_TEST(status_id("elsewhere") == parent);
  BOOST_TEST(status_id("elsewhere/child") == child);
  BOOST_TEST(select_id("renamed") == foo);

  // Kept across a restart.
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(status_id("renamed") == foo);
  BOOST_TEST(status_id("bar") == bar);
  BOOST_TEST(status_id("INBOX") == inbox);
  BOOST_TEST(select_id("elsewhere/child") == child);
}

BOOST_FIXTURE_TEST_CASE(mailboxid_is_not_reused, ObjectIdFixture) {
  const std::string first = create("Projects");
  ok("DELETE Projects");
  const std::string second = create("Projects");
  BOOST_TEST(first != second);
  BOOST_TEST(status_id("Projects") == second);
  // Renamed away and a new mailbox made under the old name: two mailboxes, two ids.
  ok("RENAME Projects Old");
  const std::string third = create("Projects");
  BOOST_TEST(std::set<std::string>({first, second, third}).size() == 3u);
  BOOST_TEST(status_id("Old") == second);
  // RENAME INBOX moves the messages to a new name and leaves a new, empty INBOX: that INBOX has a new id
  // (RFC 3501 §6.3.5, RFC 8474 §4), and the messages keep their EMAILIDs.
  append("INBOX", kMessageA);
  const std::string inbox = select_id("INBOX");
  const Lines before = email_ids();
  BOOST_REQUIRE_EQUAL(before.size(), 1u);
  ok("UNSELECT");
  ok("RENAME INBOX Saved");
  const std::string new_inbox = status_id("INBOX");
  const std::string saved = status_id("Saved");
  BOOST_TEST(new_inbox != inbox);
  BOOST_TEST(new_inbox != saved);
  BOOST_TEST(select_id("Saved") == saved);
  BOOST_TEST(email_ids() == before, tt::per_element());
  BOOST_TEST(ok("STATUS INBOX (MESSAGES)") == Lines{"* STATUS \"INBOX\" (MESSAGES 0)"}, tt::per_element());
  BOOST_TEST(select_id("INBOX") == new_inbox);
}

// §5.3's example (without threading, as in its second example): three APPENDs, then MOVE 2 to foo.
BOOST_FIXTURE_TEST_CASE(emailid_on_append_copy_and_move, ObjectIdFixture) {
  create("foo");
  create("bar");
  append("INBOX", kMessageA, "\"20-Mar-2018 03:07:37 +1100\"");
  append("INBOX", kMessageB, "\"20-Mar-2018 03:07:37 +1100\"");
  append("INBOX", kMessageC, "\"20-Mar-2018 03:07:37 +1100\"");
  append("INBOX", kMessageC);  // the same bytes again: another message, another id
  ok("SELECT INBOX");
  const Lines ids = email_ids();
  BOOST_REQUIRE_EQUAL(ids.size(), 4u);
  BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == 4u);
  // Lower case, as in the example; UID FETCH adds the UID; a FETCH of only EMAILID; no macro includes it.
  auto lower = ok("fetch 1:* (emailid threadid)");
  BOOST_REQUIRE_EQUAL(lower.size(), 4u);
  BOOST_TEST(lower[0] == "* 1 FETCH (EMAILID (" + ids[0] + ") THREADID NIL)");
  auto only = ok("FETCH 3 EMAILID");
  BOOST_TEST(only == Lines{"* 3 FETCH (EMAILID (" + ids[2] + "))"}, tt::per_element());
  auto uid = ok("UID FETCH 2 (EMAILID)");
  BOOST_REQUIRE_EQUAL(uid.size(), 1u);
  auto f = parse_fetch(uid[0]);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->items.at("EMAILID") == "(" + ids[1] + ")");
  BOOST_TEST(f->items.at("UID") == "2");
  BOOST_TEST(parse_fetch(ok("FETCH 1 ALL").at(0))->items.count("EMAILID") == 0u);
  BOOST_TEST(parse_fetch(ok("FETCH 1 FULL").at(0))->items.count("THREADID") == 0u);

  // §5.1: COPY and MOVE keep the EMAILID; the source keeps its own.
  ok("MOVE 2 foo");
  BOOST_TEST(email_ids() == (Lines{ids[0], ids[2], ids[3]}), tt::per_element());
  ok("COPY 1 bar");
  ok("UID COPY 3 bar");
  ok("SELECT foo");
  BOOST_TEST(email_ids() == Lines{ids[1]}, tt::per_element());
  ok("COPY 1 bar");  // a copy of a moved message
  ok("SELECT bar");
  BOOST_TEST(email_ids() == (Lines{ids[0], ids[2], ids[1]}), tt::per_element());
  // Flag changes do not touch it.
  ok("STORE 1:* +FLAGS (\\Seen $Label)");
  BOOST_TEST(email_ids() == (Lines{ids[0], ids[2], ids[1]}), tt::per_element());

  // Kept across a restart (journal replay).
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  ok("SELECT INBOX");
  BOOST_TEST(email_ids() == (Lines{ids[0], ids[2], ids[3]}), tt::per_element());
  ok("SELECT foo");
  BOOST_TEST(email_ids() == Lines{ids[1]}, tt::per_element());
  ok("SELECT bar");
  BOOST_TEST(email_ids() == (Lines{ids[0], ids[2], ids[1]}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(emailid_is_never_reused, ObjectIdFixture) {
  append("INBOX", kMessageA);
  ok("SELECT INBOX");
  const Lines first = email_ids();
  BOOST_REQUIRE_EQUAL(first.size(), 1u);
  ok("STORE 1 +FLAGS (\\Deleted)");
  ok("EXPUNGE");
  append("INBOX", kMessageA);
  const Lines second = email_ids();
  BOOST_REQUIRE_EQUAL(second.size(), 1u);
  BOOST_TEST(second[0] != first[0]);
  BOOST_TEST(search("EMAILID " + first[0]) == "");
  // A delivered message gets one too, distinct from the appended ones, even with the same bytes.
  server.deliver("alice", kMessageA);
  c.emplace(server.login("alice", "alice-password"));  // deliveries are imported at login
  ok("SELECT INBOX");
  const Lines after = email_ids();
  BOOST_REQUIRE_EQUAL(after.size(), 2u);
  BOOST_TEST(after[0] == second[0]);
  BOOST_TEST(after[1] != second[0]);
  BOOST_TEST(after[1] != first[0]);
}

// §6's example, run on this server's ids.
BOOST_FIXTURE_TEST_CASE(search_emailid_and_threadid, ObjectIdFixture) {
  append("INBOX", kMessageA);
  append("INBOX", kMessageB, "(\\Seen)");
  append("INBOX", kMessageC);
  ok("SELECT INBOX");
  const Lines ids = email_ids();
  BOOST_REQUIRE_EQUAL(ids.size(), 3u);
  BOOST_TEST(search("emailid " + ids[0]) == "1");
  BOOST_TEST(search("EMAILID " + ids[1]) == "2");
  BOOST_TEST(search("EMAILID " + ids[2] + " SEEN") == "");
  BOOST_TEST(search("OR EMAILID " + ids[0] + " EMAILID " + ids[2]) == "1 3");
  BOOST_TEST(search("NOT EMAILID " + ids[1]) == "1 3");
  BOOST_TEST(search("EMAILID M6d99ac3275bb4e") == "");
  // Exactly: no prefix, substring or case-insensitive match.
  BOOST_TEST(search("EMAILID " + ids[0].substr(0, ids[0].size() - 1)) == "");
  std::string upper = ids[0];
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper != ids[0]) BOOST_TEST(search("EMAILID " + upper) == "");
  // §5.2: without THREADID support, SEARCH THREADID matches nothing.
  BOOST_TEST(search("threadid T64b478a75b7ea9") == "");
  BOOST_TEST(search("THREADID " + ids[0]) == "");
  BOOST_TEST(search("NOT THREADID T64b478a75b7ea9") == "1 2 3");
  auto uid = ok("UID SEARCH EMAILID " + ids[2]);
  BOOST_TEST(uid == Lines{"* SEARCH 3"}, tt::per_element());
  auto es = ok("SEARCH RETURN (COUNT) EMAILID " + ids[1]);
  BOOST_REQUIRE_EQUAL(es.size(), 1u);
  BOOST_TEST(es[0].find("COUNT 1") != std::string::npos, es[0]);
}

BOOST_FIXTURE_TEST_CASE(errors, ObjectIdFixture) {
  append("INBOX", kMessageA);
  ok("SELECT INBOX");
  BOOST_TEST(answer("SEARCH EMAILID").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH EMAILID a.b").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH EMAILID \"a b\"").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH EMAILID \"abc\"").rfind("BAD", 0) == 0u);  // an objectid is not a string (§7)
  BOOST_TEST(answer("SEARCH EMAILID " + std::string(256, 'a')).rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH THREADID").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("FETCH 1 (EMAILID[])").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("FETCH 1 EMAILIDS").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("STATUS INBOX (MAILBOXID MAILBOXIDS)").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("STATUS nosuch (MAILBOXID)").rfind("NO [NONEXISTENT]", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  // 255 characters is still an objectid: a valid search that matches nothing.
  BOOST_TEST(search("EMAILID " + std::string(255, 'a')) == "");
}

BOOST_AUTO_TEST_SUITE_END()
