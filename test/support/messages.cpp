#include "test/support/messages.h"

#include <random>

namespace test_support {

std::string make_message(unsigned seed, std::size_t size, Body kind) {
  std::mt19937 rng(seed * 7919u + static_cast<unsigned>(size));
  std::string header = "From: sender" + std::to_string(seed) + "@example.org\r\nTo: alice@example.net\r\nSubject: m" +
                       std::to_string(seed) + (kind == Body::eight_bit ? " \xc3\xa9t\xc3\xa9 \xe9" : "") +
                       "\r\nMessage-ID: <" + std::to_string(seed) + "@test>\r\n\r\n";
  std::string out = header.substr(0, size);
  static const std::string words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod ";
  while (out.size() < size) {
    switch (kind) {
      case Body::ascii:
        out += words[rng() % words.size()];
        if (rng() % 70 == 0) out += "\r\n";
        break;
      case Body::eight_bit:
        out += static_cast<char>(rng() % 3 == 0 ? 0x80 + rng() % 128 : 'a' + rng() % 26);
        break;
      case Body::binary:
        out += static_cast<char>(rng() % 256);
        break;
    }
  }
  out.resize(size);
  return out;
}

std::string base64(const std::string& data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16 | static_cast<unsigned char>(data[i + 1]) << 8 |
                 static_cast<unsigned char>(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace test_support
