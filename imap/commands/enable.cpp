// ENABLE (RFC 5161). No extension this server offers needs enabling yet (CONDSTORE, QRESYNC and UTF8=ACCEPT are
// not implemented), so every argument is ignored as RFC 5161 §3.1 requires for names that are unknown or not
// enableable, and the answer is an empty "* ENABLED" (§3.2: "may contain no capabilities") then OK.
//
// State: RFC 5161 §3.1 makes ENABLE valid in the authenticated state and forbids clients to send it once a mailbox
// is selected, but says servers "don't have to check": it is accepted in the selected state too (harmless, since
// nothing is enabled). Before login the session answers BAD like any authenticated-state command.
#include "imap/commands/commands.h"

namespace imap::commands {

asio::awaitable<void> enable(Session& s, std::string_view tag, const syntax::Enable& cmd) {
  (void)cmd;  // the parser guarantees at least one capability atom ("ENABLE" alone is BAD)
  s.out.untagged().atom("ENABLED").end();
  s.reply(tag, "OK", "ENABLE completed");
  co_return;
}

}  // namespace imap::commands
