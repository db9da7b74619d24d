#include "bench/sealbox_bench/imap_response.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sealbox_bench {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

template <typename T>
std::optional<T> to_number(std::string_view s) {
  T value{};
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// The size announced by a trailing "{n}" or "~{n}" on `line`, or nullopt.
std::optional<std::uint64_t> trailing_literal(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const auto open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  return to_number<std::uint64_t>(line.substr(open + 1, line.size() - open - 2));
}

// A parsed value: an atom/number/string/literal, or a parenthesised list.
struct Value {
  bool list = false;
  std::string atom;  // atom text, quoted string content, or "{n}" for a literal
  std::vector<Value> items;
};

// Tokenises the response text after the command words, literals being "{n}" / "~{n}" placeholders.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool at_end() {
    skip_spaces();
    return i_ >= s_.size();
  }
  // One value; nullopt on malformed input.
  std::optional<Value> value(int depth = 0) {
    skip_spaces();
    if (i_ >= s_.size() || depth > 32) return std::nullopt;
    Value v;
    const char c = s_[i_];
    if (c == '(') {
      ++i_;
      v.list = true;
      for (;;) {
        skip_spaces();
        if (i_ >= s_.size()) return std::nullopt;
        if (s_[i_] == ')') {
          ++i_;
          return v;
        }
        auto item = value(depth + 1);
        if (!item) return std::nullopt;
        v.items.push_back(std::move(*item));
      }
    }
    if (c == ')') return std::nullopt;
    if (c == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        v.atom.push_back(s_[i_++]);
      }
      if (i_ >= s_.size()) return std::nullopt;
      ++i_;
      return v;
    }
    // Atom, number, literal placeholder, or a fetch item name whose [section] may hold spaces and parentheses.
    int brackets = 0;
    while (i_ < s_.size()) {
      const char d = s_[i_];
      if (d == '[') ++brackets;
      if (d == ']') --brackets;
      if (brackets <= 0 && (d == ' ' || d == '(' || d == ')')) break;
      v.atom.push_back(d);
      ++i_;
    }
    if (v.atom.empty()) return std::nullopt;
    return v;
  }
  std::string_view rest() {
    skip_spaces();
    return s_.substr(i_);
  }

 private:
  void skip_spaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  std::string_view s_;
  std::size_t i_ = 0;
};

// Reads "[CODE args]" at the start of status text into `r`.
void parse_code(std::string_view text, Response& r) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.empty() || text.front() != '[') return;
  const auto close = text.find(']');
  if (close == std::string_view::npos) return;
  std::vector<std::string> words;
  std::string_view inner = text.substr(1, close - 1);
  while (!inner.empty()) {
    const auto sp = inner.find(' ');
    words.emplace_back(inner.substr(0, sp));
    if (sp == std::string_view::npos) break;
    inner.remove_prefix(sp + 1);
  }
  if (words.empty()) return;
  const std::string code = upper(words[0]);
  if (code == "CAPABILITY") {
    for (std::size_t i = 1; i < words.size(); ++i) r.capabilities.push_back(upper(words[i]));
  } else if (code == "HIGHESTMODSEQ" && words.size() == 2) {
    r.modseq = to_number<std::uint64_t>(words[1]);
  } else if (code == "UIDVALIDITY" && words.size() == 2) {
    r.uid_validity = to_number<std::uint32_t>(words[1]);
  } else if (code == "UIDNEXT" && words.size() == 2) {
    r.uid_next = to_number<std::uint32_t>(words[1]);
  } else if (code == "APPENDUID" && words.size() == 3) {
    r.uid_validity = to_number<std::uint32_t>(words[1]);
    r.append_uid = to_number<std::uint32_t>(words[2]);  // nullopt for a set (MULTIAPPEND)
  }
}

