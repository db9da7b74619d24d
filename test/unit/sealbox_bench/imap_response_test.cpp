// sealbox-bench's response parser (bench/sealbox_bench/imap_response.h): every kind it parses, literal skipping
// ({n} and ~{n}, including literals holding CRLF and braces), and the same input fed whole, split at every offset,
// and byte by byte.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "bench/sealbox_bench/imap_response.h"

using namespace sealbox_bench;
using namespace std::string_literals;

namespace {

// Feeds `input` in pieces of the given sizes (the rest in one piece) and returns every response.
std::vector<Response> parse_split(const std::string& input, const std::vector<std::size_t>& cuts) {
  ImapResponseParser p;
  std::vector<Response> out;
  std::size_t at = 0;
  auto drain = [&] {
    while (auto r = p.next()) out.push_back(*r);
  };
  for (std::size_t cut : cuts) {
    p.feed(std::string_view(input).substr(at, cut - at));
    at = cut;
    drain();
  }
  p.feed(std::string_view(input).substr(at));
  drain();
  BOOST_TEST(!p.failed(), p.error());
  BOOST_TEST(p.buffered() == 0u);
  return out;
}

// A stable rendering of what matters in a response, to compare split and whole parses.
std::string render(const Response& r) {
  std::string s = std::string(to_string(r.kind)) + "|" + r.text + "|" + r.tag + "|" + r.status + "|" +
                  std::to_string(r.number) + "|" + (r.earlier ? "E" : "") + "|";
  for (auto n : r.numbers) s += std::to_string(n) + ",";
  s += "|" + (r.uid ? std::to_string(*r.uid) : "-") + "|";
  if (r.flags) {
    for (const auto& f : *r.flags) s += f + " ";
  }
  s += "|" + (r.modseq ? std::to_string(*r.modseq) : "-") + "|" + std::to_string(r.literal_bytes);
  for (const auto& c : r.capabilities) s += "|" + c;
  return s;
}

const std::string kStream =
    "* OK [CAPABILITY IMAP4rev1 IDLE CONDSTORE] ready\r\n"
    "* 3 EXISTS\r\n"
    "* OK [HIGHESTMODSEQ 42] modseqs\r\n"
    "* 2 EXPUNGE\r\n"
    "* VANISHED 5:7,9\r\n"
    "* VANISHED (EARLIER) 1\r\n"
    "* 1 FETCH (UID 4 FLAGS (\\Seen $Junk) MODSEQ (17))\r\n"
    "* 2 FETCH (UID 8 BODY[] {12}\r\nab\r\n{3}\r\n)}x FLAGS ())\r\n"
    "* 3 FETCH (BINARY[1] ~{4}\r\n\0\r\n\0 UID 9 ENVELOPE (\"d\" {2}\r\nhi NIL ((\"a\" NIL \"b\" \"c\")) NIL))\r\n"
    "* SEARCH 2 4 9 (MODSEQ 50)\r\n"
    "* ESEARCH (TAG \"a5\") UID COUNT 3 MIN 2 MAX 9 ALL 2,4:5\r\n"
    "* CAPABILITY IMAP4rev1 UIDPLUS literal+\r\n"
    "* FLAGS (\\Seen \\Deleted)\r\n"
    "+ go ahead\r\n"
    "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<0> \"x\" UID 4)\r\n"
    "a7 OK [APPENDUID 1700 12] APPEND completed\r\n"
    "a8 NO [TRYCREATE] no\r\n"s;  // std::string: the literal8 holds NULs

}  // namespace

BOOST_AUTO_TEST_SUITE(imap_response)

