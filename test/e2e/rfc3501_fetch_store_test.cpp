// RFC 3501 §6.4.5-6.4.8 and §7.4.2 over the real server: every FETCH item the server implements, byte for byte
// against what was appended (ASCII, 8-bit and binary content, a body larger than the server's 256 KiB write
// batch), partial ranges, HEADER.FIELDS(.NOT), the \Seen side effect; STORE in its three modes with and without
// .SILENT; the UID forms; COPY with COPYUID (RFC 4315) and [TRYCREATE].
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;
using Flags = std::set<std::string>;

const std::string kHeader =
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.net\r\n"
    "Subject: Hello\r\n"
    " folded onto a second line\r\n"
    "X-Custom: a\r\n"
    "Message-ID: <m1@test>\r\n"
    "\r\n";
const std::string kText = "body line 1\r\nbody line 2\r\n";
const std::string kDate = "\"17-Jul-1996 02:44:25 -0700\"";
const std::string kInternalDate = "\"17-Jul-1996 09:44:25 +0000\"";  // the same instant, in UTC

// The header of a make_message() message: up to and including the first empty line.
std::string header_of(const std::string& m) {
  const auto at = m.find("\r\n\r\n");
  return at == std::string::npos ? m : m.substr(0, at + 4);
}

// "{n}\r\n" + data: a literal as the server sends it.
std::string lit(const std::string& data) { return "{" + std::to_string(data.size()) + "}\r\n" + data; }

struct FetchFixture {
  FetchFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
    messages = {kHeader + kText, make_message(2, 5000, Body::eight_bit), make_message(3, 300000, Body::binary)};
    for (const auto& m : messages) {
      const std::string tag = "p" + std::to_string(++tags);
      auto status = append_message(*c, tag, "INBOX", m, kDate);
      BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
    }
    ok("SELECT INBOX");
  }
  Lines ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c->command(tag, command, std::chrono::seconds(30));
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c->last_untagged();
  }
  std::string answer(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c->command(tag, command).substr(tag.size() + 1);
  }
  // The single FETCH response of a command that must succeed with exactly one untagged response.
  std::string one(const std::string& command) {
    auto r = ok(command);
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    return r[0];
  }
  Flags flags(int seq) {
    auto f = parse_fetch(one("FETCH " + std::to_string(seq) + " (FLAGS)"));
    BOOST_REQUIRE(f.has_value());
    return parse_flags(f->items.at("FLAGS"));
  }

  ImapServer server;
  std::optional<TlsClient> c;
  std::vector<std::string> messages;
  int tags = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_fetch_store)

