#include "bench/sealbox_bench/net_stream.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace sealbox_bench {
namespace {

// poll() for `events` until the deadline; 0 on timeout.
short wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (rc > 0) return p.revents;
    if (rc < 0 && errno != EINTR) return POLLERR;
  }
}

std::string ssl_error() {
  const auto e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "connection closed";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "TLS error " + std::to_string(e);
}

}  // namespace

struct NetStream::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

NetStream::~NetStream() {
  if (tls_ && tls_->ssl != nullptr) SSL_shutdown(tls_->ssl);  // best-effort close_notify
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool parse_endpoint(std::string_view text, Endpoint& out) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return false;
  }
  out.host = std::string(host);
  out.port = static_cast<std::uint16_t>(value);
  return true;
}

bool is_loopback(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return false;
  bool all = res != nullptr;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(static_cast<const void*>(a->ai_addr));
      all = all && (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (a->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(static_cast<const void*>(a->ai_addr));
      all = all && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    } else {
      all = false;
    }
  }
  ::freeaddrinfo(res);
  return all;
}

std::unique_ptr<NetStream> NetStream::connect(const Endpoint& to, const TlsOptions& options,
                                              Clock::time_point deadline, std::string& error) {
  std::unique_ptr<NetStream> s(new NetStream());
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(to.port);
  if (const int rc = ::getaddrinfo(to.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    error = "cannot resolve " + to.host + ": " + gai_strerror(rc);
    return nullptr;
  }
  error = "no address for " + to.host;
  for (addrinfo* a = res; a != nullptr && s->fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      int so = 0;
      socklen_t len = sizeof so;
      rc = (wait_fd(fd, POLLOUT, deadline) & POLLOUT) != 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len) == 0 &&
                   so == 0
               ? 0
               : -1;
      if (so != 0) errno = so;
    }
    if (rc == 0) {
      s->fd_ = fd;
    } else {
      error = "cannot connect to " + to.host + ":" + port + ": " + std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(res);
  if (s->fd_ < 0) return nullptr;
  const int one = 1;
  ::setsockopt(s->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  error.clear();
  if (!options.tls) return s;

  s->tls_ = std::make_unique<Tls>();
  s->tls_->ctx = SSL_CTX_new(TLS_method());
  SSL_CTX_set_min_proto_version(s->tls_->ctx, TLS1_2_VERSION);
  if (!options.insecure) {
    if (SSL_CTX_load_verify_locations(s->tls_->ctx, options.cafile.empty() ? nullptr : options.cafile.c_str(),
                                      options.cafile.empty() ? "/etc/ssl/certs" : nullptr) != 1) {
      error = "cannot load CA file " + options.cafile + ": " + ssl_error();
      return nullptr;
    }
    SSL_CTX_set_verify(s->tls_->ctx, SSL_VERIFY_PEER, nullptr);
  }
  s->tls_->ssl = SSL_new(s->tls_->ctx);
  SSL_set_fd(s->tls_->ssl, s->fd_);
  unsigned char addr[16];
  const bool ip = inet_pton(AF_INET, to.host.c_str(), addr) == 1 || inet_pton(AF_INET6, to.host.c_str(), addr) == 1;
  if (!ip) SSL_set_tlsext_host_name(s->tls_->ssl, to.host.c_str());
  if (!options.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(s->tls_->ssl);
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, to.host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, to.host.c_str(), to.host.size());
    }
  }
  for (;;) {
    const int rc = SSL_connect(s->tls_->ssl);
    if (rc == 1) break;
    const int e = SSL_get_error(s->tls_->ssl, rc);
    const short want = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (want == 0 || wait_fd(s->fd_, want, deadline) == 0) {
      error = "TLS handshake with " + to.host + ":" + port + " failed: " + (want == 0 ? ssl_error() : "timeout");
      return nullptr;
    }
  }
  return s;
}

std::string NetStream::write(std::string_view bytes, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, 1 << 20);
    short want = POLLOUT;
    if (tls_) {
      const int rc = SSL_write(tls_->ssl, bytes.data() + done, static_cast<int>(chunk));
      if (rc > 0) {
        done += static_cast<std::size_t>(rc);
        continue;
      }
      const int e = SSL_get_error(tls_->ssl, rc);
      if (e == SSL_ERROR_WANT_READ) {
        want = POLLIN;
      } else if (e != SSL_ERROR_WANT_WRITE) {
        return "TLS write failed: " + ssl_error();
      }
    } else {
      const ssize_t rc = ::send(fd_, bytes.data() + done, chunk, MSG_NOSIGNAL);
      if (rc > 0) {
        done += static_cast<std::size_t>(rc);
        continue;
      }
      if (rc < 0 && errno != EAGAIN && errno != EINTR) return std::string("write failed: ") + std::strerror(errno);
    }
    if (wait_fd(fd_, want, deadline) == 0) return "timeout";
  }
  return {};
}

std::string NetStream::read_some(std::string& out, Clock::time_point deadline) {
  char buf[65536];
  for (;;) {
    short want = POLLIN;
    if (tls_) {
      const int rc = SSL_read(tls_->ssl, buf, sizeof buf);
      if (rc > 0) {
        out.append(buf, static_cast<std::size_t>(rc));
        return {};
      }
      const int e = SSL_get_error(tls_->ssl, rc);
      if (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL) {
        ERR_clear_error();
        return "closed";
      }
      if (e == SSL_ERROR_WANT_WRITE) {
        want = POLLOUT;
      } else if (e != SSL_ERROR_WANT_READ) {
        return "TLS read failed: " + ssl_error();
      }
    } else {
      const ssize_t rc = ::recv(fd_, buf, sizeof buf, 0);
      if (rc > 0) {
        out.append(buf, static_cast<std::size_t>(rc));
        return {};
      }
      if (rc == 0) return "closed";
      if (errno != EAGAIN && errno != EINTR) return std::string("read failed: ") + std::strerror(errno);
    }
    if (wait_fd(fd_, want, deadline) == 0) return "timeout";
  }
}

}  // namespace sealbox_bench
