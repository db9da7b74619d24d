#include "test/support/tls_client.h"

#include "test/support/socket_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define ZLIB_CONST
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace test_support {
namespace {

using namespace socket_util;

enum class Fill { data, eof, timeout };

std::string ssl_reason() {
  const std::uint32_t e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "connection closed";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "error " + std::to_string(e);
}

bool is_ip(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// The literal size announced at the end of `line` ("{12}", "{12+}", "~{12}"), or -1.
long long trailing_literal(const std::string& line) {
  if (line.empty() || line.back() != '}') return -1;
  const auto open = line.rfind('{');
  if (open == std::string::npos) return -1;
  std::string digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.pop_back();
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(digits);
}

// Chain verification against the trusted certificate, falling back to pinning: a server certificate identical to
// the trusted one is accepted. BoringSSL's verifier (unlike OpenSSL 3's) will not use a self-signed CA:FALSE
// certificate as its own trust anchor; mbsync pins such certificates the same way.
int verify_or_pinned(X509_STORE_CTX* store, void* pinned) {
  if (X509_verify_cert(store) == 1) return 1;
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  if (pinned != nullptr && leaf != nullptr && X509_cmp(leaf, static_cast<X509*>(pinned)) == 0) {
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
  }
  return 0;
}

}  // namespace

struct TlsClient::Impl {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  X509* pinned = nullptr;  // the trusted certificate, when verifying
  std::uint16_t port = 0;
  std::string in;  // plaintext received and not yet returned
  bool eof = false;
  bool deflating = false;
  std::uint64_t received = 0;  // TLS plaintext bytes read (compressed ones while deflating)
  z_stream zin{};
  z_stream zout{};
  std::vector<std::string> untagged;

  ~Impl() {
    if (deflating) {
      inflateEnd(&zin);
      deflateEnd(&zout);
    }
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
    if (pinned != nullptr) X509_free(pinned);
    if (fd >= 0) ::close(fd);
  }

  std::runtime_error error(const std::string& what) const {
    return std::runtime_error("TLS client 127.0.0.1:" + std::to_string(port) + ": " + what);
  }

  // Takes decrypted bytes: inflated first when COMPRESS is active.
  void absorb(const char* data, std::size_t n) {
    received += n;
    if (!deflating) {
      in.append(data, n);
      return;
    }
    zin.next_in = reinterpret_cast<const Bytef*>(data);
    zin.avail_in = static_cast<uInt>(n);
    char out[65536];
    do {
      zin.next_out = reinterpret_cast<Bytef*>(out);
      zin.avail_out = sizeof out;
      const int rc = inflate(&zin, Z_SYNC_FLUSH);
      if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) throw error("inflate failed: " + std::to_string(rc));
      in.append(out, sizeof out - zin.avail_out);
    } while (zin.avail_in > 0 || zin.avail_out == 0);
  }

  // One SSL_read attempt: data (maybe zero plaintext bytes after inflate), eof, or "would block".
  enum class Try { data, eof, would_block_read, would_block_write };
  Try try_read() {
    if (eof) return Try::eof;
    char buf[16384];
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n > 0) {
      absorb(buf, static_cast<std::size_t>(n));
      return Try::data;
    }
    switch (SSL_get_error(ssl, n)) {
      case SSL_ERROR_WANT_READ: return Try::would_block_read;
      case SSL_ERROR_WANT_WRITE: return Try::would_block_write;
      case SSL_ERROR_ZERO_RETURN:  // close_notify: answer it and send FIN, as a well-behaved client does
        SSL_shutdown(ssl);
        [[fallthrough]];
      case SSL_ERROR_SYSCALL:  // TCP FIN without close_notify, or a reset
        ERR_clear_error();
        ::shutdown(fd, SHUT_WR);
        eof = true;
        return Try::eof;
      default:
        throw error("TLS read failed: " + ssl_reason());
    }
  }

  Fill fill(Clock::time_point deadline) {
    for (;;) {
      switch (try_read()) {
        case Try::data: return Fill::data;
        case Try::eof: return Fill::eof;
        case Try::would_block_read:
          if (wait_fd(fd, POLLIN, deadline) == 0) return Fill::timeout;
          break;
        case Try::would_block_write:
          if (wait_fd(fd, POLLOUT, deadline) == 0) return Fill::timeout;
          break;
      }
    }
  }

  // fill(), throwing on timeout or end of stream; `what` says what the caller is waiting for.
  void need_more(Clock::time_point deadline, const std::string& what) {
    const Fill f = fill(deadline);
    if (f == Fill::data) return;
    throw error(std::string(f == Fill::timeout ? "timed out" : "closed by the server") + " waiting for " + what +
                "; have " + std::to_string(in.size()) + " bytes: '" + printable(in) + "'");
  }

  void write_raw(const char* data, std::size_t n, Clock::time_point deadline) {
    std::size_t done = 0;
    while (done < n) {
      const int chunk = static_cast<int>(std::min<std::size_t>(n - done, 1 << 20));
      const int rc = SSL_write(ssl, data + done, chunk);
      if (rc > 0) {
        done += static_cast<std::size_t>(rc);
        continue;
      }
      const int err = SSL_get_error(ssl, rc);
      if (err != SSL_ERROR_WANT_WRITE && err != SSL_ERROR_WANT_READ) throw error("TLS write failed: " + ssl_reason());
      // While the server cannot take more, take what it sends us (an echo, say), or both sides could block.
      const short revents = wait_fd(fd, POLLOUT | POLLIN, deadline);
      if (revents == 0) throw error("timed out sending " + std::to_string(n) + " bytes");
      if ((revents & POLLIN) != 0 && !eof) {
        while (try_read() == Try::data) {
        }
      }
    }
  }
};

