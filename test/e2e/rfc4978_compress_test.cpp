// RFC 4978 COMPRESS=DEFLATE over the real server: the capability is advertised (before and after login, and still
// once compression is on); "tag OK DEFLATE active" arrives uncompressed and everything after it is raw deflate both
// ways; a whole session runs compressed (SELECT, APPEND of text, 8-bit, binary and 2 MiB messages read back
// byte-identical, STORE, SEARCH, IDLE woken by another session and by `sealbox deliver`, LOGOUT with BYE); the RFC's
// example; a large FETCH (20 x 1 MiB); and the refusals: a second COMPRESS (NO [COMPRESSIONACTIVE], §3), an unknown
// algorithm (BAD), COMPRESS before login (BAD: it is a command-auth command, §5), and data pipelined after COMPRESS
// (BAD, compression stays off: "The client MUST NOT send any further commands until it has seen the result", §3).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
using namespace std::chrono_literals;

namespace {

struct CompressFixture {
  CompressFixture() { server.add_user("alice", "alice-password"); }

  TlsClient login() { return server.login("alice", "alice-password"); }

  // COMPRESS DEFLATE on `c`: the OK is read as plain text, then the client turns compression on.
  static void compress(TlsClient& c, const std::string& tag = "z1") {
    c.send(tag + " COMPRESS DEFLATE\r\n");
    BOOST_REQUIRE_EQUAL(c.read_line(), tag + " OK DEFLATE active");
    c.start_deflate();
  }

  static std::string capabilities(TlsClient& c, const std::string& tag) {
    BOOST_REQUIRE_EQUAL(c.command(tag, "CAPABILITY"), tag + " OK CAPABILITY completed");
    BOOST_REQUIRE_EQUAL(c.last_untagged().size(), 1u);
    return c.last_untagged()[0] + " ";
  }

  // FETCH n BODY.PEEK[] and return the literal.
  std::string fetch_body(TlsClient& c, const std::string& tag, std::uint32_t seq) {
    const auto status = c.command(tag, "FETCH " + std::to_string(seq) + " BODY.PEEK[]", 60s);
    BOOST_REQUIRE_MESSAGE(status == tag + " OK FETCH completed", status << "\n" << server.log());
    for (const auto& r : c.last_untagged()) {
      auto f = parse_fetch(r);
      if (f && f->seq == seq && f->items.count("BODY[]") != 0) return f->items.at("BODY[]");
    }
    BOOST_FAIL("no BODY[] for message " + std::to_string(seq));
    return {};
  }

  ImapServer server;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc4978_compress)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised_before_and_after_login_and_once_active, CompressFixture) {
  auto c = server.connect();
  BOOST_TEST(capabilities(c, "c1").find(" COMPRESS=DEFLATE ") != std::string::npos);
  auto d = login();
  BOOST_TEST(capabilities(d, "c2").find(" COMPRESS=DEFLATE ") != std::string::npos);
  compress(d);
  // RFC 4978 does not ask to hide it; a second COMPRESS is refused with COMPRESSIONACTIVE instead.
  BOOST_TEST(capabilities(d, "c3").find(" COMPRESS=DEFLATE ") != std::string::npos);
}

// RFC 4978 §3, first example (the RFC's "d OK" answering tag c is a typo: the tagged reply carries the command's tag),
// with the lower-case spelling it uses.
BOOST_FIXTURE_TEST_CASE(rfc_example_login_then_compress, CompressFixture) {
  auto c = server.connect();
  BOOST_TEST(c.command("b", "login alice alice-password").rfind("b OK", 0) == 0u);
  c.send("c compress deflate\r\n");
  BOOST_REQUIRE_EQUAL(c.read_line(), "c OK DEFLATE active");  // uncompressed: read as plain text
  c.start_deflate();
  BOOST_TEST(c.command("d", "NOOP") == "d OK NOOP completed");
  BOOST_TEST(c.command("e", "LIST \"\" INBOX") == "e OK LIST completed");
}

