// RFC 3501 §6.4.5 and §7.4.2 over the real server: ENVELOPE, BODY and BODYSTRUCTURE for every message of the
// test corpus (test/corpus/, expected strings written by hand), whether it came by APPEND or by `sealbox deliver`
// and spool import, after COPY, and after a restart (the structure is stored with the index record); and every
// BODY[section] form on a nested message: part numbers into multiparts and encapsulated messages, MIME, HEADER,
// TEXT, HEADER.FIELDS(.NOT) of an attached message, partial ranges, NIL for sections that do not exist, the \Seen
// side effect of non-PEEK part fetches, and the ALL/FAST/FULL macros.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"

using namespace test_support;
namespace fs = std::filesystem;

namespace {

using Lines = std::vector<std::string>;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct CorpusMessage {
  std::string name, bytes, envelope, body, bodystructure;
};

std::vector<CorpusMessage> corpus() {
  std::vector<CorpusMessage> out;
  for (const auto& entry : fs::directory_iterator(SEALBOX_CORPUS_DIR)) {
    if (entry.path().extension() != ".eml") continue;
    auto base = entry.path();
    auto with = [&](const char* ext) { return read_file(fs::path(base).replace_extension(ext)); };
    out.push_back({base.stem().string(), read_file(base), with(".envelope"), with(".body"), with(".bodystructure")});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

struct Client {
  explicit Client(TlsClient client) : c(std::move(client)) {}
  Lines ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c.command(tag, command, std::chrono::seconds(30));
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c.last_untagged();
  }
  std::string status(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    return c.command(tag, command).substr(tag.size() + 1);
  }
  FetchData fetch(const std::string& command) {
    auto r = ok(command);
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    auto f = parse_fetch(r[0]);
    BOOST_REQUIRE(f.has_value());
    return *f;
  }
  void append(const std::string& mailbox, const std::string& message) {
    const std::string tag = "p" + std::to_string(++tags);
    auto status = append_message(c, tag, mailbox, message);
    BOOST_REQUIRE_MESSAGE(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
  }
  TlsClient c;
  int tags = 0;
};

// Checks ENVELOPE, BODY and BODYSTRUCTURE of messages 1..n of the selected mailbox against the corpus in order.
void check_structures(Client& c, const std::vector<CorpusMessage>& messages, const std::string& context) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    auto f = c.fetch("FETCH " + std::to_string(i + 1) + " (ENVELOPE BODY BODYSTRUCTURE)");
    BOOST_TEST(f.items["ENVELOPE"] == m.envelope, context << ": " << m.name << " ENVELOPE");
    BOOST_TEST(f.items["BODY"] == m.body, context << ": " << m.name << " BODY");
    BOOST_TEST(f.items["BODYSTRUCTURE"] == m.bodystructure, context << ": " << m.name << " BODYSTRUCTURE");
  }
}

// A message with a multipart/alternative and an attached message (itself multipart) inside a multipart/mixed.
const std::string kNested =
    "From: A <a@example.org>\r\n"
    "To: b@example.net\r\n"
    "Subject: nested\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "part one text\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "alt plain\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<p>alt html</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: C <c@example.com>\r\n"
    "Subject: inner message\r\n"
    "Content-Type: multipart/mixed; boundary=\"deep\"\r\n"
    "\r\n"
    "--deep\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "deep one\r\n"
    "--deep\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAEC\r\n"
    "--deep--\r\n"
    "--outer--\r\n"
    "epilogue\r\n";

const std::string kSingleHeader = "From: d@example.org\r\nSubject: single\r\n\r\n";
const std::string kSingleText = "just text\r\nsecond line\r\n";

struct SectionFixture {
  SectionFixture() {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
    c->append("INBOX", kNested);
    c->append("INBOX", kSingleHeader + kSingleText);
    c->ok("SELECT INBOX");
  }
  // The value of one BODY[...] item of message `seq`: the literal's bytes, or "NIL".
  std::string section(int seq, const std::string& item, const std::string& reply_name = {}) {
    auto f = c->fetch("FETCH " + std::to_string(seq) + " (" + item + ")");
    std::string name = reply_name.empty() ? item : reply_name;
    auto it = f.items.find(name);
    if (it == f.items.end()) {
      BOOST_ERROR("no " << name << " in the reply to " << item);
      return {};
    }
    return it->second;
  }
  ImapServer server;
  std::optional<Client> c;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_structure)

BOOST_AUTO_TEST_CASE(corpus_structures_by_append_delivery_copy_and_restart) {
  const auto messages = corpus();
  BOOST_REQUIRE_GE(messages.size(), 20u);
  ImapServer server;
  server.add_user("alice", "alice-password");
  // Deliveries go through the sealed spool and are described at import (the next login); `deliver` refuses an
  // empty message, so those only come by APPEND.
  std::vector<CorpusMessage> delivered;
  for (const auto& m : messages) {
    if (m.bytes.empty()) continue;
    server.deliver("alice", m.bytes);
    delivered.push_back(m);
  }
  {
    Client c(server.login("alice", "alice-password"));
    c.ok("CREATE Appended");
    for (const auto& m : messages) c.append("Appended", m.bytes);
    c.ok("SELECT Appended");
    check_structures(c, messages, "APPEND");
    c.ok("CREATE Copied");
    c.ok("COPY 1:* Copied");
    c.ok("SELECT Copied");
    check_structures(c, messages, "COPY");
    c.ok("SELECT INBOX");
    check_structures(c, delivered, "deliver");
  }
  server.restart();
  Client c(server.login("alice", "alice-password"));
  c.ok("SELECT Appended");
  check_structures(c, messages, "after restart");
}

BOOST_FIXTURE_TEST_CASE(part_numbers_into_multiparts_and_attached_messages, SectionFixture) {
  BOOST_TEST(section(1, "BODY.PEEK[1]", "BODY[1]") == "part one text");
  BOOST_TEST(section(1, "BODY.PEEK[1.MIME]", "BODY[1.MIME]") == "Content-Type: text/plain; charset=utf-8\r\n\r\n");
  BOOST_TEST(section(1, "BODY.PEEK[2]", "BODY[2]") ==
             "--inner\r\nContent-Type: text/plain\r\n\r\nalt plain\r\n--inner\r\nContent-Type: text/html\r\n\r\n"
             "<p>alt html</p>\r\n--inner--");
  BOOST_TEST(section(1, "BODY.PEEK[2.1]", "BODY[2.1]") == "alt plain");
  BOOST_TEST(section(1, "BODY.PEEK[2.2]", "BODY[2.2]") == "<p>alt html</p>");
  BOOST_TEST(section(1, "BODY.PEEK[2.2.MIME]", "BODY[2.2.MIME]") == "Content-Type: text/html\r\n\r\n");
  const std::string inner_header =
      "From: C <c@example.com>\r\nSubject: inner message\r\nContent-Type: multipart/mixed; boundary=\"deep\"\r\n\r\n";
  const std::string inner_text =
      "--deep\r\nContent-Type: text/plain\r\n\r\ndeep one\r\n--deep\r\nContent-Type: application/octet-stream\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--deep--";
  BOOST_TEST(section(1, "BODY.PEEK[3]", "BODY[3]") == inner_header + inner_text);
  BOOST_TEST(section(1, "BODY.PEEK[3.MIME]", "BODY[3.MIME]") == "Content-Type: message/rfc822\r\n\r\n");
  BOOST_TEST(section(1, "BODY.PEEK[3.HEADER]", "BODY[3.HEADER]") == inner_header);
  BOOST_TEST(section(1, "BODY.PEEK[3.TEXT]", "BODY[3.TEXT]") == inner_text);
  BOOST_TEST(section(1, "BODY.PEEK[3.HEADER.FIELDS (SUBJECT)]", "BODY[3.HEADER.FIELDS (SUBJECT)]") ==
             "Subject: inner message\r\n\r\n");
  BOOST_TEST(section(1, "BODY.PEEK[3.HEADER.FIELDS.NOT (From Content-Type)]",
                     "BODY[3.HEADER.FIELDS.NOT (From Content-Type)]") == "Subject: inner message\r\n\r\n");
  BOOST_TEST(section(1, "BODY.PEEK[3.1]", "BODY[3.1]") == "deep one");
  BOOST_TEST(section(1, "BODY.PEEK[3.2]", "BODY[3.2]") == "AAEC");
  BOOST_TEST(section(1, "BODY.PEEK[3.2.MIME]", "BODY[3.2.MIME]") ==
             "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  // The top level, for comparison: HEADER and TEXT of the whole message.
  BOOST_TEST(section(1, "BODY.PEEK[HEADER]", "BODY[HEADER]") == kNested.substr(0, kNested.find("\r\n\r\n") + 4));
  BOOST_TEST(section(1, "BODY.PEEK[TEXT]", "BODY[TEXT]") == kNested.substr(kNested.find("\r\n\r\n") + 4));
}

BOOST_FIXTURE_TEST_CASE(single_part_message_has_part_one, SectionFixture) {
  BOOST_TEST(section(2, "BODY.PEEK[1]", "BODY[1]") == kSingleText);
  BOOST_TEST(section(2, "BODY.PEEK[1.MIME]", "BODY[1.MIME]") == kSingleHeader);
  BOOST_TEST(section(2, "BODY.PEEK[2]", "BODY[2]") == "NIL");
  BOOST_TEST(section(2, "BODY.PEEK[1.1]", "BODY[1.1]") == "NIL");
}

BOOST_FIXTURE_TEST_CASE(missing_sections_are_nil, SectionFixture) {
  for (const char* s : {"4", "1.1", "2.3", "3.3", "3.1.1", "1.HEADER", "1.TEXT", "2.HEADER", "2.1.TEXT", "9.MIME"}) {
    std::string name = std::string("BODY[") + s + "]";
    BOOST_TEST(section(1, std::string("BODY.PEEK[") + s + "]", name) == "NIL", s);
  }
  // The response is well-formed and the tagged reply OK; nothing was marked \Seen.
  auto f = c->fetch("FETCH 1 (BODY.PEEK[4] FLAGS)");
  BOOST_TEST(f.items["BODY[4]"] == "NIL");
  BOOST_TEST(f.items["FLAGS"] == "()");
}

BOOST_FIXTURE_TEST_CASE(partial_ranges_of_parts, SectionFixture) {
  BOOST_TEST(section(1, "BODY.PEEK[2.1]<1.3>", "BODY[2.1]<1>") == "lt ");
  BOOST_TEST(section(1, "BODY.PEEK[3.HEADER]<0.5>", "BODY[3.HEADER]<0>") == "From:");
  BOOST_TEST(section(1, "BODY.PEEK[3.2]<2.100>", "BODY[3.2]<2>") == "EC");
  BOOST_TEST(section(1, "BODY.PEEK[1]<100.5>", "BODY[1]<100>") == "");
}

BOOST_FIXTURE_TEST_CASE(part_fetch_without_peek_sets_seen, SectionFixture) {
  auto f = c->fetch("FETCH 1 BODY.PEEK[2.1]");
  BOOST_TEST(f.items.count("FLAGS") == 0u);
  f = c->fetch("FETCH 1 BODY[2.1]");
  BOOST_TEST(f.items["BODY[2.1]"] == "alt plain");
  BOOST_TEST(f.items["FLAGS"] == "(\\Seen)");
  f = c->fetch("FETCH 1 (FLAGS)");
  BOOST_TEST(f.items["FLAGS"] == "(\\Seen)");
  // EXAMINE is read-only: no side effect.
  c->ok("EXAMINE INBOX");
  f = c->fetch("FETCH 2 BODY[1]");
  BOOST_TEST(f.items.count("FLAGS") == 0u);
  c->ok("SELECT INBOX");
  BOOST_TEST(c->fetch("FETCH 2 FLAGS").items["FLAGS"] == "()");
}

BOOST_FIXTURE_TEST_CASE(macros_expand_to_their_items, SectionFixture) {
  auto all = c->fetch("FETCH 2 ALL");
  BOOST_TEST((all.order == std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"}));
  BOOST_TEST(all.items["ENVELOPE"].find("\"single\"") != std::string::npos);
  auto full = c->fetch("FETCH 2 FULL");
  BOOST_TEST((full.order == std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"}));
  BOOST_TEST(full.items["BODY"] == "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 24 2)");
  auto fast = c->fetch("FETCH 2 FAST");
  BOOST_TEST((fast.order == std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE"}));
  auto uid = c->fetch("UID FETCH 2 (BODYSTRUCTURE)");
  BOOST_TEST((uid.order == std::vector<std::string>{"UID", "BODYSTRUCTURE"}));
  BOOST_TEST(uid.items["BODYSTRUCTURE"] ==
             "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 24 2 NIL NIL NIL NIL)");
}

BOOST_FIXTURE_TEST_CASE(nested_bodystructure, SectionFixture) {
  auto f = c->fetch("FETCH 1 (BODY ENVELOPE)");
  BOOST_TEST(f.items["BODY"] ==
             "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 13 1)"
             "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 9 1)"
             "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 15 1) \"alternative\")"
             "(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 244 "
             "(NIL \"inner message\" ((\"C\" NIL \"c\" \"example.com\")) ((\"C\" NIL \"c\" \"example.com\")) "
             "((\"C\" NIL \"c\" \"example.com\")) NIL NIL NIL NIL NIL) "
             "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 8 1)"
             "(\"application\" \"octet-stream\" NIL NIL NIL \"BASE64\" 4) \"mixed\") 14) \"mixed\")");
  BOOST_TEST(f.items["ENVELOPE"] ==
             "(NIL \"nested\" ((\"A\" NIL \"a\" \"example.org\")) ((\"A\" NIL \"a\" \"example.org\")) "
             "((\"A\" NIL \"a\" \"example.org\")) ((NIL NIL \"b\" \"example.net\")) NIL NIL NIL NIL)");
}

BOOST_AUTO_TEST_SUITE_END()
