// IMAP body section addressing (RFC 3501 §6.4.5, BODY[<section>]): which bytes of a message a part number with
// HEADER, TEXT, MIME or nothing names.
//
// Part numbers: the body parts of a multipart are numbered from 1; a message whose body is not multipart has one
// part, 1, its body. A message/rfc822 part's numbers continue into the encapsulated message: "3.1" is the first
// part of the message attached as part 3 (or its whole body when that is not multipart). Only a message/rfc822
// part (or the top level) has a HEADER and a TEXT; every part has a MIME header.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "mail/mime.h"

namespace mail {

enum class SectionText {
  none,    // the whole message (no part number) or the part's body
  header,  // the RFC 5322 header (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT): top level or message/rfc822 parts
  text,    // the body of the message (TEXT): top level or message/rfc822 parts
  mime,    // the part's MIME header (only with a part number)
};

// The bytes `part` + `text` name, as a range into the message `root` was parsed from; nullopt when the part does
// not exist or has no such text (a HEADER of a text/plain part, a MIME without a part number).
std::optional<Range> find_section(const Part& root, std::span<const std::uint32_t> part, SectionText text);

// The part a part number names (nullopt when it does not exist). An empty number names nothing.
const Part* find_part(const Part& root, std::span<const std::uint32_t> part);

}  // namespace mail
