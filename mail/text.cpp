// Decoding for SEARCH: transfer encodings, charsets through glibc iconv (descriptors cached per thread), RFC 2047
// encoded words, Unicode simple case folding from a generated range table, and the per-message searchable text.
#include "mail/text.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <utility>

#include "base/strings.h"
#include "base/utf8.h"

namespace mail {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

constexpr unsigned char byte(char c) { return static_cast<unsigned char>(c); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

using base::iequals;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// ---- Transfer encodings (RFC 2045 §6.7, §6.8) and the RFC 2047 "Q" encoding ----

// Where the soft line break "=" + blanks + line end that starts at s[pos] (just past the '=') ends, if it is one.
// A '=' followed only by blanks at the end of the input counts too: the last line of a body often lacks its CRLF.
std::optional<std::size_t> soft_break_end(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  if (pos == s.size()) return pos;
  if (s[pos] == '\n') return pos + 1;
  if (s[pos] == '\r' && (pos + 1 == s.size() || s[pos + 1] == '\n')) return std::min(pos + 2, s.size());
  return std::nullopt;
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const std::size_t eq = in.find('=', i);
    if (eq == std::string_view::npos) {
      out.append(in.substr(i));
      break;
    }
    out.append(in.substr(i, eq - i));
    i = eq + 1;
    const int hi = i < in.size() ? hex_value(in[i]) : -1;
    const int lo = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
    if (hi >= 0 && lo >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (auto end = soft_break_end(in, i)) {
      i = *end;
    } else {
      out += '=';  // not an escape: kept as written (RFC 2045 §6.7 note (2))
    }
  }
  return out;
}

// RFC 2047 §4.2: like quoted-printable, plus '_' for a space; encoded text holds no line breaks.
std::string decode_q(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const int hi = c == '=' && i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
    const int lo = hi >= 0 && i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
    if (lo >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c == '_' ? ' ' : c;
    }
  }
  return out;
}

constexpr std::array<signed char, 256> make_base64_table() {
  std::array<signed char, 256> t{};
  t.fill(-1);
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) t[byte(kAlphabet[i])] = static_cast<signed char>(i);
  return t;
}
constexpr std::array<signed char, 256> kBase64 = make_base64_table();

