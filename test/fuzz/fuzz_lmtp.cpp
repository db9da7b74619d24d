// libFuzzer target: client bytes through the LMTP protocol layer (lmtp/protocol/), the way a session drives it.
// Crashes, sanitizer reports and broken invariants (checked below, trapping) are bugs.
//
// Two passes over each input:
//   1. DataDecoder alone, the input fed in random chunk sizes (and a random size limit), checked against a simple
//      reference un-stuffing: message, done, too_big, decoded size and where the input was cut.
//   2. A whole session: LineReader fed in random pieces, parse_command() on every line, the Transaction deciding,
//      recipients resolved with normalize_recipient(), DATA decoded (and again checked against the reference on
//      exactly the octets it consumed), BDAT chunks counted out; every reply checked for wire well-formedness and
//      RFC 2033's reply counts.
//
// Input layout: 4 bytes of seed for the piece sizes and limits, then the client bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "config/config.h"
#include "lmtp/protocol/address.h"
#include "lmtp/protocol/command.h"
#include "lmtp/protocol/data_decoder.h"
#include "lmtp/protocol/limits.h"
#include "lmtp/protocol/line_reader.h"
#include "lmtp/protocol/recipient.h"
#include "lmtp/protocol/reply.h"
#include "lmtp/protocol/transaction.h"

