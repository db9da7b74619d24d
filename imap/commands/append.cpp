// APPEND (RFC 3501 §6.3.11), with APPENDUID (RFC 4315) and several messages in one command (RFC 3502 syntax).
// The UTF8 data extension (RFC 6855 §4) only after ENABLE UTF8=ACCEPT (BAD otherwise); every message gets a new
// EMAILID (RFC 8474).
//
// Bodies never pass through the command buffer: for each announced literal the reader hands us the bytes in
// pieces, which go to a staged, encrypted blob file (store::MessageWriter) on the work pool in 256 KiB batches.
// The whole body is also kept in memory until its blob is committed, to compute its MIME structure
// (store::describe_message) once, on the pool. Only when the whole command has arrived are the staged blobs
// indexed, in one AddMessages request, so a multi-message APPEND is all or nothing. A client that disconnects or sends a bad command leaves no files behind.
//
// BINARY (RFC 3516 §4.4): a body sent as a literal8 "~{n}" may hold NUL and any other octet; like every body it
// is stored byte for byte (no CTE is changed), and FETCH BINARY[] gives it back in a literal8. A NUL inside an
// ordinary "{n}" literal breaks the grammar (RFC 9051 §9: literal is *CHAR8), but no RFC requires a server to
// refuse it (RFC 9051 §4.3.1 puts the duty to encode binary data on the client), so it is accepted and stored the
// same way: refusing would lose mail that clients without BINARY have always been able to store here.
#include <asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "actors/runtime/actor.h"
#include "imap/commands/commands.h"
#include "imap/commands/flags.h"

