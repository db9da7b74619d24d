// What the actor unit tests start from: a temporary store root with account "alice" (password "password1", the
// fast test KDF), opened, and its AccountActor on a ManualScheduler the test drives itself.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>

#include "actors/account_actor.h"
#include "actors/runtime/scheduler.h"
#include "store/account.h"
#include "test/support/temp_dir.h"

namespace test_support {

inline const crypto::KdfParams kFastKdf{2, 19 * 1024};

struct AccountFixture {
  AccountFixture() {
    BOOST_REQUIRE(store::Account::create(root, "alice", "password1", kFastKdf, 1000).has_value());
    auto opened = store::Account::open(root, "alice", "password1");
    BOOST_REQUIRE(opened.has_value());
    account = std::make_shared<actors::AccountActor>(sched, std::move(*opened), "password1");
  }

  TempDir dir;
  store::Root root{dir.path()};
  actors::ManualScheduler sched;
  std::shared_ptr<actors::AccountActor> account;
};

}  // namespace test_support