namespace {

using namespace lmtp::protocol;

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

// What the reference says `in` decodes to.
struct Expected {
  std::string message;
  bool done = false;
  std::size_t consumed = 0;  // when done: input octets up to and including the terminator
  std::uint64_t size = 0;
};

// The reference: the data starts at a line start; lines end at CRLF only; the first line that is exactly "." ends
// it; every other line loses a leading ".". Unfinished, the decoder holds back a "." starting the last line and a
// CR right after it.
Expected reference(std::string_view in) {
  Expected e;
  const std::string framed = "\r\n" + std::string(in);
  const std::size_t end = framed.find("\r\n.\r\n");
  e.done = end != std::string::npos;
  const std::string_view body = e.done ? std::string_view(framed).substr(2, end) : std::string_view(framed).substr(2);
  for (std::size_t pos = 0; pos < body.size();) {
    const std::size_t eol = body.find("\r\n", pos);
    const std::size_t next = eol == std::string_view::npos ? body.size() : eol + 2;
    std::string_view line = body.substr(pos, next - pos);
    if (line.starts_with('.')) line.remove_prefix(1);
    e.message += line;
    pos = next;
  }
  if (!e.done && framed.ends_with("\r\n.\r")) e.message.pop_back();
  e.size = e.message.size();
  e.consumed = e.done ? end + 3 : in.size();
  return e;
}

void check_decoded(const Expected& e, const std::string& out, const DataDecoder& d, std::uint64_t max) {
  check(d.done() == e.done);
  check(d.decoded_size() == e.size);
  check(d.too_big() == (e.size > max));
  check(out == (d.too_big() ? e.message.substr(0, static_cast<std::size_t>(max)) : e.message));
}

// Pass 1: the decoder alone.
void decode_pass(std::string_view input, Rng& rng) {
  const std::uint64_t max = rng.next() % 4 == 0 ? rng.next() % 64 : UINT64_MAX;
  const std::size_t max_piece = 1 + rng.next() % 32;
  DataDecoder d(max);
  std::string out;
  std::size_t pos = 0;
  while (pos < input.size() && !d.done()) {
    const std::size_t n = std::min(rng.size(max_piece), input.size() - pos);
    const auto p = d.feed(input.substr(pos, n), out);
    check(p.consumed <= n && p.done == d.done());
    check(p.done || p.consumed == n);
    pos += p.consumed;
  }
  const Expected e = reference(input);
  check(pos == e.consumed);
  check_decoded(e, out, d, max);
}

void check_reply(const Reply& r) {
  check(r.code >= 200 && r.code <= 599);
  if (!r.enhanced.empty()) check(r.enhanced[0] == static_cast<char>('0' + r.code / 100));
  const std::string w = r.wire();
  check(w.size() >= 5 && w.ends_with("\r\n"));
  std::size_t lines = 0;
  for (std::size_t pos = 0; pos < w.size();) {
    const std::size_t eol = w.find("\r\n", pos);
    check(eol != std::string::npos && eol + 2 <= pos + kMaxReplyLineBytes);
    const std::string_view line = std::string_view(w).substr(pos, eol - pos);
    check(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
    check(line.substr(0, 3) == std::to_string(r.code));
    ++lines;
    pos = eol + 2;
  }
  check(lines == 1 + r.more.size());
}

// Pass 2: a whole session.
class Session {
 public:
  explicit Session(Rng& rng)
      : rng_(rng),
        max_(rng.next() % 2 ? 1 + rng.next() % 200 : config::kDefaultMaxMessageBytes),
        tx_("mx.fuzz", max_, 1 + rng.next() % 8) {
    if (rng.next() % 2) delivery_.local_domains = {"example.org"};
    delivery_.ignore_dots = rng.next() % 2;
  }

  void feed(std::string_view piece) {
    if (closed_) return;
    reader_.feed(piece);
    pump();
  }

 private:
  enum class Mode { commands, data, chunk };

  void pump() {
    while (!closed_) {
      switch (mode_) {
        case Mode::commands: {
          const LineResult r = reader_.next();
          if (r.kind == LineKind::need_more) return;
          if (r.kind == LineKind::too_long) {
            check_reply(replies::line_too_long());
            break;
          }
          check(r.line.size() + 2 <= kMaxPathCommandLineBytes);
          command(r.line);
          break;
        }
        case Mode::data: {
          // Random sub-pieces of what is buffered, so the decoder sees splits the reader did not make.
          const std::string_view avail = reader_.buffered();
          const std::string_view piece = avail.substr(0, std::min(avail.size(), rng_.size(64)));
          const auto p = decoder_->feed(piece, message_);
          raw_.append(piece.substr(0, p.consumed));
          reader_.consume(p.consumed);
          if (!p.done) {
            if (reader_.buffered().empty()) return;
            break;
          }
          const Expected e = reference(raw_);
          check(e.done && e.consumed == raw_.size());
          check_decoded(e, message_, *decoder_, max_);
          const std::size_t n = tx_.recipients().size();
          const Completion c = tx_.data_complete(decoder_->too_big() ? std::optional<Reply>(replies::too_big())
                                                                     : std::nullopt);
          finish(c, n, true);
          break;
        }
        case Mode::chunk: {
          const std::string_view piece = chunk_->take(reader_.buffered());
          reader_.consume(piece.size());
          if (!chunk_->done()) return;
          const std::size_t n = tx_.recipients().size();
          const bool fail = rng_.next() % 16 == 0;
          const Completion c = tx_.chunk_complete(fail ? std::optional<Reply>(replies::temporary_failure())
                                                       : std::nullopt);
          finish(c, n, last_);
          break;
        }
      }
    }
  }

  void command(std::string_view line) {
    const ParseResult cmd = parse_command(line);
    if (!cmd) {
      const CommandError& e = cmd.error();
      check_reply(e.reply);
      check(e.reply.code >= 500 && e.reply.more.empty());
      check(!(e.close && e.discard > 0));
      if (e.close) closed_ = true;
      if (e.discard > 0) {
        chunk_.emplace(e.discard);
        mode_ = Mode::chunk;
        discarding_ = true;
      }
      return;
    }
    if (const auto* r = std::get_if<Rcpt>(&*cmd)) {
      // to_string() gives back the same address.
      const auto again = parse_mailbox(r->to.to_string(), true);
      check(again && again->local == r->to.local && again->domain == r->to.domain);
    }
    if (const auto* b = std::get_if<Bdat>(&*cmd)) last_ = b->last;
    const std::size_t before = tx_.recipients().size();
    const Step s = tx_.on_command(*cmd);
    switch (s.kind) {
      case StepKind::reply: check_reply(s.reply); break;
      case StepKind::close:
        check_reply(s.reply);
        closed_ = true;
        break;
      case StepKind::recipient: {
        const Address& to = std::get<Rcpt>(*cmd).to;
        auto account = normalize_recipient(to, delivery_);
        if (account && (account->empty() || rng_.next() % 8 == 0)) {
          account = base::fail(base::Errc::no_such_user, "");
        }
        if (account) {
          check_reply(tx_.accept_recipient(to, *account));
          check(tx_.recipients().size() == before + 1);
        } else {
          check_reply(reply_for(account.error()));
        }
        break;
      }
      case StepKind::data:
        check(s.reply.code == 354 && before > 0);
        decoder_.emplace(max_);
        message_.clear();
        raw_.clear();
        mode_ = Mode::data;
        break;
      case StepKind::chunk:
        check(s.chunk_size == std::get<Bdat>(*cmd).size);
        chunk_.emplace(s.chunk_size);
        discarding_ = false;
        mode_ = Mode::chunk;
        break;
    }
  }

  // n: successful RCPTs before the message ended; ends_message: DATA's end or BDAT LAST.
  void finish(const Completion& c, std::size_t n, bool ends_message) {
    mode_ = Mode::commands;
    if (discarding_) {  // a BDAT line that did not parse: no Transaction involved
      discarding_ = false;
      return;
    }
    for (const Reply& r : c.replies) check_reply(r);
    if (c.deliver) {
      check(ends_message && c.replies.empty() && c.deliver->recipients.size() == n && n > 0);
      check(tx_.phase() == Transaction::Phase::idle && tx_.recipients().empty());
    } else if (ends_message && n > 0) {
      check(c.replies.size() == n);  // one reply per successful RCPT (RFC 2033 §4.2, §4.3)
    } else {
      check(c.replies.size() == 1);
    }
  }

  Rng& rng_;
  std::uint64_t max_;
  Transaction tx_;
  config::DeliveryConfig delivery_;
  LineReader reader_;
  Mode mode_ = Mode::commands;
  std::optional<DataDecoder> decoder_;
  std::optional<ChunkReader> chunk_;
  bool last_ = false;
  bool discarding_ = false;
  std::string message_;
  std::string raw_;
  bool closed_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  Rng rng{fdp.ConsumeIntegral<std::uint32_t>() | 1u};
  const std::string input = fdp.ConsumeRemainingBytesAsString();

  decode_pass(input, rng);

  Session session(rng);
  const std::size_t max_piece = 1 + rng.next() % 64;
  for (std::size_t pos = 0; pos < input.size();) {
    const std::size_t n = std::min(rng.size(max_piece), input.size() - pos);
    session.feed(std::string_view(input).substr(pos, n));
    pos += n;
  }
  return 0;
}
