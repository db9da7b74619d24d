// MIME tree parsing: header splitting and unfolding, Content-* fields, multipart boundaries, message/rfc822.
#include "mail/mime.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "base/strings.h"

namespace mail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

using base::iequals;

// The end of the line starting at `pos` (the index just past its LF, or text.size()).
std::size_t line_end(std::string_view text, std::size_t pos) {
  const std::size_t lf = text.find('\n', pos);
  return lf == std::string_view::npos ? text.size() : lf + 1;
}

std::size_t count_lines(std::string_view s) {
  std::size_t n = static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
  if (!s.empty() && s.back() != '\n') ++n;
  return n;
}

// RFC 2045 tspecials plus controls and space end a token.
bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 32 || u == 127) return false;
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

// A cursor over a structured field value: skips whitespace and (nested) comments, reads tokens/quoted strings.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  void skip_cfws() {
    while (i_ < s_.size()) {
      if (is_space(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '(') {
        int depth = 0;
        while (i_ < s_.size()) {
          const char c = s_[i_++];
          if (c == '\\' && i_ < s_.size()) ++i_;
          else if (c == '(') ++depth;
          else if (c == ')' && --depth == 0) break;
        }
      } else {
        break;
      }
    }
  }
  bool at_end() { skip_cfws(); return i_ >= s_.size(); }
  bool eat(char c) {
    skip_cfws();
    if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
    return false;
  }
  std::string token() {
    skip_cfws();
    const std::size_t start = i_;
    while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  // A token or a quoted string (unescaped); a lenient value also runs up to the next ';' if neither matched.
  std::string value() {
    skip_cfws();
    if (i_ < s_.size() && s_[i_] == '"') {
      std::string out;
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        out += s_[i_++];
      }
      if (i_ < s_.size()) ++i_;
      return out;
    }
    std::string t = token();
    if (t.empty()) {
      const std::size_t start = i_;
      while (i_ < s_.size() && s_[i_] != ';') ++i_;
      t = std::string(trim(s_.substr(start, i_ - start)));
    }
    return t;
  }
  // Moves to the next `c` that is outside comments and quoted strings (RFC 2045 §5.1: comments are ignored, so a
  // ';' inside "(a; b=c)" must not start a parameter).
  void skip_to(char c) {
    while (i_ < s_.size() && s_[i_] != c) {
      if (s_[i_] == '(') {
        skip_cfws();
      } else if (s_[i_] == '"') {
        for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_)
          if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        if (i_ < s_.size()) ++i_;
      } else {
        ++i_;
      }
    }
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

struct Parser {
  std::string_view text;
  std::size_t parts = 0;

  // Fills header/body ranges and fields of `part` from text[begin, end).
  void split(Part& part, std::size_t begin, std::size_t end) {
    std::size_t pos = begin;
    std::size_t header_end = end;
    std::size_t body_begin = end;
    while (pos < end) {
      const std::size_t next = std::min(line_end(text, pos), end);
      const std::string_view line = text.substr(pos, next - pos);
      if (line == "\n" || line == "\r\n" || line == "\r") {
        header_end = pos;
        body_begin = next;
        break;
      }
      pos = next;
    }
    part.header = {begin, body_begin - begin};
    part.body = {body_begin, end - body_begin};
    part.body_lines = count_lines(text.substr(body_begin, end - body_begin));
    part.fields = parse_header(text.substr(begin, header_end - begin));
  }

