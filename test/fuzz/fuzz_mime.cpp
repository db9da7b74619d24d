// libFuzzer target: the MIME parser, the IMAP structure formatter, section addressing (BODY and BINARY) and the
// Date: parser (mail/) on arbitrary messages, which are exactly what anyone can send by mail. They must never crash,
// never read outside the input, and keep every byte range inside the message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <vector>

#include "mail/binary.h"
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
    // BINARY[part]: decoded into `storage` or a view into the message; never longer than the part's body.
    std::string storage;
    auto binary = mail::binary_section(message, root, part, storage);
    if (binary.status == mail::BinaryStatus::ok) {
      const bool in_message = binary.data.data() >= message.data() &&
                              binary.data.data() + binary.data.size() <= message.data() + message.size();
      const bool in_storage = binary.data.data() == storage.data() && binary.data.size() == storage.size();
      if (!in_message && !in_storage) std::abort();
      auto body = mail::find_section(root, part, mail::SectionText::none);
      if (!body || binary.data.size() > body->length) std::abort();
      (void)mail::needs_literal8(binary.data);
    }
  }
  return 0;
}
