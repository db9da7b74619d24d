// Parser: FETCH and UID FETCH (every item, macros, sections, partials, BINARY, modifiers) and STORE / UID STORE
// (modes, .SILENT, flag lists and single flags, UNCHANGEDSINCE). Every command is framed whole, split and byte by
// byte first.
#include <boost/test/unit_test.hpp>

#include <deque>
#include <string>

#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;
using SV = std::vector<std::string_view>;
using K = FetchAtt::Kind;
using T = Section::Text;

FetchAtt att(K kind) { return FetchAtt{kind, false, {}, {}}; }
FetchAtt body(bool peek, Section s, std::optional<Partial> p = {}) { return FetchAtt{K::body_section, peek, s, p}; }

// The single item of "a1 FETCH 1 <item>".
FetchAtt one(const std::string& item) {
  const auto f = parse_as<Fetch>("a1 FETCH 1 " + item + "\r\n");
  BOOST_REQUIRE(f->items.size() == 1u);
  FetchAtt a = f->items[0];
  // Copy the header names out of the command before it goes: the tests compare them by value.
  static std::deque<std::string> keep;
  for (auto& name : a.section.fields) name = keep.emplace_back(name);
  return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parser_fetch)

BOOST_AUTO_TEST_CASE(simple_items) {
  BOOST_TEST((one("ENVELOPE") == att(K::envelope)));
  BOOST_TEST((one("flags") == att(K::flags)));
  BOOST_TEST((one("INTERNALDATE") == att(K::internal_date)));
  BOOST_TEST((one("RFC822") == att(K::rfc822)));
  BOOST_TEST((one("RFC822.HEADER") == att(K::rfc822_header)));
  BOOST_TEST((one("rfc822.text") == att(K::rfc822_text)));
  BOOST_TEST((one("RFC822.SIZE") == att(K::rfc822_size)));
  BOOST_TEST((one("BODY") == att(K::body)));
  BOOST_TEST((one("BODYSTRUCTURE") == att(K::bodystructure)));
  BOOST_TEST((one("UID") == att(K::uid)));
  BOOST_TEST((one("MODSEQ") == att(K::modseq)));
  BOOST_TEST((one("EMAILID") == att(K::emailid)));
  BOOST_TEST((one("THREADID") == att(K::threadid)));
  BOOST_TEST((one("SAVEDATE") == att(K::savedate)));
}

BOOST_AUTO_TEST_CASE(macros_are_expanded) {
  const auto fast = parse_as<Fetch>("a1 FETCH 1 FAST\r\n");
  BOOST_TEST((fast->items == std::vector<FetchAtt>{att(K::flags), att(K::internal_date), att(K::rfc822_size)}));
  const auto all = parse_as<Fetch>("a1 FETCH 1 all\r\n");
  BOOST_TEST((all->items ==
              std::vector<FetchAtt>{att(K::flags), att(K::internal_date), att(K::rfc822_size), att(K::envelope)}));
  const auto full = parse_as<Fetch>("a1 FETCH 1 FULL\r\n");
  BOOST_TEST((full->items == std::vector<FetchAtt>{att(K::flags), att(K::internal_date), att(K::rfc822_size),
                                                   att(K::envelope), att(K::body)}));
  BOOST_TEST(parse_error("a1 FETCH 1 (ALL)\r\n", "a1") == "unknown FETCH item ALL");  // macros only stand alone
  BOOST_TEST(parse_error("a1 FETCH 1 (FLAGS FAST)\r\n", "a1") == "unknown FETCH item FAST");
}

