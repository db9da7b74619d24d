#include "net/self_signed.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "net/ssl_error.h"

namespace net {
namespace {

using base::Errc;

base::Error ssl_failure(const char* step) {
  return base::fail(Errc::internal, std::string("cannot make certificate: ") + step + ": " + detail::take_ssl_error());
}

// A DNS name for a SAN entry: letters, digits, '-', '.', and a leading "*." wildcard. Refusing anything else keeps
// odd bytes out of the certificate.
bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || (c == '*' && i == 0 && name.size() > 2 && name[1] == '.');
    if (!ok) return false;
  }
  return true;
}

// Appends one GENERAL_NAME; IP addresses are stored as 4 or 16 raw bytes, as RFC 5280 requires.
base::Status add_name(GENERAL_NAMES* names, const std::string& value, bool is_ip) {
  bssl::UniquePtr<GENERAL_NAME> gn(GENERAL_NAME_new());
  if (!gn) return ssl_failure("GENERAL_NAME_new");
  if (is_ip) {
    unsigned char raw[16];
    int len = 0;
    if (inet_pton(AF_INET, value.c_str(), raw) == 1) {
      len = 4;
    } else if (inet_pton(AF_INET6, value.c_str(), raw) == 1) {
      len = 16;
    } else {
      return base::fail(Errc::invalid_argument, "not an IP address: '" + value + "'");
    }
    ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
    if (ip == nullptr || ASN1_OCTET_STRING_set(ip, raw, len) != 1) {
      ASN1_OCTET_STRING_free(ip);
      return ssl_failure("IP address");
    }
    GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, ip);
  } else {
    if (!valid_dns_name(value)) return base::fail(Errc::invalid_argument, "not a DNS name: '" + value + "'");
    ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
    if (dns == nullptr || ASN1_STRING_set(dns, value.data(), static_cast<int>(value.size())) != 1) {
      ASN1_IA5STRING_free(dns);
      return ssl_failure("DNS name");
    }
    GENERAL_NAME_set0_value(gn.get(), GEN_DNS, dns);
  }
  if (sk_GENERAL_NAME_push(names, gn.get()) == 0) return ssl_failure("SAN");
  gn.release();
  return base::ok();
}

base::Status add_ext(X509* cert, int nid, bool critical, void* value, const char* what) {
  bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_i2d(nid, critical ? 1 : 0, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return ssl_failure(what);
  return base::ok();
}

base::Status add_extensions(X509* cert, const std::vector<std::string>& dns_names,
                            const std::vector<std::string>& ip_addresses) {
  bssl::UniquePtr<GENERAL_NAMES> san(sk_GENERAL_NAME_new_null());
  if (!san) return ssl_failure("SAN");
  for (const auto& name : dns_names) SB_CHECK(add_name(san.get(), name, false));
  for (const auto& ip : ip_addresses) SB_CHECK(add_name(san.get(), ip, true));
  SB_CHECK(add_ext(cert, NID_subject_alt_name, false, san.get(), "subjectAltName"));
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(BASIC_CONSTRAINTS_new());
  if (!bc) return ssl_failure("basicConstraints");
  bc->ca = 0;
  SB_CHECK(add_ext(cert, NID_basic_constraints, true, bc.get(), "basicConstraints"));
  bssl::UniquePtr<ASN1_BIT_STRING> usage(ASN1_BIT_STRING_new());
  if (!usage || ASN1_BIT_STRING_set_bit(usage.get(), 0, 1) != 1) return ssl_failure("keyUsage");  // digitalSignature
  SB_CHECK(add_ext(cert, NID_key_usage, true, usage.get(), "keyUsage"));
  bssl::UniquePtr<EXTENDED_KEY_USAGE> eku(sk_ASN1_OBJECT_new_null());
  if (!eku || sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(NID_server_auth)) == 0) return ssl_failure("extendedKeyUsage");
  SB_CHECK(add_ext(cert, NID_ext_key_usage, false, eku.get(), "extendedKeyUsage"));
  return base::ok();
}

base::Result<bssl::UniquePtr<X509>> build_certificate(EVP_PKEY* key, const std::vector<std::string>& dns_names,
                                                      const std::vector<std::string>& ip_addresses, int days) {
  bssl::UniquePtr<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return ssl_failure("X509_new");
  // Random positive 128-bit serial (RFC 5280 allows up to 20 octets; the top bit cleared keeps it positive).
  std::uint8_t serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] &= 0x7f;
  serial_bytes[0] |= 0x01;  // and nonzero
  bssl::UniquePtr<BIGNUM> serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return ssl_failure("serial");
  }
  // Backdated an hour so a client whose clock is slightly behind still accepts a certificate made just now.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400) == nullptr) {
    return ssl_failure("validity");
  }
  const std::string& cn = dns_names.empty() ? ip_addresses.front() : dns_names.front();
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const std::uint8_t*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), subject) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    return ssl_failure("subject");
  }
  SB_CHECK(add_extensions(cert.get(), dns_names, ip_addresses));
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) return ssl_failure("sign");
  return cert;
}

// Writes `bytes` to path.tmp with `mode`, fsyncs, renames over `path`, then fsyncs the directory.
base::Status write_atomically(const std::filesystem::path& path, const std::string& bytes, mode_t mode) {
  auto io_error = [&](const char* what) {
    return base::fail(Errc::io, std::string("cannot ") + what + " " + path.string() + ": " + std::strerror(errno));
  };
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return io_error("create");
  ::fchmod(fd, mode);  // O_CREAT's mode is masked by umask and ignored for an existing file: set it exactly
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      return io_error("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return io_error("sync");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return io_error("rename to");
  }
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return base::ok();
}

base::Result<std::string> pem_string(const std::function<int(BIO*)>& write) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return ssl_failure("PEM");
  const std::uint8_t* data = nullptr;
  std::size_t len = 0;
  if (BIO_mem_contents(bio.get(), &data, &len) != 1) return ssl_failure("PEM");
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace

base::Status make_self_signed(const std::filesystem::path& chain_out, const std::filesystem::path& key_out,
                              const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses,
                              int days) {
  if (dns_names.empty() && ip_addresses.empty()) {
    return base::fail(Errc::invalid_argument, "a certificate needs at least one DNS name or IP address");
  }
  if (days < 1 || days > 36500) return base::fail(Errc::invalid_argument, "certificate days must be 1..36500");
  ERR_clear_error();
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (!ec || !key || EC_KEY_generate_key(ec.get()) != 1 || EVP_PKEY_assign_EC_KEY(key.get(), ec.get()) != 1) {
    return ssl_failure("P-256 key");
  }
  ec.release();  // owned by key now
  SB_TRY(auto cert, build_certificate(key.get(), dns_names, ip_addresses, days));
  SB_TRY(std::string cert_pem, pem_string([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }));
  SB_TRY(std::string key_pem, pem_string([&](BIO* b) {
           return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
         }));
  auto status = write_atomically(key_out, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  SB_CHECK(status);
  return write_atomically(chain_out, cert_pem, 0644);
}

}  // namespace net
