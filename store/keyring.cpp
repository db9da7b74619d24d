#include "store/keyring.h"

#include "crypto/aead.h"
#include "crypto/keys.h"
#include "store/account_keys.h"

namespace store {
namespace {

base::Bytes dek_ad(std::string_view blob_id) {
  base::Bytes ad;
  base::ByteWriter w(ad);
  w.raw("sbdek1");
  w.str(blob_id);
  return ad;
}

}  // namespace

Keyring::Keyring(std::string user, crypto::Key master)
    : user_(std::move(user)),
      master_(std::move(master)),
      account_journal_(crypto::derive_subkey(master_, 1, subkey::kAccountJournal)),
      mailbox_journal_(crypto::derive_subkey(master_, 1, subkey::kMailboxJournal)),
      dek_wrap_(crypto::derive_subkey(master_, 1, subkey::kDekWrap)) {}

base::Bytes Keyring::wrap_dek(const crypto::Key& dek, std::string_view blob_id) const {
  return crypto::aead_seal(dek_wrap_, dek.span(), dek_ad(blob_id));
}

base::Result<crypto::Key> Keyring::unwrap_dek(base::ByteSpan wrapped, std::string_view blob_id) const {
  auto dek = crypto::aead_open_secret(dek_wrap_, wrapped, dek_ad(blob_id));
  if (!dek || dek->size() != crypto::kKeyBytes) {
    return base::fail(base::Errc::corrupt, "message key for blob " + std::string(blob_id) + " failed authentication");
  }
  return crypto::Key::adopt(std::move(*dek));
}

}  // namespace store
