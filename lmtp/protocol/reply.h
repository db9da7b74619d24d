// Reply: one SMTP/LMTP reply (RFC 5321 §4.2) and the replies this layer sends, with their enhanced status codes
// (RFC 2034, RFC 3463). Only here, in one place, does a base::Error become wire wording (reply_for()).
//
// Wire form, one line per text line, the last one with SP after the code and the others with "-":
//
//   250-mail.example.org            Reply{250, "", "mail.example.org", {"PIPELINING", ..., "SMTPUTF8"}}
//   250-PIPELINING
//   250 SMTPUTF8
//   550 5.1.1 No such user here     Reply{550, "5.1.1", "No such user here"}
//
// Enhanced status codes (ENHANCEDSTATUSCODES, RFC 2034 §4) preface the text of every 2xx, 4xx and 5xx line except the
// greeting and the LHLO reply, with the same code on each line of a multi-line reply; their class agrees with the
// reply code. 354 (DATA) and 220 (greeting) carry none. Every reply this file builds follows that rule.
//
// Text is sanitised when written: CR, LF and other control characters become SP so a text cannot end the line or
// start another, and a line is cut (at a UTF-8 boundary) to fit kMaxReplyLineBytes.
//
// Everything here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lmtp::protocol {

struct Reply {
  int code = 0;              // 3 digits, 200..599
  std::string enhanced;      // "2.1.5", or empty (greeting, LHLO, 354)
  std::string text;          // the first (or only) line's text
  std::vector<std::string> more;  // further lines of a multi-line reply, in order

  // The reply as sent: one or more lines, each ending in CRLF.
  std::string wire() const;
  // Appends wire() to out (for sending several replies in one write).
  void append_to(std::string& out) const;

  bool positive() const { return code >= 200 && code < 300; }  // "successful" in RFC 2033 §4's sense

  friend bool operator==(const Reply&, const Reply&) = default;
};

// The LHLO capability keywords we offer, in the order sent: PIPELINING, 8BITMIME, BINARYMIME, CHUNKING,
// "SIZE <max_message_bytes>", ENHANCEDSTATUSCODES, SMTPUTF8 (RFC 2920, 6152, 3030, 1870, 2034, 6531).
std::vector<std::string> capabilities(std::uint64_t max_message_bytes);

// The standard replies. Their texts are fixed and client-safe: no addresses, no error details.
namespace replies {

Reply greeting(std::string_view server_name);                 // 220 <name> LMTP Sealbox ready
Reply lhlo(std::string_view server_name, std::uint64_t max);  // 250-<name> then capabilities(max)
Reply ok();                                                   // 250 2.0.0 OK (RSET, NOOP)
Reply sender_ok();                                            // 250 2.1.0 Sender OK
Reply recipient_ok();                                         // 250 2.1.5 Recipient OK
Reply start_data();                                           // 354 Start mail input; end with <CRLF>.<CRLF>
Reply chunk_ok(std::uint64_t octets);                         // 250 2.0.0 <n> octets received
Reply delivered();                                            // 250 2.0.0 Message delivered
Reply quit(std::string_view server_name);                     // 221 2.0.0 <name> closing connection
Reply vrfy();                                                 // 252 2.0.0 Cannot VRFY user; try RCPT
Reply help();                                                 // 214 2.0.0 Commands: LHLO MAIL RCPT ...

// Command errors (parse_command()).
Reply unknown_command();                                      // 500 5.5.2 Command unrecognized
Reply line_too_long();                                        // 500 5.5.2 Line too long
Reply use_lhlo();                                             // 500 5.5.1 Use LHLO (RFC 2033 §4.1: HELO, EHLO)
Reply not_implemented();                                      // 502 5.5.1 Command not implemented (EXPN)
Reply syntax_error(std::string_view text);                    // 501 5.5.4 <text>
Reply bad_sender_syntax();                                    // 501 5.1.7 Bad sender address syntax
Reply bad_recipient_syntax();                                 // 501 5.1.3 Bad recipient address syntax
Reply unsupported_parameter();                                // 555 5.5.4 Unsupported parameter

// Sequencing and transaction errors (Transaction).
Reply bad_sequence(std::string_view text);                    // 503 5.5.1 <text>
Reply too_many_recipients();                                  // 452 4.5.3 Too many recipients
Reply too_big();                                              // 552 5.3.4 Message size exceeds fixed maximum ...
Reply sender_needs_smtputf8();                                // 550 5.6.7 (RFC 6531 §3.5, MAIL)
Reply recipient_needs_smtputf8();                             // 553 5.6.7 (RFC 6531 §3.5, RCPT)

// Connection-level replies for the session.
Reply timeout();                                              // 421 4.4.2 Timeout; closing connection
Reply shutting_down();                                        // 421 4.3.2 Service shutting down
Reply temporary_failure();                                    // 451 4.3.0 Temporary local problem; try again later

}  // namespace replies

// The reply for a failed recipient lookup or delivery, by error domain (DESIGN.md §5):
//   no_such_user, invalid_argument   550 5.1.1 No such user here   (an account name that cannot exist does not)
//   not_found                        550 5.1.2 Domain not served here (normalize_recipient(): domain not local)
//   over_quota                       452 4.2.2 Mailbox full
//   too_big                          552 5.3.4 (replies::too_big())
//   anything else                    451 4.3.0 Temporary local problem; try again later (io, busy, corrupt,
//                                    internal...: the MTA keeps the message and retries; the detail is for the log)
Reply reply_for(const base::Error& error);

}  // namespace lmtp::protocol
