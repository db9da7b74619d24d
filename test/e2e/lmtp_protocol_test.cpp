// LMTP (RFC 2033) over the real server, plain TCP on loopback: every command, extension and error reply, checked as
// exact reply lines. The greeting and LHLO's capabilities (PIPELINING 8BITMIME BINARYMIME CHUNKING SIZE
// ENHANCEDSTATUSCODES SMTPUTF8); HELO/EHLO refused; MAIL/RCPT/DATA delivering a message that IMAPS then returns byte
// for byte (dot-stuffing undone, 8-bit bytes and bare LF kept); recipient normalisation (subaddress, case, quoting)
// and local domains; unknown users and names that cannot be accounts; RSET, NOOP, VRFY, HELP, QUIT; unknown
// commands, bad sequences, syntax errors; SIZE for MAIL, DATA and BDAT; pipelined transactions with an unknown
// recipient among known ones, back-to-back transactions in one write, 1000 recipients and 20000 commands in one
// write; only CRLF.CRLF ends DATA (no SMTP smuggling); BDAT with binary content; SMTPUTF8;
// a storage failure for one recipient (451) while another gets 250; clients that vanish mid-DATA or mid-BDAT
// (nothing delivered, nothing left in spool/ or tmp/); IDLE-ing sessions told at once of an LMTP delivery; a
// delivery for a user who is not logged in shown at the next login.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"
#include "test/support/tcp_client.h"
#include "test/support/temp_dir.h"

using namespace test_support;
using namespace std::chrono_literals;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

using Reply = std::vector<std::string>;

const std::string kPassword = "lmtp-test-password";
constexpr std::uint64_t kMaxBytes = 10000;

const std::string kGreeting = "220 sealbox LMTP Sealbox ready";
const Reply kLhlo = {"250-sealbox",  "250-PIPELINING",           "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING",
                     "250-SIZE 10000", "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8"};
const Reply kOk = {"250 2.0.0 OK"};
const Reply kSenderOk = {"250 2.1.0 Sender OK"};
const Reply kRcptOk = {"250 2.1.5 Recipient OK"};
const Reply kStartData = {"354 Start mail input; end with <CRLF>.<CRLF>"};
const Reply kDelivered = {"250 2.0.0 Message delivered"};
const Reply kNoSuchUser = {"550 5.1.1 No such user here"};
const Reply kBadDomain = {"550 5.1.2 Domain not served here"};
const Reply kTooBig = {"552 5.3.4 Message size exceeds fixed maximum message size"};
const Reply kTempFail = {"451 4.3.0 Temporary local problem; try again later"};
const Reply kUnknown = {"500 5.5.2 Command unrecognized"};
const Reply kUseLhlo = {"500 5.5.1 This is LMTP: use LHLO"};

Reply bad_sequence(const std::string& text) { return {"503 5.5.1 " + text}; }
Reply syntax(const std::string& text) { return {"501 5.5.4 " + text}; }
Reply chunk_ok(std::size_t n) { return {"250 2.0.0 " + std::to_string(n) + " octets received"}; }

// Replies in one line, " | " between them, for comparing lists of replies.
std::string flat(const std::vector<Reply>& replies) {
  std::string out;
  for (const auto& reply : replies) {
    for (const auto& line : reply) out += (out.empty() ? "" : " | ") + line;
  }
  return out;
}

// A message as DATA sends it: every line starting with "." gets another, then the terminator. `m` must end in CRLF.
std::string dot_stuffed(const std::string& m) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (line_start && m[i] == '.') out += '.';
    out += m[i];
    line_start = m[i] == '\n' && i > 0 && m[i - 1] == '\r';
  }
  return out + ".\r\n";
}

// Every octet value, NUL, bare CR and LF, a line that is just ".", CRLF.CRLF, things that look like commands.
std::string binary_message() {
  std::string m = "Subject: binary\r\nContent-Type: application/octet-stream\r\n"
                  "Content-Transfer-Encoding: binary\r\n\r\n";
  for (int i = 0; i < 256; ++i) m += static_cast<char>(i);
  m += "\r\n.\r\n";
  m += ".\r\n..\r\n";
  m += std::string(3, '\0');
  m += "\r\r\n\n\r";
  m += "\n.\n";
  m += "BDAT 5 LAST\r\nQUIT\r\n";
  for (int i = 255; i >= 0; --i) m += static_cast<char>(i);
  return m;  // ends in NUL: BDAT needs no final CRLF
}

bool empty_dir(const fs::path& dir) { return !fs::exists(dir) || fs::is_empty(dir); }

struct LmtpFixture {
  explicit LmtpFixture(std::map<std::string, std::string> config = {})
      : server(options(std::move(config))) {
    server.add_user("alice", kPassword);
    server.add_user("bob", kPassword);
  }

  static ImapServerOptions options(std::map<std::string, std::string> config) {
    config.emplace("lmtp.max_message_bytes", std::to_string(kMaxBytes));
    return ImapServerOptions{std::move(config), true, true};
  }

  // A connection with the greeting read and checked.
  TcpClient connect() {
    auto c = TcpClient::connect(server.lmtp_port());
    BOOST_REQUIRE_EQUAL(c.read_line(), kGreeting);
    return c;
  }
  // connect() plus LHLO.
  TcpClient greeted() {
    auto c = connect();
    auto lhlo = c.command("LHLO client.example");
    BOOST_REQUIRE_MESSAGE(lhlo == kLhlo, "LHLO reply: " << lhlo.front());
    return c;
  }

