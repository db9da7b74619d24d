// ImapClient: one benchmark IMAP connection: a TLS stream, a response parser and the selected mailbox's view.
// Every untagged response is applied to the view before the command's tagged response is returned.
// Not thread-safe: one worker thread owns a client.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bench/sealbox_bench/imap_response.h"
#include "bench/sealbox_bench/net_stream.h"
#include "bench/sealbox_bench/state_checker.h"

namespace sealbox_bench {

inline constexpr std::chrono::seconds kCommandTimeout{30};  // a command slower than this is an error

class ImapClient {
 public:
  ImapClient(UserLedger* ledger, std::string name) : view_(ledger, std::move(name)) {}

  // Connects, reads the greeting, logs in, ENABLEs CONDSTORE when offered. "" or an error.
  std::string open(const Endpoint& to, const TlsOptions& tls, const std::string& user, const std::string& password);
  // LOGOUT (best effort) and close.
  void close();
  bool is_open() const { return stream_ != nullptr; }

  // Sends "TAG text" and reads to the tagged line; the tagged response (status "OK"/"NO"/"BAD"), or an error
  // response with status "" and text saying what failed (I/O, timeout, parse, a view inconsistency).
  Response command(const std::string& text);
  // APPEND with a synchronizing literal.
  Response append(const std::string& mailbox, const std::string& message);
  // IDLE: waits for the continuation, then up to `wait` for an untagged response, then DONE. Returns the tagged.
  Response idle(std::chrono::milliseconds wait);

  MailboxView& view() { return view_; }
  bool has(const std::string& capability) const { return caps_.count(capability) != 0; }

 private:
  // Reads responses until the tagged one for `tag` (or a continuation when `until_continuation`).
  Response read_until(const std::string& tag, bool until_continuation, Clock::time_point deadline);
  std::string send(const std::string& bytes);
  Response failure(std::string what);

  std::unique_ptr<NetStream> stream_;
  ImapResponseParser parser_;
  MailboxView view_;
  std::set<std::string> caps_;
  unsigned next_tag_ = 0;
};

// IMAP quoted string.
std::string quote(const std::string& s);

}  // namespace sealbox_bench
