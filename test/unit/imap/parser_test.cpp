// Parser (imap/syntax/parser.h): the tag, command names, UID forms, strings (atom, quoted with escapes, literals),
// and the small commands: CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE (SASL-IR), LOGIN, ENABLE, ID, COMPRESS,
// NAMESPACE, IDLE, CHECK, CLOSE, UNSELECT, EXPUNGE, UID EXPUNGE, COPY, MOVE and unknown commands. Every command
// goes through the CommandReader whole, split at every offset and byte by byte first (parse_wire).
#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>

#include "test/unit/imap/imap_test_util.h"

namespace {

using namespace imap_test;
using imap::syntax::kStar;

SequenceSet set(std::vector<SeqRange> ranges, bool saved = false) { return SequenceSet{std::move(ranges), saved}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(parser)

BOOST_AUTO_TEST_CASE(commands_without_arguments_any_case) {
  BOOST_TEST(parse_wire("a1 CAPABILITY\r\n")->body.index() == CommandBody(Capability{}).index());
  BOOST_TEST(parse_wire("a1 capability\r\n")->name() == "CAPABILITY");
  BOOST_TEST(parse_wire("a1 NoOp\r\n")->name() == "NOOP");
  BOOST_TEST(parse_wire("a1 LOGOUT\r\n")->name() == "LOGOUT");
  BOOST_TEST(parse_wire("a1 starttls\r\n")->name() == "STARTTLS");
  BOOST_TEST(parse_wire("a1 NAMESPACE\r\n")->name() == "NAMESPACE");
  BOOST_TEST(parse_wire("a1 idle\r\n")->name() == "IDLE");
  BOOST_TEST(parse_wire("a1 CHECK\r\n")->name() == "CHECK");
  BOOST_TEST(parse_wire("a1 CLOSE\r\n")->name() == "CLOSE");
  BOOST_TEST(parse_wire("a1 UNSELECT\r\n")->name() == "UNSELECT");
  const auto e = parse_wire("a1 EXPUNGE\r\n");
  BOOST_TEST(!as<Expunge>(e).uids.has_value());
  BOOST_TEST(e->name() == "EXPUNGE");
}

BOOST_AUTO_TEST_CASE(tags) {
  BOOST_TEST(parse_wire("a1 NOOP\r\n")->tag == "a1");
  BOOST_TEST(parse_wire("tag]x NOOP\r\n")->tag == "tag]x");  // ASTRING-CHAR except "+": "]" is allowed
  BOOST_TEST(parse_wire("0001 NOOP\r\n")->tag == "0001");
  BOOST_TEST(Parser::tag_of("abc NOOP") == "abc");
  BOOST_TEST(Parser::tag_of("abc") == "abc");
  BOOST_TEST(Parser::tag_of("a+c NOOP") == "");
  BOOST_TEST(Parser::tag_of(" NOOP") == "");
  BOOST_TEST(Parser::tag_of("a\"c NOOP") == "");
  BOOST_TEST(Parser::tag_of("a(c NOOP") == "");
}

BOOST_AUTO_TEST_CASE(login_strings) {
  auto l = parse_as<Login>("a1 LOGIN fred secret\r\n");
  BOOST_TEST(l->user == "fred");
  BOOST_TEST(l->password == "secret");
  // Quoted strings: escapes removed; the views stay valid (they live in the parser's scratch storage).
  const auto q = parse_wire("a1 LOGIN \"fred smith\" \"se\\\"cr\\\\et\"\r\n");
  BOOST_TEST(as<Login>(q).user == "fred smith");
  BOOST_TEST(as<Login>(q).password == "se\"cr\\et");
  // Literals (RFC 3501 §4.3) and LITERAL+ (RFC 7888): bytes as sent, including CRLF and 8-bit.
  const auto lit = parse_wire("a1 LOGIN {4}\r\nfr d {6+}\r\np\xC3\xA4\r\n\"\r\n");
  BOOST_TEST(as<Login>(lit).user == "fr d");
  BOOST_TEST(as<Login>(lit).password == "p\xC3\xA4\r\n\"");
  // UTF-8 in quoted strings (RFC 9051 QUOTED-CHAR / RFC 6855).
  BOOST_TEST(as<Login>(parse_wire("a1 LOGIN \"j\xC3\xB6rg\" x\r\n")).user == "j\xC3\xB6rg");
  // astring atoms may contain "]".
  BOOST_TEST(as<Login>(parse_wire("a1 LOGIN a]b c\r\n")).user == "a]b");
  // Empty quoted and empty literal strings.
  const auto empty = parse_wire("a1 LOGIN \"\" {0}\r\n\r\n");
  BOOST_TEST(as<Login>(empty).user == "");
  BOOST_TEST(as<Login>(empty).password == "");
}

BOOST_AUTO_TEST_CASE(authenticate) {
  auto a = parse_as<Authenticate>("a1 AUTHENTICATE PLAIN\r\n");
  BOOST_TEST(a->mechanism == "PLAIN");
  BOOST_TEST(!a->initial_response.has_value());
  a = parse_as<Authenticate>("a1 authenticate plain AGZyZWQAc2VjcmV0\r\n");
  BOOST_TEST(a->mechanism == "plain");
  BOOST_TEST(a->initial_response.value() == "AGZyZWQAc2VjcmV0");
  a = parse_as<Authenticate>("a1 AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0Zg==\r\n");
  BOOST_TEST(a->initial_response.value() == "AGZyZWQAc2VjcmV0Zg==");
  a = parse_as<Authenticate>("a1 AUTHENTICATE EXTERNAL =\r\n");  // "=" is an empty initial response
  BOOST_TEST(a->initial_response.value() == "");
  BOOST_TEST(parse_error("a1 AUTHENTICATE PLAIN AGZy=mVk\r\n", "a1") == "invalid base64 in initial response");
  BOOST_TEST(parse_error("a1 AUTHENTICATE PLAIN abc\r\n", "a1") == "invalid base64 in initial response");
  BOOST_TEST(parse_error("a1 AUTHENTICATE\r\n", "a1") == "expected SP after AUTHENTICATE");
}

BOOST_AUTO_TEST_CASE(enable_id_compress) {
  auto e = parse_as<Enable>("a1 ENABLE CONDSTORE qresync UTF8=ACCEPT\r\n");
  BOOST_TEST(e->capabilities == (std::vector<std::string_view>{"CONDSTORE", "qresync", "UTF8=ACCEPT"}),
             boost::test_tools::per_element());
  BOOST_TEST(parse_error("a1 ENABLE\r\n", "a1") == "expected SP after ENABLE");

  BOOST_TEST(!as<Id>(parse_wire("a1 ID NIL\r\n")).params.has_value());
  BOOST_TEST(as<Id>(parse_wire("a1 ID ()\r\n")).params.value().empty());
  const auto id = parse_wire("a1 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" NIL)\r\n");
  const auto& params = as<Id>(id).params.value();
  BOOST_REQUIRE(params.size() == 3u);
  BOOST_TEST(params[0].first == "name");
  BOOST_TEST(params[0].second.value() == "sodr");
  BOOST_TEST(params[1].second.value() == "19.34");
  BOOST_TEST(params[2].first == "vendor");
  BOOST_TEST(!params[2].second.has_value());
  BOOST_TEST(parse_error("a1 ID (name \"x\")\r\n", "a1") == "expected ID field");  // fields are strings, not atoms
  BOOST_TEST(parse_error("a1 ID (\"name\")\r\n", "a1") == "expected SP after ID field");

  BOOST_TEST(as<Compress>(parse_wire("a1 COMPRESS DEFLATE\r\n")).mechanism == "DEFLATE");
}

BOOST_AUTO_TEST_CASE(copy_move_and_uid_forms) {
  auto c = parse_as<Copy>("a1 COPY 2:4 MEETING\r\n");
  BOOST_TEST(!c->uid);
  BOOST_TEST((c->set == set({{2, 4}})));
  BOOST_TEST(c->mailbox == "MEETING");
  const auto uc = parse_wire("a1 uid copy 4827313:4828442 \"Saved Messages\"\r\n");
  BOOST_TEST(as<Copy>(uc).uid);
  BOOST_TEST((as<Copy>(uc).set == set({{4827313, 4828442}})));
  BOOST_TEST(as<Copy>(uc).mailbox == "Saved Messages");
  BOOST_TEST(uc->name() == "UID COPY");
  auto m = parse_as<Move>("a1 MOVE 1,3:*,$ Trash\r\n");
  BOOST_TEST(!m->uid);
  BOOST_TEST((m->set == set({{1, 1}, {3, kStar}}, true)));
  BOOST_TEST(m->mailbox == "Trash");
  BOOST_TEST(as<Move>(parse_wire("a1 UID MOVE $ inbox\r\n")).uid);
  BOOST_TEST(as<Move>(parse_wire("a1 UID MOVE $ inbox\r\n")).mailbox == "INBOX");
  const auto x = parse_wire("a1 UID EXPUNGE 3000:3002,4000\r\n");
  BOOST_TEST((as<Expunge>(x).uids.value() == set({{3000, 3002}, {4000, 4000}})));
  BOOST_TEST(x->name() == "UID EXPUNGE");
}

BOOST_AUTO_TEST_CASE(sequence_sets) {
  auto f = [](std::string_view s) { return as<Copy>(parse_wire("a1 COPY " + std::string(s) + " x\r\n")).set; };
  BOOST_TEST((f("1") == set({{1, 1}})));
  BOOST_TEST((f("*") == set({{kStar, kStar}})));
  BOOST_TEST((f("*:4") == set({{kStar, 4}})));
  BOOST_TEST((f("4:2") == set({{4, 2}})));  // order kept as sent
  BOOST_TEST((f("2,4:7,9,12:*") == set({{2, 2}, {4, 7}, {9, 9}, {12, kStar}})));
  BOOST_TEST((f("4294967295") == set({{4294967295u, 4294967295u}})));
  BOOST_TEST((f("$") == set({}, true)));
  BOOST_TEST(parse_error("a1 COPY 0 x\r\n", "a1") == "expected non-zero sequence set");
  BOOST_TEST(parse_error("a1 COPY 01 x\r\n", "a1") == "expected non-zero sequence set");
  BOOST_TEST(parse_error("a1 COPY 4294967296 x\r\n", "a1") == "sequence set out of range");
  BOOST_TEST(parse_error("a1 COPY 1, x\r\n", "a1") == "expected sequence set");
  BOOST_TEST(parse_error("a1 COPY 1: x\r\n", "a1") == "expected sequence set");
  BOOST_TEST(parse_error("a1 COPY 1:2:3 x\r\n", "a1") == "expected SP after sequence set");
}

BOOST_AUTO_TEST_CASE(inbox_is_case_insensitive) {
  BOOST_TEST(as<Copy>(parse_wire("a1 COPY 1 iNbOx\r\n")).mailbox == "INBOX");
  BOOST_TEST(as<Copy>(parse_wire("a1 COPY 1 \"inbox\"\r\n")).mailbox == "INBOX");
  BOOST_TEST(as<Copy>(parse_wire("a1 COPY 1 {5}\r\nInBoX\r\n")).mailbox == "INBOX");
  BOOST_TEST(as<Copy>(parse_wire("a1 COPY 1 inbox/sub\r\n")).mailbox == "inbox/sub");  // only INBOX itself
  BOOST_TEST(as<Copy>(parse_wire("a1 COPY 1 &ZeVnLIqe-\r\n")).mailbox == "&ZeVnLIqe-");  // raw, not decoded
}

BOOST_AUTO_TEST_CASE(unknown_commands) {
  const auto u = parse_wire("a1 XYZZY foo (bar\r\n");
  BOOST_TEST(as<Unknown>(u).name == "XYZZY");
  BOOST_TEST(as<Unknown>(parse_wire("a1 GETQUOTAROOT INBOX\r\n")).name == "GETQUOTAROOT");
  BOOST_TEST(as<Unknown>(parse_wire("a1 UID THREAD REFERENCES UTF-8 ALL\r\n")).name == "THREAD");
  BOOST_TEST(u->tag == "a1");
}

BOOST_AUTO_TEST_CASE(idle_done_line) {
  BOOST_TEST(Idle::is_done_line("DONE"));
  BOOST_TEST(Idle::is_done_line("done"));
  BOOST_TEST(!Idle::is_done_line("DONE "));
  BOOST_TEST(!Idle::is_done_line("a1 DONE"));
  BOOST_TEST(!Idle::is_done_line(""));
}

BOOST_AUTO_TEST_CASE(to_owned_outlives_the_line_and_parser) {
  OwnedCommand owned = [] {
    std::string line = "a7 LOGIN \"us\\\\er\" {3}\r\npwd";
    Parser p;
    auto cmd = p.parse(line);
    BOOST_REQUIRE(cmd.has_value());
    return cmd->to_owned();
  }();
  // The original line and parser are gone; overwrite the stack a little for good measure.
  std::string noise(200, 'z');
  BOOST_TEST(owned->tag == "a7");
  BOOST_TEST(as<Login>(owned).user == "us\\er");
  BOOST_TEST(as<Login>(owned).password == "pwd");
  // Copies share the storage and can be read on another thread.
  OwnedCommand copy = owned;
  std::string seen;
  std::thread t([&] { seen = std::string(as<Login>(copy).password); });
  t.join();
  BOOST_TEST(seen == "pwd");
}

BOOST_AUTO_TEST_SUITE_END()