  // MAIL, RCPT for each address (each must be accepted), DATA, the message: returns the replies after the message.
  std::vector<Reply> send_data(TcpClient& c, const std::vector<std::string>& to, const std::string& message,
                               const std::string& mail_params = {}) {
    BOOST_REQUIRE(c.command("MAIL FROM:<sender@example.net>" + mail_params) == kSenderOk);
    for (const auto& r : to) BOOST_REQUIRE(c.command("RCPT TO:<" + r + ">") == kRcptOk);
    BOOST_REQUIRE(c.command("DATA") == kStartData);
    c.send(dot_stuffed(message));
    std::vector<Reply> replies;
    for (std::size_t i = 0; i < to.size(); ++i) replies.push_back(c.read_reply());
    return replies;
  }
  void deliver(const std::vector<std::string>& to, const std::string& message) {
    auto c = greeted();
    for (const auto& r : send_data(c, to, message)) BOOST_TEST(r == kDelivered);
  }

  // The messages of user's INBOX over IMAPS, in order, once at least `at_least` are there (waiting up to 10 s: a
  // delivery to an open account is imported in the background). Fewer only after the wait, for the test to report.
  std::vector<std::string> inbox(const std::string& user, std::size_t at_least) {
    auto c = server.login(user, kPassword);
    BOOST_REQUIRE(c.command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
    std::size_t exists = 0;
    auto count = [&] {
      for (const auto& r : c.last_untagged()) {
        if (auto n = untagged_number(r, "EXISTS")) exists = *n;
      }
    };
    count();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (exists < at_least && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      BOOST_REQUIRE(c.command("n1", "NOOP") == "n1 OK NOOP completed");
      count();
    }
    std::vector<std::string> out;
    if (exists == 0) return out;
    BOOST_REQUIRE(c.command("f1", "FETCH 1:* BODY.PEEK[]", 30s) == "f1 OK FETCH completed");
    for (const auto& r : c.last_untagged()) {
      auto f = parse_fetch(r);
      if (!f) continue;
      BOOST_REQUIRE_EQUAL(f->seq, out.size() + 1);
      out.push_back(f->items.at("BODY[]"));
    }
    BOOST_TEST(out.size() == exists);
    return out;
  }

  // Nothing waiting in spool/ and nothing half-written in tmp/.
  void nothing_on_disk(const std::string& user) {
    BOOST_TEST(empty_dir(server.user_dir(user) / "spool"), user << "/spool is not empty");
    BOOST_TEST(empty_dir(server.user_dir(user) / "tmp"), user << "/tmp is not empty");
  }

  ImapServer server;
};

struct LocalDomainsFixture : LmtpFixture {
  LocalDomainsFixture()
      : LmtpFixture(std::map<std::string, std::string>{{"delivery.local_domains", "[\"example.org\"]"}}) {}
};

const std::string kSimple = "From: sender@example.net\r\nTo: alice@example.org\r\nSubject: hi\r\n\r\nhello\r\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(lmtp_protocol)

BOOST_FIXTURE_TEST_CASE(greeting_and_lhlo_capabilities, LmtpFixture) {
  auto c = connect();
  BOOST_TEST(c.command("LHLO client.example") == kLhlo);
  BOOST_TEST(c.command("lhlo [127.0.0.1]") == kLhlo);  // verbs in any case; an address literal
  BOOST_TEST(c.command("LHLO") == syntax("Syntax: LHLO hostname"));
  BOOST_TEST(c.command("LHLO bad_host!") == syntax("Invalid host name"));
  BOOST_TEST(c.command("LHLO two words") == syntax("Syntax: LHLO hostname"));
  BOOST_TEST(c.pending() == 0u);
}

BOOST_FIXTURE_TEST_CASE(helo_and_ehlo_are_refused, LmtpFixture) {
  auto c = connect();
  BOOST_TEST(c.command("HELO client.example") == kUseLhlo);
  BOOST_TEST(c.command("EHLO client.example") == kUseLhlo);
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == bad_sequence("Send LHLO first"));
  BOOST_TEST(c.command("LHLO client.example") == kLhlo);
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
}

