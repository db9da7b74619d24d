// Delivery: the one path by which mail arrives for a user, for both LMTP and `sealbox deliver`.
//
// It needs no password: the message is sealed to the user's current epoch public key (store/message_file.h) and
// becomes a spool entry. commit() returns only once the entry is durable (file fsynced, renamed into spool/, spool/
// fsynced): that is the moment an MTA may be told 250 or exit 0. Abandoning a Delivery removes its temporary file.
// The owner's next unlock (or the live account actor) imports the spool into mailboxes.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "store/layout.h"
#include "store/message_file.h"

namespace store {

class Delivery {
 public:
  // Errors: invalid_argument (bad user name, mailbox name over 200 bytes), no_such_user, corrupt (a damaged account
  // or epoch key file), io.
  static base::Result<Delivery> begin(const Root& root, std::string_view user, std::string_view mailbox,
                                      std::int64_t now, std::uint64_t max_bytes);

  base::Status write(base::ByteSpan data);  // Errc::too_big past max_bytes
  base::Result<std::string> commit();       // durable; returns the spool id
  std::uint64_t size() const { return writer_.size(); }

 private:
  Delivery(UserPaths paths, MessageWriter writer) : paths_(std::move(paths)), writer_(std::move(writer)) {}
  UserPaths paths_;
  MessageWriter writer_;
};

}  // namespace store
