// Reading passwords for the command line: from a file named with --password-file ("-" for standard input), or by
// prompting on the terminal with echo off. Passwords stay in guarded memory.
#pragma once

#include <string>

#include "base/result.h"
#include "crypto/secret.h"

namespace app {

// Rules for new passwords: 8 to 1024 bytes, no NUL, CR or LF. A forgotten password cannot be reset (the data is
// encrypted under it), and the account file can be attacked offline by whoever copies it, so short ones are refused.
base::Status check_new_password(const crypto::SecretBytes& password);

// The first line of `file` (without its line ending), or a prompt on the controlling terminal when file is empty.
// Errors: invalid_argument (no terminal and no file, unreadable file, empty password).
base::Result<crypto::SecretBytes> read_password(const std::string& file, const char* prompt);

// A new password: from file, or prompted twice on the terminal (they must match). Checked by check_new_password.
base::Result<crypto::SecretBytes> read_new_password(const std::string& file);

inline std::string_view view(const crypto::SecretBytes& s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace app
