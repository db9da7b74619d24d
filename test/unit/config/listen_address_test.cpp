// parse_listen_address: the spellings sealbox.toml accepts for [imap] and [lmtp] listen, and those it refuses.
#include <boost/test/unit_test.hpp>

#include "config/listen_address.h"

BOOST_AUTO_TEST_SUITE(listen_address)

namespace {

using config::ListenAddress;

// The error message of a failed result, for BOOST_REQUIRE_MESSAGE (which evaluates its message even on success).
template <class T>
std::string why(const base::Result<T>& result) {
  return result ? std::string() : result.error().message();
}

// Asserts that `text` is refused with Errc::bad_syntax and a detail ending in `why`.
void expect_bad(std::string_view text, const std::string& why) {
  auto result = config::parse_listen_address(text, "/root");
  BOOST_REQUIRE_MESSAGE(!result.has_value(), "expected an error for '" << text << "'");
  BOOST_TEST(base::to_string(result.error().code) == "bad_syntax");
  const std::string& detail = result.error().detail;
  BOOST_TEST_MESSAGE(detail);
  BOOST_TEST(detail.find('\n') == std::string::npos);
  BOOST_TEST((detail.size() >= why.size() && detail.compare(detail.size() - why.size(), why.size(), why) == 0),
             "'" << detail << "' should end with '" << why << "'");
}

ListenAddress expect_good(std::string_view text) {
  auto result = config::parse_listen_address(text, "/root");
  BOOST_REQUIRE_MESSAGE(result.has_value(), "'" << text << "': " << why(result));
  return *result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ipv4) {
  const ListenAddress a = expect_good("127.0.0.1:24");
  BOOST_TEST((a.kind == ListenAddress::Kind::tcp));
  BOOST_TEST(a.host == "127.0.0.1");
  BOOST_TEST(a.port == 24);
  BOOST_TEST(a.text == "127.0.0.1:24");
  BOOST_TEST(expect_good("255.255.255.255:65535").port == 65535);
  BOOST_TEST(expect_good("0.0.0.0:0").port == 0);  // port 0: the kernel picks a free port
}

BOOST_AUTO_TEST_CASE(ipv6) {
  const ListenAddress any = expect_good("[::]:993");
  BOOST_TEST(any.host == "::");
  BOOST_TEST(any.port == 993);
  BOOST_TEST(any.text == "[::]:993");
  BOOST_TEST(expect_good("[::1]:0").host == "::1");
  BOOST_TEST(expect_good("[2001:db8::42]:143").host == "2001:db8::42");
  BOOST_TEST(expect_good("[::ffff:127.0.0.1]:24").host == "::ffff:127.0.0.1");
}

BOOST_AUTO_TEST_CASE(localhost) {
  const ListenAddress a = expect_good("localhost:1143");
  BOOST_TEST(a.host == "localhost");
  BOOST_TEST(a.port == 1143);
}

BOOST_AUTO_TEST_CASE(unix_socket) {
  const ListenAddress a = expect_good("unix:/run/sealbox/lmtp.sock");
  BOOST_TEST((a.kind == ListenAddress::Kind::unix_socket));
  BOOST_TEST(a.path == "/run/sealbox/lmtp.sock");
  BOOST_TEST(a.text == "unix:/run/sealbox/lmtp.sock");
  BOOST_TEST(a.host.empty());
  BOOST_TEST(expect_good("unix:run/lmtp.sock").path == "/root/run/lmtp.sock");
  auto no_root = config::parse_listen_address("unix:lmtp.sock");
  BOOST_REQUIRE(no_root.has_value());
  BOOST_TEST(no_root->path == "lmtp.sock");
  BOOST_TEST(expect_good("unix:/" + std::string(106, 'x')).path.size() == config::kMaxUnixPathBytes);
}

BOOST_AUTO_TEST_CASE(bad_ports) {
  expect_bad("127.0.0.1:70000", "the port must be a number from 0 to 65535");
  expect_bad("[::1]:65536", "the port must be a number from 0 to 65535");
  expect_bad("127.0.0.1:-1", "the port must be a number from 0 to 65535");
  expect_bad("127.0.0.1:+1", "the port must be a number from 0 to 65535");
  expect_bad("127.0.0.1:024000", "the port must be a number from 0 to 65535");
  expect_bad("127.0.0.1:imap", "the port must be a number from 0 to 65535");
  expect_bad("127.0.0.1:", "missing port after ':'");
  expect_bad("[::1]:", "missing port after ':'");
}

BOOST_AUTO_TEST_CASE(bad_hosts) {
  const std::string kHost = "the host must be an IPv4 address, a bracketed IPv6 address or 'localhost'";
  expect_bad("example.org:993", kHost);
  expect_bad("1.2.3:4", kHost);
  expect_bad("1.2.3.4.5:6", kHost);
  expect_bad("256.0.0.1:1", kHost);
  expect_bad("01.2.3.4:5", kHost);
  expect_bad("1.2.3.4 :5", kHost);
  expect_bad(":993", kHost);
  expect_bad("::1:993", "an IPv6 address must be in brackets, as in [::1]:993");
  expect_bad("[::1]993", "expected ':PORT' after ']'");
  expect_bad("[::1:993", "missing ']' after the IPv6 address");
  expect_bad("[1.2.3.4]:5", "'1.2.3.4' is not an IPv6 address");
  expect_bad("[]:5", "'' is not an IPv6 address");
  expect_bad("[fe80::1%eth0]:993", "IPv6 zone ids ('%eth0') are not supported");
}

BOOST_AUTO_TEST_CASE(garbage) {
  expect_bad("", "expected HOST:PORT or unix:PATH");
  expect_bad("garbage", "expected HOST:PORT or unix:PATH");
  expect_bad("993", "expected HOST:PORT or unix:PATH");
  expect_bad("tcp://0.0.0.0:993", "expected HOST:PORT or unix:PATH");
  expect_bad("unix", "expected HOST:PORT or unix:PATH");
}

BOOST_AUTO_TEST_CASE(bad_unix_paths) {
  expect_bad("unix:", "the socket path after 'unix:' is empty");
  expect_bad("unix:/run/", "the socket path names a directory");
  expect_bad("unix:/" + std::string(107, 'x'), "the socket path is 108 bytes long; the limit is 107");
  expect_bad(std::string_view("unix:/a\0b", 9), "the socket path contains a NUL byte");
}

BOOST_AUTO_TEST_CASE(errors_quote_the_input_on_one_line) {
  auto result = config::parse_listen_address("bad\naddress");
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(result.error().detail == "bad listen address 'bad\\x0aaddress': expected HOST:PORT or unix:PATH");
}

BOOST_AUTO_TEST_SUITE_END()