BOOST_FIXTURE_TEST_CASE(data_delivers_the_exact_bytes, LmtpFixture) {
  // Dot-stuffed lines lose one dot; 8-bit bytes, a bare LF line "." and a CRLF.CRLF look-alike with bare LF stay.
  const std::string message = std::string("From: sender@example.net\r\nSubject: caf\xc3\xa9\r\n\r\n") +
                              ".leading dot\r\n..two dots\r\n.\r\n ." + "\r\n8-bit \xff\x80\xc3\xa9\r\n" +
                              "bare LF\n.\nstill the message\r\n" + "\r\n";
  auto c = greeted();
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> BODY=8BITMIME") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("DATA") == kStartData);
  // The end of the message and its terminator a byte per write: the server must find "\r\n.\r\n" across reads.
  const std::string wire = dot_stuffed(message);
  c.send(wire.substr(0, wire.size() - 8));
  for (std::size_t i = wire.size() - 8; i < wire.size(); ++i) {
    c.send(wire.substr(i, 1));
    std::this_thread::sleep_for(5ms);
  }
  BOOST_TEST(c.read_reply() == kDelivered);
  // A null sender (a bounce) and an empty message.
  BOOST_TEST(c.command("MAIL FROM:<>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("DATA") == kStartData);
  BOOST_TEST(c.command(".") == kDelivered);
  BOOST_TEST(c.command("QUIT") == Reply{"221 2.0.0 sealbox closing connection"});
  auto messages = inbox("alice", 2);
  BOOST_REQUIRE_EQUAL(messages.size(), 2u);
  BOOST_TEST(messages[0] == message);
  BOOST_TEST(messages[1] == "");
}

BOOST_FIXTURE_TEST_CASE(only_crlf_dot_crlf_ends_the_data, LmtpFixture) {
  // SMTP smuggling: a "." line ended or started by a bare LF or CR is content, so the "second message" after it is
  // part of the first, and no forged transaction reaches bob.
  const std::string message = "Subject: smuggling\r\n\r\nbody\n.\r\nMAIL FROM:<evil@example.net>\r\n"
                              "RCPT TO:<bob@example.org>\r\nDATA\r\nforged\r\n\r.\r\n\r\n.\nmore\n.\n\r\n";
  auto c = greeted();
  auto replies = send_data(c, {"alice@example.org"}, message);
  BOOST_TEST(flat(replies) == flat({kDelivered}));
  BOOST_TEST(c.command("NOOP") == kOk);
  BOOST_TEST(c.pending() == 0u);
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{message});
  BOOST_TEST(inbox("bob", 0).empty());
  nothing_on_disk("bob");
}

BOOST_FIXTURE_TEST_CASE(too_many_recipients_and_deep_pipelines, LmtpFixture) {
  auto c = greeted();
  // 1000 recipients at most per transaction (RFC 5321 §4.5.3.1.8 asks for 100): the 1001st gets 452 4.5.3.
  std::string batch = "MAIL FROM:<sender@example.net>\r\n";
  for (int i = 0; i < 1001; ++i) batch += "RCPT TO:<alice+" + std::to_string(i) + "@example.org>\r\n";
  c.send(batch);
  BOOST_TEST(c.read_reply() == kSenderOk);
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += c.read_reply() == kRcptOk ? 1 : 0;
  BOOST_TEST(accepted == 1000);
  BOOST_TEST(c.read_reply() == Reply{"452 4.5.3 Too many recipients"});
  BOOST_TEST(c.command("DATA") == kStartData);
  c.send(dot_stuffed(kSimple));
  int delivered = 0;
  for (int i = 0; i < 1000; ++i) delivered += c.read_reply(30s) == kDelivered ? 1 : 0;
  BOOST_TEST(delivered == 1000);
  // 20000 commands in one write (120 KB, more than the socket buffers hold): the replies must not deadlock it.
  std::string noops;
  for (int i = 0; i < 20000; ++i) noops += "NOOP\r\n";
  c.send(noops, 30s);
  int ok = 0;
  for (int i = 0; i < 20000; ++i) ok += c.read_reply(30s) == kOk ? 1 : 0;
  BOOST_TEST(ok == 20000);
  BOOST_TEST(c.pending() == 0u);
  // One account, stored once.
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{kSimple});
}

BOOST_FIXTURE_TEST_CASE(unknown_users_and_impossible_names, LmtpFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  for (const char* to : {"nobody@example.org", "a.lice@example.org", "+alice@example.org", "../alice@example.org",
                         "alice/../bob@example.org", "\"alice bob\"@example.org", "Postmaster", "-x@example.org",
                         "\".\"@example.org", "\"a/b\"@example.org"}) {
    BOOST_TEST(c.command(std::string("RCPT TO:<") + to + ">") == kNoSuchUser, to);
  }
  // 65 characters: longer than any account name.
  BOOST_TEST(c.command("RCPT TO:<" + std::string(65, 'a') + "@example.org>") == kNoSuchUser);
  BOOST_TEST(c.command("DATA") == bad_sequence("No valid recipients"));
  BOOST_TEST(c.command("RSET") == kOk);
  nothing_on_disk("alice");
}

BOOST_FIXTURE_TEST_CASE(recipients_are_normalised_and_stored_once_per_account, LmtpFixture) {
  server.add_user("postmaster", kPassword);
  auto c = greeted();
  const std::vector<std::string> to = {"alice+tag@example.org", "ALICE@EXAMPLE.ORG", "\"alice\"@example.org",
                                       "Alice+Other+x@x.example", "bob@example.org", "POSTMASTER"};
  auto replies = send_data(c, to, kSimple);
  BOOST_REQUIRE_EQUAL(replies.size(), to.size());
  for (const auto& r : replies) BOOST_TEST(r == kDelivered);
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{kSimple});
  BOOST_TEST(inbox("bob", 1) == std::vector<std::string>{kSimple});
  BOOST_TEST(inbox("postmaster", 1) == std::vector<std::string>{kSimple});
}

