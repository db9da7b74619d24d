// Exit codes of the sealbox command (sysexits.h values, which MTAs such as Postfix understand: 75 means "try again
// later", the other non-zero codes bounce). docs/cli.md lists which command returns which.
#pragma once

#include "base/result.h"

namespace app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;        // bad command line, invalid name, unusable password input
inline constexpr int kExitDataErr = 65;      // deliver: empty or oversized message; check: corruption found
inline constexpr int kExitNoUser = 67;       // no such user
inline constexpr int kExitUnavailable = 69;  // serve: cannot listen (address in use, permission denied)
inline constexpr int kExitCantCreate = 73;   // user add: the user already exists
inline constexpr int kExitIoErr = 74;        // an I/O error in an administrative command
inline constexpr int kExitTempFail = 75;     // temporary: I/O failure during delivery, account busy
inline constexpr int kExitNoPerm = 77;       // wrong password
inline constexpr int kExitConfig = 78;       // missing or malformed sealbox.toml

// The exit code for an error from an administrative command.
int exit_code_for(const base::Error& error);

// Prints "sealbox: <message>" on one line to stderr and returns exit_code_for(error).
int report(const base::Error& error);
int report(int code, const std::string& message);

}  // namespace app
