// MailboxActor: one per open mailbox; the only writer of that mailbox (DESIGN.md §2).
//
// It owns the mailbox's MailboxStore and its subscribers. Each drain handles a batch of requests, applies them to
// memory, commits them with one journal append and fdatasync (group commit), then posts one MailboxChanged to every
// live subscriber, then replies — so every session and delivery sees the same order of changes.
// If a commit fails, the actor is poisoned: it replies Errc::io to that batch and to every later write, since memory
// is ahead of the disk (a fresh actor reloads from the journal).
//
// Blobs of expunged messages are unlinked only when no session is subscribed any more: a session may still have
// an expunged message in its sequence view and fetch it until it is told (RFC 2180 §4.1).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "actors/mailbox_messages.h"
#include "actors/runtime/actor.h"
#include "store/keyring.h"
#include "store/layout.h"
#include "store/mailbox.h"

namespace actors {

class MailboxActor final : public Actor<MailboxActor, MailboxMessage> {
 public:
  // `keep_alive` is held for the actor's lifetime (the store::Account, whose lock must outlive every write).
  MailboxActor(Scheduler& scheduler, std::shared_ptr<void> keep_alive, store::UserPaths paths,
               std::shared_ptr<const store::Keyring> keys, std::unique_ptr<store::MailboxStore> store);
  ~MailboxActor() override;

  const std::string& id() const { return id_; }

 protected:
  void handle(MailboxMessage& message) override;
  void commit_batch() override;

 private:
  void on(Leave& m);
  void on(Select& m);
  void on(Vanished& m);
  void on(Status& m);
  void on(StoreFlags& m);
  void on(Expunge& m);
  void on(AddMessages& m);
  void on(CopyOut& m);
  void on(Destroy& m);
  MailboxChanged& change();  // the notification being built for this batch
  void unlink_blobs();

  std::shared_ptr<void> keep_alive_;
  store::UserPaths paths_;
  std::shared_ptr<const store::Keyring> keys_;
  std::unique_ptr<store::MailboxStore> store_;
  std::string id_;
  std::map<SessionId, std::weak_ptr<Subscriber>> subscribers_;
  std::vector<UniqueFunction<void(bool committed)>> batch_replies_;
  std::unique_ptr<MailboxChanged> pending_change_;
  std::vector<std::string> doomed_blobs_;  // expunged, unlinked once nobody is subscribed
  bool destroyed_ = false;
};

}  // namespace actors
