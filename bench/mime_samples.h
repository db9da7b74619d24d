// MIME messages for mime_bench and search_bench: what real mailboxes hold (text/plain in several charsets and
// transfer encodings, multipart/alternative with HTML, attachments in base64), built in code and reproducible from
// a seed. search_mail() also says which messages carry the SEARCH needle, so a benchmark can check its answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// Standard base64 (RFC 4648) in lines of 76 characters ending in CRLF, as RFC 2045 §6.8 asks.
inline std::string base64_lines(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() * 4 / 3 + data.size() / 38 + 8);
  std::size_t col = 0;
  auto put = [&](char c) {
    out += c;
    if (++col == 76) {
      out += "\r\n";
      col = 0;
    }
  };
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16 | static_cast<unsigned char>(data[i + 1]) << 8 |
                 static_cast<unsigned char>(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) put(kAlphabet[(v >> s) & 63]);
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    put(kAlphabet[(v >> 18) & 63]);
    put(kAlphabet[(v >> 12) & 63]);
    put(i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=');
    put('=');
  }
  if (col != 0) out += "\r\n";
  return out;
}

// Quoted-printable (RFC 2045 §6.7) of CRLF text: 8-bit bytes and '=' as =XX, soft line breaks keep lines at most
// 76 characters (so a word, or a SEARCH needle, may be split across "=\r\n").
inline std::string quoted_printable(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 11 / 10 + 16);
  std::size_t col = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += "\r\n";
      ++i;
      col = 0;
      continue;
    }
    std::string piece = (c >= 33 && c <= 126 && c != '=') || c == ' '
                            ? std::string(1, static_cast<char>(c))
                            : std::string{'=', kHex[c >> 4], kHex[c & 15]};
    if (col + piece.size() > 75) {
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  }
  return out;
}

// UTF-8 text whose characters are all below U+0100, in ISO-8859-1.
inline std::string latin1(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
      out += static_cast<char>((static_cast<unsigned char>(utf8[i + 1]) & 0x3F) | (c == 0xC3 ? 0xC0 : 0x80));
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// About `bytes` of prose in CRLF lines of ~70 characters; some words are accented (UTF-8). If `insert` is not
// empty it appears once, as a word, at a random place.
inline std::string prose(std::mt19937& rng, std::size_t bytes, std::string_view insert = {}) {
  static const char* kWords[] = {"the", "meeting", "is", "moved", "to", "thursday", "please", "find", "attached",
                                 "report", "regards", "project", "budget", "review", "thanks", "for", "your",
                                 "notes", "caf\xc3\xa9", "r\xc3\xa9sum\xc3\xa9", "na\xc3\xafve", "d\xc3\xa9j\xc3\xa0",
                                 "schedule", "draft", "figures", "quarter", "agenda", "client", "Monday", "update"};
  std::string out;
  out.reserve(bytes + 80);
  std::size_t insert_at = insert.empty() ? bytes + 1 : rng() % (bytes > 16 ? bytes - 16 : 1);
  std::size_t line = 0;
  while (out.size() < bytes) {
    std::string_view word = kWords[rng() % (sizeof kWords / sizeof *kWords)];
    if (out.size() >= insert_at) {
      word = insert;
      insert_at = bytes + 1;
    }
    out += word;
    line += word.size() + 1;
    if (line > 66) {
      out += ".\r\n";
      line = 0;
    } else {
      out += ' ';
    }
  }
  if (line != 0) out += "\r\n";
  if (insert_at <= bytes) out += std::string(insert) + "\r\n";  // text shorter than asked: still insert it once
  return out;
}

inline std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

inline std::string mail_header(std::string_view subject, unsigned id) {
  return "From: \"Alice Example\" <alice@example.org>\r\nTo: Bob <bob@example.net>, carol@example.com\r\n"
         "Subject: " + std::string(subject) + "\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <" +
         std::to_string(id) + ".bench@example.org>\r\nMIME-Version: 1.0\r\n";
}

inline std::string text_part(std::string_view charset, std::string_view encoding, std::string_view body,
                             std::string_view subtype = "plain") {
  return "Content-Type: text/" + std::string(subtype) + "; charset=" + std::string(charset) +
         "\r\nContent-Transfer-Encoding: " + std::string(encoding) + "\r\n\r\n" + std::string(body);
}

inline std::string attachment_part(std::string_view type, std::string_view name, std::string_view data) {
  return "Content-Type: " + std::string(type) + "; name=\"" + std::string(name) +
         "\"\r\nContent-Disposition: attachment; filename=\"" + std::string(name) +
         "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(data);
}

// A multipart body with its Content-Type line (to be appended to a header that lacks one).
inline std::string multipart(std::string_view subtype, const std::vector<std::string>& parts, unsigned id) {
  std::string boundary = "=_bench_" + std::to_string(id) + "_boundary";
  std::string out = "Content-Type: multipart/" + std::string(subtype) + "; boundary=\"" + boundary + "\"\r\n\r\n" +
                    "This is a multi-part message in MIME format.\r\n";
  for (const auto& p : parts) out += "--" + boundary + "\r\n" + p + (p.ends_with("\r\n") ? "" : "\r\n");
  out += "--" + boundary + "--\r\n";
  return out;
}

inline std::string html_of(std::string_view text) {
  std::string out = "<html><head><meta charset=\"utf-8\"></head><body><p>";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find("\r\n", start);
    if (nl == std::string_view::npos) nl = text.size();
    out.append(text.substr(start, nl - start));
    out += "<br>\r\n";
    start = nl + 2;
  }
  return out + "</p></body></html>\r\n";
}

