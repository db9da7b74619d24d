// RFC 3502 MULTIAPPEND over the real server: several messages in one APPEND are added together (consecutive UIDs,
// one APPENDUID with their UID set, RFC 4315) with their own flags and dates, byte-exact; and the command is atomic:
// when any message is refused (unknown flag, over the size limit, a missing mailbox) none is added and no file is
// left behind. Also the RFC's own example, sent with synchronizing literals.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;

namespace {

std::size_t count_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); it != decltype(it){}; it.increment(ec)) {
    if (it->is_regular_file()) ++n;
  }
  return n;
}

struct MultiFixture {
  explicit MultiFixture(ImapServerOptions options = {}) : server(std::move(options)) {
    server.add_user("alice", "alice-password");
    c.emplace(server.login("alice", "alice-password"));
  }
  // "tag APPEND mailbox" + for each message " options {n}" (waiting for "+" each time) + CRLF: the tagged reply.
  std::string multiappend(const std::string& tag, const std::string& mailbox,
                          const std::vector<std::pair<std::string, std::string>>& messages) {
    std::string line = tag + " APPEND " + mailbox;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const auto& [options, body] = messages[i];
      c->send(line + (options.empty() ? "" : " " + options) + " {" + std::to_string(body.size()) + "}\r\n");
      auto cont = c->read_line();
      if (cont.rfind("+", 0) != 0) return cont;  // refused before the body
      line = body;
    }
    c->send(line + "\r\n");
    auto r = c->read_response(tag, std::chrono::seconds(30));
    return r.back();
  }
  std::uint32_t exists(const std::string& mailbox) {
    c->command("s", "STATUS " + mailbox + " (MESSAGES)");
    auto line = c->last_untagged().at(0);
    return static_cast<std::uint32_t>(std::stoul(line.substr(line.find("MESSAGES ") + 9)));
  }
  ImapServer server;
  std::optional<TlsClient> c;
};

struct SmallLimit : MultiFixture {
  SmallLimit() : MultiFixture(ImapServerOptions{{{"imap.max_message_bytes", "4096"}}, true, false}) {}
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3502_multiappend)

BOOST_FIXTURE_TEST_CASE(capability_and_rfc_example, MultiFixture) {
  c->command("c1", "CAPABILITY");
  BOOST_TEST((c->last_untagged().at(0) + " ").find(" MULTIAPPEND ") != std::string::npos);
  // RFC 3502 §6, with the two messages of its example.
  const std::string m1 =
      "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example.COM>\r\n"
      "Subject: afternoon meeting\r\nTo: mooch@owatagu.example.net\r\nMessage-Id: <B27397-0100000@Blurdybloop.example."
      "COM>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can "
      "meet at 3:30 tomorrow?\r\n";
  const std::string m2 =
      "Date: Mon, 7 Feb 1994 22:43:04 -0800 (PST)\r\nFrom: Joe Mooch <mooch@OWaTaGu.example.net>\r\nSubject: "
      "Re: afternoon meeting\r\nTo: foobar@blurdybloop.example.com\r\nMessage-Id: <a0434793874930@OWaTaGu.example."
      "net>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n3:30 is fine with me.\r\n";
  BOOST_REQUIRE(c->command("c2", "CREATE saved-messages").rfind("c2 OK", 0) == 0u);
  auto status = multiappend("A003", "saved-messages", {{"(\\Seen)", m1}, {"(\\Seen)", m2}});
  BOOST_TEST(status.rfind("A003 OK [APPENDUID ", 0) == 0u, status);
  const bool both_uids = status.find(" 1:2] ") != std::string::npos || status.find(" 1,2] ") != std::string::npos;
  BOOST_TEST(both_uids, status);
  BOOST_TEST(c->command("c3", "SELECT saved-messages").rfind("c3 OK", 0) == 0u);
  BOOST_TEST(c->command("c4", "FETCH 1:2 (FLAGS BODY.PEEK[])") == "c4 OK FETCH completed");
  BOOST_REQUIRE_EQUAL(c->last_untagged().size(), 2u);
  BOOST_TEST(parse_fetch(c->last_untagged()[0])->items["BODY[]"] == m1);
  BOOST_TEST(parse_fetch(c->last_untagged()[1])->items["BODY[]"] == m2);
  BOOST_TEST(parse_fetch(c->last_untagged()[1])->items["FLAGS"] == "(\\Seen)");
}

