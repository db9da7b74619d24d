// Account (store/account.h) and its key files (store/account_keys.h): create and open, wrong passwords, name rules,
// the account lock, password changes, removal, mailboxes in the account journal, and damaged key files. A damaged
// account, .pub or .sec file must be reported as corruption: never as a wrong password, never accepted.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "store/account.h"
#include "store/account_keys.h"
#include "store/delivery.h"
#include "store/layout.h"
#include "store/message_file.h"
#include "test/support/temp_dir.h"
#include "test/unit/store/store_test_util.h"

namespace {

using base::Bytes;
using store::Account;
using store::Delivery;
using namespace store_test;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::uint64_t kMaxBytes = 1 << 20;

struct RootDir {
  test_support::TempDir dir;
  store::Root root{dir.path()};

  void create(std::string_view user, std::string_view password) const {
    auto st = Account::create(root, user, password, kFastKdf, kNow);
    require_ok(st, "Account::create");
  }
  std::unique_ptr<Account> open(std::string_view user, std::string_view password) const {
    auto a = Account::open(root, user, password);
    require_ok(a, "Account::open");
    return std::move(a).value();
  }
  std::string deliver(std::string_view user, const Bytes& body, std::string_view mailbox = {}) const {
    auto d = Delivery::begin(root, user, mailbox, kNow, kMaxBytes);
    require_ok(d, "Delivery::begin");
    require_ok(d->write(body), "Delivery::write");
    auto id = d->commit();
    require_ok(id, "Delivery::commit");
    return *id;
  }
  std::vector<std::string> users() const {
    auto u = root.list_users();
    require_ok(u, "list_users");
    return *u;
  }
};

// verify() reports: every line is a corruption, and some line starts with / contains the given text.
bool all_corrupt(const std::vector<std::string>& errors) {
  return !errors.empty() && std::all_of(errors.begin(), errors.end(),
                                        [](const std::string& e) { return e.find("corrupt: ") != std::string::npos; });
}
bool any_starts_with(const std::vector<std::string>& errors, const std::string& prefix) {
  return std::any_of(errors.begin(), errors.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
}
bool any_contains(const std::vector<std::string>& errors, const std::string& text) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const std::string& e) { return e.find(text) != std::string::npos; });
}

// The messages of a mailbox, by name.
std::vector<store::MessageMeta> messages_in(const Account& a, std::string_view name) {
  auto info = a.find_mailbox(name);
  BOOST_REQUIRE(info.has_value());
  auto box = a.open_mailbox(info->id);
  require_ok(box, "open_mailbox");
  return (*box)->messages();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(account)

BOOST_AUTO_TEST_CASE(create_then_open) {
  RootDir r;
  BOOST_TEST(r.users().empty());
  r.create("alice", "correct horse");
  BOOST_TEST(r.users() == std::vector<std::string>{"alice"});
  store::UserPaths p = r.root.user("alice");
  BOOST_TEST(fs::exists(p.account_file()));
  BOOST_TEST(list_dir(p.keys()) == (std::vector<std::string>{"1.pub", "1.sec"}));
  BOOST_TEST(list_dir(p.journal()) == std::vector<std::string>{"seg-00000001"});
  BOOST_TEST(list_dir(p.spool()).empty());
  BOOST_TEST(list_dir(p.tmp()).empty());

  auto header = store::read_account(p);
  require_ok(header, "read_account");
  BOOST_TEST(header->user == "alice");
  BOOST_TEST(header->current_epoch == 1u);
  BOOST_TEST(header->epoch_started == kNow);
  BOOST_REQUIRE(header->slots.size() == 1u);
  BOOST_TEST(header->slots[0].kdf.passes == kFastKdf.passes);
  BOOST_TEST(header->slots[0].kdf.memory_kib == kFastKdf.memory_kib);
  // No password or key in the clear.
  BOOST_TEST(test_support::read_file(p.account_file()).find("correct horse") == std::string::npos);

  auto a = r.open("alice", "correct horse");
  BOOST_TEST(a->user() == "alice");
  // INBOX and the RFC 6154 special-use mailboxes, sorted by name, all subscribed, each empty with its own files.
  auto boxes = a->mailboxes();
  BOOST_REQUIRE(boxes.size() == 6u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Archive", "\\Archive"}, {"Drafts", "\\Drafts"}, {"INBOX", ""},
      {"Junk", "\\Junk"},       {"Sent", "\\Sent"},     {"Trash", "\\Trash"}};
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    BOOST_TEST(boxes[i].name == expected[i].first);
    BOOST_TEST(boxes[i].special_use == expected[i].second);
    BOOST_TEST(boxes[i].id.size() == 32u);
    ids.push_back(boxes[i].id);
    auto box = a->open_mailbox(boxes[i].id);
    require_ok(box, "open " + boxes[i].name);
    BOOST_TEST((*box)->messages().empty());
    BOOST_TEST((*box)->uidvalidity() != 0u);
  }
  std::sort(ids.begin(), ids.end());
  BOOST_TEST(list_dir(p.mailboxes()) == ids);
  BOOST_TEST(a->subscriptions() == (std::set<std::string>{"Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"}));
  auto report = a->verify();
  BOOST_TEST(report.errors.empty());
  BOOST_TEST(report.mailboxes == 6u);
  BOOST_TEST(report.messages == 0u);
}

