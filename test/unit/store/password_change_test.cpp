// Changing the password of an open account (store/account.h: reseal_password, install_password_slot), as the
// account actor does for IMAP XPASSWORD, and the new-password policy shared with the CLI (check_new_password).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "store/account.h"
#include "store/account_keys.h"
#include "store/fs.h"
#include "test/support/temp_dir.h"
#include "test/unit/store/store_test_util.h"

namespace {

using store::Account;
using namespace store_test;

constexpr std::int64_t kNow = 1'700'000'000;

struct OpenAlice {
  test_support::TempDir dir;
  store::Root root{dir.path()};
  std::unique_ptr<Account> account;

  OpenAlice() {
    require_ok(Account::create(root, "alice", "old password", kFastKdf, kNow), "create");
    auto a = Account::open(root, "alice", "old password");
    require_ok(a, "open");
    account = std::move(a).value();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(password_change)

BOOST_AUTO_TEST_CASE(reseal_then_install_changes_the_file_only) {
  OpenAlice a;
  const auto before = a.account->header();
  auto slot = Account::reseal_password(before, "old password", "new password", kFastKdf);
  require_ok(slot, "reseal_password");
  BOOST_TEST(slot->id == 0u);
  // Step 1 alone changes nothing on disk.
  BOOST_TEST(errc_of(store::read_account(a.root.user("alice"))) == "ok");
  BOOST_TEST(store::read_account(a.root.user("alice"))->slots[0].salt == before.slots[0].salt);

  require_ok(a.account->install_password_slot(before.slots, std::move(*slot)), "install_password_slot");
  BOOST_TEST(a.account->header().slots.size() == 1u);
  BOOST_TEST(a.account->header().slots[0].salt != before.slots[0].salt);
  BOOST_TEST(list_dir(a.root.user("alice").tmp()).empty());
  const auto epoch = a.account->current_epoch();
  a.account.reset();
  BOOST_TEST(errc_of(Account::open(a.root, "alice", "old password")) == "auth_failed");
  auto reopened = Account::open(a.root, "alice", "new password");
  require_ok(reopened, "open with the new password");
  BOOST_TEST((*reopened)->current_epoch() == epoch);
}

BOOST_AUTO_TEST_CASE(wrong_old_password_is_auth_failed) {
  OpenAlice a;
  BOOST_TEST(errc_of(Account::reseal_password(a.account->header(), "not it", "new password", kFastKdf)) ==
             "auth_failed");
  BOOST_TEST(errc_of(Account::reseal_password(a.account->header(), "old password", "new password",
                                              crypto::KdfParams{2, 1024})) == "invalid_argument");
}

// `sealbox user passwd` may run while the account is open: a slot checked before that change must not be installed
// over it (the old password it was checked with is no longer the password).
BOOST_AUTO_TEST_CASE(a_change_made_meanwhile_wins) {
  OpenAlice a;
  const auto verified = a.account->header().slots;
  auto slot = Account::reseal_password(a.account->header(), "old password", "mine", kFastKdf);
  require_ok(slot, "reseal_password");
  require_ok(Account::change_password(a.root, "alice", "old password", "theirs", kFastKdf), "change_password");
  BOOST_TEST(errc_of(a.account->install_password_slot(verified, std::move(*slot))) == "auth_failed");
  // The object now knows the file's slots: a retry from the new password works.
  auto retry = Account::reseal_password(a.account->header(), "theirs", "mine", kFastKdf);
  require_ok(retry, "reseal from the password set meanwhile");
  require_ok(a.account->install_password_slot(a.account->header().slots, std::move(*retry)), "install");
  a.account.reset();
  BOOST_TEST(errc_of(Account::open(a.root, "alice", "theirs")) == "auth_failed");
  BOOST_TEST(errc_of(Account::open(a.root, "alice", "mine")) == "ok");
}

BOOST_AUTO_TEST_CASE(the_account_file_lock_held_elsewhere_is_busy) {
  OpenAlice a;
  auto slot = Account::reseal_password(a.account->header(), "old password", "new password", kFastKdf);
  require_ok(slot, "reseal_password");
  {
    auto held = store::FileLock::acquire(a.root.user("alice").account_lock(), false);
    require_ok(held, "lock");
    BOOST_TEST(errc_of(a.account->install_password_slot(a.account->header().slots, *slot)) == "busy");
  }
  require_ok(a.account->install_password_slot(a.account->header().slots, std::move(*slot)), "install");
}

BOOST_AUTO_TEST_CASE(new_password_policy) {
  BOOST_TEST(errc_of(store::check_new_password("")) == "invalid_argument");
  BOOST_TEST(errc_of(store::check_new_password("1234567")) == "invalid_argument");
  BOOST_TEST(errc_of(store::check_new_password("12345678")) == "ok");
  BOOST_TEST(errc_of(store::check_new_password(std::string(1024, 'x'))) == "ok");
  BOOST_TEST(errc_of(store::check_new_password(std::string(1025, 'x'))) == "invalid_argument");
  BOOST_TEST(errc_of(store::check_new_password(std::string("abcd\0efgh", 9))) == "invalid_argument");
  BOOST_TEST(errc_of(store::check_new_password("abcd\refgh")) == "invalid_argument");
  BOOST_TEST(errc_of(store::check_new_password("abcd\nefgh")) == "invalid_argument");
  BOOST_TEST(errc_of(store::check_new_password("p\xC3\xA4ssw\xC3\xB6rd with spaces")) == "ok");
  BOOST_TEST(store::check_new_password("short").error().detail == "password shorter than 8 characters");
}

BOOST_AUTO_TEST_SUITE_END()
