// BoringSSL error-queue helpers shared by net/ sources. Internal to net/: other folders never see TLS types.
#pragma once

#include <string>

namespace net::detail {

// Drains this thread's BoringSSL error queue and returns its first entry as one line ("PEM routines: NO_START_LINE"),
// or `fallback` when the queue is empty. Thread-safe (the queue is per thread).
std::string take_ssl_error(const std::string& fallback = "unknown error");

}  // namespace net::detail
