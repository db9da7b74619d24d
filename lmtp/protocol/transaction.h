// Transaction: the pure state machine of one LMTP session's mail transactions (RFC 2033; RFC 5321 §3.3, §4.1.4;
// RFC 3030 CHUNKING; RFC 1870 SIZE; RFC 6531 SMTPUTF8). It checks the order of commands, keeps the envelope, and
// chooses the replies for protocol errors. It knows nothing of stores or sockets: the session resolves recipients,
// reads message data and delivers, and tells the Transaction how that went.
//
//   Transaction tx(server_name, max_message_bytes);
//   send(replies::greeting(server_name));
//   ... for each parsed command (command.h):
//   Step s = tx.on_command(cmd);
//   switch (s.kind) {
//     case StepKind::reply:     send(s.reply);
//     case StepKind::close:     send(s.reply); close the connection (QUIT)
//     case StepKind::recipient: resolve the RCPT's address (normalize_recipient(), the account exists?), then
//                               send(tx.accept_recipient(address, account)), or send the rejection (reply_for(err))
//                               and tell the Transaction nothing
//     case StepKind::data:      send(s.reply) (354); read the message with a DataDecoder; then
//                               finish(tx.data_complete(d.too_big() ? replies::too_big() : storage_error))
//     case StepKind::chunk:     read s.chunk_size octets (ChunkReader), staging them if s.accept_chunk, else
//                               dropping them; then finish(tx.chunk_complete(storage_error))
//   }
//   finish(c): send c.replies in order; if c.deliver, deliver the message to each of c.deliver->recipients and send
//              one reply per recipient, in that order (RFC 2033 §4.2), e.g. replies::delivered() or reply_for(err).
//
// Rules (503 5.5.1 "bad sequence" unless said otherwise):
//   - MAIL needs LHLO first, and no transaction in progress. LHLO and RSET end any transaction (LHLO acts as RSET,
//     RFC 5321 §4.1.4); HELO/EHLO never parse (command.h). NOOP, HELP, VRFY, RSET and QUIT are valid at any time.
//   - MAIL SIZE=n over max_message_bytes: 552 5.3.4 (RFC 1870). A non-ASCII sender without SMTPUTF8: 550 5.6.7,
//     a non-ASCII recipient without it: 553 5.6.7 (RFC 6531 §3.5).
//   - RCPT needs MAIL, and no BDAT yet in the transaction. Past max_recipients successful RCPTs: 452 4.5.3.
//   - DATA needs at least one successful RCPT (RFC 2033 §4.2), no BDAT before it in the transaction (RFC 3030 §2)
//     and no BODY=BINARYMIME (RFC 3030 §3).
//   - The end of DATA's message, and every BDAT LAST, end the transaction: one reply per successful RCPT, in order.
//   - BDAT without MAIL or without a successful RCPT: one 503 reply, even with LAST. RFC 2033 §4.3 says BDAT LAST
//     then returns zero replies; we send one, as Dovecot does, so a client that waits for a reply does not hang.
//     The chunk's octets are dropped (chunk step with accept_chunk false), as every refused chunk's are (RFC 3030).
//   - A chunk that would take the message over max_message_bytes fails the transaction with 552 5.3.4, as does a
//     failure the session reports for a chunk (its staging failed: e.g. 451 4.3.0). The failed chunk and every later
//     chunk of the transaction are dropped and answered with that same reply (RFC 3030 §2: the client must not send
//     more, but pipelined ones are already on their way), one reply per chunk and one per recipient for BDAT LAST.
//     Repeating the failure, rather than 503, keeps a temporary failure temporary, so the MTA retries. The
//     transaction then ends at BDAT LAST, RSET or LHLO.
//
// Not thread-safe: one per session (session strand only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lmtp/protocol/address.h"
#include "lmtp/protocol/command.h"
#include "lmtp/protocol/limits.h"
#include "lmtp/protocol/reply.h"

