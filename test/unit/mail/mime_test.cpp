// mail::parse_message: header/body ranges, line counts, Content-* fields, multipart splitting, message/rfc822,
// lenient inputs (bare LF, missing boundary) and the bounds on depth.
#include <boost/test/unit_test.hpp>

#include <string>

#include "mail/mime.h"

BOOST_AUTO_TEST_SUITE(mime)

namespace {

std::string_view slice(std::string_view text, mail::Range r) { return text.substr(r.offset, r.length); }

}  // namespace

BOOST_AUTO_TEST_CASE(simple_text_message_ranges_and_defaults) {
  const std::string msg = "Subject: Hi\r\nFrom: a@b\r\n\r\nHello\r\nWorld\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_TEST(slice(msg, p.header) == "Subject: Hi\r\nFrom: a@b\r\n\r\n");
  BOOST_TEST(slice(msg, p.body) == "Hello\r\nWorld\r\n");
  BOOST_TEST(p.body_lines == 2u);
  BOOST_TEST(p.type == "text");
  BOOST_TEST(p.subtype == "plain");
  BOOST_REQUIRE_EQUAL(p.params.size(), 1u);
  BOOST_TEST(p.params[0].name == "charset");
  BOOST_TEST(p.params[0].value == "us-ascii");
  BOOST_TEST(p.encoding == "7BIT");
  BOOST_TEST(p.fields.size() == 2u);
}

BOOST_AUTO_TEST_CASE(unusable_content_type_falls_back_to_the_default) {
  const mail::Part p = mail::parse_message("Content-Type: garbage; charset=utf-8\r\n\r\nx");
  BOOST_TEST(p.type == "text");
  BOOST_TEST(p.subtype == "plain");
  BOOST_REQUIRE_EQUAL(p.params.size(), 1u);
  BOOST_TEST(p.params[0].value == "us-ascii");
  const mail::Part q = mail::parse_message("Content-Type: text/plain\r\n\r\nx");
  BOOST_TEST(q.params.empty());
}

BOOST_AUTO_TEST_CASE(header_fields_are_unfolded_and_colonless_lines_skipped) {
  const auto fields = mail::parse_header("Subject: one\r\n two\r\nbogus line\r\n cont\r\nX-A:\tv \r\n");
  BOOST_REQUIRE_EQUAL(fields.size(), 2u);
  BOOST_TEST(fields[0].value == "one two");
  BOOST_TEST(fields[1].name == "X-A");
  BOOST_TEST(fields[1].value == "v");
  BOOST_TEST(*mail::find_field(fields, "subject") == "one two");
  BOOST_TEST(!mail::find_field(fields, "To"));
}

BOOST_AUTO_TEST_CASE(fields_past_the_cap_keep_only_the_first_key_fields) {
  std::string header;
  for (std::size_t i = 0; i < mail::kMaxHeaderFields + 10; ++i) header += "Received: x\r\n";
  header += "X-Late: dropped\r\nSubject: first\r\n more\r\n";
  for (int i = 0; i < 5000; ++i) header += "Subject: again\r\n";
  const auto fields = mail::parse_header(header);
  BOOST_REQUIRE_EQUAL(fields.size(), mail::kMaxHeaderFields + 1);
  BOOST_TEST(fields.back().value == "first more");
  BOOST_TEST(!mail::find_field(fields, "X-Late"));
}

BOOST_AUTO_TEST_CASE(field_values_stop_at_the_length_cap) {
  // One long line, and a value folded over many lines: both stop at kMaxFieldBytes; the next field is intact.
  std::string header = "Subject: " + std::string(mail::kMaxFieldBytes + 100, 'a') + "\r\nReferences: <0@x>\r\n";
  for (int i = 1; i < 20000; ++i) header += " <" + std::to_string(i) + "@x>\r\n";
  header += "To: b@example.net\r\n";
  const auto fields = mail::parse_header(header);
  BOOST_REQUIRE_EQUAL(fields.size(), 3u);
  BOOST_TEST(fields[0].value == std::string(mail::kMaxFieldBytes - 1, 'a'));  // " aaa..." trimmed of its space
  BOOST_TEST(fields[1].value.size() <= mail::kMaxFieldBytes);
  BOOST_TEST(fields[1].value.size() >= mail::kMaxFieldBytes - 16);
  BOOST_TEST(fields[2].value == "b@example.net");
}