TlsClient::TlsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClient::TlsClient(TlsClient&&) noexcept = default;
TlsClient& TlsClient::operator=(TlsClient&&) noexcept = default;
TlsClient::~TlsClient() { close(); }

TlsClient TlsClient::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
  TlsClientOptions options;
  options.timeout = timeout;
  return connect(port, options);
}

TlsClient TlsClient::connect(std::uint16_t port, const TlsClientOptions& o) {
  const auto deadline = Clock::now() + o.timeout;
  auto c = std::make_unique<Impl>();
  c->port = port;
  std::string error;
  c->fd = connect_loopback(port, deadline, error);
  if (c->fd < 0) throw c->error(error);

  ERR_clear_error();
  c->ctx = SSL_CTX_new(TLS_method());
  if (c->ctx == nullptr || SSL_CTX_set_min_proto_version(c->ctx, static_cast<std::uint16_t>(o.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(c->ctx, static_cast<std::uint16_t>(o.max_version)) != 1 ||
      (!o.cipher_list.empty() && SSL_CTX_set_strict_cipher_list(c->ctx, o.cipher_list.c_str()) != 1)) {
    throw c->error("TLS setup: " + ssl_reason());
  }
  if (!o.trusted_cert.empty()) {
    if (SSL_CTX_load_verify_locations(c->ctx, o.trusted_cert.c_str(), nullptr) != 1) {
      throw c->error("cannot load " + o.trusted_cert.string() + ": " + ssl_reason());
    }
    if (FILE* f = std::fopen(o.trusted_cert.c_str(), "r")) {
      c->pinned = PEM_read_X509(f, nullptr, nullptr, nullptr);
      std::fclose(f);
    }
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(c->ctx, verify_or_pinned, c->pinned);
  }
  c->ssl = SSL_new(c->ctx);
  if (c->ssl == nullptr || SSL_set_fd(c->ssl, c->fd) != 1) throw c->error("SSL_new: " + ssl_reason());
  if (!o.alpn.empty()) {
    std::string wire;
    for (const auto& p : o.alpn) wire += static_cast<char>(p.size()) + p;
    SSL_set_alpn_protos(c->ssl, reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size());
  }
  for (const auto& name : o.expected_names) {
    if (!is_ip(name)) {
      SSL_set_tlsext_host_name(c->ssl, name.c_str());
      break;
    }
  }
  for (;;) {
    const int rc = SSL_connect(c->ssl);
    if (rc == 1) break;
    const int err = SSL_get_error(c->ssl, rc);
    short revents = 0;
    if (err == SSL_ERROR_WANT_READ) revents = wait_fd(c->fd, POLLIN, deadline);
    else if (err == SSL_ERROR_WANT_WRITE) revents = wait_fd(c->fd, POLLOUT, deadline);
    else {
      std::string reason = ssl_reason();
      const long verify = SSL_get_verify_result(c->ssl);
      if (!o.trusted_cert.empty() && verify != X509_V_OK) reason += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      throw c->error("TLS handshake failed: " + reason);
    }
    if (revents == 0) throw c->error("TLS handshake timed out");
  }
  if (!o.expected_names.empty()) {
    X509* cert = SSL_get_peer_certificate(c->ssl);
    if (cert == nullptr) throw c->error("server sent no certificate");
    for (const auto& name : o.expected_names) {
      const int match = is_ip(name) ? X509_check_ip_asc(cert, name.c_str(), 0)
                                    : X509_check_host(cert, name.data(), name.size(), 0, nullptr);
      if (match != 1) {
        X509_free(cert);
        throw c->error("certificate does not match '" + name + "'");
      }
    }
    X509_free(cert);
  }
  return TlsClient(std::move(c));
}

void TlsClient::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  if (!impl_ || impl_->ssl == nullptr) throw std::runtime_error("TLS client: send on a closed client");
  const auto deadline = Clock::now() + timeout;
  if (!impl_->deflating) {
    impl_->write_raw(bytes.data(), bytes.size(), deadline);
    return;
  }
  z_stream& z = impl_->zout;
  z.next_in = reinterpret_cast<const Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  char out[65536];
  do {
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = sizeof out;
    if (deflate(&z, Z_SYNC_FLUSH) == Z_STREAM_ERROR) throw impl_->error("deflate failed");
    impl_->write_raw(out, sizeof out - z.avail_out, deadline);
  } while (z.avail_in > 0 || z.avail_out == 0);
}

std::string TlsClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::size_t scan = 0;
  for (;;) {
    const auto pos = impl_->in.find("\r\n", scan);
    if (pos != std::string::npos) {
      std::string line = impl_->in.substr(0, pos);
      impl_->in.erase(0, pos + 2);
      return line;
    }
    scan = impl_->in.empty() ? 0 : impl_->in.size() - 1;
    impl_->need_more(deadline, "a line");
  }
}

