// Logging setup. Sealbox logs through spdlog to stderr (a service manager or syslog collects it).
// Policy: no secrets, no message content and no mailbox names in any log line.
#pragma once

#include <string_view>

namespace base {

// Configures the default spdlog logger: level is one of trace, debug, info, warn, error, off (unknown -> info).
// Call once from main() before other threads start.
void setup_logging(std::string_view level);

}  // namespace base
