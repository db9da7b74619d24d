#include "test/support/tcp_client.h"

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

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(std::min<long long>(left, 1 << 30)) : 0;
}

// poll() for `events` until the deadline; returns the revents, or 0 on timeout.
short wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, ms_left(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    return rc == 0 ? 0 : p.revents;
  }
}

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\x" + std::string(1, "0123456789abcdef"[u >> 4]) + "0123456789abcdef"[u & 15];
    } else {
      out += c;
    }
  }
  return s.size() > 200 ? out + "..." : out;
}

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
  std::signal(SIGPIPE, SIG_IGN);  // a server that hangs up must fail a write, not kill the test
  const auto deadline = Clock::now() + timeout;
  auto c = std::make_unique<Impl>();
  c->port = port;
  c->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) throw c->error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(c->fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) throw c->error(std::string("connect: ") + std::strerror(errno));
    if (wait_fd(c->fd, POLLOUT, deadline) == 0) throw c->error("connect timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) throw c->error(std::string("connect: ") + std::strerror(err));
  }
  const int one = 1;
  ::setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
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
