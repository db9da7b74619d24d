// Bad input through the real binary: each case gets one line on stderr, a documented exit code (docs/cli.md), and
// leaves the data root exactly as it was.
#include <boost/test/unit_test.hpp>

#include "test/support/cli_fixture.h"

using namespace test_support;

namespace {

// A snapshot of every path and file content under dir, to prove a failed command wrote nothing.
std::map<std::string, std::string> tree(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().filename() == "lock" || e.path().filename() == "account.lock") continue;  // lock files may appear
    out[e.path().string()] = e.is_regular_file() ? read_file(e.path()) : "<dir>";
  }
  return out;
}

void expect_failure(const SealboxRoot& sb, const std::vector<std::string>& args, const std::string& input,
                    int code, const std::string& message_part) {
  auto before = tree(sb.root());
  auto r = sb.run(args, input);
  BOOST_TEST(r.exit_code == code, "exit code for '" << args[0] << (args.size() > 1 ? " " + args[1] : "") << "'");
  BOOST_TEST(r.err.rfind("sealbox: ", 0) == 0, r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "one line: " << r.err);
  BOOST_TEST(r.err.find(message_part) != std::string::npos, r.err);
  BOOST_TEST((tree(sb.root()) == before), "the command changed the data root");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(configuration_missing_or_malformed) {
  SealboxRoot sb;
  sb.add_user("alice", "a good long password");
  auto config = read_file(sb.root() / "sealbox.toml");
  std::filesystem::remove(sb.root() / "sealbox.toml");
  expect_failure(sb, {"deliver", "--user", "alice"}, "Subject: x\r\n\r\n", 78, "no configuration at");
  expect_failure(sb, {"user", "list"}, "", 78, "no configuration at");
  write_file(sb.root() / "sealbox.toml", config + "\n[imap]\nlisten = [\"127.0.0.1:993\"]\n");  // duplicate table
  expect_failure(sb, {"deliver", "--user", "alice"}, "Subject: x\r\n\r\n", 78, "sealbox.toml:");
  write_file(sb.root() / "sealbox.toml", config + "\n[imapp]\n");
  expect_failure(sb, {"user", "list"}, "", 78, "unknown section 'imapp'");
  write_file(sb.root() / "sealbox.toml", "[imap]\nlistne = []\n");
  expect_failure(sb, {"user", "list"}, "", 78, "sealbox.toml:2: unknown key 'imap.listne'");
}

BOOST_AUTO_TEST_CASE(bad_user_names) {
  SealboxRoot sb;
  sb.add_user("alice", "a good long password");
  auto pw = sb.password_file("a good long password").string();
  expect_failure(sb, {"user", "add", std::string(65, 'a'), "--password-file", pw}, "", 64, "longer than 64");
  expect_failure(sb, {"user", "add", "a/b", "--password-file", pw}, "", 64, "may contain only");
  expect_failure(sb, {"user", "add", "..", "--password-file", pw}, "", 64, "must not start with '.'");
  expect_failure(sb, {"user", "add", "../etc", "--password-file", pw}, "", 64, "must not start with '.'");
  expect_failure(sb, {"deliver", "--user", "../alice"}, "Subject: x\r\n\r\n", 64, "user name");
  expect_failure(sb, {"deliver", "--user", std::string(65, 'b')}, "Subject: x\r\n\r\n", 64, "longer than 64");
  expect_failure(sb, {"check", "x/y", "--password-file", pw}, "", 64, "may contain only");
}

BOOST_AUTO_TEST_CASE(unknown_user_empty_message_existing_user) {
  SealboxRoot sb;
  sb.add_user("alice", "a good long password");
  auto pw = sb.password_file("a good long password").string();
  expect_failure(sb, {"deliver", "--user", "nobody"}, "Subject: x\r\n\r\n", 67, "no such user: nobody");
  expect_failure(sb, {"deliver", "--user", "alice"}, "", 65, "empty message");
  expect_failure(sb, {"user", "add", "alice", "--password-file", pw}, "", 73, "already exists");
  expect_failure(sb, {"user", "rm", "nobody"}, "", 67, "no such user");
  expect_failure(sb, {"check", "nobody", "--password-file", pw}, "", 67, "no such user");
  expect_failure(sb, {"deliver", "--user", "alice", "--mailbox", std::string(201, 'm')}, "Subject: x\r\n\r\n", 64,
                 "longer than 200");
  expect_failure(sb, {"user", "add", "bob", "--password-file", sb.password_file("short").string()}, "", 64,
                 "shorter than 8");
  expect_failure(sb, {"user", "add", "bob", "--password-file", "/nonexistent/pw"}, "", 64, "cannot read password");
  expect_failure(sb, {"deliver"}, "", 64, "--user is required");
  expect_failure(sb, {"frobnicate"}, "", 64, "subcommand");
}

BOOST_AUTO_TEST_CASE(passwords) {
  SealboxRoot sb;
  const std::string old_pw = "the first password", new_pw = "the second password";
  sb.add_user("alice", old_pw);
  BOOST_REQUIRE_EQUAL(sb.run({"deliver", "--user", "alice"}, "Subject: kept\r\n\r\nbody\r\n").exit_code, 0);
  expect_failure(sb, {"check", "alice", "--password-file", sb.password_file("wrong password").string()}, "", 77,
                 "wrong password");
  expect_failure(sb, {"user", "passwd", "alice", "--old-password-file", sb.password_file("not it at all").string(),
                      "--password-file", sb.password_file(new_pw).string()}, "", 77, "wrong password");
  auto changed = sb.run({"user", "passwd", "alice", "--old-password-file", sb.password_file(old_pw).string(),
                         "--password-file", sb.password_file(new_pw).string()});
  BOOST_REQUIRE_MESSAGE(changed.exit_code == 0, changed.err);
  expect_failure(sb, {"check", "alice", "--password-file", sb.password_file(old_pw).string()}, "", 77,
                 "wrong password");
  auto ok = sb.run({"check", "alice", "--password-file", sb.password_file(new_pw).string()});
  BOOST_TEST(ok.exit_code == 0, ok.err);
  BOOST_TEST(ok.out.find("1 pending deliveries") != std::string::npos, ok.out);
}

BOOST_AUTO_TEST_SUITE_END()