BOOST_AUTO_TEST_CASE(sections) {
  BOOST_TEST((one("BODY[]") == body(false, {})));
  BOOST_TEST((one("BODY.PEEK[]") == body(true, {})));
  BOOST_TEST((one("body[header]") == body(false, Section{{}, T::header, {}})));
  BOOST_TEST((one("BODY[TEXT]") == body(false, Section{{}, T::text, {}})));
  BOOST_TEST((one("BODY[1]") == body(false, Section{{1}, T::none, {}})));
  BOOST_TEST((one("BODY[1.2.3]") == body(false, Section{{1, 2, 3}, T::none, {}})));
  BOOST_TEST((one("BODY[3.HEADER]") == body(false, Section{{3}, T::header, {}})));
  BOOST_TEST((one("BODY[3.1.MIME]") == body(false, Section{{3, 1}, T::mime, {}})));
  BOOST_TEST((one("BODY[4.2.TEXT]") == body(false, Section{{4, 2}, T::text, {}})));
  BOOST_TEST((one("BODY.PEEK[HEADER.FIELDS (DATE FROM)]") ==
              body(true, Section{{}, T::header_fields, {"DATE", "FROM"}})));
  BOOST_TEST((one("BODY[2.HEADER.FIELDS.NOT (\"X-Spam\" {4}\r\nX-Ab)]") ==
              body(false, Section{{2}, T::header_fields_not, {"X-Spam", "X-Ab"}})));
  BOOST_TEST((one("BODY[]<0.2048>") == body(false, {}, Partial{0, 2048})));
  BOOST_TEST((one("BODY.PEEK[1.TEXT]<100.4294967296>") ==
              body(true, Section{{1}, T::text, {}}, Partial{100, 4294967296u})));
}

BOOST_AUTO_TEST_CASE(section_errors) {
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[MIME]\r\n", "a1") == "invalid section MIME");  // MIME needs a part
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[0]\r\n", "a1") == "expected non-zero section part");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[1.]\r\n", "a1") == "expected section text after '.'");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[FOO]\r\n", "a1") == "invalid section FOO");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[HEADER.FIELDS]\r\n", "a1") == "expected SP after HEADER.FIELDS");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[HEADER.FIELDS ()]\r\n", "a1") == "expected header field name");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[TEXT\r\n", "a1") == "expected ']' after section");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[]<5>\r\n", "a1") == "expected '.' in partial range");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[]<5.0>\r\n", "a1") == "expected non-zero partial length");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY.PEEK\r\n", "a1") == "expected '['");
  BOOST_TEST(parse_error("a1 FETCH 1 BODY[]<1.2\r\n", "a1") == "expected '>' after partial range");
}

BOOST_AUTO_TEST_CASE(binary_items_rfc3516) {
  BOOST_TEST((one("BINARY[]") == FetchAtt{K::binary, false, {}, {}}));
  BOOST_TEST((one("BINARY.PEEK[1.2]<0.100>") == FetchAtt{K::binary, true, Section{{1, 2}, T::none, {}},
                                                         Partial{0, 100}}));
  BOOST_TEST((one("BINARY.SIZE[3]") == FetchAtt{K::binary_size, false, Section{{3}, T::none, {}}, {}}));
  BOOST_TEST(parse_error("a1 FETCH 1 BINARY[1.TEXT]\r\n", "a1") == "expected section part");
  BOOST_TEST(parse_error("a1 FETCH 1 BINARY\r\n", "a1") == "expected '[' after BINARY");
  BOOST_TEST(parse_error("a1 FETCH 1 BINARY.SIZE[1]<0.1>\r\n", "a1") == "unexpected characters after FETCH items");
}

