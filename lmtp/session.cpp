#include "lmtp/session.h"

#include <asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/actor.h"
#include "lmtp/protocol/command.h"
#include "lmtp/protocol/data_decoder.h"
#include "lmtp/protocol/line_reader.h"
#include "lmtp/protocol/recipient.h"
#include "lmtp/protocol/reply.h"
#include "lmtp/protocol/transaction.h"
#include "store/delivery.h"
#include "store/layout.h"

namespace lmtp {
namespace {

using namespace protocol;
using asio::use_awaitable;

constexpr std::size_t kReadChunk = 64 * 1024;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The account a recipient address is delivered to, if it exists (a pool job: it looks at the disk).
base::Result<std::string> resolve(const store::Root& root, const Address& address, const config::DeliveryConfig& d) {
  SB_TRY(std::string account, normalize_recipient(address, d));
  SB_CHECK(store::validate_user_name(account));
  SB_TRY(store::UserPaths paths, root.existing_user(account));
  (void)paths;
  return account;
}

// Seals `message` into the spool of each account, in parallel; the result per account, in `accounts` order.
std::vector<base::Status> deliver_all(const store::Root& root, const std::vector<std::string>& accounts,
                                      const std::string& message, std::uint64_t max_bytes) {
  std::vector<base::Status> results(accounts.size());
  const auto now = now_seconds();
  tbb::parallel_for(std::size_t{0}, accounts.size(), [&](std::size_t i) {
    results[i] = [&]() -> base::Status {
      SB_TRY(store::Delivery delivery, store::Delivery::begin(root, accounts[i], {}, now, max_bytes));
      SB_CHECK(delivery.write(base::as_bytes(message)));
      SB_TRY(std::string id, delivery.commit());
      (void)id;
      return base::ok();
    }();
  });
  return results;
}

class Session {
 public:
  Session(Server& server, std::shared_ptr<net::Connection> connection)
      : server_(server),
        c_(std::move(connection)),
        id_(server.next_session_id()),
        root_(server.config().root),
        tx_(server_name(), server.config().lmtp.max_message_bytes),
        buf_(kReadChunk) {}

  asio::awaitable<void> run() {
    c_->set_idle_timeout(Server::kIdleTimeout);
    send(replies::greeting(server_name()));
    while (true) {
      auto r = reader_.next();
      if (r.kind == LineKind::need_more) {
        // Pipelining (RFC 2920): replies are written when the client has nothing more for us to read.
        if (!co_await flush() || !co_await read_more()) break;
        continue;
      }
      if (r.kind == LineKind::too_long) {
        send(replies::line_too_long());
        continue;
      }
      auto parsed = parse_command(r.line);
      if (!parsed) {
        const CommandError error = parsed.error();
        if (error.discard > 0 && !co_await read_chunk(error.discard, false)) break;
        send(error.reply);
        if (error.close) break;
        continue;
      }
      const Command command = *std::move(parsed);
      if (std::holds_alternative<Mail>(command)) message_.clear();
      Step step = tx_.on_command(command);
      if (step.kind == StepKind::reply) {
        send(step.reply);
      } else if (step.kind == StepKind::close) {
        send(step.reply);
        break;
      } else if (step.kind == StepKind::recipient) {
        co_await recipient(std::get<Rcpt>(command).to);
      } else if (step.kind == StepKind::data) {
        send(step.reply);
        if (!co_await flush()) break;
        DataDecoder decoder(server_.config().lmtp.max_message_bytes);
        if (!co_await read_data(decoder)) co_return;  // the client went away mid-message: nothing was stored
        std::optional<Reply> failure;
        if (decoder.too_big()) failure = replies::too_big();
        co_await finish(tx_.data_complete(failure));
      } else {  // chunk
        if (!co_await read_chunk(step.chunk_size, step.accept_chunk)) co_return;
        co_await finish(tx_.chunk_complete());
      }
    }
    if (c_->timed_out()) send(replies::timeout());
    co_await flush();
    co_await c_->close();
  }

 private:
  std::string server_name() const { return "sealbox"; }

  void send(const Reply& reply) { reply.append_to(out_); }

  asio::awaitable<bool> flush() {
    if (out_.empty()) co_return true;
    auto bytes = std::move(out_);
    out_.clear();
    co_return co_await c_->write(base::as_bytes(bytes));
  }