BOOST_FIXTURE_TEST_CASE(simple_items, FetchFixture) {
  BOOST_TEST(one("FETCH 1 FLAGS") == "* 1 FETCH (FLAGS ())");
  BOOST_TEST(one("FETCH 2 (UID)") == "* 2 FETCH (UID 2)");
  BOOST_TEST(one("FETCH 1 INTERNALDATE") == "* 1 FETCH (INTERNALDATE " + kInternalDate + ")");
  BOOST_TEST(one("FETCH 3 RFC822.SIZE") == "* 3 FETCH (RFC822.SIZE 300000)");
  // Items come back in the order asked.
  BOOST_TEST(
      ok("FETCH 1:3 (RFC822.SIZE UID FLAGS)") ==
          (Lines{"* 1 FETCH (RFC822.SIZE " + std::to_string(messages[0].size()) + " UID 1 FLAGS ())",
                 "* 2 FETCH (RFC822.SIZE 5000 UID 2 FLAGS ())", "* 3 FETCH (RFC822.SIZE 300000 UID 3 FLAGS ())"}),
      tt::per_element());
  // FAST = (FLAGS INTERNALDATE RFC822.SIZE).
  auto fast = parse_fetch(one("FETCH 2 FAST"));
  BOOST_REQUIRE(fast.has_value());
  BOOST_TEST(fast->items.at("FLAGS") == "()");
  BOOST_TEST(fast->items.at("INTERNALDATE") == kInternalDate.substr(1, kInternalDate.size() - 2));
  BOOST_TEST(fast->items.at("RFC822.SIZE") == "5000");
  // Sequence sets: ranges, lists, "*", reversed ranges.
  BOOST_TEST(ok("FETCH 3:1 UID") == (Lines{"* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)"}),
             tt::per_element());
  BOOST_TEST(ok("FETCH *,1 UID") == (Lines{"* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)"}), tt::per_element());
  BOOST_TEST(answer("FETCH 4 UID") == "BAD Invalid message sequence number");
  BOOST_TEST(answer("FETCH 0 UID").rfind("BAD", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(body_sections_are_byte_exact, FetchFixture) {
  for (int seq = 1; seq <= 3; ++seq) {
    const std::string& m = messages[static_cast<std::size_t>(seq - 1)];
    const std::string header = header_of(m);
    const std::string text = m.substr(header.size());
    const std::string prefix = "* " + std::to_string(seq) + " FETCH (";
    BOOST_TEST((one("FETCH " + std::to_string(seq) + " BODY.PEEK[]") == prefix + "BODY[] " + lit(m) + ")"),
               "BODY[] of " << seq);
    BOOST_TEST(
        (one("FETCH " + std::to_string(seq) + " BODY.PEEK[HEADER]") == prefix + "BODY[HEADER] " + lit(header) + ")"),
        "BODY[HEADER] of " << seq);
    BOOST_TEST((one("FETCH " + std::to_string(seq) + " BODY.PEEK[TEXT]") == prefix + "BODY[TEXT] " + lit(text) + ")"),
               "BODY[TEXT] of " << seq);
    BOOST_TEST(
        (one("FETCH " + std::to_string(seq) + " RFC822.HEADER") == prefix + "RFC822.HEADER " + lit(header) + ")"),
        "RFC822.HEADER of " << seq);
    // Several sections in one response, in the order asked.
    BOOST_TEST(
        (one("FETCH " + std::to_string(seq) + " (UID BODY.PEEK[TEXT] BODY.PEEK[HEADER])") ==
         prefix + "UID " + std::to_string(seq) + " BODY[TEXT] " + lit(text) + " BODY[HEADER] " + lit(header) + ")"),
        "two sections of " << seq);
  }
  // Peeking never set \Seen.
  BOOST_TEST(ok("FETCH 1:* FLAGS") == (Lines{"* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())", "* 3 FETCH (FLAGS ())"}),
             tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(header_fields_and_not, FetchFixture) {
  const std::string from_subject =
      "From: Alice <alice@example.org>\r\nSubject: Hello\r\n folded onto a second line\r\n\r\n";
  // Fields come in message order whatever the order asked; names match case-insensitively; the label echoes them.
  BOOST_TEST(one("FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject From)]") ==
             "* 1 FETCH (BODY[HEADER.FIELDS (Subject From)] " + lit(from_subject) + ")");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]") ==
             "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM)] " + lit(from_subject) + ")");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Subject From)]") ==
             "* 1 FETCH (BODY[HEADER.FIELDS.NOT (Subject From)] " +
                 lit("To: bob@example.net\r\nX-Custom: a\r\nMessage-ID: <m1@test>\r\n\r\n") + ")");
  // A field that is not there gives just the blank line.
  BOOST_TEST(one("FETCH 1 BODY.PEEK[HEADER.FIELDS (X-Nothing)]") ==
             "* 1 FETCH (BODY[HEADER.FIELDS (X-Nothing)] " + lit("\r\n") + ")");
  // 8-bit header bytes pass through untouched.
  const std::string& m2 = messages[1];
  const auto subject_at = m2.find("Subject: ");
  const std::string subject = m2.substr(subject_at, m2.find("\r\n", subject_at) + 2 - subject_at);
  BOOST_TEST(one("FETCH 2 BODY.PEEK[HEADER.FIELDS (Subject)]") ==
             "* 2 FETCH (BODY[HEADER.FIELDS (Subject)] " + lit(subject + "\r\n") + ")");
  // Partial of a header-fields section.
  BOOST_TEST(one("FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject From)]<6.5>") ==
             "* 1 FETCH (BODY[HEADER.FIELDS (Subject From)]<6> " + lit("Alice") + ")");
}

