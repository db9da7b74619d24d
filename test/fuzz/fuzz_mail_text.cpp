// libFuzzer target: the decoded-text side of mail/ (text.h) that SEARCH runs on every message anyone can send:
// transfer decoding, charset conversion through iconv, RFC 2047 header decoding, case folding and the searchable
// text of the whole MIME tree.
//
// Input: the first byte picks the charset for to_utf8(). Below 0x80 it indexes kCharsets (stateful and multibyte
// decoders included); otherwise its low 5 bits are the length of a charset name taken from the next bytes, so
// arbitrary labels reach the name filter. The rest is the data, also parsed as a whole message.
// Invariants (trapping): every text output is valid UTF-8, folding is idempotent, decoding never grows the input
// (quoted-printable, base64), the searchable text stays within kMaxSearchText, and the decoded Subject is found
// in the SEARCH TEXT text.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "mail/mime.h"
#include "mail/text.h"

namespace {

constexpr std::string_view kCharsets[] = {"utf-8", "us-ascii", "iso-8859-1", "windows-1252", "koi8-r",
                                          "shift_jis", "euc-jp", "iso-2022-jp", "iso-2022-kr", "gb2312",
                                          "gb18030", "big5", "big5-hkscs", "utf-16", "utf-7", "windows-1255",
                                          "windows-1258", "tscii", "ibm930", "x-unknown"};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool valid_utf8(const std::string& s) { return mail::to_utf8(s, "utf-8") == s; }

void check_text(const std::string& s) {
  check(valid_utf8(s));
  const std::string folded = mail::fold_case(s);
  check(valid_utf8(folded));
  check(mail::fold_case(folded) == folded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const auto selector = static_cast<unsigned char>(input.front());
  input.remove_prefix(1);
  std::string_view charset;
  if (selector < 0x80) {
    charset = kCharsets[selector % std::size(kCharsets)];
  } else {
    charset = input.substr(0, selector & 0x1F);
    input.remove_prefix(charset.size());
  }

  check_text(mail::to_utf8(input, charset));
  check_text(mail::decode_header_value(input));
  check(mail::decode_transfer_encoding(input, "quoted-printable").size() <= input.size());
  check(mail::decode_transfer_encoding(input, "base64").size() <= input.size());

  const mail::Part root = mail::parse_message(input);
  const std::string body = mail::searchable_text(input, root, false);
  const std::string text = mail::searchable_text(input, root, true);
  check(body.size() <= mail::kMaxSearchText && text.size() <= mail::kMaxSearchText);
  check(valid_utf8(body) && valid_utf8(text));
  // SEARCH SUBJECT and SEARCH TEXT agree: the decoded subject is part of the message text.
  const std::string subject = mail::decoded_header(root.fields, "subject");
  check(valid_utf8(subject) && mail::fold_case(subject) == subject);
  if (const auto first = mail::find_field(root.fields, "subject"))
    check(mail::contains_folded(text, mail::fold_case(mail::decode_header_value(*first))));
  return 0;
}
