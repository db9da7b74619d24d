// Mailbox commands: SELECT/EXAMINE (RFC 4466 select-params, RFC 7162 CONDSTORE and QRESYNC), CREATE (RFC 6154
// USE), RENAME, LIST (RFC 3501 and RFC 5258/5819/6154 extended forms), LSUB, XLIST (Gmail), STATUS and APPEND.
#include <array>
#include <utility>

#include "imap/syntax/parser_internal.h"

namespace imap::syntax::detail {
namespace {

bool is_label_first(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_' || ch == '.';
}

// tagged-ext-label = tagged-label-fchar *tagged-label-char
base::Result<std::string_view> ext_label(Cursor& c, std::string_view what) {
  const std::size_t start = c.pos();
  if (!is_label_first(c.peek())) return c.error("expected " + std::string(what));
  while (is_label_first(c.peek()) || (c.peek() >= '0' && c.peek() <= '9') || c.peek() == ':') c.seek(c.pos() + 1);
  return c.since(start);
}

bool starts_ext_value(char ch) { return ch == '(' || (ch >= '0' && ch <= '9') || ch == '*' || ch == '$'; }

// name [SP value] where the value is a tagged-ext-val, kept raw.
base::Result<ExtParam> ext_param(Cursor& c, std::string_view what) {
  ExtParam p;
  SB_TRY(p.name, ext_label(c, what));
  if (c.peek() == ' ' && starts_ext_value(c.peek_at(1))) {
    c.eat(' ');
    SB_TRY(p.value, c.ext_value(what));
  }
  return p;
}

// QRESYNC SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"  (RFC 7162 §3.2.5)
// Fills q in place (GCC 12 misreports optional<vector> members of a moved Result as uninitialised).
base::Status qresync_params(Cursor& c, QresyncParams& q) {
  SB_CHECK(c.sp("QRESYNC"));
  SB_CHECK(c.expect('(', "'(' after QRESYNC"));
  SB_TRY(q.uidvalidity, c.nz_number("UIDVALIDITY"));
  SB_CHECK(c.sp("UIDVALIDITY"));
  SB_TRY(q.modseq, c.nz_number64("mod-sequence"));
  if (c.eat(' ') && c.peek() != '(') {
    SB_TRY(SequenceSet known, c.sequence_set("known UIDs", false));
    q.known_uids = std::move(known);
    if (!c.eat(' ')) {
      return c.expect(')', "')' after QRESYNC parameters");
    }
  }
  if (c.eat('(')) {
    SB_TRY(SequenceSet seqs, c.sequence_set("known sequence set", false));
    SB_CHECK(c.sp("known sequence set"));
    SB_TRY(SequenceSet uids, c.sequence_set("known UID set", false));
    SB_CHECK(c.expect(')', "')' after known UID set"));
    q.seq_match.emplace(std::move(seqs), std::move(uids));
  }
  return c.expect(')', "')' after QRESYNC parameters");
}

// USE SP "(" [use-attr *(SP use-attr)] ")"; the RFC 6154 attributes are normalised to their canonical spelling.
base::Status use_attrs(Cursor& c, std::vector<std::string_view>& out) {
  static constexpr std::array<std::string_view, 7> kUse = {"\\All",  "\\Archive", "\\Drafts", "\\Flagged",
                                                           "\\Junk", "\\Sent",    "\\Trash"};
  SB_CHECK(c.sp("USE"));
  SB_CHECK(c.expect('(', "'(' after USE"));
  while (!c.eat(')')) {
    if (!out.empty()) SB_CHECK(c.sp("special-use attribute"));
    const std::size_t start = c.pos();
    SB_CHECK(c.expect('\\', "special-use attribute"));
    SB_TRY(auto name, c.atom("special-use attribute"));
    (void)name;
    std::string_view attr = c.since(start);
    for (std::string_view u : kUse) {
      if (iequals(attr, u)) attr = u;
    }
    out.push_back(attr);
  }
  return base::ok();
}

// Optional SP "(" param *(SP param) ")" at the end of SELECT/EXAMINE/CREATE/RENAME; `one` parses a param.
template <class Fn>
base::Status ext_params(Cursor& c, std::string_view after, Fn one) {
  if (c.at_end()) return base::ok();
  SB_CHECK(c.sp(after));
  SB_CHECK(c.expect('(', "'(' before parameters"));
  do {
    SB_CHECK(one());
  } while (c.eat(' '));
  SB_CHECK(c.expect(')', "')' after parameters"));
  return c.end("parameters");
}

}  // namespace

BodyResult parse_select(Cursor& c, bool read_only) {
  Select s;
  s.read_only = read_only;
  SB_CHECK(c.sp(read_only ? "EXAMINE" : "SELECT"));
  SB_TRY(s.mailbox, c.mailbox());
  auto one = [&]() -> base::Status {
    const std::size_t start = c.pos();
    SB_TRY(std::string_view name, ext_label(c, "SELECT parameter"));
    if (iequals(name, "CONDSTORE")) {
      s.condstore = true;
    } else if (iequals(name, "QRESYNC")) {
      if (s.qresync) return c.error("duplicate QRESYNC parameter");
      SB_CHECK(qresync_params(c, s.qresync.emplace()));
    } else {
      c.seek(start);
      SB_TRY(ExtParam p, ext_param(c, "SELECT parameter"));
      s.other_params.push_back(p);
    }
    return base::ok();
  };
  SB_CHECK(ext_params(c, "mailbox", one));
  return CommandBody(std::move(s));
}

BodyResult parse_create(Cursor& c) {
  Create cr;
  SB_CHECK(c.sp("CREATE"));
  SB_TRY(cr.mailbox, c.mailbox());
  auto one = [&]() -> base::Status {
    const std::size_t start = c.pos();
    SB_TRY(std::string_view name, ext_label(c, "CREATE parameter"));
    if (iequals(name, "USE")) return use_attrs(c, cr.special_use);
    c.seek(start);
    SB_TRY(ExtParam p, ext_param(c, "CREATE parameter"));
    cr.other_params.push_back(p);
    return base::ok();
  };
  SB_CHECK(ext_params(c, "mailbox", one));
  return CommandBody(std::move(cr));
}

BodyResult parse_rename(Cursor& c) {
  Rename r;
  SB_CHECK(c.sp("RENAME"));
  SB_TRY(r.from, c.mailbox("existing mailbox name"));
  SB_CHECK(c.sp("existing mailbox name"));
  SB_TRY(r.to, c.mailbox("new mailbox name"));
  auto one = [&]() -> base::Status {
    SB_TRY(ExtParam p, ext_param(c, "RENAME parameter"));
    r.params.push_back(p);
    return base::ok();
  };
  SB_CHECK(ext_params(c, "new mailbox name", one));
  return CommandBody(std::move(r));
}

base::Result<std::vector<StatusItem>> parse_status_items(Cursor& c) {
  struct Name {
    std::string_view name;
    StatusItem item;
  };
  static constexpr std::array<Name, 11> kItems = {{
      {"MESSAGES", StatusItem::messages},       {"RECENT", StatusItem::recent},
      {"UIDNEXT", StatusItem::uidnext},         {"UIDVALIDITY", StatusItem::uidvalidity},
      {"UNSEEN", StatusItem::unseen},           {"DELETED", StatusItem::deleted},
      {"DELETED-STORAGE", StatusItem::deleted_storage}, {"SIZE", StatusItem::size},
      {"HIGHESTMODSEQ", StatusItem::highestmodseq},     {"APPENDLIMIT", StatusItem::appendlimit},
      {"MAILBOXID", StatusItem::mailboxid},
  }};
  std::vector<StatusItem> items;
  SB_CHECK(c.expect('(', "'(' before status items"));
  do {
    const std::string_view word = c.keyword();
    const Name* found = nullptr;
    for (const Name& n : kItems) {
      if (iequals(word, n.name)) found = &n;
    }
    if (found == nullptr) {
      if (word.empty()) return c.error("expected status item");
      return c.error("unknown STATUS item " + printable(word));
    }
    items.push_back(found->item);
  } while (c.eat(' '));
  SB_CHECK(c.expect(')', "')' after status items"));
  return items;
}

BodyResult parse_status(Cursor& c) {
  Status s;
  SB_CHECK(c.sp("STATUS"));
  SB_TRY(s.mailbox, c.mailbox());
  SB_CHECK(c.sp("mailbox"));
  SB_TRY(s.items, parse_status_items(c));
  SB_CHECK(c.end("status items"));
  return CommandBody(std::move(s));
}

BodyResult parse_lsub(Cursor& c) {
  Lsub l;
  SB_CHECK(c.sp("LSUB"));
  SB_TRY(l.reference, c.astring("reference name"));
  SB_CHECK(c.sp("reference name"));
  SB_TRY(l.pattern, c.list_mailbox());
  SB_CHECK(c.end("mailbox pattern"));
  return CommandBody(l);
}

BodyResult parse_xlist(Cursor& c) {
  Xlist x;
  SB_CHECK(c.sp("XLIST"));
  SB_TRY(x.reference, c.astring("reference name"));
  SB_CHECK(c.sp("reference name"));
  SB_TRY(x.pattern, c.list_mailbox());
  SB_CHECK(c.end("mailbox pattern"));
  return CommandBody(x);
}

namespace {

// "(" [list-select-opt *(SP list-select-opt)] ")" (RFC 5258 §6, RFC 6154 SPECIAL-USE)
base::Status list_select_opts(Cursor& c, List& l) {
  SB_CHECK(c.expect('(', "'('"));
  bool first = true;
  while (!c.eat(')')) {
    if (!first) SB_CHECK(c.sp("selection option"));
    first = false;
    const std::string_view opt = c.keyword();
    if (iequals(opt, "SUBSCRIBED")) {
      l.select_subscribed = true;
    } else if (iequals(opt, "REMOTE")) {
      l.select_remote = true;
    } else if (iequals(opt, "RECURSIVEMATCH")) {
      l.select_recursive_match = true;
    } else if (iequals(opt, "SPECIAL-USE")) {
      l.select_special_use = true;
    } else {
      return c.error(opt.empty() ? "expected LIST selection option" : "unknown LIST selection option " + printable(opt));
    }
  }
  // RECURSIVEMATCH modifies a base option; alone (or with only REMOTE) it is BAD (RFC 5258 §3).
  if (l.select_recursive_match && !l.select_subscribed) return c.error("RECURSIVEMATCH needs SUBSCRIBED");
  return base::ok();
}

// "RETURN" SP "(" [return-option *(SP return-option)] ")"
base::Status list_return_opts(Cursor& c, List& l) {
  if (!iequals(c.keyword(), "RETURN")) return c.error("expected RETURN");
  SB_CHECK(c.sp("RETURN"));
  SB_CHECK(c.expect('(', "'(' after RETURN"));
  bool first = true;
  while (!c.eat(')')) {
    if (!first) SB_CHECK(c.sp("return option"));
    first = false;
    const std::string_view opt = c.keyword();
    if (iequals(opt, "SUBSCRIBED")) {
      l.return_subscribed = true;
    } else if (iequals(opt, "CHILDREN")) {
      l.return_children = true;
    } else if (iequals(opt, "SPECIAL-USE")) {
      l.return_special_use = true;
    } else if (iequals(opt, "STATUS")) {
      SB_CHECK(c.sp("STATUS"));
      SB_TRY(std::vector<StatusItem> items, parse_status_items(c));
      l.return_status = std::move(items);
    } else {
      return c.error(opt.empty() ? "expected LIST return option" : "unknown LIST return option " + printable(opt));
    }
  }
  return base::ok();
}

}  // namespace

BodyResult parse_list(Cursor& c) {
  List l;
  SB_CHECK(c.sp("LIST"));
  if (c.peek() == '(') {
    l.extended = true;
    SB_CHECK(list_select_opts(c, l));
    SB_CHECK(c.sp("selection options"));
  }
  SB_TRY(l.reference, c.astring("reference name"));
  SB_CHECK(c.sp("reference name"));
  if (c.eat('(')) {
    // patterns = "(" list-mailbox *(SP list-mailbox) ")"
    l.extended = true;
    do {
      SB_TRY(std::string_view p, c.list_mailbox());
      l.patterns.push_back(p);
    } while (c.eat(' '));
    SB_CHECK(c.expect(')', "')' after mailbox patterns"));
  } else {
    SB_TRY(std::string_view p, c.list_mailbox());
    l.patterns.push_back(p);
  }
  if (c.eat(' ')) {
    l.extended = true;
    SB_CHECK(list_return_opts(c, l));
  }
  SB_CHECK(c.end("LIST arguments"));
  return CommandBody(std::move(l));
}

// APPEND (RFC 3501 §6.3.11, MULTIAPPEND RFC 3502, BINARY RFC 3516, UTF8 RFC 6855):
//
//   append         = "APPEND" SP mailbox 1*append-message
//   append-message = [SP flag-list] [SP date-time] SP append-data
//   append-data    = literal / literal8 / "UTF8" SP "(" literal8 ")"
//
// The bodies are not in the line (CommandReader streams them out), so each append-data is only its announcement:
// "{n}" CRLF, "{n+}" CRLF, "~{n}" CRLF or "~{n+}" CRLF, with nothing after the CRLF but the rest of the command.
BodyResult parse_append(Cursor& c) {
  Append a;
  SB_CHECK(c.sp("APPEND"));
  SB_TRY(a.mailbox, c.mailbox());
  do {
    SB_CHECK(c.sp(a.messages.empty() ? "mailbox" : "message"));
    AppendMessage m;
    if (c.peek() == '(') {
      SB_TRY(m.flags, c.flag_list());
      SB_CHECK(c.sp("flag list"));
    }
    if (c.peek() == '"') {
      SB_TRY(DateTime dt, c.date_time());
      m.internal_date = dt;
      SB_CHECK(c.sp("date-time"));
    }
    LiteralHeader h;
    if (c.peek() == '{' || c.peek() == '~') {
      SB_TRY(h, c.literal_header(true));
    } else if (iequals(c.keyword(), "UTF8")) {
      SB_CHECK(c.sp("UTF8"));
      SB_CHECK(c.expect('(', "'(' after UTF8"));
      if (c.peek() != '~') return c.error("expected literal8 after UTF8 (");
      SB_TRY(h, c.literal_header(true));
      SB_CHECK(c.expect(')', "')' after UTF8 literal"));
      m.utf8 = true;
    } else {
      return c.error("expected message literal");
    }
    m.size = h.size;
    m.literal8 = h.literal8;
    a.messages.push_back(std::move(m));
  } while (!c.at_end());
  return CommandBody(std::move(a));
}

}  // namespace imap::syntax::detail
