#include "imap/syntax/command_reader.h"

#include <algorithm>
#include <cstring>

#include "imap/syntax/cursor.h"
#include "imap/syntax/limits.h"

namespace imap::syntax {
namespace {

// Input bytes already consumed are dropped on feed() once they are at least this many and half the buffer, so a
// long pipeline does not copy the buffer for every command.
constexpr std::size_t kCompactBytes = 4096;

// While skipping a line we keep only its last bytes, enough to see "~{" + digits + "+}" + CR and to tell that a
// count has more than kMaxLiteralDigits digits.
constexpr std::size_t kTailBytes = kMaxLiteralDigits + 22;

}  // namespace

// A literal announcement at the end of a line segment (without its CR).
struct CommandReader::Marker {
  enum class Kind { none, ok, too_long } kind = Kind::none;
  std::uint64_t size = 0;
  bool literal8 = false;
  bool non_sync = false;
  std::size_t start = 0;  // index of "{" or "~" in the segment

  // Parses the end of s. `truncated`: s is only the tail of a longer line (digits may run off its start).
  static Marker find(std::string_view s, bool truncated) {
    Marker m;
    if (s.empty() || s.back() != '}') return m;
    std::size_t i = s.size() - 1;
    if (i > 0 && s[i - 1] == '+') {
      m.non_sync = true;
      --i;
    }
    std::size_t j = i;
    while (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9') --j;
    const std::size_t digits = i - j;
    if (digits == 0) return Marker{};
    if (j == 0) {
      if (truncated) m.kind = Kind::too_long;  // more digits than the tail holds
      return truncated ? m : Marker{};
    }
    if (s[j - 1] != '{') return Marker{};
    m.start = j - 1;
    if (m.start > 0 && s[m.start - 1] == '~') {
      m.literal8 = true;
      --m.start;
    }
    if (digits > kMaxLiteralDigits) {
      m.kind = Kind::too_long;
      return m;
    }
    for (std::size_t k = j; k < i; ++k) m.size = m.size * 10 + static_cast<std::uint64_t>(s[k] - '0');
    m.kind = Kind::ok;
    return m;
  }
};

void CommandReader::feed(base::ByteSpan data) {
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  } else if (pos_ >= kCompactBytes && pos_ * 2 >= in_.size()) {
    in_.erase(0, pos_);
    pos_ = 0;
  }
  in_.append(base::as_chars(data));
}

void CommandReader::reset_command() {
  line_.clear();
  seg_start_ = 0;
  text_bytes_ = 0;
  inline_bytes_ = 0;
  nul_ = false;
  tag_known_ = false;
  tag_.clear();
  is_append_ = false;
  append_args_ = 0;
  raw_ = false;
  pending_ = ReadResult{};
  pending_append_ = false;
}

ReadResult CommandReader::result(ReadKind kind, std::string_view reason) const {
  ReadResult r;
  r.kind = kind;
  r.tag = tag_;
  r.reason = reason;
  return r;
}

ReadResult CommandReader::finish(ReadResult r) {
  finished_ = true;
  return r;
}

ReadResult CommandReader::next() {
  if (finished_) {
    reset_command();
    finished_ = false;
  }
  for (;;) {
    const std::size_t avail = in_.size() - pos_;
    switch (state_) {
      case State::dead:
        return finish(result(ReadKind::fatal, "unrecoverable input"));
      case State::decision:
        return pending_;
      case State::append_body:
        if (remaining_ > 0) {
          // The session called next() instead of take_literal(): the body would be read as commands.
          state_ = State::dead;
          return finish(result(ReadKind::fatal, "internal error"));
        }
        state_ = State::line;
        segment_done();
        break;
      case State::inline_literal: {
        const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(avail, remaining_));
        line_.append(in_, pos_, k);
        pos_ += k;
        remaining_ -= k;
        if (remaining_ > 0) return result(ReadKind::need_more);
        state_ = State::line;
        segment_done();
        break;
      }
      case State::discard_literal: {
        const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(avail, remaining_));
        pos_ += k;
        remaining_ -= k;
        if (remaining_ > 0) return result(ReadKind::need_more);
        state_ = State::discard_line;
        break;
      }
      case State::discard_line: {
        ReadResult fatal;
        if (!discard_line_step(fatal)) return result(ReadKind::need_more);
        if (fatal.kind == ReadKind::fatal) return finish(fatal);
        break;
      }
      case State::line:
        return read_line();
    }
  }
}

