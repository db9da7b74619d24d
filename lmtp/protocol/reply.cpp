#include "lmtp/protocol/reply.h"

#include <algorithm>

#include "lmtp/protocol/limits.h"

namespace lmtp::protocol {
namespace {

// Appends one reply line: code, separator, enhanced code, text, CRLF; sanitised and cut to kMaxReplyLineBytes.
void append_line(std::string& out, int code, bool last, std::string_view enhanced, std::string_view text) {
  const std::size_t start = out.size();
  out += std::to_string(code);
  const bool empty = enhanced.empty() && text.empty();
  if (!last) {
    out += '-';
  } else if (!empty) {
    out += ' ';
  }
  if (!enhanced.empty()) {
    out += enhanced;
    if (!text.empty()) out += ' ';
  }
  const std::size_t text_start = out.size();
  out += text;
  for (std::size_t i = text_start; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x20 || c == 0x7F) out[i] = ' ';
  }
  const std::size_t max = kMaxReplyLineBytes - 2;  // room for CRLF
  if (out.size() - start > max) {
    std::size_t cut = start + max;
    // Never split a UTF-8 sequence: back off over continuation bytes to the start of the cut character.
    while (cut > text_start && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  out += "\r\n";
}

Reply make(int code, std::string_view enhanced, std::string_view text) {
  return Reply{code, std::string(enhanced), std::string(text), {}};
}

}  // namespace

void Reply::append_to(std::string& out) const {
  append_line(out, code, more.empty(), enhanced, text);
  for (std::size_t i = 0; i < more.size(); ++i) append_line(out, code, i + 1 == more.size(), enhanced, more[i]);
}

std::string Reply::wire() const {
  std::string out;
  append_to(out);
  return out;
}

std::vector<std::string> capabilities(std::uint64_t max_message_bytes) {
  return {"PIPELINING",  "8BITMIME", "BINARYMIME", "CHUNKING", "SIZE " + std::to_string(max_message_bytes),
          "ENHANCEDSTATUSCODES", "SMTPUTF8"};
}

namespace replies {

Reply greeting(std::string_view server_name) {
  return make(220, "", std::string(server_name) + " LMTP Sealbox ready");
}
Reply lhlo(std::string_view server_name, std::uint64_t max) {
  return Reply{250, "", std::string(server_name), capabilities(max)};
}
Reply ok() { return make(250, "2.0.0", "OK"); }
Reply sender_ok() { return make(250, "2.1.0", "Sender OK"); }
Reply recipient_ok() { return make(250, "2.1.5", "Recipient OK"); }
Reply start_data() { return make(354, "", "Start mail input; end with <CRLF>.<CRLF>"); }
Reply chunk_ok(std::uint64_t octets) { return make(250, "2.0.0", std::to_string(octets) + " octets received"); }
Reply delivered() { return make(250, "2.0.0", "Message delivered"); }
Reply quit(std::string_view server_name) {
  return make(221, "2.0.0", std::string(server_name) + " closing connection");
}
Reply vrfy() { return make(252, "2.0.0", "Cannot VRFY user; try RCPT"); }
Reply help() { return make(214, "2.0.0", "Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP"); }

Reply unknown_command() { return make(500, "5.5.2", "Command unrecognized"); }
Reply line_too_long() { return make(500, "5.5.2", "Line too long"); }
Reply use_lhlo() { return make(500, "5.5.1", "This is LMTP: use LHLO"); }
Reply not_implemented() { return make(502, "5.5.1", "Command not implemented"); }
Reply syntax_error(std::string_view text) { return make(501, "5.5.4", text); }
Reply bad_sender_syntax() { return make(501, "5.1.7", "Bad sender address syntax"); }
Reply bad_recipient_syntax() { return make(501, "5.1.3", "Bad recipient address syntax"); }
Reply unsupported_parameter() { return make(555, "5.5.4", "Unsupported parameter"); }

Reply bad_sequence(std::string_view text) { return make(503, "5.5.1", text); }
Reply too_many_recipients() { return make(452, "4.5.3", "Too many recipients"); }
Reply too_big() { return make(552, "5.3.4", "Message size exceeds fixed maximum message size"); }
Reply sender_needs_smtputf8() { return make(550, "5.6.7", "Non-ASCII sender address needs SMTPUTF8"); }
Reply recipient_needs_smtputf8() { return make(553, "5.6.7", "Non-ASCII recipient address needs SMTPUTF8"); }

Reply timeout() { return make(421, "4.4.2", "Timeout; closing connection"); }
Reply shutting_down() { return make(421, "4.3.2", "Service shutting down"); }
Reply temporary_failure() { return make(451, "4.3.0", "Temporary local problem; try again later"); }

}  // namespace replies

Reply reply_for(const base::Error& error) {
  switch (error.code) {
    case base::Errc::no_such_user:
    case base::Errc::invalid_argument: return make(550, "5.1.1", "No such user here");
    case base::Errc::not_found: return make(550, "5.1.2", "Domain not served here");
    case base::Errc::over_quota: return make(452, "4.2.2", "Mailbox full");
    case base::Errc::too_big: return replies::too_big();
    default: return replies::temporary_failure();
  }
}

}  // namespace lmtp::protocol
