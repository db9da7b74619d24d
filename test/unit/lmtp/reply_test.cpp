// Reply (lmtp/protocol/reply.h): wire formatting of single and multi-line replies, enhanced status codes, the
// LHLO capability list, sanitising and cutting of text, and the error-to-reply mapping.
#include <boost/test/unit_test.hpp>

#include <string>

#include "lmtp/protocol/limits.h"
#include "test/unit/lmtp/lmtp_test_util.h"

namespace {

using namespace lmtp_test;
using base::Errc;
using namespace std::literals;

// Every line of a wire reply ends in CRLF, holds no other CR or LF, and fits kMaxReplyLineBytes.
void check_lines(const std::string& wire) {
  BOOST_TEST(wire.ends_with("\r\n"));
  std::size_t start = 0;
  while (start < wire.size()) {
    const std::size_t end = wire.find("\r\n", start);
    BOOST_REQUIRE(end != std::string::npos);
    const std::string_view line = std::string_view(wire).substr(start, end - start);
    BOOST_TEST(line.find_first_of("\r\n") == std::string_view::npos);
    BOOST_TEST(line.size() + 2 <= kMaxReplyLineBytes);
    start = end + 2;
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reply)

BOOST_AUTO_TEST_CASE(single_line) {
  BOOST_TEST((Reply{250, "2.1.5", "Recipient OK", {}}.wire() == "250 2.1.5 Recipient OK\r\n"));
  BOOST_TEST((Reply{354, "", "Start mail input", {}}.wire() == "354 Start mail input\r\n"));
  BOOST_TEST((Reply{250, "2.0.0", "", {}}.wire() == "250 2.0.0\r\n"));
  BOOST_TEST((Reply{250, "", "", {}}.wire() == "250\r\n"));
}

BOOST_AUTO_TEST_CASE(multi_line) {
  const Reply r{250, "", "mx.example.org", {"PIPELINING", "SIZE 10"}};
  BOOST_TEST(r.wire() == "250-mx.example.org\r\n250-PIPELINING\r\n250 SIZE 10\r\n");
  // RFC 2034 §4: the same enhanced code on every line.
  const Reply e{550, "5.1.1", "No such user", {"try another"}};
  BOOST_TEST(e.wire() == "550-5.1.1 No such user\r\n550 5.1.1 try another\r\n");
  const Reply empty_last{250, "", "a", {""}};
  BOOST_TEST(empty_last.wire() == "250-a\r\n250\r\n");
}

BOOST_AUTO_TEST_CASE(append_to_concatenates) {
  std::string out;
  replies::recipient_ok().append_to(out);
  replies::too_big().append_to(out);
  BOOST_TEST(out == "250 2.1.5 Recipient OK\r\n552 5.3.4 Message size exceeds fixed maximum message size\r\n");
}

BOOST_AUTO_TEST_CASE(text_is_sanitised) {
  const Reply r{550, "5.1.1", "evil\r\n250 OK\0x"s, {"a\nb"}};
  BOOST_TEST(r.wire() == "550-5.1.1 evil  250 OK x\r\n550 5.1.1 a b\r\n");
  check_lines(r.wire());
}

BOOST_AUTO_TEST_CASE(long_text_is_cut_at_a_character_boundary) {
  const Reply r{250, "2.0.0", std::string(600, 'a'), {}};
  BOOST_TEST(r.wire().size() == kMaxReplyLineBytes);
  check_lines(r.wire());
  // Two-octet characters: the cut must not split one.
  std::string utf8;
  for (int i = 0; i < 400; ++i) utf8 += "\xc3\xa9";
  for (int shift = 0; shift < 2; ++shift) {
    const Reply u{250, "2.0.0", std::string(static_cast<std::size_t>(shift), 'x') + utf8, {}};
    const std::string w = u.wire();
    check_lines(w);
    const std::string_view text = std::string_view(w).substr(10, w.size() - 12);
    BOOST_TEST((static_cast<unsigned char>(text.back()) == 0xA9 || text.back() == 'x'));
  }
}

BOOST_AUTO_TEST_CASE(lhlo_capabilities) {
  BOOST_TEST((capabilities(1000) == std::vector<std::string>{"PIPELINING", "8BITMIME", "BINARYMIME", "CHUNKING",
                                                              "SIZE 1000", "ENHANCEDSTATUSCODES", "SMTPUTF8"}));
  // RFC 2034: no enhanced codes in the LHLO (EHLO) reply.
  BOOST_TEST(replies::lhlo("mx.example.org", 67108864).wire() ==
             "250-mx.example.org\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n"
             "250-SIZE 67108864\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n");
}

BOOST_AUTO_TEST_CASE(standard_replies) {
  BOOST_TEST(replies::greeting("mx.example.org").wire() == "220 mx.example.org LMTP Sealbox ready\r\n");
  BOOST_TEST(replies::start_data().wire() == "354 Start mail input; end with <CRLF>.<CRLF>\r\n");
  BOOST_TEST(replies::quit("mx").wire() == "221 2.0.0 mx closing connection\r\n");
  BOOST_TEST(replies::chunk_ok(324).wire() == "250 2.0.0 324 octets received\r\n");
  BOOST_TEST(replies::too_many_recipients().wire() == "452 4.5.3 Too many recipients\r\n");
  BOOST_TEST(replies::bad_sequence("Send MAIL first").wire() == "503 5.5.1 Send MAIL first\r\n");
  // Every 2xx/4xx/5xx reply except greeting and LHLO carries an enhanced code of the same class (RFC 2034 §4).
  const std::vector<Reply> all = {
      replies::ok(), replies::sender_ok(), replies::recipient_ok(), replies::chunk_ok(1), replies::delivered(),
      replies::quit("x"), replies::vrfy(), replies::help(), replies::unknown_command(), replies::line_too_long(),
      replies::use_lhlo(), replies::not_implemented(), replies::syntax_error("x"), replies::bad_sender_syntax(),
      replies::bad_recipient_syntax(), replies::unsupported_parameter(), replies::bad_sequence("x"),
      replies::too_many_recipients(), replies::too_big(), replies::sender_needs_smtputf8(),
      replies::recipient_needs_smtputf8(), replies::timeout(), replies::shutting_down(),
      replies::temporary_failure()};
  for (const Reply& r : all) {
    BOOST_TEST_INFO(r);
    BOOST_TEST(r.enhanced.size() >= 5u);
    BOOST_TEST(r.enhanced[0] == static_cast<char>('0' + r.code / 100));
    check_lines(r.wire());
  }
  BOOST_TEST(replies::greeting("x").enhanced.empty());
  BOOST_TEST(replies::start_data().enhanced.empty());
}

BOOST_AUTO_TEST_CASE(positive) {
  BOOST_TEST(replies::recipient_ok().positive());
  BOOST_TEST(replies::vrfy().positive());
  BOOST_TEST(!replies::start_data().positive());
  BOOST_TEST(!replies::temporary_failure().positive());
  BOOST_TEST(!replies::too_big().positive());
}

BOOST_AUTO_TEST_CASE(errors_map_to_replies) {
  const std::string unknown = "550 5.1.1 No such user here\r\n";
  BOOST_TEST(reply_for(base::fail(Errc::no_such_user, "no such user: bob")).wire() == unknown);
  BOOST_TEST(reply_for(base::fail(Errc::invalid_argument, "user name ...")).wire() == unknown);
  BOOST_TEST(reply_for(base::fail(Errc::not_found, "domain")).wire() == "550 5.1.2 Domain not served here\r\n");
  BOOST_TEST(reply_for(base::fail(Errc::over_quota)).wire() == "452 4.2.2 Mailbox full\r\n");
  BOOST_TEST(reply_for(base::fail(Errc::too_big)) == replies::too_big());
  // Anything else is temporary, and its detail never reaches the client.
  for (Errc e : {Errc::io, Errc::busy, Errc::corrupt, Errc::internal, Errc::auth_failed, Errc::bad_syntax}) {
    const Reply r = reply_for(base::fail(e, "secret detail"));
    BOOST_TEST(r == replies::temporary_failure());
    BOOST_TEST(r.wire().find("secret") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
