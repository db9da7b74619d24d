// MailboxActor and AccountActor over a real (temporary) store, driven by a ManualScheduler: group commit, change
// notifications in commit order, STORE semantics, EXPUNGE of \Deleted (and MOVE's expunge of given UIDs), COPY by
// hard link, spool import, mailbox create/rename/delete, and the Registry's login paths.
#include <boost/test/unit_test.hpp>

#include <future>
#include <optional>

#include "actors/registry.h"
#include "store/delivery.h"
#include "test/support/temp_dir.h"
#include "test/unit/actors/account_fixture.h"

using namespace actors;
using test_support::kFastKdf;

namespace {

struct Recorder final : Subscriber {
  std::vector<std::shared_ptr<const MailboxChanged>> changes;
  void on_change(std::shared_ptr<const MailboxChanged> c) override { changes.push_back(std::move(c)); }
};

// Sends a request and runs the scheduler until the reply arrives (all on the test thread).
template <class Request, class ActorT>
typename Request::Reply call(ManualScheduler& sched, const ActorT& actor, Request req) {
  std::optional<typename Request::Reply> out;
  req.reply = Promise<typename Request::Reply>([&](typename Request::Reply r) { out.emplace(std::move(r)); });
  actor->tell(std::move(req));
  sched.run_all();
  BOOST_REQUIRE(out.has_value());
  return std::move(*out);
}

// The same, requiring success; returns the value.
template <class Request, class ActorT>
auto must(ManualScheduler& sched, const ActorT& actor, Request req) {
  auto r = call(sched, actor, std::move(req));
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? std::string() : r.error().message()));
  return std::move(*r);
}

