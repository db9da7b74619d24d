// ServerProcess (test support for e2e tests), exercised with small /bin/sh stand-ins for the daemon.
#include <boost/test/unit_test.hpp>

#include "test/support/server_process.h"

using namespace std::chrono_literals;
using test_support::ServerOptions;
using test_support::ServerProcess;

namespace {

// A fake server: logs to stderr, reports ports through the file named by $0, then waits for a signal.
ServerOptions fake(const std::string& script) {
  ServerOptions o;
  o.binary = "/bin/sh";
  o.args = {"-c", script, "{ports}"};
  o.ready_timeout = 5000ms;
  return o;
}

const std::string kReport = "echo starting >&2; printf 'imaps=4242\\nlmtp=2424\\n' > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; ";

}  // namespace

BOOST_AUTO_TEST_SUITE(server_process)

BOOST_AUTO_TEST_CASE(reads_ports_and_stops_with_sigterm) {
  // The trap is set before the ports are reported, as a real server installs its handlers before it is ready.
  auto o = fake("trap 'echo bye >&2; exit 0' TERM; " + kReport + "while :; do sleep 0.05; done");
  o.expect_lmtp = true;
  ServerProcess server(o);
  BOOST_TEST(server.imaps_port() == 4242);
  BOOST_TEST(server.lmtp_port() == 2424);
  BOOST_TEST(server.pid() > 0);
  BOOST_TEST(server.running());
  BOOST_TEST(server.stop(5000ms) == 0, server.log());
  BOOST_TEST(!server.running());
  BOOST_TEST(server.log() == "starting\nbye\n");
  BOOST_TEST(server.stop() == 0);  // again: same status
}

BOOST_AUTO_TEST_CASE(a_server_ignoring_sigterm_is_killed) {
  ServerProcess server(fake("trap '' TERM; " + kReport + "while :; do sleep 0.05; done"));
  BOOST_TEST(server.stop(300ms) == -9);
}

BOOST_AUTO_TEST_CASE(kill9_and_environment) {
  auto o = fake("echo \"$SEALBOX_TEST_VALUE\"; " + kReport + "exec sleep 30");
  o.env = {"SEALBOX_TEST_VALUE=from-test"};
  ServerProcess server(o);
  BOOST_TEST(server.kill9() == -9);
  BOOST_TEST(server.out() == "from-test\n");
}

BOOST_AUTO_TEST_CASE(early_exit_throws_with_the_log) {
  try {
    ServerProcess server(fake("echo 'config error: no [tls] section' >&2; exit 78"));
    BOOST_ERROR("started a server that exited");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("status 78") != std::string::npos, what);
    BOOST_TEST(what.find("no [tls] section") != std::string::npos, what);
  }
}

BOOST_AUTO_TEST_CASE(waiting_for_lmtp_times_out_and_kills) {
  auto o = fake("printf 'imaps=1\\n' > \"$0\"; exec sleep 30");
  o.expect_lmtp = true;
  o.ready_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  BOOST_CHECK_THROW(ServerProcess server(o), std::runtime_error);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 5s));
}

BOOST_AUTO_TEST_SUITE_END()
