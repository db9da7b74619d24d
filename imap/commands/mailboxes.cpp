// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS (RFC 3501 §6.3), NAMESPACE (RFC 2342),
// SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154).
//
// Special use: LIST always shows a mailbox's special-use attributes (RFC 6154 §2 allows it on every LIST); the
// SPECIAL-USE selection option lists only mailboxes that have one. CREATE ... (USE (\Sent ...)) sets them; this store
// has no virtual mailboxes, so \All and \Flagged are refused with NO [USEATTR], as is any unknown attribute, and the
// mailbox is not created (§3). Several mailboxes may share a use (§3 allows it).
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "imap/commands/commands.h"
#include "imap/commands/mailbox_names.h"

namespace imap::commands {
namespace {

using asio::use_awaitable;

// Every name that exists, plus every ancestor of one that does not (listed as \Noselect: it only holds children).
struct Tree {
  std::map<std::string, std::string> existing;  // name -> special-use
  std::set<std::string> implied;

  explicit Tree(const std::vector<actors::MailboxEntry>& mailboxes) {
    for (const auto& m : mailboxes) existing[m.name] = m.special_use;
    for (const auto& m : mailboxes) {
      for (auto at = m.name.find('/'); at != std::string::npos; at = m.name.find('/', at + 1)) {
        auto parent = m.name.substr(0, at);
        if (!existing.count(parent)) implied.insert(parent);
      }
    }
  }
  // Children sort right after "name/", so the first key at or after it tells.
  bool has_children(const std::string& name) const {
    auto it = existing.lower_bound(name + "/");
    return it != existing.end() && it->first.rfind(name + "/", 0) == 0;
  }
};

// The canonical spelling of a special-use attribute this server can set, or "" (RFC 6154 §2).
std::string_view supported_use(std::string_view attr) {
  for (std::string_view known : {"\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"}) {
    if (attr.size() == known.size() &&
        std::equal(attr.begin(), attr.end(), known.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return known;
    }
  }
  return {};
}

}  // namespace

asio::awaitable<void> create(Session& s, std::string_view tag, const syntax::Create& cmd) {
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  // A trailing delimiter only says the client means to create children under it (RFC 3501 §6.3.3).
  if (name->size() > 1 && name->back() == '/') name->pop_back();
  if (*name == "INBOX") co_return s.reply(tag, "NO", "INBOX always exists", "ALREADYEXISTS");
  if (auto valid = validate_new_mailbox_name(*name); !valid) co_return s.reply_error(tag, valid.error());
  if (!cmd.other_params.empty()) co_return s.reply(tag, "BAD", "Unknown CREATE parameter");
  std::string uses;
  for (auto attr : cmd.special_use) {
    auto known = supported_use(attr);
    if (known.empty()) {
      co_return s.reply(tag, "NO", "Special use " + std::string(attr) + " is not supported here", "USEATTR");
    }
    if (uses.find(known) != std::string::npos) continue;
    uses += (uses.empty() ? "" : " ") + std::string(known);
  }
  auto request = actors::CreateMailbox{*name, uses, {}};
  auto made = co_await s.account->ask(std::move(request), use_awaitable);
  if (!made) co_return s.reply_error(tag, made.error());
  s.reply(tag, "OK", "CREATE completed");
}

asio::awaitable<void> remove(Session& s, std::string_view tag, const syntax::Delete& cmd) {
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  if (*name == "INBOX") co_return s.reply(tag, "NO", "INBOX cannot be deleted", "CANNOT");
  auto request2 = actors::DeleteMailbox{*name, {}};
  auto done = co_await s.account->ask(std::move(request2), use_awaitable);
  if (!done) co_return s.reply_error(tag, done.error());
  s.reply(tag, "OK", "DELETE completed");
}

asio::awaitable<void> rename(Session& s, std::string_view tag, const syntax::Rename& cmd) {
  auto from = s.decode_mailbox(cmd.from);
  if (!from) co_return s.reply_error(tag, from.error());
  auto to = s.decode_mailbox(cmd.to);
  if (!to) co_return s.reply_error(tag, to.error());
  if (*to == "INBOX") co_return s.reply(tag, "NO", "INBOX already exists", "ALREADYEXISTS");
  if (auto valid = validate_new_mailbox_name(*to); !valid) co_return s.reply_error(tag, valid.error());
  auto request3 = actors::RenameMailbox{*from, *to, {}};
  auto done = co_await s.account->ask(std::move(request3), use_awaitable);
  if (!done) co_return s.reply_error(tag, done.error());
  s.reply(tag, "OK", "RENAME completed");
}

asio::awaitable<void> subscribe(Session& s, std::string_view tag, std::string_view mailbox, bool on) {
  auto name = s.decode_mailbox(mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  if (auto valid = validate_new_mailbox_name(*name); !valid && *name != "INBOX") {
    co_return s.reply_error(tag, valid.error());
  }
  auto request4 = actors::Subscribe{*name, on, {}};
  auto done = co_await s.account->ask(std::move(request4), use_awaitable);
  if (!done) co_return s.reply_error(tag, done.error());
  s.reply(tag, "OK", on ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

asio::awaitable<void> list(Session& s, std::string_view tag, const syntax::List& cmd) {
  auto reference = s.decode_mailbox(cmd.reference);
  if (!reference) co_return s.reply_error(tag, reference.error());
  if (cmd.patterns.size() == 1 && cmd.patterns[0].empty()) {
    // An empty pattern asks for the delimiter and the root of the reference (RFC 3501 §6.3.8).
    s.out.untagged().atom("LIST").open().atom("\\Noselect").close().quoted("/").quoted("").end();
    co_return s.reply(tag, "OK", "LIST completed");
  }
  auto request5 = actors::ListMailboxes{};
  auto mailboxes = co_await s.account->ask(std::move(request5), use_awaitable);
  if (!mailboxes) co_return s.reply_error(tag, mailboxes.error());
  Tree tree(mailboxes->mailboxes);
  std::set<std::string> subscribed(mailboxes->subscriptions.begin(), mailboxes->subscriptions.end());
  std::vector<std::string> patterns;
  for (auto p : cmd.patterns) {
    auto decoded = s.decode_mailbox(p);
    if (!decoded) co_return s.reply_error(tag, decoded.error());
    patterns.push_back(*reference + *decoded);
  }
  auto matches = [&](const std::string& name) {
    for (const auto& p : patterns) {
      if (pattern_matches(p, name)) return true;
    }
    return false;
  };
  std::set<std::string> names;
  for (const auto& [name, use] : tree.existing) names.insert(name);
  names.insert(tree.implied.begin(), tree.implied.end());
  for (const auto& name : names) {
    bool exists = tree.existing.count(name) != 0;
    if (cmd.select_subscribed && !subscribed.count(name)) continue;
    if (cmd.select_special_use && (!exists || tree.existing.at(name).empty())) continue;
    if (!matches(name)) continue;
    s.out.untagged().atom("LIST").open();
    if (!exists) s.out.atom("\\Noselect");
    s.out.atom(tree.has_children(name) || tree.implied.count(name) ? "\\HasChildren" : "\\HasNoChildren");
    if (exists && !tree.existing.at(name).empty()) s.out.atom(tree.existing.at(name));
    if ((cmd.return_subscribed || cmd.select_subscribed) && subscribed.count(name)) s.out.atom("\\Subscribed");
    s.out.close().quoted("/").mailbox(name).end();
  }
  s.reply(tag, "OK", "LIST completed");
}

asio::awaitable<void> lsub(Session& s, std::string_view tag, const syntax::Lsub& cmd) {
  auto reference = s.decode_mailbox(cmd.reference);
  auto pattern = s.decode_mailbox(cmd.pattern);
  if (!reference || !pattern) co_return s.reply(tag, "BAD", "Invalid mailbox name encoding");
  auto request6 = actors::ListMailboxes{};
  auto mailboxes = co_await s.account->ask(std::move(request6), use_awaitable);
  if (!mailboxes) co_return s.reply_error(tag, mailboxes.error());
  std::string full = *reference + *pattern;
  std::set<std::string> subscribed(mailboxes->subscriptions.begin(), mailboxes->subscriptions.end());
  std::set<std::string> implied;  // unsubscribed parents of subscribed names, matched by '%' (RFC 3501 §6.3.9)
  for (const auto& name : subscribed) {
    for (auto at = name.find('/'); at != std::string::npos; at = name.find('/', at + 1)) {
      if (!subscribed.count(name.substr(0, at))) implied.insert(name.substr(0, at));
    }
  }
  for (const auto& name : subscribed) {
    if (pattern_matches(full, name)) s.out.untagged().atom("LSUB").open().close().quoted("/").mailbox(name).end();
  }
  if (!full.empty() && full.back() == '%') {
    for (const auto& name : implied) {
      if (pattern_matches(full, name)) {
        s.out.untagged().atom("LSUB").open().atom("\\Noselect").close().quoted("/").mailbox(name).end();
      }
    }
  }
  s.reply(tag, "OK", "LSUB completed");
}

asio::awaitable<void> status(Session& s, std::string_view tag, const syntax::Status& cmd) {
  for (auto item : cmd.items) {
    if (item == syntax::StatusItem::deleted_storage || item == syntax::StatusItem::mailboxid) {
      co_return s.reply(tag, "BAD", "STATUS item not supported");
    }
  }
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  auto request7 = actors::OpenMailbox{*name, {}};
  auto actor = co_await s.account->ask(std::move(request7), use_awaitable);
  if (!actor) co_return s.reply_error(tag, actor.error());
  auto request8 = actors::Status{};
  auto st = co_await (*actor)->ask(std::move(request8), use_awaitable);
  if (!st) co_return s.reply_error(tag, st.error());
  s.out.untagged().atom("STATUS").mailbox(*name).open();
  for (auto item : cmd.items) {
    using syntax::StatusItem;
    switch (item) {
      case StatusItem::messages: s.out.atom("MESSAGES").number(st->messages); break;
      case StatusItem::recent: s.out.atom("RECENT").number(0); break;
      case StatusItem::uidnext: s.out.atom("UIDNEXT").number(st->uidnext); break;
      case StatusItem::uidvalidity: s.out.atom("UIDVALIDITY").number(st->uidvalidity); break;
      case StatusItem::unseen: s.out.atom("UNSEEN").number(st->unseen); break;
      case StatusItem::deleted: s.out.atom("DELETED").number(st->deleted); break;
      case StatusItem::size: s.out.atom("SIZE").number(st->size); break;
      case StatusItem::highestmodseq: s.out.atom("HIGHESTMODSEQ").number(st->highest_modseq); break;
      case StatusItem::appendlimit:  // RFC 7889 §3.1: the same limit for every mailbox, never NIL
        s.out.atom("APPENDLIMIT").number(s.server.config().imap.max_message_bytes);
        break;
      default: break;  // refused above
    }
  }
  s.out.close().end();
  s.reply(tag, "OK", "STATUS completed");
}

asio::awaitable<void> namespace_(Session& s, std::string_view tag) {
  s.out.untagged().atom("NAMESPACE").open().open().quoted("").quoted("/").close().close().nil().nil().end();
  s.reply(tag, "OK", "NAMESPACE completed");
  co_return;
}

}  // namespace imap::commands
