// Connection on its own, over a UNIX socket pair (no TLS): reads, writes, COMPRESS in both directions, the idle
// timeout, close() and abort(). Each side runs on its own strand of a single-threaded io_context driven with a
// bounded run_for().
#include <random>

#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/local/connect_pair.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <boost/test/unit_test.hpp>

#include "net/connection.h"

namespace {

using namespace std::chrono_literals;

struct Pair {
  Pair() {
    net::UnixSocket a(asio::make_strand(io));
    net::UnixSocket b(asio::make_strand(io));
    asio::local::connect_pair(a, b);
    left = std::make_shared<net::Connection>(net::Connection::Stream(std::move(a)), "left");
    right = std::make_shared<net::Connection>(net::Connection::Stream(std::move(b)), "right");
  }

  // Spawns `coro` on `conn`'s strand; `done` is set when it finishes (exceptions fail the test).
  template <class Coro>
  void spawn(const std::shared_ptr<net::Connection>& conn, Coro coro, bool& done) {
    asio::co_spawn(conn->executor(), std::move(coro), [&done](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          BOOST_ERROR("coroutine threw: " << x.what());
        }
      }
      done = true;
    });
  }

  // Runs until all work is done or 20 s pass (a hang fails the test instead of blocking it).
  void run() {
    io.run_for(20s);
    BOOST_TEST(io.stopped());
  }

  asio::io_context io;
  std::shared_ptr<net::Connection> left;
  std::shared_ptr<net::Connection> right;
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() % 4 == 0 ? rng() : 'x');
  return s;
}

// Reads until `n` bytes or end of stream; `largest` gets the biggest single read.
asio::awaitable<std::string> read_all(std::shared_ptr<net::Connection> c, std::size_t n, std::size_t span,
                                      std::size_t* largest) {
  std::string out;
  std::vector<std::uint8_t> buf(span);
  while (out.size() < n) {
    const std::size_t got = co_await c->read_some(buf);
    if (got == 0) break;
    if (largest != nullptr && got > *largest) *largest = got;
    out.append(reinterpret_cast<const char*>(buf.data()), got);
  }
  co_return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection)

BOOST_AUTO_TEST_CASE(write_then_read_then_clean_eof) {
  Pair p;
  bool wrote = false, read = false;
  std::string got;
  std::error_code after_eof = make_error_code(std::errc::io_error);
  // Named, so the closure (which the coroutine frame refers to) outlives run().
  auto writer = [&]() -> asio::awaitable<void> {
    BOOST_TEST(co_await p.left->write(base::as_bytes("* OK ready\r\n")));
    co_await p.left->close();
    BOOST_TEST(p.left->closed());
    BOOST_TEST(!co_await p.left->write(base::as_bytes("late")));
  };
  p.spawn(p.left, writer(), wrote);
  auto reader = [&]() -> asio::awaitable<void> {
    got = co_await read_all(p.right, 1000, 100, nullptr);
    after_eof = p.right->last_error();
    co_await p.right->close();  // answering the peer's close lets its lingering close end at once
  };
  p.spawn(p.right, reader(), read);
  p.run();
  BOOST_TEST((wrote && read));
  BOOST_TEST(got == "* OK ready\r\n");
  BOOST_TEST(!after_eof);  // a clean end of stream is not an error
  BOOST_TEST(!p.right->timed_out());
}

BOOST_AUTO_TEST_CASE(deflate_both_ways_round_trips_a_mebibyte) {
  Pair p;
  const std::string data = random_bytes(1024 * 1024, 3);
  bool a = false, b = false;
  std::string at_right, at_left;
  std::size_t largest = 0;
  BOOST_TEST_REQUIRE(p.left->start_deflate().has_value());
  BOOST_TEST_REQUIRE(p.right->start_deflate().has_value());
  BOOST_TEST(!p.left->start_deflate().has_value());  // only once
  auto left_side = [&]() -> asio::awaitable<void> {
    BOOST_TEST(co_await p.left->write(base::as_bytes(data)));
    at_left = co_await read_all(p.left, 5, 4096, nullptr);
  };
  p.spawn(p.left, left_side(), a);
  auto right_side = [&]() -> asio::awaitable<void> {
    at_right = co_await read_all(p.right, data.size(), 8192, &largest);
    BOOST_TEST(co_await p.right->write(base::as_bytes("done\n")));
  };
  p.spawn(p.right, right_side(), b);
  p.run();
  BOOST_TEST((a && b));
  BOOST_TEST((at_right == data));
  BOOST_TEST(at_left == "done\n");
  BOOST_TEST(largest <= 8192u);
}

