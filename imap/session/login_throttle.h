// LoginThrottle: slows password guessing. Each failed login adds to a counter for the client address and one for
// the user name; the next attempt from that address or for that user is answered only after a delay that doubles
// with every failure (250 ms, 500 ms, ... up to 16 s). Counters fade after 15 minutes without failures; a success
// clears the address's and the user's. The delay is per attempt, not a lockout, so an attacker cannot lock a user
// out, only slow everyone guessing that user down. Thread-safe (one mutex; a leaf utility).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace imap::session {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  std::chrono::milliseconds delay_for(const std::string& address, const std::string& user);
  void failed(const std::string& address, const std::string& user);
  void succeeded(const std::string& address, const std::string& user);
  // The key a client is counted under: its address without the port ("192.0.2.1:5353" -> "192.0.2.1",
  // "[2001:db8::1]:5353" -> "[2001:db8::1]"), from net::Connection::peer().
  static std::string client_address(std::string peer);

  static constexpr std::chrono::milliseconds kFirstDelay{250};
  static constexpr std::chrono::milliseconds kMaxDelay{16000};
  static constexpr std::chrono::minutes kForgetAfter{15};
  static constexpr std::size_t kMaxEntries = 100000;  // bounds memory under a spray of addresses and names

 private:
  struct Entry {
    unsigned failures = 0;
    Clock::time_point last;
  };
  unsigned failures(std::map<std::string, Entry>& map, const std::string& key, Clock::time_point now);
  void add(std::map<std::string, Entry>& map, const std::string& key, Clock::time_point now);

  std::mutex mutex_;
  std::map<std::string, Entry> by_address_;
  std::map<std::string, Entry> by_user_;
};

}  // namespace imap::session
