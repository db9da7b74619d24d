// RFC 9051 (IMAP4rev2) over the real server. Both revisions are advertised, so a session speaks IMAP4rev1 until the
// client sends ENABLE IMAP4rev2 (Appendix A), and then: SELECT/EXAMINE send no RECENT and no UNSEEN code but an
// untagged LIST for the mailbox (§6.3.2, Appendix E items 10-12) and [CLOSED] when one was selected (§7.1); SEARCH
// answers with ESEARCH (§6.4.4, item 4); mailbox names are UTF-8 both ways (§5.1, Appendix A); unsolicited FETCH
// carries UID (item 21); and the folded-in extensions answer as in their own RFCs (BINARY, STATUS SIZE/DELETED,
// LIST (SUBSCRIBED), MOVE, UID EXPUNGE). A session that did not enable it keeps the RFC 3501 answers.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

const std::string kMessage = "From: a@example.org\r\nSubject: rev2\r\n\r\nbody\r\n";

struct Rev2Session : AliceSession {
  Rev2Session() { BOOST_TEST(ok("ENABLE IMAP4rev2") == Lines{"* ENABLED IMAP4rev2"}, tt::per_element()); }

  // The untagged SELECT lines that do not depend on UIDVALIDITY, MAILBOXID or modseqs.
  static Lines stable(const Lines& lines) {
    Lines out;
    for (const auto& l : lines) {
      if (l.find("[UIDVALIDITY ") != std::string::npos || l.find("[MAILBOXID ") != std::string::npos ||
          l.find("[HIGHESTMODSEQ ") != std::string::npos) {
        continue;
      }
      out.push_back(l);
    }
    return out;
  }
};

bool contains(const Lines& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc9051_imap4rev2)

