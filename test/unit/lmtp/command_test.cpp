// parse_command() (lmtp/protocol/command.h): every command form, valid and invalid; MAIL and RCPT parameters;
// paths with source routes, quoted local parts and UTF-8; line limits; the BDAT errors that decide whether the
// session can stay in step.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

#include "lmtp/protocol/limits.h"
#include "test/unit/lmtp/lmtp_test_util.h"

namespace {

using namespace lmtp_test;
using namespace std::literals;

Address addr(std::string local, std::string domain, bool quoted = false) {
  return Address{std::move(local), std::move(domain), quoted};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(command)

BOOST_AUTO_TEST_CASE(commands_without_arguments_in_any_case) {
  BOOST_TEST(parse_command("DATA")->index() == Command(Data{}).index());
  BOOST_TEST(parse_command("data")->index() == Command(Data{}).index());
  BOOST_TEST(parse_command("RSET")->index() == Command(Rset{}).index());
  BOOST_TEST(parse_command("rSeT")->index() == Command(Rset{}).index());
  BOOST_TEST(parse_command("QUIT")->index() == Command(Quit{}).index());
  BOOST_TEST(parse_command("Quit")->index() == Command(Quit{}).index());
  BOOST_TEST(parse_command("NOOP")->index() == Command(Noop{}).index());
  BOOST_TEST(parse_command("HELP")->index() == Command(Help{}).index());
  BOOST_TEST(parse_as<Help>("HELP").topic == "");
}

BOOST_AUTO_TEST_CASE(trailing_white_space_is_tolerated) {
  // RFC 5321 §4.1.1: receivers SHOULD tolerate trailing white space.
  parse_as<Data>("DATA ");
  parse_as<Data>("DATA\t");
  parse_as<Quit>("QUIT \t ");
  parse_as<Rset>("RSET  ");
  BOOST_TEST(parse_as<Lhlo>("LHLO mx.example.org  ").host == "mx.example.org");
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@b.example> ").to == addr("a", "b.example"));
  BOOST_TEST(parse_as<Bdat>("BDAT 5 LAST \t").last);
}

BOOST_AUTO_TEST_CASE(arguments_where_none_are_allowed) {
  BOOST_TEST(error_code("DATA x") == "501 5.5.4");
  BOOST_TEST(error_code("RSET now") == "501 5.5.4");
  BOOST_TEST(error_code("QUIT please") == "501 5.5.4");
  BOOST_TEST(parse_error("DATA x").reply.text == "Syntax: DATA");
}

BOOST_AUTO_TEST_CASE(noop_help_and_vrfy_keep_their_string) {
  parse_as<Noop>("NOOP");
  parse_as<Noop>("NOOP anything at all");
  parse_as<Noop>("noop \"quoted\"");
  BOOST_TEST(parse_as<Help>("HELP MAIL").topic == "MAIL");
  BOOST_TEST(parse_as<Help>("help  rcpt  ").topic == "rcpt");
  BOOST_TEST(parse_as<Vrfy>("VRFY alice").argument == "alice");
  BOOST_TEST(parse_as<Vrfy>("vrfy <alice@example.org> SMTPUTF8").argument == "<alice@example.org> SMTPUTF8");
  BOOST_TEST(error_code("VRFY") == "501 5.5.4");
  BOOST_TEST(error_code("VRFY   ") == "501 5.5.4");
}

BOOST_AUTO_TEST_CASE(lhlo) {
  BOOST_TEST(parse_as<Lhlo>("LHLO mx.example.org").host == "mx.example.org");
  BOOST_TEST(parse_as<Lhlo>("lhlo localhost").host == "localhost");
  BOOST_TEST(parse_as<Lhlo>("LHLO [127.0.0.1]").host == "[127.0.0.1]");
  BOOST_TEST(parse_as<Lhlo>("LHLO [IPv6:::1]").host == "[IPv6:::1]");
  BOOST_TEST(parse_as<Lhlo>("LHLO [IPv6:2001:db8::1]").host == "[IPv6:2001:db8::1]");
  BOOST_TEST(parse_as<Lhlo>("LHLO my_host.local").host == "my_host.local");  // leniency: "_"
  BOOST_TEST(parse_as<Lhlo>("LHLO  two-spaces.example").host == "two-spaces.example");
  BOOST_TEST(error_code("LHLO") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO ") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO a.example b.example") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO -bad.example") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO bad-.example") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO a..example") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO example.") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO [300.0.0.1]") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO [IPv6:nope]") == "501 5.5.4");
  BOOST_TEST(error_code("LHLO a@b") == "501 5.5.4");
}

