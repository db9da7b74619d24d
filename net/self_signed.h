// make_self_signed: a certificate and key for `sealbox demo` and the tests (DESIGN.md §3).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace net {

// Makes a fresh ECDSA P-256 key and a self-signed X.509v3 certificate for it, valid from one hour ago for `days`
// days, and writes them as PEM: the certificate to `chain_out` (mode 0644) and the PKCS#8 key to `key_out` (mode
// 0600). Each file is written to a temporary name beside it, fsynced and renamed, so a crash never leaves half a file.
// The certificate has: subjectAltName with one DNS: entry per `dns_names` and one IP: entry per `ip_addresses`
// (IPv4 or IPv6 text); CN = the first DNS name (else the first IP); basicConstraints CA:FALSE (critical); keyUsage
// digitalSignature (critical); extendedKeyUsage serverAuth; a random positive 128-bit serial; SHA-256 signature.
// Clients such as mbsync check the host name against the SAN, so pass {"localhost"} and {"127.0.0.1"} for local use.
// Errors: Errc::invalid_argument (no names, a bad IP address or DNS name, days < 1), Errc::io naming the file,
// Errc::internal for a BoringSSL failure. Thread-safe.
base::Status make_self_signed(const std::filesystem::path& chain_out, const std::filesystem::path& key_out,
                              const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses,
                              int days);

}  // namespace net
