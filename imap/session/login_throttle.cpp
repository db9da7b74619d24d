#include "imap/session/login_throttle.h"

#include <algorithm>

namespace imap::session {

unsigned LoginThrottle::failures(std::map<std::string, Entry>& map, const std::string& key, Clock::time_point now) {
  auto it = map.find(key);
  if (it == map.end()) return 0;
  if (now - it->second.last > kForgetAfter) {
    map.erase(it);
    return 0;
  }
  return it->second.failures;
}

void LoginThrottle::add(std::map<std::string, Entry>& map, const std::string& key, Clock::time_point now) {
  if (map.size() >= kMaxEntries) {
    std::erase_if(map, [&](const auto& kv) { return now - kv.second.last > kForgetAfter; });
    if (map.size() >= kMaxEntries) map.erase(map.begin());
  }
  auto& e = map[key];
  e.failures = std::min(e.failures + 1, 64u);
  e.last = now;
}

std::chrono::milliseconds LoginThrottle::delay_for(const std::string& address, const std::string& user) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  unsigned n = std::max(failures(by_address_, address, now), failures(by_user_, user, now));
  if (n == 0) return std::chrono::milliseconds(0);
  auto delay = kFirstDelay * (1u << std::min(n - 1, 10u));
  return std::min(std::chrono::duration_cast<std::chrono::milliseconds>(delay), kMaxDelay);
}

void LoginThrottle::failed(const std::string& address, const std::string& user) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  add(by_address_, address, now);
  add(by_user_, user, now);
}

std::string LoginThrottle::client_address(std::string peer) {
  if (auto colon = peer.rfind(':'); colon != std::string::npos && peer.find(':') == colon) {
    peer.resize(colon);
  } else if (auto bracket = peer.rfind(']'); bracket != std::string::npos) {
    peer.resize(bracket + 1);
  }
  return peer;
}

void LoginThrottle::succeeded(const std::string& address, const std::string& user) {
  std::lock_guard lock(mutex_);
  by_address_.erase(address);
  by_user_.erase(user);
}

}  // namespace imap::session
