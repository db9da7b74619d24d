// FETCH data items (RFC 3501 §6.4.5, RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ, RFC 8474 EMAILID/THREADID,
// RFC 8514 SAVEDATE) as the parser produces them. The macros ALL, FAST and FULL are expanded by the parser.
//
// Views (header field names) point into the parsed command line; see parser.h for their lifetime.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace imap::syntax {

// A body section: "BODY[1.2.HEADER.FIELDS (Subject)]" is part {1, 2}, text header_fields, fields {"Subject"}.
// RFC 3501 grammar: section-spec = section-msgtext / (section-part ["." section-text]); MIME only follows a part.
struct Section {
  enum class Text {
    none,               // "[]" or "[1.2]": the whole message / the body of the part
    header,             // "HEADER"
    header_fields,      // "HEADER.FIELDS (...)"
    header_fields_not,  // "HEADER.FIELDS.NOT (...)"
    text,               // "TEXT"
    mime,               // "MIME" (only after a part number)
  };
  std::vector<std::uint32_t> part;        // nz-numbers; empty for the top-level message
  Text text = Text::none;
  std::vector<std::string_view> fields;   // header field names (astring values) for header_fields[_not]

  friend bool operator==(const Section&, const Section&) = default;
};

// "<offset.count>": a byte range of the section's data.
struct Partial {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;  // nz-number64

  friend bool operator==(const Partial&, const Partial&) = default;
};

struct FetchAtt {
  enum class Kind {
    envelope,
    flags,
    internal_date,
    rfc822,         // RFC822 (same data as BODY[], named RFC822 in the reply)
    rfc822_header,  // RFC822.HEADER (BODY.PEEK[HEADER])
    rfc822_text,    // RFC822.TEXT (BODY[TEXT])
    rfc822_size,
    body,           // BODY without a section: the non-extensible body structure
    bodystructure,
    uid,
    body_section,   // BODY[section]<partial> and BODY.PEEK[...]
    binary,         // BINARY[part]<partial> and BINARY.PEEK[...] (section.part only)
    binary_size,    // BINARY.SIZE[part]
    modseq,
    emailid,
    threadid,
    savedate,
  };
  Kind kind = Kind::flags;
  bool peek = false;               // BODY.PEEK / BINARY.PEEK: do not set \Seen
  Section section;                 // body_section, binary, binary_size
  std::optional<Partial> partial;  // body_section, binary

  friend bool operator==(const FetchAtt&, const FetchAtt&) = default;
};

}  // namespace imap::syntax