BOOST_AUTO_TEST_CASE(content_fields_with_quoted_params_and_comments) {
  const std::string msg =
      "Content-Type: Text/HTML (a comment); charset=\"UTF-8\"; name=\"a \\\"b\\\".html\"\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "Content-ID: <id@x>\r\nContent-Description: desc\r\nContent-MD5: abc=\r\n"
      "Content-Disposition: inline; filename=a.html\r\nContent-Language: en-US, fr\r\n"
      "Content-Location: http://x/y\r\n\r\nbody";
  const mail::Part p = mail::parse_message(msg);
  BOOST_TEST(p.type == "text");
  BOOST_TEST(p.subtype == "html");
  BOOST_REQUIRE_EQUAL(p.params.size(), 2u);
  BOOST_TEST(p.params[0].value == "UTF-8");
  BOOST_TEST(p.params[1].value == "a \"b\".html");
  BOOST_TEST(p.encoding == "QUOTED-PRINTABLE");
  BOOST_TEST(*p.id == "<id@x>");
  BOOST_TEST(*p.description == "desc");
  BOOST_TEST(*p.md5 == "abc=");
  BOOST_TEST(*p.location == "http://x/y");
  BOOST_TEST(*p.disposition == "inline");
  BOOST_REQUIRE_EQUAL(p.disposition_params.size(), 1u);
  BOOST_TEST(p.disposition_params[0].value == "a.html");
  BOOST_REQUIRE_EQUAL(p.languages.size(), 2u);
  BOOST_TEST(p.languages[0] == "en-US");
  BOOST_TEST(p.languages[1] == "fr");
  BOOST_TEST(p.body_lines == 1u);
}

BOOST_AUTO_TEST_CASE(multipart_splits_at_boundaries_ignoring_preamble_and_epilogue) {
  const std::string msg =
      "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\npreamble\r\n--xyz\r\n\r\nfirst\r\n"
      "--xyz  \r\nContent-Type: text/plain\r\n\r\nsecond\r\n\r\n--xyz--\r\nepilogue\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_TEST(p.is_multipart());
  BOOST_REQUIRE_EQUAL(p.children.size(), 2u);
  BOOST_TEST(slice(msg, p.children[0].header) == "\r\n");
  BOOST_TEST(slice(msg, p.children[0].body) == "first");
  BOOST_TEST(slice(msg, p.children[1].body) == "second\r\n");
  BOOST_TEST(p.children[1].params.empty());
}

BOOST_AUTO_TEST_CASE(missing_closing_delimiter_ends_at_body_end) {
  const std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nonly\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_REQUIRE_EQUAL(p.children.size(), 1u);
  BOOST_TEST(slice(msg, p.children[0].body) == "only\r\n");
}

BOOST_AUTO_TEST_CASE(similar_boundary_prefix_is_not_a_delimiter) {
  const std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--bc\r\ny\r\n--b--\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_REQUIRE_EQUAL(p.children.size(), 1u);
  BOOST_TEST(slice(msg, p.children[0].body) == "x\r\n--bc\r\ny");
}

BOOST_AUTO_TEST_CASE(missing_boundary_or_boundary_line_becomes_text_plain) {
  for (const std::string msg : {"Content-Type: multipart/mixed\r\n\r\nhello\r\n",
                                "Content-Type: multipart/mixed; boundary=zz\r\n\r\nhello\r\n"}) {
    const mail::Part p = mail::parse_message(msg);
    BOOST_TEST(p.type == "text");
    BOOST_TEST(p.subtype == "plain");
    BOOST_TEST(p.children.empty());
  }
}

BOOST_AUTO_TEST_CASE(bare_lf_message) {
  const std::string msg =
      "Content-Type: multipart/mixed;\n boundary=q\n\n--q\nContent-Type: text/plain;\n charset=utf-8\n\n"
      "line1\nline2\n--q--\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_REQUIRE_EQUAL(p.children.size(), 1u);
  const mail::Part& c = p.children[0];
  BOOST_TEST(slice(msg, c.body) == "line1\nline2");
  BOOST_TEST(c.body_lines == 2u);
  BOOST_TEST(c.params[0].value == "utf-8");
}

