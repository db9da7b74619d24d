// Small helpers shared by the bench/ programs: a timer, a header line naming the build and the CPU, and
// mail-like test content. Benchmarks print numbers; they never assert on them (speed goals live here, not in tests).
#pragma once

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>

namespace bench {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

inline void print_header(const char* program) {
#ifdef NDEBUG
  const char* build = "optimised (NDEBUG)";
#else
  const char* build = "DEBUG (numbers are not representative)";
#endif
  std::printf("%s: build %s, CPU %s, %u hardware threads\n", program, build, cpu_model().c_str(),
              std::thread::hardware_concurrency());
}

// Mail-like content: header block, then text lines with a base64 attachment for larger sizes, as real mail has.
inline std::string mail_like(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  static const char* words[] = {"the", "meeting", "is", "moved", "to", "thursday", "please", "find", "attached",
                                "report", "regards", "project", "budget", "review", "thanks", "for", "your", "notes"};
  std::string out = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: Quarterly review\r\n"
                    "Date: Mon, 2 Mar 2026 10:00:00 +0000\r\nMessage-ID: <" + std::to_string(seed) +
                    "@example.org>\r\nMIME-Version: 1.0\r\n\r\n";
  std::size_t text_end = std::min(size, std::size_t{3000});
  while (out.size() < text_end) {
    out += words[rng() % (sizeof words / sizeof *words)];
    out += (rng() % 12 == 0) ? "\r\n" : " ";
  }
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t col = 0;
  while (out.size() < size) {  // an "attachment": base64 of random bytes, 76 columns
    out += b64[rng() % 64];
    if (++col == 76) {
      out += "\r\n";
      col = 0;
    }
  }
  out.resize(size);
  return out;
}

}  // namespace bench
