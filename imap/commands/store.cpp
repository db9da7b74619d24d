// STORE / UID STORE (RFC 3501 §6.4.6), COPY / UID COPY (RFC 3501 §6.4.7, COPYUID from RFC 4315) and MOVE / UID MOVE
// (RFC 6851).
//
// MOVE is COPY followed by an expunge of exactly the copied UIDs, through the two mailboxes' actors (each the single
// writer of its mailbox): CopyOut (the source hard-links the blobs, durable), AddMessages (the target commits the
// new records), then Expunge{only = those UIDs, regardless_of_flags} on the source. If anything before the expunge
// fails, nothing is removed from the source (the command answers NO and the client still has every message where it
// was). The remaining window: a crash (or a failed source commit) after the target commits and before the source
// commits leaves the messages in both mailboxes — a duplicate, never a loss (RFC 6851 §3.3 MUST; its SHOULD NOT
// about duplicates cannot be met across two journals without a cross-mailbox transaction). Like COPY, a MOVE that
// fails after CopyOut leaves unreferenced blob links behind.
#include <asio/use_awaitable.hpp>
#include <optional>

#include "imap/commands/commands.h"
#include "imap/commands/flags.h"

namespace imap::commands {
namespace {

using asio::use_awaitable;

// "1:3,7" for ascending UIDs (RFC 4315 uid-set, as COPYUID carries it).
std::string uid_set(const std::vector<std::uint32_t>& uids) { return syntax::format_runs(syntax::to_runs(uids)); }

}  // namespace

asio::awaitable<void> store(Session& s, std::string_view tag, const syntax::Store& cmd) {
  if (s.view->read_only()) co_return s.reply(tag, "NO", "Mailbox is read-only", "READ-ONLY");
  std::vector<std::uint32_t> seqs;
  if (!s.view->resolve(cmd.set, cmd.uid, seqs)) co_return s.reply(tag, "BAD", "Invalid message sequence number");
  auto flags = settable_flags(cmd.flags);
  if (!flags) co_return s.reply(tag, "BAD", "Unknown system flag");
  if (cmd.unchanged_since) s.enable_condstore();  // RFC 7162 §3.1: a CONDSTORE enabling command
  std::vector<std::uint32_t> uids;
  for (auto seq : seqs) uids.push_back(s.view->at(seq).uid);
  auto op = cmd.mode == syntax::Store::Mode::add      ? actors::FlagOp::add
            : cmd.mode == syntax::Store::Mode::remove ? actors::FlagOp::remove
                                                      : actors::FlagOp::replace;
  auto request = actors::StoreFlags{s.id, uids, op, std::move(*flags), cmd.unchanged_since, {}};
  auto stored = co_await s.mailbox->ask(std::move(request), use_awaitable);
  if (!stored) co_return s.reply_error(tag, stored.error());
  for (auto& u : stored->updated) s.view->set_flags(u.uid, u.modseq, u.flags);
  // RFC 7162 §3.1.3: a conditional STORE reports every message it applied to, .SILENT or not, with its MODSEQ.
  if (!cmd.silent || cmd.unchanged_since) {
    for (const auto& u : stored->updated) {
      auto seq = s.view->seq_of(u.uid);
      if (seq == 0) continue;
      s.out.untagged().number(seq).atom("FETCH").open();
      if (!cmd.silent) {
        s.out.atom("FLAGS").open();
        for (const auto& f : u.flags) s.out.atom(f);
        s.out.close();
      }
      if (cmd.uid || s.enabled.condstore) s.out.atom("UID").number(u.uid);
      if (s.enabled.condstore) s.out.atom("MODSEQ").open().number(s.view->at(seq).modseq).close();
      s.out.close().end();
    }
  }
  s.apply_flag_changes();
  if (!stored->modified.empty()) {
    // MODIFIED lists UIDs for UID STORE and message numbers for STORE (RFC 7162 §3.1.3).
    std::vector<std::uint32_t> failed;
    for (auto uid : stored->modified) {
      if (cmd.uid) failed.push_back(uid);
      else if (auto seq = s.view->seq_of(uid)) failed.push_back(seq);
    }
    std::sort(failed.begin(), failed.end());
    auto code = "MODIFIED " + syntax::format_runs(syntax::to_runs(failed));
    co_return s.reply(tag, "OK", "Conditional STORE failed for some messages", code);
  }
  s.reply(tag, "OK", cmd.uid ? "UID STORE completed" : "STORE completed");
}

namespace {

// What COPY and MOVE share: the messages of `set` (in the selected mailbox) copied into `mailbox`.
struct Copied {
  std::vector<std::uint32_t> source_uids;  // ascending
  actors::AddReply added;                  // their new UIDs in the target, in the same order
};

// Resolves the set, opens the target, hard-links the blobs (CopyOut, durable) and indexes them in the target
// (AddMessages, committed). Returns nullopt after replying (BAD, NO [TRYCREATE], "OK Nothing to <verb>", errors).
asio::awaitable<std::optional<Copied>> copy_into(Session& s, std::string_view tag, bool uid,
                                                 const syntax::SequenceSet& set, std::string_view mailbox,
                                                 std::string_view nothing_text) {
  std::vector<std::uint32_t> seqs;
  if (!s.view->resolve(set, uid, seqs)) {
    s.reply(tag, "BAD", "Invalid message sequence number");
    co_return std::nullopt;
  }
  auto name = s.decode_mailbox(mailbox);
  if (!name) {
    s.reply_error(tag, name.error());
    co_return std::nullopt;
  }
  auto request2 = actors::OpenMailbox{*name, {}};
  auto target = co_await s.account->ask(std::move(request2), use_awaitable);
  if (!target) {
    if (target.error().code == base::Errc::no_such_mailbox) {
      s.reply(tag, "NO", "No such mailbox", "TRYCREATE");  // RFC 3501 §6.4.7, RFC 6851 §3.3
    } else {
      s.reply_error(tag, target.error());
    }
    co_return std::nullopt;
  }
  Copied out;
  for (auto seq : seqs) out.source_uids.push_back(s.view->at(seq).uid);
  if (out.source_uids.empty()) {
    s.reply(tag, "OK", nothing_text);
    co_return std::nullopt;
  }
  // Step 1: the source links the blobs under new ids (durable). Step 2: the target indexes them.
  auto request3 = actors::CopyOut{out.source_uids, {}};
  auto copies = co_await s.mailbox->ask(std::move(request3), use_awaitable);
  if (!copies) {
    s.reply_error(tag, copies.error());
    co_return std::nullopt;
  }
  if (copies->size() != out.source_uids.size()) {
    s.reply(tag, "NO", "Some messages were expunged", "EXPUNGEISSUED");
    co_return std::nullopt;
  }
  auto request4 = actors::AddMessages{s.id, std::move(*copies), {}};
  auto added = co_await (*target)->ask(std::move(request4), use_awaitable);
  if (!added) {
    s.reply_error(tag, added.error());
    co_return std::nullopt;
  }
  out.added = std::move(*added);
  co_return out;
}

}  // namespace

asio::awaitable<void> copy(Session& s, std::string_view tag, const syntax::Copy& cmd) {
  auto copied = co_await copy_into(s, tag, cmd.uid, cmd.set, cmd.mailbox, "Nothing to copy");
  if (!copied) co_return;
  // The target may be the selected mailbox: show the new messages.
  s.apply_all_changes();
  s.out.tagged(tag).atom("OK").open_code("COPYUID").number(copied->added.uidvalidity)
      .atom(uid_set(copied->source_uids)).atom(uid_set(copied->added.uids)).close_code()
      .text(cmd.uid ? "UID COPY completed" : "COPY completed").end();
}

asio::awaitable<void> move(Session& s, std::string_view tag, const syntax::Move& cmd) {
  // MOVE removes messages from the source, which EXAMINE forbids (RFC 6851 §4.2: MOVE needs the rights of STORE
  // and EXPUNGE, both refused in a read-only mailbox).
  if (s.view->read_only()) co_return s.reply(tag, "NO", "Mailbox is read-only", "READ-ONLY");
  auto copied = co_await copy_into(s, tag, cmd.uid, cmd.set, cmd.mailbox, "Nothing to move");
  if (!copied) co_return;
  // RFC 6851 §4.3: COPYUID in an untagged OK before the EXPUNGEs, so the client learns the new UIDs first.
  s.out.untagged().atom("OK").open_code("COPYUID").number(copied->added.uidvalidity)
      .atom(uid_set(copied->source_uids)).atom(uid_set(copied->added.uids)).close_code().text("Moved").end();
  // The copies are committed in the target: now remove exactly these UIDs from the source, \Deleted or not
  // (RFC 6851 §3.3: the \Deleted flag MUST NOT be set). UIDs another session expunged meanwhile are skipped.
  auto request5 = actors::Expunge{s.id, copied->source_uids, true, {}};
  auto expunged = co_await s.mailbox->ask(std::move(request5), use_awaitable);
  if (!expunged) {
    // The copies exist and the originals too (a duplicate, never a loss: RFC 6851 §3.3's MUST). The actor failed
    // to commit, so it is poisoned and the session cannot do better than report it.
    s.apply_all_changes();
    co_return s.reply_error(tag, expunged.error());
  }
  // The actor posted the expunge before replying: applying the queue sends "* n EXPUNGE" for the moved messages
  // (and EXISTS when the target is the selected mailbox), with any other session's changes in commit order.
  s.apply_all_changes();
  // RFC 6851 §4.4: a MOVE that removed messages reports the source's new HIGHESTMODSEQ (to clients that know it).
  if (s.enabled.condstore && !expunged->empty()) {
    s.out.tagged(tag).atom("OK").open_code("HIGHESTMODSEQ").number(s.view->highest_modseq()).close_code()
        .text(cmd.uid ? "UID MOVE completed" : "MOVE completed").end();
    co_return;
  }
  s.reply(tag, "OK", cmd.uid ? "UID MOVE completed" : "MOVE completed");
}

}  // namespace imap::commands
