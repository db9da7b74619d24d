// ENVELOPE, BODY and BODYSTRUCTURE formatting.
#include "mail/imap_format.h"

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

void append_params(std::string& out, const std::vector<Param>& params) {
  if (params.empty()) {
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
  append_params(out, part.params);
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
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || u == '\r' || u == '\n' || u >= 0x80) literal = true;
  }
  std::string out;
  if (literal) {
    out = "{" + std::to_string(s.size()) + "}\r\n";
    out += s;
    return out;
  }
  out += '"';
  for (char c : s) {
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
