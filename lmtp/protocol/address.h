// Address: a mailbox of a MAIL reverse-path or RCPT forward-path (RFC 5321 §4.1.2, §4.1.3; RFC 6531 §3.3), and the
// grammar checks behind it. parse_command() (command.h) uses these; they are public for tests and for the session.
//
// Grammar, and where we deliberately accept more than RFC 5321 (all to avoid bouncing mail that the MTA in front of
// us already accepted from the Internet; none of it reaches a file name, see normalize_recipient()):
//   Path        = "<" [ A-d-l ":" ] Mailbox ">"          source routes ("@a,@b:") are accepted and dropped (§4.1.2)
//   Mailbox     = Local-part "@" ( Domain / address-literal ), or "Postmaster" alone in RCPT (case-insensitive)
//   Local-part  = Dot-string / Quoted-string            quoted strings are unquoted ("\"a b\"" is `a b`)
//     leniency: a Dot-string may start or end with "." or hold ".." ("first..last@", seen from some mobile
//     carriers); it is any non-empty run of atext and ".".
//   Domain      = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]; labels of 1..63 octets, the whole
//     at most 255 octets.
//     leniency: "_" is accepted anywhere in a label (real host names have it; §4.1.2 forbids it).
//   address-literal: "[" IPv4 / "IPv6:" IPv6 / tag ":" 1*dcontent "]", IPv4 and IPv6 checked in full.
// UTF-8 (RFC 6531 §3.3): non-ASCII octets are accepted in atext, quoted text and domain labels (U-labels, not
// IDNA-checked) when they form valid UTF-8. Whether SMTPUTF8 was given is for the Transaction to judge (utf8()).
//
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lmtp::protocol {

struct Address {
  std::string local;   // the local part, unquoted: `Joe,Smith` for "Joe\,Smith"; may hold UTF-8
  std::string domain;  // as sent, case kept: "Example.ORG", "[192.0.2.1]", "[IPv6:2001:db8::1]"; empty only for
                       // RCPT TO:<Postmaster>
  bool quoted = false; // the local part was sent as a quoted string

  // True if any octet is non-ASCII: the address needs SMTPUTF8 (RFC 6531 §3.5).
  bool utf8() const;
  // "local@domain" with the minimum quoting (RFC 5321 §4.1.2): the local part as is when it is a strict
  // Dot-string, else as a quoted string; "Postmaster" alone for a domain-less address. For replies and logs;
  // parse_mailbox(to_string()) gives back an equal Address except for `quoted`.
  std::string to_string() const;

  friend bool operator==(const Address&, const Address&) = default;
};

// "local@domain" (or "Postmaster" when allow_postmaster) in the syntax above, without angle brackets; nullopt if not.
std::optional<Address> parse_mailbox(std::string_view text, bool allow_postmaster = false);

// A Domain (with the "_" leniency and UTF-8 labels); not an address literal.
bool valid_domain(std::string_view domain);
// An address literal, brackets included: "[192.0.2.1]", "[IPv6:::1]", "[tag:content]".
bool valid_address_literal(std::string_view literal);

namespace detail {

// What parse_path() found.
struct Path {
  bool null = false;   // "<>" (allowed only with allow_null)
  Address address;
};

// Parses a Path starting at text[pos] (which must be "<"), advancing pos past the closing ">". nullopt on a syntax
// error (pos is then unspecified). allow_null: accept "<>" (MAIL). allow_postmaster: accept "<Postmaster>" (RCPT).
std::optional<Path> parse_path(std::string_view text, std::size_t& pos, bool allow_null, bool allow_postmaster);

}  // namespace detail
}  // namespace lmtp::protocol