BOOST_AUTO_TEST_CASE(wrong_password_is_auth_failed) {
  RootDir r;
  r.create("alice", "right");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "wrong")) == "auth_failed");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "")) == "auth_failed");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "right ")) == "auth_failed");
  // A failed open does not keep the lock.
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "right")) == "ok");
  BOOST_TEST(errc_of(Account::open(r.root, "bob", "right")) == "no_such_user");
}

BOOST_AUTO_TEST_CASE(create_twice_is_already_exists) {
  RootDir r;
  r.create("alice", "first");
  const Bytes account = read_bytes(r.root.user("alice").account_file());
  BOOST_TEST(errc_of(Account::create(r.root, "alice", "second", kFastKdf, kNow)) == "already_exists");
  BOOST_TEST(read_bytes(r.root.user("alice").account_file()) == account);
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "second")) == "auth_failed");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "first")) == "ok");
}

BOOST_AUTO_TEST_CASE(bad_user_names_are_rejected_before_anything_is_written) {
  RootDir r;
  const std::vector<std::string> bad{"", "a/b", "..", ".", ".x", "-x", "Alice", "al ice", "a\\b", "a:b",
                                     std::string(65, 'a'), std::string("a\0b", 3), "\xc3\xa9"};
  for (const auto& name : bad) {
    BOOST_TEST(errc_of(Account::create(r.root, name, "pw", kFastKdf, kNow)) == "invalid_argument", "name " << name);
    BOOST_TEST(errc_of(Account::open(r.root, name, "pw")) == "invalid_argument", "name " << name);
    BOOST_TEST(errc_of(Delivery::begin(r.root, name, "", kNow, kMaxBytes)) == "invalid_argument", "name " << name);
    BOOST_TEST(errc_of(Account::remove(r.root, name)) == "invalid_argument", "name " << name);
    BOOST_TEST(errc_of(store::validate_user_name(name)) == "invalid_argument", "name " << name);
  }
  BOOST_TEST(list_dir(r.dir.path()).empty());
  // The edges of what is allowed.
  for (std::string good : {std::string(64, 'a'), std::string("a"), std::string("0.b_c+d@e-f")}) {
    BOOST_TEST(errc_of(store::validate_user_name(good)) == "ok", "name " << good);
  }
  r.create(std::string(64, 'z'), "pw");
  BOOST_TEST(r.users() == std::vector<std::string>{std::string(64, 'z')});
  // Bad KDF parameters are refused before anything is written too.
  BOOST_TEST(errc_of(Account::create(r.root, "weak", "pw", crypto::KdfParams{1, 19456}, kNow)) ==
             "invalid_argument");
  BOOST_TEST(!fs::exists(r.root.users() / "weak"));
}

BOOST_AUTO_TEST_CASE(second_open_is_busy_while_the_first_holds_the_account) {
  RootDir r;
  r.create("alice", "pw");
  auto first = r.open("alice", "pw");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "pw")) == "busy");
  BOOST_TEST(errc_of(Account::remove(r.root, "alice")) == "busy");
  BOOST_TEST(r.users() == std::vector<std::string>{"alice"});
  // Deliveries need neither the lock nor the password.
  r.deliver("alice", bytes_of("Subject: hi\r\n\r\nwhile open\r\n"));
  first.reset();
  auto second = r.open("alice", "pw");
  auto report = second->import_spool(kNow);
  require_ok(report, "import_spool");
  BOOST_TEST(report->imported == 1u);
}

