// SEARCH and UID SEARCH (RFC 3501 §6.4.4 and §9 search-key, RFC 4466/4731 RETURN, RFC 5182 SAVE and "$", RFC 7162
// MODSEQ, RFC 5032 OLDER/YOUNGER, RFC 8474 EMAILID/THREADID, RFC 8514 SAVED*):
//
//   search         = "SEARCH" [SP "RETURN" SP "(" [opt *(SP opt)] ")"] SP ["CHARSET" SP charset SP]
//                    search-key *(SP search-key)
#include <array>
#include <utility>

#include "imap/syntax/parser_internal.h"

namespace imap::syntax::detail {
namespace {

using Kind = SearchKey::Kind;

enum class Arg { none, astring, header, keyword, objectid, date, number64, nz_number, modseq, not_, or_, uid };

struct KeyDef {
  std::string_view name;
  Kind kind;
  Arg arg;
};

constexpr std::array<KeyDef, 44> kKeys = {{
    {"ALL", Kind::all, Arg::none},
    {"ANSWERED", Kind::answered, Arg::none},
    {"DELETED", Kind::deleted, Arg::none},
    {"DRAFT", Kind::draft, Arg::none},
    {"FLAGGED", Kind::flagged, Arg::none},
    {"NEW", Kind::new_, Arg::none},
    {"OLD", Kind::old, Arg::none},
    {"RECENT", Kind::recent, Arg::none},
    {"SEEN", Kind::seen, Arg::none},
    {"UNANSWERED", Kind::unanswered, Arg::none},
    {"UNDELETED", Kind::undeleted, Arg::none},
    {"UNDRAFT", Kind::undraft, Arg::none},
    {"UNFLAGGED", Kind::unflagged, Arg::none},
    {"UNSEEN", Kind::unseen, Arg::none},
    {"SAVEDATESUPPORTED", Kind::savedate_supported, Arg::none},
    {"BCC", Kind::bcc, Arg::astring},
    {"BODY", Kind::body, Arg::astring},
    {"CC", Kind::cc, Arg::astring},
    {"FROM", Kind::from, Arg::astring},
    {"SUBJECT", Kind::subject, Arg::astring},
    {"TEXT", Kind::text_, Arg::astring},
    {"TO", Kind::to, Arg::astring},
    {"HEADER", Kind::header, Arg::header},
    {"KEYWORD", Kind::keyword, Arg::keyword},
    {"UNKEYWORD", Kind::unkeyword, Arg::keyword},
    {"EMAILID", Kind::emailid, Arg::objectid},
    {"THREADID", Kind::threadid, Arg::objectid},
    {"BEFORE", Kind::before, Arg::date},
    {"ON", Kind::on, Arg::date},
    {"SINCE", Kind::since, Arg::date},
    {"SENTBEFORE", Kind::sent_before, Arg::date},
    {"SENTON", Kind::sent_on, Arg::date},
    {"SENTSINCE", Kind::sent_since, Arg::date},
    {"SAVEDBEFORE", Kind::saved_before, Arg::date},
    {"SAVEDON", Kind::saved_on, Arg::date},
    {"SAVEDSINCE", Kind::saved_since, Arg::date},
    {"LARGER", Kind::larger, Arg::number64},
    {"SMALLER", Kind::smaller, Arg::number64},
    {"OLDER", Kind::older, Arg::nz_number},
    {"YOUNGER", Kind::younger, Arg::nz_number},
    {"MODSEQ", Kind::modseq, Arg::modseq},
    {"NOT", Kind::not_, Arg::not_},
    {"OR", Kind::or_, Arg::or_},
    {"UID", Kind::uid, Arg::uid},
}};

base::Result<SearchKey> search_key(Cursor& c);

// objectid = 1*255(ALPHA / DIGIT / "_" / "-")  (RFC 8474 §7)
base::Result<std::string_view> objectid(Cursor& c) {
  const std::size_t start = c.pos();
  for (char ch = c.peek(); (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                           ch == '_' || ch == '-';
       ch = c.peek()) {
    c.seek(c.pos() + 1);
  }
  const std::size_t n = c.pos() - start;
  if (n == 0 || n > 255) return c.error("invalid object id");
  return c.since(start);
}

// "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer  (RFC 7162 §3.1.5)
base::Status modseq_args(Cursor& c, SearchKey& k) {
  if (c.peek() == '"') {
    SB_TRY(k.text, c.string("MODSEQ entry name"));
    SB_CHECK(c.sp("MODSEQ entry name"));
    const std::string_view type = c.keyword();
    if (iequals(type, "priv")) {
      k.entry_type = SearchKey::EntryType::priv;
    } else if (iequals(type, "shared")) {
      k.entry_type = SearchKey::EntryType::shared;
    } else if (iequals(type, "all")) {
      k.entry_type = SearchKey::EntryType::all;
    } else {
      return c.error("invalid MODSEQ entry type");
    }
    SB_CHECK(c.sp("MODSEQ entry type"));
  }
  SB_TRY(k.number, c.number64("mod-sequence"));
  return base::ok();
}

base::Status key_args(Cursor& c, const KeyDef& def, SearchKey& k) {
  if (def.arg == Arg::none) return base::ok();
  SB_CHECK(c.sp(def.name));
  switch (def.arg) {
    case Arg::none: return base::ok();
    case Arg::astring: {
      SB_TRY(k.text, c.astring(def.name == "TEXT" ? "search text" : "search string"));
      return base::ok();
    }
    case Arg::header: {
      SB_TRY(k.field, c.astring("header field name"));
      SB_CHECK(c.sp("header field name"));
      SB_TRY(k.text, c.astring("search string"));
      return base::ok();
    }
    case Arg::keyword: {
      SB_TRY(k.text, c.atom("keyword"));
      return base::ok();
    }
    case Arg::objectid: {
      SB_TRY(k.text, objectid(c));
      return base::ok();
    }
    case Arg::date: {
      SB_TRY(k.date, c.date());
      return base::ok();
    }
    case Arg::number64: {
      SB_TRY(k.number, c.number64("size"));
      return base::ok();
    }
    case Arg::nz_number: {
      SB_TRY(std::uint32_t n, c.nz_number("interval"));
      k.number = n;
      return base::ok();
    }
    case Arg::modseq: return modseq_args(c, k);
    case Arg::not_: {
      SB_TRY(SearchKey child, search_key(c));
      k.children.push_back(std::move(child));
      return base::ok();
    }
    case Arg::or_: {
      SB_TRY(SearchKey a, search_key(c));
      SB_CHECK(c.sp("OR operand"));
      SB_TRY(SearchKey b, search_key(c));
      k.children.push_back(std::move(a));
      k.children.push_back(std::move(b));
      return base::ok();
    }
    case Arg::uid: {
      SB_TRY(k.set, c.sequence_set("UID set"));
      return base::ok();
    }
  }
  return base::ok();
}

base::Result<SearchKey> search_key_inner(Cursor& c) {
  SearchKey k;
  const char ch = c.peek();
  if (c.eat('(')) {
    k.kind = Kind::and_;
    do {
      SB_TRY(SearchKey child, search_key(c));
      k.children.push_back(std::move(child));
    } while (c.eat(' '));
    SB_CHECK(c.expect(')', "')' after search keys"));
    return k;
  }
  if ((ch >= '0' && ch <= '9') || ch == '*' || ch == '$') {
    k.kind = Kind::sequence_set;
    SB_TRY(k.set, c.sequence_set("sequence set"));
    return k;
  }
  const std::string_view word = c.keyword();
  if (word.empty()) return c.error("expected search key");
  for (const KeyDef& def : kKeys) {
    if (iequals(word, def.name)) {
      k.kind = def.kind;
      SB_CHECK(key_args(c, def, k));
      return k;
    }
  }
  return c.error("unknown SEARCH key " + printable(word));
}

// Every key, nested or not, counts against kMaxNesting: "NOT NOT NOT ..." recurses just like parentheses.
base::Result<SearchKey> search_key(Cursor& c) {
  SB_CHECK(c.enter());
  auto k = search_key_inner(c);
  c.leave();
  return k;
}

// RETURN "(" [search-return-opt *(SP search-return-opt)] ")"
base::Result<SearchReturn> return_opts(Cursor& c) {
  SearchReturn r;
  SB_CHECK(c.sp("RETURN"));
  SB_CHECK(c.expect('(', "'(' after RETURN"));
  bool first = true;
  while (!c.eat(')')) {
    if (!first) SB_CHECK(c.sp("RETURN option"));
    first = false;
    const std::string_view word = c.keyword();
    if (iequals(word, "MIN")) {
      r.min = true;
    } else if (iequals(word, "MAX")) {
      r.max = true;
    } else if (iequals(word, "ALL")) {
      r.all = true;
    } else if (iequals(word, "COUNT")) {
      r.count = true;
    } else if (iequals(word, "SAVE")) {
      r.save = true;
    } else {
      return c.error(word.empty() ? "expected RETURN option" : "unknown SEARCH RETURN option " + printable(word));
    }
  }
  return r;
}

}  // namespace

BodyResult parse_search(Cursor& c, bool uid) {
  Search s;
  s.uid = uid;
  s.key.kind = Kind::and_;
  SB_CHECK(c.sp("SEARCH"));
  std::size_t start = c.pos();
  if (iequals(c.keyword(), "RETURN") && c.peek() == ' ') {
    SB_TRY(SearchReturn r, return_opts(c));
    s.ret = r;
    SB_CHECK(c.sp("RETURN options"));
    start = c.pos();
  }
  c.seek(start);
  if (iequals(c.keyword(), "CHARSET") && c.peek() == ' ') {
    c.eat(' ');
    SB_TRY(std::string_view charset, c.astring("charset"));
    s.charset = charset;
    SB_CHECK(c.sp("charset"));
  } else {
    c.seek(start);
  }
  do {
    SB_TRY(SearchKey k, search_key(c));
    s.key.children.push_back(std::move(k));
  } while (c.eat(' '));
  SB_CHECK(c.end("search keys"));
  return CommandBody(std::move(s));
}

}  // namespace imap::syntax::detail
