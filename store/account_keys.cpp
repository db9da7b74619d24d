#include "store/account_keys.h"

#include "crypto/aead.h"
#include "crypto/random.h"
#include "store/checked_file.h"

namespace store {
namespace {

constexpr std::uint64_t kAccountVersion = 1;

base::Bytes slot_ad(std::string_view user, std::uint32_t id) {
  base::Bytes ad;
  base::ByteWriter w(ad);
  w.raw("sbslot1");
  w.str(user);
  w.u32(id);
  return ad;
}

base::Bytes epoch_ad(std::string_view user, std::uint32_t epoch) {
  base::Bytes ad;
  base::ByteWriter w(ad);
  w.raw("sbepoch1");
  w.str(user);
  w.u32(epoch);
  return ad;
}

std::string epoch_file(std::uint32_t epoch, const char* ext) { return std::to_string(epoch) + ext; }

}  // namespace

base::Bytes AccountHeader::encode() const {
  base::Bytes payload;
  base::ByteWriter w(payload);
  w.varint(kAccountVersion);
  w.str(user);
  w.varint(slots.size());
  for (const auto& s : slots) {
    w.u32(s.id);
    w.u8(0);
    w.u32(s.kdf.passes);
    w.u32(s.kdf.memory_kib);
    w.raw(s.salt);
    w.blob(s.sealed_master);
  }
  w.u32(current_epoch);
  w.u64(static_cast<std::uint64_t>(epoch_started));
  return encode_checked(FileKind::account, payload);
}

base::Result<AccountHeader> AccountHeader::decode(base::ByteSpan file, std::string_view what) {
  SB_TRY(base::ByteSpan payload, decode_checked(FileKind::account, file, what));
  base::ByteReader r(payload);
  AccountHeader h;
  std::uint64_t version = r.varint();
  h.user = r.str();
  std::uint64_t count = r.varint();
  if (!r.ok() || version != kAccountVersion || count > 64) {
    return base::fail(base::Errc::corrupt, std::string(what) + ": unsupported or malformed");
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    Slot s;
    s.id = r.u32();
    std::uint8_t kind = r.u8();
    s.kdf.passes = r.u32();
    s.kdf.memory_kib = r.u32();
    auto salt = r.raw(crypto::kSaltBytes);
    s.salt.assign(salt.begin(), salt.end());
    auto sealed = r.blob();
    s.sealed_master.assign(sealed.begin(), sealed.end());
    if (kind != 0) return base::fail(base::Errc::corrupt, std::string(what) + ": unknown slot kind");
    h.slots.push_back(std::move(s));
  }
  h.current_epoch = r.u32();
  h.epoch_started = static_cast<std::int64_t>(r.u64());
  if (!r.done()) return base::fail(base::Errc::corrupt, std::string(what) + ": malformed");
  return h;
}

base::Result<AccountHeader> read_account(const UserPaths& paths) {
  SB_TRY(base::Bytes file, read_file(paths.account_file()));
  return AccountHeader::decode(file, "account file " + paths.account_file().string());
}

base::Status write_account(const UserPaths& paths, const AccountHeader& header) {
  return write_file_durably(paths.account_file(), paths.tmp(), header.encode());
}

base::Result<crypto::Key> unlock_master(const AccountHeader& header, std::string_view password) {
  for (const auto& slot : header.slots) {
    SB_TRY(crypto::Key kek, crypto::derive_kek(password, slot.salt, slot.kdf));
    auto master = crypto::aead_open_secret(kek, slot.sealed_master, slot_ad(header.user, slot.id));
    if (master && master->size() == crypto::kKeyBytes) return crypto::Key::from(master->span());
  }
  return base::fail(base::Errc::auth_failed, "wrong password");
}

base::Status set_password_slot(AccountHeader& header, std::uint32_t id, const crypto::Key& master,
                               std::string_view password, const crypto::KdfParams& kdf) {
  Slot slot;
  slot.id = id;
  slot.kdf = kdf;
  slot.salt = crypto::random_bytes(crypto::kSaltBytes);
  SB_TRY(crypto::Key kek, crypto::derive_kek(password, slot.salt, kdf));
  slot.sealed_master = crypto::aead_seal(kek, master.span(), slot_ad(header.user, id));
  for (auto& s : header.slots) {
    if (s.id == id) {
      s = std::move(slot);
      return base::ok();
    }
  }
  header.slots.push_back(std::move(slot));
  return base::ok();
}

base::Result<crypto::PublicKey> read_epoch_public(const UserPaths& paths, std::string_view user, std::uint32_t epoch) {
  fs::path path = paths.keys() / epoch_file(epoch, ".pub");
  SB_TRY(base::Bytes file, read_file(path));
  std::string what = "epoch key " + path.string();
  SB_TRY(base::ByteSpan payload, decode_checked(FileKind::epoch_public, file, what));
  base::ByteReader r(payload);
  std::uint32_t stored_epoch = r.u32();
  std::string stored_user = r.str();
  auto key = r.raw(crypto::kPublicKeyBytes);
  r.u64();
  if (!r.done() || stored_epoch != epoch) return base::fail(base::Errc::corrupt, what + ": malformed");
  if (stored_user != user) return base::fail(base::Errc::corrupt, what + ": belongs to another user");
  crypto::PublicKey pk{};
  std::copy(key.begin(), key.end(), pk.begin());
  return pk;
}

base::Result<crypto::KeyPair> read_epoch_secret(const UserPaths& paths, std::string_view user, std::uint32_t epoch,
                                                const crypto::Key& master) {
  fs::path path = paths.keys() / epoch_file(epoch, ".sec");
  SB_TRY(base::Bytes file, read_file(path));
  std::string what = "epoch key " + path.string();
  SB_TRY(base::ByteSpan payload, decode_checked(FileKind::epoch_secret, file, what));
  base::ByteReader r(payload);
  std::uint32_t stored_epoch = r.u32();
  auto sealed = r.blob();
  if (!r.done() || stored_epoch != epoch) return base::fail(base::Errc::corrupt, what + ": malformed");
  auto wrap = crypto::derive_subkey(master, 1, subkey::kEpochWrap);
  auto secret = crypto::aead_open_secret(wrap, sealed, epoch_ad(user, epoch));
  if (!secret || secret->size() != crypto::kKeyBytes) {
    return base::fail(base::Errc::corrupt, what + ": failed authentication");
  }
  auto pair = crypto::KeyPair::from_secret(crypto::Key::from(secret->span()));
  // The public half a deliverer seals to must belong to this secret, or mail would be unreadable.
  SB_TRY(crypto::PublicKey published, read_epoch_public(paths, user, epoch));
  if (!crypto::equal(published, pair.public_key)) {
    return base::fail(base::Errc::corrupt, what + ": public key does not match the secret key");
  }
  return pair;
}

base::Status write_new_epoch(const UserPaths& paths, std::string_view user, std::uint32_t epoch,
                             const crypto::Key& master, std::int64_t now) {
  SB_CHECK(make_dirs(paths.keys(), true));
  auto pair = crypto::KeyPair::generate();
  auto wrap = crypto::derive_subkey(master, 1, subkey::kEpochWrap);
  base::Bytes sec;
  base::ByteWriter ws(sec);
  ws.u32(epoch);
  ws.blob(crypto::aead_seal(wrap, pair.secret_key.span(), epoch_ad(user, epoch)));
  SB_CHECK(write_file_durably(paths.keys() / epoch_file(epoch, ".sec"), paths.tmp(),
                              encode_checked(FileKind::epoch_secret, sec)));
  base::Bytes pub;
  base::ByteWriter wp(pub);
  wp.u32(epoch);
  wp.str(user);
  wp.raw(pair.public_key);
  wp.u64(static_cast<std::uint64_t>(now));
  return write_file_durably(paths.keys() / epoch_file(epoch, ".pub"), paths.tmp(),
                            encode_checked(FileKind::epoch_public, pub));
}

}  // namespace store
