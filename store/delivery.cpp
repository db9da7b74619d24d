#include "store/delivery.h"

#include "store/account_keys.h"

namespace store {

base::Result<Delivery> Delivery::begin(const Root& root, std::string_view user, std::string_view mailbox,
                                       std::int64_t now, std::uint64_t max_bytes) {
  SB_TRY(UserPaths paths, root.existing_user(user));
  SB_TRY(AccountHeader header, read_account(paths));
  SB_TRY(crypto::PublicKey recipient, read_epoch_public(paths, user, header.current_epoch));
  SB_TRY(MessageWriter writer,
         MessageWriter::for_delivery(paths, header.current_epoch, recipient, mailbox, now, max_bytes));
  return Delivery(std::move(paths), std::move(writer));
}

base::Status Delivery::write(base::ByteSpan data) { return writer_.write(data); }

base::Result<std::string> Delivery::commit() {
  std::string id = new_object_id();
  SB_CHECK(writer_.commit(paths_.spool() / id));
  SB_CHECK(fsync_dir(paths_.spool()));
  return id;
}

}  // namespace store
