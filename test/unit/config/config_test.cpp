// sealbox.toml parsing: defaults, the `sealbox init` text, the shipped example, every error class with its line.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "config/config.h"
#include "test/support/temp_dir.h"

BOOST_AUTO_TEST_SUITE(config)

namespace {

const std::filesystem::path kRoot = "/srv/sealbox";

base::Result<config::Config> parse_text(std::string_view text) { return config::parse(text, "test.toml", kRoot); }

// The error message of a failed result, for BOOST_REQUIRE_MESSAGE (which evaluates its message even on success).
template <class T>
std::string why(const base::Result<T>& result) {
  return result ? std::string() : result.error().message();
}

// Asserts that `text` fails with Errc::bad_syntax and exactly `detail`.
void expect_error(std::string_view text, const std::string& detail) {
  auto result = parse_text(text);
  BOOST_REQUIRE_MESSAGE(!result.has_value(), "expected an error for: " << text);
  BOOST_TEST(base::to_string(result.error().code) == "bad_syntax");
  BOOST_TEST(result.error().detail == detail);
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_the_documented_values) {
  const Config c = defaults(kRoot);
  BOOST_TEST(c.root == kRoot);
  BOOST_TEST(c.tls.certificate_chain == "/srv/sealbox/tls/fullchain.pem");
  BOOST_TEST(c.tls.private_key == "/srv/sealbox/tls/key.pem");
  BOOST_REQUIRE_EQUAL(c.imap.listen.size(), 2u);
  BOOST_TEST(c.imap.listen[0].text == "0.0.0.0:993");
  BOOST_TEST(c.imap.listen[1].host == "::");
  BOOST_TEST(c.imap.listen[1].text == "[::]:993");
  BOOST_TEST(c.imap.max_connections == 1000u);
  BOOST_TEST(c.imap.idle_timeout_seconds == 1800u);
  BOOST_TEST(c.imap.login_timeout_seconds == 120u);
  BOOST_TEST(c.imap.max_message_bytes == 64ull * 1024 * 1024);
  BOOST_REQUIRE_EQUAL(c.lmtp.listen.size(), 1u);
  BOOST_TEST(c.lmtp.listen[0].host == "127.0.0.1");
  BOOST_TEST(c.lmtp.listen[0].port == 24);
  BOOST_TEST(c.security.system_user.empty());
  BOOST_TEST(c.security.chroot.empty());
  BOOST_TEST(c.security.kdf.passes == 3u);
  BOOST_TEST(c.security.kdf.memory_mib == 32u);
  BOOST_TEST(c.delivery.lowercase);
  BOOST_TEST(c.delivery.subaddress_separator == "+");
  BOOST_TEST(!c.delivery.ignore_dots);
  BOOST_TEST(c.delivery.local_domains.empty());
  BOOST_TEST(c.keys.rotation_days == 30u);
  BOOST_TEST(c.identification.fields.empty());
  BOOST_TEST(c.log.level == "info");
}

BOOST_AUTO_TEST_CASE(empty_text_gives_defaults) {
  auto c = parse_text("");
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST((*c == defaults(kRoot)));
}

BOOST_AUTO_TEST_CASE(default_text_round_trips) {
  for (const std::filesystem::path& root : {kRoot, std::filesystem::path("relative/root")}) {
    auto c = config::parse(default_config_text(), "init.toml", root);
    BOOST_REQUIRE_MESSAGE(c.has_value(), why(c));
    BOOST_TEST((*c == defaults(root)));
  }
}

BOOST_AUTO_TEST_CASE(shipped_example_parses) {
  const std::filesystem::path file = std::filesystem::path(SEALBOX_SOURCE_DIR) / "config/examples/sealbox.toml";
  auto c = config::parse(test_support::read_file(file), file.string(), "/var/lib/sealbox");
  BOOST_REQUIRE_MESSAGE(c.has_value(), why(c));
  BOOST_TEST(c->tls.private_key == "/var/lib/sealbox/tls/privkey.pem");
  BOOST_TEST(c->security.system_user == "sealbox");
  BOOST_TEST(c->security.chroot == "/var/lib/sealbox");
  BOOST_REQUIRE_EQUAL(c->lmtp.listen.size(), 1u);
  BOOST_TEST((c->lmtp.listen[0].kind == ListenAddress::Kind::unix_socket));
  BOOST_TEST(c->delivery.local_domains.size() == 2u);
  BOOST_TEST(c->identification.fields.size() == 3u);
}

BOOST_AUTO_TEST_CASE(every_key_can_be_set) {
  auto c = parse_text(R"(
[tls]
certificate_chain = "/etc/ssl/mail.pem"
private_key = "keys/mail.key"
[imap]
listen = ["127.0.0.1:0"]
max_connections = 4294967295
idle_timeout_seconds = 60
login_timeout_seconds = 5
max_message_bytes = 1
[lmtp]
listen = []
max_message_bytes = 9223372036854775807
[security]
system_user = "mail_d-1.x"
chroot = "/var/empty"
kdf_passes = 2
kdf_memory_mib = 4096
[delivery]
lowercase = false
subaddress_separator = ""
ignore_dots = true
local_domains = ["Example.ORG", "localhost"]
[keys]
rotation_days = 3650
[identification]
vendor = "v"
Name = "Sealbox"
[log]
level = "off"
)");
  BOOST_REQUIRE_MESSAGE(c.has_value(), why(c));
  BOOST_TEST(c->tls.certificate_chain == "/etc/ssl/mail.pem");
  BOOST_TEST(c->tls.private_key == "/srv/sealbox/keys/mail.key");
  BOOST_TEST(c->imap.listen.size() == 1u);
  BOOST_TEST(c->imap.listen[0].port == 0);
  BOOST_TEST(c->imap.max_connections == 4294967295u);
  BOOST_TEST(c->imap.idle_timeout_seconds == 60u);
  BOOST_TEST(c->imap.login_timeout_seconds == 5u);
  BOOST_TEST(c->imap.max_message_bytes == 1u);
  BOOST_TEST(c->lmtp.listen.empty());  // LMTP off
  BOOST_TEST(c->lmtp.max_message_bytes == 9223372036854775807ull);
  BOOST_TEST(c->security.system_user == "mail_d-1.x");
  BOOST_TEST(c->security.chroot == "/var/empty");
  BOOST_TEST(c->security.kdf.passes == 2u);
  BOOST_TEST(c->security.kdf.memory_mib == 4096u);
  BOOST_TEST(!c->delivery.lowercase);
  BOOST_TEST(c->delivery.subaddress_separator.empty());
  BOOST_TEST(c->delivery.ignore_dots);
  BOOST_TEST((c->delivery.local_domains == std::vector<std::string>{"example.org", "localhost"}));
  BOOST_TEST(c->keys.rotation_days == 3650u);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  BOOST_TEST((c->identification.fields == Fields{{"Name", "Sealbox"}, {"vendor", "v"}}));  // sorted by name
  BOOST_TEST(c->log.level == "off");
}

BOOST_AUTO_TEST_CASE(relative_paths_resolve_against_root) {
  auto c = config::parse("[tls]\ncertificate_chain = \"a/b.pem\"\nprivate_key = \"/abs/k.pem\"\n"
                         "[lmtp]\nlisten = [\"unix:run/lmtp.sock\", \"unix:/run/x.sock\"]\n",
                         "t", "/data");
  BOOST_REQUIRE_MESSAGE(c.has_value(), why(c));
  BOOST_TEST(c->tls.certificate_chain == "/data/a/b.pem");
  BOOST_TEST(c->tls.private_key == "/abs/k.pem");
  BOOST_TEST(c->lmtp.listen[0].path == "/data/run/lmtp.sock");
  BOOST_TEST(c->lmtp.listen[0].text == "unix:/data/run/lmtp.sock");
  BOOST_TEST(c->lmtp.listen[1].path == "/run/x.sock");
  expect_error("[tls]\nprivate_key = \"\"\n", "test.toml:2: 'tls.private_key' must not be empty");
}

BOOST_AUTO_TEST_CASE(syntax_error_names_line_and_column) {
  expect_error("[imap]\nmax_connections = = 3\n",
               "test.toml:2:19: Error while parsing value: could not determine value type");
  expect_error("[imap]\n[imap]\n", "test.toml:2:1: Error while parsing table header: cannot redefine existing table "
                                   "'imap'");
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_sections_name_their_line) {
  expect_error("[imap]\nlisten = [\"0.0.0.0:993\"]\nlistne = [\"0.0.0.0:993\"]\n",
               "test.toml:3: unknown key 'imap.listne'");
  expect_error("# comment\n\n[imapp]\nlisten = []\n", "test.toml:3: unknown section 'imapp'");
  expect_error("\nfoo = 1\n", "test.toml:2: unknown key 'foo'");
  expect_error("[log]\nlevel = \"info\"\n\nimap.listne = 1\n", "test.toml:4: unknown key 'log.imap'");
  expect_error("\nimap.listne = 1\n", "test.toml:2: unknown key 'imap.listne'");
  expect_error("[imap.tls]\n", "test.toml:1: unknown key 'imap.tls'");
  expect_error("[keys]\nrotation = 3\n", "test.toml:2: unknown key 'keys.rotation'");
  // A key holding a newline is escaped, so the message stays on one line.
  expect_error("[tls]\n\"a\\nb\" = 1\n", "test.toml:2: unknown key 'tls.a\\x0ab'");
}

BOOST_AUTO_TEST_CASE(wrong_types_name_their_line) {
  expect_error("[imap]\n\nmax_connections = \"many\"\n", "test.toml:3: 'imap.max_connections' must be an integer");
  expect_error("[keys]\nrotation_days = 1.5\n", "test.toml:2: 'keys.rotation_days' must be an integer");
  expect_error("[delivery]\nlowercase = \"yes\"\n", "test.toml:2: 'delivery.lowercase' must be true or false");
  expect_error("[log]\nlevel = 3\n", "test.toml:2: 'log.level' must be a string");
  expect_error("[imap]\nlisten = \"0.0.0.0:993\"\n", "test.toml:2: 'imap.listen' must be an array of strings");
  expect_error("[imap]\nlisten = [\n  \"0.0.0.0:993\",\n  993,\n]\n",
               "test.toml:4: 'imap.listen' must be an array of strings");
  expect_error("imap = 3\n", "test.toml:1: 'imap' must be a table ([imap])");
  expect_error("[identification]\nname = 1\n", "test.toml:2: 'identification.name' must be a string");
}

BOOST_AUTO_TEST_CASE(out_of_range_names_the_bounds) {
  expect_error("[keys]\nrotation_days = 0\n", "test.toml:2: 'keys.rotation_days' must be between 1 and 3650");
  expect_error("[keys]\nrotation_days = 3651\n", "test.toml:2: 'keys.rotation_days' must be between 1 and 3650");
  expect_error("[imap]\nmax_connections = -1\n",
               "test.toml:2: 'imap.max_connections' must be between 1 and 4294967295");
  expect_error("[imap]\nmax_connections = 4294967296\n",
               "test.toml:2: 'imap.max_connections' must be between 1 and 4294967295");
  expect_error("[lmtp]\nmax_message_bytes = 0\n",
               "test.toml:2: 'lmtp.max_message_bytes' must be between 1 and 9223372036854775807");
  expect_error("[security]\nkdf_passes = 1\n", "test.toml:2: 'security.kdf_passes' must be between 2 and 64");
  expect_error("[security]\nkdf_memory_mib = 18\n",
               "test.toml:2: 'security.kdf_memory_mib' must be between 19 and 4096");
  expect_error("[log]\nlevel = \"verbose\"\n",
               "test.toml:2: 'log.level' must be one of trace, debug, info, warn, error, off");
}

BOOST_AUTO_TEST_CASE(listen_lists_are_checked) {
  expect_error("[imap]\nlisten = []\n", "test.toml:2: 'imap.listen' must list at least one address");
  expect_error("[imap]\nlisten = [\n  \"0.0.0.0:993\",\n  \"[::1]:70000\",\n]\n",
               "test.toml:4: 'imap.listen': bad listen address '[::1]:70000': the port must be a number from 0 to "
               "65535");
  // The default IMAP listener and an explicit LMTP one on the same socket would fail at bind time.
  expect_error("[lmtp]\nlisten = [\"0.0.0.0:993\"]\n",
               "test.toml:2: 'lmtp.listen': '0.0.0.0:993' is also listed in 'imap.listen'");
  expect_error("[lmtp]\nlisten = [\"unix:/a.sock\",\n\"unix:/a.sock\"]\n",
               "test.toml:3: 'lmtp.listen': 'unix:/a.sock' is also listed in 'lmtp.listen'");
  // Port 0 never collides: each listener gets its own free port.
  auto c = parse_text("[imap]\nlisten = [\"127.0.0.1:0\"]\n[lmtp]\nlisten = [\"127.0.0.1:0\"]\n");
  BOOST_TEST(c.has_value());
}

BOOST_AUTO_TEST_CASE(security_values_are_checked) {
  expect_error("[security]\nsystem_user = \"-root\"\n",
               "test.toml:2: 'security.system_user' must be a user name (letters, digits, '_', '-', '.'; at most 32 "
               "bytes)");
  expect_error("[security]\nchroot = \"var/empty\"\n", "test.toml:2: 'security.chroot' must be an absolute path");
  expect_error("[tls]\nprivate_key = \"a\\u0000b\"\n", "test.toml:2: 'tls.private_key' must not contain a NUL byte");
}

BOOST_AUTO_TEST_CASE(delivery_values_are_checked) {
  auto dash = parse_text("[delivery]\nsubaddress_separator = \"-\"\n");
  BOOST_REQUIRE(dash.has_value());
  BOOST_TEST(dash->delivery.subaddress_separator == "-");
  for (const char* bad : {"++", "@", "a", " "}) {
    expect_error("[delivery]\nsubaddress_separator = \"" + std::string(bad) + "\"\n",
                 "test.toml:2: 'delivery.subaddress_separator' must be \"\" or one punctuation character other than "
                 "'@'");
  }
  expect_error("[delivery]\nlocal_domains = [\n\"example.org\",\n\"-bad.org\"]\n",
               "test.toml:4: 'delivery.local_domains': '-bad.org' is not a domain name");
  expect_error("[delivery]\nlocal_domains = [\"a..b\"]\n",
               "test.toml:2: 'delivery.local_domains': 'a..b' is not a domain name");
}

BOOST_AUTO_TEST_CASE(identification_follows_rfc2971_limits) {
  expect_error("[identification]\n" + std::string(31, 'k') + " = \"v\"\n",
               "test.toml:2: field name 'identification." + std::string(31, 'k') +
                   "' must be 1 to 30 bytes without control characters");
  expect_error("[identification]\nname = \"" + std::string(1025, 'v') + "\"\n",
               "test.toml:2: 'identification.name' must be at most 1024 bytes without control characters");
  expect_error("[identification]\nName = \"a\"\nname = \"b\"\n",
               "test.toml:3: 'identification.name' repeats field 'Name' (names ignore case)");
  std::string many = "[identification]\n";
  for (int i = 0; i < 31; ++i) many += "k" + std::to_string(i) + " = \"v\"\n";
  expect_error(many, "test.toml:1: 'identification' must have at most 30 fields");
  auto ok = parse_text("[identification]\n" + std::string(30, 'k') + " = \"" + std::string(1024, 'v') + "\"\n");
  BOOST_TEST(ok.has_value());
}

BOOST_AUTO_TEST_CASE(load_reads_root_file) {
  test_support::TempDir dir;
  auto missing = load(dir.path());
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST(base::to_string(missing.error().code) == "not_found");
  BOOST_TEST(missing.error().detail == "no configuration at " + (dir.path() / "sealbox.toml").string());

  test_support::write_file(dir / "sealbox.toml", "[keys]\nrotation_days = 7\n");
  auto loaded = load(dir.path());
  BOOST_REQUIRE_MESSAGE(loaded.has_value(), why(loaded));
  BOOST_TEST(loaded->keys.rotation_days == 7u);
  BOOST_TEST(loaded->root == dir.path());

  test_support::write_file(dir / "sealbox.toml", "[keys]\nrotation_days = 0\n");
  auto bad = load(dir.path());
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().detail ==
             (dir.path() / "sealbox.toml").string() + ":2: 'keys.rotation_days' must be between 1 and 3650");
}

BOOST_AUTO_TEST_CASE(load_reports_unreadable_file_as_io) {
  test_support::TempDir dir;
  std::filesystem::create_directory(dir / "sealbox.toml");
  auto directory = load(dir.path());
  BOOST_REQUIRE(!directory.has_value());
  BOOST_TEST(base::to_string(directory.error().code) == "io");

  if (::geteuid() == 0) return;  // root reads files whatever their mode
  test_support::TempDir dir2;
  test_support::write_file(dir2 / "sealbox.toml", "");
  ::chmod((dir2 / "sealbox.toml").c_str(), 0);
  auto denied = load(dir2.path());
  BOOST_REQUIRE(!denied.has_value());
  BOOST_TEST(base::to_string(denied.error().code) == "io");
}

BOOST_AUTO_TEST_SUITE_END()