BOOST_AUTO_TEST_CASE(change_password_keeps_the_mail) {
  RootDir r;
  r.create("alice", "old password");
  const Bytes body = make_body(70'000, Content::text, 1);
  r.deliver("alice", body);
  {
    auto a = r.open("alice", "old password");
    require_ok(a->import_spool(kNow), "import_spool");
  }
  BOOST_TEST(errc_of(Account::change_password(r.root, "alice", "not it", "new password", kFastKdf)) ==
             "auth_failed");
  BOOST_TEST(errc_of(Account::change_password(r.root, "bob", "old password", "x", kFastKdf)) == "no_such_user");
  BOOST_TEST(errc_of(Account::change_password(r.root, "alice", "old password", "new password",
                                              crypto::KdfParams{2, 1024})) == "invalid_argument");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "old password")) == "ok");  // nothing changed yet

  require_ok(Account::change_password(r.root, "alice", "old password", "new password", kFastKdf), "change_password");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "old password")) == "auth_failed");
  auto a = r.open("alice", "new password");
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 1u);
  auto read = a->read_message(msgs[0]);
  require_ok(read, "read_message");
  BOOST_TEST(*read == body);
  BOOST_TEST(list_dir(r.root.user("alice").tmp()).empty());
  // Deliveries keep working: the epoch key did not change.
  r.deliver("alice", bytes_of("after the change"));
  auto report = a->import_spool(kNow);
  require_ok(report, "import after change");
  BOOST_TEST(report->imported == 1u);
  BOOST_TEST(report->errors.empty());
  // And the password can be changed while the account is open (the account file has its own lock).
  require_ok(Account::change_password(r.root, "alice", "new password", "third", kFastKdf), "change while open");
  a.reset();
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "third")) == "ok");
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_account) {
  RootDir r;
  r.create("alice", "pw");
  r.create("bob", "pw");
  r.deliver("alice", bytes_of("mail for alice"));
  BOOST_TEST(r.users() == (std::vector<std::string>{"alice", "bob"}));
  require_ok(Account::remove(r.root, "alice"), "remove");
  BOOST_TEST(r.users() == std::vector<std::string>{"bob"});
  BOOST_TEST(list_dir(r.root.users()) == std::vector<std::string>{"bob"});  // nothing left behind
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "pw")) == "no_such_user");
  BOOST_TEST(errc_of(Delivery::begin(r.root, "alice", "", kNow, kMaxBytes)) == "no_such_user");
  BOOST_TEST(errc_of(Account::remove(r.root, "alice")) == "no_such_user");
  BOOST_TEST(errc_of(Account::open(r.root, "bob", "pw")) == "ok");
  // The name can be used again, for a fresh account.
  r.create("alice", "new");
  auto a = r.open("alice", "new");
  BOOST_TEST(messages_in(*a, "INBOX").empty());
  BOOST_TEST(list_dir(a->paths().spool()).empty());
}

