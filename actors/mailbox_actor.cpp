#include "actors/mailbox_actor.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "store/fs.h"

namespace actors {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool has_flag(const std::vector<std::string>& flags, std::string_view f) {
  return std::binary_search(flags.begin(), flags.end(), f, std::less<>());
}

std::vector<std::string> apply_op(const std::vector<std::string>& current, FlagOp op,
                                  const std::vector<std::string>& flags) {
  std::set<std::string> out(current.begin(), current.end());
  if (op == FlagOp::replace) out.clear();
  for (const auto& f : flags) {
    if (op == FlagOp::remove) out.erase(f);
    else out.insert(f);
  }
  return {out.begin(), out.end()};
}

base::Error gone() { return base::fail(base::Errc::no_such_mailbox, "mailbox was deleted"); }
base::Error broken() { return base::fail(base::Errc::io, "mailbox storage failed earlier"); }

}  // namespace

MessageSummary MessageSummary::of(const store::MessageMeta& m) {
  return {m.uid, m.modseq, m.flags, m.size, m.internal_date, m.save_date, m.blob_id, m.wrapped_dek, m.structure,
          m.email_id};
}

MailboxActor::MailboxActor(Scheduler& scheduler, std::shared_ptr<void> keep_alive, store::UserPaths paths,
                           std::shared_ptr<const store::Keyring> keys, std::unique_ptr<store::MailboxStore> store)
    : Actor(scheduler), keep_alive_(std::move(keep_alive)), paths_(std::move(paths)), keys_(std::move(keys)),
      store_(std::move(store)), id_(store_->id()) {}

MailboxActor::~MailboxActor() { unlink_blobs(); }

void MailboxActor::handle(MailboxMessage& message) {
  std::visit([this](auto& m) { on(m); }, message);
}

MailboxChanged& MailboxActor::change() {
  if (!pending_change_) pending_change_ = std::make_unique<MailboxChanged>();
  if (!store_->in_batch()) store_->begin_batch();
  return *pending_change_;
}

void MailboxActor::commit_batch() {
  bool committed = true;
  if (store_->in_batch()) {
    auto status = store_->commit_batch();
    if (!status) {
      spdlog::error("mailbox {}: commit failed: {}", id_, status.error().message());
      poison();
      committed = false;
    }
  }
  // Notifications go out before the replies: a session that gets its reply finds the change (its own included)
  // already queued, so it can apply the queue right away and never sees its own change arrive later.
  auto change = std::move(pending_change_);
  if (committed && change) {
    change->highest_modseq = store_->highest_modseq();
    change->uidnext = store_->uidnext();
    std::shared_ptr<const MailboxChanged> shared(std::move(change));
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
      if (auto s = it->second.lock()) {
        s->on_change(shared);
        ++it;
      } else {
        it = subscribers_.erase(it);
      }
    }
  }
  auto replies = std::move(batch_replies_);
  batch_replies_.clear();
  for (auto& reply : replies) reply(committed);
}

void MailboxActor::on(Leave& m) {
  subscribers_.erase(m.session);
  if (subscribers_.empty()) unlink_blobs();
}

void MailboxActor::on(Select& m) {
  if (destroyed_) return m.reply(gone());
  // The snapshot is taken when the batch this request arrived in has committed, right after that batch's
  // notification went out and right before the subscriber is added: it holds every change of the batch (also those
  // handled after this request), and the subscriber is told only of later batches. Taken at the request's own
  // place in the batch instead, a change later in the same batch would be in neither.
  batch_replies_.push_back([this, session = m.session, sub = std::move(m.subscriber), p = std::move(m.reply),
                            vanished_since = m.vanished_since](bool committed) mutable {
    if (!committed) return p(broken());
    SelectReply r;
    r.uidvalidity = store_->uidvalidity();
    r.uidnext = store_->uidnext();
    r.highest_modseq = store_->highest_modseq();
    std::set<std::string> keywords;
    for (const auto& meta : store_->messages()) {
      r.messages.push_back(MessageSummary::of(meta));
      for (const auto& f : meta.flags) {
        if (f.empty() || f[0] != '\\') keywords.insert(f);
      }
    }
    r.keywords.assign(keywords.begin(), keywords.end());
    if (vanished_since) r.vanished = store_->expunged_since(*vanished_since);
    subscribers_[session] = std::move(sub);
    p(std::move(r));
  });
}

void MailboxActor::on(Vanished& m) {
  if (destroyed_) return m.reply(gone());
  // Taken when the batch commits, like Select's snapshot: it covers every expunge the session can have been told of.
  batch_replies_.push_back([this, p = std::move(m.reply), since = m.since](bool committed) mutable {
    committed ? p(store_->expunged_since(since)) : p(broken());
  });
}

void MailboxActor::on(Status& m) {
  if (destroyed_) return m.reply(gone());
  StatusReply r;
  r.messages = static_cast<std::uint32_t>(store_->messages().size());
  r.uidnext = store_->uidnext();
  r.uidvalidity = store_->uidvalidity();
  r.highest_modseq = store_->highest_modseq();
  for (const auto& meta : store_->messages()) {
    if (!has_flag(meta.flags, "\\Seen")) ++r.unseen;
    if (has_flag(meta.flags, "\\Deleted")) ++r.deleted;
    r.size += meta.size;
  }
  batch_replies_.push_back([p = std::move(m.reply), r](bool committed) mutable {
    committed ? p(r) : p(broken());
  });
}

