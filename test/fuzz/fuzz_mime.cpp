// libFuzzer target: the MIME parser and the IMAP structure formatter (mail/) on arbitrary messages, which are
// exactly what anyone can send by mail. They must never crash, never read outside the input, and keep every byte
// range inside the message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mail/envelope.h"
#include "mail/imap_format.h"
#include "mail/mime.h"

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
  return 0;
}