BOOST_AUTO_TEST_CASE(helo_and_ehlo_are_not_lmtp) {
  // RFC 2033 §4.1: MUST NOT answer them positively; 500 recommended.
  BOOST_TEST(error_code("HELO mx.example.org") == "500 5.5.1");
  BOOST_TEST(error_code("EHLO mx.example.org") == "500 5.5.1");
  BOOST_TEST(error_code("ehlo") == "500 5.5.1");
}

BOOST_AUTO_TEST_CASE(unknown_and_unimplemented_commands) {
  BOOST_TEST(error_code("EXPN staff") == "502 5.5.1");
  BOOST_TEST(error_code("STARTTLS") == "500 5.5.2");
  BOOST_TEST(error_code("AUTH PLAIN") == "500 5.5.2");
  BOOST_TEST(error_code("XYZZY") == "500 5.5.2");
  BOOST_TEST(error_code("") == "500 5.5.2");
  BOOST_TEST(error_code(" DATA") == "500 5.5.2");
  BOOST_TEST(error_code("DATAX") == "500 5.5.2");
  BOOST_TEST(error_code("MAIL1 FROM:<a@b>") == "500 5.5.2");
  BOOST_TEST(error_code("MAIL:FROM:<a@b>") == "500 5.5.2");
  BOOST_TEST(error_code("\x01" "DATA") == "500 5.5.2");
  BOOST_TEST(error_code("DA\0TA"sv) == "500 5.5.2");
  BOOST_TEST(error_code("GET / HTTP/1.1") == "500 5.5.2");
}

BOOST_AUTO_TEST_CASE(control_characters_in_arguments) {
  BOOST_TEST(error_code("NOOP a\0b"sv) == "501 5.5.4");
  BOOST_TEST(error_code("NOOP a\rb") == "501 5.5.4");
  BOOST_TEST(error_code("NOOP a\nb") == "501 5.5.4");
  BOOST_TEST(error_code("NOOP \x7f") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL\tFROM:<a@b.example>") == "501 5.5.4");
}

BOOST_AUTO_TEST_CASE(mail_paths) {
  BOOST_TEST(parse_as<Mail>("MAIL FROM:<alice@example.org>").from == addr("alice", "example.org"));
  BOOST_TEST(parse_as<Mail>("mail from:<alice@example.org>").from == addr("alice", "example.org"));
  BOOST_TEST(parse_as<Mail>("Mail From:<Alice@Example.ORG>").from == addr("Alice", "Example.ORG"));
  BOOST_TEST(!parse_as<Mail>("MAIL FROM:<>").from.has_value());  // the null reverse-path (bounces)
  // Tolerated: SP between "FROM:" and the path, as some clients send it.
  BOOST_TEST(parse_as<Mail>("MAIL FROM: <alice@example.org>").from == addr("alice", "example.org"));
  BOOST_TEST(!parse_as<Mail>("MAIL FROM:   <>").from.has_value());
  // Source routes are accepted and dropped.
  BOOST_TEST(parse_as<Mail>("MAIL FROM:<@relay.example:bob@example.net>").from == addr("bob", "example.net"));
  const Mail m = parse_as<Mail>("MAIL FROM:<alice@example.org>");
  BOOST_TEST(!m.size.has_value());
  BOOST_TEST(m.body == BodyType::unspecified);
  BOOST_TEST(!m.smtputf8);
}

BOOST_AUTO_TEST_CASE(mail_syntax_errors) {
  BOOST_TEST(error_code("MAIL") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL <a@b.example>") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL TO:<a@b.example>") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM<a@b.example>") == "501 5.5.4");
  BOOST_TEST(parse_error("MAIL").reply.text == "Syntax: MAIL FROM:<address>");
  // Bad reverse-paths: 501 5.1.7 (RFC 3463: bad sender's mailbox address syntax).
  BOOST_TEST(error_code("MAIL FROM:") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:a@b.example") == "501 5.1.7");  // brackets are required
  BOOST_TEST(error_code("MAIL FROM:<a@b.example") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<a@b.example>x") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<a@b.example>>") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<@>") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<a>") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<a@>") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<@b.example>") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<a b@c.example>") == "501 5.1.7");
  BOOST_TEST(error_code("MAIL FROM:<Postmaster>") == "501 5.1.7");  // only RCPT has the domain-less form
  BOOST_TEST(error_code("MAIL FROM:<a@b.example c>") == "501 5.1.7");
}