  asio::awaitable<bool> read_more() {
    std::size_t n = co_await c_->read_some(buf_);
    if (n == 0) co_return false;
    reader_.feed(std::string_view(reinterpret_cast<const char*>(buf_.data()), n));
    co_return true;
  }

  // Reads DATA's message up to its terminator into message_. False if the connection ended first.
  asio::awaitable<bool> read_data(DataDecoder& decoder) {
    while (true) {
      auto progress = decoder.feed(reader_.buffered(), message_);
      reader_.consume(progress.consumed);
      if (progress.done) co_return true;
      if (!co_await read_more()) co_return false;
    }
  }

  // Reads `size` octets (a BDAT chunk), appending them to message_ when `keep`. False if the connection ended first.
  asio::awaitable<bool> read_chunk(std::uint64_t size, bool keep) {
    ChunkReader chunk(size);
    while (true) {
      auto piece = chunk.take(reader_.buffered());
      if (keep) message_.append(piece);
      reader_.consume(piece.size());
      if (chunk.done()) co_return true;
      if (!co_await read_more()) co_return false;
    }
  }

  asio::awaitable<void> recipient(const Address& address) {
    auto job = [root = root_, address, delivery = server_.config().delivery] {
      return resolve(root, address, delivery);
    };
    auto account = co_await actors::run_on_pool<base::Result<std::string>>(server_.pool(), std::move(job),
                                                                          use_awaitable);
    if (!account) {
      if (account.error().code != base::Errc::no_such_user && account.error().code != base::Errc::invalid_argument &&
          account.error().code != base::Errc::not_found) {
        spdlog::error("lmtp {}: recipient lookup failed: {}", id_, account.error().message());
      }
      co_return send(reply_for(account.error()));
    }
    send(tx_.accept_recipient(address, std::move(*account)));
  }

  asio::awaitable<void> finish(Completion completion) {
    for (const auto& reply : completion.replies) send(reply);
    if (completion.deliver) {
      auto replies = co_await deliver(*completion.deliver);
      for (const auto& reply : replies) send(reply);
    }
    // A BDAT chunk that is not the last leaves the transaction open: keep what the chunks have brought so far.
    if (tx_.phase() != Transaction::Phase::chunks) message_.clear();
  }

  // Stores the message once per distinct account and returns one reply per recipient, in RCPT order.
  asio::awaitable<std::vector<Reply>> deliver(const Envelope& envelope) {
    std::vector<std::string> accounts;
    std::map<std::string, std::size_t> index;
    for (const auto& r : envelope.recipients) {
      if (index.emplace(r.account, accounts.size()).second) accounts.push_back(r.account);
    }
    auto message = std::make_shared<const std::string>(std::move(message_));
    message_.clear();
    auto job = [root = root_, accounts, message, max = server_.config().lmtp.max_message_bytes] {
      return deliver_all(root, accounts, *message, max);
    };
    auto results = co_await actors::run_on_pool<std::vector<base::Status>>(server_.pool(), std::move(job),
                                                                           use_awaitable);
    std::vector<Reply> replies;
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      if (results[i]) {
        server_.registry().delivered(accounts[i]);  // an open account imports it now
      } else {
        spdlog::error("lmtp {}: delivery to {} failed: {}", id_, accounts[i], results[i].error().message());
      }
    }
    for (const auto& r : envelope.recipients) {
      const auto& status = results[index[r.account]];
      replies.push_back(status ? replies::delivered() : reply_for(status.error()));
    }
    co_return replies;
  }

  Server& server_;
  std::shared_ptr<net::Connection> c_;
  std::uint64_t id_;
  store::Root root_;
  LineReader reader_;
  Transaction tx_;
  std::string out_;
  std::string message_;
  std::vector<std::uint8_t> buf_;
};

}  // namespace

Server::Server(actors::Registry& registry, actors::Scheduler& pool, const config::Config& config)
    : registry_(registry), pool_(pool), config_(config) {}

asio::awaitable<void> Server::serve(std::shared_ptr<net::Connection> connection) {
  Session session(*this, std::move(connection));
  co_await session.run();
}

}  // namespace lmtp
