// mail/binary.h: BINARY[part] content (RFC 3516): transfer encodings removed, composites and the whole message as
// they are, unknown encodings and missing parts reported.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mail/binary.h"

namespace {

using namespace std::string_literals;

const std::string kMessage =
    "Subject: top\r\n"
    "Content-Type: multipart/mixed; boundary=o\r\n"
    "\r\n"
    "--o\r\n"
    "Content-Transfer-Encoding: Quoted-Printable\r\n"
    "\r\n"
    "a=3Db=\r\nc=00d\r\n"
    "--o\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAEC/w==\r\n"
    "--o\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "aGk=\r\n"
    "--o\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "caf\xC3\xA9\r\n"
    "--o\r\n"
    "Content-Transfer-Encoding: x-uuencode\r\n"
    "\r\n"
    "begin\r\n"
    "--o--\r\n";

struct Got {
  mail::BinaryStatus status;
  std::string data;
};

Got decode(std::vector<std::uint32_t> part) {
  const auto root = mail::parse_message(kMessage);
  std::string storage;
  const auto b = mail::binary_section(kMessage, root, part, storage);
  return {b.status, std::string(b.data)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(binary)

BOOST_AUTO_TEST_CASE(transfer_encodings) {
  using mail::TransferEncoding;
  BOOST_TEST((mail::transfer_encoding("7BIT") == TransferEncoding::identity));
  BOOST_TEST((mail::transfer_encoding("8bit") == TransferEncoding::identity));
  BOOST_TEST((mail::transfer_encoding("Binary") == TransferEncoding::identity));
  BOOST_TEST((mail::transfer_encoding("BASE64") == TransferEncoding::base64));
  BOOST_TEST((mail::transfer_encoding("quoted-printable") == TransferEncoding::quoted_printable));
  BOOST_TEST((mail::transfer_encoding("X-UUENCODE") == TransferEncoding::unknown));
  BOOST_TEST((mail::transfer_encoding("") == TransferEncoding::unknown));
  BOOST_TEST((mail::transfer_encoding("base-64") == TransferEncoding::unknown));
}

BOOST_AUTO_TEST_CASE(parts_decoded) {
  auto qp = decode({1});
  BOOST_TEST((qp.status == mail::BinaryStatus::ok));
  BOOST_TEST(qp.data == "a=bc\0d"s);
  auto b64 = decode({2});
  BOOST_TEST((b64.status == mail::BinaryStatus::ok));
  BOOST_TEST(b64.data == "\x00\x01\x02\xFF"s);
  // The embedded message's own body is 3.1 (not multipart): decoded; part 3 itself is as it is.
  BOOST_TEST(decode({3, 1}).data == "hi");
  BOOST_TEST(decode({3}).data == "Subject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=");
  BOOST_TEST(decode({4}).data == "caf\xC3\xA9");
  BOOST_TEST(decode({}).data == kMessage);
}

BOOST_AUTO_TEST_CASE(missing_and_unknown) {
  BOOST_TEST((decode({5}).status == mail::BinaryStatus::unknown_encoding));
  BOOST_TEST((decode({6}).status == mail::BinaryStatus::no_such_part));
  BOOST_TEST((decode({0}).status == mail::BinaryStatus::no_such_part));
  BOOST_TEST((decode({2, 1}).status == mail::BinaryStatus::no_such_part));
  BOOST_TEST((decode({3, 2}).status == mail::BinaryStatus::no_such_part));
}

BOOST_AUTO_TEST_CASE(literal8_only_for_nul) {
  BOOST_TEST(!mail::needs_literal8(""));
  BOOST_TEST(!mail::needs_literal8("\x01\xFF\r\n"));
  BOOST_TEST(mail::needs_literal8("a\0b"s));
}

BOOST_AUTO_TEST_SUITE_END()