struct Fixture : test_support::AccountFixture {
  std::shared_ptr<MailboxActor> open(const std::string& name) {
    auto r = call(sched, account, OpenMailbox{name, {}});
    BOOST_REQUIRE(r.has_value());
    return *r;
  }
  // Writes a message blob as APPEND would and returns the NewMessage describing it.
  store::NewMessage blob(const std::string& body) {
    auto w = store::MessageWriter::for_owner(account->paths(), 1 << 20);
    BOOST_REQUIRE(w.has_value());
    BOOST_REQUIRE(w->write(base::as_bytes(body)).has_value());
    std::string id = store::new_object_id();
    BOOST_REQUIRE(store::make_dirs(account->paths().blob(id).parent_path(), true).has_value());
    BOOST_REQUIRE(w->commit(account->paths().blob(id)).has_value());
    return {id, account->keys()->wrap_dek(w->dek(), id), body.size(), 1234, {}, store::describe_message(body),
            store::new_email_id()};
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mailbox_actor)

BOOST_FIXTURE_TEST_CASE(appends_in_one_drain_share_a_commit_and_notify_in_order, Fixture) {
  auto inbox = open("INBOX");
  auto sub = std::make_shared<Recorder>();
  auto selected = call(sched, inbox, Select{7, sub, std::nullopt, {}});
  BOOST_REQUIRE(selected.has_value());
  BOOST_TEST(selected->messages.empty());
  std::vector<AddMessages::Reply> replies;
  for (int i = 0; i < 3; ++i) {
    inbox->tell(AddMessages{9, {blob("m" + std::to_string(i))},
                            Promise<AddMessages::Reply>([&](AddMessages::Reply r) { replies.push_back(std::move(r)); })});
  }
  BOOST_TEST(sched.run_all() == 1u);  // one drain, one commit
  BOOST_REQUIRE_EQUAL(replies.size(), 3u);
  for (int i = 0; i < 3; ++i) BOOST_TEST(replies[i]->uids == std::vector<std::uint32_t>{std::uint32_t(i + 1)});
  BOOST_REQUIRE_EQUAL(sub->changes.size(), 1u);  // one notification for the batch
  BOOST_TEST(sub->changes[0]->added.size() == 3u);
  BOOST_TEST(sub->changes[0]->uidnext == 4u);
}

// Two sessions' STOREs committed in one batch: each flag update names the session that made it, so each session
// hears of the other's change (found by sealbox-bench's state checker: the batch used to carry one origin).
BOOST_FIXTURE_TEST_CASE(stores_of_two_sessions_in_one_batch_keep_their_origins, Fixture) {
  auto inbox = open("INBOX");
  (void)must(sched, inbox, AddMessages{0, {blob("a"), blob("b")}, {}});
  auto sub = std::make_shared<Recorder>();
  (void)must(sched, inbox, Select{3, sub, std::nullopt, {}});
  int replies = 0;
  auto counted = [&](StoreFlags::Reply r) { BOOST_TEST(r.has_value()); ++replies; };
  inbox->tell(StoreFlags{1, {1}, FlagOp::add, {"\\Seen"}, std::nullopt, Promise<StoreFlags::Reply>(counted)});
  inbox->tell(StoreFlags{2, {2}, FlagOp::add, {"\\Flagged"}, std::nullopt, Promise<StoreFlags::Reply>(counted)});
  BOOST_TEST(sched.run_all() == 1u);  // one drain: both STOREs in one batch
  BOOST_TEST(replies == 2);
  BOOST_REQUIRE_EQUAL(sub->changes.size(), 1u);
  const auto& flags = sub->changes[0]->flags;
  BOOST_REQUIRE_EQUAL(flags.size(), 2u);
  BOOST_TEST(flags[0].uid == 1u);
  BOOST_TEST(flags[0].origin == 1u);
  BOOST_TEST(flags[1].uid == 2u);
  BOOST_TEST(flags[1].origin == 2u);
}

// A SELECT handled before an EXPUNGE and an APPEND of the same batch: its snapshot is taken when the batch commits,
// so it already has both changes, and the batch's notification (which it does not get) holds nothing it lacks.
BOOST_FIXTURE_TEST_CASE(select_sees_the_changes_later_in_its_batch, Fixture) {
  auto inbox = open("INBOX");
  (void)must(sched, inbox, AddMessages{0, {blob("a"), blob("b")}, {}});
  (void)must(sched, inbox, StoreFlags{1, {1}, FlagOp::add, {"\\Deleted"}, std::nullopt, {}});
  auto sub = std::make_shared<Recorder>();
  std::optional<Select::Reply> selected;
  inbox->tell(Select{3, sub, std::uint64_t{0},
                     Promise<Select::Reply>([&](Select::Reply r) { selected.emplace(std::move(r)); })});
  inbox->tell(Expunge{1, std::nullopt, false, Promise<Expunge::Reply>([](Expunge::Reply) {})});
  inbox->tell(AddMessages{0, {blob("c")}, Promise<AddMessages::Reply>([](AddMessages::Reply) {})});
  BOOST_TEST(sched.run_all() == 1u);
  BOOST_REQUIRE(selected.has_value());
  BOOST_REQUIRE(selected->has_value());
  const auto& snapshot = **selected;
  BOOST_REQUIRE_EQUAL(snapshot.messages.size(), 2u);
  BOOST_TEST(snapshot.messages[0].uid == 2u);
  BOOST_TEST(snapshot.messages[1].uid == 3u);
  BOOST_TEST(snapshot.uidnext == 4u);
  BOOST_REQUIRE_EQUAL(snapshot.vanished.size(), 1u);
  BOOST_TEST(snapshot.vanished[0].first == 1u);
  BOOST_TEST(sub->changes.empty());  // subscribed after its own batch's notification
  // The next batch reaches it.
  (void)must(sched, inbox, StoreFlags{1, {2}, FlagOp::add, {"\\Seen"}, std::nullopt, {}});
  BOOST_TEST(sub->changes.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(store_flags_modes_and_unchanged_since, Fixture) {
  auto inbox = open("INBOX");
  (void)must(sched, inbox, AddMessages{0, {blob("a"), blob("b")}, {}});
  auto added = call(sched, inbox, StoreFlags{1, {1, 2}, FlagOp::add, {"\\Seen", "$Work"}, std::nullopt, {}});
  BOOST_REQUIRE(added.has_value());
  BOOST_REQUIRE_EQUAL(added->updated.size(), 2u);
  BOOST_TEST((added->updated[0].flags == std::vector<std::string>{"$Work", "\\Seen"}));
  auto modseq = added->updated[0].modseq;
  auto removed = call(sched, inbox, StoreFlags{1, {1}, FlagOp::remove, {"$Work"}, std::nullopt, {}});
  BOOST_TEST((removed->updated[0].flags == std::vector<std::string>{"\\Seen"}));
  BOOST_TEST(removed->updated[0].modseq > modseq);
  // UNCHANGEDSINCE older than message 1's modseq: 1 is reported MODIFIED, 2 is changed.
  auto cond = call(sched, inbox, StoreFlags{1, {1, 2}, FlagOp::replace, {"\\Flagged"}, modseq, {}});
  BOOST_TEST(cond->modified == std::vector<std::uint32_t>{1});
  BOOST_REQUIRE_EQUAL(cond->updated.size(), 1u);
  BOOST_TEST(cond->updated[0].uid == 2u);
  BOOST_TEST((cond->updated[0].flags == std::vector<std::string>{"\\Flagged"}));
}

BOOST_FIXTURE_TEST_CASE(expunge_removes_only_deleted_and_other_sessions_hear_it, Fixture) {
  auto inbox = open("INBOX");
  (void)must(sched, inbox, AddMessages{0, {blob("a"), blob("b"), blob("c")}, {}});
  auto other = std::make_shared<Recorder>();
  (void)must(sched, inbox, Select{2, other, std::nullopt, {}});
  (void)must(sched, inbox, StoreFlags{1, {1, 3}, FlagOp::add, {"\\Deleted"}, std::nullopt, {}});
  auto only = call(sched, inbox, Expunge{1, std::vector<std::uint32_t>{3}, false, {}});
  BOOST_TEST(*only == std::vector<std::uint32_t>{3});
  auto all = call(sched, inbox, Expunge{1, std::nullopt, false, {}});
  BOOST_TEST(*all == std::vector<std::uint32_t>{1});
  auto status = call(sched, inbox, Status{});
  BOOST_TEST(status->messages == 1u);
  BOOST_REQUIRE_EQUAL(other->changes.size(), 3u);  // flags, expunge 3, expunge 1
  BOOST_TEST(other->changes[1]->expunged == std::vector<std::uint32_t>{3});
  BOOST_TEST(other->changes[2]->expunged == std::vector<std::uint32_t>{1});
}

// MOVE's expunge (RFC 6851): exactly the given UIDs, \Deleted or not; UIDs already gone are skipped; never without
// a UID set.
BOOST_FIXTURE_TEST_CASE(expunge_regardless_of_flags_removes_exactly_the_given_uids, Fixture) {
  auto inbox = open("INBOX");
  (void)must(sched, inbox, AddMessages{0, {blob("a"), blob("b"), blob("c"), blob("d")}, {}});
  auto other = std::make_shared<Recorder>();
  (void)must(sched, inbox, Select{2, other, std::nullopt, {}});
  (void)must(sched, inbox, StoreFlags{1, {2}, FlagOp::add, {"\\Deleted"}, std::nullopt, {}});
  auto moved = call(sched, inbox, Expunge{1, std::vector<std::uint32_t>{1, 2, 9}, true, {}});
  BOOST_REQUIRE(moved.has_value());
  BOOST_TEST(*moved == (std::vector<std::uint32_t>{1, 2}));
  auto refused = call(sched, inbox, Expunge{1, std::nullopt, true, {}});
  BOOST_TEST(!refused.has_value());
  auto status = call(sched, inbox, Status{});
  BOOST_TEST(status->messages == 2u);
  BOOST_REQUIRE_EQUAL(other->changes.size(), 2u);  // flags, expunge 1 and 2
  BOOST_TEST(other->changes[1]->expunged == (std::vector<std::uint32_t>{1, 2}));
}

BOOST_FIXTURE_TEST_CASE(copy_links_blobs_and_expunging_the_source_keeps_the_copy, Fixture) {
  auto inbox = open("INBOX");
  BOOST_REQUIRE(call(sched, account, CreateMailbox{"Projects/2026", "", {}}).has_value());
  auto list = call(sched, account, ListMailboxes{});
  BOOST_REQUIRE_EQUAL(list->mailboxes.size(), 8u);  // a new account's six, and Projects created as a parent
  BOOST_TEST(list->mailboxes[4].name == "Projects");
  auto archive = open("Projects/2026");
  auto original = blob("the body");
  const std::string email_id = original.email_id;
  (void)must(sched, inbox, AddMessages{0, {std::move(original)}, {}});
  auto copies = call(sched, inbox, CopyOut{{1}, {}});
  BOOST_REQUIRE(copies.has_value());
  BOOST_REQUIRE_EQUAL(copies->size(), 1u);
  BOOST_TEST((*copies)[0].email_id == email_id);  // a copy keeps its EMAILID (RFC 8474 §5.1)
  auto added = call(sched, archive, AddMessages{0, std::move(*copies), {}});
  BOOST_TEST(added->uids == std::vector<std::uint32_t>{1});
  (void)must(sched, inbox, StoreFlags{1, {1}, FlagOp::add, {"\\Deleted"}, std::nullopt, {}});
  (void)must(sched, inbox, Expunge{1, std::nullopt, false, {}});
  inbox.reset();  // the last reference: expunged blobs are unlinked
  auto snapshot = call(sched, archive, Select{3, std::weak_ptr<Subscriber>(), std::nullopt, {}});
  BOOST_REQUIRE_EQUAL(snapshot->messages.size(), 1u);
  const auto& m = snapshot->messages[0];
  auto dek = account->keys()->unwrap_dek(m.wrapped_dek, m.blob_id);
  BOOST_REQUIRE(dek.has_value());
  auto body = store::read_message(account->paths().blob(m.blob_id), *dek);
  BOOST_REQUIRE(body.has_value());
  BOOST_TEST(std::string(base::as_chars(*body)) == "the body");
  BOOST_TEST(m.email_id == email_id);
}

BOOST_FIXTURE_TEST_CASE(rename_inbox_and_delete, Fixture) {
  auto inbox = open("INBOX");
  (void)must(sched, inbox, AddMessages{0, {blob("x")}, {}});
  BOOST_TEST(call(sched, account, RenameMailbox{"INBOX", "Old/inbox", {}}).has_value());
  auto old = open("Old/inbox");
  BOOST_TEST(call(sched, old, Status{})->messages == 1u);
  BOOST_TEST(call(sched, open("INBOX"), Status{})->messages == 0u);
  BOOST_TEST((call(sched, account, DeleteMailbox{"INBOX", {}}).error().code == base::Errc::invalid_argument));
  BOOST_TEST((call(sched, account, DeleteMailbox{"Nope", {}}).error().code == base::Errc::no_such_mailbox));
  BOOST_TEST(call(sched, account, DeleteMailbox{"Old/inbox", {}}).has_value());
  BOOST_TEST((call(sched, old, Status{}).error().code == base::Errc::no_such_mailbox));
  BOOST_TEST((call(sched, account, OpenMailbox{"Old/inbox", {}}).error().code == base::Errc::no_such_mailbox));
  BOOST_TEST((call(sched, account, CreateMailbox{"INBOX", "", {}}).error().code == base::Errc::already_exists));
}

BOOST_FIXTURE_TEST_CASE(spool_import_through_the_actors, Fixture) {
  for (int i = 0; i < 5; ++i) {
    auto d = store::Delivery::begin(root, "alice", "", 5000 + i, 1 << 20);
    BOOST_REQUIRE(d.has_value());
    std::string body = "Subject: " + std::to_string(i) + "\r\n\r\nhi\r\n";
    BOOST_REQUIRE(d->write(base::as_bytes(body)).has_value());
    BOOST_REQUIRE(d->commit().has_value());
  }
  auto inbox = open("INBOX");
  auto sub = std::make_shared<Recorder>();
  (void)must(sched, inbox, Select{1, sub, std::nullopt, {}});
  auto imported = call(sched, account, ImportSpool{});
  BOOST_REQUIRE(imported.has_value());
  BOOST_TEST(*imported == 5u);
  BOOST_TEST(call(sched, account, ImportSpool{}).value() == 0u);
  BOOST_REQUIRE_EQUAL(sub->changes.size(), 1u);
  BOOST_TEST(sub->changes[0]->added.size() == 5u);
  BOOST_TEST(sub->changes[0]->added[4].internal_date == 5004);
}

BOOST_AUTO_TEST_CASE(registry_logins) {
  test_support::TempDir dir;
  store::Root root{dir.path()};
  BOOST_REQUIRE(store::Account::create(root, "bob", "password1", kFastKdf, 1).has_value());
  ArenaScheduler sched(2);
  Registry registry(root, sched);
  auto login = [&](const std::string& user, const std::string& pw) {
    std::promise<Registry::LoginReply> p;
    auto f = p.get_future();
    registry.login(user, crypto::SecretBytes::copy_of(base::as_bytes(pw)),
                   [&p](Registry::LoginReply r) { p.set_value(std::move(r)); });
    return f.get();
  };
  BOOST_TEST((login("bob", "wrong").error().code == base::Errc::auth_failed));
  auto first = login("bob", "password1");
  BOOST_REQUIRE(first.has_value());
  auto second = login("bob", "password1");  // the fast path: same actor
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(first->get() == second->get());
  BOOST_TEST((login("bob", "password2").error().code == base::Errc::auth_failed));
  BOOST_TEST((login("nobody", "x").error().code == base::Errc::no_such_user));
  first = base::fail(base::Errc::internal);
  second = base::fail(base::Errc::internal);
  sched.wait_idle();
  // Every reference dropped: the account is closed and its lock released, so it can be opened again.
  auto again = store::Account::open(root, "bob", "password1");
  BOOST_TEST(again.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