BOOST_AUTO_TEST_CASE(mail_parameters) {
  const Mail m = parse_as<Mail>("MAIL FROM:<a@b.example> SIZE=12345 BODY=8BITMIME SMTPUTF8");
  BOOST_TEST(*m.size == 12345u);
  BOOST_TEST(m.body == BodyType::eight_bit_mime);
  BOOST_TEST(m.smtputf8);
  BOOST_TEST(parse_as<Mail>("MAIL FROM:<a@b.example> body=7bit").body == BodyType::seven_bit);
  BOOST_TEST(parse_as<Mail>("MAIL FROM:<a@b.example> Body=BinaryMIME").body == BodyType::binary_mime);
  BOOST_TEST(parse_as<Mail>("MAIL FROM:<> smtputf8").smtputf8);
  BOOST_TEST(*parse_as<Mail>("MAIL FROM:<> size=0").size == 0u);
  BOOST_TEST(*parse_as<Mail>("MAIL FROM:<>  SIZE=7   BODY=7BIT").size == 7u);  // runs of SP tolerated
  // 20 digits is the most RFC 1870 allows; values past UINT64_MAX saturate.
  BOOST_TEST(*parse_as<Mail>("MAIL FROM:<> SIZE=18446744073709551615").size == UINT64_MAX);
  BOOST_TEST(*parse_as<Mail>("MAIL FROM:<> SIZE=99999999999999999999").size == UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(mail_parameter_errors) {
  BOOST_TEST(error_code("MAIL FROM:<> SIZE") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SIZE=") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SIZE=12k") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SIZE=-1") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SIZE=100000000000000000000") == "501 5.5.4");  // 21 digits
  BOOST_TEST(error_code("MAIL FROM:<> SIZE=1 SIZE=2") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> BODY=QUOTED") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> BODY") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> BODY=7BIT BODY=8BITMIME") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SMTPUTF8=yes") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SMTPUTF8 SMTPUTF8") == "501 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> -SIZE=1") == "501 5.5.4");   // keyword starts with a letter or digit
  BOOST_TEST(error_code("MAIL FROM:<> A=B=C") == "501 5.5.4");     // "=" is not allowed in a value
  BOOST_TEST(error_code("MAIL FROM:<> X=\xff") == "501 5.5.4");    // invalid UTF-8 in a value
  // Well-formed but not offered: 555 5.5.4 (RFC 5321 §4.1.1.11). We offer no DSN and no AUTH.
  BOOST_TEST(error_code("MAIL FROM:<> RET=HDRS") == "555 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> ENVID=abc") == "555 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> AUTH=<>") == "555 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> SIZE=1 X-FOO") == "555 5.5.4");
  BOOST_TEST(error_code("MAIL FROM:<> X=\xc3\xa9") == "555 5.5.4");  // UTF-8 values are well-formed (RFC 6531)
  BOOST_TEST(parse_error("MAIL FROM:<> RET=HDRS").reply.text == "Unsupported parameter");
}

