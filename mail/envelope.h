// The IMAP ENVELOPE of a message header (RFC 3501 §7.4.2) and RFC 5322 address-list parsing.
//
// Values are raw header bytes (unfolded, trimmed): IMAP returns RFC 2047 encoded words undecoded. Address lists
// follow RFC 3501's mapping: each mailbox becomes (name, adl, mailbox, host); a group "name: a, b;" becomes a start
// marker {nullopt, nullopt, name, nullopt}, its members, and an end marker of four nullopts. Parsing is lenient
// and never fails: an address without a domain gets UW-IMAP's host ".MISSING-HOST-NAME.".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/mime.h"

namespace mail {

struct Address {
  std::optional<std::string> name, adl, mailbox, host;
  bool operator==(const Address&) const = default;
};

struct Envelope {
  std::optional<std::string> date, subject;
  std::vector<Address> from, sender, reply_to, to, cc, bcc;
  std::optional<std::string> in_reply_to, message_id;
};

std::vector<Address> parse_address_list(std::string_view value);

// Sender and Reply-To default to From when absent or empty (RFC 3501).
Envelope make_envelope(const std::vector<HeaderField>& fields);

}  // namespace mail
