#include "lmtp/protocol/data_decoder.h"

#include <algorithm>
#include <cstring>

namespace lmtp::protocol {

void DataDecoder::emit(std::string_view bytes, std::string& out) {
  const std::uint64_t before = size_;
  size_ += bytes.size();
  if (too_big_) return;
  if (size_ > max_) {
    too_big_ = true;
    bytes = bytes.substr(0, static_cast<std::size_t>(max_ - before));  // out holds exactly max_ octets then
  }
  out.append(bytes);
}

DataDecoder::Progress DataDecoder::feed(std::string_view in, std::string& out) {
  std::size_t i = 0;
  const std::size_t n = in.size();
  // A flat state machine over the octets; the middle of a line (nearly all of a message) is copied in bulk up to
  // the next CR. Transitions that do not consume an octet hand it to the next state.
  while (i < n && state_ != State::done) {
    switch (state_) {
      case State::middle: {
        const void* cr = std::memchr(in.data() + i, '\r', n - i);
        const std::size_t end = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - in.data()) + 1 : n;
        emit(in.substr(i, end - i), out);
        i = end;
        if (cr) state_ = State::cr;
        break;
      }
      case State::cr: {
        const char c = in[i++];
        emit(std::string_view(&c, 1), out);
        state_ = c == '\n' ? State::line_start : c == '\r' ? State::cr : State::middle;
        break;
      }
      case State::line_start:
        if (in[i] == '.') {
          ++i;
          state_ = State::dot;
        } else {
          state_ = State::middle;
        }
        break;
      case State::dot:
        if (in[i] == '\r') {
          ++i;
          state_ = State::dot_cr;
        } else {
          state_ = State::middle;  // "." then more on the line: the dot is dropped, the octet is content
        }
        break;
      case State::dot_cr:
        if (in[i] == '\n') {
          ++i;
          state_ = State::done;  // CRLF "." CRLF
        } else {
          emit("\r", out);  // ".\r" then more: the dot is dropped, the CR is content
          state_ = State::cr;
        }
        break;
      case State::done: break;
    }
  }
  return Progress{i, state_ == State::done};
}

std::string_view ChunkReader::take(std::string_view available) {
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, available.size()));
  remaining_ -= n;
  return available.substr(0, n);
}

}  // namespace lmtp::protocol
