// make_self_signed and TlsContext::load: the certificate's contents, file modes, and one-line load errors.
#include <sys/stat.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/test/unit_test.hpp>

#include "net/self_signed.h"
#include "net/tls_context.h"
#include "test/support/temp_dir.h"
#include "test/support/why.h"

namespace {

using test_support::TempDir;
using test_support::why;

bssl::UniquePtr<X509> read_cert(const std::filesystem::path& p) {
  const std::string pem = test_support::read_file(p);
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return bssl::UniquePtr<X509>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string common_name(X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

bool one_line(const std::string& s) { return s.find('\n') == std::string::npos && !s.empty(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_context)

BOOST_AUTO_TEST_CASE(self_signed_certificate_loads) {
  TempDir dir;
  auto made = net::make_self_signed(dir / "chain.pem", dir / "key.pem", {"localhost"}, {"127.0.0.1"}, 30);
  BOOST_TEST_REQUIRE(made.has_value(), why(made));
  auto ctx = net::TlsContext::load(dir / "chain.pem", dir / "key.pem");
  BOOST_TEST(ctx.has_value(), why(ctx));
}

BOOST_AUTO_TEST_CASE(key_file_is_private_and_no_temp_files_remain) {
  TempDir dir;
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "chain.pem", dir / "key.pem", {"localhost"}, {}, 1).has_value());
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat((dir / "key.pem").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST_REQUIRE(::stat((dir / "chain.pem").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0644u);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  BOOST_TEST(files == 2);
}

BOOST_AUTO_TEST_CASE(certificate_has_san_cn_and_server_usages) {
  TempDir dir;
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "c.pem", dir / "k.pem", {"localhost", "mail.example.org"},
                                           {"127.0.0.1", "::1"}, 10)
                         .has_value());
  auto cert = read_cert(dir / "c.pem");
  BOOST_TEST_REQUIRE(cert != nullptr);
  BOOST_TEST(X509_get_version(cert.get()) == X509_VERSION_3);
  BOOST_TEST(common_name(cert.get()) == "localhost");
  BOOST_TEST(X509_check_host(cert.get(), "localhost", 9, 0, nullptr) == 1);
  BOOST_TEST(X509_check_host(cert.get(), "mail.example.org", 16, 0, nullptr) == 1);
  BOOST_TEST(X509_check_host(cert.get(), "example.com", 11, 0, nullptr) != 1);
  BOOST_TEST(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
  BOOST_TEST(X509_check_ip_asc(cert.get(), "::1", 0) == 1);
  BOOST_TEST(X509_check_ip_asc(cert.get(), "127.0.0.2", 0) != 1);
  BOOST_TEST(X509_check_ca(cert.get()) == 0);  // basicConstraints CA:FALSE
  BOOST_TEST((X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE) != 0u);
  BOOST_TEST((X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN) == 0u);
  BOOST_TEST((X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER) != 0u);
  bssl::UniquePtr<EVP_PKEY> pub(X509_get_pubkey(cert.get()));
  BOOST_TEST(EVP_PKEY_id(pub.get()) == EVP_PKEY_EC);
  BOOST_TEST(X509_verify(cert.get(), pub.get()) == 1);  // self-signed
}

BOOST_AUTO_TEST_CASE(serials_are_random_and_cn_falls_back_to_ip) {
  TempDir dir;
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "a.pem", dir / "ak.pem", {}, {"127.0.0.1"}, 1).has_value());
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "b.pem", dir / "bk.pem", {}, {"127.0.0.1"}, 1).has_value());
  auto a = read_cert(dir / "a.pem");
  auto b = read_cert(dir / "b.pem");
  BOOST_TEST(common_name(a.get()) == "127.0.0.1");
  BOOST_TEST(ASN1_INTEGER_cmp(X509_get_serialNumber(a.get()), X509_get_serialNumber(b.get())) != 0);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused) {
  TempDir dir;
  auto none = net::make_self_signed(dir / "c.pem", dir / "k.pem", {}, {}, 1);
  BOOST_TEST_REQUIRE(!none.has_value());
  BOOST_TEST((none.error().code == base::Errc::invalid_argument));
  auto bad_ip = net::make_self_signed(dir / "c.pem", dir / "k.pem", {"localhost"}, {"300.1.1.1"}, 1);
  BOOST_TEST_REQUIRE(!bad_ip.has_value());
  BOOST_TEST((bad_ip.error().code == base::Errc::invalid_argument));
  BOOST_TEST(bad_ip.error().detail.find("300.1.1.1") != std::string::npos);
  auto bad_dns = net::make_self_signed(dir / "c.pem", dir / "k.pem", {"a,DNS:evil"}, {}, 1);
  BOOST_TEST(!bad_dns.has_value());
  auto bad_days = net::make_self_signed(dir / "c.pem", dir / "k.pem", {"localhost"}, {}, 0);
  BOOST_TEST(!bad_days.has_value());
  BOOST_TEST(!std::filesystem::exists(dir / "c.pem"));
  auto bad_dir = net::make_self_signed(dir / "no" / "c.pem", dir / "no" / "k.pem", {"localhost"}, {}, 1);
  BOOST_TEST_REQUIRE(!bad_dir.has_value());
  BOOST_TEST((bad_dir.error().code == base::Errc::io));
  BOOST_TEST(bad_dir.error().detail.find((dir / "no").string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_file_names_the_file) {
  TempDir dir;
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "c.pem", dir / "k.pem", {"localhost"}, {}, 1).has_value());
  auto r = net::TlsContext::load(dir / "missing.pem", dir / "k.pem");
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == base::Errc::not_found));
  BOOST_TEST(r.error().detail.find((dir / "missing.pem").string()) != std::string::npos, r.error().detail);
  BOOST_TEST(r.error().detail.find("No such file") != std::string::npos, r.error().detail);
  BOOST_TEST(one_line(r.error().detail));
  auto k = net::TlsContext::load(dir / "c.pem", dir / "nokey.pem");
  BOOST_TEST_REQUIRE(!k.has_value());
  BOOST_TEST(k.error().detail.find("nokey.pem") != std::string::npos, k.error().detail);
}