BOOST_FIXTURE_TEST_CASE(partial_ranges, FetchFixture) {
  const std::string& m1 = messages[0];
  BOOST_TEST(one("FETCH 1 BODY.PEEK[]<0.10>") == "* 1 FETCH (BODY[]<0> " + lit(m1.substr(0, 10)) + ")");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[]<6.5>") == "* 1 FETCH (BODY[]<6> " + lit("Alice") + ")");
  // A range running past the end is cut; one starting past the end is empty (RFC 3501 §6.4.5).
  BOOST_TEST(one("FETCH 1 BODY.PEEK[]<" + std::to_string(m1.size() - 4) + ".100>") ==
             "* 1 FETCH (BODY[]<" + std::to_string(m1.size() - 4) + "> " + lit(m1.substr(m1.size() - 4)) + ")");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[]<100000.10>") == "* 1 FETCH (BODY[]<100000> {0}\r\n)");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[TEXT]<5.6>") == "* 1 FETCH (BODY[TEXT]<5> " + lit(kText.substr(5, 6)) + ")");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[HEADER]<0.4>") == "* 1 FETCH (BODY[HEADER]<0> " + lit("From") + ")");
  // Across the server's 256 KiB write batch, in a binary body.
  const std::string& m3 = messages[2];
  BOOST_TEST(
      (one("FETCH 3 BODY.PEEK[]<262000.2000>") == "* 3 FETCH (BODY[]<262000> " + lit(m3.substr(262000, 2000)) + ")"));
  BOOST_TEST((one("FETCH 3 BODY.PEEK[]<299999.10>") == "* 3 FETCH (BODY[]<299999> " + lit(m3.substr(299999)) + ")"));
  // Partial with the \Seen side effect.
  BOOST_TEST(one("FETCH 2 BODY[]<0.4>") ==
             "* 2 FETCH (BODY[]<0> " + lit(messages[1].substr(0, 4)) + " FLAGS (\\Seen))");
}

