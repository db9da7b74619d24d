// Keyring: the keys an unlocked account derives from its master key, shared read-only by everything that works on
// that account (its actors, its import). Immutable after construction, hence thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secret.h"

namespace store {

class Keyring {
 public:
  Keyring(std::string user, crypto::Key master);

  const std::string& user() const { return user_; }
  const crypto::Key& master() const { return master_; }
  const crypto::Key& account_journal() const { return account_journal_; }
  const crypto::Key& mailbox_journal() const { return mailbox_journal_; }

  // A message key sealed for the index, bound to the blob id (so it cannot be moved to another message).
  base::Bytes wrap_dek(const crypto::Key& dek, std::string_view blob_id) const;
  base::Result<crypto::Key> unwrap_dek(base::ByteSpan wrapped, std::string_view blob_id) const;  // Errc::corrupt

 private:
  std::string user_;
  crypto::Key master_;
  crypto::Key account_journal_;
  crypto::Key mailbox_journal_;
  crypto::Key dek_wrap_;
};

}  // namespace store