std::string decode_base64(std::string_view in) {
  std::string out;
  out.reserve(in.size() / 4 * 3 + 3);
  std::uint32_t acc = 0;  // only the low `bits` bits are pending; the rest may wrap freely
  int bits = 0;
  for (const char c : in) {
    if (c == '=') break;
    const int v = kBase64[byte(c)];
    if (v < 0) continue;  // line breaks, whitespace and garbage
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;  // a final 2 or 3 sextets (no padding) already gave their 1 or 2 bytes; a lone sextet gives none
}

// ---- UTF-8 ----

struct Utf8Step {
  std::size_t length = 1;  // bytes consumed: the sequence, or its maximal invalid subpart
  char32_t code_point = 0;
  bool valid = false;
};

// Decodes the sequence at s[i] (i < s.size()) by Unicode 14 Table 3-7: no overlongs, surrogates or values past
// U+10FFFF. An invalid sequence consumes its maximal subpart (Unicode §3.9, "U+FFFD substitution of maximal
// subparts"), so the caller emits one U+FFFD for it.
Utf8Step next_utf8(std::string_view s, std::size_t i) {
  const unsigned char b0 = byte(s[i]);
  if (b0 < 0x80) return {1, b0, true};
  int extra = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    extra = 1;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    extra = 2;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    extra = 3;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {};
  }
  for (int k = 1; k <= extra; ++k) {
    const std::size_t at = i + static_cast<std::size_t>(k);
    const unsigned char b = at < s.size() ? byte(s[at]) : 0;
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return {static_cast<std::size_t>(k), 0, false};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {static_cast<std::size_t>(extra) + 1, cp, true};
}

// Appends `s` with each invalid subpart replaced by U+FFFD; valid stretches are copied in one go.
void append_utf8_replacing(std::string& out, std::string_view s) {
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    if (byte(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Step step = next_utf8(s, i);
    if (!step.valid) {
      out.append(s.substr(start, i - start));
      out.append(kReplacement);
      start = i + step.length;
    }
    i += step.length;
  }
  out.append(s.substr(start));
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Step step = next_utf8(s, i);
    if (!step.valid) return false;
    i += step.length;
  }
  return true;
}

// s.substr(0, n), shortened so it does not end inside a UTF-8 sequence (s is valid UTF-8).
std::string_view utf8_prefix(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s;
  while (n > 0 && (byte(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// ---- Charsets ----

// MIME names that glibc iconv does not know, mapped to the iconv name of what senders mean by them (for gb2312,
// the GBK superset that mailers actually emit under that label, as the WHATWG Encoding Standard does).
constexpr std::pair<std::string_view, std::string_view> kCharsetAliases[] = {
    {"gb2312", "GBK"},         {"x-gbk", "GBK"},       {"ks_c_5601-1987", "CP949"}, {"ks_c_5601", "CP949"},
    {"x-sjis", "SHIFT_JIS"},   {"x-euc-jp", "EUC-JP"}, {"iso-8859-8-i", "ISO-8859-8"},
    {"x-mac-roman", "MACINTOSH"}, {"unicode-1-1-utf-7", "UTF-7"},
};

// Labels read as UTF-8 directly: US-ASCII mail with 8-bit bytes is far more often UTF-8 than anything else.
constexpr std::string_view kUtf8Labels[] = {"", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968"};

constexpr std::size_t kMaxCharsetName = 40;  // the longest IANA charset name is 45; real mail uses short ones

// The iconv name for a MIME charset label, lower-cased unless aliased, or nullopt to read the bytes as UTF-8.
// Names are limited to letters, digits and "-_.:+()": iconv_open() gives meaning to "//" and ',' suffixes, and an
// attacker chooses this string.
std::optional<std::string> iconv_name(std::string_view label) {
  while (!label.empty() && is_space(label.front())) label.remove_prefix(1);
  while (!label.empty() && is_space(label.back())) label.remove_suffix(1);
  if (label.size() > kMaxCharsetName) return std::nullopt;
  std::string name;
  for (const char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("-_.:+()").find(c) != std::string_view::npos;
    if (!ok) return std::nullopt;
    name += lower(c);
  }
  for (const std::string_view utf8 : kUtf8Labels)
    if (name == utf8) return std::nullopt;
  for (const auto& [alias, target] : kCharsetAliases)
    if (name == alias) return std::string(target);
  return name;
}

iconv_t no_iconv() { return reinterpret_cast<iconv_t>(std::intptr_t{-1}); }

// This thread's iconv descriptors to UTF-8, one per charset name asked for (unknown names cached as failures).
// iconv_open() looks the name up in the gconv configuration (and loads a module the first time): with the pair
// iconv_close() it measured ~170 ns on glibc 2.36, while a cached short header converts in ~110 ns. A descriptor
// carries conversion state, so it may not be shared between threads.
// At most kMaxEntries are kept (the oldest is closed first); all are closed when the thread exits.
class IconvCache {
 public:
  IconvCache() = default;
  IconvCache(const IconvCache&) = delete;
  IconvCache& operator=(const IconvCache&) = delete;
  ~IconvCache() {
    for (const Entry& e : entries_) close(e.cd);
  }

  // The descriptor for `name`, reset to its initial shift state, or no_iconv() if iconv does not know it.
  iconv_t get(const std::string& name) {
    for (const Entry& e : entries_) {
      if (e.name != name) continue;
      if (e.cd != no_iconv()) iconv(e.cd, nullptr, nullptr, nullptr, nullptr);
      return e.cd;
    }
    if (entries_.size() >= kMaxEntries) {
      close(entries_.front().cd);
      entries_.erase(entries_.begin());
    }
    entries_.push_back({name, iconv_open("UTF-8", name.c_str())});
    return entries_.back().cd;
  }

 private:
  static constexpr std::size_t kMaxEntries = 16;
  struct Entry {
    std::string name;
    iconv_t cd;
  };
  static void close(iconv_t cd) {
    if (cd != no_iconv()) iconv_close(cd);
  }
  std::vector<Entry> entries_;
};

// Converts all of `in` with `cd`. A byte iconv rejects (invalid, unconvertible, or a truncated sequence at the
// end) becomes U+FFFD and is skipped, so every call makes progress.
std::string convert(iconv_t cd, std::string_view in) {
  std::string out(in.size() + in.size() / 2 + 16, '\0');
  std::size_t used = 0;
  char* src = const_cast<char*>(in.data());  // iconv() takes char** but never writes the input
  std::size_t src_left = in.size();
  while (src_left > 0) {
    char* dst = out.data() + used;
    std::size_t dst_left = out.size() - used;
    const std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    used = static_cast<std::size_t>(dst - out.data());
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    if (out.size() - used < kReplacement.size()) out.resize(out.size() * 2);
    std::memcpy(out.data() + used, kReplacement.data(), kReplacement.size());
    used += kReplacement.size();
    ++src;
    --src_left;
  }
  for (;;) {  // flush: e.g. the CP1255 and CP1258 decoders hold back a base letter for a combining mark
    char* dst = out.data() + used;
    std::size_t dst_left = out.size() - used;
    const std::size_t r = iconv(cd, nullptr, nullptr, &dst, &dst_left);
    used = static_cast<std::size_t>(dst - out.data());
    if (r != static_cast<std::size_t>(-1) || errno != E2BIG) break;
    out.resize(out.size() * 2);
  }
  out.resize(used);
  return out;
}

// ---- RFC 2047 encoded words ----

struct EncodedWord {
  std::string_view charset;  // without an RFC 2231 "*language" suffix
  std::string bytes;         // the decoded encoded-text, still in `charset`
  std::size_t end = 0;       // just past the closing "?="
};

// Printable ASCII other than space and '?': what a charset and an encoded-text may hold (RFC 2047 §2).
bool is_word_char(char c) { return c > ' ' && c < 127 && c != '?'; }

bool all_word_chars(std::string_view s) { return std::all_of(s.begin(), s.end(), is_word_char); }

// The encoded word "=?charset?B|Q?text?=" starting at s[pos] ("=?"), or nullopt if it is malformed.
std::optional<EncodedWord> parse_encoded_word(std::string_view s, std::size_t pos) {
  const std::size_t charset_end = s.find('?', pos + 2);
  if (charset_end == std::string_view::npos || charset_end == pos + 2) return std::nullopt;
  std::string_view charset = s.substr(pos + 2, charset_end - pos - 2);
  if (!all_word_chars(charset) || charset_end + 2 >= s.size() || s[charset_end + 2] != '?') return std::nullopt;
  const char encoding = lower(s[charset_end + 1]);
  if (encoding != 'b' && encoding != 'q') return std::nullopt;
  const std::size_t text_begin = charset_end + 3;
  const std::size_t text_end = s.find('?', text_begin);
  if (text_end == std::string_view::npos || text_end + 1 >= s.size() || s[text_end + 1] != '=') return std::nullopt;
  const std::string_view text = s.substr(text_begin, text_end - text_begin);
  if (!all_word_chars(text)) return std::nullopt;
  charset = charset.substr(0, charset.find('*'));
  return EncodedWord{charset, encoding == 'b' ? decode_base64(text) : decode_q(text), text_end + 2};
}

// Unencoded header text: UTF-8 (RFC 6532) when it is valid, otherwise the windows-1252 of old mailers.
void append_header_text(std::string& out, std::string_view text) {
  if (is_valid_utf8(text)) out.append(text);
  else out += to_utf8(text, "windows-1252");
}

bool is_blank_run(std::string_view s) { return std::all_of(s.begin(), s.end(), is_space); }

// ---- Case folding ----

// Unicode 14.0 simple case folding (CaseFolding.txt status C and S, 1454 mappings) as runs: each code point c in
// [lo, hi] with (c - lo) % stride == 0 folds to c + delta; every other code point folds to itself. Sorted by lo,
// disjoint. Generated from Perl 5.36's copy of the table with:
//   perl -MUnicode::UCD=all_casefolds -e '$h = all_casefolds(); for (sort { $a <=> $b } keys %$h) {
//     $e = $h->{$_}; next if $e->{status} eq "T" or $e->{simple} eq "" or $e->{simple} =~ / /;
//     print "$_ ", hex($e->{simple}) - $_, "\n" }'
// then merging consecutive lines with the same delta whose code points step by 1 or by 2.
struct FoldRun {
  char32_t lo, hi;
  std::int32_t delta;
  std::uint8_t stride;
};

constexpr FoldRun kFoldRuns[] = {
    {0x0041, 0x005A, 32, 1}, {0x00B5, 0x00B5, 775, 1}, {0x00C0, 0x00D6, 32, 1}, {0x00D8, 0x00DE, 32, 1},
    {0x0100, 0x012E, 1, 2}, {0x0132, 0x0136, 1, 2}, {0x0139, 0x0147, 1, 2}, {0x014A, 0x0176, 1, 2},
    {0x0178, 0x0178, -121, 1}, {0x0179, 0x017D, 1, 2}, {0x017F, 0x017F, -268, 1}, {0x0181, 0x0181, 210, 1},
    {0x0182, 0x0184, 1, 2}, {0x0186, 0x0186, 206, 1}, {0x0187, 0x0187, 1, 1}, {0x0189, 0x018A, 205, 1},
    {0x018B, 0x018B, 1, 1}, {0x018E, 0x018E, 79, 1}, {0x018F, 0x018F, 202, 1}, {0x0190, 0x0190, 203, 1},
    {0x0191, 0x0191, 1, 1}, {0x0193, 0x0193, 205, 1}, {0x0194, 0x0194, 207, 1}, {0x0196, 0x0196, 211, 1},
    {0x0197, 0x0197, 209, 1}, {0x0198, 0x0198, 1, 1}, {0x019C, 0x019C, 211, 1}, {0x019D, 0x019D, 213, 1},
    {0x019F, 0x019F, 214, 1}, {0x01A0, 0x01A4, 1, 2}, {0x01A6, 0x01A6, 218, 1}, {0x01A7, 0x01A7, 1, 1},
    {0x01A9, 0x01A9, 218, 1}, {0x01AC, 0x01AC, 1, 1}, {0x01AE, 0x01AE, 218, 1}, {0x01AF, 0x01AF, 1, 1},
    {0x01B1, 0x01B2, 217, 1}, {0x01B3, 0x01B5, 1, 2}, {0x01B7, 0x01B7, 219, 1}, {0x01B8, 0x01B8, 1, 1},
    {0x01BC, 0x01BC, 1, 1}, {0x01C4, 0x01C4, 2, 1}, {0x01C5, 0x01C5, 1, 1}, {0x01C7, 0x01C7, 2, 1},
    {0x01C8, 0x01C8, 1, 1}, {0x01CA, 0x01CA, 2, 1}, {0x01CB, 0x01DB, 1, 2}, {0x01DE, 0x01EE, 1, 2},
    {0x01F1, 0x01F1, 2, 1}, {0x01F2, 0x01F4, 1, 2}, {0x01F6, 0x01F6, -97, 1}, {0x01F7, 0x01F7, -56, 1},
    {0x01F8, 0x021E, 1, 2}, {0x0220, 0x0220, -130, 1}, {0x0222, 0x0232, 1, 2}, {0x023A, 0x023A, 10795, 1},
    {0x023B, 0x023B, 1, 1}, {0x023D, 0x023D, -163, 1}, {0x023E, 0x023E, 10792, 1}, {0x0241, 0x0241, 1, 1},
    {0x0243, 0x0243, -195, 1}, {0x0244, 0x0244, 69, 1}, {0x0245, 0x0245, 71, 1}, {0x0246, 0x024E, 1, 2},
    {0x0345, 0x0345, 116, 1}, {0x0370, 0x0372, 1, 2}, {0x0376, 0x0376, 1, 1}, {0x037F, 0x037F, 116, 1},
    {0x0386, 0x0386, 38, 1}, {0x0388, 0x038A, 37, 1}, {0x038C, 0x038C, 64, 1}, {0x038E, 0x038F, 63, 1},
    {0x0391, 0x03A1, 32, 1}, {0x03A3, 0x03AB, 32, 1}, {0x03C2, 0x03C2, 1, 1}, {0x03CF, 0x03CF, 8, 1},
    {0x03D0, 0x03D0, -30, 1}, {0x03D1, 0x03D1, -25, 1}, {0x03D5, 0x03D5, -15, 1}, {0x03D6, 0x03D6, -22, 1},
    {0x03D8, 0x03EE, 1, 2}, {0x03F0, 0x03F0, -54, 1}, {0x03F1, 0x03F1, -48, 1}, {0x03F4, 0x03F4, -60, 1},
    {0x03F5, 0x03F5, -64, 1}, {0x03F7, 0x03F7, 1, 1}, {0x03F9, 0x03F9, -7, 1}, {0x03FA, 0x03FA, 1, 1},
    {0x03FD, 0x03FF, -130, 1}, {0x0400, 0x040F, 80, 1}, {0x0410, 0x042F, 32, 1}, {0x0460, 0x0480, 1, 2},
    {0x048A, 0x04BE, 1, 2}, {0x04C0, 0x04C0, 15, 1}, {0x04C1, 0x04CD, 1, 2}, {0x04D0, 0x052E, 1, 2},
    {0x0531, 0x0556, 48, 1}, {0x10A0, 0x10C5, 7264, 1}, {0x10C7, 0x10C7, 7264, 1}, {0x10CD, 0x10CD, 7264, 1},
    {0x13F8, 0x13FD, -8, 1}, {0x1C80, 0x1C80, -6222, 1}, {0x1C81, 0x1C81, -6221, 1}, {0x1C82, 0x1C82, -6212, 1},
    {0x1C83, 0x1C84, -6210, 1}, {0x1C85, 0x1C85, -6211, 1}, {0x1C86, 0x1C86, -6204, 1}, {0x1C87, 0x1C87, -6180, 1},
    {0x1C88, 0x1C88, 35267, 1}, {0x1C90, 0x1CBA, -3008, 1}, {0x1CBD, 0x1CBF, -3008, 1}, {0x1E00, 0x1E94, 1, 2},
    {0x1E9B, 0x1E9B, -58, 1}, {0x1E9E, 0x1E9E, -7615, 1}, {0x1EA0, 0x1EFE, 1, 2}, {0x1F08, 0x1F0F, -8, 1},
    {0x1F18, 0x1F1D, -8, 1}, {0x1F28, 0x1F2F, -8, 1}, {0x1F38, 0x1F3F, -8, 1}, {0x1F48, 0x1F4D, -8, 1},
    {0x1F59, 0x1F5F, -8, 2}, {0x1F68, 0x1F6F, -8, 1}, {0x1F88, 0x1F8F, -8, 1}, {0x1F98, 0x1F9F, -8, 1},
    {0x1FA8, 0x1FAF, -8, 1}, {0x1FB8, 0x1FB9, -8, 1}, {0x1FBA, 0x1FBB, -74, 1}, {0x1FBC, 0x1FBC, -9, 1},
    {0x1FBE, 0x1FBE, -7173, 1}, {0x1FC8, 0x1FCB, -86, 1}, {0x1FCC, 0x1FCC, -9, 1}, {0x1FD8, 0x1FD9, -8, 1},
    {0x1FDA, 0x1FDB, -100, 1}, {0x1FE8, 0x1FE9, -8, 1}, {0x1FEA, 0x1FEB, -112, 1}, {0x1FEC, 0x1FEC, -7, 1},
    {0x1FF8, 0x1FF9, -128, 1}, {0x1FFA, 0x1FFB, -126, 1}, {0x1FFC, 0x1FFC, -9, 1}, {0x2126, 0x2126, -7517, 1},
    {0x212A, 0x212A, -8383, 1}, {0x212B, 0x212B, -8262, 1}, {0x2132, 0x2132, 28, 1}, {0x2160, 0x216F, 16, 1},
    {0x2183, 0x2183, 1, 1}, {0x24B6, 0x24CF, 26, 1}, {0x2C00, 0x2C2F, 48, 1}, {0x2C60, 0x2C60, 1, 1},
    {0x2C62, 0x2C62, -10743, 1}, {0x2C63, 0x2C63, -3814, 1}, {0x2C64, 0x2C64, -10727, 1}, {0x2C67, 0x2C6B, 1, 2},
    {0x2C6D, 0x2C6D, -10780, 1}, {0x2C6E, 0x2C6E, -10749, 1}, {0x2C6F, 0x2C6F, -10783, 1},
    {0x2C70, 0x2C70, -10782, 1}, {0x2C72, 0x2C72, 1, 1}, {0x2C75, 0x2C75, 1, 1}, {0x2C7E, 0x2C7F, -10815, 1},
    {0x2C80, 0x2CE2, 1, 2}, {0x2CEB, 0x2CED, 1, 2}, {0x2CF2, 0x2CF2, 1, 1}, {0xA640, 0xA66C, 1, 2},
    {0xA680, 0xA69A, 1, 2}, {0xA722, 0xA72E, 1, 2}, {0xA732, 0xA76E, 1, 2}, {0xA779, 0xA77B, 1, 2},
    {0xA77D, 0xA77D, -35332, 1}, {0xA77E, 0xA786, 1, 2}, {0xA78B, 0xA78B, 1, 1}, {0xA78D, 0xA78D, -42280, 1},
    {0xA790, 0xA792, 1, 2}, {0xA796, 0xA7A8, 1, 2}, {0xA7AA, 0xA7AA, -42308, 1}, {0xA7AB, 0xA7AB, -42319, 1},
    {0xA7AC, 0xA7AC, -42315, 1}, {0xA7AD, 0xA7AD, -42305, 1}, {0xA7AE, 0xA7AE, -42308, 1},
    {0xA7B0, 0xA7B0, -42258, 1}, {0xA7B1, 0xA7B1, -42282, 1}, {0xA7B2, 0xA7B2, -42261, 1}, {0xA7B3, 0xA7B3, 928, 1},
    {0xA7B4, 0xA7C2, 1, 2}, {0xA7C4, 0xA7C4, -48, 1}, {0xA7C5, 0xA7C5, -42307, 1}, {0xA7C6, 0xA7C6, -35384, 1},
    {0xA7C7, 0xA7C9, 1, 2}, {0xA7D0, 0xA7D0, 1, 1}, {0xA7D6, 0xA7D8, 1, 2}, {0xA7F5, 0xA7F5, 1, 1},
    {0xAB70, 0xABBF, -38864, 1}, {0xFF21, 0xFF3A, 32, 1}, {0x10400, 0x10427, 40, 1}, {0x104B0, 0x104D3, 40, 1},
    {0x10570, 0x1057A, 39, 1}, {0x1057C, 0x1058A, 39, 1}, {0x1058C, 0x10592, 39, 1}, {0x10594, 0x10595, 39, 1},
    {0x10C80, 0x10CB2, 64, 1}, {0x118A0, 0x118BF, 32, 1}, {0x16E40, 0x16E5F, 32, 1}, {0x1E900, 0x1E921, 34, 1},
};

constexpr bool fold_runs_sorted() {
  for (std::size_t i = 0; i < std::size(kFoldRuns); ++i) {
    if (kFoldRuns[i].lo > kFoldRuns[i].hi || kFoldRuns[i].stride == 0) return false;
    if (i > 0 && kFoldRuns[i - 1].hi >= kFoldRuns[i].lo) return false;
  }
  return true;
}
static_assert(fold_runs_sorted(), "fold_code_point() binary-searches kFoldRuns");

char32_t fold_code_point(char32_t cp) {
  const auto* run = std::upper_bound(std::begin(kFoldRuns), std::end(kFoldRuns), cp,
                                     [](char32_t c, const FoldRun& r) { return c < r.lo; });
  if (run == std::begin(kFoldRuns)) return cp;
  --run;
  if (cp > run->hi || (cp - run->lo) % run->stride != 0) return cp;
  return static_cast<char32_t>(static_cast<std::int32_t>(cp) + run->delta);
}

// ---- Searchable text ----

// Collects the searchable text of one message, piece by piece, up to kMaxSearchText bytes.
class TextCollector {
 public:
  TextCollector(std::string_view message, bool include_headers) : message_(message), headers_(include_headers) {}

  // A message (the top level, or the child of a message/rfc822 part): its header fields, then its body text.
  void add_message(const Part& msg) {
    if (headers_) add_fields(msg.fields);
    add_part(msg);
  }

  std::string take() { return std::move(out_); }

 private:
  // Recursion is bounded by the parser's kMaxDepth.
  void add_part(const Part& part) {
    if (full()) return;
    if (part.is_multipart()) {
      for (const Part& child : part.children) add_part(child);
    } else if (part.is_message()) {
      add_message(part.children.front());
    } else if (part.type == "text") {
      add_text(part);
    }
  }

  void add_fields(const std::vector<HeaderField>& fields) {
    std::string block;
    for (const HeaderField& f : fields) {
      if (full(block.size())) break;
      block += f.name;
      block += ": ";
      block += decode_header_value(f.value);
      block += '\n';
    }
    add(fold_case(block));
  }

  void add_text(const Part& part) {
    std::string_view charset;
    for (const Param& p : part.params)
      if (p.name == "charset") charset = p.value;
    const std::size_t begin = std::min(part.body.offset, message_.size());
    const std::string_view body = message_.substr(begin, part.body.length);
    std::string decoded = decode_transfer_encoding(body, part.encoding);
    // Bytes past the budget are dropped before the slower charset conversion and folding. Those seldom shrink
    // text (UTF-16 does), so near the limit this may lose a little text, never go past it.
    decoded.resize(std::min(decoded.size(), kMaxSearchText - out_.size()));
    add(fold_case(to_utf8(decoded, charset)));
  }

  // Appends one piece and its "\n" separator, cut on a character boundary at the budget.
  void add(std::string_view piece) {
    if (full()) return;
    out_.append(utf8_prefix(piece, kMaxSearchText - out_.size()));
    if (!full()) out_ += '\n';
  }

  bool full(std::size_t pending = 0) const { return out_.size() + pending >= kMaxSearchText; }

  std::string_view message_;
  bool headers_;
  std::string out_;
};

}  // namespace

std::string decode_transfer_encoding(std::string_view body, std::string_view encoding) {
  if (iequals(encoding, "quoted-printable")) return decode_quoted_printable(body);
  if (iequals(encoding, "base64")) return decode_base64(body);
  return std::string(body);
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  if (const auto name = iconv_name(charset)) {
    thread_local IconvCache cache;
    if (const iconv_t cd = cache.get(*name); cd != no_iconv()) return convert(cd, bytes);
  }
  std::string out;
  out.reserve(bytes.size());
  append_utf8_replacing(out, bytes);
  return out;
}

std::string decode_header_value(std::string_view raw) {
  std::string out;
  std::string pending;  // decoded bytes of the current run of adjacent encoded words in one charset
  std::string_view pending_charset;
  const auto flush = [&] {
    if (!pending.empty()) out += to_utf8(pending, pending_charset);
    pending.clear();
  };
  std::size_t text_begin = 0;  // start of the raw text since the last encoded word
  bool after_word = false;
  for (std::size_t pos = raw.find("=?"); pos != std::string_view::npos; pos = raw.find("=?", pos)) {
    auto word = parse_encoded_word(raw, pos);
    if (!word) {
      pos += 2;
      continue;
    }
    const std::string_view gap = raw.substr(text_begin, pos - text_begin);
    if (!after_word || !is_blank_run(gap) || !iequals(word->charset, pending_charset)) flush();
    if (!after_word || !is_blank_run(gap)) append_header_text(out, gap);  // RFC 2047 §6.2: drop it between words
    pending += word->bytes;
    pending_charset = word->charset;
    after_word = true;
    pos = text_begin = word->end;
  }
  flush();
  append_header_text(out, raw.substr(text_begin));
  return out;
}

std::string fold_case(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t ascii_end = i;  // ASCII runs (most mail) are copied, then lowered in place
    while (ascii_end < utf8.size() && byte(utf8[ascii_end]) < 0x80) ++ascii_end;
    if (ascii_end > i) {
      const std::size_t at = out.size();
      out.append(utf8.substr(i, ascii_end - i));
      for (std::size_t k = at; k < out.size(); ++k) out[k] = lower(out[k]);
      i = ascii_end;
      continue;
    }
    const Utf8Step step = next_utf8(utf8, i);
    if (step.valid) base::append_utf8(out, fold_code_point(step.code_point));
    else out.append(kReplacement);
    i += step.length;
  }
  return out;
}

bool contains_folded(std::string_view folded_haystack, std::string_view folded_needle) {
  if (folded_needle.empty()) return true;
  // glibc's memmem (two-way, vectorized for short needles) measured 4-6 GB/s on folded mail text, ahead of
  // string_view::find for long needles and of std::boyer_moore_horspool_searcher for needles under ~50 bytes.
  return ::memmem(folded_haystack.data(), folded_haystack.size(), folded_needle.data(), folded_needle.size()) !=
         nullptr;
}

std::string searchable_text(std::string_view message, const Part& root, bool include_headers) {
  TextCollector collector(message, include_headers);
  collector.add_message(root);
  return collector.take();
}

std::string decoded_header(const std::vector<HeaderField>& fields, std::string_view name) {
  std::string out;
  bool first = true;
  for (const HeaderField& f : fields) {
    if (!iequals(f.name, name)) continue;
    if (!std::exchange(first, false)) out += '\n';
    out += fold_case(decode_header_value(f.value));
  }
  return out;
}

}  // namespace mail
