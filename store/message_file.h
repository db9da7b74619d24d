// Message files: how a message body is stored. One format serves the spool and the mailboxes, so importing a
// delivery is a rename, never a rewrite.
//
//   message file = [delivery header] blob          (blob: crypto/blob.h; the header is the blob's prefix, so
//                                                   it is authenticated by every chunk)
//   delivery header (316 bytes) = "SBXS" | version u8 (1) | reserved (3 zero bytes) | u32 epoch
//                                 | sealed box to epoch E's public key (256 + 48 bytes) of:
//                                   DEK (32) | i64 received (unix s) | u16 n | mailbox name (n <= 200) | zero pad
//
// A delivery (LMTP or `sealbox deliver`) does not know the user's password: it seals a fresh DEK to the current epoch
// public key. Messages added by the owner (APPEND) have no header; their DEK lives only in the encrypted index.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/blob.h"
#include "crypto/keys.h"
#include "store/fs.h"
#include "store/layout.h"

namespace store {

inline constexpr std::size_t kDeliveryHeaderBytes = 316;
inline constexpr std::size_t kMaxDeliveryMailboxBytes = 200;

// What a delivery header's sealed box holds.
struct DeliveryInfo {
  crypto::Key dek;
  std::int64_t received = 0;
  std::string mailbox;  // empty: INBOX
};

// Streams a message into a staged file under tmp/. Abandoning it (destroying it before commit) deletes the file.
class MessageWriter {
 public:
  // A delivery: the header seals a fresh DEK, the time and the target mailbox to `recipient` (epoch `epoch`).
  // Errors: invalid_argument when the mailbox name is too long; io.
  static base::Result<MessageWriter> for_delivery(const UserPaths& paths, std::uint32_t epoch,
                                                  const crypto::PublicKey& recipient, std::string_view mailbox,
                                                  std::int64_t received, std::uint64_t max_bytes);
  // A message added by the unlocked owner: no header; the caller wraps dek() into the index.
  static base::Result<MessageWriter> for_owner(const UserPaths& paths, std::uint64_t max_bytes);

  // Errc::too_big once more than max_bytes of plaintext were written (the staged file is then useless).
  base::Status write(base::ByteSpan plaintext);
  // Seals the last chunk, fsyncs, renames to final_path. The caller fsyncs final_path's directory.
  base::Status commit(const fs::path& final_path);

  const crypto::Key& dek() const { return dek_; }
  std::uint64_t size() const { return blob_.plaintext_size(); }

 private:
  MessageWriter(StagedFile file, crypto::Key dek, base::Bytes header, std::uint64_t max_bytes);
  base::Status flush(bool force);

  StagedFile file_;
  crypto::Key dek_;
  crypto::BlobWriter blob_;
  base::Bytes out_;
  std::uint64_t max_bytes_;
};

// Reads the delivery header of a spool entry and opens its sealed box with the epoch's key pair, which
// key_for_epoch supplies (loading it on first use). Errors: corrupt, not_found (no such epoch key), io.
using EpochKeyLookup = std::function<base::Result<const crypto::KeyPair*>(std::uint32_t epoch)>;
base::Result<DeliveryInfo> read_delivery_header(const fs::path& path, const EpochKeyLookup& key_for_epoch);

// Decrypts a message file chunk by chunk, handing each piece of plaintext to sink; verifies the whole file.
// Works for both shapes (with or without delivery header). Errors: corrupt (naming the file), io, and whatever
// sink returns. Returns the plaintext size.
using PlaintextSink = std::function<base::Status(base::ByteSpan)>;
base::Result<std::uint64_t> read_message_file(const fs::path& path, const crypto::Key& dek, const PlaintextSink& sink);
// The whole plaintext in memory.
base::Result<base::Bytes> read_message(const fs::path& path, const crypto::Key& dek);

}  // namespace store