BOOST_AUTO_TEST_CASE(mismatched_key_is_refused) {
  TempDir dir;
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "c1.pem", dir / "k1.pem", {"localhost"}, {}, 1).has_value());
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "c2.pem", dir / "k2.pem", {"localhost"}, {}, 1).has_value());
  auto r = net::TlsContext::load(dir / "c1.pem", dir / "k2.pem");
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == base::Errc::invalid_argument));
  BOOST_TEST(r.error().detail.find("does not match") != std::string::npos, r.error().detail);
  BOOST_TEST(r.error().detail.find("k2.pem") != std::string::npos);
  BOOST_TEST(r.error().detail.find("c1.pem") != std::string::npos);
  BOOST_TEST(one_line(r.error().detail));
}

BOOST_AUTO_TEST_CASE(garbage_files_give_the_boringssl_reason) {
  TempDir dir;
  BOOST_TEST_REQUIRE(net::make_self_signed(dir / "c.pem", dir / "k.pem", {"localhost"}, {}, 1).has_value());
  test_support::write_file(dir / "junk.pem", "this is not PEM\n");
  auto bad_key = net::TlsContext::load(dir / "c.pem", dir / "junk.pem");
  BOOST_TEST_REQUIRE(!bad_key.has_value());
  BOOST_TEST(bad_key.error().detail.find("bad TLS private key " + (dir / "junk.pem").string() + ": ") == 0u,
             bad_key.error().detail);
  BOOST_TEST(one_line(bad_key.error().detail));
  auto bad_chain = net::TlsContext::load(dir / "junk.pem", dir / "k.pem");
  BOOST_TEST_REQUIRE(!bad_chain.has_value());
  BOOST_TEST(bad_chain.error().detail.find("bad TLS certificate chain " + (dir / "junk.pem").string()) == 0u,
             bad_chain.error().detail);
  BOOST_TEST(one_line(bad_chain.error().detail));
  // The key where the chain belongs: a PEM file, but no certificate in it.
  auto swapped = net::TlsContext::load(dir / "k.pem", dir / "c.pem");
  BOOST_TEST(!swapped.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
