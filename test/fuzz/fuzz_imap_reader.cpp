// libFuzzer target: client bytes in random pieces through CommandReader and Parser, the way a session drives them,
// accepting every literal and streaming APPEND bodies in random chunk sizes. Crashes, sanitizer reports and broken
// invariants (checked below, trapping) are bugs.
//
// Input layout: 4 bytes of seed for the piece and chunk sizes, then the client bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>

#include "imap/syntax/command_reader.h"
#include "imap/syntax/limits.h"
#include "imap/syntax/parser.h"
#include "imap/syntax/response_writer.h"

namespace {

using namespace imap::syntax;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Rng {
  std::uint32_t s;
  std::uint32_t next() {  // xorshift32
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
  std::size_t size(std::size_t max) { return 1 + next() % max; }
};

// What a session does with a complete command: parse it, answer, and copy it when it must outlive the buffer.
void handle_command(const ReadResult& r, Parser& parser, CommandReader& reader, ResponseWriter& w) {
  check(Parser::tag_of(r.line) == r.tag);
  check(r.line.size() <= kMaxLineBytes + kMaxInlineLiteral);  // the reader's memory bound
  auto cmd = parser.parse(r.line);
  if (!cmd) {
    check(cmd.error().code == base::Errc::bad_syntax && !cmd.error().detail.empty());
    w.tagged(r.tag).atom("BAD").text(cmd.error().detail).end();
    return;
  }
  check(cmd->tag == r.tag);
  const OwnedCommand owned = cmd->to_owned();
  check(owned->name() == cmd->name() && owned->tag == cmd->tag);
  if (const auto* a = std::get_if<Append>(&cmd->body)) w.untagged().mailbox(a->mailbox).number(a->messages.size());
  if (const auto* s = std::get_if<Select>(&cmd->body)) w.untagged().astring(s->mailbox).end();
  if (const auto* l = std::get_if<Login>(&cmd->body)) w.untagged().string(l->user).string(l->password).end();
  if (std::holds_alternative<Idle>(cmd->body) || std::holds_alternative<Authenticate>(cmd->body)) {
    reader.expect_line();
  }
  w.tagged(cmd->tag).atom("OK").text(cmd->name()).end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  Rng rng{fdp.ConsumeIntegral<std::uint32_t>() | 1u};
  const std::size_t max_piece = 1 + rng.next() % 64;
  const std::string input = fdp.ConsumeRemainingBytesAsString();

  CommandReader reader;
  Parser parser;
  ResponseWriter writer;
  bool in_body = false;
  std::uint64_t body_left = 0;
  std::size_t pos = 0;
  while (pos < input.size()) {
    const std::size_t n = std::min(rng.size(max_piece), input.size() - pos);
    reader.feed(std::string_view(input).substr(pos, n));
    pos += n;
    for (;;) {
      if (in_body) {
        const base::ByteSpan chunk = reader.take_literal(rng.size(16));
        check(chunk.size() <= body_left);
        body_left -= chunk.size();
        check(reader.literal_remaining() == body_left);
        if (body_left > 0 && chunk.empty()) break;  // need more input
        if (body_left == 0) in_body = false;
        continue;
      }
      const ReadResult r = reader.next();
      if (r.kind == ReadKind::need_more) break;
      switch (r.kind) {
        case ReadKind::command: handle_command(r, parser, reader, writer); break;
        case ReadKind::line: writer.continuation().end(); break;
        case ReadKind::sync_literal:
          check(r.literal_size <= 9999999999u && !r.tag.empty());
          if (!r.non_sync) writer.continuation().text("go ahead").end();
          reader.continue_literal();
          break;
        case ReadKind::append_literal: {
          (void)parser.parse(reader.pending_line());  // a session may look at the APPEND so far
          reader.continue_literal();
          body_left = r.literal_size;
          check(reader.literal_remaining() == body_left);
          in_body = body_left > 0;
          break;
        }
        case ReadKind::bad:
        case ReadKind::too_long:
          writer.tagged(r.tag.empty() ? "*" : r.tag).atom("BAD").text(r.reason).end();
          if (r.kind == ReadKind::too_long && !r.recoverable) return 0;
          break;
        case ReadKind::fatal: return 0;
        case ReadKind::need_more: break;
      }
      if (writer.size() > 1 << 16) writer.clear();
    }
  }
  return 0;
}
