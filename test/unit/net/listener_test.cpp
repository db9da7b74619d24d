// Listener with TLS: echo over TLS 1.3, the version and cipher policy, limits, timeouts, stop and close_all.
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>

#include <boost/test/unit_test.hpp>

#include "net_fixture.h"
#include "test/support/tls_client.h"

namespace {

using namespace net_test;
using test_support::TlsClient;
using test_support::TlsClientOptions;

std::uint16_t port_of(net::Listener& l) { return l.ports().at(0); }

void expect_refused(std::uint16_t port, const TlsClientOptions& o, const std::string& what) {
  try {
    auto c = TlsClient::connect(port, o);
    BOOST_ERROR(what << ": connected with " << c.negotiated_version() << " " << c.cipher());
  } catch (const std::runtime_error& e) {
    BOOST_TEST_MESSAGE(what << ": " << e.what());
  }
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(listener, TlsFixture)

BOOST_AUTO_TEST_CASE(echoes_over_tls13) {
  auto stats = std::make_shared<HandlerStats>();
  auto& l = listen(echo_handler(stats));
  BOOST_TEST(port_of(l) != 0);
  auto c = TlsClient::connect(port_of(l));
  BOOST_TEST(c.negotiated_version() == "TLSv1.3");
  c.send("hello\r\n");
  BOOST_TEST(c.read_line() == "hello");
  c.send("QUIT\r\n");
  BOOST_TEST(c.read_line() == "BYE");
  BOOST_TEST(c.closed_by_peer());
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
  BOOST_TEST(stats->sessions == 1);
}

BOOST_AUTO_TEST_CASE(alpn_imap_is_selected_when_offered_and_optional) {
  auto& l = listen(echo_handler(std::make_shared<HandlerStats>()));
  TlsClientOptions o;
  o.alpn = {"imap"};
  auto with = TlsClient::connect(port_of(l), o);
  BOOST_TEST(with.alpn() == "imap");
  o.alpn = {"h2"};
  auto other = TlsClient::connect(port_of(l), o);
  BOOST_TEST(other.alpn() == "");
  auto without = TlsClient::connect(port_of(l));
  BOOST_TEST(without.alpn() == "");
  without.send("x\r\n");
  BOOST_TEST(without.read_line() == "x");
}

BOOST_AUTO_TEST_CASE(tls12_gets_a_forward_secret_aead_suite) {
  auto& l = listen(echo_handler(std::make_shared<HandlerStats>()));
  TlsClientOptions o;
  o.max_version = test_support::kTls12;
  auto c = TlsClient::connect(port_of(l), o);
  BOOST_TEST(c.negotiated_version() == "TLSv1.2");
  const std::string cipher = c.cipher();
  BOOST_TEST(cipher.find("TLS_ECDHE_ECDSA_WITH_") == 0u, cipher);
  BOOST_TEST((cipher.find("_GCM_") != std::string::npos || cipher.find("CHACHA20_POLY1305") != std::string::npos),
             cipher);
  c.send("ok\r\n");
  BOOST_TEST(c.read_line() == "ok");
}

BOOST_AUTO_TEST_CASE(old_versions_and_weak_suites_are_refused) {
  auto& l = listen(echo_handler(std::make_shared<HandlerStats>()));
  TlsClientOptions tls11;
  tls11.min_version = test_support::kTls11;
  tls11.max_version = test_support::kTls11;
  expect_refused(port_of(l), tls11, "TLS 1.1");
  TlsClientOptions cbc;
  cbc.max_version = test_support::kTls12;
  cbc.cipher_list = "ECDHE-ECDSA-AES128-SHA";  // CBC, not AEAD
  expect_refused(port_of(l), cbc, "CBC suite");
  TlsClientOptions static_rsa;
  static_rsa.max_version = test_support::kTls12;
  static_rsa.cipher_list = "AES128-GCM-SHA256";  // no forward secrecy
  expect_refused(port_of(l), static_rsa, "static RSA suite");
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
}

BOOST_AUTO_TEST_CASE(certificate_verifies_for_localhost_and_127_0_0_1) {
  auto& l = listen(echo_handler(std::make_shared<HandlerStats>()));
  TlsClientOptions o;
  o.trusted_cert = chain();
  o.expected_names = {"localhost", "127.0.0.1"};
  auto c = TlsClient::connect(port_of(l), o);
  c.send("v\r\n");
  BOOST_TEST(c.read_line() == "v");
  o.expected_names = {"imap.example.com"};
  expect_refused(port_of(l), o, "wrong host name");
}

BOOST_AUTO_TEST_CASE(max_connections_is_enforced) {
  auto stats = std::make_shared<HandlerStats>();
  net::Listener::Limits limits;
  limits.max_connections = 2;
  auto& l = listen(echo_handler(stats), limits);
  auto c1 = std::make_unique<TlsClient>(TlsClient::connect(port_of(l)));
  auto c2 = TlsClient::connect(port_of(l));
  c1->send("1\r\n");
  c2.send("2\r\n");
  BOOST_TEST(c1->read_line() == "1");
  BOOST_TEST(c2.read_line() == "2");
  BOOST_TEST(l.active() == 2u);
  expect_refused(port_of(l), {}, "third connection");
  BOOST_TEST(l.active() == 2u);
  c1.reset();  // frees a slot
  BOOST_TEST_REQUIRE(eventually([&] { return l.active() == 1; }));
  auto c3 = TlsClient::connect(port_of(l));
  c3.send("3\r\n");
  BOOST_TEST(c3.read_line() == "3");
  BOOST_TEST(stats->sessions == 3);
}

BOOST_AUTO_TEST_CASE(idle_timeout_ends_a_silent_session) {
  auto stats = std::make_shared<HandlerStats>();
  auto& l = listen(echo_handler(stats, std::chrono::seconds(1)));
  auto c = TlsClient::connect(port_of(l));
  c.send("still here\r\n");
  BOOST_TEST(c.read_line() == "still here");
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(c.read_line(5000ms) == "* BYE idle");
  const auto waited = std::chrono::steady_clock::now() - start;
  BOOST_TEST((waited >= 900ms));
  BOOST_TEST((waited < 4000ms));
  BOOST_TEST(c.closed_by_peer());
  BOOST_TEST(stats->timed_out == 1);
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
}

BOOST_AUTO_TEST_CASE(handshake_timeout_drops_a_silent_client) {
  auto stats = std::make_shared<HandlerStats>();
  net::Listener::Limits limits;
  limits.handshake_timeout = std::chrono::seconds(1);
  auto& l = listen(echo_handler(stats), limits);
  const int fd = connect_tcp(port_of(l));
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST(eventually([&] { return l.active() == 1; }));
  BOOST_TEST(raw_closed(fd, 5000ms));
  ::close(fd);
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
  BOOST_TEST(stats->sessions == 0);
}

BOOST_AUTO_TEST_CASE(idle_style_read_or_notification_over_tls) {
  // The IDLE shape: wait for client input *or* a notification; a notification cancels the pending TLS read, is
  // written, and reading continues where it was.
  auto handler = [](std::shared_ptr<net::Connection> c) -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    std::vector<std::uint8_t> buf(1024);
    for (int ticks = 0; ticks < 100;) {
      asio::steady_timer notification(co_await asio::this_coro::executor, 50ms);
      auto first = co_await (c->read_some(buf) || notification.async_wait(asio::use_awaitable));
      if (first.index() == 1) {
        ++ticks;
        if (!co_await c->write(base::as_bytes("* " + std::to_string(ticks) + " EXISTS\r\n"))) co_return;
        continue;
      }
      const std::size_t n = std::get<0>(first);
      if (n == 0) co_return;
      co_await c->write(base::ByteSpan(buf.data(), n));
    }
  };
  auto& l = listen(handler);
  auto c = TlsClient::connect(port_of(l));
  BOOST_TEST(c.read_line() == "* 1 EXISTS");
  BOOST_TEST(c.read_line() == "* 2 EXISTS");
  c.send("DONE\r\n");
  for (int i = 0; i < 50; ++i) {
    const std::string line = c.read_line();
    if (line == "DONE") return;
    BOOST_TEST_REQUIRE(line.find(" EXISTS") != std::string::npos, line);
  }
  BOOST_ERROR("the echo of DONE never came");
}

BOOST_AUTO_TEST_CASE(stop_refuses_new_connections_and_close_all_ends_live_ones) {
  auto& l = listen(echo_handler(std::make_shared<HandlerStats>()));
  const auto port = port_of(l);
  auto live = TlsClient::connect(port);
  live.send("a\r\n");
  BOOST_TEST(live.read_line() == "a");
  l.stop();
  BOOST_TEST(eventually([&] {
    const int fd = connect_tcp(port);
    if (fd >= 0) ::close(fd);
    return fd < 0;
  }));
  live.send("b\r\n");  // a live session is not affected by stop()
  BOOST_TEST(live.read_line() == "b");
  BOOST_TEST(l.active() == 1u);
  l.close_all();
  BOOST_TEST(live.closed_by_peer());
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
}

BOOST_AUTO_TEST_CASE(many_clients_at_once) {
  auto stats = std::make_shared<HandlerStats>();
  auto& l = listen(echo_handler(stats));
  std::vector<TlsClient> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(TlsClient::connect(port_of(l)));
  for (int i = 0; i < 20; ++i) clients[static_cast<std::size_t>(i)].send("n" + std::to_string(i) + "\r\n");
  for (int i = 0; i < 20; ++i) BOOST_TEST(clients[static_cast<std::size_t>(i)].read_line() == "n" + std::to_string(i));
  BOOST_TEST(l.active() == 20u);
  clients.clear();
  BOOST_TEST(eventually([&] { return l.active() == 0; }));
}

BOOST_AUTO_TEST_CASE(bind_errors_name_the_address) {
  auto& first = listen(echo_handler(std::make_shared<HandlerStats>()));
  const auto port = port_of(first);
  auto again = net::Listener::start(io.context(), {tcp_address("127.0.0.1", port)}, *tls,
                                    echo_handler(std::make_shared<HandlerStats>()));
  BOOST_TEST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == base::Errc::io));
  BOOST_TEST(again.error().detail == "cannot listen on 127.0.0.1:" + std::to_string(port) + ": Address already in use");
  auto unix = net::Listener::start(io.context(), {unix_address((dir / "s").string())}, *tls,
                                   echo_handler(std::make_shared<HandlerStats>()));
  BOOST_TEST_REQUIRE(!unix.has_value());
  BOOST_TEST((unix.error().code == base::Errc::invalid_argument));
  BOOST_TEST(unix.error().detail.find("TLS listeners need a TCP address") == 0u);
  auto none = net::Listener::start(io.context(), {}, *tls, echo_handler(std::make_shared<HandlerStats>()));
  BOOST_TEST(!none.has_value());
}

