// ENVELOPE, BODY and BODYSTRUCTURE formatting.
#include "mail/imap_format.h"

#include <algorithm>

namespace mail {

namespace {

void append_address_list(std::string& out, const std::vector<Address>& list) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const Address& a : list) {
    out += '(';
    out += imap_nstring(a.name);
    out += ' ';
    out += imap_nstring(a.adl);
    out += ' ';
    out += imap_nstring(a.mailbox);
    out += ' ';
    out += imap_nstring(a.host);
    out += ')';
  }
  out += ')';
}

// body-fld-param. A text/* part without a charset parameter gets ("charset" "us-ascii") appended, the value
// RFC 2046 §4.1.2 says must be assumed (Dovecot's imap-bodystructure.c does the same).
void append_params(std::string& out, const std::vector<Param>& params, bool default_charset = false) {
  const bool add_charset =
      default_charset && std::none_of(params.begin(), params.end(), [](const Param& p) { return p.name == "charset"; });
  if (params.empty() && !add_charset) {
    out += "NIL";
    return;
  }
  out += '(';
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += ' ';
    out += imap_string(params[i].name);
    out += ' ';
    out += imap_string(params[i].value);
  }
  if (add_charset) out += params.empty() ? "\"charset\" \"us-ascii\"" : " \"charset\" \"us-ascii\"";
  out += ')';
}

// body-fld-dsp SP body-fld-lang SP body-fld-loc
void append_dsp_lang_loc(std::string& out, const Part& part) {
  if (part.disposition) {
    out += '(';
    out += imap_string(*part.disposition);
    out += ' ';
    append_params(out, part.disposition_params);
    out += ')';
  } else {
    out += "NIL";
  }
  out += ' ';
  if (part.languages.empty()) {
    out += "NIL";
  } else if (part.languages.size() == 1) {
    out += imap_string(part.languages[0]);
  } else {
    out += '(';
    for (std::size_t i = 0; i < part.languages.size(); ++i) {
      if (i > 0) out += ' ';
      out += imap_string(part.languages[i]);
    }
    out += ')';
  }
  out += ' ';
  out += imap_nstring(part.location);
}

void append_body(std::string& out, const Part& part, bool ext) {
  out += '(';
  if (part.is_multipart()) {
    for (const Part& child : part.children) append_body(out, child, ext);
    out += ' ';
    out += imap_string(part.subtype);
    if (ext) {
      out += ' ';
      append_params(out, part.params);
      out += ' ';
      append_dsp_lang_loc(out, part);
    }
    out += ')';
    return;
  }
  out += imap_string(part.type);
  out += ' ';
  out += imap_string(part.subtype);
  out += ' ';
  append_params(out, part.params, part.type == "text");
  out += ' ';
  out += imap_nstring(part.id);
  out += ' ';
  out += imap_nstring(part.description);
  out += ' ';
  out += imap_string(part.encoding);
  out += ' ';
  out += std::to_string(part.body.length);
  if (part.is_message()) {
    const Part& inner = part.children[0];
    out += ' ';
    out += envelope_string(make_envelope(inner.fields));
    out += ' ';
    append_body(out, inner, ext);
    out += ' ';
    out += std::to_string(part.body_lines);
  } else if (part.type == "text") {
    out += ' ';
    out += std::to_string(part.body_lines);
  }
  if (ext) {
    out += ' ';
    out += imap_nstring(part.md5);
    out += ' ';
    append_dsp_lang_loc(out, part);
  }
  out += ')';
}

}  // namespace

std::string imap_string(std::string_view s) {
  bool literal = false;
  std::size_t nuls = 0;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\r' || u == '\n' || u >= 0x80) literal = true;
    if (u == 0) ++nuls;
  }
  std::string out;
  if (literal) {
    out = "{" + std::to_string(s.size() - nuls) + "}\r\n";
    for (char c : s)
      if (c != '\0') out += c;
    return out;
  }
  out += '"';
  for (char c : s) {
    if (c == '\0') continue;
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string imap_nstring(const std::optional<std::string>& s) { return s ? imap_string(*s) : std::string("NIL"); }

std::string envelope_string(const Envelope& e) {
  std::string out = "(";
  out += imap_nstring(e.date);
  out += ' ';
  out += imap_nstring(e.subject);
  for (const auto* list : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc}) {
    out += ' ';
    append_address_list(out, *list);
  }
  out += ' ';
  out += imap_nstring(e.in_reply_to);
  out += ' ';
  out += imap_nstring(e.message_id);
  out += ')';
  return out;
}

std::string body_string(const Part& part, bool extensible) {
  std::string out;
  append_body(out, part, extensible);
  return out;
}

}  // namespace mail