ReadResult CommandReader::read_line() {
  if (line_.empty() && raw_next_) {
    raw_ = true;
    raw_next_ = false;
  }
  const char* p = in_.data() + pos_;
  const std::size_t avail = in_.size() - pos_;
  const auto* lf = static_cast<const char*>(std::memchr(p, '\n', avail));
  const std::size_t take = lf != nullptr ? static_cast<std::size_t>(lf - p) : avail;
  const std::size_t room = kMaxLineBytes - text_bytes_;
  if (take > room) {
    // Too long: keep what fits (for the tag), remember the tail (for a {n+} at the end), skip to the line's end.
    line_.append(p, room);
    text_bytes_ += room;
    if (!tag_known_ && seg_start_ == 0) note_tag(line_, false);
    const std::size_t seg_len = line_.size() - seg_start_;
    tail_ = line_.substr(line_.size() - std::min(seg_len, kTailBytes));
    tail_.append(p + room, take - room);
    if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
    pos_ += take;
    state_ = State::discard_line;
    discard_raw_ = raw_;  // a raw line has no literals: skip exactly to its LF
    ReadResult r = result(ReadKind::too_long, "line too long");
    r.recoverable = true;
    return finish(r);
  }
  line_.append(p, take);
  text_bytes_ += take;
  if (std::memchr(p, '\0', take) != nullptr) nul_ = true;
  pos_ += take;
  if (lf == nullptr) return result(ReadKind::need_more);
  ++pos_;  // the LF
  return end_of_line();
}

void CommandReader::note_tag(std::string_view first_segment, bool complete) {
  const std::size_t sp = first_segment.find(' ');
  if (sp == std::string_view::npos && !complete) return;  // the tag may continue: unknown
  tag_known_ = true;
  const std::string_view tag = first_segment.substr(0, sp);
  if (tag.empty() || !std::all_of(tag.begin(), tag.end(), detail::is_tag_char)) return;
  tag_ = std::string(tag);
  if (sp == std::string_view::npos) return;
  // APPEND bodies are streamed, so the reader needs to know the command name (RFC 3501 §6.3.11).
  const std::string_view rest = first_segment.substr(sp + 1);
  if (rest.size() > 7 && detail::iequals(rest.substr(0, 7), "APPEND ")) {
    is_append_ = true;
    append_args_ = sp + 1 + 7;
  }
}

ReadResult CommandReader::drop(ReadKind kind, std::string_view reason, const Marker& m) {
  if (m.kind == Marker::Kind::ok && m.non_sync) {
    // The client sends the literal without waiting: skip it and whatever follows up to the command's end.
    state_ = State::discard_literal;
    remaining_ = m.size;
  } else {
    state_ = State::line;  // a synchronizing literal is never sent: the command ends here
  }
  ReadResult r = result(kind, reason);
  r.recoverable = true;
  return finish(r);
}

