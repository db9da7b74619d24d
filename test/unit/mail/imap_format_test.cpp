// ENVELOPE, BODY and BODYSTRUCTURE text, with expected strings written by hand from RFC 3501 §7.4.2 and §9.
#include <boost/test/unit_test.hpp>

#include <string>

#include "mail/imap_format.h"

BOOST_AUTO_TEST_SUITE(imap_format)

namespace {

std::string body(std::string_view msg, bool ext) { return mail::body_string(mail::parse_message(msg), ext); }

std::string envelope(std::string_view msg) {
  return mail::envelope_string(mail::make_envelope(mail::parse_message(msg).fields));
}

const std::string kPlainBody = "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" ";

}  // namespace

BOOST_AUTO_TEST_CASE(strings_are_quoted_or_literal) {
  BOOST_TEST(mail::imap_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  BOOST_TEST(mail::imap_string("") == "\"\"");
  BOOST_TEST(mail::imap_string("a\r\nb") == "{4}\r\na\r\nb");
  BOOST_TEST(mail::imap_string("caf\xc3\xa9") == "{5}\r\ncaf\xc3\xa9");
  BOOST_TEST(mail::imap_nstring(std::nullopt) == "NIL");
  // NUL cannot be sent in a quoted string or a literal (CHAR8 = %x01-ff): it is dropped.
  BOOST_TEST(mail::imap_string(std::string("a\0b", 3)) == "\"ab\"");
  BOOST_TEST(mail::imap_string(std::string("\0caf\xc3\xa9", 6)) == "{5}\r\ncaf\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(simple_text_message) {
  const std::string msg =
      "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Hi\r\n"
      "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nHello\r\nWorld\r\n";
  BOOST_TEST(body(msg, false) == kPlainBody + "14 2)");
  BOOST_TEST(body(msg, true) == kPlainBody + "14 2 NIL NIL NIL NIL)");
  BOOST_TEST(envelope(msg) ==
             "(\"Wed, 25 Nov 2026 10:00:00 +0000\" \"Hi\" ((\"Alice\" NIL \"alice\" \"example.com\")) "
             "((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) "
             "((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL \"<1@example.com>\")");
}

BOOST_AUTO_TEST_CASE(rfc3501_style_multipart) {
  const std::string msg =
      "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\npreamble\r\n--xyz\r\n\r\nfirst\r\n--xyz\r\n"
      "Content-Type: text/plain; charset=US-ASCII; name=cc.diff\r\nContent-ID: <id@x>\r\n"
      "Content-Description: Compiler diff\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\n--xyz--\r\nepilogue\r\n";
  const std::string second =
      "(\"text\" \"plain\" (\"charset\" \"US-ASCII\" \"name\" \"cc.diff\") \"<id@x>\" \"Compiler diff\" \"BASE64\" 4 1";
  BOOST_TEST(body(msg, false) == "(" + kPlainBody + "5 1)" + second + ") \"mixed\")");
  BOOST_TEST(body(msg, true) == "(" + kPlainBody + "5 1 NIL NIL NIL NIL)" + second +
                                    " NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"xyz\") NIL NIL NIL)");
}

BOOST_AUTO_TEST_CASE(nested_multipart_and_message_rfc822) {
  const std::string msg =
      "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
      "--b\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b--\r\n--a\r\n"
      "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"fwd.eml\"\r\n\r\n"
      "Subject: Inner\r\nFrom: c@d\r\n\r\nbody\r\n--a--\r\n";
  const std::string env =
      "(NIL \"Inner\" ((NIL NIL \"c\" \"d\")) ((NIL NIL \"c\" \"d\")) ((NIL NIL \"c\" \"d\")) NIL NIL NIL NIL NIL)";
  BOOST_TEST(body(msg, false) ==
             "((" + kPlainBody + "5 1)(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 8 1) \"alternative\")"
             "(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 33 " + env + " " + kPlainBody + "4 1) 4) \"mixed\")");
  BOOST_TEST(body(msg, true) ==
             "((" + kPlainBody + "5 1 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 8 1 NIL NIL NIL NIL) "
             "\"alternative\" (\"boundary\" \"b\") NIL NIL NIL)"
             "(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 33 " + env + " " + kPlainBody +
             "4 1 NIL NIL NIL NIL) 4 NIL (\"attachment\" (\"filename\" \"fwd.eml\")) NIL NIL) "
             "\"mixed\" (\"boundary\" \"a\") NIL NIL NIL)");
}

BOOST_AUTO_TEST_CASE(missing_boundary_is_text_plain) {
  BOOST_TEST(body("Content-Type: multipart/mixed\r\n\r\nhello\r\n", false) == kPlainBody + "7 1)");
}

BOOST_AUTO_TEST_CASE(bare_lf_and_non_text_leaf) {
  const std::string msg =
      "Content-Type: application/pdf; name=\"a b.pdf\"\nContent-Transfer-Encoding: base64\n\nQUJD\n";
  BOOST_TEST(body(msg, false) == "(\"application\" \"pdf\" (\"name\" \"a b.pdf\") NIL NIL \"BASE64\" 5)");
}

BOOST_AUTO_TEST_CASE(single_part_extension_data) {
  const std::string msg =
      "Content-Type: text/plain; charset=utf-8\r\nContent-MD5: Q2hl\r\nContent-Disposition: inline\r\n"
      "Content-Language: en, de\r\nContent-Location: loc\r\n\r\nx";
  BOOST_TEST(body(msg, true) ==
             "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 1 1 \"Q2hl\" (\"inline\" NIL) "
             "(\"en\" \"de\") \"loc\")");
}

BOOST_AUTO_TEST_CASE(group_addresses_and_literal_subject) {
  const std::string msg =
      "From: \"Q \\\"N\\\"\" <q@n>\r\nTo: Friends: a@b, c@d;\r\nCc: undisclosed-recipients:;\r\n"
      "Subject: caf\xc3\xa9\r\n\r\n";
  BOOST_TEST(envelope(msg) ==
             "(NIL {5}\r\ncaf\xc3\xa9 ((\"Q \\\"N\\\"\" NIL \"q\" \"n\")) ((\"Q \\\"N\\\"\" NIL \"q\" \"n\")) "
             "((\"Q \\\"N\\\"\" NIL \"q\" \"n\")) ((NIL NIL \"Friends\" NIL)(NIL NIL \"a\" \"b\")(NIL NIL \"c\" \"d\")"
             "(NIL NIL NIL NIL)) ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)");
}

BOOST_AUTO_TEST_SUITE_END()