BOOST_AUTO_TEST_CASE(several_addresses_report_ports_in_order) {
  auto stats = std::make_shared<HandlerStats>();
  auto started = net::Listener::start(io.context(), {tcp_address("127.0.0.1", 0), tcp_address("localhost", 0)}, *tls,
                                      echo_handler(stats));
  BOOST_TEST_REQUIRE(started.has_value(), test_support::why(started));
  listeners.push_back(std::move(*started));
  auto& l = *listeners.back();
  const auto ports = l.ports();
  BOOST_TEST_REQUIRE(ports.size() == 2u);
  BOOST_TEST(ports[0] != ports[1]);
  BOOST_TEST(l.addresses()[0] == "127.0.0.1:" + std::to_string(ports[0]));
  for (auto p : ports) {
    auto c = TlsClient::connect(p);
    c.send("p\r\n");
    BOOST_TEST(c.read_line() == "p");
  }
}

BOOST_AUTO_TEST_CASE(ipv4_and_ipv6_wildcards_share_a_port) {
  auto stats = std::make_shared<HandlerStats>();
  auto v4 = net::Listener::start(io.context(), {tcp_address("0.0.0.0", 0)}, *tls, echo_handler(stats));
  BOOST_TEST_REQUIRE(v4.has_value(), test_support::why(v4));
  listeners.push_back(std::move(*v4));
  const auto port = listeners.back()->ports()[0];
  auto v6 = net::Listener::start(io.context(), {tcp_address("::", port)}, *tls, echo_handler(stats));
  if (!v6.has_value() && v6.error().detail.find("Address family not supported") != std::string::npos) {
    BOOST_TEST_MESSAGE("no IPv6 on this host: " << v6.error().detail);
    return;
  }
  BOOST_TEST_REQUIRE(v6.has_value(), test_support::why(v6));
  listeners.push_back(std::move(*v6));
  BOOST_TEST(listeners.back()->addresses()[0] == "[::]:" + std::to_string(port));
  auto c = TlsClient::connect(port);
  c.send("4\r\n");
  BOOST_TEST(c.read_line() == "4");
}

BOOST_AUTO_TEST_SUITE_END()