BOOST_FIXTURE_TEST_CASE(local_domains_only, LocalDomainsFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("RCPT TO:<Bob+x@Example.ORG>") == kRcptOk);  // domains compare without case
  BOOST_TEST(c.command("RCPT TO:<alice@example.net>") == kBadDomain);
  BOOST_TEST(c.command("RCPT TO:<alice@sub.example.org>") == kBadDomain);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org.evil>") == kBadDomain);
  BOOST_TEST(c.command("RCPT TO:<alice@[127.0.0.1]>") == kBadDomain);
  BOOST_TEST(c.command("RCPT TO:<nobody@example.org>") == kNoSuchUser);
  BOOST_TEST(c.command("RCPT TO:<Postmaster>") == kNoSuchUser);  // always local; no such account here
  BOOST_TEST(c.command("DATA") == kStartData);
  c.send(dot_stuffed(kSimple));
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(inbox("bob", 1) == std::vector<std::string>{kSimple});
}

BOOST_FIXTURE_TEST_CASE(rset_noop_vrfy_help_quit, LmtpFixture) {
  auto c = connect();
  // Valid before LHLO too.
  BOOST_TEST(c.command("NOOP") == kOk);
  BOOST_TEST(c.command("RSET") == kOk);
  BOOST_TEST(c.command("LHLO client.example") == kLhlo);
  BOOST_TEST(c.command("NOOP anything at all") == kOk);
  BOOST_TEST(c.command("VRFY alice") == Reply{"252 2.0.0 Cannot VRFY user; try RCPT"});
  BOOST_TEST(c.command("VRFY <nobody@example.org>") == Reply{"252 2.0.0 Cannot VRFY user; try RCPT"});
  BOOST_TEST(c.command("VRFY") == syntax("Syntax: VRFY address"));
  const Reply help = {"214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP"};
  BOOST_TEST(c.command("HELP") == help);
  BOOST_TEST(c.command("HELP MAIL") == help);
  BOOST_TEST(c.command("EXPN staff") == Reply{"502 5.5.1 Command not implemented"});
  // RSET ends the transaction; NOOP and VRFY do not.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("NOOP") == kOk);
  BOOST_TEST(c.command("VRFY alice") == Reply{"252 2.0.0 Cannot VRFY user; try RCPT"});
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("RSET") == kOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == bad_sequence("Send MAIL first"));
  BOOST_TEST(c.command("DATA") == bad_sequence("Send MAIL first"));
  // LHLO acts as RSET.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("LHLO client.example") == kLhlo);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == bad_sequence("Send MAIL first"));
  BOOST_TEST(c.command("QUIT now") == syntax("Syntax: QUIT"));
  BOOST_TEST(c.command("RSET x") == syntax("Syntax: RSET"));
  BOOST_TEST(c.command("quit") == Reply{"221 2.0.0 sealbox closing connection"});
  BOOST_TEST(c.closed_by_peer(5s));
  BOOST_TEST(c.pending() == 0u);
}

BOOST_FIXTURE_TEST_CASE(unknown_commands_and_long_lines, LmtpFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("STARTTLS") == kUnknown);
  BOOST_TEST(c.command("AUTH PLAIN AGFsaWNlAHNlY3JldA==") == kUnknown);
  BOOST_TEST(c.command("TURN") == kUnknown);
  BOOST_TEST(c.command("") == kUnknown);
  BOOST_TEST(c.command(" NOOP") == kUnknown);
  BOOST_TEST(c.command("NO0P") == kUnknown);
  BOOST_TEST(c.command("GET / HTTP/1.1") == kUnknown);
  BOOST_TEST(c.command("NOOP \x01") == syntax("Invalid character in command"));
  BOOST_TEST(c.command("NOOP a\nb") == syntax("Invalid character in command"));  // a bare LF ends no line
  // Over 512 octets (4096 for MAIL and RCPT): refused whole; the session goes on with the next line.
  BOOST_TEST(c.command("NOOP " + std::string(600, 'x')) == Reply{"500 5.5.2 Line too long"});
  BOOST_TEST(c.command("NOOP " + std::string(505, 'x')) == kOk);  // 512 octets with CRLF: the limit
  BOOST_TEST(c.command("NOOP " + std::string(506, 'x')) == Reply{"500 5.5.2 Line too long"});
  BOOST_TEST(c.command("MAIL FROM:<" + std::string(5000, 'a') + "@example.net>") == Reply{"500 5.5.2 Line too long"});
  BOOST_TEST(c.command("MAIL FROM:<" + std::string(600, 'a') + "@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RSET") == kOk);
  // A flood of bytes without CRLF: one reply when the line finally ends, and the connection stays usable.
  c.send(std::string(200000, 'z'));
  BOOST_TEST(c.command("") == Reply{"500 5.5.2 Line too long"});
  BOOST_TEST(c.command("NOOP") == kOk);
}