BOOST_AUTO_TEST_CASE(rcpt_paths) {
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<alice@example.org>").to == addr("alice", "example.org"));
  BOOST_TEST(parse_as<Rcpt>("rcpt to:<Alice+News@Example.ORG>").to == addr("Alice+News", "Example.ORG"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO: <alice@example.org>").to == addr("alice", "example.org"));
  // RFC 5321 §4.1.1.3: "<Postmaster>" without a domain, in any case.
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<Postmaster>").to == addr("Postmaster", ""));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<postMASTER>").to == addr("postMASTER", ""));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<Postmaster@example.org>").to == addr("Postmaster", "example.org"));
  BOOST_TEST(error_code("RCPT TO:<alice>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<\"Postmaster\">") == "501 5.1.3");
  // Address literals.
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@[192.0.2.1]>").to == addr("a", "[192.0.2.1]"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@[IPv6:2001:db8::1]>").to == addr("a", "[IPv6:2001:db8::1]"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@[x-tag:abc]>").to == addr("a", "[x-tag:abc]"));
}

BOOST_AUTO_TEST_CASE(rcpt_source_routes_are_dropped) {
  // RFC 5321 §4.1.2: A-d-l MUST be accepted, SHOULD be ignored.
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>").to == addr("userc", "d.bar.org"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<@jkl.org:userc@d.bar.org>").to == addr("userc", "d.bar.org"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<@a.example,@b.example,@c.example:x@y.example>").to == addr("x", "y.example"));
  BOOST_TEST(error_code("RCPT TO:<@a.example:>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<@a.example,x@y.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<@a.example,:x@y.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<@:x@y.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<@a.example x@y.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<@[1.2.3.4]:x@y.example>") == "501 5.1.3");  // At-domain is a Domain only
}

BOOST_AUTO_TEST_CASE(rcpt_quoted_local_parts) {
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"alice\"@example.org>").to == addr("alice", "example.org", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"John Doe\"@example.org>").to == addr("John Doe", "example.org", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"Joe\\,Smith\"@example.org>").to == addr("Joe,Smith", "example.org", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"a\\\"b\\\\c\"@example.org>").to == addr("a\"b\\c", "example.org", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"a>b\"@example.org>").to == addr("a>b", "example.org", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"\"@example.org>").to == addr("", "example.org", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"a@b\"@example.org>").to == addr("a@b", "example.org", true));
  BOOST_TEST(error_code("RCPT TO:<\"unterminated@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<\"a\"b@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<\"a\\\"@example.org>") == "501 5.1.3");
}

BOOST_AUTO_TEST_CASE(rcpt_lenient_dot_strings) {
  // Leniency (address.h): dots anywhere in an unquoted local part.
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<first..last@example.org>").to == addr("first..last", "example.org"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<.alice.@example.org>").to == addr(".alice.", "example.org"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a!#$%&'*+-/=?^_`{|}~z@example.org>").to ==
             addr("a!#$%&'*+-/=?^_`{|}~z", "example.org"));
  BOOST_TEST(error_code("RCPT TO:<a(b)@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a,b@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a\\b@example.org>") == "501 5.1.3");
}

BOOST_AUTO_TEST_CASE(rcpt_domains) {
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@under_score.example>").to == addr("a", "under_score.example"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@localhost>").to == addr("a", "localhost"));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@123.example>").to == addr("a", "123.example"));
  BOOST_TEST(error_code("RCPT TO:<a@-x.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@x-.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@.example>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@example..org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@example.org.>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@exa!mple.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@[192.0.2.256]>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@[192.0.2]>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@[IPv6:1:2:3]>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@[]>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@[x-tag:]>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@[192.0.2.1>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@" + std::string(64, 'x') + ".example>") == "501 5.1.3");  // label > 63
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<a@" + std::string(63, 'x') + ".example>").to.domain.size() == 71u);
}