// --- The SEARCH benchmark's mailbox ---

inline constexpr std::string_view kBodyNeedle = "zephyrquux";  // what SEARCH BODY/TEXT look for (lower case)
inline constexpr std::string_view kSubjectWord = "invoice";     // what SEARCH SUBJECT looks for

struct SearchMail {
  std::string text;
  bool body_needle = false;    // kBodyNeedle is in a text part (in some case spelling, maybe QP- or base64-encoded)
  bool header_needle = false;  // kBodyNeedle is only in the Subject, as an RFC 2047 encoded word
  bool subject_word = false;   // kSubjectWord is in the Subject (plain or an encoded word)
  bool flagged = false;        // to be appended with \Flagged
  bool seen = false;           // to be appended with \Seen
};

// Message `i` of the SEARCH mailbox, ~4 KiB. Four kinds in turn: text/plain us-ascii 7bit; text/plain utf-8
// quoted-printable; multipart/alternative (text/plain utf-8 base64 + text/html quoted-printable); multipart/mixed
// (text/plain iso-8859-1 quoted-printable + a base64 PDF attachment, which SEARCH does not read). About 10% have
// the needle in the body, 2% only in the subject, 5% the subject word; 25% are \Flagged and 70% \Seen.
inline SearchMail search_mail(unsigned i) {
  std::mt19937 rng(i * 2654435761u + 12345u);
  SearchMail m;
  m.body_needle = rng() % 10 == 0;
  m.header_needle = !m.body_needle && rng() % 50 == 0;
  m.subject_word = rng() % 20 == 0 && !m.header_needle;  // (the needle subject has no room for the word)
  m.flagged = rng() % 4 == 0;
  m.seen = rng() % 10 < 7;
  static const char* kSpellings[] = {"zephyrquux", "Zephyrquux", "ZEPHYRQUUX", "zephyrQuux"};
  std::string needle = m.body_needle ? kSpellings[rng() % 4] : "";

  std::string subject;
  if (m.header_needle) {
    subject = "=?utf-8?q?Re=3A_notes_on_ZephyrQuux_r=C3=A9sum=C3=A9?= #" + std::to_string(i);
  } else if (m.subject_word) {
    if (i % 2) {
      subject = "Invoice " + std::to_string(i) + " for March";
    } else {
      std::string b64 = base64_lines("Facture / INVOICE n\xc2\xb0 " + std::to_string(i));  // one short line
      subject = "=?utf-8?b?" + b64.substr(0, b64.size() - 2) + "?=";
    }
  } else {
    subject = i % 3 ? "Project notes " + std::to_string(i) : "=?iso-8859-1?q?R=E9union_du_lundi?= " + std::to_string(i);
  }
  std::string out = mail_header(subject, i);
  switch (i % 4) {
    case 0:
      out += text_part("us-ascii", "7bit", prose(rng, 3700, needle));
      break;
    case 1:
      out += text_part("utf-8", "quoted-printable", quoted_printable(prose(rng, 3300, needle)));
      break;
    case 2: {
      std::string text = prose(rng, 1350, needle);
      out += multipart("alternative",
                       {text_part("utf-8", "base64", base64_lines(text)),
                        text_part("utf-8", "quoted-printable", quoted_printable(html_of(text)), "html")},
                       i);
      break;
    }
    default:
      out += multipart("mixed",
                       {text_part("iso-8859-1", "quoted-printable", quoted_printable(latin1(prose(rng, 2000, needle)))),
                        attachment_part("application/pdf", "report-" + std::to_string(i) + ".pdf",
                                        random_bytes(rng, 1000))},
                       i);
      break;
  }
  m.text = std::move(out);
  return m;
}

}  // namespace bench
