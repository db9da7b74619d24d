#include "lmtp/protocol/transaction.h"

#include <cassert>
#include <utility>

namespace lmtp::protocol {
namespace {

Step reply(Reply r) { return Step{StepKind::reply, std::move(r), 0, false}; }

}  // namespace

Transaction::Transaction(std::string server_name, std::uint64_t max_message_bytes, std::size_t max_recipients)
    : server_name_(std::move(server_name)), max_bytes_(max_message_bytes), max_recipients_(max_recipients) {}

void Transaction::reset() {
  phase_ = Phase::idle;
  mail_.reset();
  recipients_.clear();
  chunk_bytes_ = 0;
  failure_.reset();
  pending_.reset();
}

Envelope Transaction::take_envelope(bool chunked) {
  Envelope e{std::move(*mail_), std::move(recipients_), chunked, chunked ? chunk_bytes_ : 0};
  reset();
  return e;
}

Step Transaction::on_command(const Command& command) {
  // The session must finish reading DATA's message or a chunk first; a call now is a bug in the caller.
  assert(phase_ != Phase::data && !pending_);
  if (phase_ == Phase::data || pending_) return reply(replies::bad_sequence("Message data expected"));

  if (std::holds_alternative<Lhlo>(command)) {
    reset();
    greeted_ = true;
    return reply(replies::lhlo(server_name_, max_bytes_));
  }
  if (const auto* m = std::get_if<Mail>(&command)) return on_mail(*m);
  if (const auto* r = std::get_if<Rcpt>(&command)) return on_rcpt(*r);
  if (std::holds_alternative<Data>(command)) return on_data();
  if (const auto* b = std::get_if<Bdat>(&command)) return on_bdat(*b);
  if (std::holds_alternative<Rset>(command)) {
    reset();
    return reply(replies::ok());
  }
  if (std::holds_alternative<Noop>(command)) return reply(replies::ok());
  if (std::holds_alternative<Quit>(command)) return Step{StepKind::close, replies::quit(server_name_), 0, false};
  if (std::holds_alternative<Vrfy>(command)) return reply(replies::vrfy());
  return reply(replies::help());
}

Step Transaction::on_mail(const Mail& mail) {
  if (!greeted_) return reply(replies::bad_sequence("Send LHLO first"));
  if (phase_ != Phase::idle) return reply(replies::bad_sequence("Sender already specified"));
  if (mail.size && *mail.size > max_bytes_) return reply(replies::too_big());
  if (mail.from && mail.from->utf8() && !mail.smtputf8) return reply(replies::sender_needs_smtputf8());
  mail_ = mail;
  phase_ = Phase::mail;
  return reply(replies::sender_ok());
}

Step Transaction::on_rcpt(const Rcpt& rcpt) {
  if (phase_ == Phase::idle) return reply(replies::bad_sequence("Send MAIL first"));
  if (phase_ != Phase::mail) return reply(replies::bad_sequence("RCPT not allowed after BDAT"));
  if (recipients_.size() >= max_recipients_) return reply(replies::too_many_recipients());
  if (rcpt.to.utf8() && !mail_->smtputf8) return reply(replies::recipient_needs_smtputf8());
  return Step{StepKind::recipient, {}, 0, false};
}

Reply Transaction::accept_recipient(Address address, std::string account) {
  assert(phase_ == Phase::mail && recipients_.size() < max_recipients_);
  if (phase_ != Phase::mail) return replies::bad_sequence("Send MAIL first");
  if (recipients_.size() >= max_recipients_) return replies::too_many_recipients();
  recipients_.push_back(Recipient{std::move(address), std::move(account)});
  return replies::recipient_ok();
}

Step Transaction::on_data() {
  if (phase_ == Phase::idle) return reply(replies::bad_sequence("Send MAIL first"));
  if (phase_ == Phase::chunks) return reply(replies::bad_sequence("DATA not allowed after BDAT"));
  if (mail_->body == BodyType::binary_mime) return reply(replies::bad_sequence("BODY=BINARYMIME requires BDAT"));
  if (recipients_.empty()) return reply(replies::bad_sequence("No valid recipients"));
  phase_ = Phase::data;
  return Step{StepKind::data, replies::start_data(), 0, false};
}

Step Transaction::on_bdat(const Bdat& bdat) {
  PendingChunk p;
  p.size = bdat.size;
  p.last = bdat.last;
  if (phase_ == Phase::idle) {
    p.replies = {replies::bad_sequence("Send MAIL first")};
  } else if (recipients_.empty()) {
    p.replies = {replies::bad_sequence("No valid recipients")};
    p.ends_transaction = bdat.last;
  } else {
    phase_ = Phase::chunks;
    // Saturating: chunk_bytes_ <= max_bytes_ always holds, so this cannot overflow.
    if (!failure_ && bdat.size > max_bytes_ - chunk_bytes_) failure_ = replies::too_big();
    if (failure_) {
      p.replies = bdat.last ? per_recipient(*failure_) : std::vector<Reply>{*failure_};
      p.ends_transaction = bdat.last;
    } else {
      p.accepted = true;
    }
  }
  const bool accepted = p.accepted;
  pending_ = std::move(p);
  return Step{StepKind::chunk, {}, bdat.size, accepted};
}

Completion Transaction::data_complete(std::optional<Reply> failure) {
  assert(phase_ == Phase::data);
  if (phase_ != Phase::data) return Completion{};
  if (failure) {
    Completion c{per_recipient(*failure), std::nullopt};
    reset();
    return c;
  }
  return Completion{{}, take_envelope(false)};
}

Completion Transaction::chunk_complete(std::optional<Reply> failure) {
  assert(pending_);
  if (!pending_) return Completion{};
  PendingChunk p = std::move(*pending_);
  pending_.reset();
  if (!p.accepted) {
    if (p.ends_transaction) reset();
    return Completion{std::move(p.replies), std::nullopt};
  }
  if (failure) {
    failure_ = std::move(failure);
    Completion c{p.last ? per_recipient(*failure_) : std::vector<Reply>{*failure_}, std::nullopt};
    if (p.last) reset();
    return c;
  }
  chunk_bytes_ += p.size;
  if (!p.last) return Completion{{replies::chunk_ok(p.size)}, std::nullopt};
  return Completion{{}, take_envelope(true)};
}

}  // namespace lmtp::protocol
