// Internal to config/: helpers that keep error messages on one line. Not part of the module API.
#pragma once

#include <string>
#include <string_view>

namespace config {

// Returns `text` between single quotes, with control bytes escaped as \xNN and anything past 80 bytes cut to "...",
// so a value echoed in an error (an unknown key, a bad address) cannot break the message over lines. Thread-safe.
std::string quote(std::string_view text);

// Returns `text` with every control byte escaped as \xNN. Thread-safe.
std::string one_line(std::string_view text);

}  // namespace config
