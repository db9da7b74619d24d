// COMPRESS=DEFLATE (RFC 4978). The codec lives in the network layer (net::Connection::start_deflate, raw deflate
// with Z_SYNC_FLUSH after every write); this handler decides when it may start:
//
// - State: the grammar adds COMPRESS to command-auth (RFC 4978 §5), so it is valid in the authenticated and
//   selected states; before login the session answers BAD like any other command-auth command (RFC 3501 §6.3).
// - Algorithm: only "DEFLATE" (case-insensitive, §5); anything else is "BAD" ("invalid or unknown argument", §3).
// - Already active: "NO [COMPRESSIONACTIVE]", the response §3 prescribes when the server knows the same mechanism is
//   already on (its second example); §3's result list would also allow BAD. Compression is never on at another
//   layer here (TLS compression is off in OpenSSL 3 builds and Sealbox never enables it), so only COMPRESS itself
//   triggers this.
// - Pipelining: "The client MUST NOT send any further commands until it has seen the result of COMPRESS" (§3).
//   Bytes that follow the COMPRESS line already in the command reader cannot be told apart (compressed or not), so
//   when there are any the command is refused with BAD and compression stays off ("If the server response was BAD
//   or NO, the client MUST NOT turn on compression"); the buffered bytes are then read as plain commands. Bytes
//   that arrive after the check are read through the inflater (the connection holds no raw bytes of its own: the
//   session hands every read to the reader), so a client that pipelines anyway is cut off by an inflate error.
// - Order: the tagged OK is written and flushed uncompressed, then compression starts "immediately after the CRLF
//   which ends the tagged OK response" (§3), both ways. No read is in flight here (the session reads only between
//   commands), as start_deflate() requires.
// - CAPABILITY keeps listing COMPRESS=DEFLATE once active: RFC 4978 does not ask to hide it, and a second COMPRESS
//   gets the COMPRESSIONACTIVE answer above.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "imap/commands/commands.h"

namespace imap::commands {

asio::awaitable<void> compress(Session& s, std::string_view tag, const syntax::Compress& cmd) {
  constexpr std::string_view kDeflate = "DEFLATE";
  const bool deflate = std::equal(cmd.mechanism.begin(), cmd.mechanism.end(), kDeflate.begin(), kDeflate.end(),
                                  [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; });
  if (!deflate) co_return s.reply(tag, "BAD", "Unknown compression mechanism (only DEFLATE)");
  if (s.connection->deflate_active()) {
    co_return s.reply(tag, "NO", "DEFLATE active via COMPRESS", "COMPRESSIONACTIVE");
  }
  if (s.reader.buffered() > 0) {
    co_return s.reply(tag, "BAD", "Data sent after COMPRESS before its response (RFC 4978 section 3)");
  }
  // The tag lives in the reader's buffer; nothing reads before the reply is written, so it stays valid.
  s.reply(tag, "OK", "DEFLATE active");
  if (!co_await s.flush()) {
    s.state = session::State::logout;
    co_return;
  }
  if (auto started = s.connection->start_deflate(); !started) {
    // The OK promised compression: the stream cannot go on in either form.
    spdlog::error("session {} user {}: cannot start COMPRESS: {}", s.id, s.user, started.error().message());
    s.state = session::State::logout;
  }
}

}  // namespace imap::commands
