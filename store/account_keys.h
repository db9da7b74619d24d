// The account's key material on disk: the account file (unlock slots) and the epoch key pairs.
//
// account (checked file, kind 'A'), payload:
//   varint version (1) | str user | varint slot count | slots... | u32 current epoch | i64 epoch start (unix s)
//   slot = u32 id | u8 kind (0 = password) | u32 Argon2id passes | u32 memory KiB | raw salt (16)
//          | blob sealed MK (XChaCha20-Poly1305 under the slot's KEK, AD = "sbslot1" | str user | u32 id)
// keys/E.pub (checked, kind 'P'):  u32 epoch | str user | raw public key (32) | i64 created (unix s)
//                                  (the user name stops a key restored into the wrong directory from being used)
// keys/E.sec (checked, kind 'S'):  u32 epoch | blob sealed secret key (under subkey(MK, "sbepochk"),
//                                  AD = "sbepoch1" | str user | u32 epoch)
//
// A wrong password fails the slot's AEAD (Errc::auth_failed); a damaged file fails its checksum (Errc::corrupt), so
// the two are never confused. No password verifier is stored: only the sealed master key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/password.h"
#include "store/layout.h"

namespace store {

struct Slot {
  std::uint32_t id = 0;
  crypto::KdfParams kdf;
  base::Bytes salt;
  base::Bytes sealed_master;
};

struct AccountHeader {
  std::string user;
  std::vector<Slot> slots;
  std::uint32_t current_epoch = 1;
  std::int64_t epoch_started = 0;

  base::Bytes encode() const;
  static base::Result<AccountHeader> decode(base::ByteSpan file, std::string_view what);
};

// Purposes of the sub-keys derived from the master key (crypto_kdf contexts, 8 characters each).
namespace subkey {
inline constexpr std::string_view kAccountJournal = "sbacctjr";
inline constexpr std::string_view kMailboxJournal = "sbmboxjr";
inline constexpr std::string_view kEpochWrap = "sbepochk";
inline constexpr std::string_view kDekWrap = "sbdekwrp";
}  // namespace subkey

base::Result<AccountHeader> read_account(const UserPaths& paths);
// Atomically replaces the account file (tmp + fsync + rename + dir fsync).
base::Status write_account(const UserPaths& paths, const AccountHeader& header);

// Runs Argon2id for each slot until one opens. Errors: auth_failed (no slot opened), internal.
// Slow by design (~100 ms per slot): never call on an I/O thread.
base::Result<crypto::Key> unlock_master(const AccountHeader& header, std::string_view password);
// Replaces (or adds) slot `id` with the master key sealed under a KEK from password and fresh salt.
base::Status set_password_slot(AccountHeader& header, std::uint32_t id, const crypto::Key& master,
                               std::string_view password, const crypto::KdfParams& kdf);

// Epoch keys.
base::Result<crypto::PublicKey> read_epoch_public(const UserPaths& paths, std::string_view user, std::uint32_t epoch);
base::Result<crypto::KeyPair> read_epoch_secret(const UserPaths& paths, std::string_view user, std::uint32_t epoch,
                                                const crypto::Key& master);
// Makes and durably writes a fresh key pair for epoch (secret first, then public: a deliverer that can see the
// public key can always count on the secret being there).
base::Status write_new_epoch(const UserPaths& paths, std::string_view user, std::uint32_t epoch,
                             const crypto::Key& master, std::int64_t now);

}  // namespace store
