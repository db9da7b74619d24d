// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS (RFC 3501 §6.3), NAMESPACE (RFC 2342),
// SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154), LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and XLIST (Gmail's
// LIST with special uses before RFC 6154: the RFC 3501 LIST's names, with \Inbox on INBOX and \Spam beside \Junk).
//
// A LIST without options lists every name of the hierarchy: the mailboxes and the \Noselect parents that DELETE of
// a mailbox with inferiors leaves (RFC 3501 §6.3.4; they are no mailbox: SELECT and STATUS answer NONEXISTENT). An
// extended LIST (options, a pattern list or RETURN) lists the names that match a pattern and meet the selection
// criteria (RFC 5258 §3.3 rule 2A): existing mailboxes, subscribed names with SUBSCRIBED (a deleted one is
// \NonExistent), special-use mailboxes with SPECIAL-USE. A name that does not meet them is listed only for a
// descendant that does and matches no pattern (rule 2B; §3.5 asks to suppress the redundant case): with
// RECURSIVEMATCH, then with CHILDINFO, or as a parent that does not exist ("\NonExistent \HasChildren", §3.5 and
// example 11). CHILDINFO goes on every listed name with a descendant that meets the criteria (§5 examples 9, 10).
// \HasChildren/\HasNoChildren are always given (RFC 3348; §4 allows it) and count existing mailboxes.
// RETURN (STATUS (...)) follows each listed mailbox that exists and meets the criteria with its STATUS (RFC 5819
// §2); one deleted before its STATUS is read is listed \Noselect without one.
//
// Special use: LIST always shows a mailbox's special-use attributes (RFC 6154 §2 allows it on every LIST); the
// SPECIAL-USE selection option lists only mailboxes that have one. CREATE ... (USE (\Sent ...)) sets them; this store
// has no virtual mailboxes, so \All and \Flagged are refused with NO [USEATTR], as is any unknown attribute, and the
// mailbox is not created (§3). Several mailboxes may share a use (§3 allows it).
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
  bool exists(const std::string& name) const { return existing.count(name) != 0; }
  const std::string& use(const std::string& name) const {
    static const std::string none;
    auto it = existing.find(name);
    return it == existing.end() ? none : it->second;
  }
};

// What one LIST or XLIST line says about a name.
struct Listed {
  std::string name;
  bool exists = false;        // else \Noselect (RFC 3501 LIST, XLIST) or \NonExistent (extended LIST)
  bool extended = false;
  bool gone = false;          // deleted before LIST-STATUS could read it: \Noselect (RFC 5819 §2)
  bool has_children = false;
  std::string special_use;    // "\\Sent", or several space-separated; empty for none
  bool subscribed = false;    // set only when \Subscribed is to be shown
  bool childinfo = false;     // RFC 5258 §3.5: ("CHILDINFO" ("SUBSCRIBED"))
  bool status = false;        // LIST-STATUS: a STATUS response follows
};

// The names a LIST selects, in name order. The RFC 3501 LIST shows every name of the hierarchy, \Noselect parents
// included. An extended one (RFC 5258 §3.3) shows the names that meet the selection criteria, plus those with a
// descendant that meets them without matching a pattern: with RECURSIVEMATCH (and CHILDINFO), or for a parent
// that does not exist (§3.5: "\NonExistent \HasChildren" says there is more below).
std::vector<Listed> select_names(const syntax::List& cmd, const Tree& tree, const std::set<std::string>& subscribed,
                                 const std::function<bool(const std::string&)>& matches) {
  const bool recursive = cmd.select_recursive_match;  // the parser accepts it only with SUBSCRIBED
  auto meets = [&](const std::string& name) {
    bool ok = cmd.select_subscribed ? subscribed.count(name) != 0 : tree.exists(name);
    if (cmd.select_special_use) ok = ok && !tree.use(name).empty();
    return ok;
  };
  std::set<std::string> names;
  for (const auto& [name, use] : tree.existing) names.insert(name);
  names.insert(tree.implied.begin(), tree.implied.end());
  if (cmd.select_subscribed) {
    for (const auto& name : subscribed) {
      names.insert(name);
      if (!recursive) continue;
      for (auto at = name.find('/'); at != std::string::npos; at = name.find('/', at + 1)) {
        names.insert(name.substr(0, at));
      }
    }
  }
  std::vector<Listed> out;
  for (const auto& name : names) {
    if (!matches(name)) continue;
    const bool exists = tree.exists(name);
    const bool selected = cmd.extended ? meets(name) : exists || tree.implied.count(name) != 0;
    bool below = false, below_unmatched = false;  // a descendant meets the criteria (and matches no pattern)
    if (cmd.extended && (recursive || (!selected && !exists))) {
      const std::string prefix = name + "/";
      for (auto it = names.lower_bound(prefix); it != names.end() && it->rfind(prefix, 0) == 0; ++it) {
        if (!meets(*it)) continue;
        below = true;
        if (!matches(*it)) below_unmatched = true;
      }
    }
    if (!selected && !below_unmatched) continue;
    Listed l;
    l.name = name;
    l.exists = exists;
    l.extended = cmd.extended;
    l.has_children = tree.has_children(name);
    l.special_use = tree.use(name);
    l.subscribed = (cmd.return_subscribed || cmd.select_subscribed) && subscribed.count(name) != 0;
    l.childinfo = recursive && below;
    l.status = cmd.return_status.has_value() && selected && exists;
    out.push_back(std::move(l));
  }
  return out;
}

