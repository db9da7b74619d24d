#include "mail/binary.h"

#include "base/strings.h"
#include "mail/section.h"
#include "mail/text.h"

namespace mail {

TransferEncoding transfer_encoding(std::string_view name) {
  using base::iequals;
  if (iequals(name, "7BIT") || iequals(name, "8BIT") || iequals(name, "BINARY")) return TransferEncoding::identity;
  if (iequals(name, "QUOTED-PRINTABLE")) return TransferEncoding::quoted_printable;
  if (iequals(name, "BASE64")) return TransferEncoding::base64;
  return TransferEncoding::unknown;
}

BinarySection binary_section(std::string_view message, const Part& root, std::span<const std::uint32_t> part,
                             std::string& storage) {
  if (part.empty()) {
    const auto whole = find_section(root, part, SectionText::none);
    return {BinaryStatus::ok, message.substr(whole->offset, whole->length)};
  }
  const Part* p = find_part(root, part);
  if (p == nullptr) return {BinaryStatus::no_such_part, {}};
  const std::string_view body = message.substr(p->body.offset, p->body.length);
  switch (transfer_encoding(p->encoding)) {
    case TransferEncoding::identity:
      return {BinaryStatus::ok, body};
    case TransferEncoding::quoted_printable:
    case TransferEncoding::base64:
      storage = decode_transfer_encoding(body, p->encoding);
      return {BinaryStatus::ok, storage};
    case TransferEncoding::unknown:
      break;
  }
  return {BinaryStatus::unknown_encoding, {}};
}

bool needs_literal8(std::string_view data) { return data.find('\0') != std::string_view::npos; }

}  // namespace mail
