// SELECT, EXAMINE (RFC 3501 §6.3.1-2), CLOSE, UNSELECT (RFC 3691), CHECK, EXPUNGE and UID EXPUNGE (RFC 4315).
#include <asio/use_awaitable.hpp>

#include "imap/commands/commands.h"

namespace imap::commands {

using asio::use_awaitable;

asio::awaitable<void> select(Session& s, std::string_view tag, const syntax::Select& cmd) {
  // Selecting (even a mailbox that fails) first leaves the current one (RFC 3501 §6.3.1).
  s.leave_mailbox();
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  if (cmd.condstore || cmd.qresync || !cmd.other_params.empty()) {
    co_return s.reply(tag, "BAD", "SELECT parameters are not supported");
  }
  auto request = actors::OpenMailbox{*name, {}};
  auto actor = co_await s.account->ask(std::move(request), use_awaitable);
  if (!actor) co_return s.reply_error(tag, actor.error());
  auto view = std::make_shared<session::MailboxView>(s.id, cmd.read_only);
  view->set_waker(s.waker());
  auto request2 = actors::Select{s.id, view, {}};
  auto snapshot = co_await (*actor)->ask(std::move(request2), use_awaitable);
  if (!snapshot) co_return s.reply_error(tag, snapshot.error());
  view->load(std::move(*snapshot));
  s.mailbox = std::move(*actor);
  s.view = std::move(view);
  s.mailbox_name = *name;
  s.state = session::State::selected;

  auto& v = *s.view;
  auto flag_list = [&](bool permanent) {
    s.out.open();
    for (auto f : {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"}) s.out.atom(f);
    for (const auto& k : v.keywords()) s.out.atom(k);
    if (permanent) s.out.atom("\\*");
    s.out.close();
  };
  s.out.untagged().atom("FLAGS");
  flag_list(false);
  s.out.end();
  s.out.untagged().number(v.exists()).atom("EXISTS").end();
  s.out.untagged().number(0).atom("RECENT").end();
  if (auto unseen = v.first_unseen()) {
    s.out.untagged().atom("OK").open_code("UNSEEN").number(unseen).close_code().text("First unseen").end();
  }
  s.out.untagged().atom("OK").open_code("PERMANENTFLAGS");
  if (v.read_only()) {
    s.out.open().close();
  } else {
    flag_list(true);
  }
  s.out.close_code().text("Flags permitted").end();
  s.out.untagged().atom("OK").open_code("UIDVALIDITY").number(v.uidvalidity()).close_code().text("UIDs valid").end();
  s.out.untagged().atom("OK").open_code("UIDNEXT").number(v.uidnext()).close_code().text("Predicted next UID").end();
  s.reply(tag, "OK", cmd.read_only ? "EXAMINE completed" : "SELECT completed",
          cmd.read_only ? "READ-ONLY" : "READ-WRITE");
}

asio::awaitable<void> close(Session& s, std::string_view tag) {
  // CLOSE expunges silently (no untagged EXPUNGE) unless the mailbox was EXAMINEd (RFC 3501 §6.4.2).
  if (!s.view->read_only()) {
    auto request3 = actors::Expunge{s.id, std::nullopt, false, {}};
    auto expunged = co_await s.mailbox->ask(std::move(request3), use_awaitable);
    // A mailbox another session deleted has nothing left to expunge: CLOSE still closes it.
    if (!expunged && expunged.error().code != base::Errc::no_such_mailbox) {
      co_return s.reply_error(tag, expunged.error());
    }
  }
  s.leave_mailbox();
  s.reply(tag, "OK", "CLOSE completed");
}

asio::awaitable<void> unselect(Session& s, std::string_view tag) {
  s.leave_mailbox();
  s.reply(tag, "OK", "UNSELECT completed");
  co_return;
}

asio::awaitable<void> check(Session& s, std::string_view tag) {
  // Every change is durable before it is acknowledged: there is nothing left to checkpoint.
  s.apply_all_changes();
  s.reply(tag, "OK", "CHECK completed");
  co_return;
}

asio::awaitable<void> expunge(Session& s, std::string_view tag, const syntax::Expunge& cmd) {
  if (s.view->read_only()) co_return s.reply(tag, "NO", "Mailbox is read-only", "READ-ONLY");
  std::optional<std::vector<std::uint32_t>> only;
  if (cmd.uids) {
    std::vector<std::uint32_t> seqs;
    s.view->resolve(*cmd.uids, true, seqs);
    only.emplace();
    for (auto seq : seqs) only->push_back(s.view->at(seq).uid);
  }
  auto request4 = actors::Expunge{s.id, std::move(only), false, {}};
  auto expunged = co_await s.mailbox->ask(std::move(request4), use_awaitable);
  if (!expunged) co_return s.reply_error(tag, expunged.error());
  // The actor posted the change before replying: applying the queue sends the EXPUNGE responses in order.
  s.apply_all_changes();
  s.reply(tag, "OK", "EXPUNGE completed");
}

}  // namespace imap::commands
