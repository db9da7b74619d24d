// Helpers for the imap/syntax tests: drive a CommandReader the way a session does, and run every input whole,
// split at every offset and byte by byte (STYLE: parser tests), checking that all three give the same events.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "imap/syntax/command_reader.h"
#include "imap/syntax/limits.h"
#include "imap/syntax/parser.h"

// Printers so Boost.Test can show these enums when a check fails.
namespace base {
inline std::ostream& operator<<(std::ostream& os, Errc e) { return os << to_string(e); }
}  // namespace base
namespace imap::syntax {
inline std::ostream& operator<<(std::ostream& os, ReadKind k) { return os << static_cast<int>(k); }
}  // namespace imap::syntax

namespace imap_test {

using namespace imap::syntax;

// What the session does with a literal announcement.
enum class Policy { accept, reject };

// Renders bytes readably: CR as \r, LF as \n, NUL as \0.
inline std::string show(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\0') out += "\\0";
    else out += c;
  }
  return out;
}

// show() cut to 120 characters, for failure messages about long inputs.
inline std::string brief(std::string_view s) {
  std::string out = show(s.substr(0, 120));
  if (s.size() > 120) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

// Plays the session: feeds pieces, reacts to every result, and records one event string per result:
//   "cmd A1 <line>", "line <text>", "sync A1 5", "sync A1 5+", "sync A1 ~5", "append A1 300+",
//   "body <bytes>", "bad A1 <reason>", "too_long A1 <reason> r|u", "fatal <reason>".
// After a command ending in " IDLE" or containing " AUTHENTICATE " it calls expect_line(), as a session would.
class Driver {
 public:
  explicit Driver(Policy policy = Policy::accept) : policy_(policy) {}

  void feed(std::string_view piece) {
    if (dead_) return;
    reader_.feed(piece);
    pump();
  }

  const std::vector<std::string>& events() const { return events_; }
  CommandReader& reader() { return reader_; }

 private:
  void pump() {
    for (;;) {
      if (in_body_) {
        while (reader_.literal_remaining() > 0) {
          auto chunk = reader_.take_literal(7);  // small chunks: bodies cross feed boundaries
          if (chunk.empty()) return;
          body_.append(base::as_chars(chunk));
        }
        events_.push_back("body " + show(body_));
        body_.clear();
        in_body_ = false;
      }
      ReadResult r = reader_.next();
      switch (r.kind) {
        case ReadKind::need_more: return;
        case ReadKind::command: {
          events_.push_back("cmd " + std::string(r.tag) + " " + show(r.line));
          std::string upper(r.line);
          for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          if (upper.ends_with(" IDLE") || upper.find(" AUTHENTICATE ") != std::string::npos) reader_.expect_line();
          break;
        }
        case ReadKind::line: events_.push_back("line " + show(r.line)); break;
        case ReadKind::sync_literal:
        case ReadKind::append_literal: {
          std::string e = r.kind == ReadKind::sync_literal ? "sync " : "append ";
          e += std::string(r.tag) + " " + (r.literal8 ? "~" : "") + std::to_string(r.literal_size);
          if (r.non_sync) e += "+";
          events_.push_back(e);
          if (policy_ == Policy::reject) {
            reader_.reject_literal();
          } else {
            reader_.continue_literal();
            if (r.kind == ReadKind::append_literal) in_body_ = true;
          }
          break;
        }
        case ReadKind::bad: events_.push_back("bad " + std::string(r.tag) + " " + std::string(r.reason)); break;
        case ReadKind::too_long:
          events_.push_back("too_long " + std::string(r.tag) + " " + std::string(r.reason) +
                            (r.recoverable ? " r" : " u"));
          if (!r.recoverable) dead_ = true;
          if (dead_) return;
          break;
        case ReadKind::fatal:
          events_.push_back("fatal " + std::string(r.reason));
          dead_ = true;
          return;
      }
    }
  }

  CommandReader reader_;
  Policy policy_;
  std::vector<std::string> events_;
  bool in_body_ = false;
  std::string body_;
  bool dead_ = false;
};

// Offsets to split an input of n bytes at: every offset for inputs up to 4 KiB; for the large inputs of the limit
// tests (every offset would be quadratic), the offsets near both ends (where the framing decisions are) and about
// 40 spread in between, plus those around the line limit.
inline std::vector<std::size_t> split_points(std::size_t n) {
  const std::size_t edge = n <= 256 * 1024 ? 300 : 40;
  const std::size_t stride = n / 40 + 1;
  std::vector<std::size_t> out;
  for (std::size_t k = 1; k < n; ++k) {
    const bool near_limit = k + 8 >= kMaxLineBytes && k <= kMaxLineBytes + 24;
    if (n <= 4096 || k <= edge || k + edge >= n || k % stride == 0 || near_limit) out.push_back(k);
  }
  return out;
}

// Runs `input` through a fresh Driver: whole, split at every offset, and byte by byte; all must give `expected`.
inline void check_framing(std::string_view input, const std::vector<std::string>& expected,
                          Policy policy = Policy::accept) {
  {
    Driver d(policy);
    d.feed(input);
    BOOST_TEST(d.events() == expected, boost::test_tools::per_element());
  }
  for (std::size_t k : split_points(input.size())) {
    Driver d(policy);
    d.feed(input.substr(0, k));
    d.feed(input.substr(k));
    BOOST_TEST_INFO("split at " << k);
    BOOST_TEST(d.events() == expected, boost::test_tools::per_element());
  }
  Driver d(policy);
  for (char c : input) d.feed(std::string_view(&c, 1));
  BOOST_TEST(d.events() == expected, boost::test_tools::per_element());
}

// One framed command: its line as the reader produced it (literals inline, APPEND placeholders) and the APPEND
// bodies in order. Framed whole, at every split and byte by byte, which must agree.
struct Framed {
  std::string tag;
  std::string line;
  std::vector<std::string> bodies;
};

inline Framed frame_with(std::string_view wire, const std::vector<std::string_view>& pieces) {
  CommandReader reader;
  Framed f;
  std::size_t next_piece = 0;
  std::string body;
  bool in_body = false;
  for (;;) {
    if (in_body) {
      while (reader.literal_remaining() > 0) {
        auto chunk = reader.take_literal(1 << 20);
        if (chunk.empty()) break;
        body.append(base::as_chars(chunk));
      }
      if (reader.literal_remaining() == 0) {
        f.bodies.push_back(body);
        body.clear();
        in_body = false;
        continue;
      }
    } else {
      ReadResult r = reader.next();
      if (r.kind == ReadKind::command) {
        f.tag = r.tag;
        f.line = r.line;
        BOOST_TEST(reader.buffered() == 0u, "trailing bytes after the command in " << brief(wire));
        return f;
      }
      if (r.kind == ReadKind::sync_literal || r.kind == ReadKind::append_literal) {
        reader.continue_literal();
        in_body = r.kind == ReadKind::append_literal;
        continue;
      }
      BOOST_REQUIRE_MESSAGE(r.kind == ReadKind::need_more, "unexpected read result for " << brief(wire));
    }
    BOOST_REQUIRE_MESSAGE(next_piece < pieces.size(), "incomplete command " << brief(wire));
    reader.feed(pieces[next_piece++]);
  }
}

inline Framed frame_one(std::string_view wire) {
  const Framed whole = frame_with(wire, {wire});
  for (std::size_t k : split_points(wire.size())) {
    const Framed f = frame_with(wire, {wire.substr(0, k), wire.substr(k)});
    BOOST_TEST(f.line == whole.line, "split at " << k);
    BOOST_TEST(f.bodies == whole.bodies, boost::test_tools::per_element());
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < wire.size(); ++i) bytes.push_back(wire.substr(i, 1));
  const Framed f = frame_with(wire, bytes);
  BOOST_TEST(f.line == whole.line);
  BOOST_TEST(f.bodies == whole.bodies, boost::test_tools::per_element());
  return whole;
}

// Frames `wire` (which must end in CRLF) and parses it; the parse must succeed.
inline OwnedCommand parse_wire(std::string_view wire) {
  const Framed f = frame_one(wire);
  auto r = Parser::parse_owned(f.line);
  BOOST_REQUIRE_MESSAGE(r.has_value(), "parse failed for " << brief(wire) << ": "
                                                           << (r.has_value() ? "" : r.error().message()));
  BOOST_TEST(r->get().tag == f.tag);
  return std::move(*r);
}

// The command's body as T (the test fails if it is another command).
template <class T>
const T& as(const OwnedCommand& cmd) {
  const T* t = std::get_if<T>(&cmd->body);
  BOOST_REQUIRE_MESSAGE(t != nullptr, "unexpected command type " << cmd->name() << " for " << brief(cmd->line));
  return *t;
}

// A parsed command kept alive together with a pointer to its body as T: `auto l = parse_as<Login>(wire);
// l->user`. (A copy of the body alone would outlive the views it holds.)
template <class T>
class Parsed {
 public:
  explicit Parsed(OwnedCommand c) : cmd_(std::move(c)), body_(&as<T>(cmd_)) {}
  const T* operator->() const { return body_; }
  const T& operator*() const { return *body_; }
  const Command& command() const { return *cmd_; }

 private:
  OwnedCommand cmd_;
  const T* body_;
};

template <class T>
Parsed<T> parse_as(std::string_view wire) {
  return Parsed<T>(parse_wire(wire));
}

// Frames and parses `wire`; parsing must fail with bad_syntax. Returns the detail; checks the tag survives.
inline std::string parse_error(std::string_view wire, std::string_view expected_tag) {
  const Framed f = frame_one(wire);
  BOOST_TEST(f.tag == expected_tag);
  BOOST_TEST(Parser::tag_of(f.line) == expected_tag);
  Parser p;
  auto r = p.parse(f.line);
  BOOST_REQUIRE_MESSAGE(!r.has_value(), "parse unexpectedly succeeded for " << brief(wire));
  BOOST_TEST(r.error().code == base::Errc::bad_syntax);
  return r.error().detail;
}

}  // namespace imap_test
