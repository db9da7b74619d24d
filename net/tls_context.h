// TlsContext: the server side of TLS for IMAPS (DESIGN.md §3), a BoringSSL SSL_CTX behind asio::ssl::context.
//
// Policy, fixed here so no caller can weaken it: TLS 1.2 minimum and 1.3 preferred; for TLS 1.2 only forward-secret
// AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305; TLS 1.3 suites are all of that kind), chosen by server
// preference; session tickets on; no compression and no renegotiation (BoringSSL servers support neither). ALPN
// "imap" is selected when a client offers it; a client that offers no ALPN, or other protocols only, still connects.
#pragma once

#include <filesystem>
#include <memory>

#include <asio/ssl/context.hpp>

#include "base/result.h"

namespace net {

class TlsContext {
 public:
  // Loads a PEM certificate chain (leaf first, then intermediates) and its PEM private key (PKCS#8, EC or RSA).
  // Errors, each one line naming the file and the BoringSSL reason:
  //   Errc::not_found / Errc::io  "cannot read TLS certificate chain /p/fullchain.pem: No such file or directory"
  //   Errc::invalid_argument      "bad TLS private key /p/key.pem: PEM routines: NO_START_LINE"
  //   Errc::invalid_argument      "TLS private key /p/key.pem does not match certificate /p/fullchain.pem"
  // The key bytes read from disk are wiped after parsing. Thread-safe (touches no shared state).
  static base::Result<TlsContext> load(const std::filesystem::path& chain_pem, const std::filesystem::path& key_pem);

  TlsContext(TlsContext&&) noexcept = default;
  TlsContext& operator=(TlsContext&&) noexcept = default;
  ~TlsContext() = default;

  // The Asio context, for constructing asio::ssl::stream objects. The object keeps its address across moves of the
  // TlsContext. It must outlive every Listener that uses it (streams made from it hold their own reference to the
  // SSL_CTX, so live connections do not need it). Thread-safe for making streams; do not reconfigure it.
  asio::ssl::context& native() { return *ctx_; }

 private:
  explicit TlsContext(std::unique_ptr<asio::ssl::context> ctx) : ctx_(std::move(ctx)) {}
  std::unique_ptr<asio::ssl::context> ctx_;
};

}  // namespace net
