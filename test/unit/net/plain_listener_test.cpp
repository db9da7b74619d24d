// Listener::start_plain (for LMTP): plain TCP and UNIX-domain sockets behind the same Connection API.
#include <boost/test/unit_test.hpp>

#include "net_fixture.h"

namespace {

using namespace net_test;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(plain_listener, TlsFixture)

BOOST_AUTO_TEST_CASE(tcp_and_unix_sockets_echo) {
  auto stats = std::make_shared<HandlerStats>();
  const std::string path = (dir / "lmtp.sock").string();
  auto started = net::Listener::start_plain(io.context(), {tcp_address("127.0.0.1", 0), unix_address(path)},
                                            echo_handler(stats));
  BOOST_TEST_REQUIRE(started.has_value(), test_support::why(started));
  listeners.push_back(std::move(*started));
  auto& l = *listeners.back();
  BOOST_TEST(l.ports()[1] == 0u);
  BOOST_TEST(l.addresses()[1] == "unix:" + path);

  const int tcp = connect_tcp(l.ports()[0]);
  BOOST_TEST_REQUIRE(tcp >= 0);
  BOOST_TEST(::write(tcp, "LHLO x\r\n", 8) == 8);
  BOOST_TEST(read_raw(tcp, 8) == "LHLO x\r\n");

  const int local = connect_unix(path);
  BOOST_TEST_REQUIRE(local >= 0);
  BOOST_TEST(::write(local, "QUIT\r\n", 6) == 6);
  BOOST_TEST(read_raw(local, 5) == "BYE\r\n");
  BOOST_TEST(raw_closed(local));
  ::close(local);
  ::close(tcp);
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
  BOOST_TEST(stats->sessions == 2);
}

BOOST_AUTO_TEST_CASE(stale_socket_file_is_replaced_live_one_is_not) {
  const std::string path = (dir / "s.sock").string();
  auto first = net::Listener::start_plain(io.context(), {unix_address(path)}, echo_handler(std::make_shared<HandlerStats>()));
  BOOST_TEST_REQUIRE(first.has_value(), test_support::why(first));
  auto second = net::Listener::start_plain(io.context(), {unix_address(path)}, echo_handler(std::make_shared<HandlerStats>()));
  BOOST_TEST_REQUIRE(!second.has_value());
  BOOST_TEST(second.error().detail == "cannot listen on unix:" + path + ": Address already in use");
  listeners.push_back(std::move(*first));
  listeners.back()->stop();
  BOOST_TEST(!std::filesystem::exists(path));  // stop() removes the name

  // A socket file with no listener behind it (a crashed run) is taken over.
  {
    asio::io_context scratch;
    asio::local::stream_protocol::acceptor stale(scratch, asio::local::stream_protocol::endpoint(path));
  }
  BOOST_TEST_REQUIRE(std::filesystem::exists(path));
  auto third = net::Listener::start_plain(io.context(), {unix_address(path)}, echo_handler(std::make_shared<HandlerStats>()));
  BOOST_TEST_REQUIRE(third.has_value(), test_support::why(third));
  listeners.push_back(std::move(*third));
  const int fd = connect_unix(path);
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST(::write(fd, "hi\r\n", 4) == 4);
  BOOST_TEST(read_raw(fd, 4) == "hi\r\n");
  ::close(fd);
}

BOOST_AUTO_TEST_SUITE_END()