BOOST_FIXTURE_TEST_CASE(bad_sequences, LmtpFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == bad_sequence("Send MAIL first"));
  BOOST_TEST(c.command("DATA") == bad_sequence("Send MAIL first"));
  // BDAT without MAIL: its octets are read and dropped, then one 503.
  c.send("BDAT 5 LAST\r\nhello");
  BOOST_TEST(c.read_reply() == bad_sequence("Send MAIL first"));
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == bad_sequence("Sender already specified"));
  BOOST_TEST(c.command("DATA") == bad_sequence("No valid recipients"));
  BOOST_TEST(c.command("RCPT TO:<nobody@example.org>") == kNoSuchUser);
  BOOST_TEST(c.command("DATA") == bad_sequence("No valid recipients"));
  c.send("BDAT 3 LAST\r\nabc");
  BOOST_TEST(c.read_reply() == bad_sequence("No valid recipients"));
  // BDAT LAST ended that transaction.
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == bad_sequence("Send MAIL first"));
  // Within a chunked transaction: no RCPT, no DATA after BDAT.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  c.send("BDAT 4\r\nabcd");
  BOOST_TEST(c.read_reply() == chunk_ok(4));
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == bad_sequence("RCPT not allowed after BDAT"));
  BOOST_TEST(c.command("DATA") == bad_sequence("DATA not allowed after BDAT"));
  BOOST_TEST(c.command("RSET") == kOk);
  // BODY=BINARYMIME needs BDAT.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> BODY=BINARYMIME") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("DATA") == bad_sequence("BODY=BINARYMIME requires BDAT"));
  BOOST_TEST(c.command("RSET") == kOk);
  nothing_on_disk("alice");
  BOOST_TEST(inbox("alice", 0).empty());
}

BOOST_FIXTURE_TEST_CASE(syntax_errors, LmtpFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("MAIL") == syntax("Syntax: MAIL FROM:<address>"));
  BOOST_TEST(c.command("MAIL TO:<a@example.net>") == syntax("Syntax: MAIL FROM:<address>"));
  BOOST_TEST(c.command("MAIL FROM:sender@example.net") == Reply{"501 5.1.7 Bad sender address syntax"});
  BOOST_TEST(c.command("MAIL FROM:<sender@>") == Reply{"501 5.1.7 Bad sender address syntax"});
  BOOST_TEST(c.command("MAIL FROM:<a@b> SIZE=12x") == syntax("Bad SIZE parameter"));
  BOOST_TEST(c.command("MAIL FROM:<a@b> SIZE=1 SIZE=2") == syntax("Duplicate SIZE parameter"));
  BOOST_TEST(c.command("MAIL FROM:<a@b> BODY=9BIT") == syntax("Bad BODY parameter"));
  BOOST_TEST(c.command("MAIL FROM:<a@b> SMTPUTF8=yes") == syntax("SMTPUTF8 takes no value"));
  BOOST_TEST(c.command("MAIL FROM:<a@b> KEY=") == syntax("Bad MAIL parameter syntax"));
  BOOST_TEST(c.command("MAIL FROM:<a@b> AUTH=<>") == Reply{"555 5.5.4 Unsupported parameter"});
  BOOST_TEST(c.command("MAIL FROM: <a@b>") == kSenderOk);  // the SP some clients send is tolerated
  BOOST_TEST(c.command("RCPT") == syntax("Syntax: RCPT TO:<address>"));
  BOOST_TEST(c.command("RCPT TO:<>") == Reply{"501 5.1.3 Bad recipient address syntax"});
  BOOST_TEST(c.command("RCPT TO:alice@example.org") == Reply{"501 5.1.3 Bad recipient address syntax"});
  BOOST_TEST(c.command("RCPT TO:<alice@example.org> NOTIFY=NEVER") == Reply{"555 5.5.4 Unsupported parameter"});
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("DATA now") == syntax("Syntax: DATA"));
  // BDAT with a size but a bad tail: the chunk is read and dropped, the session stays in step.
  c.send("BDAT 6 NOW\r\nNOOP\r\n");
  BOOST_TEST(c.read_reply() == syntax("Syntax: BDAT size [LAST]"));
  BOOST_TEST(c.command("NOOP") == kOk);
  // The transaction is intact: the message still goes through.
  BOOST_TEST(c.command("DATA") == kStartData);
  c.send(dot_stuffed(kSimple));
  BOOST_TEST(c.read_reply() == kDelivered);
  // BDAT whose size cannot be read: the data cannot be told from commands, so the server hangs up.
  c.send("BDAT x\r\n");
  BOOST_TEST(c.read_reply() == syntax("Syntax: BDAT size [LAST]"));
  BOOST_TEST(c.closed_by_peer(5s));
}

BOOST_FIXTURE_TEST_CASE(size_limit_for_mail_and_data, LmtpFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> SIZE=10001") == kTooBig);
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> SIZE=99999999999999999999") == kTooBig);
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> SIZE=10000") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  BOOST_TEST(c.command("DATA") == kStartData);
  // Over the limit after all (the SIZE was a lie): one 552 per recipient after the data, nothing stored.
  const std::string big = "Subject: big\r\n\r\n" + std::string(kMaxBytes, 'x') + "\r\n";
  c.send(dot_stuffed(big));
  BOOST_TEST(c.read_reply() == kTooBig);
  BOOST_TEST(c.read_reply() == kTooBig);
  nothing_on_disk("alice");
  nothing_on_disk("bob");
  // Exactly at the limit is fine, and the session goes on.
  std::string exact = "Subject: exact\r\n\r\n";
  exact += std::string(kMaxBytes - exact.size() - 2, 'y') + "\r\n";
  BOOST_REQUIRE_EQUAL(exact.size(), kMaxBytes);
  auto replies = send_data(c, {"alice@example.org"}, exact);
  BOOST_TEST(flat(replies) == flat({kDelivered}));
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{exact});
  BOOST_TEST(inbox("bob", 0).empty());
}