std::string TlsClient::read_bytes(std::size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (impl_->in.size() < n) impl_->need_more(deadline, std::to_string(n) + " bytes");
  std::string out = impl_->in.substr(0, n);
  impl_->in.erase(0, n);
  return out;
}

std::vector<std::string> TlsClient::read_response(std::string_view tag, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto left = [&] { return std::chrono::milliseconds(ms_left(deadline)); };
  const std::string prefix = std::string(tag) + " ";
  std::vector<std::string> responses;
  for (;;) {
    std::string segment = read_line(left());
    std::string response = segment;
    for (long long n = trailing_literal(segment); n >= 0; n = trailing_literal(segment)) {
      response += "\r\n";
      response += read_bytes(static_cast<std::size_t>(n), left());
      segment = read_line(left());
      response += segment;
    }
    const bool tagged = response.compare(0, prefix.size(), prefix) == 0;
    responses.push_back(std::move(response));
    if (tagged) return responses;
  }
}

std::string TlsClient::command(std::string_view tag, std::string_view text, std::chrono::milliseconds timeout) {
  send(std::string(tag) + " " + std::string(text) + "\r\n", timeout);
  auto responses = read_response(tag, timeout);
  std::string status = std::move(responses.back());
  responses.pop_back();
  impl_->untagged = std::move(responses);
  return status;
}

const std::vector<std::string>& TlsClient::last_untagged() const { return impl_->untagged; }

bool TlsClient::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const Fill f = impl_->fill(deadline);
    if (f == Fill::eof) return true;
    if (f == Fill::timeout) return false;
  }
}

void TlsClient::start_deflate() {
  Impl& c = *impl_;
  if (c.deflating) throw c.error("COMPRESS already active");
  const int size = static_cast<int>(sizeof(z_stream));
  if (inflateInit2_(&c.zin, -15, ZLIB_VERSION, size) != Z_OK) throw c.error("inflateInit2 failed");
  if (deflateInit2_(&c.zout, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, size) != Z_OK) {
    inflateEnd(&c.zin);
    throw c.error("deflateInit2 failed");
  }
  c.deflating = true;
  // Whatever arrived after the server's OK is already compressed.
  std::string early = std::move(c.in);
  c.in.clear();
  if (!early.empty()) c.absorb(early.data(), early.size());
}

std::uint64_t TlsClient::bytes_received() const { return impl_->received; }

std::string TlsClient::negotiated_version() const { return SSL_get_version(impl_->ssl); }

std::string TlsClient::cipher() const {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl);
  return cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : "";
}

std::string TlsClient::alpn() const {
  const std::uint8_t* data = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(impl_->ssl, &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

void TlsClient::close() {
  if (!impl_ || impl_->fd < 0) return;
  if (impl_->ssl != nullptr && !impl_->eof) {
    SSL_shutdown(impl_->ssl);  // non-blocking, best effort: queue our close_notify
    ERR_clear_error();
  }
  ::close(impl_->fd);
  impl_->fd = -1;
}

}  // namespace test_support
