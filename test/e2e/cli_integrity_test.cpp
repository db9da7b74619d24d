// Integrity: a single flipped byte anywhere in a blob, a journal, a key file or the account file is reported as
// corruption (never as wrong data, never mistaken for a wrong password), and a blob cut at any chunk boundary is
// detected. Exhaustive flips run in-process through the store API; `sealbox check` is run on samples of each kind.
#include <boost/test/unit_test.hpp>

#include "crypto/blob.h"
#include "store/account.h"
#include "test/support/cli_fixture.h"
#include "test/support/messages.h"

using namespace test_support;

namespace {

const std::string kPassword = "integrity matters a lot";

struct Fixture {
  SealboxRoot sb;
  std::vector<std::string> sent;
  Fixture() {
    sb.add_user("alice", kPassword);
    sent = {make_message(1, 700, Body::ascii), make_message(2, 200000, Body::binary),
            make_message(3, 300000, Body::ascii)};
    for (const auto& m : sent) BOOST_REQUIRE_EQUAL(sb.run({"deliver", "--user", "alice"}, m).exit_code, 0);
    auto account = store::Account::open(store::Root(sb.root()), "alice", kPassword);
    BOOST_REQUIRE(account.has_value());
    BOOST_REQUIRE((*account)->import_spool(1).has_value());
  }
  std::filesystem::path user() const { return sb.user_dir("alice"); }
  std::filesystem::path blob_of(std::size_t i) const {
    auto blobs = files_under(user() / "blobs");
    // Ids are time-ordered: sorting by file name (not by directory) gives delivery order.
    std::sort(blobs.begin(), blobs.end(), [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
    return blobs.at(i);
  }
  int check_exit() const {
    return sb.run({"check", "alice", "--password-file", sb.password_file(kPassword).string()}).exit_code;
  }
  // Reads every message back in-process: true if all came back identical, false if any read failed; a read that
  // succeeds with different bytes fails the test at once.
  bool read_all_ok() const {
    auto account = store::Account::open(store::Root(sb.root()), "alice", kPassword);
    if (!account) {
      BOOST_TEST((account.error().code == base::Errc::corrupt), account.error().message());
      return false;
    }
    auto inbox = (*account)->open_mailbox((*account)->find_mailbox("INBOX")->id);
    if (!inbox) return false;
    bool all = true;
    for (std::size_t i = 0; i < (*inbox)->messages().size(); ++i) {
      auto body = (*account)->read_message((*inbox)->messages()[i]);
      if (!body) {
        BOOST_TEST((body.error().code == base::Errc::corrupt), body.error().message());
        all = false;
      } else {
        BOOST_REQUIRE_MESSAGE(std::string(base::as_chars(*body)) == sent[i], "wrong data returned for message " << i);
      }
    }
    return all;
  }
};

void flip(const std::filesystem::path& p, std::size_t at) {
  auto bytes = read_file(p);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  write_file(p, bytes);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(integrity)

BOOST_FIXTURE_TEST_CASE(every_byte_of_a_small_blob, Fixture) {
  auto blob = blob_of(0);
  auto original = read_file(blob);
  BOOST_REQUIRE(read_all_ok());
  for (std::size_t at = 0; at < original.size(); ++at) {
    flip(blob, at);
    BOOST_TEST(!read_all_ok(), "flip at " << at << " went unnoticed");
    write_file(blob, original);
  }
  flip(blob, original.size() / 2);
  BOOST_TEST(check_exit() == 65);
}

BOOST_FIXTURE_TEST_CASE(large_blobs_flips_and_chunk_truncation, Fixture) {
  for (std::size_t i : {1u, 2u}) {
    auto blob = blob_of(i);
    auto original = read_file(blob);
    for (std::size_t at = 0; at < original.size(); at += 997) {
      flip(blob, at);
      BOOST_TEST(!read_all_ok(), "flip at " << at << " went unnoticed");
      write_file(blob, original);
    }
    // Walk the frames (layout in crypto/blob.h) and cut the file at every frame boundary.
    std::size_t pos = 316 + crypto::kBlobHeaderBytes;  // delivery header, then blob header
    std::vector<std::size_t> boundaries{0, 316, pos};
    while (pos + 4 <= original.size()) {
      std::uint32_t word = 0;
      for (int k = 0; k < 4; ++k) word |= std::uint32_t{static_cast<unsigned char>(original[pos + k])} << (8 * k);
      pos += 4 + (word & 0x7fffffffu);
      boundaries.push_back(pos);
    }
    BOOST_TEST(pos == original.size());
    BOOST_TEST(boundaries.size() >= 6u);
    for (auto cut : boundaries) {
      if (cut == original.size()) continue;
      write_file(blob, original.substr(0, cut));
      BOOST_TEST(!read_all_ok(), "truncation at " << cut << " went unnoticed");
    }
    write_file(blob, original);
  }
  BOOST_TEST(read_all_ok());
  BOOST_TEST(check_exit() == 0);
}

BOOST_FIXTURE_TEST_CASE(journals_key_files_and_account_file, Fixture) {
  std::vector<std::filesystem::path> targets;
  for (const auto& p : files_under(user() / "mailboxes")) targets.push_back(p);
  for (const auto& p : files_under(user() / "journal")) targets.push_back(p);
  targets.push_back(user() / "keys" / "1.sec");
  targets.push_back(user() / "keys" / "1.pub");
  targets.push_back(user() / "account");
  for (const auto& target : targets) {
    auto original = read_file(target);
    for (std::size_t at = 0; at < original.size(); ++at) {
      flip(target, at);
      // The account and key files are used when opening or importing: every flip must stop it with corrupt.
      auto account = store::Account::open(store::Root(sb.root()), "alice", kPassword);
      if (account) {
        auto report = (*account)->verify();
        bool key_file = target.parent_path().filename() == "keys";
        BOOST_TEST((key_file || !report.errors.empty()), target << " flip at " << at << " went unnoticed");
      } else {
        BOOST_TEST((account.error().code == base::Errc::corrupt),
                   target << " flip at " << at << ": " << account.error().message());
      }
      write_file(target, original);
    }
    flip(target, original.size() - 1);
    auto r = sb.run({"check", "alice", "--password-file", sb.password_file(kPassword).string()});
    BOOST_TEST(r.exit_code != 0, target << ": check passed with a flipped byte");
    BOOST_TEST(r.exit_code != 77, target << ": corruption reported as a wrong password");
    write_file(target, original);
  }
  // A damaged public key must stop deliveries (temporary failure: the MTA keeps the mail) instead of sealing mail
  // to a key nobody holds.
  auto pub = user() / "keys" / "1.pub";
  auto original = read_file(pub);
  for (std::size_t at = 0; at < original.size(); ++at) {
    flip(pub, at);
    auto r = sb.run({"deliver", "--user", "alice"}, "Subject: x\r\n\r\ny\r\n");
    BOOST_TEST(r.exit_code == 75, "flip at " << at << ": " << r.err);
    write_file(pub, original);
  }
  BOOST_TEST(files_under(user() / "spool").empty());
  BOOST_TEST(check_exit() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