BOOST_FIXTURE_TEST_CASE(pipelined_transaction_with_an_unknown_recipient, LmtpFixture) {
  auto c = connect();
  c.send("LHLO client.example\r\nMAIL FROM:<sender@example.net>\r\nRCPT TO:<alice@example.org>\r\n"
         "RCPT TO:<nobody@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
  BOOST_TEST(c.read_reply() == kLhlo);
  BOOST_TEST(c.read_reply() == kSenderOk);
  BOOST_TEST(c.read_reply() == kRcptOk);
  BOOST_TEST(c.read_reply() == kNoSuchUser);
  BOOST_TEST(c.read_reply() == kRcptOk);
  BOOST_TEST(c.read_reply() == kStartData);
  c.send(dot_stuffed(kSimple) + "NOOP\r\n");
  // One reply per accepted recipient (RFC 2033 §4.2), in RCPT order, then the pipelined NOOP's.
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(c.read_reply() == kOk);
  BOOST_TEST(c.pending() == 0u);
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{kSimple});
  BOOST_TEST(inbox("bob", 1) == std::vector<std::string>{kSimple});
}

BOOST_FIXTURE_TEST_CASE(two_transactions_back_to_back_in_one_write, LmtpFixture) {
  const std::string first = "Subject: first\r\n\r\n.one\r\n";
  const std::string second = "Subject: second\r\n\r\ntwo\r\n";
  const std::string third = "Subject: third\r\n\r\n\x00three\r\n"s;
  auto c = greeted();
  // DATA, DATA, then BDAT, all in one write: the server must take each message from what is already buffered.
  c.send("MAIL FROM:<sender@example.net>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n" +
         dot_stuffed(first) + "MAIL FROM:<sender@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n" +
         dot_stuffed(second) + "MAIL FROM:<> BODY=BINARYMIME\r\nRCPT TO:<alice@example.org>\r\nBDAT 5\r\n" +
         third.substr(0, 5) + "BDAT " + std::to_string(third.size() - 5) + " LAST\r\n" + third.substr(5) +
         "QUIT\r\n");
  const std::vector<Reply> expected = {kSenderOk, kRcptOk,    kRcptOk,    kStartData, kDelivered, kDelivered,
                                       kSenderOk, kRcptOk,    kStartData, kDelivered, kSenderOk,  kRcptOk,
                                       chunk_ok(5), kDelivered, {"221 2.0.0 sealbox closing connection"}};
  for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(c.read_reply() == expected[i], "reply " << i);
  BOOST_TEST(c.closed_by_peer(5s));
  BOOST_TEST(inbox("alice", 2) == (std::vector<std::string>{first, third}));
  BOOST_TEST(inbox("bob", 2) == (std::vector<std::string>{first, second}));
}

BOOST_FIXTURE_TEST_CASE(bdat_with_binary_content, LmtpFixture) {
  const std::string m = binary_message();
  auto c = greeted();
  // In three chunks, cut inside a CRLF and inside "\r\n.\r\n", then an empty BDAT 0 LAST.
  const std::size_t a = m.find("\r\n.\r\n") + 1;
  const std::size_t b = a + 3;
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> BODY=BINARYMIME") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  c.send("BDAT " + std::to_string(a) + "\r\n" + m.substr(0, a));
  BOOST_TEST(c.read_reply() == chunk_ok(a));
  c.send("BDAT " + std::to_string(b - a) + "\r\n" + m.substr(a, b - a));
  BOOST_TEST(c.read_reply() == chunk_ok(b - a));
  c.send("BDAT " + std::to_string(m.size() - b) + "\r\n" + m.substr(b));
  BOOST_TEST(c.read_reply() == chunk_ok(m.size() - b));
  c.send("BDAT 0 LAST\r\n");
  BOOST_TEST(c.read_reply() == kDelivered);
  // In one chunk, without a BODY parameter, for two accounts.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  c.send("BDAT " + std::to_string(m.size()) + " LAST\r\n" + m);
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(c.read_reply() == kDelivered);
  // An empty message by BDAT 0 LAST alone.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  BOOST_TEST(c.command("BDAT 0 LAST") == kDelivered);
  BOOST_TEST(c.command("NOOP") == kOk);
  BOOST_TEST(inbox("alice", 2) == (std::vector<std::string>{m, m}));
  BOOST_TEST(inbox("bob", 2) == (std::vector<std::string>{m, ""}));
}

BOOST_FIXTURE_TEST_CASE(bdat_over_the_size_limit, LmtpFixture) {
  auto c = greeted();
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net> BODY=BINARYMIME") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  c.send("BDAT 6000\r\n" + std::string(6000, 'a'));
  BOOST_TEST(c.read_reply() == chunk_ok(6000));
  // The chunk that goes over fails the transaction; later chunks get the same answer; LAST one per recipient.
  c.send("BDAT 6000\r\n" + std::string(6000, 'b'));
  BOOST_TEST(c.read_reply() == kTooBig);
  c.send("BDAT 10\r\n" + std::string(10, 'c'));
  BOOST_TEST(c.read_reply() == kTooBig);
  c.send("BDAT 10 LAST\r\n" + std::string(10, 'd'));
  BOOST_TEST(c.read_reply() == kTooBig);
  BOOST_TEST(c.read_reply() == kTooBig);
  // The transaction is over.
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == bad_sequence("Send MAIL first"));
  // One chunk over the limit at once.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
  c.send("BDAT 10001 LAST\r\n" + std::string(10001, 'e'));
  BOOST_TEST(c.read_reply() == kTooBig);
  nothing_on_disk("alice");
  nothing_on_disk("bob");
  // Exactly the limit, in two chunks, is delivered.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  const std::string exact = "Subject: exact\r\n\r\n" + std::string(kMaxBytes - 18, 'f');
  c.send("BDAT 5000\r\n" + exact.substr(0, 5000) + "BDAT 5000 LAST\r\n" + exact.substr(5000));
  BOOST_TEST(c.read_reply() == chunk_ok(5000));
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(inbox("alice", 0).empty());
  BOOST_TEST(inbox("bob", 1) == std::vector<std::string>{exact});
}

