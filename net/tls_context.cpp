#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "net/ssl_error.h"

namespace net {
namespace {

using base::Errc;

// TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only. Brackets are BoringSSL equal-preference groups: between
// AES-128-GCM and ChaCha20 the client's order wins, so clients without AES hardware get ChaCha20. TLS 1.3 suites are
// not configurable in BoringSSL and are all forward-secret AEADs.
constexpr const char* kTls12Ciphers =
    "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]:"
    "[ECDHE-RSA-AES128-GCM-SHA256|ECDHE-RSA-CHACHA20-POLY1305]:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

// ALPN wire format: length-prefixed protocol names.
constexpr unsigned char kAlpnImap[] = {4, 'i', 'm', 'a', 'p'};

// Selects "imap" when offered. Otherwise NOACK: the handshake goes on without ALPN (RFC 9051 does not require it).
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in, unsigned in_len,
                void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kAlpnImap, sizeof kAlpnImap, in, in_len) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// Reads a whole file; errors name the file with the OS reason.
base::Result<std::string> read_pem(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return base::fail(err == ENOENT ? Errc::not_found : Errc::io,
                      std::string("cannot read ") + what + " " + path.string() + ": " + std::strerror(err));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return base::fail(Errc::io, std::string("cannot read ") + what + " " + path.string());
  return bytes;
}

bssl::UniquePtr<BIO> memory_bio(const std::string& bytes) {
  return bssl::UniquePtr<BIO>(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// Installs the leaf and any intermediates from `pem`.
base::Status use_chain(SSL_CTX* ctx, const std::string& pem, const std::filesystem::path& path) {
  auto bad = [&](const std::string& reason) {
    return base::fail(Errc::invalid_argument, "bad TLS certificate chain " + path.string() + ": " + reason);
  };
  auto bio = memory_bio(pem);
  bssl::UniquePtr<X509> leaf(PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr));
  if (!leaf) return bad(detail::take_ssl_error("no certificate"));
  if (SSL_CTX_use_certificate(ctx, leaf.get()) != 1) return bad(detail::take_ssl_error());
  SSL_CTX_clear_chain_certs(ctx);
  while (bssl::UniquePtr<X509> ca{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    if (SSL_CTX_add0_chain_cert(ctx, ca.get()) != 1) return bad(detail::take_ssl_error());
    ca.release();  // owned by ctx now
  }
  // The loop ends on "no start line" at the end of the file; anything else is a damaged intermediate.
  const std::uint32_t err = ERR_peek_last_error();
  if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
    ERR_clear_error();
  } else if (err != 0) {
    return bad(detail::take_ssl_error());
  }
  return base::ok();
}

base::Status use_key(SSL_CTX* ctx, std::string& pem, const std::filesystem::path& path) {
  auto bio = memory_bio(pem);
  bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return base::fail(Errc::invalid_argument,
                      "bad TLS private key " + path.string() + ": " + detail::take_ssl_error("no private key"));
  }
  return base::ok();
}

base::Status apply_policy(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_strict_cipher_list(ctx, kTls12Ciphers) != 1) {
    return base::fail(Errc::internal, "cannot configure TLS: " + detail::take_ssl_error());
  }
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);  // session tickets on: reconnecting clients skip the full handshake
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
  return base::ok();
}

}  // namespace

base::Result<TlsContext> TlsContext::load(const std::filesystem::path& chain_pem,
                                          const std::filesystem::path& key_pem) {
  ERR_clear_error();
  SB_TRY(std::string chain, read_pem(chain_pem, "TLS certificate chain"));
  SB_TRY(std::string key, read_pem(key_pem, "TLS private key"));
  std::unique_ptr<asio::ssl::context> ctx;
  try {
    ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    OPENSSL_cleanse(key.data(), key.size());
    return base::fail(Errc::internal, std::string("cannot create TLS context: ") + e.what());
  }
  SSL_CTX* raw = ctx->native_handle();
  auto policy = apply_policy(raw);
  auto key_status = use_key(raw, key, key_pem);  // always runs, so the key bytes are always wiped
  if (!policy) return std::move(policy).error();
  SB_CHECK(use_chain(raw, chain, chain_pem));
  SB_CHECK(key_status);
  if (SSL_CTX_check_private_key(raw) != 1) {
    ERR_clear_error();
    return base::fail(Errc::invalid_argument,
                      "TLS private key " + key_pem.string() + " does not match certificate " + chain_pem.string());
  }
  return TlsContext(std::move(ctx));
}

}  // namespace net