namespace lmtp::protocol {

// A successful RCPT.
struct Recipient {
  Address address;      // as the client sent it
  std::string account;  // what the session resolved it to (opaque here)
  friend bool operator==(const Recipient&, const Recipient&) = default;
};

// A complete mail transaction, handed to the session for delivery.
struct Envelope {
  Mail mail;                          // sender (nullopt: "<>"), SIZE, BODY, SMTPUTF8
  // In RCPT order. The same address twice is listed (and replied to) twice, and different addresses may resolve to
  // one account ("alice", "Alice+news"): the session may store the message once per account, but still sends one
  // reply per entry here.
  std::vector<Recipient> recipients;
  bool chunked = false;               // the message came in BDAT chunks
  std::uint64_t chunked_size = 0;     // chunked: octets received in all (for DATA the DataDecoder counts)
};

enum class StepKind {
  reply,      // send `reply`
  close,      // send `reply`, then close the connection
  recipient,  // resolve the RCPT's address, then accept_recipient() or send a rejection
  data,       // send `reply` (354), read the message, then data_complete()
  chunk,      // read chunk_size octets (stage them if accept_chunk), then chunk_complete()
};

struct Step {
  StepKind kind = StepKind::reply;
  Reply reply;
  std::uint64_t chunk_size = 0;
  bool accept_chunk = false;
};

// What to send once DATA's message or a BDAT chunk has been read.
struct Completion {
  std::vector<Reply> replies;       // send these, in order (empty when deliver is set)
  std::optional<Envelope> deliver;  // deliver the message, then send one reply per recipient, in order
};

class Transaction {
 public:
  enum class Phase {
    idle,    // no MAIL yet (or the last transaction ended)
    mail,    // MAIL accepted; RCPTs may follow
    data,    // DATA accepted (354 sent): waiting for data_complete()
    chunks,  // at least one BDAT in this transaction (perhaps failed); more BDATs may follow
  };

  // server_name: for the LHLO and QUIT replies. max_message_bytes: advertised as SIZE, enforced for SIZE= and BDAT
  // (the DataDecoder enforces it for DATA).
  Transaction(std::string server_name, std::uint64_t max_message_bytes, std::size_t max_recipients = kMaxRecipients);

  // Decides what a parsed command does (see the file comment). Must not be called while a DATA message or a BDAT
  // chunk is being read (between a data/chunk step and its completion).
  Step on_command(const Command& command);

  // After a recipient step, once the session has resolved the address to an account: records the recipient and
  // returns its reply (250 2.1.5). A rejected recipient is not reported: the session sends its own reply.
  Reply accept_recipient(Address address, std::string account);

  // After a data step, once the message has been read to its terminator. failure: the reply for every recipient
  // if the message cannot be taken (replies::too_big() when the decoder says too_big(), or a staging error);
  // without it the Completion asks for delivery. The transaction ends either way.
  Completion data_complete(std::optional<Reply> failure = std::nullopt);

  // After a chunk step, once its octets have been read. failure: staging the chunk failed (ignored for a chunk
  // that was not accepted); it fails the transaction (see the file comment).
  Completion chunk_complete(std::optional<Reply> failure = std::nullopt);

  bool greeted() const { return greeted_; }
  Phase phase() const { return phase_; }
  const std::vector<Recipient>& recipients() const { return recipients_; }

 private:
  struct PendingChunk {
    std::uint64_t size = 0;
    bool last = false;
    bool accepted = false;
    std::vector<Reply> replies;  // not accepted: the replies to send once the octets are dropped
    bool ends_transaction = false;
  };

  Step on_mail(const Mail& mail);
  Step on_rcpt(const Rcpt& rcpt);
  Step on_data();
  Step on_bdat(const Bdat& bdat);
  std::vector<Reply> per_recipient(const Reply& r) const { return std::vector<Reply>(recipients_.size(), r); }
  Envelope take_envelope(bool chunked);
  void reset();

  std::string server_name_;
  std::uint64_t max_bytes_;
  std::size_t max_recipients_;

  bool greeted_ = false;
  Phase phase_ = Phase::idle;
  std::optional<Mail> mail_;
  std::vector<Recipient> recipients_;
  std::uint64_t chunk_bytes_ = 0;        // octets of accepted chunks so far
  std::optional<Reply> failure_;         // a chunk failed: the reply for every later chunk of the transaction
  std::optional<PendingChunk> pending_;  // a chunk step awaiting chunk_complete()
};

}  // namespace lmtp::protocol
