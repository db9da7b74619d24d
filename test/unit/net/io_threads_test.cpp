// IoThreads: runs posted work on its threads, survives a throwing handler, and stops gracefully or by force.
#include <atomic>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <boost/test/unit_test.hpp>

#include "net/io_threads.h"

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(io_threads)

BOOST_AUTO_TEST_CASE(runs_work_then_stops_when_it_runs_out) {
  net::IoThreads io(3);
  BOOST_TEST(io.size() == 3u);
  std::atomic<int> count{0};
  for (int i = 0; i < 1000; ++i) asio::post(io.executor(), [&] { ++count; });
  io.start();
  io.start();  // harmless
  io.stop();
  BOOST_TEST_REQUIRE(io.join_for(10s));
  BOOST_TEST(count == 1000);
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_does_not_kill_its_thread) {
  net::IoThreads io(1);
  std::atomic<int> count{0};
  asio::post(io.executor(), [] { throw std::runtime_error("handler bug"); });
  asio::post(io.executor(), [&] { ++count; });
  io.start();
  io.stop();
  BOOST_TEST_REQUIRE(io.join_for(10s));
  BOOST_TEST(count == 1);
}

BOOST_AUTO_TEST_CASE(graceful_stop_waits_for_pending_work_force_stop_does_not) {
  net::IoThreads io(2);
  io.start();
  asio::steady_timer far(io.context(), std::chrono::hours(1));
  far.async_wait([](std::error_code) {});
  io.stop();
  BOOST_TEST(!io.join_for(200ms));  // the timer is still work
  io.force_stop();
  BOOST_TEST(io.join_for(10s));
}

BOOST_AUTO_TEST_CASE(default_size_is_at_least_one) {
  net::IoThreads io;
  BOOST_TEST(io.size() >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
