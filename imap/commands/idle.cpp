// IDLE (RFC 2177): after "+ idling", the session sends each change of the selected mailbox (EXISTS, EXPUNGE, flag
// FETCH) as soon as the mailbox actor posts it, until the client sends DONE. Changes are applied exactly as
// between commands (DESIGN.md §2), so an IDLE-ing client and a polling one see the same sequence.
//
// The wait is `read_more() || wait_for_change()`: whichever completes first cancels the other (a cancelled read
// leaves the connection usable). The connection's idle timeout still applies: RFC 2177 clients re-issue IDLE at
// least every 29 minutes.
#include <asio/experimental/awaitable_operators.hpp>

#include <cctype>

#include "imap/commands/commands.h"

namespace imap::commands {
namespace {

bool is_done(std::string_view line) {
  return line.size() == 4 && std::toupper(static_cast<unsigned char>(line[0])) == 'D' &&
         std::toupper(static_cast<unsigned char>(line[1])) == 'O' &&
         std::toupper(static_cast<unsigned char>(line[2])) == 'N' &&
         std::toupper(static_cast<unsigned char>(line[3])) == 'E';
}

}  // namespace

asio::awaitable<void> idle(Session& s, std::string_view tag) {
  using namespace asio::experimental::awaitable_operators;
  // The tag lives in the reader's buffer, which reading DONE reuses.
  const std::string saved_tag(tag);
  s.out.continuation().text("idling").end();
  s.apply_all_changes();
  if (!co_await s.flush()) co_return;
  s.reader.expect_line();
  while (true) {
    auto r = s.reader.next();
    if (r.kind == syntax::ReadKind::line) {
      if (is_done(r.line)) co_return s.reply(saved_tag, "OK", "IDLE terminated");
      co_return s.reply(saved_tag, "BAD", "Expected DONE");
    }
    if (r.kind != syntax::ReadKind::need_more) {  // a line too long to be DONE
      if (r.kind == syntax::ReadKind::fatal || !r.recoverable) s.state = session::State::logout;
      co_return s.reply(saved_tag, "BAD", "Expected DONE");
    }
    auto woke = co_await (s.read_more() || s.wait_for_change());
    if (woke.index() == 0) {
      if (!std::get<0>(woke)) {  // the client went away, or the idle timeout
        s.state = session::State::logout;
        co_return;
      }
      continue;
    }
    s.apply_all_changes();
    if (!co_await s.flush()) co_return;
  }
}

}  // namespace imap::commands
