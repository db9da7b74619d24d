// STORE / UID STORE (RFC 3501 §6.4.6) and COPY / UID COPY (RFC 3501 §6.4.7, COPYUID from RFC 4315).
#include <asio/use_awaitable.hpp>

#include "imap/commands/commands.h"
#include "imap/commands/flags.h"

namespace imap::commands {
namespace {

using asio::use_awaitable;

// "1:3,7" for a sorted list of UIDs (RFC 4315 uid-set, as COPYUID carries it).
std::string uid_set(const std::vector<std::uint32_t>& uids) {
  std::string out;
  for (std::size_t i = 0; i < uids.size();) {
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(uids[i]);
    if (j > i) out += ':' + std::to_string(uids[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace

asio::awaitable<void> store(Session& s, std::string_view tag, const syntax::Store& cmd) {
  if (cmd.unchanged_since) co_return s.reply(tag, "BAD", "UNCHANGEDSINCE is not supported");
  if (s.view->read_only()) co_return s.reply(tag, "NO", "Mailbox is read-only", "READ-ONLY");
  std::vector<std::uint32_t> seqs;
  if (!s.view->resolve(cmd.set, cmd.uid, seqs)) co_return s.reply(tag, "BAD", "Invalid message sequence number");
  auto flags = settable_flags(cmd.flags);
  if (!flags) co_return s.reply(tag, "BAD", "Unknown system flag");
  std::vector<std::uint32_t> uids;
  for (auto seq : seqs) uids.push_back(s.view->at(seq).uid);
  auto op = cmd.mode == syntax::Store::Mode::add      ? actors::FlagOp::add
            : cmd.mode == syntax::Store::Mode::remove ? actors::FlagOp::remove
                                                      : actors::FlagOp::replace;
  auto request = actors::StoreFlags{s.id, uids, op, std::move(*flags), std::nullopt, {}};
  auto stored = co_await s.mailbox->ask(std::move(request), use_awaitable);
  if (!stored) co_return s.reply_error(tag, stored.error());
  for (auto& u : stored->updated) s.view->set_flags(u.uid, u.modseq, u.flags);
  if (!cmd.silent) {
    for (const auto& u : stored->updated) {
      auto seq = s.view->seq_of(u.uid);
      if (seq == 0) continue;
      s.out.untagged().number(seq).atom("FETCH").open().atom("FLAGS").open();
      for (const auto& f : u.flags) s.out.atom(f);
      s.out.close();
      if (cmd.uid) s.out.atom("UID").number(u.uid);
      s.out.close().end();
    }
  }
  s.apply_flag_changes();
  s.reply(tag, "OK", cmd.uid ? "UID STORE completed" : "STORE completed");
}

asio::awaitable<void> copy(Session& s, std::string_view tag, const syntax::Copy& cmd) {
  std::vector<std::uint32_t> seqs;
  if (!s.view->resolve(cmd.set, cmd.uid, seqs)) co_return s.reply(tag, "BAD", "Invalid message sequence number");
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  auto request2 = actors::OpenMailbox{*name, {}};
  auto target = co_await s.account->ask(std::move(request2), use_awaitable);
  if (!target) {
    if (target.error().code == base::Errc::no_such_mailbox) {
      co_return s.reply(tag, "NO", "No such mailbox", "TRYCREATE");  // RFC 3501 §6.4.7
    }
    co_return s.reply_error(tag, target.error());
  }
  std::vector<std::uint32_t> source_uids;
  for (auto seq : seqs) source_uids.push_back(s.view->at(seq).uid);
  if (source_uids.empty()) co_return s.reply(tag, "OK", "Nothing to copy");
  // Step 1: the source links the blobs under new ids (durable). Step 2: the target indexes them.
  auto request3 = actors::CopyOut{source_uids, {}};
  auto copies = co_await s.mailbox->ask(std::move(request3), use_awaitable);
  if (!copies) co_return s.reply_error(tag, copies.error());
  if (copies->size() != source_uids.size()) {
    co_return s.reply(tag, "NO", "Some messages were expunged", "EXPUNGEISSUED");
  }
  auto request4 = actors::AddMessages{s.id, std::move(*copies), {}};
  auto added = co_await (*target)->ask(std::move(request4), use_awaitable);
  if (!added) co_return s.reply_error(tag, added.error());
  // The target may be the selected mailbox: show the new messages.
  s.apply_all_changes();
  s.out.tagged(tag).atom("OK").open_code("COPYUID").number(added->uidvalidity).atom(uid_set(source_uids))
      .atom(uid_set(added->uids)).close_code().text(cmd.uid ? "UID COPY completed" : "COPY completed").end();
}

}  // namespace imap::commands
