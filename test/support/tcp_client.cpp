#include "test/support/tcp_client.h"

#include "test/support/socket_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace test_support {
namespace {

using namespace socket_util;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

struct TcpClient::Impl {
  int fd = -1;
  std::uint16_t port = 0;
  std::string in;  // received and not yet returned
  bool eof = false;

  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  std::runtime_error error(const std::string& what) const {
    return std::runtime_error("TCP client 127.0.0.1:" + std::to_string(port) + ": " + what);
  }

  void check_open() const {
    if (fd < 0) throw error("used after close()");
  }

  enum class Try { data, eof, would_block };
  // One non-blocking recv(): appends what arrived.
  Try try_read() {
    if (eof) return Try::eof;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        in.append(buf, static_cast<std::size_t>(n));
        return Try::data;
      }
      if (n == 0) {
        eof = true;
        return Try::eof;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Try::would_block;
      if (errno == ECONNRESET) {
        eof = true;
        return Try::eof;
      }
      throw error(std::string("recv: ") + std::strerror(errno));
    }
  }

  enum class Fill { data, eof, timeout };
  Fill fill(Clock::time_point deadline) {
    for (;;) {
      switch (try_read()) {
        case Try::data: return Fill::data;
        case Try::eof: return Fill::eof;
        case Try::would_block:
          if (wait_fd(fd, POLLIN, deadline) == 0) return Fill::timeout;
          break;
      }
    }
  }

  // fill(), throwing on timeout or end of stream; `what` says what the caller is waiting for.
  void need_more(Clock::time_point deadline, const std::string& what) {
    check_open();
    const Fill f = fill(deadline);
    if (f == Fill::data) return;
    throw error(std::string(f == Fill::timeout ? "timed out" : "closed by the server") + " waiting for " + what +
                "; have " + std::to_string(in.size()) + " bytes: '" + printable(in) + "'");
  }

  std::string next_line(Clock::time_point deadline) {
    std::size_t scan = 0;
    for (;;) {
      const auto pos = in.find("\r\n", scan);
      if (pos != std::string::npos) {
        std::string out = in.substr(0, pos);
        in.erase(0, pos + 2);
        return out;
      }
      scan = in.empty() ? 0 : in.size() - 1;
      need_more(deadline, "a line");
    }
  }
};

TcpClient::TcpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TcpClient::TcpClient(TcpClient&&) noexcept = default;
TcpClient& TcpClient::operator=(TcpClient&&) noexcept = default;
TcpClient::~TcpClient() { close(); }

TcpClient TcpClient::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
  auto c = std::make_unique<Impl>();
  c->port = port;
  std::string error;
  c->fd = connect_loopback(port, Clock::now() + timeout, error);
  if (c->fd < 0) throw c->error(error);
  return TcpClient(std::move(c));
}

void TcpClient::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  if (!impl_) throw std::runtime_error("TCP client: send on a moved-from client");
  Impl& c = *impl_;
  c.check_open();
  const auto deadline = Clock::now() + timeout;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(c.fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      throw c.error(std::string("send: ") + std::strerror(errno) + " after " + std::to_string(done) + " of " +
                    std::to_string(bytes.size()) + " bytes");
    }
    // While the server cannot take more, take what it sends us (its replies), or both sides could block.
    const short revents = wait_fd(c.fd, POLLOUT | POLLIN, deadline);
    if (revents == 0) {
      throw c.error("timed out sending " + std::to_string(bytes.size()) + " bytes (" + std::to_string(done) +
                    " sent)");
    }
    if ((revents & POLLIN) != 0 && !c.eof) {
      while (c.try_read() == Impl::Try::data) {
      }
    }
  }
}

std::string TcpClient::read_line(std::chrono::milliseconds timeout) {
  if (!impl_) throw std::runtime_error("TCP client: read on a moved-from client");
  return impl_->next_line(Clock::now() + timeout);
}

std::vector<std::string> TcpClient::read_reply(std::chrono::milliseconds timeout) {
  if (!impl_) throw std::runtime_error("TCP client: read on a moved-from client");
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> lines;
  for (;;) {
    std::string line = impl_->next_line(deadline);
    // Reply-line = Reply-code [ SP textstring ] CRLF, or Reply-code "-" [ textstring ] CRLF for all but the last.
    const bool shaped = line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]) &&
                        (line.size() == 3 || line[3] == ' ' || line[3] == '-');
    if (!shaped) throw impl_->error("not a reply line: '" + printable(line) + "'");
    if (!lines.empty() && line.compare(0, 3, lines.front(), 0, 3) != 0) {
      throw impl_->error("reply code changed within a multi-line reply: '" + printable(lines.front()) +
                         "' then '" + printable(line) + "'");
    }
    const bool last = line.size() == 3 || line[3] == ' ';
    lines.push_back(std::move(line));
    if (last) return lines;
  }
}

std::vector<std::string> TcpClient::command(std::string_view line, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  send(std::string(line) + "\r\n", timeout);
  return read_reply(std::chrono::milliseconds(ms_left(deadline)));
}

bool TcpClient::closed_by_peer(std::chrono::milliseconds timeout) {
  if (!impl_) throw std::runtime_error("TCP client: read on a moved-from client");
  impl_->check_open();
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto f = impl_->fill(deadline);
    if (f == Impl::Fill::eof) return true;
    if (f == Impl::Fill::timeout) return false;
  }
}

std::size_t TcpClient::pending() const { return impl_ ? impl_->in.size() : 0; }

void TcpClient::close() {
  if (!impl_ || impl_->fd < 0) return;
  ::close(impl_->fd);
  impl_->fd = -1;
}

void TcpClient::abort() {
  if (!impl_ || impl_->fd < 0) return;
  const linger l{1, 0};
  ::setsockopt(impl_->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close();
}

}  // namespace test_support
