// Parser::parse: the tag, the command name (and UID prefix), dispatch to the grammar areas, and the commands whose
// arguments are too small to deserve a file of their own (AUTHENTICATE, LOGIN, ENABLE, ID, COPY/MOVE, ...).
#include "imap/syntax/parser.h"

#include <array>
#include <memory>
#include <utility>

#include "imap/syntax/cursor.h"
#include "imap/syntax/parser_internal.h"

namespace imap::syntax {

using detail::BodyResult;
using detail::Cursor;
using detail::iequals;

struct OwnedCommand::Storage {
  std::string line;
  Parser parser;
  Command command;
};

namespace {

// A command without arguments: only the end of the line may follow.
template <class T>
BodyResult no_args(Cursor& c, std::string_view name) {
  SB_CHECK(c.end(name));
  return CommandBody(T{});
}

// base64 = *(4base64-char) [base64-terminal]: checked so a malformed SASL-IR is BAD, not a failed login.
bool valid_base64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const bool alnum = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (ch == '=') {
      ++pad;
    } else if (pad > 0 || !(alnum || ch == '+' || ch == '/')) {
      return false;
    }
  }
  return pad <= 2;
}

BodyResult parse_authenticate(Cursor& c) {
  SB_CHECK(c.sp("AUTHENTICATE"));
  Authenticate a;
  SB_TRY(a.mechanism, c.atom("SASL mechanism"));
  if (c.eat(' ')) {
    // initial-resp = base64 / "=" (RFC 4959); "=" is an empty response. base64 chars are all ATOM-CHARs.
    SB_TRY(std::string_view ir, c.atom("initial response"));
    if (ir == "=") {
      a.initial_response = std::string_view();
    } else if (valid_base64(ir)) {
      a.initial_response = ir;
    } else {
      return c.error("invalid base64 in initial response");
    }
  }
  SB_CHECK(c.end("AUTHENTICATE"));
  return CommandBody(a);
}

BodyResult parse_login(Cursor& c) {
  Login l;
  SB_CHECK(c.sp("LOGIN"));
  SB_TRY(l.user, c.astring("user name"));
  SB_CHECK(c.sp("user name"));
  SB_TRY(l.password, c.astring("password"));
  SB_CHECK(c.end("password"));
  return CommandBody(l);
}

BodyResult parse_xpassword(Cursor& c) {
  XPassword x;
  SB_CHECK(c.sp("XPASSWORD"));
  SB_TRY(x.old_password, c.astring("old password"));
  SB_CHECK(c.sp("old password"));
  SB_TRY(x.new_password, c.astring("new password"));
  SB_CHECK(c.end("new password"));
  return CommandBody(x);
}

BodyResult parse_enable(Cursor& c) {
  Enable e;
  SB_CHECK(c.sp("ENABLE"));
  do {
    SB_TRY(std::string_view cap, c.atom("capability"));
    e.capabilities.push_back(cap);
  } while (c.eat(' '));
  SB_CHECK(c.end("capability"));
  return CommandBody(e);
}

BodyResult parse_id(Cursor& c) {
  Id id;
  SB_CHECK(c.sp("ID"));
  if (c.eat('(')) {
    auto& params = id.params.emplace();
    while (!c.eat(')')) {
      if (!params.empty()) SB_CHECK(c.sp("ID value"));
      SB_TRY(std::string_view field, c.string("ID field"));
      SB_CHECK(c.sp("ID field"));
      SB_TRY(std::optional<std::string_view> value, c.nstring("ID value"));
      params.emplace_back(field, value);
    }
  } else {
    SB_TRY(std::optional<std::string_view> nil, c.nstring("ID parameter list"));
    if (nil) return c.error("expected ID parameter list");
  }
  SB_CHECK(c.end("ID parameters"));
  return CommandBody(id);
}

BodyResult parse_compress(Cursor& c) {
  Compress z;
  SB_CHECK(c.sp("COMPRESS"));
  SB_TRY(z.mechanism, c.atom("compression mechanism"));
  SB_CHECK(c.end("compression mechanism"));
  return CommandBody(z);
}

template <class T>
BodyResult parse_mailbox_only(Cursor& c, std::string_view name) {
  T t;
  SB_CHECK(c.sp(name));
  SB_TRY(t.mailbox, c.mailbox());
  SB_CHECK(c.end("mailbox"));
  return CommandBody(t);
}

