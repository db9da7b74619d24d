// MIME structure of a message (RFC 5322 header, RFC 2045/2046 bodies), for IMAP BODY/BODYSTRUCTURE.
//
// parse_message() never fails and never reads outside its input: whatever bytes it is given become a tree of Parts.
// It is lenient the way deployed servers are: bare LF line ends, lines without a colon in a header are skipped,
// a multipart without a boundary parameter (or without any boundary line) becomes a text/plain leaf, and a
// missing closing delimiter ends the last part at the end of the body. Nesting depth, part count, header field
// count, field length and parameter count are bounded by kMaxDepth, kMaxParts, kMaxHeaderFields, kMaxFieldBytes
// and kMaxParams (so the structure stored with each message stays bounded whatever the sender wrote). Offsets are
// into the parsed input. A part without a usable Content-Type is text/plain; charset=us-ascii (RFC 2045 §5.2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mail {

inline constexpr int kMaxDepth = 32;
inline constexpr std::size_t kMaxParts = 10000;
inline constexpr std::size_t kMaxHeaderFields = 1000;  // past it, only the first Date, Subject, From, ..., Content-*
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;  // of one unfolded field value; the rest is dropped
inline constexpr std::size_t kMaxParams = 100;  // per structured field; later ones are ignored

struct Range {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// One unfolded header field: the name as written, the value without leading/trailing whitespace (raw bytes).
struct HeaderField {
  std::string name;
  std::string value;
};

// A MIME parameter: name lower-cased, value with quoting removed (RFC 2231 parts are kept as separate params).
struct Param {
  std::string name;
  std::string value;
};

struct Part {
  Range header;                 // the header fields including the blank line that ends them (if any)
  Range body;                   // everything after that blank line
  std::size_t body_lines = 0;   // lines in the body: LFs, plus one for a final unterminated line
  std::vector<HeaderField> fields;

  std::string type = "text";    // lower-cased
  std::string subtype = "plain";
  std::vector<Param> params;
  std::optional<std::string> id, description, md5, location;
  std::string encoding = "7BIT";  // upper-cased
  std::optional<std::string> disposition;
  std::vector<Param> disposition_params;
  std::vector<std::string> languages;

  // multipart/*: its body parts. message/rfc822: exactly one child, the embedded message (its header and body
  // ranges and its own structure). Otherwise empty.
  std::vector<Part> children;

  bool is_multipart() const { return type == "multipart" && !children.empty(); }
  bool is_message() const { return type == "message" && subtype == "rfc822" && children.size() == 1; }
};

// Splits a header block into unfolded fields: at most kMaxHeaderFields, plus the first occurrence of each field
// that ENVELOPE or the MIME structure reads if it comes later.
std::vector<HeaderField> parse_header(std::string_view header);

// The first field named `name` (case-insensitive), or nullopt.
std::optional<std::string_view> find_field(const std::vector<HeaderField>& fields, std::string_view name);

// Parses a "value; name=value; ..." structured field (Content-Type, Content-Disposition). Comments are skipped.
void parse_structured(std::string_view value, std::string& main, std::vector<Param>& params);

// The whole MIME tree of a message.
Part parse_message(std::string_view message);

std::string to_lower(std::string_view s);

}  // namespace mail