  void content_fields(Part& part, bool digest_child) {
    if (digest_child) {
      part.type = "message";
      part.subtype = "rfc822";
    }
    bool typed = false;
    if (auto ct = find_field(part.fields, "Content-Type")) {
      Lexer lx(*ct);
      std::string type = to_lower(lx.token());
      std::string subtype;
      if (lx.eat('/')) subtype = to_lower(lx.token());
      if (!type.empty() && !subtype.empty()) {
        typed = true;
        part.type = std::move(type);
        part.subtype = std::move(subtype);
        std::string ignored;
        parse_structured(*ct, ignored, part.params);
      }
    }
    if (!typed && part.type == "text") part.params.push_back({"charset", "us-ascii"});
    if (auto v = find_field(part.fields, "Content-Transfer-Encoding")) {
      Lexer lx(*v);
      std::string enc = lx.token();
      if (!enc.empty()) {
        for (char& c : enc) c = upper(c);
        part.encoding = std::move(enc);
      }
    }
    if (auto v = find_field(part.fields, "Content-ID")) part.id = std::string(*v);
    if (auto v = find_field(part.fields, "Content-Description")) part.description = std::string(*v);
    if (auto v = find_field(part.fields, "Content-MD5")) part.md5 = std::string(*v);
    if (auto v = find_field(part.fields, "Content-Location")) part.location = std::string(*v);
    if (auto v = find_field(part.fields, "Content-Disposition")) {
      std::string main;
      parse_structured(*v, main, part.disposition_params);
      if (!main.empty()) part.disposition = std::move(main);
      else part.disposition_params.clear();
    }
    if (auto v = find_field(part.fields, "Content-Language")) {
      Lexer lx(*v);
      while (!lx.at_end()) {
        std::string tag;
        while (true) {  // language tags are tokens joined by '-', which is a token char
          std::string t = lx.token();
          if (t.empty()) break;
          tag += t;
        }
        if (!tag.empty()) part.languages.push_back(std::move(tag));
        if (!lx.eat(',')) {
          lx.skip_to(',');
          if (!lx.eat(',')) break;
        }
      }
    }
  }

  void make_plain(Part& part) {
    part.type = "text";
    part.subtype = "plain";
    part.params = {{"charset", "us-ascii"}};
    part.children.clear();
  }

  // Splits the multipart body of `part` at its boundary lines (RFC 2046 §5.1.1).
  void split_multipart(Part& part, const std::string& boundary, int depth) {
    const std::string delim = "--" + boundary;
    const std::size_t end = part.body.offset + part.body.length;
    std::size_t pos = part.body.offset;
    std::optional<std::size_t> child_begin;
    bool closed = false;
    while (pos < end && !closed) {
      const std::size_t next = std::min(line_end(text, pos), end);
      const std::string_view line = text.substr(pos, next - pos);
      if (line.substr(0, delim.size()) == delim) {
        std::string_view rest = line.substr(delim.size());
        const bool close = rest.substr(0, 2) == "--";
        if (close) rest.remove_prefix(2);
        if (trim(rest).empty()) {
          if (child_begin) {
            std::size_t child_end = pos;  // the line break before the delimiter belongs to the delimiter
            if (child_end > *child_begin && text[child_end - 1] == '\n') --child_end;
            if (child_end > *child_begin && text[child_end - 1] == '\r') --child_end;
            add_child(part, *child_begin, child_end, depth);
          }
          child_begin = next;
          closed = close;
        }
      }
      pos = next;
    }
    if (child_begin && !closed && *child_begin < end) add_child(part, *child_begin, end, depth);
    if (part.children.empty()) make_plain(part);
  }

  void add_child(Part& part, std::size_t begin, std::size_t end, int depth) {
    if (parts >= kMaxParts) return;
    part.children.push_back(parse(begin, end, depth + 1, part.subtype == "digest"));
  }

  Part parse(std::size_t begin, std::size_t end, int depth, bool digest_child) {
    ++parts;
    Part part;
    split(part, begin, end);
    content_fields(part, digest_child);
    if (part.type == "multipart") {
      std::string boundary;
      for (const Param& p : part.params)
        if (p.name == "boundary") boundary = p.value;
      if (boundary.empty() || depth >= kMaxDepth) make_plain(part);
      else split_multipart(part, boundary, depth);
    } else if (part.type == "message" && part.subtype == "rfc822") {
      if (depth >= kMaxDepth || parts >= kMaxParts) {
        make_plain(part);
      } else {
        part.children.push_back(parse(part.body.offset, part.body.offset + part.body.length, depth + 1, false));
      }
    }
    return part;
  }
};