// "* LIST (attrs) "/" name [("CHILDINFO" ("SUBSCRIBED"))]". XLIST also marks INBOX \Inbox and the junk mailbox
// \Spam: it predates RFC 6154, and its clients know Gmail's names (they ignore attributes they do not know).
void write_listed(Session& s, std::string_view response, const Listed& l) {
  const bool xlist = response == "XLIST";
  s.out.untagged().atom(response).open();
  if (!l.exists) {
    s.out.atom(l.extended ? "\\NonExistent" : "\\Noselect");
  } else if (l.gone) {
    s.out.atom("\\Noselect");
  }
  s.out.atom(l.has_children ? "\\HasChildren" : "\\HasNoChildren");
  if (xlist && l.name == "INBOX") s.out.atom("\\Inbox");
  if (!l.special_use.empty()) s.out.atom(l.special_use);
  if (xlist && l.special_use.find("\\Junk") != std::string::npos) s.out.atom("\\Spam");
  if (l.subscribed) s.out.atom("\\Subscribed");
  s.out.close().quoted("/").mailbox(l.name);
  if (l.childinfo) s.out.open().quoted("CHILDINFO").open().quoted("SUBSCRIBED").close().close();
  s.out.end();
}

// "* STATUS name (item value ...)", items in the order asked: the STATUS command and LIST-STATUS (RFC 5819).
void write_status(Session& s, const std::string& name, const std::vector<syntax::StatusItem>& items,
                  const actors::MailboxActor& actor, const actors::StatusReply& st) {
  s.out.untagged().atom("STATUS").mailbox(name).open();
  for (auto item : items) {
    using syntax::StatusItem;
    switch (item) {
      case StatusItem::messages: s.out.atom("MESSAGES").number(st.messages); break;
      case StatusItem::recent: s.out.atom("RECENT").number(0); break;
      case StatusItem::uidnext: s.out.atom("UIDNEXT").number(st.uidnext); break;
      case StatusItem::uidvalidity: s.out.atom("UIDVALIDITY").number(st.uidvalidity); break;
      case StatusItem::unseen: s.out.atom("UNSEEN").number(st.unseen); break;
      case StatusItem::deleted: s.out.atom("DELETED").number(st.deleted); break;
      case StatusItem::size: s.out.atom("SIZE").number(st.size); break;
      case StatusItem::highestmodseq: s.out.atom("HIGHESTMODSEQ").number(st.highest_modseq); break;
      case StatusItem::mailboxid: s.out.atom("MAILBOXID").open().atom(actor.id()).close(); break;  // RFC 8474
      case StatusItem::appendlimit:  // RFC 7889 §3.1: the same limit for every mailbox
        s.out.atom("APPENDLIMIT").number(s.server.config().imap.max_message_bytes);
        break;
      default: break;  // DELETED-STORAGE: refused before (BAD)
    }
  }
  s.out.close().end();
}

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
  s.reply(tag, "OK", "CREATE completed", "MAILBOXID (" + made->id + ")");  // RFC 8474 §4.1
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
  if (!cmd.extended && cmd.patterns.size() == 1 && cmd.patterns[0].empty()) {
    // An empty pattern asks for the delimiter and the root of the reference (RFC 3501 §6.3.8). An extended LIST
    // has no such special case: there the empty pattern matches nothing (RFC 5258 §3).
    s.out.untagged().atom("LIST").open().atom("\\Noselect").close().quoted("/").quoted("").end();
    co_return s.reply(tag, "OK", "LIST completed");
  }
  if (cmd.return_status) {
    for (auto item : *cmd.return_status) {
      if (item == syntax::StatusItem::deleted_storage) co_return s.reply(tag, "BAD", "STATUS item not supported");
    }
  }
  std::vector<std::string> patterns;
  for (auto p : cmd.patterns) {
    if (p.empty()) continue;
    auto decoded = s.decode_mailbox(p);
    if (!decoded) co_return s.reply_error(tag, decoded.error());
    patterns.push_back(*reference + *decoded);
  }
  auto request5 = actors::ListMailboxes{};
  auto mailboxes = co_await s.account->ask(std::move(request5), use_awaitable);
  if (!mailboxes) co_return s.reply_error(tag, mailboxes.error());
  Tree tree(mailboxes->mailboxes);
  std::set<std::string> subscribed(mailboxes->subscriptions.begin(), mailboxes->subscriptions.end());
  std::function<bool(const std::string&)> matches = [&patterns](const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&name](const std::string& p) { return pattern_matches(p, name); });
  };
  auto listed = select_names(cmd, tree, subscribed, matches);
  for (auto& l : listed) {
    std::shared_ptr<actors::MailboxActor> actor;
    std::optional<actors::StatusReply> st;
    if (l.status) {
      // RFC 5819 §2: a mailbox gone since ListMailboxes is listed \Noselect without STATUS; any other failure
      // only drops its STATUS.
      auto open_request = actors::OpenMailbox{l.name, {}};
      auto opened = co_await s.account->ask(std::move(open_request), use_awaitable);
      if (opened) {
        actor = *opened;
        auto request = actors::Status{};
        auto got = co_await actor->ask(std::move(request), use_awaitable);
        if (got) st = *got;
      } else if (opened.error().code == base::Errc::no_such_mailbox) {
        l.gone = true;
      }
    }
    write_listed(s, "LIST", l);
    if (st) write_status(s, l.name, *cmd.return_status, *actor, *st);
  }
  s.reply(tag, "OK", "LIST completed");
}