BOOST_FIXTURE_TEST_CASE(smtputf8, LmtpFixture) {
  auto c = greeted();
  // Without SMTPUTF8, non-ASCII addresses are refused (RFC 6531 §3.5).
  BOOST_TEST(c.command("MAIL FROM:<j\xc3\xb6rg@example.net>") ==
             Reply{"550 5.6.7 Non-ASCII sender address needs SMTPUTF8"});
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<j\xc3\xb6rg@example.org>") ==
             Reply{"553 5.6.7 Non-ASCII recipient address needs SMTPUTF8"});
  BOOST_TEST(c.command("RSET") == kOk);
  // With it: a UTF-8 local part cannot be an account name, so it is an unknown user, not an error.
  BOOST_TEST(c.command("MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc" "cher.example> SMTPUTF8 BODY=8BITMIME") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<j\xc3\xb6rg@example.org>") == kNoSuchUser);
  BOOST_TEST(c.command("RCPT TO:<\xc3\x84LICE@example.org>") == kNoSuchUser);
  BOOST_TEST(c.command("RCPT TO:<\"\xe2\x80\x8b" "alice\"@example.org>") == kNoSuchUser);
  BOOST_TEST(c.command("RCPT TO:<alice@b\xc3\xbc" "cher.example>") == kRcptOk);  // any domain: none configured
  // Invalid UTF-8 is a syntax error, not an address.
  BOOST_TEST(c.command("RCPT TO:<j\xc3rg@example.org>") == Reply{"501 5.1.3 Bad recipient address syntax"});
  BOOST_TEST(c.command("VRFY j\xc3\xb6rg SMTPUTF8") == Reply{"252 2.0.0 Cannot VRFY user; try RCPT"});
  const std::string message = "From: J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc" "cher.example>\r\nSubject: gr\xc3\xbc\xc3\x9f"
                              "e\r\n\r\n\xe2\x9c\x89\r\n";
  BOOST_TEST(c.command("DATA") == kStartData);
  c.send(dot_stuffed(message));
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(c.command("NOOP") == kOk);
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{message});
}

