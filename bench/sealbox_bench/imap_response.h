// ImapResponseParser: incremental parsing of the bytes an IMAP server sends into whole responses. Pure: no I/O.
//
// Framing: a response is one CRLF-terminated line, extended by literals. A line ending in "{n}" or "~{n}" (literal8,
// RFC 3516) is followed by exactly n bytes and then the rest of the same response. The literal bytes are skipped,
// never stored (only counted in Response::literal_bytes): the benchmark times bodies, it does not read them. In the
// response's text each literal stays as its announcement ("{5}"), so the item parser sees one string token there.
//
// Parsed kinds: tagged status (with [APPENDUID v uid] and [HIGHESTMODSEQ n] codes), continuation "+", untagged
// EXISTS, EXPUNGE, VANISHED and VANISHED (EARLIER), FETCH (UID, FLAGS, MODSEQ; other items skipped, literals
// included), SEARCH (with an optional "(MODSEQ n)"), ESEARCH (UID, MIN, MAX, COUNT, ALL), CAPABILITY (untagged or in
// an [CAPABILITY ...] code), untagged OK/NO/BAD/BYE/PREAUTH (with [HIGHESTMODSEQ n], [UIDVALIDITY n], [UIDNEXT n]).
// Anything else is kind `other`, text kept.
//
//   ImapResponseParser p;
//   p.feed(bytes_from_socket);
//   while (auto r = p.next()) handle(*r);
//   if (p.failed()) give_up(p.error());
//
// Limits: a line (without its literals) is at most kMaxLineBytes; a literal at most kMaxLiteralBytes; a sequence set
// expands to at most kMaxSetSize numbers. Past a limit, or on malformed data in a kind it parses, the parser fails
// for good (failed() and error()). Not thread-safe: one connection's thread owns a parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox_bench {

inline constexpr std::size_t kMaxLineBytes = 1 << 20;               // far above any response line we provoke
inline constexpr std::uint64_t kMaxLiteralBytes = 1ull << 32;       // 4 GiB: more is a broken server
inline constexpr std::size_t kMaxSetSize = 10'000'000;              // numbers one VANISHED/SEARCH may expand to

enum class ResponseKind {
  tagged,        // "tag OK|NO|BAD text"
  continuation,  // "+ text"
  status,        // "* OK|NO|BAD|BYE|PREAUTH text"
  exists,        // "* n EXISTS"
  expunge,       // "* n EXPUNGE"
  vanished,      // "* VANISHED [(EARLIER)] set"
  fetch,         // "* n FETCH (...)"
  search,        // "* SEARCH n..."
  esearch,       // "* ESEARCH ..."
  capability,    // "* CAPABILITY ..."
  other,         // any other untagged response (FLAGS, LIST, STATUS, ENABLED, n RECENT, ...)
};

// One response. Fields not relevant to its kind stay empty.
struct Response {
  ResponseKind kind = ResponseKind::other;
  std::string text;              // the whole response without CRLF, literals as their "{n}" announcement
  std::string tag;               // tagged
  std::string status;            // tagged and status: "OK", "NO", "BAD", "BYE", "PREAUTH" (upper case)
  std::uint32_t number = 0;      // exists: count; expunge, fetch: sequence number
  bool earlier = false;          // vanished: (EARLIER)
  std::vector<std::uint32_t> numbers;  // vanished: UIDs; search: numbers; esearch: ALL expanded
  bool uid_results = false;      // esearch: the UID marker was present
  std::optional<std::uint32_t> uid;             // fetch: UID item
  std::optional<std::vector<std::string>> flags;  // fetch: FLAGS item, as sent
  std::optional<std::uint64_t> modseq;          // fetch: MODSEQ; search: (MODSEQ n); status/tagged: [HIGHESTMODSEQ n]
  std::optional<std::uint32_t> count, min, max;  // esearch
  std::vector<std::string> capabilities;         // capability, or a [CAPABILITY ...] code (upper case)
  std::optional<std::uint32_t> uid_validity;     // [UIDVALIDITY n]; with [APPENDUID v u]: v
  std::optional<std::uint32_t> uid_next;         // [UIDNEXT n]
  std::optional<std::uint32_t> append_uid;       // [APPENDUID v u]: u (a single UID only)
  std::uint64_t literal_bytes = 0;               // bytes of literals skipped inside this response
};

const char* to_string(ResponseKind kind);

class ImapResponseParser {
 public:
  // Appends received bytes. Call next() until it returns nullopt.
  void feed(std::string_view bytes);
  // The next complete response, or nullopt when more bytes are needed or the parser failed.
  std::optional<Response> next();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // Bytes received and not yet part of a returned response (excluding skipped literal bytes).
  std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::string buf_;        // unconsumed input from pos_
  std::size_t pos_ = 0;
  std::string pending_;    // the response so far, when a literal interrupted it
  std::uint64_t skip_ = 0;  // literal bytes still to skip
  std::uint64_t literal_total_ = 0;
  std::string error_;
};

// Parses one complete response text (as ImapResponseParser assembles it: no CRLF, literals as "{n}"). On malformed
// input of a parsed kind, returns nullopt and sets `error`.
std::optional<Response> parse_response(std::string text, std::string& error);

// "1:3,7" -> {1,2,3,7}. nullopt on syntax errors, "*", or more than kMaxSetSize numbers.
std::optional<std::vector<std::uint32_t>> parse_number_set(std::string_view set);

}  // namespace sealbox_bench
