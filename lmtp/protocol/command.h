// The typed form of one LMTP command line (RFC 2033; RFC 5321 §4.1 with SIZE, 8BITMIME, BINARYMIME/CHUNKING and
// SMTPUTF8), and parse_command(), which turns a line (from LineReader, without its CRLF) into one.
//
//   auto cmd = parse_command(line);
//   if (!cmd) {                                   // cmd.error(): the reply to send, and what to do around it
//     const CommandError& e = cmd.error();        //   discard > 0: a BDAT whose size is known: read and drop that
//     ...                                         //            many octets first (RFC 3030 §2), then reply
//   }                                             //   close: a BDAT whose size is unreadable: reply, then close,
//                                                 //          since its data cannot be told from later commands
//   auto step = transaction.on_command(*cmd);     // transaction.h decides what the command does
//
// Syntax accepted (command verbs and parameter keywords are case-insensitive):
//   LHLO SP ( Domain / address-literal )                  HELO, EHLO: 500 5.5.1 (RFC 2033 §4.1)
//   MAIL SP FROM: Reverse-path *( SP esmtp-param )         SIZE=1*20DIGIT, BODY=7BIT/8BITMIME/BINARYMIME, SMTPUTF8
//   RCPT SP TO: Forward-path *( SP esmtp-param )           "<Postmaster>" allowed; no parameters are supported
//   DATA, RSET, QUIT                                       no arguments
//   BDAT SP 1*DIGIT [ SP LAST ]                            (RFC 3030)
//   NOOP [ SP String ], HELP [ SP String ], VRFY SP String  the string is kept as sent, not interpreted
//   EXPN: 502 5.5.1. Any other verb (STARTTLS, AUTH, ...): 500 5.5.2.
// Tolerated, as many servers do: white space (SP, HTAB) before the end of the line (RFC 5321 §4.1.1 asks for it);
// SP between "FROM:"/"TO:" and the path ("MAIL FROM: <a@b>", sent by some clients); more than one SP between
// parameters. Addresses: see address.h.
//
// Errors (CommandError::reply):
//   500 5.5.2 Command unrecognized       unknown verb, empty line, control character in the verb
//   500 5.5.2 Line too long              over kMaxCommandLineBytes (kMaxPathCommandLineBytes for MAIL and RCPT)
//   501 5.5.4 <what>                     arguments malformed, missing or superfluous; control characters
//   501 5.1.7 / 501 5.1.3                bad reverse-path / forward-path syntax (RFC 3463)
//   555 5.5.4 Unsupported parameter      a well-formed MAIL or RCPT parameter we do not offer (RFC 5321 §4.1.1.11)
//
// Commands own their strings (lines are short), so they can be kept and moved freely. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "lmtp/protocol/address.h"
#include "lmtp/protocol/reply.h"

namespace lmtp::protocol {

// The MAIL BODY parameter (RFC 6152, RFC 3030).
enum class BodyType { unspecified, seven_bit, eight_bit_mime, binary_mime };

struct Lhlo {
  std::string host;  // a Domain or an address literal, as sent
  friend bool operator==(const Lhlo&, const Lhlo&) = default;
};
struct Mail {
  std::optional<Address> from;        // nullopt: the null reverse-path "<>" (bounces)
  std::optional<std::uint64_t> size;  // SIZE=n (RFC 1870); saturates at UINT64_MAX
  BodyType body = BodyType::unspecified;
  bool smtputf8 = false;              // SMTPUTF8 (RFC 6531 §3.4)
  friend bool operator==(const Mail&, const Mail&) = default;
};
struct Rcpt {
  Address to;  // source route dropped
  friend bool operator==(const Rcpt&, const Rcpt&) = default;
};
struct Data { friend bool operator==(const Data&, const Data&) = default; };
struct Bdat {
  std::uint64_t size = 0;  // octets of data right after the line
  bool last = false;
  friend bool operator==(const Bdat&, const Bdat&) = default;
};
struct Rset { friend bool operator==(const Rset&, const Rset&) = default; };
struct Noop { friend bool operator==(const Noop&, const Noop&) = default; };
struct Quit { friend bool operator==(const Quit&, const Quit&) = default; };
struct Vrfy {
  std::string argument;  // as sent (may end in " SMTPUTF8", RFC 6531 §3.1)
  friend bool operator==(const Vrfy&, const Vrfy&) = default;
};
struct Help {
  std::string topic;  // as sent; empty if none
  friend bool operator==(const Help&, const Help&) = default;
};

using Command = std::variant<Lhlo, Mail, Rcpt, Data, Bdat, Rset, Noop, Quit, Vrfy, Help>;

// The verb, upper case ("MAIL"), for logs.
std::string_view command_name(const Command& command);

// Why a line is not a command, and what the session must do.
struct CommandError {
  Reply reply;                // send this (one reply)
  std::uint64_t discard = 0;  // BDAT with a readable size: read and drop this many octets before replying
  bool close = false;         // BDAT with an unreadable size: send the reply, then close the connection
  friend bool operator==(const CommandError&, const CommandError&) = default;
};

// A Command or a CommandError, shaped like base::Result.
class [[nodiscard]] ParseResult {
 public:
  ParseResult(Command c) : v_(std::in_place_index<0>, std::move(c)) {}        // NOLINT: implicit by design
  ParseResult(CommandError e) : v_(std::in_place_index<1>, std::move(e)) {}   // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  const Command& value() const& { return std::get<0>(v_); }
  Command&& value() && { return std::get<0>(std::move(v_)); }
  const Command& operator*() const& { return value(); }
  Command&& operator*() && { return std::move(*this).value(); }
  const Command* operator->() const { return &value(); }
  const CommandError& error() const { return std::get<1>(v_); }

 private:
  std::variant<Command, CommandError> v_;
};

// Parses one command line, without its CRLF (see the file comment).
ParseResult parse_command(std::string_view line);

}  // namespace lmtp::protocol
