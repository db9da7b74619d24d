// RFC 3501 §6.3.11 over the real server: APPEND with a synchronizing literal and in the non-synchronizing "{n+}"
// form (RFC 7888), flags and date-time, APPENDUID (RFC 4315), [TOOBIG] over imap.max_message_bytes (RFC 7889),
// [TRYCREATE] for a missing mailbox, and a client that disconnects mid-APPEND: nothing staged is left behind.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

std::string lit(const std::string& data) { return "{" + std::to_string(data.size()) + "}\r\n" + data; }

std::size_t count_files(const std::filesystem::path& dir) {
  return std::filesystem::exists(dir) ? files_under(dir).size() : 0;
}

struct AppendFixture {
  explicit AppendFixture(ImapServerOptions options = {}) : server(std::move(options)) {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }
  Lines ok(const std::string& command) {
    const std::string tag = "t" + std::to_string(++tags);
    const auto status = c->command(tag, command, std::chrono::seconds(30));
    BOOST_TEST(status.rfind(tag + " OK", 0) == 0u, command << " -> " << status);
    return c->last_untagged();
  }
  std::string one(const std::string& command) {
    auto r = ok(command);
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    return r[0];
  }
  std::string uidvalidity(const std::string& mailbox) {
    auto r = one("STATUS " + mailbox + " (UIDVALIDITY)");
    const auto at = r.find("UIDVALIDITY ") + 12;
    return r.substr(at, r.size() - at - 1);
  }
  std::uint32_t messages(const std::string& mailbox) {
    auto r = one("STATUS " + mailbox + " (MESSAGES)");
    const auto at = r.find("MESSAGES ") + 9;
    return static_cast<std::uint32_t>(std::stoul(r.substr(at)));
  }
  // Waits (bounded) until `dir` holds `n` files; returns the last count seen.
  std::size_t wait_for_files(const std::filesystem::path& dir, std::size_t n) {
    std::size_t seen = count_files(dir);
    for (int i = 0; i < 100 && seen != n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      seen = count_files(dir);
    }
    return seen;
  }

  ImapServer server;
  std::optional<TlsClient> c;
  int tags = 0;
};

struct SmallLimitFixture : AppendFixture {
  SmallLimitFixture() : AppendFixture(ImapServerOptions{{{"imap.max_message_bytes", "4096"}}, true, false}) {}
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3501_append)

