// Socket plumbing shared by the blocking test clients (tcp_client.h, tls_client.h): deadlines, poll(), a
// non-blocking loopback connect, and quoting received bytes for failure messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace test_support::socket_util {

using Clock = std::chrono::steady_clock;

// Milliseconds until the deadline (0 once it has passed), for poll().
int ms_left(Clock::time_point deadline);

// poll() for `events` until the deadline; returns the revents, or 0 on timeout. Throws on a poll() failure.
short wait_fd(int fd, short events, Clock::time_point deadline);

// A non-blocking TCP socket connected to 127.0.0.1:port (TCP_NODELAY set) by the deadline, or -1 with `error`
// set ("connect: Connection refused", "connect timed out"). Ignores SIGPIPE for the process: a server that hangs up
// must fail a write, not kill the test.
int connect_loopback(std::uint16_t port, Clock::time_point deadline, std::string& error);

// The first 200 bytes of s with CR, LF and other control bytes escaped.
std::string printable(const std::string& s);

}  // namespace test_support::socket_util