// RFC 2231 §3 continuations: name*0, name*1, ... (each optionally extended, "name*0*") become one parameter,
// "name" when no segment is extended, else "name*" whose value keeps the charset'language' prefix and the
// percent-encoding (clients decode it, as with a single "name*"). Segments are joined in numeric order; a
// numbering gap ends the value. Other parameters keep their place; the merged one takes its first segment's.
void merge_continuations(std::vector<Param>& params) {
  std::vector<Param> out;
  std::vector<bool> used(params.size(), false);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (used[i]) continue;
    const std::string& name = params[i].name;
    const std::size_t star = name.find('*');
    if (star == std::string::npos || star + 1 >= name.size() || name[star + 1] < '0' || name[star + 1] > '9') {
      out.push_back(params[i]);
      continue;
    }
    const std::string base = name.substr(0, star);
    std::string value;
    bool extended = false;
    for (std::size_t n = 0;; ++n) {
      const std::string plain = base + "*" + std::to_string(n);
      bool found = false;
      for (std::size_t j = i; j < params.size() && !found; ++j) {
        if (used[j]) continue;
        const bool ext = params[j].name == plain + "*";
        if (params[j].name != plain && !ext) continue;
        used[j] = found = true;
        if (ext) {
          extended = true;
          value += params[j].value;
        } else if (extended) {  // a plain segment after an extended one: percent-encode what needs it
          static constexpr char kHex[] = "0123456789ABCDEF";
          for (char c : params[j].value) {
            const auto u = static_cast<unsigned char>(c);
            if (!is_token_char(c) || c == '%' || c == '\'' || c == '*') {  // not an RFC 2231 attribute-char
              value += '%';
              value += kHex[u >> 4];
              value += kHex[u & 15];
            } else {
              value += c;
            }
          }
        } else {
          value += params[j].value;
        }
      }
      if (!found) break;
    }
    if (used[i]) out.push_back({extended ? base + "*" : base, std::move(value)});
    else out.push_back(params[i]);  // e.g. "name*1" without a "name*0"
    used[i] = true;
  }
  params = std::move(out);
}

// The fields ENVELOPE and the MIME structure read. Past kMaxHeaderFields the first of each is still kept, so a
// flood of trace fields cannot hide a later Subject or Content-Type (find_field returns the first one anyway).
constexpr std::string_view kKeyFields[] = {
    "Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-ID",
    "Content-Type", "Content-Transfer-Encoding", "Content-ID", "Content-Description", "Content-MD5",
    "Content-Disposition", "Content-Language", "Content-Location"};

// The index of `name` in kKeyFields, or std::size(kKeyFields).
std::size_t key_field_index(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kKeyFields); ++i)
    if (iequals(name, kKeyFields[i])) return i;
  return std::size(kKeyFields);
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::vector<HeaderField> parse_header(std::string_view header) {
  std::vector<HeaderField> fields;
  std::array<bool, std::size(kKeyFields)> seen{};  // which key fields are already in `fields`
  std::size_t pos = 0;
  bool skipping = false;  // the current line had no colon: its continuations are skipped too
  while (pos < header.size()) {
    const std::size_t next = line_end(header, pos);
    std::string_view line = header.substr(pos, next - pos);
    pos = next;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      // Unfold: drop the CRLF, keep the WSP; a value stops growing at kMaxFieldBytes.
      if (!skipping && !fields.empty()) {
        auto& value = fields.back().value;
        value += line.substr(0, kMaxFieldBytes - std::min(kMaxFieldBytes, value.size()));
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string_view name = colon == std::string_view::npos ? std::string_view() : trim(line.substr(0, colon));
    if (name.empty()) {
      skipping = true;
      continue;
    }
    const std::size_t key = key_field_index(name);
    const bool first_key = key < seen.size() && !seen[key];
    if (fields.size() >= kMaxHeaderFields && !first_key) {
      skipping = true;
      continue;
    }
    if (first_key) seen[key] = true;
    skipping = false;
    fields.push_back({std::string(name), std::string(line.substr(colon + 1, kMaxFieldBytes))});
  }
  for (HeaderField& f : fields) f.value = std::string(trim(f.value));
  return fields;
}

std::optional<std::string_view> find_field(const std::vector<HeaderField>& fields, std::string_view name) {
  for (const HeaderField& f : fields)
    if (iequals(f.name, name)) return std::string_view(f.value);
  return std::nullopt;
}

void parse_structured(std::string_view value, std::string& main, std::vector<Param>& params) {
  Lexer lx(value);
  main = lx.token();
  if (lx.eat('/')) main += "/" + lx.token();
  lx.skip_to(';');
  while (params.size() < kMaxParams && lx.eat(';')) {
    std::string name = to_lower(lx.token());
    if (name.empty() || !lx.eat('=')) {
      lx.skip_to(';');
      continue;
    }
    params.push_back({std::move(name), lx.value()});
    lx.skip_to(';');
  }
  merge_continuations(params);
}

Part parse_message(std::string_view message) {
  Parser p{message};
  return p.parse(0, message.size(), 0, false);
}

}  // namespace mail