namespace imap::commands {
namespace {

using asio::use_awaitable;
constexpr std::size_t kPoolBatch = 256 * 1024;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The body being staged, shared with the pool jobs that write it (the session awaits each job).
struct Staging {
  std::optional<store::MessageWriter> writer;
  base::Bytes body;         // every byte received so far
  std::size_t written = 0;  // of which this many are in the writer
  std::shared_ptr<const store::MessageStructure> structure;
};

}  // namespace

void abandon_append(Session& s) {
  if (!s.append) return;
  if (s.account && !s.append->staged.empty()) {
    // Unlinking is disk work: the pool does it.
    s.server.pool().schedule([paths = s.account->paths(), staged = std::move(s.append->staged)] {
      for (const auto& m : staged) std::filesystem::remove(paths.blob(m.blob_id));
    });
  }
  s.append.reset();
}

asio::awaitable<void> append_body(Session& s, const syntax::ReadResult& r) {
  std::string tag(r.tag.empty() ? "*" : r.tag);
  auto refuse = [&](std::string_view status, std::string_view text, std::string_view code) {
    s.reply(tag, status, text, code);
    s.reader.reject_literal();
    abandon_append(s);
  };
  if (s.state == session::State::not_authenticated) co_return refuse("BAD", "Log in first", "");
  const auto max = s.server.config().imap.max_message_bytes;
  if (r.literal_size > max) co_return refuse("NO", "Message larger than " + std::to_string(max) + " bytes", "TOOBIG");
  // The APPEND so far, up to this body. A body sent as "UTF8 (~{n})" (RFC 6855 §4) has its ")" after the bytes:
  // the line is closed here so that it parses.
  syntax::Parser parser;
  auto partial = parser.parse(s.reader.pending_line());
  std::string closed;
  if (!partial && r.literal8) {
    closed = std::string(s.reader.pending_line()) + ")";
    if (auto retry = parser.parse(closed)) partial = std::move(retry);
  }
  const auto* cmd = partial ? std::get_if<syntax::Append>(&partial->body) : nullptr;
  if (cmd == nullptr) co_return refuse("BAD", partial ? "Expected APPEND" : partial.error().detail, "");
  // RFC 6855 §4: the UTF8 data extension belongs to UTF8=ACCEPT, which the client must have enabled (§3).
  if (cmd->messages.back().utf8 && !s.out.utf8_accept()) {
    co_return refuse("BAD", "APPEND UTF8 requires ENABLE UTF8=ACCEPT", "");
  }
  if (!s.append) {
    // The first body: find the target mailbox before accepting any bytes (RFC 3501: NO [TRYCREATE] if missing).
    auto name = s.decode_mailbox(cmd->mailbox);
    if (!name) co_return refuse("NO", name.error().detail, "CANNOT");
    auto request = actors::OpenMailbox{*name, {}};
    auto target = co_await s.account->ask(std::move(request), use_awaitable);
    if (!target) {
      if (target.error().code == base::Errc::no_such_mailbox) co_return refuse("NO", "No such mailbox", "TRYCREATE");
      s.reply_error(tag, target.error());
      s.reader.reject_literal();
      co_return;
    }
    s.append = session::AppendInProgress{tag, std::move(*target), {}, std::nullopt};
  }
  if (!r.non_sync) {
    s.out.continuation().text("Ready for literal data").end();
    if (!co_await s.flush()) co_return;
  }
  s.reader.continue_literal();

  auto staging = std::make_shared<Staging>();
  auto paths = s.account->paths();
  auto keys = s.account->keys();
  using Job = actors::UniqueFunction<base::Status()>;
  auto run = [&](Job& job) {
    return actors::run_on_pool<base::Status>(s.server.pool(), std::move(job), use_awaitable);
  };
  Job start_job = [staging, paths, max]() -> base::Status {
    SB_TRY(auto writer, store::MessageWriter::for_owner(paths, max));
    staging->writer.emplace(std::move(writer));
    return base::ok();
  };
  base::Status started = co_await run(start_job);
  staging->body.reserve(r.literal_size);
  auto write_pending = [staging]() -> base::Status {
    auto status = staging->writer->write(base::ByteSpan(staging->body).subspan(staging->written));
    staging->written = staging->body.size();
    return status;
  };
  // After a failure the bytes are still read and dropped, so the command stays framed; it is answered once, when
  // its last line arrives.
  base::Status status = s.append->failure ? base::Status(*s.append->failure) : started;
  while (s.reader.literal_remaining() > 0) {
    auto chunk = s.reader.take_literal(kPoolBatch);
    if (chunk.empty()) {
      if (!co_await s.read_more()) {  // the client went away mid-body: the staged file is deleted with staging
        abandon_append(s);
        s.state = session::State::logout;
        co_return;
      }
      continue;
    }
    if (!status) continue;
    staging->body.insert(staging->body.end(), chunk.begin(), chunk.end());
    if (staging->body.size() - staging->written >= kPoolBatch) {
      Job write_job = write_pending;
      status = co_await run(write_job);
    }
  }
  if (status && staging->written < staging->body.size()) {
    Job write_job = write_pending;
    status = co_await run(write_job);
  }
  std::string id = store::new_object_id();
  if (status) {
    Job commit_job = [staging, paths, id]() -> base::Status {
      auto target = paths.blob(id);
      SB_CHECK(store::make_dirs(target.parent_path(), true));
      SB_CHECK(staging->writer->commit(target));
      SB_CHECK(store::fsync_dir(target.parent_path()));
      staging->structure = store::describe_message(base::as_chars(staging->body));
      return base::ok();
    };
    status = co_await run(commit_job);
  }
  if (!status) {
    if (!s.append->failure) spdlog::error("session {}: staging an APPEND failed: {}", s.id, status.error().message());
    s.append->failure = status.error();
    co_return;
  }
  s.append->staged.push_back(
      {id, keys->wrap_dek(staging->writer->dek(), id), staging->writer->size(), 0, {}, std::move(staging->structure),
       store::new_email_id()});
}

asio::awaitable<void> append(Session& s, std::string_view tag, const syntax::Append& cmd) {
  if (!s.append) co_return s.reply(tag, "BAD", "APPEND without a message");
  if (s.append->failure) {
    auto failure = std::move(*s.append->failure);
    abandon_append(s);
    co_return s.reply_error(tag, failure);
  }
  if (cmd.messages.size() != s.append->staged.size()) {
    abandon_append(s);
    co_return s.reply(tag, "BAD", "APPEND messages do not match their bodies");
  }
  auto messages = std::move(s.append->staged);
  s.append->staged.clear();
  auto target = std::move(s.append->target);
  s.append.reset();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = cmd.messages[i];
    messages[i].internal_date = m.internal_date ? m.internal_date->unix_time() : now_seconds();
    auto flags = settable_flags(m.flags);
    if (!flags) {
      s.server.pool().schedule([paths = s.account->paths(), messages] {
        for (const auto& staged : messages) std::filesystem::remove(paths.blob(staged.blob_id));
      });
      co_return s.reply(tag, "BAD", "Unknown system flag");
    }
    messages[i].flags = std::move(*flags);
  }
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(m.blob_id);
  auto request2 = actors::AddMessages{s.id, std::move(messages), {}};
  auto added = co_await target->ask(std::move(request2), use_awaitable);
  if (!added) {
    s.server.pool().schedule([paths = s.account->paths(), ids] {
      for (const auto& id : ids) std::filesystem::remove(paths.blob(id));
    });
    co_return s.reply_error(tag, added.error());
  }
  if (s.mailbox == target) s.apply_all_changes();
  // Consecutive UIDs (a MULTIAPPEND) as a range, "4:6", like COPYUID (RFC 4315 uid-set).
  auto uids = syntax::format_runs(syntax::to_runs(added->uids));
  s.out.tagged(tag).atom("OK").open_code("APPENDUID").number(added->uidvalidity).atom(uids).close_code()
      .text("APPEND completed").end();
}

}  // namespace imap::commands