BOOST_AUTO_TEST_CASE(rcpt_utf8_addresses) {
  // RFC 6531: UTF-8 is accepted by the parser whenever it is valid; the Transaction requires SMTPUTF8.
  const Rcpt r = parse_as<Rcpt>("RCPT TO:<j\xc3\xb6rg@b\xc3\xbc" "cher.example>");
  BOOST_TEST(r.to == addr("j\xc3\xb6rg", "b\xc3\xbc" "cher.example"));
  BOOST_TEST(r.to.utf8());
  BOOST_TEST(!parse_as<Rcpt>("RCPT TO:<jorg@example.org>").to.utf8());
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\"\xe7\x94\xb0\xe4\xb8\xad \xe5\xa4\xaa\"@example.jp>").to ==
             addr("\xe7\x94\xb0\xe4\xb8\xad \xe5\xa4\xaa", "example.jp", true));
  BOOST_TEST(parse_as<Rcpt>("RCPT TO:<\xf0\x9f\x98\x80@example.org>").to.local == "\xf0\x9f\x98\x80");
  // Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate, a truncated sequence, Latin-1.
  BOOST_TEST(error_code("RCPT TO:<\x80@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<\xc0\xaf@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<\xed\xa0\x80@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<\xe2\x82@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<j\xf6rg@example.org>") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<a@b\xfc" "cher.example>") == "501 5.1.3");
  BOOST_TEST(error_code("MAIL FROM:<j\xf6rg@example.org> SMTPUTF8") == "501 5.1.7");
}

BOOST_AUTO_TEST_CASE(rcpt_errors) {
  BOOST_TEST(error_code("RCPT") == "501 5.5.4");
  BOOST_TEST(error_code("RCPT FROM:<a@b.example>") == "501 5.5.4");
  BOOST_TEST(error_code("RCPT TO:") == "501 5.1.3");
  BOOST_TEST(error_code("RCPT TO:<>") == "501 5.1.3");  // the null path is for MAIL only
  BOOST_TEST(error_code("RCPT TO:alice@example.org") == "501 5.1.3");
  // We offer no RCPT parameters (no DSN): well-formed ones are unsupported, malformed ones syntax errors.
  BOOST_TEST(error_code("RCPT TO:<a@b.example> NOTIFY=NEVER") == "555 5.5.4");
  BOOST_TEST(error_code("RCPT TO:<a@b.example> ORCPT=rfc822;a@b.example") == "555 5.5.4");
  BOOST_TEST(error_code("RCPT TO:<a@b.example> =x") == "501 5.5.4");
}

BOOST_AUTO_TEST_CASE(bdat) {
  BOOST_TEST((parse_as<Bdat>("BDAT 100") == Bdat{100, false}));
  BOOST_TEST((parse_as<Bdat>("BDAT 0 LAST") == Bdat{0, true}));
  BOOST_TEST((parse_as<Bdat>("bdat 86 last") == Bdat{86, true}));
  BOOST_TEST((parse_as<Bdat>("BDAT  007  Last ") == Bdat{7, true}));
  BOOST_TEST((parse_as<Bdat>("BDAT 18446744073709551615") == Bdat{UINT64_MAX, false}));
}

