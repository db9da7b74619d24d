// Parser: SEARCH and UID SEARCH: the RFC 3501 §6.4.4 key tree (every key), CHARSET, RETURN (ESEARCH, SAVE), "$",
// MODSEQ with entries, OLDER/YOUNGER, SAVED*, EMAILID/THREADID, and the nesting limit. Framed whole, split and byte
// by byte first.
#include <boost/test/unit_test.hpp>

#include <string>

#include "imap/syntax/limits.h"
#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;
using K = SearchKey::Kind;
using imap::syntax::kMaxNesting;
using imap::syntax::kStar;
using namespace std::literals;

SearchKey leaf(K kind) {
  SearchKey k;
  k.kind = kind;
  return k;
}
SearchKey str(K kind, std::string_view text, std::string_view field = {}) {
  SearchKey k = leaf(kind);
  k.text = text;
  k.field = field;
  return k;
}
SearchKey on_date(K kind, int y, int m, int d) {
  SearchKey k = leaf(kind);
  k.date = Date{y, m, d};
  return k;
}
SearchKey num(K kind, std::uint64_t n) {
  SearchKey k = leaf(kind);
  k.number = n;
  return k;
}
SearchKey with_set(K kind, std::vector<SeqRange> ranges, bool saved = false) {
  SearchKey k = leaf(kind);
  k.set = SequenceSet{std::move(ranges), saved};
  return k;
}
SearchKey node(K kind, std::vector<SearchKey> children) {
  SearchKey k = leaf(kind);
  k.children = std::move(children);
  return k;
}

