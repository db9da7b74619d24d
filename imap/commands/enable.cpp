// ENABLE (RFC 5161). The enableable extensions: CONDSTORE and QRESYNC (RFC 7162; QRESYNC implies CONDSTORE,
// §3.2.3), UTF8=ACCEPT (RFC 6855 §3) and IMAP4rev2 (RFC 9051 §6.3.1). Unknown names and names that need no
// enabling are ignored (RFC 5161 §3.1). The ENABLED response lists only what this command newly enabled
// (§3.1: "each corresponding ENABLED response SHOULD only contain extensions enabled by the corresponding ENABLE").
//
// State: RFC 5161 §3.1 makes ENABLE valid in the authenticated state and forbids clients to send it once a mailbox
// is selected, but says servers "don't have to check": it is accepted in the selected state too. Before login the
// session answers BAD like any authenticated-state command.
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "imap/commands/commands.h"

namespace imap::commands {

asio::awaitable<void> enable(Session& s, std::string_view tag, const syntax::Enable& cmd) {
  // The names this command turns on, as the client should see them in ENABLED (QRESYNC turns CONDSTORE on too,
  // RFC 7162 §3.2.3, but only names the client gave are listed).
  std::vector<std::string_view> enabled_now;
  bool condstore = false;
  for (auto name : cmd.capabilities) {  // the parser guarantees at least one ("ENABLE" alone is BAD)
    if (base::iequals(name, "CONDSTORE") && !s.enabled.condstore && !condstore) {
      condstore = true;
      enabled_now.push_back("CONDSTORE");
    } else if (base::iequals(name, "QRESYNC") && !s.enabled.qresync) {
      s.enabled.qresync = true;
      condstore = true;
      enabled_now.push_back("QRESYNC");
    } else if (base::iequals(name, "UTF8=ACCEPT") && !s.out.utf8_accept()) {
      s.out.set_utf8_accept(true);
      enabled_now.push_back("UTF8=ACCEPT");
    } else if (base::iequals(name, "IMAP4rev2") && !s.enabled.imap4rev2) {
      s.enabled.imap4rev2 = true;
      s.out.set_utf8_accept(true);  // IMAP4rev2 mailbox names are UTF-8 (RFC 9051 §5.1, Appendix A)
      enabled_now.push_back("IMAP4rev2");
    }
  }
  s.out.untagged().atom("ENABLED");
  for (auto name : enabled_now) s.out.atom(name);
  s.out.end();
  if (condstore) s.enable_condstore();  // "* OK [HIGHESTMODSEQ n]" when a mailbox is selected
  s.reply(tag, "OK", "ENABLE completed");
  co_return;
}

}  // namespace imap::commands