BOOST_AUTO_TEST_CASE(idle_timeout_returns_zero_and_says_so) {
  Pair p;
  p.right->set_idle_timeout(std::chrono::seconds(1));
  bool done = false;
  std::size_t n = 99;
  std::chrono::steady_clock::duration waited{};
  auto idle_reader = [&]() -> asio::awaitable<void> {
    std::vector<std::uint8_t> buf(16);
    const auto start = std::chrono::steady_clock::now();
    n = co_await p.right->read_some(buf);
    waited = std::chrono::steady_clock::now() - start;
    // The session can still say goodbye after a timeout.
    BOOST_TEST(co_await p.right->write(base::as_bytes("* BYE\r\n")));
    co_await p.right->close();
  };
  p.spawn(p.right, idle_reader(), done);
  bool got_bye = false;
  bool reader_done = false;
  auto bye_reader = [&]() -> asio::awaitable<void> {
    got_bye = co_await read_all(p.left, 7, 64, nullptr) == "* BYE\r\n";
    co_await p.left->close();
  };
  p.spawn(p.left, bye_reader(), reader_done);
  p.run();
  BOOST_TEST((done && reader_done && got_bye));
  BOOST_TEST(n == 0u);
  BOOST_TEST(p.right->timed_out());
  BOOST_TEST((p.right->last_error() == asio::error::timed_out));
  BOOST_TEST((waited >= 900ms && waited < 5s));
}

BOOST_AUTO_TEST_CASE(a_read_that_loses_a_race_leaves_the_connection_usable) {
  using namespace asio::experimental::awaitable_operators;
  Pair p;
  bool a = false, b = false;
  std::size_t lost = 99, won = 0;
  std::string got;
  auto racer = [&]() -> asio::awaitable<void> {
    std::vector<std::uint8_t> buf(64);
    asio::steady_timer tick(co_await asio::this_coro::executor, 100ms);
    auto first = co_await (p.right->read_some(buf) || tick.async_wait(asio::use_awaitable));
    lost = first.index();  // 1: the timer won, the read was cancelled
    BOOST_TEST((p.right->last_error() == asio::error::operation_aborted));
    BOOST_TEST(co_await p.right->write(base::as_bytes("tick\n")));
    won = co_await p.right->read_some(buf);  // and reading goes on
    got.assign(reinterpret_cast<const char*>(buf.data()), won);
    co_await p.right->close();
  };
  p.spawn(p.right, racer(), b);
  auto peer = [&]() -> asio::awaitable<void> {
    BOOST_TEST(co_await read_all(p.left, 5, 64, nullptr) == "tick\n");
    BOOST_TEST(co_await p.left->write(base::as_bytes("DONE\r\n")));
    co_await read_all(p.left, 1, 64, nullptr);  // until the other side closes
    co_await p.left->close();
  };
  p.spawn(p.left, peer(), a);
  p.run();
  BOOST_TEST((a && b));
  BOOST_TEST(lost == 1u);
  BOOST_TEST(got == "DONE\r\n");
}

BOOST_AUTO_TEST_CASE(abort_ends_a_pending_read) {
  Pair p;
  bool done = false;
  std::size_t n = 99;
  auto pending_reader = [&]() -> asio::awaitable<void> {
    std::vector<std::uint8_t> buf(16);
    n = co_await p.right->read_some(buf);
  };
  p.spawn(p.right, pending_reader(), done);
  asio::post(p.right->executor(), [&] { p.right->abort(); });
  p.run();
  BOOST_TEST(done);
  BOOST_TEST(n == 0u);
  BOOST_TEST(p.right->closed());
}

BOOST_AUTO_TEST_CASE(garbage_after_compress_is_an_error_not_a_hang) {
  Pair p;
  BOOST_TEST_REQUIRE(p.right->start_deflate().has_value());
  bool a = false, b = false;
  std::size_t n = 99;
  auto junk_writer = [&]() -> asio::awaitable<void> {
    // Block type 3 (reserved): invalid deflate data.
    const std::uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x01, 0x02};
    BOOST_TEST(co_await p.left->write(base::ByteSpan(junk, sizeof junk)));
  };
  p.spawn(p.left, junk_writer(), a);
  auto junk_reader = [&]() -> asio::awaitable<void> {
    std::vector<std::uint8_t> buf(64);
    n = co_await p.right->read_some(buf);
    co_await p.right->close();
  };
  p.spawn(p.right, junk_reader(), b);
  p.run();
  BOOST_TEST((a && b));
  BOOST_TEST(n == 0u);
  BOOST_TEST((p.right->last_error() == std::errc::bad_message));
}

BOOST_AUTO_TEST_SUITE_END()
