// FETCH and STORE, plain and UID (RFC 3501 §6.4.5-6, RFC 3516 BINARY, RFC 4466 modifiers, RFC 7162 CHANGEDSINCE/
// VANISHED/UNCHANGEDSINCE/MODSEQ, RFC 8474 EMAILID/THREADID, RFC 8514 SAVEDATE).
#include <array>
#include <utility>

#include "imap/syntax/parser_internal.h"

namespace imap::syntax::detail {
namespace {

using Kind = FetchAtt::Kind;

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// header-list = "(" header-fld-name *(SP header-fld-name) ")"
base::Status header_list(Cursor& c, Section& s) {
  SB_CHECK(c.sp("HEADER.FIELDS"));
  SB_CHECK(c.expect('(', "'(' before header field names"));
  do {
    SB_TRY(std::string_view name, c.astring("header field name"));
    s.fields.push_back(name);
  } while (c.eat(' '));
  return c.expect(')', "')' after header field names");
}

// section = "[" [section-spec] "]"
// section-spec = section-msgtext / (section-part ["." section-text]); section-text = section-msgtext / "MIME"
base::Result<Section> section(Cursor& c) {
  Section s;
  SB_CHECK(c.expect('[', "'['"));
  bool want_text = !is_digit(c.peek());
  if (!want_text) {
    for (;;) {
      SB_TRY(std::uint32_t n, c.nz_number("section part"));
      s.part.push_back(n);
      if (c.peek() != '.') break;
      c.eat('.');
      if (!is_digit(c.peek())) {
        want_text = true;
        break;
      }
    }
  }
  if (want_text && c.peek() != ']') {
    const std::string_view word = c.keyword();
    if (iequals(word, "HEADER")) {
      s.text = Section::Text::header;
    } else if (iequals(word, "HEADER.FIELDS")) {
      s.text = Section::Text::header_fields;
      SB_CHECK(header_list(c, s));
    } else if (iequals(word, "HEADER.FIELDS.NOT")) {
      s.text = Section::Text::header_fields_not;
      SB_CHECK(header_list(c, s));
    } else if (iequals(word, "TEXT")) {
      s.text = Section::Text::text;
    } else if (iequals(word, "MIME") && !s.part.empty()) {
      s.text = Section::Text::mime;
    } else {
      return c.error("invalid section " + printable(word));
    }
  } else if (want_text && !s.part.empty()) {
    return c.error("expected section text after '.'");
  }
  SB_CHECK(c.expect(']', "']' after section"));
  return s;
}

// section-binary = "[" [section-part] "]"
base::Result<Section> section_binary(Cursor& c) {
  Section s;
  SB_CHECK(c.expect('[', "'[' after BINARY"));
  if (!c.eat(']')) {
    do {
      SB_TRY(std::uint32_t n, c.nz_number("section part"));
      s.part.push_back(n);
    } while (c.eat('.'));
    SB_CHECK(c.expect(']', "']' after section part"));
  }
  return s;
}

// partial = "<" number64 "." nz-number64 ">"
base::Status partial(Cursor& c, FetchAtt& att) {
  if (!c.eat('<')) return base::ok();
  Partial p;
  SB_TRY(p.offset, c.number64("partial offset"));
  SB_CHECK(c.expect('.', "'.' in partial range"));
  SB_TRY(p.count, c.nz_number64("partial length"));
  SB_CHECK(c.expect('>', "'>' after partial range"));
  att.partial = p;
  return base::ok();
}

base::Result<FetchAtt> fetch_att(Cursor& c) {
  struct Simple {
    std::string_view name;
    Kind kind;
  };
  static constexpr std::array<Simple, 13> kSimple = {{
      {"ENVELOPE", Kind::envelope},           {"FLAGS", Kind::flags},
      {"INTERNALDATE", Kind::internal_date},  {"RFC822", Kind::rfc822},
      {"RFC822.HEADER", Kind::rfc822_header}, {"RFC822.TEXT", Kind::rfc822_text},
      {"RFC822.SIZE", Kind::rfc822_size},     {"BODYSTRUCTURE", Kind::bodystructure},
      {"UID", Kind::uid},                     {"MODSEQ", Kind::modseq},
      {"EMAILID", Kind::emailid},             {"THREADID", Kind::threadid},
      {"SAVEDATE", Kind::savedate},
  }};
  const std::string_view word = c.keyword();
  FetchAtt att;
  for (const Simple& s : kSimple) {
    if (iequals(word, s.name)) {
      att.kind = s.kind;
      return att;
    }
  }
  if (iequals(word, "BODY") && c.peek() != '[') {
    att.kind = Kind::body;
    return att;
  }
  if (iequals(word, "BODY") || iequals(word, "BODY.PEEK")) {
    att.kind = Kind::body_section;
    att.peek = word.size() > 4;
    SB_TRY(att.section, section(c));
    SB_CHECK(partial(c, att));
    return att;
  }
  if (iequals(word, "BINARY") || iequals(word, "BINARY.PEEK")) {
    att.kind = Kind::binary;
    att.peek = word.size() > 6;
    SB_TRY(att.section, section_binary(c));
    SB_CHECK(partial(c, att));
    return att;
  }
  if (iequals(word, "BINARY.SIZE")) {
    att.kind = Kind::binary_size;
    SB_TRY(att.section, section_binary(c));
    return att;
  }
  if (word.empty()) return c.error("expected FETCH item");
  return c.error("unknown FETCH item " + printable(word));
}

// The RFC 3501 macros: FAST, ALL (FAST + ENVELOPE) and FULL (ALL + BODY), in the order RFC 3501 §6.4.5 lists them.
bool expand_macro(std::string_view word, std::vector<FetchAtt>& items) {
  const bool fast = iequals(word, "FAST"), all = iequals(word, "ALL"), full = iequals(word, "FULL");
  if (!fast && !all && !full) return false;
  for (Kind k : {Kind::flags, Kind::internal_date, Kind::rfc822_size}) items.push_back(FetchAtt{k, false, {}, {}});
  if (all || full) items.push_back(FetchAtt{Kind::envelope, false, {}, {}});
  if (full) items.push_back(FetchAtt{Kind::body, false, {}, {}});
  return true;
}

// fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"
base::Status fetch_modifiers(Cursor& c, Fetch& f) {
  SB_CHECK(c.expect('(', "'(' before FETCH modifiers"));
  do {
    const std::string_view word = c.keyword();
    if (iequals(word, "CHANGEDSINCE") && !f.changed_since) {
      SB_CHECK(c.sp("CHANGEDSINCE"));
      SB_TRY(std::uint64_t m, c.nz_number64("mod-sequence"));
      f.changed_since = m;
    } else if (iequals(word, "VANISHED") && !f.vanished) {
      f.vanished = true;
    } else {
      return c.error(word.empty() ? "expected FETCH modifier" : "invalid FETCH modifier " + printable(word));
    }
  } while (c.eat(' '));
  SB_CHECK(c.expect(')', "')' after FETCH modifiers"));
  // RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only together with CHANGEDSINCE.
  if (f.vanished && !f.uid) return c.error("VANISHED requires UID FETCH");
  if (f.vanished && !f.changed_since) return c.error("VANISHED requires CHANGEDSINCE");
  return base::ok();
}

}  // namespace

BodyResult parse_fetch(Cursor& c, bool uid) {
  Fetch f;
  f.uid = uid;
  SB_CHECK(c.sp("FETCH"));
  SB_TRY(f.set, c.sequence_set("sequence set"));
  SB_CHECK(c.sp("sequence set"));
  if (c.eat('(')) {
    do {
      SB_TRY(FetchAtt att, fetch_att(c));
      f.items.push_back(std::move(att));
    } while (c.eat(' '));
    SB_CHECK(c.expect(')', "')' after FETCH items"));
  } else {
    const std::size_t start = c.pos();
    if (!expand_macro(c.keyword(), f.items)) {
      c.seek(start);
      SB_TRY(FetchAtt att, fetch_att(c));
      f.items.push_back(std::move(att));
    }
  }
  if (c.eat(' ')) SB_CHECK(fetch_modifiers(c, f));
  SB_CHECK(c.end("FETCH items"));
  return CommandBody(std::move(f));
}

BodyResult parse_store(Cursor& c, bool uid) {
  Store s;
  s.uid = uid;
  SB_CHECK(c.sp("STORE"));
  SB_TRY(s.set, c.sequence_set("sequence set"));
  SB_CHECK(c.sp("sequence set"));
  if (c.eat('(')) {
    // store-modifiers; RFC 7162 defines UNCHANGEDSINCE (mod-sequence-valzer: 0 allowed), at most once.
    do {
      const std::string_view word = c.keyword();
      if (!iequals(word, "UNCHANGEDSINCE") || s.unchanged_since) {
        return c.error(word.empty() ? "expected STORE modifier" : "invalid STORE modifier " + printable(word));
      }
      SB_CHECK(c.sp("UNCHANGEDSINCE"));
      SB_TRY(std::uint64_t m, c.number64("mod-sequence"));
      s.unchanged_since = m;
    } while (c.eat(' '));
    SB_CHECK(c.expect(')', "')' after STORE modifiers"));
    SB_CHECK(c.sp("STORE modifiers"));
  }
  if (c.eat('+')) {
    s.mode = Store::Mode::add;
  } else if (c.eat('-')) {
    s.mode = Store::Mode::remove;
  }
  const std::string_view word = c.keyword();
  if (iequals(word, "FLAGS.SILENT")) {
    s.silent = true;
  } else if (!iequals(word, "FLAGS")) {
    return c.error(word.empty() ? "expected FLAGS" : "invalid STORE item " + printable(word));
  }
  SB_CHECK(c.sp("FLAGS"));
  if (c.peek() == '(') {
    SB_TRY(s.flags, c.flag_list());
  } else {
    do {
      SB_TRY(std::string_view f, c.flag());
      s.flags.push_back(f);
    } while (c.eat(' '));
  }
  SB_CHECK(c.end("flags"));
  return CommandBody(std::move(s));
}

}  // namespace imap::syntax::detail