BOOST_AUTO_TEST_CASE(message_rfc822_has_the_embedded_message_as_child) {
  const std::string msg =
      "Content-Type: message/rfc822\r\n\r\nSubject: Inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
      "--i\r\n\r\nin\r\n--i--\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_REQUIRE(p.is_message());
  const mail::Part& inner = p.children[0];
  BOOST_TEST(slice(msg, inner.header) == "Subject: Inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n");
  BOOST_TEST(*mail::find_field(inner.fields, "Subject") == "Inner");
  BOOST_REQUIRE_EQUAL(inner.children.size(), 1u);
  BOOST_TEST(slice(msg, inner.children[0].body) == "in");
}

BOOST_AUTO_TEST_CASE(digest_children_default_to_message_rfc822) {
  const std::string msg =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: s\r\n\r\nx\r\n--d--\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_REQUIRE_EQUAL(p.children.size(), 1u);
  BOOST_TEST(p.children[0].is_message());
}

BOOST_AUTO_TEST_CASE(no_blank_line_means_all_header) {
  const std::string msg = "Subject: x\r\nFrom: y";
  const mail::Part p = mail::parse_message(msg);
  BOOST_TEST(p.header.length == msg.size());
  BOOST_TEST(p.body.length == 0u);
  BOOST_TEST(p.body_lines == 0u);
  BOOST_TEST(p.fields.size() == 2u);
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_bounded) {
  std::string msg;
  for (int i = 0; i < 100; ++i) msg += "Content-Type: message/rfc822\r\n\r\n";
  msg += "x";
  const mail::Part p = mail::parse_message(msg);
  int depth = 0;
  const mail::Part* cur = &p;
  while (!cur->children.empty()) {
    cur = &cur->children[0];
    ++depth;
  }
  BOOST_TEST(depth == mail::kMaxDepth);
}

BOOST_AUTO_TEST_CASE(empty_and_garbage_inputs_do_not_fail) {
  for (const std::string& msg : {std::string(), std::string("\r\n"), std::string("\n\n\n"), std::string(":\r\n\r\n"),
                                std::string("Content-Type: multipart/x; boundary=\"\r\n\r\n--\r\n")}) {
    const mail::Part p = mail::parse_message(msg);
    BOOST_TEST(p.header.offset + p.header.length <= msg.size());
    BOOST_TEST(p.body.offset + p.body.length == msg.size());
  }
}

BOOST_AUTO_TEST_CASE(rfc2231_continuations_are_merged) {
  std::string main;
  std::vector<mail::Param> params;
  mail::parse_structured("attachment; a=1; filename*0=\"long \"; filename*1=name.txt; b=2", main, params);
  BOOST_TEST(main == "attachment");
  BOOST_REQUIRE_EQUAL(params.size(), 3u);
  BOOST_TEST(params[1].name == "filename");
  BOOST_TEST(params[1].value == "long name.txt");
  BOOST_TEST(params[2].name == "b");

  params.clear();
  mail::parse_structured("text/plain; title*1=\"b c\"; title*0*=us-ascii'en'a%20; title*=x", main, params);
  BOOST_REQUIRE_EQUAL(params.size(), 2u);
  BOOST_TEST(params[0].name == "title*");
  BOOST_TEST(params[0].value == "us-ascii'en'a%20b%20c");
  BOOST_TEST(params[1].value == "x");

  params.clear();
  mail::parse_structured("text/plain; n*1=orphan", main, params);
  BOOST_REQUIRE_EQUAL(params.size(), 1u);
  BOOST_TEST(params[0].name == "n*1");
}

BOOST_AUTO_TEST_CASE(parameter_count_is_bounded) {
  std::string value = "text/plain";
  for (int i = 0; i < 5000; ++i) value += "; x*" + std::to_string(i % 7) + "=v";
  std::string main;
  std::vector<mail::Param> params;
  mail::parse_structured(value, main, params);
  BOOST_TEST(params.size() <= mail::kMaxParams);
}

BOOST_AUTO_TEST_CASE(part_count_is_bounded) {
  std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (std::size_t i = 0; i < mail::kMaxParts + 50; ++i) msg += "--b\r\n\r\nx\r\n";
  msg += "--b--\r\n";
  const mail::Part p = mail::parse_message(msg);
  BOOST_TEST(p.children.size() == mail::kMaxParts - 1);
}

BOOST_AUTO_TEST_SUITE_END()