BOOST_AUTO_TEST_CASE(mailboxes_persist_in_the_account_journal) {
  RootDir r;
  r.create("alice", "pw");
  std::string archive_id;
  {
    auto a = r.open("alice", "pw");
    auto m = a->create_mailbox("Archive/2024", "\\Archive");
    require_ok(m, "create_mailbox");
    archive_id = m->id;
    BOOST_TEST(m->name == "Archive/2024");
    BOOST_TEST(m->special_use == "\\Archive");
    BOOST_TEST(m->id.size() == 32u);
    auto found = a->find_mailbox("Archive/2024");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == archive_id);
    require_ok(a->create_mailbox("Gr\xc3\xbc\xc3\x9f" "e"), "create_mailbox (UTF-8 name)");
    BOOST_TEST(errc_of(a->create_mailbox("Archive/2024")) == "already_exists");
    BOOST_TEST(errc_of(a->create_mailbox("INBOX")) == "already_exists");
    BOOST_TEST(errc_of(a->create_mailbox("")) == "invalid_argument");
    BOOST_TEST(!a->find_mailbox("archive/2024").has_value());  // names are case-sensitive (except INBOX, elsewhere)
    BOOST_TEST(errc_of(a->open_mailbox("ffffffffffffffffffffffffffffffff")) == "no_such_mailbox");
  }
  auto a = r.open("alice", "pw");
  auto boxes = a->mailboxes();
  BOOST_REQUIRE(boxes.size() == 8u);  // the six of a new account and the two created
  BOOST_TEST(boxes[0].name == "Archive");  // sorted by name
  BOOST_TEST(boxes[1].name == "Archive/2024");
  BOOST_TEST(boxes[1].id == archive_id);
  BOOST_TEST(boxes[1].special_use == "\\Archive");
  BOOST_TEST(boxes[2].name == "Drafts");
  BOOST_TEST(boxes[3].name == "Gr\xc3\xbc\xc3\x9f" "e");
  BOOST_TEST(boxes[3].special_use == "");
  BOOST_TEST(boxes[4].name == "INBOX");
  BOOST_TEST(list_dir(a->paths().mailboxes()).size() == 8u);
  auto box = a->open_mailbox(archive_id);
  require_ok(box, "open_mailbox");
  BOOST_TEST((*box)->messages().empty());
  BOOST_TEST(errc_of(a->create_mailbox("Archive/2024")) == "already_exists");
  // Mailbox names never reach the disk in the clear.
  for (const auto& f : list_tree(a->paths().dir())) {
    BOOST_TEST(f.find("Archive") == std::string::npos);
    BOOST_TEST(test_support::read_file(a->paths().dir() / f).find("Archive") == std::string::npos, f);
  }
}

BOOST_AUTO_TEST_CASE(every_byte_flip_in_the_account_file_is_corrupt) {
  RootDir r;
  r.create("alice", "pw");
  const fs::path file = r.root.user("alice").account_file();
  const Bytes good = read_bytes(file);
  int failures = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    write_bytes(file, bad);
    std::string open = errc_of(Account::open(r.root, "alice", "pw"));
    std::string deliver = errc_of(Delivery::begin(r.root, "alice", "", kNow, kMaxBytes));
    if ((open != "corrupt" || deliver != "corrupt") && ++failures <= 10) {
      BOOST_ERROR("flip at byte " << i << " of " << good.size() << ": open gave " << open << ", delivery gave "
                                  << deliver);
    }
  }
  BOOST_TEST(failures == 0);
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    write_bytes(file, Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)));
    BOOST_TEST(errc_of(Account::open(r.root, "alice", "pw")) == "corrupt", "cut at " << cut);
  }
  write_bytes(file, good);
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "pw")) == "ok");
  BOOST_TEST(list_dir(r.root.user("alice").spool()).empty());
  BOOST_TEST(list_dir(r.root.user("alice").tmp()).empty());
}

BOOST_AUTO_TEST_CASE(account_file_of_another_user_is_corrupt) {
  RootDir r;
  r.create("alice", "alice's password");
  r.create("bob", "bob's password");
  fs::copy_file(r.root.user("bob").account_file(), r.root.user("alice").account_file(),
                fs::copy_options::overwrite_existing);
  // Intact, but it names bob: corrupt, whichever password is tried (not a wrong password).
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "alice's password")) == "corrupt");
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "bob's password")) == "corrupt");
}

// keys/1.pub is read by Delivery::begin (the key a delivery seals to) and, during import, by read_epoch_secret (to
// check the pair). A damaged copy must stop deliveries and imports with corrupt.
BOOST_AUTO_TEST_CASE(every_byte_flip_in_the_epoch_public_key_is_corrupt) {
  RootDir r;
  r.create("alice", "pw");
  const Bytes body = bytes_of("Subject: sealed before the damage\r\n\r\nhello\r\n");
  const std::string id = r.deliver("alice", body);  // sealed to the intact key
  const fs::path pub = r.root.user("alice").keys() / "1.pub";
  const Bytes good = read_bytes(pub);
  BOOST_TEST(good.size() == 5u + 4u + 6u + 32u + 8u + 32u);  // header, epoch, "alice", key, time, checksum
  auto a = r.open("alice", "pw");  // (no epoch key is loaded before the first import)
  int failures = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    write_bytes(pub, bad);
    std::string deliver = errc_of(Delivery::begin(r.root, "alice", "", kNow, kMaxBytes));
    auto report = a->import_spool(kNow);
    bool import_ok = report.has_value() && report->imported == 0 && report->errors.size() == 1 &&
                     report->errors[0].find(id + ": corrupt: ") == 0;
    auto verified = a->verify();
    bool verify_ok = all_corrupt(verified.errors) && any_starts_with(verified.errors, "spool " + id + ": corrupt: ") &&
                     any_contains(verified.errors, "1.pub");
    if ((deliver != "corrupt" || !import_ok || !verify_ok) && ++failures <= 10) {
      BOOST_ERROR("flip at byte " << i << ": delivery gave " << deliver << ", import "
                                  << (report ? (report->errors.empty() ? std::string("had no error")
                                                                       : report->errors[0])
                                             : report.error().message()));
    }
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(list_dir(a->paths().spool()) == std::vector<std::string>{id});
  BOOST_TEST(list_dir(a->paths().tmp()).empty());
  write_bytes(pub, good);
  auto report = a->import_spool(kNow);
  require_ok(report, "import_spool");
  BOOST_TEST(report->imported == 1u);
  BOOST_TEST(report->errors.empty());
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 1u);
  BOOST_TEST(errc_of(a->read_message(msgs[0])) == "ok");
  BOOST_TEST(*a->read_message(msgs[0]) == body);
}

