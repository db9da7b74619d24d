// XPASSWORD (Sealbox's experimental password change, docs/cli.md) over the real server and TLS: the capability;
// a change takes effect at once for new logins (the old password fails, the new one works) while sessions already
// logged in go on; mail stays readable, before and after a restart (the key file was re-written, not the mail);
// a wrong old password is NO [AUTHENTICATIONFAILED] and changes nothing; a new password the CLI would refuse is
// NO [CANNOT]; syntax errors and use before login are BAD; failures count in the login throttle; and of two
// concurrent changes with the same old password exactly one wins, leaving a key file that opens with its password.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"

using namespace test_support;

namespace {

using Clock = std::chrono::steady_clock;

const std::string kOriginal = "alice-password";  // AliceSession's

const std::string kMessage =
    "From: bob@example.org\r\n"
    "To: alice@example.org\r\n"
    "Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Grüße aus Köln, encrypted at rest.\r\n";

const std::string kDelivered =
    "From: carol@example.org\r\n"
    "To: alice@example.org\r\n"
    "Subject: sealed to the public key\r\n"
    "\r\n"
    "Delivered after the password change.\r\n";

// "l1 LOGIN alice pw" on a new connection: the tagged answer without the tag.
std::string login_answer(const ImapServer& server, const std::string& password) {
  auto c = server.connect();
  return c.command("l1", "LOGIN alice " + imap_quote(password), std::chrono::seconds(60)).substr(3);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Every body in INBOX, in order, fetched on a new connection logged in with `password`.
std::vector<std::string> inbox_bodies(const ImapServer& server, const std::string& password) {
  auto c = server.login("alice", password);
  const auto selected = c.command("s1", "SELECT INBOX", std::chrono::seconds(60));
  BOOST_TEST(starts_with(selected, "s1 OK"), selected);
  const auto fetched = c.command("f1", "FETCH 1:* (BODY.PEEK[])", std::chrono::seconds(60));
  BOOST_TEST(starts_with(fetched, "f1 OK"), fetched);
  std::vector<std::string> bodies;
  for (const auto& line : c.last_untagged()) {
    if (auto f = parse_fetch(line)) bodies.push_back(f->items.at("BODY[]"));
  }
  return bodies;
}

struct XPasswordFixture : AliceSession {
  std::string xpassword(const std::string& old_password, const std::string& new_password) {
    return answer("XPASSWORD " + imap_quote(old_password) + " " + imap_quote(new_password));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(xpassword)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised_before_and_after_login, XPasswordFixture) {
  auto after = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(after.size(), 1u);
  BOOST_TEST(after[0].find(" XPASSWORD") != std::string::npos, after[0]);
  auto anonymous = server.connect();
  BOOST_TEST(anonymous.command("c1", "CAPABILITY") == "c1 OK CAPABILITY completed");
  BOOST_REQUIRE_EQUAL(anonymous.last_untagged().size(), 1u);
  BOOST_TEST(anonymous.last_untagged()[0].find(" XPASSWORD") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(change_takes_effect_and_mail_stays_readable, XPasswordFixture) {
  append("INBOX", kMessage);
  ok("SELECT INBOX");
  // A second session, logged in before the change: it must stay logged in and keep working.
  auto other = server.login("alice", kOriginal);
  BOOST_TEST(other.command("o1", "SELECT INBOX").rfind("o1 OK", 0) == 0u);

  BOOST_TEST(xpassword(kOriginal, "brand-new secret") == "OK Password changed");
  // The changing session goes on (still selected).
  auto fetched = ok("FETCH 1 (BODY.PEEK[])");
  BOOST_REQUIRE_EQUAL(fetched.size(), 1u);
  BOOST_TEST(parse_fetch(fetched[0])->items.at("BODY[]") == kMessage);
  // So does the other one.
  BOOST_TEST(other.command("o2", "NOOP") == "o2 OK NOOP completed");
  BOOST_TEST(other.command("o3", "FETCH 1 (BODY.PEEK[])").rfind("o3 OK", 0) == 0u);
  BOOST_REQUIRE_EQUAL(other.last_untagged().size(), 1u);
  BOOST_TEST(parse_fetch(other.last_untagged()[0])->items.at("BODY[]") == kMessage);

  // While the account is open (the login fast path): the old password fails, the new one works.
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(inbox_bodies(server, "brand-new secret") == std::vector<std::string>{kMessage},
             boost::test_tools::per_element());
  // A delivery after the change is sealed to the (unchanged) public key and imported with the same master key.
  server.deliver("alice", kDelivered);
  BOOST_TEST(inbox_bodies(server, "brand-new secret") == (std::vector<std::string>{kMessage, kDelivered}),
             boost::test_tools::per_element());

  // After a restart every login runs Argon2id against the account file: it holds the new slot only.
  other.close();
  c.reset();
  BOOST_TEST(server.stop() == 0, server.log());
  // The CLI agrees: `sealbox check` unlocks with the new password and finds nothing damaged; the old one fails.
  const auto checked = server.cli().run({"check", "alice", "--password-file",
                                         server.cli().password_file("brand-new secret").string()});
  BOOST_TEST(checked.exit_code == 0, checked.out << checked.err);
  const auto refused = server.cli().run({"check", "alice", "--password-file",
                                         server.cli().password_file(kOriginal).string()});
  BOOST_TEST(refused.exit_code == 77, refused.out << refused.err);  // EX_NOPERM: wrong password
  server.start();
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(inbox_bodies(server, "brand-new secret") == (std::vector<std::string>{kMessage, kDelivered}),
             boost::test_tools::per_element());
  // And it can be changed again, now from the new password.
  auto again = server.login("alice", "brand-new secret");
  BOOST_TEST(again.command("x1", "XPASSWORD \"brand-new secret\" third-password", std::chrono::seconds(60)) ==
             "x1 OK Password changed");
  BOOST_TEST(inbox_bodies(server, "third-password") == (std::vector<std::string>{kMessage, kDelivered}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(wrong_old_password_changes_nothing, XPasswordFixture) {
  BOOST_TEST(xpassword("not-the-password", "another-secret") == "NO [AUTHENTICATIONFAILED] Authentication failed");
  BOOST_TEST(ok("NOOP").empty());  // still logged in
  BOOST_TEST(starts_with(login_answer(server, "another-secret"), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "OK"));
  c.reset();
  BOOST_TEST(server.stop() == 0, server.log());
  server.start();
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "OK"));
}

BOOST_FIXTURE_TEST_CASE(new_password_policy_is_the_clis, XPasswordFixture) {
  BOOST_TEST(xpassword(kOriginal, "short") == "NO [CANNOT] password shorter than 8 characters");
  BOOST_TEST(xpassword(kOriginal, "") == "NO [CANNOT] password shorter than 8 characters");
  // 1025 bytes (a literal: the line limit is not what refuses it).
  const std::string tag = "t" + std::to_string(++tags);
  const std::string long_password(1025, 'p');
  c->send(tag + " XPASSWORD " + imap_quote(kOriginal) + " {1025+}\r\n" + long_password + "\r\n");
  BOOST_TEST(c->read_response(tag).back() == tag + " NO [CANNOT] password longer than 1024 bytes");
  // CR or LF inside a literal: the CLI could never read such a password back from a file.
  const std::string tag2 = "t" + std::to_string(++tags);
  c->send(tag2 + " XPASSWORD " + imap_quote(kOriginal) + " {10+}\r\nline\none!!\r\n");
  BOOST_TEST(c->read_response(tag2).back() == tag2 + " NO [CANNOT] password contains a control character");
  // The CLI refuses the same password with the same reason.
  const auto cli = server.cli().run({"user", "passwd", "alice", "--old-password-file",
                                     server.cli().password_file(kOriginal).string(), "--password-file",
                                     server.cli().password_file("short").string()});
  BOOST_TEST(cli.exit_code == 64, cli.err);
  BOOST_TEST(cli.err.find("password shorter than 8 characters") != std::string::npos, cli.err);
  // Exactly 8 and exactly 1024 bytes are allowed; nothing was changed by the refusals.
  BOOST_TEST(xpassword(kOriginal, "12345678") == "OK Password changed");
  const std::string tag3 = "t" + std::to_string(++tags);
  const std::string longest(1024, 'q');
  c->send(tag3 + " XPASSWORD 12345678 {1024+}\r\n" + longest + "\r\n");
  BOOST_TEST(c->read_response(tag3, std::chrono::seconds(60)).back() == tag3 + " OK Password changed");
  auto fresh = server.connect();
  fresh.send("l1 LOGIN alice {1024+}\r\n" + longest + "\r\n");
  BOOST_TEST(fresh.read_response("l1", std::chrono::seconds(60)).back().rfind("l1 OK", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(bad_syntax, XPasswordFixture) {
  BOOST_TEST(starts_with(answer("XPASSWORD"), "BAD"));
  BOOST_TEST(starts_with(answer("XPASSWORD only-one-argument"), "BAD"));
  BOOST_TEST(starts_with(answer("XPASSWORD a-password b-password c-password"), "BAD"));
  BOOST_TEST(starts_with(answer("XPASSWORD (alice-password) new-password"), "BAD"));
  BOOST_TEST(starts_with(answer("XPASSWORD \"alice-password new-password"), "BAD"));
  // Nothing changed, and the session is fine.
  BOOST_TEST(ok("NOOP").empty());
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "OK"));
}

BOOST_FIXTURE_TEST_CASE(before_login_is_bad, XPasswordFixture) {
  auto anonymous = server.connect();
  BOOST_TEST(starts_with(anonymous.command("a1", "XPASSWORD " + imap_quote(kOriginal) + " new-password-1"),
                         "a1 BAD"));
  BOOST_TEST(starts_with(anonymous.command("a2", "XPASSWORD alice " + imap_quote(kOriginal) + " new-password-1"),
                         "a2 BAD"));
  BOOST_TEST(starts_with(anonymous.command("a3", "LOGIN alice " + imap_quote(kOriginal)), "a3 OK"));
  BOOST_TEST(starts_with(login_answer(server, "new-password-1"), "NO [AUTHENTICATIONFAILED]"));
}

// Failures count like failed LOGINs (LoginThrottle: 250 ms after one, doubling): four wrong old passwords make the
// next LOGIN of alice from this address wait at least 2 s, and XPASSWORD itself waits out the delay too.
BOOST_FIXTURE_TEST_CASE(failures_count_in_the_login_throttle, XPasswordFixture) {
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(xpassword("wrong-password-" + std::to_string(i), "whatever-new") ==
               "NO [AUTHENTICATIONFAILED] Authentication failed");
  }
  // The fourth waits 1 s (three failures) before it is even checked.
  auto t0 = Clock::now();
  BOOST_TEST(xpassword("wrong-password-3", "whatever-new") == "NO [AUTHENTICATIONFAILED] Authentication failed");
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count() >= 950);
  // A LOGIN (of an open account: no Argon2id, just the fast path) now waits 2 s: four failures.
  auto fresh = server.connect();
  t0 = Clock::now();
  BOOST_TEST(starts_with(fresh.command("l1", "LOGIN alice " + imap_quote(kOriginal), std::chrono::seconds(60)),
                         "l1 OK"));
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count() >= 1950);
  // That success cleared the counters: the right old password now changes it.
  BOOST_TEST(xpassword(kOriginal, "after-the-throttle") == "OK Password changed");
}

// Two sessions change the password at the same moment, both with the right old password: the account actor does
// one after the other, so the first wins and the second's old password is no longer right. The key file is whole:
// the winner's password opens it after a restart, the loser's and the original do not.
BOOST_FIXTURE_TEST_CASE(two_concurrent_changes_one_wins, XPasswordFixture) {
  append("INBOX", kMessage);
  auto second = server.login("alice", kOriginal);
  c->send("x1 XPASSWORD " + imap_quote(kOriginal) + " first-new-password\r\n");
  second.send("x2 XPASSWORD " + imap_quote(kOriginal) + " second-new-password\r\n");
  const auto a1 = c->read_response("x1", std::chrono::seconds(60)).back();
  const auto a2 = second.read_response("x2", std::chrono::seconds(60)).back();
  const bool first_won = a1 == "x1 OK Password changed";
  const bool second_won = a2 == "x2 OK Password changed";
  BOOST_TEST(first_won != second_won, a1 << " / " << a2);
  const std::string& loser = first_won ? a2 : a1;
  BOOST_TEST(loser.substr(3) == "NO [AUTHENTICATIONFAILED] Authentication failed");
  const std::string winner_password = first_won ? "first-new-password" : "second-new-password";
  const std::string loser_password = first_won ? "second-new-password" : "first-new-password";
  BOOST_TEST_MESSAGE("the " << (first_won ? "first" : "second") << " change won");

  BOOST_TEST(starts_with(login_answer(server, loser_password), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(inbox_bodies(server, winner_password) == std::vector<std::string>{kMessage},
             boost::test_tools::per_element());

  second.close();
  c.reset();
  BOOST_TEST(server.stop() == 0, server.log());
  server.start();
  BOOST_TEST(starts_with(login_answer(server, loser_password), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(starts_with(login_answer(server, kOriginal), "NO [AUTHENTICATIONFAILED]"));
  BOOST_TEST(inbox_bodies(server, winner_password) == std::vector<std::string>{kMessage},
             boost::test_tools::per_element());
}

// Many rounds of two racing changes, each pair from the current password: every round exactly one wins.
BOOST_FIXTURE_TEST_CASE(racing_changes_repeatedly, XPasswordFixture) {
  auto second = server.login("alice", kOriginal);
  std::string current = kOriginal;
  for (int round = 0; round < 5; ++round) {
    const std::string p1 = "round-" + std::to_string(round) + "-first";
    const std::string p2 = "round-" + std::to_string(round) + "-second";
    c->send("r1 XPASSWORD " + imap_quote(current) + " " + p1 + "\r\n");
    second.send("r2 XPASSWORD " + imap_quote(current) + " " + p2 + "\r\n");
    const bool first_won = c->read_response("r1", std::chrono::seconds(60)).back() == "r1 OK Password changed";
    const bool second_won =
        second.read_response("r2", std::chrono::seconds(60)).back() == "r2 OK Password changed";
    BOOST_TEST(first_won != second_won, "round " << round);
    current = first_won ? p1 : p2;
  }
  c.reset();
  second.close();
  BOOST_TEST(server.stop() == 0, server.log());
  server.start();
  BOOST_TEST(starts_with(login_answer(server, current), "OK"));
}

BOOST_AUTO_TEST_SUITE_END()