BOOST_FIXTURE_TEST_CASE(synchronizing_literal, AppendFixture) {
  const std::string validity = uidvalidity("INBOX");
  const std::string m = make_message(1, 1000, Body::ascii);
  c->send("a1 APPEND INBOX {1000}\r\n");
  BOOST_TEST(c->read_line() == "+ Ready for literal data");
  c->send(m);
  c->send("\r\n");
  auto r = c->read_response("a1", std::chrono::seconds(30));
  BOOST_TEST(r == Lines{"a1 OK [APPENDUID " + validity + " 1] APPEND completed"}, tt::per_element());
  // The literal may arrive in pieces; UIDs go up by one.
  const std::string m2 = make_message(2, 70000, Body::ascii);
  c->send("a2 APPEND INBOX {70000}\r\n");
  BOOST_TEST(c->read_line() == "+ Ready for literal data");
  for (std::size_t at = 0; at < m2.size(); at += 7001) c->send(m2.substr(at, 7001));
  c->send("\r\n");
  BOOST_TEST(c->read_response("a2", std::chrono::seconds(30)) ==
                 Lines{"a2 OK [APPENDUID " + validity + " 2] APPEND completed"},
             tt::per_element());
  ok("EXAMINE INBOX");
  BOOST_TEST((one("FETCH 1 BODY.PEEK[]") == "* 1 FETCH (BODY[] " + lit(m) + ")"));
  BOOST_TEST((one("FETCH 2 BODY.PEEK[]") == "* 2 FETCH (BODY[] " + lit(m2) + ")"));
  BOOST_TEST(ok("FETCH 1:2 (FLAGS)") == (Lines{"* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())"}), tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(non_synchronizing_literal, AppendFixture) {
  // "{n+}" (RFC 7888): the body follows at once, no continuation request. Several commands pipelined.
  const std::string validity = uidvalidity("INBOX");
  std::string batch;
  std::vector<std::string> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(
        make_message(static_cast<unsigned>(10 + i), 500 + static_cast<std::size_t>(i) * 100, Body::eight_bit));
    batch += "b" + std::to_string(i) + " APPEND INBOX {" + std::to_string(sent.back().size()) + "+}\r\n" + sent.back() +
             "\r\n";
  }
  c->send(batch);
  for (int i = 0; i < 5; ++i) {
    const std::string tag = "b" + std::to_string(i);
    BOOST_TEST(c->read_response(tag, std::chrono::seconds(30)) ==
                   Lines{tag + " OK [APPENDUID " + validity + " " + std::to_string(i + 1) + "] APPEND completed"},
               tt::per_element());
  }
  ok("EXAMINE INBOX");
  for (int i = 0; i < 5; ++i) {
    const std::string seq = std::to_string(i + 1);
    BOOST_TEST((one("FETCH " + seq + " BODY.PEEK[]") == "* " + seq + " FETCH (BODY[] " + lit(sent[i]) + ")"));
  }
}

BOOST_FIXTURE_TEST_CASE(flags_and_date_time, AppendFixture) {
  const std::string validity = uidvalidity("INBOX");
  const std::string m = make_message(3, 700, Body::ascii);
  BOOST_TEST(append_message(*c, "a1", "INBOX", m, "(\\Seen \\Flagged $Label) \"17-Jul-1996 02:44:25 -0700\"") ==
             "a1 OK [APPENDUID " + validity + " 1] APPEND completed");
  BOOST_TEST(append_message(*c, "a2", "INBOX", m, "\" 7-Jan-2024 23:59:59 +0130\"") ==
             "a2 OK [APPENDUID " + validity + " 2] APPEND completed");
  BOOST_TEST(append_message(*c, "a3", "INBOX", m, "(\\Draft \\Recent)") ==
             "a3 OK [APPENDUID " + validity + " 3] APPEND completed");
  BOOST_TEST(append_message(*c, "a4", "INBOX", m, "()") == "a4 OK [APPENDUID " + validity + " 4] APPEND completed");
  auto selected = ok("SELECT INBOX");
  BOOST_TEST(selected.at(0) == "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label)");
  auto r = ok("FETCH 1:4 (FLAGS INTERNALDATE RFC822.SIZE)");
  BOOST_REQUIRE_EQUAL(r.size(), 4u);
  BOOST_TEST(r[0] ==
             "* 1 FETCH (FLAGS ($Label \\Flagged \\Seen) INTERNALDATE \"17-Jul-1996 09:44:25 +0000\" "
             "RFC822.SIZE 700)");
  BOOST_TEST(r[1] == "* 2 FETCH (FLAGS () INTERNALDATE \"07-Jan-2024 22:29:59 +0000\" RFC822.SIZE 700)");
  BOOST_TEST(r[2].rfind("* 3 FETCH (FLAGS (\\Draft) INTERNALDATE \"", 0) == 0u);  // \Recent is not settable
  // Without a date the internal date is now (within a minute or so; compare the year at least).
  auto f = parse_fetch(r[3]);
  BOOST_REQUIRE(f.has_value());
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  BOOST_TEST(f->items.at("INTERNALDATE").substr(7, 4) == std::to_string(1900 + utc.tm_year));
  BOOST_TEST(f->items.at("FLAGS") == "()");
}

BOOST_FIXTURE_TEST_CASE(appenduid_for_other_mailboxes_and_exists_when_selected, AppendFixture) {
  ok("CREATE \"Entw&APw-rfe\"");
  const std::string drafts = uidvalidity("\"Entw&APw-rfe\"");
  const std::string inbox = uidvalidity("INBOX");
  BOOST_TEST(drafts != inbox);
  const std::string m = make_message(4, 300, Body::ascii);
  BOOST_TEST(append_message(*c, "a1", "\"Entw&APw-rfe\"", m) == "a1 OK [APPENDUID " + drafts + " 1] APPEND completed");
  BOOST_TEST(append_message(*c, "a2", "inbox", m) == "a2 OK [APPENDUID " + inbox + " 1] APPEND completed");
  ok("SELECT INBOX");
  Lines untagged;
  BOOST_TEST(append_message(*c, "a3", "INBOX", m, {}, &untagged) ==
             "a3 OK [APPENDUID " + inbox + " 2] APPEND completed");
  BOOST_TEST(untagged == Lines{"* 2 EXISTS"}, tt::per_element());
  // Appending elsewhere does not change the selected mailbox's size.
  BOOST_TEST(append_message(*c, "a4", "\"Entw&APw-rfe\"", m, {}, &untagged) ==
             "a4 OK [APPENDUID " + drafts + " 2] APPEND completed");
  BOOST_TEST(untagged.empty());
  BOOST_TEST(messages("\"Entw&APw-rfe\"") == 2u);
}

BOOST_FIXTURE_TEST_CASE(missing_mailbox_is_trycreate, AppendFixture) {
  // Synchronizing: refused before the body is sent.
  c->send("a1 APPEND Nowhere {10}\r\n");
  BOOST_TEST(c->read_line() == "a1 NO [TRYCREATE] No such mailbox");
  // Non-synchronizing: the body is skipped and the connection stays in step.
  c->send("a2 APPEND Nowhere {10+}\r\n0123456789\r\na3 NOOP\r\n");
  BOOST_TEST(c->read_line() == "a2 NO [TRYCREATE] No such mailbox");
  BOOST_TEST(c->read_response("a3") == Lines{"a3 OK NOOP completed"}, tt::per_element());
  ok("CREATE Nowhere");
  BOOST_TEST(append_message(*c, "a4", "Nowhere", "0123456789").rfind("a4 OK [APPENDUID ", 0) == 0u);
  BOOST_TEST(messages("INBOX") == 0u);
  BOOST_TEST(messages("Nowhere") == 1u);
}

BOOST_FIXTURE_TEST_CASE(bad_append_arguments, AppendFixture) {
  c->send("a1 APPEND INBOX \"31-Foo-1996 02:44:25 -0700\" {10}\r\n");
  BOOST_TEST(c->read_line().rfind("a1 BAD", 0) == 0u);
  c->send("a2 APPEND INBOX (\\Seen {10}\r\n");
  BOOST_TEST(c->read_line().rfind("a2 BAD", 0) == 0u);
  BOOST_TEST(c->command("a3", "APPEND INBOX").rfind("a3 BAD", 0) == 0u);
  BOOST_TEST(c->command("a4", "NOOP") == "a4 OK NOOP completed");
  BOOST_TEST(messages("INBOX") == 0u);
}

BOOST_FIXTURE_TEST_CASE(too_big_is_refused, SmallLimitFixture) {
  const std::string validity = uidvalidity("INBOX");
  // At the limit: accepted.
  BOOST_TEST(append_message(*c, "a1", "INBOX", make_message(5, 4096, Body::ascii)) ==
             "a1 OK [APPENDUID " + validity + " 1] APPEND completed");
  // One byte over, synchronizing: NO [TOOBIG] before the body (RFC 7889 §4).
  c->send("a2 APPEND INBOX {4097}\r\n");
  BOOST_TEST(c->read_line() == "a2 NO [TOOBIG] Message larger than 4096 bytes");
  BOOST_TEST(c->command("a3", "NOOP") == "a3 OK NOOP completed");
  // Non-synchronizing: the body is read and dropped, then the next command runs.
  const std::string big = make_message(6, 10000, Body::binary);
  c->send("a4 APPEND INBOX {10000+}\r\n" + big + "\r\na5 NOOP\r\n");
  BOOST_TEST(c->read_line() == "a4 NO [TOOBIG] Message larger than 4096 bytes");
  BOOST_TEST(c->read_response("a5") == Lines{"a5 OK NOOP completed"}, tt::per_element());
  BOOST_TEST(messages("INBOX") == 1u);
  BOOST_TEST(wait_for_files(server.user_dir("alice") / "tmp", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(disconnect_mid_append_leaves_nothing, AppendFixture) {
  const auto tmp = server.user_dir("alice") / "tmp";
  const auto blobs = server.user_dir("alice") / "blobs";
  BOOST_TEST(append_message(*c, "a1", "INBOX", make_message(7, 1000, Body::ascii)).rfind("a1 OK", 0) == 0u);
  const std::size_t blobs_before = count_files(blobs);
  BOOST_TEST(blobs_before == 1u);

  // 1. Half of a 1 MiB body (several of the server's 256 KiB staging batches), then the connection drops.
  {
    auto d = server.login("alice", "alice-password");
    d.send("d1 APPEND INBOX {1048576}\r\n");
    BOOST_TEST(d.read_line() == "+ Ready for literal data");
    d.send(make_message(8, 600000, Body::binary));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the server stage some of it
  }
  // 2. The whole body but not the command's final CRLF: the body was staged (durably), the command never ended.
  {
    auto d = server.login("alice", "alice-password");
    d.send("d2 APPEND INBOX {300000}\r\n");
    BOOST_TEST(d.read_line() == "+ Ready for literal data");
    d.send(make_message(9, 300000, Body::binary));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  // 3. Two messages of a MULTIAPPEND (RFC 3502 syntax), the connection drops before the second body ends.
  {
    auto d = server.login("alice", "alice-password");
    const std::string m = make_message(10, 2000, Body::ascii);
    d.send("d3 APPEND INBOX {2000+}\r\n" + m + " {2000+}\r\n" + m.substr(0, 1000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  BOOST_TEST(wait_for_files(tmp, 0) == 0u, "files left in " << tmp);
  BOOST_TEST(wait_for_files(blobs, blobs_before) == blobs_before, "blob files left behind");
  BOOST_TEST(messages("INBOX") == 1u);
  // The server is fine, and so is the account after a restart.
  c.reset();
  BOOST_TEST(server.stop() == 0, server.log());
  BOOST_TEST(count_files(tmp) == 0u);
  BOOST_TEST(count_files(blobs) == blobs_before);
  server.start();
  c.emplace(server.login("alice", "alice-password"));
  BOOST_TEST(messages("INBOX") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