ReadResult CommandReader::end_of_line() {
  std::string_view seg = std::string_view(line_).substr(seg_start_);
  const bool cr = !seg.empty() && seg.back() == '\r';
  if (cr) seg.remove_suffix(1);
  if (raw_) {
    if (!cr) return drop(ReadKind::bad, "bare LF", Marker{});
    if (nul_) return drop(ReadKind::bad, "NUL in line", Marker{});
    line_.pop_back();
    ReadResult r = result(ReadKind::line);
    r.tag = {};
    r.line = line_;
    return finish(r);
  }
  if (!tag_known_) note_tag(seg, true);
  const Marker m = Marker::find(seg, false);
  if (m.kind == Marker::Kind::too_long) {
    ReadResult r = result(ReadKind::too_long, "literal size too large");
    r.recoverable = !m.non_sync;  // we cannot know how many bytes a {n+} client is about to send
    state_ = m.non_sync ? State::dead : State::line;
    return finish(r);
  }
  if (!cr) return drop(ReadKind::bad, "bare LF", m);
  if (tag_.empty()) return drop(ReadKind::bad, "missing or invalid tag", m);
  if (nul_) return drop(ReadKind::bad, "NUL in command", m);
  if (m.kind == Marker::Kind::none) {
    line_.pop_back();  // CR
    ReadResult r = result(ReadKind::command);
    r.line = line_;
    return finish(r);
  }
  const bool mailbox_literal = seg_start_ == 0 && m.start == append_args_;
  const bool body = is_append_ && !mailbox_literal;
  if (!body && inline_bytes_ + m.size > kMaxInlineLiteral) return drop(ReadKind::too_long, "literal too large", m);
  line_ += '\n';
  pending_ = result(body ? ReadKind::append_literal : ReadKind::sync_literal);
  pending_.literal_size = m.size;
  pending_.literal8 = m.literal8;
  pending_.non_sync = m.non_sync;
  pending_append_ = body;
  state_ = State::decision;
  return pending_;
}

bool CommandReader::discard_line_step(ReadResult& fatal_out) {
  const char* p = in_.data() + pos_;
  const std::size_t avail = in_.size() - pos_;
  const auto* lf = static_cast<const char*>(std::memchr(p, '\n', avail));
  const std::size_t take = lf != nullptr ? static_cast<std::size_t>(lf - p) : avail;
  if (take >= kTailBytes) {
    tail_.assign(p + take - kTailBytes, kTailBytes);
  } else {
    tail_.append(p, take);
    if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
  }
  pos_ += take;
  if (lf == nullptr) return false;
  ++pos_;
  std::string_view t = tail_;
  if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
  const Marker m = discard_raw_ ? Marker{} : Marker::find(t, tail_.size() == kTailBytes);
  tail_.clear();
  discard_raw_ = false;
  if (m.non_sync && m.kind == Marker::Kind::too_long) {
    state_ = State::dead;
    fatal_out = result(ReadKind::fatal, "literal size too large");
  } else if (m.non_sync && m.kind == Marker::Kind::ok) {
    state_ = State::discard_literal;
    remaining_ = m.size;
  } else {
    state_ = State::line;
  }
  return true;
}

void CommandReader::continue_literal() {
  if (state_ != State::decision) return;
  remaining_ = pending_.literal_size;
  if (pending_append_) {
    state_ = State::append_body;
  } else {
    state_ = State::inline_literal;
    inline_bytes_ += static_cast<std::size_t>(remaining_);
  }
  if (remaining_ == 0) {
    state_ = State::line;
    segment_done();
  }
}

void CommandReader::reject_literal() {
  if (state_ != State::decision) return;
  finished_ = true;
  if (pending_.non_sync) {
    state_ = State::discard_literal;
    remaining_ = pending_.literal_size;
  } else {
    state_ = State::line;
  }
}

base::ByteSpan CommandReader::take_literal(std::size_t max) {
  if (state_ != State::append_body) return {};
  const auto k = static_cast<std::size_t>(std::min<std::uint64_t>({max, in_.size() - pos_, remaining_}));
  const base::ByteSpan out = base::as_bytes(std::string_view(in_).substr(pos_, k));
  pos_ += k;
  remaining_ -= k;
  if (remaining_ == 0) {
    state_ = State::line;
    segment_done();
  }
  return out;
}

std::uint64_t CommandReader::literal_remaining() const { return state_ == State::append_body ? remaining_ : 0; }

}  // namespace imap::syntax