asio::awaitable<void> xlist(Session& s, std::string_view tag, const syntax::Xlist& cmd) {
  auto reference = s.decode_mailbox(cmd.reference);
  if (!reference) co_return s.reply_error(tag, reference.error());
  auto pattern = s.decode_mailbox(cmd.pattern);
  if (!pattern) co_return s.reply_error(tag, pattern.error());
  if (pattern->empty()) {  // as for LIST: the delimiter and the root
    s.out.untagged().atom("XLIST").open().atom("\\Noselect").close().quoted("/").quoted("").end();
    co_return s.reply(tag, "OK", "XLIST completed");
  }
  auto request = actors::ListMailboxes{};
  auto mailboxes = co_await s.account->ask(std::move(request), use_awaitable);
  if (!mailboxes) co_return s.reply_error(tag, mailboxes.error());
  Tree tree(mailboxes->mailboxes);
  const std::string full = *reference + *pattern;
  std::function<bool(const std::string&)> matches = [&full](const std::string& name) {
    return pattern_matches(full, name);
  };
  const syntax::List basic{};  // XLIST selects what the RFC 3501 LIST does
  for (const auto& l : select_names(basic, tree, {}, matches)) write_listed(s, "XLIST", l);
  s.reply(tag, "OK", "XLIST completed");
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
    if (item == syntax::StatusItem::deleted_storage) {
      co_return s.reply(tag, "BAD", "STATUS item not supported");
    }
  }
  // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
  if (std::find(cmd.items.begin(), cmd.items.end(), syntax::StatusItem::highestmodseq) != cmd.items.end()) {
    s.enable_condstore();
  }
  auto name = s.decode_mailbox(cmd.mailbox);
  if (!name) co_return s.reply_error(tag, name.error());
  auto request7 = actors::OpenMailbox{*name, {}};
  auto actor = co_await s.account->ask(std::move(request7), use_awaitable);
  if (!actor) co_return s.reply_error(tag, actor.error());
  auto request8 = actors::Status{};
  auto st = co_await (*actor)->ask(std::move(request8), use_awaitable);
  if (!st) co_return s.reply_error(tag, st.error());
  write_status(s, *name, cmd.items, **actor, *st);
  s.reply(tag, "OK", "STATUS completed");
}

asio::awaitable<void> namespace_(Session& s, std::string_view tag) {
  s.out.untagged().atom("NAMESPACE").open().open().quoted("").quoted("/").close().close().nil().nil().end();
  s.reply(tag, "OK", "NAMESPACE completed");
  co_return;
}

asio::awaitable<void> list_selected(Session& s, const std::string& name) {
  // RFC 9051 §6.3.2: the LIST response of the mailbox just selected, attributes as LIST would give them.
  auto request = actors::ListMailboxes{};
  auto mailboxes = co_await s.account->ask(std::move(request), use_awaitable);
  if (!mailboxes) co_return;  // the mailbox is selected; a list failure only leaves this line out
  Tree tree(mailboxes->mailboxes);
  Listed l;
  l.name = name;
  l.exists = true;
  l.has_children = tree.has_children(name);
  l.special_use = tree.use(name);
  write_listed(s, "LIST", l);
}

}  // namespace imap::commands
