// SELECT, EXAMINE (RFC 3501 §6.3.1-2), CLOSE, UNSELECT (RFC 3691), CHECK, EXPUNGE and UID EXPUNGE (RFC 4315).
#include <asio/use_awaitable.hpp>

#include "imap/commands/commands.h"

namespace imap::commands {

using asio::use_awaitable;

namespace {

// RFC 7162 §3.2.5.1: what changed since the client's modseq among the UIDs it knows (all below UIDNEXT if it gave
// none) — VANISHED (EARLIER) for expunges, then FETCH (UID FLAGS MODSEQ) for the rest. The expunge history is
// exact (store/mailbox.h), so the sequence match data of §3.2.5.2, which only helps servers that forget expunges,
// is not needed to keep VANISHED small and is accepted but not used.
void write_qresync(Session& s, const syntax::QresyncParams& q, const syntax::UidRuns& vanished_since) {
  auto& v = *s.view;
  syntax::UidRuns known;
  if (q.known_uids) {
    known = syntax::to_runs(*q.known_uids, v.uidnext() - 1);
  } else if (v.uidnext() > 1) {
    known.emplace_back(1, v.uidnext() - 1);
  }
  auto vanished = syntax::intersect(vanished_since, known);
  if (!vanished.empty()) {
    s.out.untagged().atom("VANISHED").open().atom("EARLIER").close().atom(syntax::format_runs(vanished)).end();
  }
  for (std::uint32_t seq = 1; seq <= v.exists(); ++seq) {
    const auto& m = v.at(seq);
    if (m.modseq <= q.modseq || !syntax::contains(known, m.uid)) continue;
    s.out.untagged().number(seq).atom("FETCH").open();
    s.write_flag_items(m);
    s.out.close().end();
  }
}

}  // namespace

asio::awaitable<void> select(Session& s, std::string_view tag, const syntax::Select& cmd) {
  if (!cmd.other_params.empty()) co_return s.reply(tag, "BAD", "Unknown SELECT parameter");
  // RFC 7162 §3.2.5: the QRESYNC parameter needs ENABLE QRESYNC first.
  if (cmd.qresync && !s.enabled.qresync) co_return s.reply(tag, "BAD", "QRESYNC is not enabled");
  // Selecting (even a mailbox that fails) first leaves the current one (RFC 3501 §6.3.1); RFC 7162 §3.2.11 marks
  // the boundary with [CLOSED] (required of every server advertising CONDSTORE, enabled or not).
  if (s.state == session::State::selected) {
    s.out.untagged().atom("OK").code("CLOSED").text("Previous mailbox closed").end();
  }
  s.leave_mailbox();
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  auto request = actors::OpenMailbox{*name, {}};
  auto actor = co_await s.account->ask(std::move(request), use_awaitable);
  if (!actor) co_return s.reply_error(tag, actor.error());
  auto view = std::make_shared<session::MailboxView>(s.id, cmd.read_only);
  view->set_waker(s.waker());
  std::optional<std::uint64_t> vanished_since;
  if (cmd.qresync) vanished_since = cmd.qresync->modseq;
  auto request2 = actors::Select{s.id, view, vanished_since, {}};
  auto snapshot = co_await (*actor)->ask(std::move(request2), use_awaitable);
  if (!snapshot) co_return s.reply_error(tag, snapshot.error());
  auto vanished = std::move(snapshot->vanished);
  view->load(std::move(*snapshot));
  s.mailbox = std::move(*actor);
  s.view = std::move(view);
  s.mailbox_name = *name;
  s.state = session::State::selected;
  if (cmd.condstore) s.enabled.condstore = true;  // this SELECT reports HIGHESTMODSEQ anyway

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
  // RECENT and the UNSEEN code are gone from IMAP4rev2 (RFC 9051 Appendix E items 11, 12): rev1 sessions only.
  if (!s.enabled.imap4rev2) {
    s.out.untagged().number(0).atom("RECENT").end();
    if (auto unseen = v.first_unseen()) {
      s.out.untagged().atom("OK").open_code("UNSEEN").number(unseen).close_code().text("First unseen").end();
    }
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
  // RFC 8474 §4.2: the store's mailbox id (32 hex digits, a valid objectid); kept by RENAME, never reused.
  s.out.untagged().atom("OK").open_code("MAILBOXID").open().atom(s.mailbox->id()).close().close_code()
      .text("Ok").end();
  // RFC 7162 §3.1.2.1: every mailbox keeps modseqs, so every SELECT reports HIGHESTMODSEQ (harmless to clients
  // that do not know it, and what lets a CONDSTORE client skip an enabling round trip).
  s.out.untagged().atom("OK").open_code("HIGHESTMODSEQ").number(v.highest_modseq()).close_code()
      .text("Highest mailbox modification sequence").end();
  if (s.enabled.imap4rev2) co_await list_selected(s, s.mailbox_name);
  if (cmd.qresync && cmd.qresync->uidvalidity == v.uidvalidity()) write_qresync(s, *cmd.qresync, vanished);
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
  // RFC 7162 §3.2.7, §3.2.9: with QRESYNC on, an expunge that removed something reports the new HIGHESTMODSEQ.
  if (s.enabled.qresync && !expunged->empty()) {
    s.out.tagged(tag).atom("OK").open_code("HIGHESTMODSEQ").number(s.view->highest_modseq()).close_code()
        .text("EXPUNGE completed").end();
    co_return;
  }
  s.reply(tag, "OK", "EXPUNGE completed");
}

}  // namespace imap::commands