// keys/1.sec is not read by deliveries (they need only the public key); import and verify read it and must report
// corrupt, leaving the entry in the spool.
BOOST_AUTO_TEST_CASE(every_byte_flip_in_the_epoch_secret_key_is_corrupt) {
  RootDir r;
  r.create("alice", "pw");
  const Bytes body = make_body(5000, Content::random, 3);
  const std::string id = r.deliver("alice", body);
  const fs::path sec = r.root.user("alice").keys() / "1.sec";
  const Bytes good = read_bytes(sec);
  auto a = r.open("alice", "pw");
  int failures = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    write_bytes(sec, bad);
    auto d = Delivery::begin(r.root, "alice", "", kNow, kMaxBytes);
    auto report = a->import_spool(kNow);
    bool import_ok = report.has_value() && report->imported == 0 && report->errors.size() == 1 &&
                     report->errors[0].find(id + ": corrupt: ") == 0;
    auto verified = a->verify();
    bool verify_ok = verified.spool_entries == 1 && all_corrupt(verified.errors) &&
                     any_starts_with(verified.errors, "spool " + id + ": corrupt: ") &&
                     any_contains(verified.errors, "1.sec");
    if ((!d.has_value() || !import_ok || !verify_ok) && ++failures <= 10) {
      BOOST_ERROR("flip at byte " << i << ": delivery " << errc_of(d) << ", import "
                                  << (report && !report->errors.empty() ? report->errors[0] : std::string("?"))
                                  << ", verify " << verified.spool_entries << " entries, " << verified.errors.size()
                                  << " errors, first: " << (verified.errors.empty() ? std::string("none")
                                                                                    : verified.errors[0]));
    }
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(list_dir(a->paths().spool()) == std::vector<std::string>{id});
  BOOST_TEST(list_dir(a->paths().tmp()).empty());  // the abandoned deliveries left nothing
  write_bytes(sec, good);
  auto report = a->import_spool(kNow);
  require_ok(report, "import_spool");
  BOOST_TEST(report->imported == 1u);
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 1u);
  BOOST_TEST(*a->read_message(msgs[0]) == body);
}

// A well-formed public key of the wrong account (a mixed-up restore): deliveries are sealed to a key this account
// cannot open; the import must refuse the pair instead of importing anything.
BOOST_AUTO_TEST_CASE(public_key_of_another_account_is_never_imported_as_mail) {
  RootDir r;
  r.create("alice", "pw");
  r.create("bob", "pw");
  const fs::path pub = r.root.user("alice").keys() / "1.pub";
  const Bytes good = read_bytes(pub);
  fs::copy_file(r.root.user("bob").keys() / "1.pub", pub, fs::copy_options::overwrite_existing);
  auto a = r.open("alice", "pw");
  // The key names its owner: verify() reports the mix-up before any mail arrives, and deliveries refuse to seal
  // mail to it (a temporary failure for the MTA, so nothing is lost).
  auto v = a->verify();
  BOOST_TEST(v.spool_entries == 0u);
  BOOST_TEST(all_corrupt(v.errors));
  BOOST_TEST(any_contains(v.errors, "1.pub: belongs to another user"));
  BOOST_TEST(errc_of(Delivery::begin(r.root, "alice", "", kNow, kMaxBytes)) == "corrupt");
  BOOST_TEST(list_dir(a->paths().spool()).empty());
  // With the right key back, deliveries work again.
  write_bytes(pub, good);
  const std::string later = r.deliver("alice", bytes_of("sealed to alice's key"));
  auto report = a->import_spool(kNow);
  require_ok(report, "import_spool");
  BOOST_TEST(report->imported == 1u);
  BOOST_TEST(report->errors.empty());
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 1u);
  BOOST_TEST(msgs[0].blob_id == later);
}

