// The actor runtime: ordering, batching and group commit, deferred replies, ask() as an Asio operation, dropped
// and thrown requests, and no lost wake-ups under concurrent tells.
#include <boost/test/unit_test.hpp>

#include <asio/io_context.hpp>
#include <asio/bind_executor.hpp>
#include <asio/post.hpp>
#include <optional>
#include <thread>
#include <variant>

#include "actors/runtime/actor.h"

namespace {

struct Add {
  using Reply = base::Result<int>;
  int value = 0;
  actors::Promise<Reply> reply;
};
struct Boom {
  using Reply = base::Result<int>;
  actors::Promise<Reply> reply;
};
struct Drop {
  using Reply = base::Result<int>;
  actors::Promise<Reply> reply;
};
using Message = std::variant<Add, Boom, Drop>;

// Sums what it is told; replies with the running total after the batch "commits".
class Counter final : public actors::Actor<Counter, Message> {
 public:
  using Actor::Actor;
  int total = 0;
  int commits = 0;
  std::vector<int> seen;
  std::vector<std::string> log;

 protected:
  void handle(Message& m) override {
    if (auto* add = std::get_if<Add>(&m)) {
      total += add->value;
      seen.push_back(add->value);
      log.push_back("handle");
      after_commit([this, p = std::move(add->reply), t = total]() mutable {
        log.push_back("reply");
        p(t);
      });
    } else if (std::holds_alternative<Boom>(m)) {
      throw std::runtime_error("boom");
    }
    // Drop: the request is left unanswered on purpose.
  }
  void commit_batch() override {
    ++commits;
    log.push_back("commit");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(actor_runtime)

BOOST_AUTO_TEST_CASE(tells_are_handled_in_order_in_one_batch_with_one_commit) {
  actors::ManualScheduler sched;
  auto c = std::make_shared<Counter>(sched);
  for (int i = 1; i <= 10; ++i) c->tell(Add{i, {}});
  BOOST_TEST(sched.pending() == 1u);  // one drain scheduled, not ten
  BOOST_TEST(sched.run_all() == 1u);
  BOOST_TEST(c->total == 55);
  BOOST_TEST(c->commits == 1);
  BOOST_TEST((c->seen == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

BOOST_AUTO_TEST_CASE(a_batch_is_bounded_and_the_rest_is_rescheduled) {
  actors::ManualScheduler sched;
  auto c = std::make_shared<Counter>(sched);
  for (int i = 0; i < Counter::kMaxBatch + 5; ++i) c->tell(Add{1, {}});
  BOOST_TEST(sched.run_one());
  BOOST_TEST(c->total == Counter::kMaxBatch);
  BOOST_TEST(sched.pending() == 1u);
  BOOST_TEST(sched.run_all() == 1u);
  BOOST_TEST(c->total == Counter::kMaxBatch + 5);
  BOOST_TEST(c->commits == 2);
}

BOOST_AUTO_TEST_CASE(replies_go_out_after_the_commit) {
  actors::ManualScheduler sched;
  auto c = std::make_shared<Counter>(sched);
  int replies = 0;
  c->tell(Add{1, actors::Promise<base::Result<int>>([&](base::Result<int>) { ++replies; })});
  c->tell(Add{2, actors::Promise<base::Result<int>>([&](base::Result<int>) { ++replies; })});
  sched.run_all();
  BOOST_TEST((c->log == std::vector<std::string>{"handle", "handle", "commit", "reply", "reply"}));
  BOOST_TEST(replies == 2);
}

BOOST_AUTO_TEST_CASE(ask_with_a_plain_callback_completes_after_the_commit) {
  actors::ManualScheduler sched;
  auto c = std::make_shared<Counter>(sched);
  std::optional<base::Result<int>> got;
  // A plain callback has the system executor, so the reply runs inline once the batch has committed.
  c->ask(Add{5, {}}, [&](base::Result<int> r) { got = std::move(r); });
  BOOST_TEST(!got.has_value());
  sched.run_all();
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value() == 5);
  BOOST_TEST(c->commits == 1);
}

BOOST_AUTO_TEST_CASE(ask_with_an_io_context_executor_runs_the_handler_there) {
  actors::ManualScheduler sched;
  auto c = std::make_shared<Counter>(sched);
  asio::io_context io;
  int got = 0;
  asio::post(io, [&] {
    c->ask(Add{7, {}}, asio::bind_executor(io, [&](base::Result<int> r) { got = r.value(); }));
  });
  io.poll();
  sched.run_all();
  BOOST_TEST(got == 0);  // the reply is queued on io
  io.restart();
  io.poll();
  BOOST_TEST(got == 7);
}

BOOST_AUTO_TEST_CASE(dropped_and_thrown_requests_reply_internal) {
  actors::ManualScheduler sched;
  auto c = std::make_shared<Counter>(sched);
  std::vector<base::Errc> codes;
  auto record = [&](base::Result<int> r) { codes.push_back(r.has_value() ? base::Errc::not_found : r.error().code); };
  c->tell(Drop{actors::Promise<base::Result<int>>(record)});
  c->tell(Boom{actors::Promise<base::Result<int>>(record)});
  c->tell(Add{1, actors::Promise<base::Result<int>>(record)});
  sched.run_all();
  BOOST_TEST(codes.size() == 3u);
  BOOST_TEST((codes[0] == base::Errc::internal));
  BOOST_TEST((codes[1] == base::Errc::internal));
  BOOST_TEST((codes[2] == base::Errc::not_found));  // i.e. a value: the actor went on
  BOOST_TEST(c->poisoned());
}

BOOST_AUTO_TEST_CASE(no_lost_wakeups_under_concurrent_tells) {
  actors::ArenaScheduler sched(2);
  auto c = std::make_shared<Counter>(sched);
  constexpr int kThreads = 4, kEach = 20000;
  std::atomic<int> replies{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        c->tell(Add{1, actors::Promise<base::Result<int>>([&](base::Result<int>) { replies.fetch_add(1); })});
      }
    });
  }
  for (auto& th : threads) th.join();
  sched.wait_idle();
  BOOST_TEST(c->total == kThreads * kEach);
  BOOST_TEST(replies.load() == kThreads * kEach);
}

BOOST_AUTO_TEST_CASE(run_on_pool_completes_on_the_callers_executor) {
  actors::ArenaScheduler sched(2);
  asio::io_context io;
  int got = 0;
  auto io_thread = std::this_thread::get_id();
  bool on_io = false;
  actors::run_on_pool<base::Result<int>>(sched, [] { return base::Result<int>(42); },
                                         asio::bind_executor(io, [&](base::Result<int> r) {
                                           got = r.value();
                                           on_io = std::this_thread::get_id() == io_thread;
                                         }));
  sched.wait_idle();
  io.run();
  BOOST_TEST(got == 42);
  BOOST_TEST(on_io);
}

BOOST_AUTO_TEST_SUITE_END()