template <class T>
BodyResult parse_copy_move(Cursor& c, bool uid, std::string_view name) {
  T t;
  t.uid = uid;
  SB_CHECK(c.sp(name));
  SB_TRY(t.set, c.sequence_set("sequence set"));
  SB_CHECK(c.sp("sequence set"));
  SB_TRY(t.mailbox, c.mailbox());
  SB_CHECK(c.end("mailbox"));
  return CommandBody(t);
}

BodyResult parse_uid_expunge(Cursor& c) {
  SB_CHECK(c.sp("UID EXPUNGE"));
  SB_TRY(SequenceSet set, c.sequence_set("UID set"));
  SB_CHECK(c.end("UID set"));
  return CommandBody(Expunge{std::move(set)});
}

BodyResult dispatch_uid(Cursor& c) {
  SB_CHECK(c.sp("UID"));
  SB_TRY(std::string_view name, c.atom("UID command"));
  if (iequals(name, "FETCH")) return detail::parse_fetch(c, true);
  if (iequals(name, "SEARCH")) return detail::parse_search(c, true);
  if (iequals(name, "STORE")) return detail::parse_store(c, true);
  if (iequals(name, "COPY")) return parse_copy_move<Copy>(c, true, "COPY");
  if (iequals(name, "MOVE")) return parse_copy_move<Move>(c, true, "MOVE");
  if (iequals(name, "EXPUNGE")) return parse_uid_expunge(c);
  return CommandBody(Unknown{name});
}

BodyResult dispatch(Cursor& c, std::string_view name) {
  using Fn = BodyResult (*)(Cursor&);
  struct Entry {
    std::string_view name;
    Fn fn;
  };
  static constexpr std::array<Entry, 33> kCommands = {{
      {"CAPABILITY", [](Cursor& x) { return no_args<Capability>(x, "CAPABILITY"); }},
      {"NOOP", [](Cursor& x) { return no_args<Noop>(x, "NOOP"); }},
      {"LOGOUT", [](Cursor& x) { return no_args<Logout>(x, "LOGOUT"); }},
      {"ID", parse_id},
      {"ENABLE", parse_enable},
      {"COMPRESS", parse_compress},
      {"STARTTLS", [](Cursor& x) { return no_args<StartTls>(x, "STARTTLS"); }},
      {"AUTHENTICATE", parse_authenticate},
      {"LOGIN", parse_login},
      {"SELECT", [](Cursor& x) { return detail::parse_select(x, false); }},
      {"EXAMINE", [](Cursor& x) { return detail::parse_select(x, true); }},
      {"CREATE", detail::parse_create},
      {"DELETE", [](Cursor& x) { return parse_mailbox_only<Delete>(x, "DELETE"); }},
      {"RENAME", detail::parse_rename},
      {"SUBSCRIBE", [](Cursor& x) { return parse_mailbox_only<Subscribe>(x, "SUBSCRIBE"); }},
      {"UNSUBSCRIBE", [](Cursor& x) { return parse_mailbox_only<Unsubscribe>(x, "UNSUBSCRIBE"); }},
      {"LIST", detail::parse_list},
      {"LSUB", detail::parse_lsub},
      {"XLIST", detail::parse_xlist},
      {"NAMESPACE", [](Cursor& x) { return no_args<Namespace>(x, "NAMESPACE"); }},
      {"STATUS", detail::parse_status},
      {"APPEND", detail::parse_append},
      {"IDLE", [](Cursor& x) { return no_args<Idle>(x, "IDLE"); }},
      {"CHECK", [](Cursor& x) { return no_args<Check>(x, "CHECK"); }},
      {"CLOSE", [](Cursor& x) { return no_args<Close>(x, "CLOSE"); }},
      {"UNSELECT", [](Cursor& x) { return no_args<Unselect>(x, "UNSELECT"); }},
      {"EXPUNGE", [](Cursor& x) { return no_args<Expunge>(x, "EXPUNGE"); }},
      {"SEARCH", [](Cursor& x) { return detail::parse_search(x, false); }},
      {"FETCH", [](Cursor& x) { return detail::parse_fetch(x, false); }},
      {"STORE", [](Cursor& x) { return detail::parse_store(x, false); }},
      {"COPY", [](Cursor& x) { return parse_copy_move<Copy>(x, false, "COPY"); }},
      {"MOVE", [](Cursor& x) { return parse_copy_move<Move>(x, false, "MOVE"); }},
      {"UID", dispatch_uid},
  }};
  for (const Entry& e : kCommands) {
    if (iequals(name, e.name)) return e.fn(c);
  }
  if (iequals(name, "XPASSWORD")) return parse_xpassword(c);  // Sealbox's own X-command (docs/cli.md)
  return CommandBody(Unknown{name});  // includes X<atom> experimental commands (RFC 3501 §6.5.1)
}

}  // namespace

