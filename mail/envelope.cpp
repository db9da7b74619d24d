// ENVELOPE construction and a lenient RFC 5322 address-list parser (groups, routes, quoted names, comments).
#include "mail/envelope.h"

namespace mail {

namespace {

constexpr std::string_view kMissingHost = ".MISSING-HOST-NAME.";

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) { return std::string_view("()<>[]:;@\\,\"").find(c) != std::string_view::npos; }

enum class Kind { word, quoted, special, end };

struct Token {
  Kind kind = Kind::end;
  std::string text;
  char special = 0;
  std::optional<std::string> comment;  // the last comment just before this token
};

// Splits an address header into words, quoted strings and specials. Comments are not tokens but ride on the next
// token; last_comment is the latest one consumed (an old-style "user@host (Real Name)" uses it as the name).
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) { advance(); }

  const Token& peek() const { return tok_; }
  Token next() {
    Token t = std::move(tok_);
    if (t.comment) last_comment = t.comment;
    advance();
    return t;
  }
  bool is(char c) const { return tok_.kind == Kind::special && tok_.special == c; }
  std::optional<std::string> last_comment;

 private:
  void advance() {
    tok_ = Token{};
    std::optional<std::string> comment;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (is_ws(c)) {
        ++i_;
      } else if (c == '(') {
        comment = read_comment();
      } else {
        break;
      }
    }
    tok_.comment = std::move(comment);
    if (i_ >= s_.size()) return;
    const char c = s_[i_];
    if (c == '"') {
      tok_.kind = Kind::quoted;
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        tok_.text += s_[i_++];
      }
      if (i_ < s_.size()) ++i_;
    } else if (c == '[') {  // domain literal, kept with its brackets
      tok_.kind = Kind::word;
      const std::size_t close = s_.find(']', i_);
      const std::size_t stop = close == std::string_view::npos ? s_.size() : close + 1;
      tok_.text = std::string(s_.substr(i_, stop - i_));
      i_ = stop;
    } else if (is_special(c)) {
      tok_.kind = Kind::special;
      tok_.special = c;
      ++i_;
    } else {
      tok_.kind = Kind::word;
      while (i_ < s_.size() && !is_ws(s_[i_]) && !is_special(s_[i_]) && s_[i_] != '(') tok_.text += s_[i_++];
    }
  }
  std::string read_comment() {
    int depth = 0;
    std::string text;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '\\' && i_ < s_.size()) {
        text += s_[i_++];
        continue;
      }
      if (c == '(' && depth++ == 0) continue;
      if (c == ')' && --depth == 0) break;
      text += c;
    }
    return text;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  Token tok_;
};

bool at_stop(const Lexer& lx, std::string_view stops) {
  const Token& t = lx.peek();
  return t.kind == Kind::end || (t.kind == Kind::special && stops.find(t.special) != std::string_view::npos);
}

// Words and quoted strings up to one of `stops`: a display name joins them with spaces, a local part or domain
// joins them as written (dots are part of words).
std::string phrase(Lexer& lx, std::string_view stops, bool spaced) {
  std::string out;
  while (!at_stop(lx, stops)) {
    Token t = lx.next();
    if (t.kind == Kind::special) continue;  // stray specials are dropped
    if (spaced && !out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

// angle-addr after the '<': [route ":"] local "@" domain ">"
Address angle_addr(Lexer& lx, std::optional<std::string> name) {
  Address a;
  a.name = std::move(name);
  if (lx.is('@')) {  // obsolete source route "@a,@b:"
    std::string route;
    while (!at_stop(lx, ":>")) {
      Token t = lx.next();
      route += t.kind == Kind::special ? std::string(1, t.special) : t.text;
    }
    if (lx.is(':')) lx.next();
    a.adl = route;
  }
  a.mailbox = phrase(lx, "@>,;", false);
  if (lx.is('@')) {
    lx.next();
    a.host = phrase(lx, ">,;", false);
  } else {
    a.host = std::string(kMissingHost);
  }
  if (lx.is('>')) lx.next();
  return a;
}

// The tokens before '<', '@', ':', ',' or ';' of one address: joined by spaces (a display name or group name)
// and joined as written (a local part, where a quoted "john doe" keeps its space).
struct Words {
  std::string spaced, local;
  bool any = false;
};

Words leading_words(Lexer& lx) {
  lx.last_comment.reset();
  Words w;
  while (!at_stop(lx, "<@:,;")) {
    Token t = lx.next();
    if (w.any) w.spaced += ' ';
    w.spaced += t.text;
    w.local += t.text;
    w.any = true;
  }
  return w;
}

// Finishes one mailbox (not a group) after leading_words(). `stops` ends a bare addr-spec's domain.
std::optional<Address> finish_mailbox(Lexer& lx, const Words& words, std::string_view stops) {
  if (lx.is('<')) {
    lx.next();
    std::optional<std::string> name;
    if (words.any) name = words.spaced;
    else if (lx.last_comment && !lx.last_comment->empty()) name = lx.last_comment;
    return angle_addr(lx, std::move(name));
  }
  if (!words.any && !lx.is('@')) return std::nullopt;
  Address a;
  a.mailbox = words.local;
  if (lx.is('@')) {
    lx.next();
    a.host = phrase(lx, stops, false);
  } else {
    a.host = std::string(kMissingHost);
  }
  if (lx.peek().comment && !lx.peek().comment->empty()) a.name = lx.peek().comment;
  else if (lx.last_comment && !lx.last_comment->empty()) a.name = lx.last_comment;
  return a;
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view value) {
  std::vector<Address> out;
  Lexer lx(value);
  while (lx.peek().kind != Kind::end) {
    if (lx.is(',') || lx.is(';') || lx.is('>')) {
      lx.next();
      continue;
    }
    // A group is a phrase followed by ':'.
    const Words words = leading_words(lx);
    if (lx.is(':')) {
      lx.next();
      out.push_back({std::nullopt, std::nullopt, words.spaced, std::nullopt});
      while (lx.peek().kind != Kind::end && !lx.is(';')) {
        if (lx.is(',')) {
          lx.next();
          continue;
        }
        if (auto m = finish_mailbox(lx, leading_words(lx), ",;")) out.push_back(std::move(*m));
        else if (!lx.is(',') && !lx.is(';')) lx.next();
      }
      if (lx.is(';')) lx.next();
      out.push_back({});
      continue;
    }
    if (auto m = finish_mailbox(lx, words, ",;")) out.push_back(std::move(*m));
    else if (!lx.is(',') && !lx.is(';')) lx.next();
  }
  return out;
}

Envelope make_envelope(const std::vector<HeaderField>& fields) {
  Envelope e;
  auto raw = [&](std::string_view name) -> std::optional<std::string> {
    if (auto v = find_field(fields, name)) return std::string(*v);
    return std::nullopt;
  };
  auto list = [&](std::string_view name) {
    if (auto v = find_field(fields, name)) return parse_address_list(*v);
    return std::vector<Address>{};
  };
  e.date = raw("Date");
  e.subject = raw("Subject");
  e.from = list("From");
  e.sender = list("Sender");
  e.reply_to = list("Reply-To");
  e.to = list("To");
  e.cc = list("Cc");
  e.bcc = list("Bcc");
  e.in_reply_to = raw("In-Reply-To");
  e.message_id = raw("Message-ID");
  if (e.sender.empty()) e.sender = e.from;
  if (e.reply_to.empty()) e.reply_to = e.from;
  return e;
}

}  // namespace mail