// The top-level key of "a1 SEARCH <criteria>" (the implicit AND of all keys).
void check_search(const std::string& criteria, const std::vector<SearchKey>& expected) {
  const auto s = parse_as<Search>("a1 SEARCH " + criteria + "\r\n");
  BOOST_TEST_INFO("criteria " << criteria);
  BOOST_TEST((s->key == node(K::and_, expected)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parser_search)

BOOST_AUTO_TEST_CASE(rfc3501_examples) {
  check_search("FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
               {leaf(K::flagged), on_date(K::since, 1994, 2, 1), node(K::not_, {str(K::from, "Smith")})});
  check_search("TEXT \"string not in mailbox\"", {str(K::text_, "string not in mailbox")});
  check_search("DELETED FROM \"SMITH\" SINCE 1-Feb-1994",
               {leaf(K::deleted), str(K::from, "SMITH"), on_date(K::since, 1994, 2, 1)});
  const auto c = parse_as<Search>("A283 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n");
  BOOST_TEST(c->charset.value() == "UTF-8");
  BOOST_TEST((c->key == node(K::and_, {str(K::text_, "XXXXXX")})));
  BOOST_TEST(!c->ret.has_value());
  BOOST_TEST(!c->uid);
}

BOOST_AUTO_TEST_CASE(every_key) {
  check_search("ALL ANSWERED DELETED DRAFT FLAGGED NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED "
               "UNSEEN SAVEDATESUPPORTED",
               {leaf(K::all), leaf(K::answered), leaf(K::deleted), leaf(K::draft), leaf(K::flagged), leaf(K::new_),
                leaf(K::old), leaf(K::recent), leaf(K::seen), leaf(K::unanswered), leaf(K::undeleted),
                leaf(K::undraft), leaf(K::unflagged), leaf(K::unseen), leaf(K::savedate_supported)});
  check_search("BCC a BODY \"b c\" CC c FROM d SUBJECT e TEXT f TO g",
               {str(K::bcc, "a"), str(K::body, "b c"), str(K::cc, "c"), str(K::from, "d"), str(K::subject, "e"),
                str(K::text_, "f"), str(K::to, "g")});
  check_search("HEADER Message-ID \"<x@y>\" header X-Empty \"\"",
               {str(K::header, "<x@y>", "Message-ID"), str(K::header, "", "X-Empty")});
  check_search("KEYWORD $Junk UNKEYWORD foo",
               {str(K::keyword, "$Junk"), str(K::unkeyword, "foo")});
  check_search("BEFORE 1-Jan-2000 ON \"02-feb-2001\" SINCE 29-Feb-2004 SENTBEFORE 3-Mar-2002 SENTON 4-Apr-2003 "
               "SENTSINCE 5-May-2004 SAVEDBEFORE 6-Jun-2005 SAVEDON 7-Jul-2006 SAVEDSINCE 8-Aug-2007",
               {on_date(K::before, 2000, 1, 1), on_date(K::on, 2001, 2, 2), on_date(K::since, 2004, 2, 29),
                on_date(K::sent_before, 2002, 3, 3), on_date(K::sent_on, 2003, 4, 4),
                on_date(K::sent_since, 2004, 5, 5), on_date(K::saved_before, 2005, 6, 6),
                on_date(K::saved_on, 2006, 7, 7), on_date(K::saved_since, 2007, 8, 8)});
  check_search("LARGER 4294967296 SMALLER 0 OLDER 3600 YOUNGER 1",
               {num(K::larger, 4294967296u), num(K::smaller, 0), num(K::older, 3600), num(K::younger, 1)});
  check_search("EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9",
               {str(K::emailid, "M6d99ac3275bb4e"), str(K::threadid, "T64b478a75b7ea9")});
  check_search("1:3,5 UID 100:* $ UID $",
               {with_set(K::sequence_set, {{1, 3}, {5, 5}}), with_set(K::uid, {{100, kStar}}),
                with_set(K::sequence_set, {}, true), with_set(K::uid, {}, true)});
}

BOOST_AUTO_TEST_CASE(nesting_not_or_and_lists) {
  check_search("OR SEEN (FLAGGED NOT DRAFT)",
               {node(K::or_, {leaf(K::seen), node(K::and_, {leaf(K::flagged), node(K::not_, {leaf(K::draft)})})})});
  check_search("NOT NOT OR OR 1 2 3 ((SEEN))",
               {node(K::not_, {node(K::not_, {node(K::or_, {node(K::or_, {with_set(K::sequence_set, {{1, 1}}),
                                                                          with_set(K::sequence_set, {{2, 2}})}),
                                                            with_set(K::sequence_set, {{3, 3}})})})}),
                node(K::and_, {node(K::and_, {leaf(K::seen)})})});
  check_search("(OR SUBJECT a SUBJECT b) UNSEEN",
               {node(K::and_, {node(K::or_, {str(K::subject, "a"), str(K::subject, "b")})}), leaf(K::unseen)});
}

BOOST_AUTO_TEST_CASE(modseq_rfc7162) {
  check_search("MODSEQ 620162338", {num(K::modseq, 620162338)});
  const auto s = parse_as<Search>("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338 UNSEEN\r\n");
  const SearchKey& k = s->key.children.at(0);
  BOOST_TEST((k.kind == K::modseq));
  BOOST_TEST(k.text == "/flags/\\draft");
  BOOST_TEST((k.entry_type == SearchKey::EntryType::all));
  BOOST_TEST(k.number == 620162338u);
  BOOST_TEST((parse_as<Search>("a SEARCH MODSEQ \"/flags/x\" priv 0\r\n")->key.children.at(0).entry_type ==
              SearchKey::EntryType::priv));
  BOOST_TEST(parse_error("a SEARCH MODSEQ \"/flags/x\" mine 5\r\n", "a") == "invalid MODSEQ entry type");
}

BOOST_AUTO_TEST_CASE(return_options_and_uid) {
  const auto s = parse_as<Search>("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
  BOOST_REQUIRE(s->ret.has_value());
  BOOST_TEST(s->ret->min);
  BOOST_TEST(s->ret->count);
  BOOST_TEST(!s->ret->max);
  BOOST_TEST(!s->ret->all);
  BOOST_TEST(s->key.children.size() == 3u);
  const auto e = parse_as<Search>("A1 UID SEARCH RETURN () CHARSET \"UTF-8\" UID 1:*\r\n");
  BOOST_TEST(e->uid);
  BOOST_TEST(e.command().name() == "UID SEARCH");
  BOOST_TEST((e->ret.value() == SearchReturn{}));  // "RETURN ()" means ALL; the session applies that
  BOOST_TEST(e->charset.value() == "UTF-8");
  const auto save = parse_as<Search>("A1 SEARCH RETURN (SAVE ALL MAX) OR FROM x TO x\r\n");
  BOOST_TEST(save->ret->save);
  BOOST_TEST(save->ret->all);
  BOOST_TEST(save->ret->max);
  BOOST_TEST(parse_error("A1 SEARCH RETURN (PARTIAL 1:5) ALL\r\n", "A1") == "unknown SEARCH RETURN option PARTIAL");
  BOOST_TEST(parse_error("A1 SEARCH RETURN (MIN)\r\n", "A1") == "expected SP after RETURN options");
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(parse_error("a SEARCH\r\n", "a") == "expected SP after SEARCH");
  BOOST_TEST(parse_error("a SEARCH \r\n", "a") == "expected search key");
  BOOST_TEST(parse_error("a SEARCH FOO\r\n", "a") == "unknown SEARCH key FOO");
  BOOST_TEST(parse_error("a SEARCH SEEN  UNSEEN\r\n", "a") == "expected search key");
  BOOST_TEST(parse_error("a SEARCH FROM\r\n", "a") == "expected SP after FROM");
  BOOST_TEST(parse_error("a SEARCH SINCE 30-Feb-2000\r\n", "a") == "invalid date");
  BOOST_TEST(parse_error("a SEARCH SINCE 1-Foo-2000\r\n", "a") == "invalid date");
  BOOST_TEST(parse_error("a SEARCH SINCE 1-Jan-20\r\n", "a") == "invalid date");
  BOOST_TEST(parse_error("a SEARCH SINCE 001-Jan-2000\r\n", "a") == "invalid date");
  BOOST_TEST(parse_error("a SEARCH OR SEEN\r\n", "a") == "expected SP after OR operand");
  BOOST_TEST(parse_error("a SEARCH (SEEN\r\n", "a") == "expected ')' after search keys");
  BOOST_TEST(parse_error("a SEARCH ()\r\n", "a") == "expected search key");
  BOOST_TEST(parse_error("a SEARCH OLDER 0\r\n", "a") == "expected non-zero interval");
  BOOST_TEST(parse_error("a SEARCH KEYWORD \\Seen\r\n", "a") == "expected keyword");
  BOOST_TEST(parse_error("a SEARCH EMAILID a.b\r\n", "a") == "unexpected characters after search keys");
  BOOST_TEST(parse_error("a SEARCH LARGER -1\r\n", "a") == "expected size");
  BOOST_TEST(parse_error("a SEARCH TEXT ~{1}\r\nx\r\n", "a") == "literal8 not allowed in search text");
  BOOST_TEST(parse_error("a SEARCH TEXT {1}\r\n\0\r\n"sv, "a") == "NUL in literal search text");
}

BOOST_AUTO_TEST_CASE(nesting_limit) {
  // kMaxNesting levels are fine, one more is not; NOT chains count like parentheses.
  std::string ok, deep, nots;
  for (int i = 0; i < kMaxNesting; ++i) ok += "(";
  ok += "SEEN";
  for (int i = 0; i < kMaxNesting; ++i) ok += ")";
  parse_as<Search>("a SEARCH " + ok.substr(1, ok.size() - 2) + "\r\n");
  for (int i = 0; i < kMaxNesting + 1; ++i) deep += "(";
  deep += "SEEN";
  for (int i = 0; i < kMaxNesting + 1; ++i) deep += ")";
  BOOST_TEST(parse_error("a SEARCH " + deep + "\r\n", "a") == "nesting too deep");
  for (int i = 0; i < 10000; ++i) nots += "NOT ";
  BOOST_TEST(parse_error("a SEARCH " + nots + "SEEN\r\n", "a") == "nesting too deep");
  std::string ors;
  for (int i = 0; i < 5000; ++i) ors += "OR SEEN ";
  BOOST_TEST(parse_error("a SEARCH " + ors + "SEEN\r\n", "a") == "nesting too deep");
}

BOOST_AUTO_TEST_SUITE_END()