BOOST_AUTO_TEST_CASE(a_crashed_creation_is_invisible_and_started_over) {
  RootDir r;
  r.create("alice", "first");
  const store::UserPaths p = r.root.user("alice");
  // The account file is written last: without it, the directory is a creation that never finished.
  fs::remove(p.account_file());
  test_support::write_file(p.dir() / "leftover", "junk");
  BOOST_TEST(r.users().empty());
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "first")) == "no_such_user");
  BOOST_TEST(errc_of(Delivery::begin(r.root, "alice", "", kNow, kMaxBytes)) == "no_such_user");
  r.create("alice", "second");
  BOOST_TEST(!fs::exists(p.dir() / "leftover"));
  BOOST_TEST(r.users() == std::vector<std::string>{"alice"});
  BOOST_TEST(errc_of(Account::open(r.root, "alice", "second")) == "ok");
}

BOOST_AUTO_TEST_CASE(open_removes_only_stale_files_from_tmp) {
  RootDir r;
  r.create("alice", "pw");
  const store::UserPaths p = r.root.user("alice");
  test_support::write_file(p.tmp() / "stale", "left by a writer that crashed two hours ago");
  test_support::write_file(p.tmp() / "fresh", "being written right now");
  fs::last_write_time(p.tmp() / "stale", fs::file_time_type::clock::now() - std::chrono::hours(2));
  auto a = r.open("alice", "pw");
  BOOST_TEST(list_dir(p.tmp()) == std::vector<std::string>{"fresh"});
}