BOOST_AUTO_TEST_CASE(item_lists_and_uid_fetch) {
  const auto f = parse_as<Fetch>("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
  BOOST_TEST(!f->uid);
  BOOST_TEST((f->set == SequenceSet{{{2, 4}}, false}));
  BOOST_REQUIRE(f->items.size() == 2u);
  BOOST_TEST((f->items[0] == att(K::flags)));
  BOOST_TEST(f->items[1].section.fields == (SV{"DATE", "FROM"}), boost::test_tools::per_element());
  const auto u = parse_as<Fetch>("A999 UID FETCH 4827313:4828442 FLAGS\r\n");
  BOOST_TEST(u->uid);
  BOOST_TEST(u.command().name() == "UID FETCH");
  BOOST_TEST((u->items == std::vector<FetchAtt>{att(K::flags)}));
  BOOST_TEST(parse_error("a1 FETCH 1 ()\r\n", "a1") == "expected FETCH item");
  BOOST_TEST(parse_error("a1 FETCH 1 (FLAGS  UID)\r\n", "a1") == "expected FETCH item");
  BOOST_TEST(parse_error("a1 FETCH 1 FOO\r\n", "a1") == "unknown FETCH item FOO");
  BOOST_TEST(parse_error("a1 FETCH 1 (FLAGS\r\n", "a1") == "expected ')' after FETCH items");
  BOOST_TEST(parse_error("a1 FETCH 1\r\n", "a1") == "expected SP after sequence set");
}

BOOST_AUTO_TEST_CASE(fetch_modifiers_rfc7162) {
  const auto c = parse_as<Fetch>("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n");
  BOOST_TEST(c->changed_since.value() == 12345u);
  BOOST_TEST(!c->vanished);
  const auto v = parse_as<Fetch>("s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
  BOOST_TEST(v->vanished);
  const auto v2 = parse_as<Fetch>("s100 UID FETCH 1 UID (VANISHED CHANGEDSINCE 9223372036854775807)\r\n");
  BOOST_TEST(v2->changed_since.value() == 9223372036854775807u);
  BOOST_TEST(parse_error("s1 FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n", "s1") == "VANISHED requires UID FETCH");
  BOOST_TEST(parse_error("s1 UID FETCH 1 FLAGS (VANISHED)\r\n", "s1") == "VANISHED requires CHANGEDSINCE");
  BOOST_TEST(parse_error("s1 FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n", "s1") == "expected non-zero mod-sequence");
  BOOST_TEST(parse_error("s1 FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)\r\n", "s1") ==
             "mod-sequence out of range");
  BOOST_TEST(parse_error("s1 FETCH 1 FLAGS (FOO 1)\r\n", "s1") == "invalid FETCH modifier FOO");
  BOOST_TEST(parse_error("s1 FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)\r\n", "s1") ==
             "invalid FETCH modifier CHANGEDSINCE");
}

BOOST_AUTO_TEST_CASE(store_forms) {
  const auto s = parse_as<Store>("A003 STORE 2:4 +FLAGS (\\Deleted)\r\n");
  BOOST_TEST(!s->uid);
  BOOST_TEST((s->set == SequenceSet{{{2, 4}}, false}));
  BOOST_TEST((s->mode == Store::Mode::add));
  BOOST_TEST(!s->silent);
  BOOST_TEST(s->flags == (SV{"\\Deleted"}), boost::test_tools::per_element());
  const auto r = parse_as<Store>("a1 UID STORE 1:* FLAGS.SILENT (\\SEEN \\answered $Label1 \\X-Ext)\r\n");
  BOOST_TEST(r->uid);
  BOOST_TEST((r->mode == Store::Mode::replace));
  BOOST_TEST(r->silent);
  BOOST_TEST(r->flags == (SV{"\\Seen", "\\Answered", "$Label1", "\\X-Ext"}), boost::test_tools::per_element());
  const auto m = parse_as<Store>("a1 STORE 1 -flags.silent \\Flagged \\Draft\r\n");
  BOOST_TEST((m->mode == Store::Mode::remove));
  BOOST_TEST(m->silent);
  BOOST_TEST(m->flags == (SV{"\\Flagged", "\\Draft"}), boost::test_tools::per_element());
  const auto e = parse_as<Store>("a1 STORE 1 FLAGS ()\r\n");
  BOOST_TEST(e->flags.empty());
  const auto u = parse_as<Store>("d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n");
  BOOST_TEST(u->unchanged_since.value() == 320162338u);
  BOOST_TEST(parse_as<Store>("a1 STORE 1 (UNCHANGEDSINCE 0) FLAGS ()\r\n")->unchanged_since.value() == 0u);
}

BOOST_AUTO_TEST_CASE(store_errors) {
  BOOST_TEST(parse_error("a1 STORE 1 FLAGS\r\n", "a1") == "expected SP after FLAGS");
  BOOST_TEST(parse_error("a1 STORE 1 +FLAG (\\Seen)\r\n", "a1") == "invalid STORE item FLAG");
  BOOST_TEST(parse_error("a1 STORE 1 FLAGS (\\*)\r\n", "a1") == "expected flag");
  BOOST_TEST(parse_error("a1 STORE 1 FLAGS (\\Seen\r\n", "a1") == "expected SP after flag");
  BOOST_TEST(parse_error("a1 STORE 1 (FOO 1) FLAGS ()\r\n", "a1") == "invalid STORE modifier FOO");
  BOOST_TEST(parse_error("a1 STORE 1 FLAGS \\Seen \r\n", "a1") == "expected flag");
  BOOST_TEST(parse_error("a1 STORE 1 FLAGS \"x\"\r\n", "a1") == "expected flag");
}

BOOST_AUTO_TEST_SUITE_END()