void MailboxActor::on(StoreFlags& m) {
  if (destroyed_) return m.reply(gone());
  if (poisoned()) return m.reply(broken());
  StoreReply r;
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> changes;
  for (auto uid : m.uids) {
    const auto* meta = store_->find(uid);
    if (meta == nullptr) continue;
    if (m.unchanged_since && meta->modseq > *m.unchanged_since) {
      r.modified.push_back(uid);
      continue;
    }
    auto next = apply_op(meta->flags, m.op, m.flags);
    if (next == meta->flags) {
      r.updated.push_back({uid, meta->modseq, meta->flags, m.session});
    } else {
      changes.emplace_back(uid, std::move(next));
    }
  }
  if (!changes.empty()) {
    auto& c = change();
    auto modseq = store_->set_flags(changes);
    if (!modseq) return m.reply(std::move(modseq).error());
    for (auto& [uid, flags] : changes) {
      r.updated.push_back({uid, *modseq, flags, m.session});
      c.flags.push_back({uid, *modseq, flags, m.session});
    }
    std::sort(r.updated.begin(), r.updated.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
  }
  batch_replies_.push_back([p = std::move(m.reply), r = std::move(r)](bool committed) mutable {
    committed ? p(std::move(r)) : p(broken());
  });
}

void MailboxActor::on(Expunge& m) {
  if (destroyed_) return m.reply(gone());
  if (poisoned()) return m.reply(broken());
  if (m.regardless_of_flags && !m.only) {
    return m.reply(base::fail(base::Errc::invalid_argument, "expunge regardless of flags needs a UID set"));
  }
  std::vector<std::uint32_t> uids;
  std::set<std::uint32_t> only;
  if (m.only) only.insert(m.only->begin(), m.only->end());
  for (const auto& meta : store_->messages()) {
    if ((m.regardless_of_flags || has_flag(meta.flags, "\\Deleted")) && (!m.only || only.count(meta.uid))) {
      uids.push_back(meta.uid);
    }
  }
  if (!uids.empty()) {
    auto& c = change();
    auto removed = store_->expunge(uids);
    if (!removed) return m.reply(std::move(removed).error());
    for (auto& meta : *removed) doomed_blobs_.push_back(meta.blob_id);
    c.expunged.insert(c.expunged.end(), uids.begin(), uids.end());
  }
  batch_replies_.push_back([p = std::move(m.reply), uids = std::move(uids)](bool committed) mutable {
    committed ? p(std::move(uids)) : p(broken());
  });
}

void MailboxActor::on(AddMessages& m) {
  if (destroyed_) return m.reply(gone());
  if (poisoned()) return m.reply(broken());
  // Spool imports are retried after a crash: skip what is already indexed.
  std::erase_if(m.messages, [this](const store::NewMessage& n) { return store_->has_blob(n.blob_id); });
  auto& c = change();
  auto uids = store_->add(m.messages, now_seconds());
  if (!uids) return m.reply(std::move(uids).error());
  for (auto uid : *uids) c.added.push_back(MessageSummary::of(*store_->find(uid)));
  batch_replies_.push_back([p = std::move(m.reply), r = AddReply{store_->uidvalidity(), std::move(*uids)}](
                               bool committed) mutable { committed ? p(std::move(r)) : p(broken()); });
}

void MailboxActor::on(CopyOut& m) {
  if (destroyed_) return m.reply(gone());
  std::vector<store::NewMessage> out;
  store::DirSyncer syncer;
  for (auto uid : m.uids) {
    const auto* meta = store_->find(uid);
    if (meta == nullptr) continue;
    // A hard link shares the immutable blob; each mailbox's record names its own link, so expunging one copy
    // never touches another.
    std::string id = store::new_object_id();
    auto target = paths_.blob(id);
    if (auto made = store::make_dirs(target.parent_path(), true); !made) return m.reply(std::move(made).error());
    if (::link(paths_.blob(meta->blob_id).c_str(), target.c_str()) != 0) {
      return m.reply(store::io_error("link", target));
    }
    syncer.add(target.parent_path());
    auto dek = keys_->unwrap_dek(meta->wrapped_dek, meta->blob_id);
    if (!dek) return m.reply(std::move(dek).error());
    // The copy keeps the source's EMAILID (RFC 8474 §5.1: COPY and MOVE keep it).
    out.push_back({id, keys_->wrap_dek(*dek, id), meta->size, meta->internal_date, meta->flags, meta->structure,
                   meta->email_id});
  }
  if (auto synced = syncer.sync(); !synced) return m.reply(std::move(synced).error());
  m.reply(std::move(out));
}

void MailboxActor::on(Destroy& m) {
  destroyed_ = true;
  for (const auto& meta : store_->messages()) doomed_blobs_.push_back(meta.blob_id);
  subscribers_.clear();
  unlink_blobs();
  m.reply(true);
}

void MailboxActor::unlink_blobs() {
  for (const auto& id : doomed_blobs_) ::unlink(paths_.blob(id).c_str());
  doomed_blobs_.clear();
}

}  // namespace actors