BOOST_FIXTURE_TEST_CASE(storage_failure_is_temporary_and_only_for_that_recipient, LmtpFixture) {
  // Root ignores permissions: make carol's spool impossible to write by putting a file where the directory was.
  server.add_user("carol", kPassword);
  const auto spool = server.user_dir("carol") / "spool";
  fs::remove_all(spool);
  write_file(spool, "not a directory");
  auto c = greeted();
  // DATA: carol's recipient gets 451 4.3.0 in its place among the replies; alice's and bob's get 250.
  auto replies = send_data(c, {"alice@example.org", "carol@example.org", "bob@example.org"}, kSimple);
  BOOST_TEST(flat(replies) == flat({kDelivered, kTempFail, kDelivered}));
  // BDAT likewise.
  BOOST_TEST(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_TEST(c.command("RCPT TO:<carol+x@example.org>") == kRcptOk);
  BOOST_TEST(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  c.send("BDAT " + std::to_string(kSimple.size()) + " LAST\r\n" + kSimple);
  BOOST_TEST(c.read_reply() == kTempFail);
  BOOST_TEST(c.read_reply() == kDelivered);
  BOOST_TEST(c.command("NOOP") == kOk);
  BOOST_TEST(empty_dir(server.user_dir("carol") / "tmp"), "carol/tmp is not empty");
  BOOST_TEST(inbox("alice", 1) == std::vector<std::string>{kSimple});
  BOOST_TEST(inbox("bob", 2) == (std::vector<std::string>{kSimple, kSimple}));
  // Once the spool is back, the retry succeeds.
  fs::remove(spool);
  fs::create_directory(spool);
  auto retry = send_data(c, {"carol@example.org"}, kSimple);
  BOOST_TEST(flat(retry) == flat({kDelivered}));
  BOOST_TEST(inbox("carol", 1) == std::vector<std::string>{kSimple});
}

BOOST_FIXTURE_TEST_CASE(clients_that_vanish_mid_message_leave_nothing, LmtpFixture) {
  server.add_user("dave", kPassword);
  const std::string body = make_message(7, 6000, Body::ascii);
  {  // Mid-DATA, after a good part of the message, with a FIN.
    auto c = greeted();
    BOOST_REQUIRE(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
    BOOST_REQUIRE(c.command("RCPT TO:<dave@example.org>") == kRcptOk);
    BOOST_REQUIRE(c.command("RCPT TO:<alice@example.org>") == kRcptOk);
    BOOST_REQUIRE(c.command("DATA") == kStartData);
    c.send(body);
    c.close();
  }
  {  // Mid-DATA, right after the last line but before the ".", with a reset.
    auto c = greeted();
    BOOST_REQUIRE(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
    BOOST_REQUIRE(c.command("RCPT TO:<dave@example.org>") == kRcptOk);
    BOOST_REQUIRE(c.command("DATA") == kStartData);
    c.send(kSimple + ".");
    c.abort();
  }
  {  // Mid-BDAT: one whole chunk, then part of the last.
    auto c = greeted();
    BOOST_REQUIRE(c.command("MAIL FROM:<sender@example.net> BODY=BINARYMIME") == kSenderOk);
    BOOST_REQUIRE(c.command("RCPT TO:<dave@example.org>") == kRcptOk);
    c.send("BDAT 3000\r\n" + body.substr(0, 3000));
    BOOST_REQUIRE(c.read_reply() == chunk_ok(3000));
    c.send("BDAT 3000 LAST\r\n" + body.substr(3000, 2999));
    c.close();
  }
  {  // After a whole chunk that was not LAST.
    auto c = greeted();
    BOOST_REQUIRE(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
    BOOST_REQUIRE(c.command("RCPT TO:<dave@example.org>") == kRcptOk);
    c.send("BDAT 100\r\n" + body.substr(0, 100));
    BOOST_REQUIRE(c.read_reply() == chunk_ok(100));
    c.abort();
  }
  // The server is alive and serves the next client; nothing reached dave's (or alice's) disk or mailbox.
  std::this_thread::sleep_for(300ms);
  auto c = greeted();
  BOOST_TEST(c.command("NOOP") == kOk);
  nothing_on_disk("dave");
  nothing_on_disk("alice");
  BOOST_TEST(inbox("dave", 0).empty());
  BOOST_TEST(inbox("alice", 0).empty());
  BOOST_TEST(server.running());
}

BOOST_FIXTURE_TEST_CASE(a_client_that_hangs_up_after_the_final_dot_still_gets_its_message_stored, LmtpFixture) {
  // The message was complete: it is stored though nobody reads the 250 (an MTA would retry: a duplicate, not a loss).
  auto c = greeted();
  BOOST_REQUIRE(c.command("MAIL FROM:<sender@example.net>") == kSenderOk);
  BOOST_REQUIRE(c.command("RCPT TO:<bob@example.org>") == kRcptOk);
  BOOST_REQUIRE(c.command("DATA") == kStartData);
  c.send(dot_stuffed(kSimple));
  c.close();
  BOOST_TEST(inbox("bob", 1) == std::vector<std::string>{kSimple});
  BOOST_TEST(empty_dir(server.user_dir("bob") / "tmp"));
  auto d = greeted();
  BOOST_TEST(d.command("NOOP") == kOk);
}

BOOST_FIXTURE_TEST_CASE(idle_sessions_hear_of_an_lmtp_delivery_at_once, LmtpFixture) {
  auto a = server.login("alice", kPassword);
  auto b = server.login("alice", kPassword);
  BOOST_REQUIRE(a.command("a0", "SELECT INBOX").rfind("a0 OK", 0) == 0u);
  BOOST_REQUIRE(b.command("b0", "SELECT INBOX").rfind("b0 OK", 0) == 0u);
  a.send("a1 IDLE\r\n");
  BOOST_REQUIRE_EQUAL(a.read_line(), "+ idling");
  b.send("b1 IDLE\r\n");
  BOOST_REQUIRE_EQUAL(b.read_line(), "+ idling");
  deliver({"alice@example.org"}, kSimple);
  BOOST_TEST(a.read_line(5s) == "* 1 EXISTS");
  BOOST_TEST(b.read_line(5s) == "* 1 EXISTS");
  deliver({"alice@example.org", "bob@example.org"}, kSimple);
  BOOST_TEST(a.read_line(5s) == "* 2 EXISTS");
  BOOST_TEST(b.read_line(5s) == "* 2 EXISTS");
  a.send("DONE\r\n");
  BOOST_TEST(a.read_line(5s) == "a1 OK IDLE terminated");
  b.send("DONE\r\n");
  BOOST_TEST(b.read_line(5s) == "b1 OK IDLE terminated");
  BOOST_TEST(a.command("a2", "FETCH 1 BODY.PEEK[]") == "a2 OK FETCH completed");
  const std::string fetched = "* 1 FETCH (BODY[] {" + std::to_string(kSimple.size()) + "}\r\n" + kSimple + ")";
  BOOST_TEST(a.last_untagged() == std::vector<std::string>{fetched});
}

BOOST_FIXTURE_TEST_CASE(delivery_for_a_user_not_logged_in_appears_at_login, LmtpFixture) {
  deliver({"bob@example.org"}, kSimple);
  deliver({"bob@example.org"}, "Subject: two\r\n\r\n2\r\n");
  BOOST_TEST(!empty_dir(server.user_dir("bob") / "spool"));
  auto c = server.login("bob", kPassword);
  BOOST_TEST(c.command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
  const auto& u = c.last_untagged();
  BOOST_TEST((std::find(u.begin(), u.end(), "* 2 EXISTS") != u.end()));
  BOOST_TEST(empty_dir(server.user_dir("bob") / "spool"));
}

BOOST_AUTO_TEST_SUITE_END()