// RFC 4978 §3, second example: the server refuses to compress twice.
BOOST_FIXTURE_TEST_CASE(second_compress_is_no_compressionactive, CompressFixture) {
  auto c = login();
  compress(c, "c");
  BOOST_TEST(c.command("c2", "COMPRESS DEFLATE") == "c2 NO [COMPRESSIONACTIVE] DEFLATE active via COMPRESS");
  // Still compressed, still usable.
  BOOST_TEST(c.command("c3", "NOOP") == "c3 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(unknown_algorithm_and_missing_argument_are_bad, CompressFixture) {
  auto c = login();
  BOOST_TEST(c.command("a1", "COMPRESS LZW").rfind("a1 BAD ", 0) == 0u);
  BOOST_TEST(c.command("a2", "COMPRESS").rfind("a2 BAD ", 0) == 0u);
  BOOST_TEST(c.command("a3", "COMPRESS DEFLATE X").rfind("a3 BAD ", 0) == 0u);
  // Compression never started: plain text goes on.
  BOOST_TEST(c.command("a4", "NOOP") == "a4 OK NOOP completed");
  compress(c, "a5");
  BOOST_TEST(c.command("a6", "NOOP") == "a6 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(compress_before_login_is_bad, CompressFixture) {
  auto c = server.connect();
  BOOST_TEST(c.command("a1", "COMPRESS DEFLATE") == "a1 BAD Log in first");
  BOOST_TEST(c.command("a2", "LOGIN alice alice-password").rfind("a2 OK", 0) == 0u);
  compress(c, "a3");
  BOOST_TEST(c.command("a4", "NOOP") == "a4 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(pipelined_command_after_compress_is_refused, CompressFixture) {
  auto c = login();
  c.send("a1 COMPRESS DEFLATE\r\na2 NOOP\r\n");  // one TLS record: both lines are in the server's buffer together
  BOOST_TEST(c.read_line().rfind("a1 BAD ", 0) == 0u);
  BOOST_TEST(c.read_line() == "a2 OK NOOP completed");  // read as plain text: compression stayed off
  compress(c, "a3");
  BOOST_TEST(c.command("a4", "NOOP") == "a4 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(compress_in_selected_state, CompressFixture) {
  auto c = login();
  BOOST_TEST(c.command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
  compress(c);
  BOOST_TEST(append_message(c, "a1", "INBOX", "Subject: x\r\n\r\nbody\r\n").rfind("a1 OK", 0) == 0u);
  BOOST_TEST(fetch_body(c, "f1", 1) == "Subject: x\r\n\r\nbody\r\n");
}

BOOST_FIXTURE_TEST_CASE(full_session_compressed, CompressFixture) {
  auto c = login();
  compress(c);
  BOOST_TEST(c.command("s1", "SELECT INBOX").rfind("s1 OK [READ-WRITE]", 0) == 0u);
  const std::vector<std::string> sent = {
      "Subject: hello\r\n\r\nsmall text\r\n",
      make_message(1, 5000, Body::ascii),
      make_message(2, 40000, Body::eight_bit),
      make_message(3, 300000, Body::binary),
      make_message(4, 2 * 1024 * 1024, Body::binary),  // 2 MiB
      make_message(5, 2 * 1024 * 1024, Body::eight_bit),
  };
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto tag = "a" + std::to_string(i);
    const auto status = append_message(c, tag, "INBOX", sent[i]);
    BOOST_TEST(status.rfind(tag + " OK [APPENDUID ", 0) == 0u, status);
  }
  BOOST_TEST(c.command("n1", "NOOP") == "n1 OK NOOP completed");
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto body = fetch_body(c, "f" + std::to_string(i), static_cast<std::uint32_t>(i + 1));
    BOOST_TEST(body.size() == sent[i].size());
    BOOST_TEST((body == sent[i]), "message " << i + 1 << " differs");
  }
  BOOST_TEST(c.command("t1", "STORE 2:3 +FLAGS (\\Flagged)") == "t1 OK STORE completed");
  BOOST_TEST(c.last_untagged() == (std::vector<std::string>{"* 2 FETCH (FLAGS (\\Flagged))",
                                                            "* 3 FETCH (FLAGS (\\Flagged))"}));
  BOOST_TEST(c.command("q1", "SEARCH FLAGGED") == "q1 OK SEARCH completed");
  BOOST_TEST(c.last_untagged() == std::vector<std::string>{"* SEARCH 2 3"});
  BOOST_TEST(c.command("q2", "SEARCH SUBJECT hello") == "q2 OK SEARCH completed");
  BOOST_TEST(c.last_untagged() == std::vector<std::string>{"* SEARCH 1"});

  // IDLE: woken by a second (uncompressed) session's APPEND and by `sealbox deliver`.
  auto b = login();
  BOOST_TEST(b.command("b1", "SELECT INBOX").rfind("b1 OK", 0) == 0u);
  c.send("i1 IDLE\r\n");
  BOOST_REQUIRE_EQUAL(c.read_line(), "+ idling");
  BOOST_TEST(append_message(b, "b2", "INBOX", "Subject: from b\r\n\r\nhi\r\n").rfind("b2 OK", 0) == 0u);
  BOOST_TEST(c.read_line(5s) == "* 7 EXISTS");
  BOOST_TEST(b.command("b3", "STORE 1 +FLAGS (\\Seen)").rfind("b3 OK", 0) == 0u);
  BOOST_TEST(c.read_line(5s) == "* 1 FETCH (UID 1 FLAGS (\\Seen))");
  server.deliver("alice", "Subject: delivered\r\n\r\n8-bit \xc3\xa9\r\n");
  BOOST_TEST(c.read_line(10s) == "* 8 EXISTS");
  c.send("DONE\r\n");
  BOOST_TEST(c.read_line(5s) == "i1 OK IDLE terminated");
  BOOST_TEST(fetch_body(c, "f9", 7) == "Subject: from b\r\n\r\nhi\r\n");
  // (Not FETCHing message 8 at once: the spool import announces EXISTS before it renames the blob into place, so an
  // immediate FETCH of a delivered message can fail with [SERVERBUG] not_found; a server issue outside COMPRESS.)

  const auto bye = c.command("l1", "LOGOUT");
  BOOST_TEST(bye == "l1 OK LOGOUT completed");
  BOOST_REQUIRE_EQUAL(c.last_untagged().size(), 1u);
  BOOST_TEST(c.last_untagged()[0].rfind("* BYE", 0) == 0u);
  BOOST_TEST(c.closed_by_peer(5s));
}

BOOST_FIXTURE_TEST_CASE(large_fetch_under_compression, CompressFixture) {
  auto c = login();
  compress(c);
  BOOST_TEST(c.command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
  constexpr int kCount = 20;
  std::vector<std::string> sent;
  for (int i = 0; i < kCount; ++i) {
    sent.push_back(make_message(static_cast<unsigned>(100 + i), 1024 * 1024, i % 2 == 0 ? Body::ascii : Body::binary));
    const auto tag = "a" + std::to_string(i);
    BOOST_REQUIRE(append_message(c, tag, "INBOX", sent.back()).rfind(tag + " OK", 0) == 0u);
  }
  // One FETCH of all 20 MiB, answered in one compressed stream.
  const auto status = c.command("f1", "FETCH 1:* BODY.PEEK[]", 120s);
  BOOST_REQUIRE_EQUAL(status, "f1 OK FETCH completed");
  std::size_t matched = 0;
  for (const auto& r : c.last_untagged()) {
    auto f = parse_fetch(r);
    if (!f || f->items.count("BODY[]") == 0) continue;
    BOOST_REQUIRE(f->seq >= 1 && f->seq <= static_cast<std::uint32_t>(kCount));
    BOOST_TEST((f->items.at("BODY[]") == sent[f->seq - 1]), "message " << f->seq << " differs");
    ++matched;
  }
  BOOST_TEST(matched == static_cast<std::size_t>(kCount));
  BOOST_TEST(c.command("n1", "NOOP") == "n1 OK NOOP completed");
}

BOOST_AUTO_TEST_SUITE_END()