base::Result<Command> Parser::parse(std::string_view line) {
  scratch_.clear();
  Cursor c(line, scratch_);
  Command cmd;
  cmd.line = line;
  SB_TRY(cmd.tag, c.tag());
  if (c.at_end()) return c.error("missing command");
  SB_CHECK(c.sp("tag"));
  SB_TRY(std::string_view name, c.atom("command name"));
  SB_TRY(cmd.body, dispatch(c, name));
  return cmd;
}

base::Result<OwnedCommand> Parser::parse_owned(std::string line) {
  auto storage = std::make_shared<OwnedCommand::Storage>();
  storage->line = std::move(line);
  SB_TRY(storage->command, storage->parser.parse(storage->line));
  return OwnedCommand(std::move(storage));
}

std::string_view Parser::tag_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && detail::is_tag_char(line[n])) ++n;
  if (n == 0 || (n < line.size() && line[n] != ' ')) return {};
  return line.substr(0, n);
}

const Command& OwnedCommand::get() const { return storage_->command; }

OwnedCommand Command::to_owned() const {
  auto owned = Parser::parse_owned(std::string(line));
  if (owned) return std::move(*owned);
  // Unreachable for a Command that came from Parser::parse (parsing is deterministic); keep the tag at least.
  auto storage = std::make_shared<OwnedCommand::Storage>();
  storage->line = std::string(line);
  storage->command.tag = Parser::tag_of(storage->line);
  storage->command.line = storage->line;
  storage->command.body = Unknown{};
  return OwnedCommand(std::move(storage));
}

bool Idle::is_done_line(std::string_view line) { return iequals(line, "DONE"); }

std::string_view Command::name() const {
  struct Namer {
    std::string_view operator()(const Capability&) const { return "CAPABILITY"; }
    std::string_view operator()(const Noop&) const { return "NOOP"; }
    std::string_view operator()(const Logout&) const { return "LOGOUT"; }
    std::string_view operator()(const Id&) const { return "ID"; }
    std::string_view operator()(const Enable&) const { return "ENABLE"; }
    std::string_view operator()(const Compress&) const { return "COMPRESS"; }
    std::string_view operator()(const StartTls&) const { return "STARTTLS"; }
    std::string_view operator()(const Authenticate&) const { return "AUTHENTICATE"; }
    std::string_view operator()(const Login&) const { return "LOGIN"; }
    std::string_view operator()(const Select& s) const { return s.read_only ? "EXAMINE" : "SELECT"; }
    std::string_view operator()(const Create&) const { return "CREATE"; }
    std::string_view operator()(const Delete&) const { return "DELETE"; }
    std::string_view operator()(const Rename&) const { return "RENAME"; }
    std::string_view operator()(const Subscribe&) const { return "SUBSCRIBE"; }
    std::string_view operator()(const Unsubscribe&) const { return "UNSUBSCRIBE"; }
    std::string_view operator()(const List&) const { return "LIST"; }
    std::string_view operator()(const Lsub&) const { return "LSUB"; }
    std::string_view operator()(const Xlist&) const { return "XLIST"; }
    std::string_view operator()(const Namespace&) const { return "NAMESPACE"; }
    std::string_view operator()(const Status&) const { return "STATUS"; }
    std::string_view operator()(const Append&) const { return "APPEND"; }
    std::string_view operator()(const Idle&) const { return "IDLE"; }
    std::string_view operator()(const Check&) const { return "CHECK"; }
    std::string_view operator()(const Close&) const { return "CLOSE"; }
    std::string_view operator()(const Unselect&) const { return "UNSELECT"; }
    std::string_view operator()(const Expunge& e) const { return e.uids ? "UID EXPUNGE" : "EXPUNGE"; }
    std::string_view operator()(const Search& s) const { return s.uid ? "UID SEARCH" : "SEARCH"; }
    std::string_view operator()(const Fetch& f) const { return f.uid ? "UID FETCH" : "FETCH"; }
    std::string_view operator()(const Store& s) const { return s.uid ? "UID STORE" : "STORE"; }
    std::string_view operator()(const Copy& x) const { return x.uid ? "UID COPY" : "COPY"; }
    std::string_view operator()(const Move& m) const { return m.uid ? "UID MOVE" : "MOVE"; }
    std::string_view operator()(const XPassword&) const { return "XPASSWORD"; }
    std::string_view operator()(const Unknown&) const { return "UNKNOWN"; }
  };
  return std::visit(Namer{}, body);
}

}  // namespace imap::syntax