BOOST_AUTO_TEST_CASE(bdat_errors_keep_or_lose_the_stream) {
  // The size is readable: the session drops that many octets, then replies (RFC 3030 §2).
  CommandError e = parse_error("BDAT 10 FIRST");
  BOOST_TEST(e.reply.code == 501);
  BOOST_TEST(e.discard == 10u);
  BOOST_TEST(!e.close);
  BOOST_TEST(parse_error("BDAT 3 LAST LAST").discard == 3u);
  BOOST_TEST(parse_error("BDAT 3 LAST\x01").discard == 3u);
  // No readable size: the chunk cannot be told from later commands, so the session closes after replying.
  for (std::string_view line : {"BDAT"sv, "BDAT "sv, "BDAT x"sv, "BDAT 12x"sv, "BDAT -1"sv, "BDAT LAST"sv,
                                "BDAT 18446744073709551616"sv, "BDAT 99999999999999999999999"sv, "BDAT\t5"sv}) {
    BOOST_TEST_INFO(show(line));
    e = parse_error(line);
    BOOST_TEST(e.reply.code == 501);
    BOOST_TEST(e.reply.enhanced == "5.5.4");
    BOOST_TEST(e.close);
    BOOST_TEST(e.discard == 0u);
  }
  e = parse_error("BDAT " + std::string(600, '1'));
  BOOST_TEST(e.reply == replies::line_too_long());
  BOOST_TEST(e.close);
}

BOOST_AUTO_TEST_CASE(line_length_limits) {
  // 512 octets with CRLF (RFC 5321 §4.5.3.1.4): 510 before it.
  const std::string noop_max = "NOOP " + std::string(kMaxCommandLineBytes - 2 - 5, 'x');
  parse_as<Noop>(noop_max);
  BOOST_TEST(parse_error(noop_max + "x").reply == replies::line_too_long());
  BOOST_TEST(error_code(std::string(600, 'X')) == "500 5.5.2");
  BOOST_TEST(parse_error("XYZZY " + std::string(600, 'x')).reply == replies::line_too_long());
  // MAIL and RCPT: 4096 (extensions and UTF-8 addresses).
  const std::string rcpt_prefix = "RCPT TO:<\"";
  const std::string rcpt_suffix = "\"@example.org>";
  const std::string rcpt_max =
      rcpt_prefix + std::string(kMaxPathCommandLineBytes - 2 - rcpt_prefix.size() - rcpt_suffix.size(), 'a') +
      rcpt_suffix;
  BOOST_TEST(rcpt_max.size() == kMaxPathCommandLineBytes - 2);
  BOOST_TEST(parse_as<Rcpt>(rcpt_max).to.local.size() > 4000u);
  BOOST_TEST(parse_error("RCPT TO:<\"a" + rcpt_max.substr(10)).reply == replies::line_too_long());
  const std::string mail = "MAIL FROM:<a@b.example> SIZE=1 X=" + std::string(1000, 'v');
  BOOST_TEST(error_code(mail) == "555 5.5.4");  // long, but within the MAIL limit
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_TEST(command_name(Command(Lhlo{})) == "LHLO");
  BOOST_TEST(command_name(Command(Mail{})) == "MAIL");
  BOOST_TEST(command_name(Command(Rcpt{})) == "RCPT");
  BOOST_TEST(command_name(Command(Data{})) == "DATA");
  BOOST_TEST(command_name(Command(Bdat{})) == "BDAT");
  BOOST_TEST(command_name(Command(Rset{})) == "RSET");
  BOOST_TEST(command_name(Command(Noop{})) == "NOOP");
  BOOST_TEST(command_name(Command(Quit{})) == "QUIT");
  BOOST_TEST(command_name(Command(Vrfy{})) == "VRFY");
  BOOST_TEST(command_name(Command(Help{})) == "HELP");
}

BOOST_AUTO_TEST_CASE(errors_are_single_line_replies_with_enhanced_codes) {
  for (std::string_view line : {"XYZZY"sv, "MAIL FROM:<"sv, "RCPT TO:<>"sv, "BDAT x"sv, "HELO x"sv, "EXPN x"sv,
                                "MAIL FROM:<> FOO"sv, "DATA 1"sv}) {
    const CommandError e = parse_error(line);
    BOOST_TEST(e.reply.more.empty());
    BOOST_TEST(e.reply.code / 100 == 5);
    BOOST_TEST(e.reply.enhanced.substr(0, 2) == "5.");
  }
}

BOOST_AUTO_TEST_SUITE_END()