BOOST_AUTO_TEST_CASE(parses_every_kind) {
  auto rs = parse_split(kStream, {});
  BOOST_REQUIRE_EQUAL(rs.size(), 17u);
  BOOST_TEST(std::string(to_string(rs[0].kind)) == "status");
  BOOST_TEST(rs[0].capabilities == (std::vector<std::string>{"IMAP4REV1", "IDLE", "CONDSTORE"}));
  BOOST_TEST(std::string(to_string(rs[1].kind)) == "exists");
  BOOST_TEST(rs[1].number == 3u);
  BOOST_TEST(*rs[2].modseq == 42u);
  BOOST_TEST(std::string(to_string(rs[3].kind)) == "expunge");
  BOOST_TEST(rs[3].number == 2u);
  BOOST_TEST(std::string(to_string(rs[4].kind)) == "vanished");
  BOOST_TEST(!rs[4].earlier);
  BOOST_TEST(rs[4].numbers == (std::vector<std::uint32_t>{5, 6, 7, 9}));
  BOOST_TEST(rs[5].earlier);
  BOOST_TEST(rs[5].numbers == (std::vector<std::uint32_t>{1}));
  BOOST_TEST(std::string(to_string(rs[6].kind)) == "fetch");
  BOOST_TEST(rs[6].number == 1u);
  BOOST_TEST(*rs[6].uid == 4u);
  BOOST_TEST(*rs[6].flags == (std::vector<std::string>{"\\Seen", "$Junk"}));
  BOOST_TEST(*rs[6].modseq == 17u);
  // The literal's bytes (with a CRLF and "{3}" inside) are skipped, not parsed.
  BOOST_TEST(*rs[7].uid == 8u);
  BOOST_TEST(rs[7].flags->empty());
  BOOST_TEST(rs[7].literal_bytes == 12u);
  BOOST_TEST(!rs[7].modseq.has_value());
  BOOST_TEST(*rs[8].uid == 9u);
  BOOST_TEST(rs[8].literal_bytes == 6u);
  BOOST_TEST(std::string(to_string(rs[9].kind)) == "search");
  BOOST_TEST(rs[9].numbers == (std::vector<std::uint32_t>{2, 4, 9}));
  BOOST_TEST(*rs[9].modseq == 50u);
  BOOST_TEST(std::string(to_string(rs[10].kind)) == "esearch");
  BOOST_TEST(rs[10].uid_results);
  BOOST_TEST(*rs[10].count == 3u);
  BOOST_TEST(*rs[10].min == 2u);
  BOOST_TEST(*rs[10].max == 9u);
  BOOST_TEST(rs[10].numbers == (std::vector<std::uint32_t>{2, 4, 5}));
  BOOST_TEST(std::string(to_string(rs[11].kind)) == "capability");
  BOOST_TEST(rs[11].capabilities == (std::vector<std::string>{"IMAP4REV1", "UIDPLUS", "LITERAL+"}));
  BOOST_TEST(std::string(to_string(rs[12].kind)) == "other");
  BOOST_TEST(std::string(to_string(rs[13].kind)) == "continuation");
  BOOST_TEST(*rs[14].uid == 4u);
  BOOST_TEST(std::string(to_string(rs[15].kind)) == "tagged");
  BOOST_TEST(rs[15].tag == "a7");
  BOOST_TEST(rs[15].status == "OK");
  BOOST_TEST(*rs[15].uid_validity == 1700u);
  BOOST_TEST(*rs[15].append_uid == 12u);
  BOOST_TEST(rs[16].status == "NO");
}

BOOST_AUTO_TEST_CASE(split_at_every_offset_and_byte_by_byte) {
  std::vector<std::string> whole;
  for (const auto& r : parse_split(kStream, {})) whole.push_back(render(r));
  for (std::size_t cut = 1; cut < kStream.size(); ++cut) {
    std::vector<std::string> got;
    for (const auto& r : parse_split(kStream, {cut})) got.push_back(render(r));
    BOOST_TEST(got == whole, "split at " << cut);
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < kStream.size(); ++i) every.push_back(i);
  std::vector<std::string> bytewise;
  for (const auto& r : parse_split(kStream, every)) bytewise.push_back(render(r));
  BOOST_TEST(bytewise == whole);
}

BOOST_AUTO_TEST_CASE(incomplete_input_waits) {
  ImapResponseParser p;
  p.feed("* 1 FETCH (BODY[] {10}\r\n12345");
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(!p.failed());
  p.feed("67890 UID 3)\r\n");
  auto r = p.next();
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(*r->uid == 3u);
}

BOOST_AUTO_TEST_CASE(malformed_responses_fail) {
  for (const std::string bad : {"* 1 FETCH (UID)\r\n", "* 1 FETCH (UID x)\r\n", "* 0 EXPUNGE\r\n",
                                "* VANISHED 3:*\r\n", "a1 MAYBE\r\n", "* 1 FETCH (FLAGS (\\Seen)\r\n",
                                "* SEARCH 1 x\r\n", "nospace\r\n"}) {
    ImapResponseParser p;
    p.feed(bad);
    BOOST_TEST(!p.next().has_value(), bad);
    BOOST_TEST(p.failed(), bad);
  }
}

BOOST_AUTO_TEST_CASE(limits) {
  ImapResponseParser p;
  p.feed(std::string(kMaxLineBytes + 1, 'a'));
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(p.failed());
  ImapResponseParser q;
  q.feed("* 1 FETCH (BODY[] {99999999999}\r\n");
  BOOST_TEST(!q.next().has_value());
  BOOST_TEST(q.failed());
}

BOOST_AUTO_TEST_CASE(number_sets) {
  BOOST_TEST(*parse_number_set("3") == (std::vector<std::uint32_t>{3}));
  BOOST_TEST(*parse_number_set("4:2,9") == (std::vector<std::uint32_t>{2, 3, 4, 9}));
  BOOST_TEST(!parse_number_set("1,").has_value());
  BOOST_TEST(!parse_number_set("0").has_value());
  BOOST_TEST(!parse_number_set("1:4294967295").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