// Messages added by the owner (no delivery header, the DEK only in the index) read back; verify() catches an index
// entry whose size disagrees with its blob.
BOOST_AUTO_TEST_CASE(owner_messages_read_back_and_verify_checks_sizes) {
  RootDir r;
  r.create("alice", "pw");
  auto a = r.open("alice", "pw");
  const Bytes body = make_body(150'000, Content::text, 9);
  std::vector<store::NewMessage> batch;
  for (int i = 0; i < 2; ++i) {
    auto w = store::MessageWriter::for_owner(a->paths(), kMaxBytes);
    require_ok(w, "for_owner");
    require_ok(w->write(body), "write");
    std::string id = store::new_object_id();
    require_ok(store::make_dirs(a->paths().blob(id).parent_path(), true), "make_dirs");
    require_ok(w->commit(a->paths().blob(id)), "commit");
    store::NewMessage m;
    m.blob_id = id;
    m.wrapped_dek = a->keys()->wrap_dek(w->dek(), id);
    m.size = body.size() + static_cast<std::uint64_t>(i);  // the second one lies about its size
    m.internal_date = kNow;
    batch.push_back(std::move(m));
  }
  {
    auto inbox = a->open_mailbox(a->find_mailbox("INBOX")->id);
    require_ok(inbox, "open INBOX");
    require_ok((*inbox)->add(batch, kNow), "add");
  }
  auto msgs = messages_in(*a, "INBOX");
  BOOST_REQUIRE(msgs.size() == 2u);
  auto back = a->read_message(msgs[0]);
  require_ok(back, "read_message");
  BOOST_TEST((*back == body));
  BOOST_TEST(read_bytes(a->paths().blob(msgs[0].blob_id))[0] == 'S');  // a bare blob: "SBXB", no "SBXS" header
  BOOST_TEST(read_bytes(a->paths().blob(msgs[0].blob_id))[3] == 'B');
  auto v = a->verify();
  BOOST_TEST(v.messages == 2u);
  BOOST_TEST(v.message_bytes == body.size());
  BOOST_REQUIRE(v.errors.size() == 1u);
  BOOST_TEST(v.errors[0].find("uid 2: size mismatch") != std::string::npos, v.errors[0]);
  // A wrapped DEK is bound to its blob id: under another message's id it does not unwrap.
  store::MessageMeta swapped = msgs[0];
  swapped.blob_id = msgs[1].blob_id;
  BOOST_TEST(errc_of(a->read_message(swapped)) == "corrupt");
}

BOOST_AUTO_TEST_CASE(rename_delete_and_subscriptions_persist) {
  RootDir r;
  r.create("alice", "pw");
  std::string work_id, old_id;
  {
    auto a = r.open("alice", "pw");
    BOOST_TEST(a->subscriptions() == (std::set<std::string>{"Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"}));
    auto work = a->create_mailbox("Work");
    auto old = a->create_mailbox("Old");
    require_ok(work, "create Work");
    require_ok(old, "create Old");
    work_id = work->id;
    old_id = old->id;
    require_ok(a->rename_mailbox(work_id, "Projects"), "rename");
    BOOST_TEST(errc_of(a->rename_mailbox(work_id, "INBOX")) == "already_exists");
    BOOST_TEST(errc_of(a->rename_mailbox("ffffffffffffffffffffffffffffffff", "X")) == "no_such_mailbox");
    require_ok(a->delete_mailbox(old_id), "delete");
    BOOST_TEST(errc_of(a->delete_mailbox(old_id)) == "no_such_mailbox");
    require_ok(a->remove_mailbox_files(old_id), "remove_mailbox_files");
    BOOST_TEST(!fs::exists(a->paths().mailbox(old_id)));
    require_ok(a->set_subscribed("Projects", true), "subscribe");
    require_ok(a->set_subscribed("Gone", true), "subscribe");
    require_ok(a->set_subscribed("Gone", false), "unsubscribe");
    require_ok(a->set_subscribed("INBOX", false), "unsubscribe INBOX");
  }
  auto a = r.open("alice", "pw");
  auto boxes = a->mailboxes();
  BOOST_REQUIRE(boxes.size() == 7u);
  BOOST_TEST(boxes[2].name == "INBOX");
  BOOST_TEST(boxes[4].name == "Projects");
  BOOST_TEST(boxes[4].id == work_id);
  BOOST_TEST(!a->find_mailbox("Work").has_value());
  BOOST_TEST(!a->find_mailbox("Old").has_value());
  BOOST_TEST(errc_of(a->open_mailbox(old_id)) == "no_such_mailbox");
  BOOST_TEST(a->subscriptions() == (std::set<std::string>{"Archive", "Drafts", "Junk", "Projects", "Sent", "Trash"}));
  // The name of a deleted or renamed mailbox can be used again.
  require_ok(a->create_mailbox("Work"), "create Work again");
  require_ok(a->create_mailbox("Old"), "create Old again");
  BOOST_TEST(a->find_mailbox("Old")->id != old_id);
}

BOOST_AUTO_TEST_CASE(deliveries_follow_renames_and_deletes) {
  RootDir r;
  r.create("alice", "pw");
  std::string lists_id;
  {
    auto a = r.open("alice", "pw");
    auto m = a->create_mailbox("Lists");
    require_ok(m, "create Lists");
    lists_id = m->id;
    require_ok(a->rename_mailbox(lists_id, "Lists/dev"), "rename");
  }
  std::string to_new = r.deliver("alice", bytes_of("to the new name"), "Lists/dev");
  std::string to_old = r.deliver("alice", bytes_of("to the old name"), "Lists");
  auto a = r.open("alice", "pw");
  BOOST_TEST(a->import_spool(kNow)->imported == 2u);
  auto dev = messages_in(*a, "Lists/dev");
  BOOST_REQUIRE(dev.size() == 1u);
  BOOST_TEST(dev[0].blob_id == to_new);
  auto inbox = messages_in(*a, "INBOX");
  BOOST_REQUIRE(inbox.size() == 1u);
  BOOST_TEST(inbox[0].blob_id == to_old);
  require_ok(a->delete_mailbox(lists_id), "delete");
  std::string after_delete = r.deliver("alice", bytes_of("after the delete"), "Lists/dev");
  BOOST_TEST(a->import_spool(kNow)->imported == 1u);
  inbox = messages_in(*a, "INBOX");
  BOOST_REQUIRE(inbox.size() == 2u);
  BOOST_TEST(inbox[1].blob_id == after_delete);
}

BOOST_AUTO_TEST_SUITE_END()
