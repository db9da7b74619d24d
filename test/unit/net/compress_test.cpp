// RFC 4978 COMPRESS=DEFLATE over TLS: after start_deflate on both sides, a 1 MiB echo round-trips intact.
#include <random>

#include <boost/test/unit_test.hpp>

#include "net_fixture.h"
#include "test/support/tls_client.h"

namespace {

using namespace net_test;
using test_support::TlsClient;

// 1 MiB: alternating 4 KiB runs of IMAP-like text and random bytes, so both compressible and incompressible data
// pass through the streams.
std::string payload(std::size_t n) {
  std::mt19937 rng(7);
  std::string out;
  out.reserve(n);
  const std::string text = "* 1 FETCH (FLAGS (\\Seen) UID 4711 BODY[TEXT] {42}\r\n";
  while (out.size() < n) {
    if ((out.size() / 4096) % 2 == 0) {
      out += text;
    } else {
      for (int i = 0; i < 64; ++i) out += static_cast<char>(rng());
    }
  }
  out.resize(n);
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(compress, TlsFixture)

BOOST_AUTO_TEST_CASE(one_mib_echo_round_trips_compressed) {
  auto stats = std::make_shared<HandlerStats>();
  auto& l = listen(echo_handler(stats));
  auto c = TlsClient::connect(l.ports()[0]);
  c.send("COMPRESS\r\n");
  BOOST_TEST_REQUIRE(c.read_line() == "OK COMPRESS");
  c.start_deflate();
  const std::string data = payload(1024 * 1024);
  constexpr std::size_t kChunk = 64 * 1024;
  for (std::size_t pos = 0; pos < data.size(); pos += kChunk) {
    const std::string_view chunk = std::string_view(data).substr(pos, kChunk);
    c.send(chunk);
    const std::string back = c.read_bytes(chunk.size());
    BOOST_TEST_REQUIRE(back == chunk, "echo differs in the chunk at " << pos);
  }
  // The session's reads never exceed its span, however well the client compresses.
  BOOST_TEST(stats->max_read <= 64u * 1024);
  c.send("QUIT\r\n");
  BOOST_TEST(c.read_line() == "BYE");
  BOOST_TEST(c.closed_by_peer());
}

BOOST_AUTO_TEST_CASE(a_bomb_arrives_in_bounded_reads) {
  auto stats = std::make_shared<HandlerStats>();
  auto& l = listen(echo_handler(stats));
  auto c = TlsClient::connect(l.ports()[0]);
  c.send("COMPRESS\r\n");
  BOOST_TEST_REQUIRE(c.read_line() == "OK COMPRESS");
  c.start_deflate();
  // 4 MiB of 'a' compresses to a few KiB; the server inflates it one 64 KiB span at a time and echoes it.
  const std::string bomb(4 * 1024 * 1024, 'a');
  c.send(bomb);
  const std::string back = c.read_bytes(bomb.size(), 20000ms);
  BOOST_TEST((back == bomb));
  BOOST_TEST(stats->max_read <= 64u * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
