// libFuzzer target: the MIME parser, the IMAP structure formatter, section addressing and the Date: parser
// (mail/) on arbitrary messages, which are exactly what anyone can send by mail. They must never crash, never read
// outside the input, and keep every byte range inside the message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <vector>

#include "mail/date.h"
#include "mail/envelope.h"
#include "mail/imap_format.h"
#include "mail/mime.h"
#include "mail/section.h"

namespace {

void check_ranges(const mail::Part& p, std::size_t size) {
  if (p.header.offset + p.header.length > size || p.body.offset + p.body.length > size) std::abort();
  for (const auto& child : p.children) check_ranges(child, size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view message(reinterpret_cast<const char*>(data), size);
  auto root = mail::parse_message(message);
  check_ranges(root, size);
  (void)mail::body_string(root, true);
  (void)mail::envelope_string(mail::make_envelope(root.fields));
  if (auto date = mail::find_field(root.fields, "Date")) (void)mail::parse_date_day(*date);
  // Every section a client could name with up to three part numbers of 1..3 lies inside the message.
  std::vector<std::uint32_t> part;
  for (std::uint32_t n = 0; n < 3 * 3 * 3 + 3 * 3 + 3; ++n) {
    part.clear();
    for (std::uint32_t v = n; part.size() < 3; v /= 4) {
      if (v % 4 == 0) break;
      part.push_back(v % 4);
    }
    for (auto text : {mail::SectionText::none, mail::SectionText::header, mail::SectionText::text,
                      mail::SectionText::mime}) {
      auto range = mail::find_section(root, part, text);
      if (range && range->offset + range->length > size) std::abort();
    }
  }
  return 0;
}