bool parse_fetch(std::string_view rest, Response& r, std::string& error) {
  Reader in(rest);
  auto list = in.value();
  if (!list || !list->list || !in.at_end() || list->items.size() % 2 != 0) {
    error = "malformed FETCH";
    return false;
  }
  for (std::size_t i = 0; i < list->items.size(); i += 2) {
    const Value& name = list->items[i];
    const Value& val = list->items[i + 1];
    if (name.list) {
      error = "malformed FETCH item name";
      return false;
    }
    const std::string key = upper(name.atom);
    if (key == "UID") {
      r.uid = to_number<std::uint32_t>(val.atom);
      if (val.list || !r.uid) {
        error = "malformed FETCH UID";
        return false;
      }
    } else if (key == "FLAGS") {
      if (!val.list) {
        error = "malformed FETCH FLAGS";
        return false;
      }
      std::vector<std::string> flags;
      for (const Value& f : val.items) flags.push_back(f.atom);
      r.flags = std::move(flags);
    } else if (key == "MODSEQ") {
      if (!val.list || val.items.size() != 1 || !(r.modseq = to_number<std::uint64_t>(val.items[0].atom))) {
        error = "malformed FETCH MODSEQ";
        return false;
      }
    }
  }
  return true;
}

bool parse_esearch(std::string_view rest, Response& r, std::string& error) {
  Reader in(rest);
  while (!in.at_end()) {
    auto word = in.value();
    if (!word) {
      error = "malformed ESEARCH";
      return false;
    }
    if (word->list) continue;  // (TAG "a1")
    const std::string key = upper(word->atom);
    if (key == "UID") {
      r.uid_results = true;
      continue;
    }
    auto val = in.value();
    if (!val || val->list) {
      error = "malformed ESEARCH " + key;
      return false;
    }
    if (key == "COUNT") r.count = to_number<std::uint32_t>(val->atom);
    if (key == "MIN") r.min = to_number<std::uint32_t>(val->atom);
    if (key == "MAX") r.max = to_number<std::uint32_t>(val->atom);
    if (key == "MODSEQ") r.modseq = to_number<std::uint64_t>(val->atom);
    if (key == "ALL") {
      auto set = parse_number_set(val->atom);
      if (!set) {
        error = "malformed ESEARCH ALL";
        return false;
      }
      r.numbers = std::move(*set);
    }
  }
  return true;
}

}  // namespace

const char* to_string(ResponseKind kind) {
  switch (kind) {
    case ResponseKind::tagged: return "tagged";
    case ResponseKind::continuation: return "continuation";
    case ResponseKind::status: return "status";
    case ResponseKind::exists: return "exists";
    case ResponseKind::expunge: return "expunge";
    case ResponseKind::vanished: return "vanished";
    case ResponseKind::fetch: return "fetch";
    case ResponseKind::search: return "search";
    case ResponseKind::esearch: return "esearch";
    case ResponseKind::capability: return "capability";
    case ResponseKind::other: return "other";
  }
  return "?";
}

std::optional<std::vector<std::uint32_t>> parse_number_set(std::string_view set) {
  std::vector<std::uint32_t> out;
  while (!set.empty()) {
    const auto comma = set.find(',');
    const std::string_view part = set.substr(0, comma);
    const auto colon = part.find(':');
    auto a = to_number<std::uint32_t>(part.substr(0, colon));
    auto b = colon == std::string_view::npos ? a : to_number<std::uint32_t>(part.substr(colon + 1));
    if (!a || !b || *a == 0 || *b == 0) return std::nullopt;
    const std::uint32_t lo = std::min(*a, *b), hi = std::max(*a, *b);
    if (out.size() + (hi - lo) + 1 > kMaxSetSize) return std::nullopt;
    for (std::uint64_t n = lo; n <= hi; ++n) out.push_back(static_cast<std::uint32_t>(n));
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
    if (set.empty()) return std::nullopt;
  }
  return out;
}

