// AccountActor's ChangePassword (IMAP XPASSWORD) over a real temporary account, driven by a ManualScheduler: the
// Argon2id work runs as a separate pool task (not inside the handler), the fast login check follows the change at
// once, changes are serialised (two with the same old password: the first wins), and the account file holds the
// winner's password.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

#include "actors/account_actor.h"
#include "store/account.h"
#include "store/account_keys.h"
#include "test/support/temp_dir.h"
#include "test/unit/actors/account_fixture.h"

using namespace actors;
using test_support::kFastKdf;

namespace {

crypto::SecretBytes secret(std::string_view s) { return crypto::SecretBytes::copy_of(base::as_bytes(s)); }

std::string errc_of_unlock(const store::AccountHeader& header, std::string_view password) {
  auto r = store::unlock_master(header, password);
  return r.has_value() ? std::string("ok") : std::string(base::to_string(r.error().code));
}

std::string errc(const ChangePassword::Reply& r) {
  return r.has_value() ? std::string("ok") : std::string(base::to_string(r.error().code));
}

struct Fixture : test_support::AccountFixture {
  // Tells a ChangePassword; its reply lands in `out`.
  void change(const std::string& old_password, const std::string& new_password,
              std::optional<ChangePassword::Reply>& out) {
    auto request = ChangePassword{secret(old_password), secret(new_password), kFastKdf, {}};
    request.reply = Promise<ChangePassword::Reply>([&out](ChangePassword::Reply r) { out.emplace(std::move(r)); });
    account->tell(std::move(request));
  }
  std::string open_errc(const std::string& password) {
    auto r = store::Account::open(root, "alice", password);
    return r.has_value() ? std::string("ok") : std::string(base::to_string(r.error().code));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(account_password)

BOOST_FIXTURE_TEST_CASE(change_runs_argon2_off_the_handler_and_switches_the_fast_path, Fixture) {
  std::optional<ChangePassword::Reply> reply;
  change("password1", "password2", reply);
  BOOST_TEST(sched.run_one());  // the actor's drain: it only schedules the pool job
  BOOST_TEST(!reply.has_value());
  BOOST_TEST(sched.pending() == 1u);
  BOOST_TEST(account->check_password("password1"));  // nothing changed yet
  sched.run_all();
  BOOST_REQUIRE(reply.has_value());
  BOOST_TEST(errc(*reply) == "ok");
  BOOST_TEST(!account->check_password("password1"));
  BOOST_TEST(account->check_password("password2"));
  // The account file (read while the account is open) opens with the new password only.
  auto header = store::read_account(root.user("alice"));
  BOOST_REQUIRE(header.has_value());
  BOOST_TEST(errc_of_unlock(*header, "password2") == "ok");
  BOOST_TEST(errc_of_unlock(*header, "password1") == "auth_failed");
}

BOOST_FIXTURE_TEST_CASE(wrong_old_password_changes_nothing, Fixture) {
  std::optional<ChangePassword::Reply> reply;
  change("not-it", "password2", reply);
  sched.run_all();
  BOOST_REQUIRE(reply.has_value());
  BOOST_TEST(errc(*reply) == "auth_failed");
  BOOST_TEST(account->check_password("password1"));
  BOOST_TEST(!account->check_password("password2"));
  account.reset();
  BOOST_TEST(open_errc("password1") == "ok");
}

BOOST_FIXTURE_TEST_CASE(two_changes_with_the_same_old_password_first_wins, Fixture) {
  std::optional<ChangePassword::Reply> first, second;
  change("password1", "first-new", first);
  change("password1", "second-new", second);
  sched.run_all();
  BOOST_REQUIRE(first.has_value());
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(errc(*first) == "ok");
  BOOST_TEST(errc(*second) == "auth_failed");
  BOOST_TEST(account->check_password("first-new"));
  BOOST_TEST(!account->check_password("second-new"));
  // A chain works: the second change made from the first one's password.
  std::optional<ChangePassword::Reply> third;
  change("first-new", "third-new", third);
  sched.run_all();
  BOOST_REQUIRE(third.has_value());
  BOOST_TEST(errc(*third) == "ok");
  account.reset();
  BOOST_TEST(open_errc("password1") == "auth_failed");
  BOOST_TEST(open_errc("first-new") == "auth_failed");
  BOOST_TEST(open_errc("second-new") == "auth_failed");
  BOOST_TEST(open_errc("third-new") == "ok");
}

BOOST_AUTO_TEST_SUITE_END()