BOOST_FIXTURE_TEST_CASE(seen_side_effect, FetchFixture) {
  const std::string& m1 = messages[0];
  const std::string header = header_of(m1);
  // BODY[] sets \Seen and says so (RFC 3501 §6.4.5); the second time there is nothing new to report.
  BOOST_TEST(one("FETCH 1 BODY[]") == "* 1 FETCH (BODY[] " + lit(m1) + " FLAGS (\\Seen))");
  BOOST_TEST(one("FETCH 1 BODY[]") == "* 1 FETCH (BODY[] " + lit(m1) + ")");
  // With FLAGS asked for, the new flags are in that item.
  ok("STORE 1 -FLAGS.SILENT (\\Seen)");
  BOOST_TEST(one("FETCH 1 (FLAGS BODY[HEADER])") == "* 1 FETCH (FLAGS (\\Seen) BODY[HEADER] " + lit(header) + ")");
  // RFC822 and RFC822.TEXT set \Seen; RFC822.HEADER does not.
  ok("STORE 1 FLAGS.SILENT ()");
  BOOST_TEST(one("FETCH 1 RFC822.HEADER") == "* 1 FETCH (RFC822.HEADER " + lit(header) + ")");
  BOOST_TEST(flags(1).empty());
  BOOST_TEST(one("FETCH 1 RFC822") == "* 1 FETCH (RFC822 " + lit(m1) + " FLAGS (\\Seen))");
  ok("STORE 1 FLAGS.SILENT ()");
  BOOST_TEST(one("FETCH 1 RFC822.TEXT") == "* 1 FETCH (RFC822.TEXT " + lit(kText) + " FLAGS (\\Seen))");
  // Other flags are kept when \Seen is added.
  ok("STORE 2 FLAGS.SILENT (\\Flagged $Work)");
  auto f = parse_fetch(one("FETCH 2 BODY[TEXT]<0.1>"));
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST((parse_flags(f->items.at("FLAGS")) == Flags{"$Work", "\\Flagged", "\\Seen"}));
  // The flag is durable and visible to a new session.
  auto other = server.login("alice", "alice-password");
  BOOST_TEST(other.command("o1", "EXAMINE INBOX") == "o1 OK [READ-ONLY] EXAMINE completed");
  BOOST_TEST(other.command("o2", "FETCH 1 FLAGS") == "o2 OK FETCH completed");
  BOOST_TEST(other.last_untagged() == Lines{"* 1 FETCH (FLAGS (\\Seen))"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(store_modes_and_silent, FetchFixture) {
  BOOST_TEST(ok("STORE 1 +FLAGS (\\Flagged $Work)") == Lines{"* 1 FETCH (FLAGS ($Work \\Flagged))"}, tt::per_element());
  BOOST_TEST(ok("STORE 1 +FLAGS (\\Answered)") == Lines{"* 1 FETCH (FLAGS ($Work \\Answered \\Flagged))"},
             tt::per_element());
  BOOST_TEST(ok("STORE 1 -FLAGS ($Work \\Answered)") == Lines{"* 1 FETCH (FLAGS (\\Flagged))"}, tt::per_element());
  BOOST_TEST(ok("STORE 1:2 FLAGS (\\Seen \\Draft)") ==
                 (Lines{"* 1 FETCH (FLAGS (\\Draft \\Seen))", "* 2 FETCH (FLAGS (\\Draft \\Seen))"}),
             tt::per_element());
  BOOST_TEST(ok("STORE 2 FLAGS ()") == Lines{"* 2 FETCH (FLAGS ())"}, tt::per_element());
  // System flag names are case-insensitive.
  BOOST_TEST(ok("STORE 3 +FLAGS (\\seen \\FLAGGED)") == Lines{"* 3 FETCH (FLAGS (\\Flagged \\Seen))"},
             tt::per_element());
  // .SILENT: no untagged FETCH, but the change is made.
  BOOST_TEST(ok("STORE 1:3 +FLAGS.SILENT (\\Deleted)").empty());
  BOOST_TEST((flags(1) == Flags{"\\Deleted", "\\Draft", "\\Seen"}));
  BOOST_TEST((flags(2) == Flags{"\\Deleted"}));
  BOOST_TEST(ok("STORE 1:3 -FLAGS.SILENT (\\Deleted)").empty());
  BOOST_TEST(ok("STORE 2 FLAGS.SILENT (\\Answered)").empty());
  BOOST_TEST((flags(2) == Flags{"\\Answered"}));
  // \Recent cannot be stored (RFC 3501 §2.3.2).
  BOOST_TEST(ok("STORE 2 +FLAGS (\\Recent)") == Lines{"* 2 FETCH (FLAGS (\\Answered))"}, tt::per_element());
  // A keyword in use is announced at the next SELECT.
  BOOST_TEST(ok("STORE 3 +FLAGS.SILENT ($Keep)").empty());
  auto selected = ok("SELECT INBOX");
  BOOST_TEST(selected.at(0) == "* OK [CLOSED] Previous mailbox closed");
  BOOST_TEST(selected.at(1) == "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Keep)");
  BOOST_TEST((flags(3) == Flags{"$Keep", "\\Flagged", "\\Seen"}));
  BOOST_TEST(answer("STORE 4 +FLAGS (\\Seen)") == "BAD Invalid message sequence number");
  BOOST_TEST(answer("STORE 1 FLAGZ (\\Seen)").rfind("BAD", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(uid_forms, FetchFixture) {
  ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");  // UIDs 1 and 3 remain, at 1 and 2
  // UID FETCH always reports the UID, first unless asked for elsewhere (RFC 3501 §6.4.8).
  BOOST_TEST(ok("UID FETCH 1:* FLAGS") == (Lines{"* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 3 FLAGS ())"}),
             tt::per_element());
  BOOST_TEST(ok("UID FETCH 3 (FLAGS UID)") == Lines{"* 2 FETCH (FLAGS () UID 3)"}, tt::per_element());
  BOOST_TEST(ok("UID FETCH 2 FLAGS").empty());  // an expunged UID is skipped, not an error
  BOOST_TEST(ok("UID FETCH 100:* UID") == Lines{"* 2 FETCH (UID 3)"}, tt::per_element());  // "*" is the largest UID
  BOOST_TEST(one("UID FETCH 1 BODY.PEEK[HEADER.FIELDS (Message-ID)]") ==
             "* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Message-ID)] " + lit("Message-ID: <m1@test>\r\n\r\n") + ")");
  // UID STORE reports the UID too.
  BOOST_TEST(ok("UID STORE 3 +FLAGS (\\Flagged)") == Lines{"* 2 FETCH (FLAGS (\\Flagged) UID 3)"}, tt::per_element());
  BOOST_TEST(ok("UID STORE 1:3 +FLAGS.SILENT (\\Answered)").empty());
  BOOST_TEST(ok("UID STORE 2 +FLAGS (\\Seen)").empty());
  BOOST_TEST(ok("UID FETCH 1:3 FLAGS") ==
                 (Lines{"* 1 FETCH (UID 1 FLAGS (\\Answered))", "* 2 FETCH (UID 3 FLAGS (\\Answered \\Flagged))"}),
             tt::per_element());
  // UID COPY.
  ok("CREATE Kept");
  const auto validity = [&] {
    auto r = one("STATUS Kept (UIDVALIDITY)");
    return r.substr(r.find("UIDVALIDITY ") + 12, r.size() - r.find("UIDVALIDITY ") - 13);
  }();
  BOOST_TEST(answer("UID COPY 3 Kept") == "OK [COPYUID " + validity + " 3 1] UID COPY completed");
  BOOST_TEST(answer("UID COPY 1:3 Kept") == "OK [COPYUID " + validity + " 1,3 2:3] UID COPY completed");
  BOOST_TEST(answer("UID COPY 2 Kept") == "OK Nothing to copy");
}

BOOST_FIXTURE_TEST_CASE(copy_preserves_content_flags_and_date, FetchFixture) {
  ok("STORE 1 FLAGS.SILENT (\\Flagged $Work)");
  ok("STORE 3 FLAGS.SILENT (\\Seen)");
  // RFC 3501 §6.4.7: a missing target is NO [TRYCREATE].
  BOOST_TEST(answer("COPY 1:3 Kept") == "NO [TRYCREATE] No such mailbox");
  ok("CREATE Kept");
  auto r = one("STATUS Kept (UIDVALIDITY)");
  const std::string validity = r.substr(r.find("UIDVALIDITY ") + 12, r.size() - r.find("UIDVALIDITY ") - 13);
  BOOST_TEST(answer("COPY 1:3 Kept") == "OK [COPYUID " + validity + " 1:3 1:3] COPY completed");
  BOOST_TEST(answer("COPY 2 Kept") == "OK [COPYUID " + validity + " 2 4] COPY completed");
  BOOST_TEST(answer("COPY 9 Kept") == "BAD Invalid message sequence number");
  // The source is unchanged.
  BOOST_TEST((flags(1) == Flags{"$Work", "\\Flagged"}));
  // In the copy: the same bytes, flags and internal date.
  ok("EXAMINE Kept");
  BOOST_TEST(ok("FETCH 1:4 (UID FLAGS INTERNALDATE)") ==
                 (Lines{"* 1 FETCH (UID 1 FLAGS ($Work \\Flagged) INTERNALDATE " + kInternalDate + ")",
                        "* 2 FETCH (UID 2 FLAGS () INTERNALDATE " + kInternalDate + ")",
                        "* 3 FETCH (UID 3 FLAGS (\\Seen) INTERNALDATE " + kInternalDate + ")",
                        "* 4 FETCH (UID 4 FLAGS () INTERNALDATE " + kInternalDate + ")"}),
             tt::per_element());
  for (int seq = 1; seq <= 3; ++seq) {
    BOOST_TEST(
        (one("FETCH " + std::to_string(seq) + " BODY.PEEK[]") ==
         "* " + std::to_string(seq) + " FETCH (BODY[] " + lit(messages[static_cast<std::size_t>(seq - 1)]) + ")"),
        "copy " << seq);
  }
  // Copies are independent: expunging the original leaves the copy readable.
  ok("SELECT INBOX");
  ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
  ok("EXPUNGE");
  ok("EXAMINE Kept");
  BOOST_TEST(one("FETCH 1 BODY.PEEK[]") == "* 1 FETCH (BODY[] " + lit(messages[0]) + ")");
  // COPY into the selected mailbox shows the new messages at once.
  ok("SELECT Kept");
  BOOST_TEST(c->command("k1", "COPY 1 Kept") == "k1 OK [COPYUID " + validity + " 1 5] COPY completed");
  BOOST_TEST(c->last_untagged() == Lines{"* 5 EXISTS"}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(bad_items_are_refused_whole, FetchFixture) {
  // One bad item refuses the whole FETCH with BAD: no partial response, no \Seen (BINARY itself is tested in
  // rfc3516_binary_test.cpp).
  for (const char* items : {"(FLAGS BINARY[1] BOGUS)", "(BINARY[1] BODY[1.BOGUS])", "(BODY[1] BINARY[1.TEXT])"}) {
    BOOST_TEST(c->command("n1", std::string("FETCH 1 ") + items).rfind("n1 BAD", 0) == 0u, items);
    BOOST_TEST(c->last_untagged().empty(), items);
  }
  BOOST_TEST(flags(1).empty());
}

// Only the five settable system flags exist; an unknown "\\Name" is refused, keywords are fine (RFC 3501 §2.3.2).
BOOST_FIXTURE_TEST_CASE(unknown_system_flags_are_refused, FetchFixture) {
  BOOST_TEST(answer("STORE 1 +FLAGS (\\Bogus)") == "BAD Unknown system flag");
  BOOST_TEST(answer("STORE 1 +FLAGS ($Label1 \\Recent)") == "OK STORE completed");
  BOOST_TEST(one("FETCH 1 FLAGS") == "* 1 FETCH (FLAGS ($Label1))");
  const auto tag = "u" + std::to_string(++tags);
  BOOST_TEST(append_message(*c, tag, "INBOX", "Subject: x\r\n\r\ny\r\n", "(\\Bogus) " + kDate).rfind(
                 tag + " BAD Unknown system flag", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