std::optional<Response> parse_response(std::string text, std::string& error) {
  Response r;
  r.text = std::move(text);
  const std::string_view t = r.text;
  if (t.starts_with("+")) {
    r.kind = ResponseKind::continuation;
    return r;
  }
  const auto sp1 = t.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) {
    error = "malformed response: '" + r.text.substr(0, 200) + "'";
    return std::nullopt;
  }
  const std::string_view first = t.substr(0, sp1);
  std::string_view after = t.substr(sp1 + 1);
  const auto sp2 = after.find(' ');
  const std::string_view word = after.substr(0, sp2);
  const std::string_view rest = sp2 == std::string_view::npos ? std::string_view() : after.substr(sp2 + 1);
  const std::string w = upper(word);
  if (first != "*") {
    r.kind = ResponseKind::tagged;
    r.tag = std::string(first);
    r.status = w;
    if (w != "OK" && w != "NO" && w != "BAD") {
      error = "malformed tagged response: '" + r.text.substr(0, 200) + "'";
      return std::nullopt;
    }
    parse_code(rest, r);
    return r;
  }
  if (auto n = to_number<std::uint32_t>(word)) {
    const auto sp3 = rest.find(' ');
    const std::string what = upper(rest.substr(0, sp3));
    r.number = *n;
    if (what == "EXISTS") {
      r.kind = ResponseKind::exists;
    } else if (what == "EXPUNGE") {
      r.kind = ResponseKind::expunge;
      if (*n == 0) {
        error = "EXPUNGE of sequence number 0";
        return std::nullopt;
      }
    } else if (what == "FETCH") {
      r.kind = ResponseKind::fetch;
      if (*n == 0 || sp3 == std::string_view::npos || !parse_fetch(rest.substr(sp3 + 1), r, error)) {
        if (error.empty()) error = "malformed FETCH";
        error += ": '" + r.text.substr(0, 200) + "'";
        return std::nullopt;
      }
    }
    return r;  // n RECENT and the like stay `other`
  }
  if (w == "OK" || w == "NO" || w == "BAD" || w == "BYE" || w == "PREAUTH") {
    r.kind = ResponseKind::status;
    r.status = w;
    parse_code(rest, r);
  } else if (w == "CAPABILITY") {
    r.kind = ResponseKind::capability;
    Reader in(rest);
    while (!in.at_end()) {
      auto v = in.value();
      if (!v || v->list) {
        error = "malformed CAPABILITY";
        return std::nullopt;
      }
      r.capabilities.push_back(upper(v->atom));
    }
  } else if (w == "VANISHED") {
    r.kind = ResponseKind::vanished;
    std::string_view set = rest;
    if (upper(set.substr(0, 9)) == "(EARLIER)") {
      r.earlier = true;
      set.remove_prefix(std::min<std::size_t>(set.size(), 10));
    }
    auto uids = parse_number_set(set);
    if (!uids) {
      error = "malformed VANISHED: '" + r.text.substr(0, 200) + "'";
      return std::nullopt;
    }
    r.numbers = std::move(*uids);
  } else if (w == "SEARCH") {
    r.kind = ResponseKind::search;
    Reader in(rest);
    while (!in.at_end()) {
      auto v = in.value();
      std::optional<std::uint32_t> n;
      if (v && v->list && v->items.size() == 2 && upper(v->items[0].atom) == "MODSEQ") {
        r.modseq = to_number<std::uint64_t>(v->items[1].atom);
        continue;
      }
      if (!v || v->list || !(n = to_number<std::uint32_t>(v->atom))) {
        error = "malformed SEARCH: '" + r.text.substr(0, 200) + "'";
        return std::nullopt;
      }
      r.numbers.push_back(*n);
    }
  } else if (w == "ESEARCH") {
    r.kind = ResponseKind::esearch;
    if (!parse_esearch(rest, r, error)) return std::nullopt;
  }
  return r;
}

void ImapResponseParser::feed(std::string_view bytes) {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::optional<Response> ImapResponseParser::next() {
  while (!failed()) {
    if (skip_ > 0) {
      const std::uint64_t n = std::min<std::uint64_t>(skip_, buf_.size() - pos_);
      pos_ += n;
      skip_ -= n;
      literal_total_ += n;
      if (skip_ > 0) break;
    }
    const auto crlf = buf_.find("\r\n", pos_);
    if (crlf == std::string::npos) {
      if (pending_.size() + buf_.size() - pos_ > kMaxLineBytes) error_ = "response line longer than the limit";
      break;
    }
    const std::string_view line(buf_.data() + pos_, crlf - pos_);
    if (pending_.size() + line.size() > kMaxLineBytes) {
      error_ = "response line longer than the limit";
      break;
    }
    pending_.append(line);
    pos_ = crlf + 2;
    if (auto literal = trailing_literal(line)) {
      if (*literal > kMaxLiteralBytes) {
        error_ = "literal larger than the limit";
        break;
      }
      skip_ = *literal;
      continue;
    }
    std::string text = std::move(pending_);
    pending_.clear();
    auto r = parse_response(std::move(text), error_);
    if (!r) break;
    r->literal_bytes = literal_total_;
    literal_total_ = 0;
    // Keep the buffer from growing without bound: drop consumed bytes once they dominate.
    if (pos_ > 65536 && pos_ * 2 > buf_.size()) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return r;
  }
  return std::nullopt;
}

}  // namespace sealbox_bench