BOOST_FIXTURE_TEST_CASE(each_message_keeps_its_flags_and_date, MultiFixture) {
  const std::string a = make_message(1, 3000, Body::eight_bit), b = make_message(2, 70000, Body::binary),
                    d = make_message(3, 10, Body::ascii);
  auto status = multiappend("m1", "INBOX", {{"(\\Flagged) \"01-Jan-2020 10:00:00 +0000\"", a},
                                            {"", b},
                                            {"($Label1 \\Draft)", d}});
  BOOST_TEST(status.rfind("m1 OK [APPENDUID ", 0) == 0u, status);
  BOOST_TEST(c->command("s1", "SELECT INBOX").rfind("s1 OK", 0) == 0u);
  BOOST_TEST(c->command("f1", "FETCH 1:3 (FLAGS INTERNALDATE BODY.PEEK[])") == "f1 OK FETCH completed");
  BOOST_REQUIRE_EQUAL(c->last_untagged().size(), 3u);
  auto f1 = *parse_fetch(c->last_untagged()[0]);
  auto f2 = *parse_fetch(c->last_untagged()[1]);
  auto f3 = *parse_fetch(c->last_untagged()[2]);
  BOOST_TEST(f1.items["FLAGS"] == "(\\Flagged)");
  BOOST_TEST(f1.items["INTERNALDATE"] == "01-Jan-2020 10:00:00 +0000");
  BOOST_TEST(f1.items["BODY[]"] == a);
  BOOST_TEST(f2.items["FLAGS"] == "()");
  BOOST_TEST(f2.items["BODY[]"] == b);
  BOOST_TEST(parse_flags(f3.items["FLAGS"]) == (std::set<std::string>{"$Label1", "\\Draft"}));
  BOOST_TEST(f3.items["BODY[]"] == d);
}

BOOST_FIXTURE_TEST_CASE(a_bad_flag_in_any_message_adds_none, MultiFixture) {
  const auto blobs = server.user_dir("alice") / "blobs";
  const auto before = count_files(blobs);
  auto status = multiappend("m2", "INBOX", {{"", make_message(4, 500, Body::ascii)},
                                            {"(\\Bogus)", make_message(5, 500, Body::ascii)}});
  BOOST_TEST(status == "m2 BAD Unknown system flag");
  BOOST_TEST(exists("INBOX") == 0u);
  for (int i = 0; i < 50 && count_files(blobs) != before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(count_files(blobs) == before);
  BOOST_TEST(count_files(server.user_dir("alice") / "tmp") == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_missing_mailbox_is_trycreate, MultiFixture) {
  c->send("m3 APPEND Nowhere {10}\r\n");
  BOOST_TEST(c->read_line().rfind("m3 NO [TRYCREATE]", 0) == 0u);
  BOOST_TEST(c->command("n1", "NOOP") == "n1 OK NOOP completed");
}

BOOST_FIXTURE_TEST_CASE(one_message_over_the_limit_adds_none, SmallLimit) {
  // The second literal is refused before its bytes are sent (NO [TOOBIG]); the first, already staged, goes too.
  c->send("m4 APPEND INBOX {100}\r\n");
  BOOST_REQUIRE(c->read_line().rfind("+", 0) == 0u);
  c->send(make_message(6, 100, Body::ascii) + " {5000}\r\n");
  BOOST_TEST(c->read_line().rfind("m4 NO [TOOBIG]", 0) == 0u);
  BOOST_TEST(c->command("n1", "NOOP") == "n1 OK NOOP completed");
  BOOST_TEST(exists("INBOX") == 0u);
  BOOST_TEST(count_files(server.user_dir("alice") / "tmp") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
