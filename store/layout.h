// Where things live under the data root (DESIGN.md §4). File and folder names are user names and random ids only:
// mailbox names, subjects and addresses never appear in a path.
//
//   ROOT/sealbox.toml
//   ROOT/users/NAME/account        cleartext header: KDF parameters, salts, wrapped master key per slot, epoch
//                  /keys/E.pub     epoch E's X25519 public key (checked file)
//                  /keys/E.sec     epoch E's secret key, sealed under a master-key-derived key
//                  /journal/       the account journal: mailbox list, subscriptions (encrypted)
//                  /mailboxes/ID/  one journal per mailbox (encrypted)
//                  /blobs/XX/ID    message blobs, immutable (XX = the id's last two characters)
//                  /spool/ID       deliveries waiting for import, sealed to an epoch public key; renamed
//                                  ID.MAILBOXID once bound to their target mailbox, just before indexing
//                  /tmp/           files being written; renamed into place once durable
//                  /lock           held (flock) by the one process that has the account open
//                  /account.lock   held briefly while the account file is rewritten
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/fs.h"

namespace store {

// Longest user name we accept: also the longest path component we create from input.
inline constexpr std::size_t kMaxUserNameBytes = 64;

// User names: 1-64 characters from [a-z0-9._+@-], not starting with '.' or '-'. So "/" and ".." never reach a
// path, and names are case-normalised (callers lower-case a login name before looking it up).
// Errc::invalid_argument with the reason.
base::Status validate_user_name(std::string_view name);

class UserPaths {
 public:
  explicit UserPaths(fs::path dir) : dir_(std::move(dir)) {}

  const fs::path& dir() const { return dir_; }
  fs::path account_file() const { return dir_ / "account"; }
  fs::path keys() const { return dir_ / "keys"; }
  fs::path journal() const { return dir_ / "journal"; }
  fs::path mailboxes() const { return dir_ / "mailboxes"; }
  fs::path mailbox(std::string_view id) const { return mailboxes() / std::string(id); }
  fs::path blobs() const { return dir_ / "blobs"; }
  // Spread by the id's last two (random) characters: its first ones are a timestamp, which would put years of
  // mail in one directory.
  fs::path blob(std::string_view id) const {
    return blobs() / std::string(id.substr(id.size() >= 2 ? id.size() - 2 : 0)) / std::string(id);
  }
  fs::path spool() const { return dir_ / "spool"; }
  fs::path tmp() const { return dir_ / "tmp"; }
  fs::path lock() const { return dir_ / "lock"; }
  fs::path account_lock() const { return dir_ / "account.lock"; }

 private:
  fs::path dir_;
};

class Root {
 public:
  explicit Root(fs::path dir) : dir_(std::move(dir)) {}

  const fs::path& dir() const { return dir_; }
  fs::path users() const { return dir_ / "users"; }
  // The paths of a user; the name must have passed validate_user_name.
  UserPaths user(std::string_view name) const { return UserPaths(users() / std::string(name)); }
  // Errc::no_such_user when the name is valid but has no account; invalid_argument for a bad name.
  base::Result<UserPaths> existing_user(std::string_view name) const;
  // Names of every user with an account file, sorted.
  base::Result<std::vector<std::string>> list_users() const;

 private:
  fs::path dir_;
};

// A new time-ordered random id: 16 hex digits of nanoseconds since the epoch, then 16 random hex digits. Sorting
// spool entries by name sorts them by arrival.
std::string new_object_id();

}  // namespace store
