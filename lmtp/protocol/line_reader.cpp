#include "lmtp/protocol/line_reader.h"

#include <cassert>

namespace lmtp::protocol {

void LineReader::feed(std::string_view data) {
  // Compact first: consumed octets are dead, and views into them were invalidated by the caller's next call anyway.
  if (pos_ > 0) {
    in_.erase(0, pos_);
    pos_ = 0;
  }
  in_.append(data);
}

void LineReader::consume(std::size_t n) {
  assert(n <= in_.size() - pos_);
  pos_ += n;
  scanned_ = 0;  // the line being framed starts anew after bytes taken as message data
}

LineResult LineReader::next() {
  const std::string_view rest = buffered();
  // Resume the CRLF search one octet back, in case a CR ended the previous scan.
  const std::size_t from = scanned_ > 0 ? scanned_ - 1 : 0;
  const std::size_t crlf = rest.find("\r\n", from);
  if (crlf == std::string_view::npos) {
    if (skipping_) {
      // Keep only a final CR, which may start the CRLF that ends the over-long line.
      const std::size_t keep = !rest.empty() && rest.back() == '\r' ? 1 : 0;
      pos_ += rest.size() - keep;
      scanned_ = keep;
    } else if (rest.size() > max_line_ - 1) {  // more than max_line_ - 2 octets and a CR: too long for sure
      skipping_ = true;
      return next();
    } else {
      scanned_ = rest.size();
    }
    return {};
  }
  pos_ += crlf + 2;
  scanned_ = 0;
  if (skipping_ || crlf + 2 > max_line_) {
    skipping_ = false;
    return {LineKind::too_long, {}};
  }
  return {LineKind::line, rest.substr(0, crlf)};
}

}  // namespace lmtp::protocol