BOOST_FIXTURE_TEST_CASE(both_revisions_advertised_and_enable_once, AliceSession) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST(caps[0].rfind("* CAPABILITY IMAP4rev1 IMAP4rev2 ", 0) == 0u, caps[0]);
  BOOST_TEST(ok("ENABLE IMAP4rev2") == Lines{"* ENABLED IMAP4rev2"}, tt::per_element());
  BOOST_TEST(ok("ENABLE imap4REV2") == Lines{"* ENABLED"}, tt::per_element());
  // ENABLE does not change CAPABILITY (RFC 5161 §3.1).
  BOOST_TEST(ok("CAPABILITY") == caps, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(select_sends_list_and_no_recent, Rev2Session) {
  append("INBOX", kMessage);
  append("INBOX", kMessage, "(\\Seen)");
  const std::string flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
  BOOST_TEST(stable(ok("SELECT INBOX")) ==
                 (Lines{"* FLAGS (" + flags + ")", "* 2 EXISTS", "* OK [PERMANENTFLAGS (" + flags + " \\*)] Flags permitted",
                        "* OK [UIDNEXT 3] Predicted next UID", "* LIST (\\HasNoChildren) \"/\" \"INBOX\""}),
             tt::per_element());
  // The attributes are accurate: a special-use mailbox shows its use; [CLOSED] first, as a mailbox was selected.
  auto drafts = stable(ok("EXAMINE Drafts"));
  BOOST_REQUIRE(!drafts.empty());
  BOOST_TEST(drafts.front() == "* OK [CLOSED] Previous mailbox closed");
  BOOST_TEST(drafts.back() == "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"");
  BOOST_TEST(!contains(drafts, "RECENT"));
  BOOST_TEST(!contains(drafts, "[UNSEEN"));
}

BOOST_FIXTURE_TEST_CASE(rev1_session_keeps_rfc3501_answers, AliceSession) {
  append("INBOX", kMessage);
  auto lines = ok("SELECT INBOX");
  BOOST_TEST(contains(lines, "* 0 RECENT"));
  BOOST_TEST(contains(lines, "* OK [UNSEEN 1]"));
  BOOST_TEST(!contains(lines, "* LIST "));
  BOOST_TEST(ok("SEARCH ALL") == Lines{"* SEARCH 1"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(search_answers_esearch, Rev2Session) {
  for (int i = 0; i < 4; ++i) append("INBOX", kMessage, i % 2 ? "(\\Flagged)" : "");
  ok("SELECT INBOX");
  // §6.4.4: SEARCH without RETURN is RETURN (ALL); ESEARCH names the tag, and UID for UID SEARCH.
  BOOST_TEST(c->command("s1", "SEARCH ALL") == "s1 OK SEARCH completed");
  BOOST_TEST(c->last_untagged() == Lines{"* ESEARCH (TAG \"s1\") ALL 1:4"}, tt::per_element());
  BOOST_TEST(c->command("s2", "UID SEARCH FLAGGED") == "s2 OK UID SEARCH completed");
  BOOST_TEST(c->last_untagged() == Lines{"* ESEARCH (TAG \"s2\") UID ALL 2,4"}, tt::per_element());
  // Nothing matched: the ESEARCH response without ALL.
  BOOST_TEST(c->command("s3", "SEARCH DELETED") == "s3 OK SEARCH completed");
  BOOST_TEST(c->last_untagged() == Lines{"* ESEARCH (TAG \"s3\")"}, tt::per_element());
  BOOST_TEST(c->command("s4", "SEARCH RETURN (COUNT) UNFLAGGED") == "s4 OK SEARCH completed");
  BOOST_TEST(c->last_untagged() == Lines{"* ESEARCH (TAG \"s4\") COUNT 2"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(mailbox_names_are_utf8, Rev2Session) {
  ok("CREATE \"Entwürfe/Überblick\"");
  BOOST_TEST(ok("LIST \"\" \"Entw*\"") ==
                 (Lines{"* LIST (\\HasChildren) \"/\" \"Entwürfe\"", "* LIST (\\HasNoChildren) \"/\" \"Entwürfe/Überblick\""}),
             tt::per_element());
  append("\"Entwürfe\"", kMessage);
  BOOST_TEST(ok("STATUS \"Entwürfe\" (MESSAGES)") == Lines{"* STATUS \"Entwürfe\" (MESSAGES 1)"}, tt::per_element());
  // A session that did not enable IMAP4rev2 sees the same mailbox in modified UTF-7 (RFC 3501 §5.1.3).
  auto rev1 = server.login("alice", "alice-password");
  BOOST_TEST(rev1.command("r1", "LIST \"\" \"Entw*\"") == "r1 OK LIST completed");
  BOOST_TEST(rev1.last_untagged() == (Lines{"* LIST (\\HasChildren) \"/\" \"Entw&APw-rfe\"",
                                             "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe/&ANw-berblick\""}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(unsolicited_fetch_carries_uid_and_folded_extensions_work, Rev2Session) {
  append("INBOX", kMessage);
  append("INBOX", "Subject: bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n");
  ok("SELECT INBOX");
  auto other = server.login("alice", "alice-password");
  BOOST_TEST(other.command("o1", "SELECT INBOX") == "o1 OK [READ-WRITE] SELECT completed");
  BOOST_TEST(other.command("o2", "STORE 1 +FLAGS.SILENT (\\Flagged)") == "o2 OK STORE completed");
  BOOST_TEST(ok("NOOP") == Lines{"* 1 FETCH (UID 1 FLAGS (\\Flagged))"}, tt::per_element());
  // BINARY (folded in from RFC 3516): the decoded bytes, as a literal8 because they hold a NUL.
  BOOST_TEST(ok("FETCH 2 (BINARY.SIZE[1] BINARY.PEEK[1])") ==
                 Lines{"* 2 FETCH (BINARY.SIZE[1] 4 BINARY[1] ~{4}\r\n" + std::string("\0\1\2\xff", 4) + ")"},
             tt::per_element());
  // STATUS SIZE and DELETED (Appendix E item 3).
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  auto st = ok("STATUS Drafts (MESSAGES DELETED SIZE)");
  BOOST_TEST(st == Lines{"* STATUS \"Drafts\" (MESSAGES 0 DELETED 0 SIZE 0)"}, tt::per_element());
  // UID EXPUNGE and MOVE (folded in from UIDPLUS and MOVE).
  BOOST_TEST(ok("UID EXPUNGE 2") == Lines{"* 2 EXPUNGE"}, tt::per_element());
  BOOST_TEST(answer("MOVE 1 Archive").rfind("OK", 0) == 0u);
  BOOST_TEST(ok("STATUS Archive (MESSAGES)") == Lines{"* STATUS \"Archive\" (MESSAGES 1)"}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
