// Confidentiality at rest: deliver a corpus with known subjects, bodies, addresses, a mailbox name and a keyword;
// then scan every byte of every file under the data root, and every path, for those strings in plain and base64
// form. Checked twice: while the mail waits in the spool, and after it was imported into mailboxes.
#include <boost/test/unit_test.hpp>

#include "store/account.h"
#include "test/support/cli_fixture.h"
#include "test/support/messages.h"

using namespace test_support;

namespace {

const std::string kPassword = "orange-kettle-79-violin";
const std::vector<std::string> kSecrets = {
    "Quarterly merger Zanzibar",        // a subject
    "the vault combination is 31-41",   // a body line
    "deep.throat@whistle.example",      // an address
    "Secret Project Nightingale",       // a mailbox name
    "$ConfidentialKeywordQuokka",       // a keyword (flag)
    kPassword,                          // the password itself
};

// The base64 forms of s at each of the three byte alignments, trimmed to the characters that depend only on s.
std::vector<std::string> base64_forms(const std::string& s) {
  std::vector<std::string> out;
  const std::size_t skip[] = {0, 2, 3};
  for (std::size_t k = 0; k < 3; ++k) {
    std::string enc = base64(std::string(k, 'x') + s);
    out.push_back(enc.substr(skip[k], enc.size() - skip[k] - 4));
  }
  return out;
}

void scan_for_secrets(const std::filesystem::path& root, const std::string& stage) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    for (const auto& secret : kSecrets) {
      BOOST_TEST(path.find(secret) == std::string::npos, stage << ": path " << path << " names a secret");
      BOOST_TEST(path.find("Nightingale") == std::string::npos, stage << ": path " << path);
    }
    if (!entry.is_regular_file()) continue;
    std::string bytes = read_file(entry.path());
    for (const auto& secret : kSecrets) {
      BOOST_TEST(bytes.find(secret) == std::string::npos, stage << ": " << path << " contains '" << secret << "'");
      for (const auto& form : base64_forms(secret)) {
        BOOST_TEST(bytes.find(form) == std::string::npos,
                   stage << ": " << path << " contains base64 of '" << secret << "'");
      }
    }
  }
}

std::string corpus_message(int i) {
  return "From: Deep Throat <deep.throat@whistle.example>\r\nTo: carol@example.net\r\nSubject: Quarterly merger "
         "Zanzibar (" + std::to_string(i) + ")\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n"
         "the vault combination is 31-41-59-26.\r\n" + make_message(static_cast<unsigned>(i), 3000, Body::ascii) +
         "\r\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(confidentiality)

BOOST_AUTO_TEST_CASE(no_plaintext_anywhere_under_the_root) {
  SealboxRoot sb;
  sb.add_user("carol", kPassword);
  {
    auto account = store::Account::open(store::Root(sb.root()), "carol", kPassword);
    BOOST_REQUIRE(account.has_value());
    BOOST_REQUIRE((*account)->create_mailbox("Secret Project Nightingale").has_value());
  }
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> args{"deliver", "--user", "carol"};
    if (i % 2) args.insert(args.end(), {"--mailbox", "Secret Project Nightingale"});
    BOOST_REQUIRE_EQUAL(sb.run(args, corpus_message(i)).exit_code, 0);
  }
  scan_for_secrets(sb.root(), "spooled");

  {
    auto account = store::Account::open(store::Root(sb.root()), "carol", kPassword);
    BOOST_REQUIRE(account.has_value());
    auto report = (*account)->import_spool(1);
    BOOST_REQUIRE(report.has_value());
    BOOST_TEST(report->imported == 20u);
    auto box = (*account)->open_mailbox((*account)->find_mailbox("Secret Project Nightingale")->id);
    BOOST_REQUIRE(box.has_value());
    BOOST_REQUIRE_EQUAL((*box)->messages().size(), 10u);
    std::vector<std::pair<std::uint32_t, std::vector<std::string>>> flags{
        {(*box)->messages()[0].uid, {"\\Seen", "$ConfidentialKeywordQuokka"}}};
    BOOST_REQUIRE((*box)->set_flags(flags).has_value());
    // The plaintext is really there, behind the password.
    auto body = (*account)->read_message((*box)->messages()[0]);
    BOOST_REQUIRE(body.has_value());
    BOOST_TEST(std::string(base::as_chars(*body)).find("the vault combination is 31-41") != std::string::npos);
  }
  scan_for_secrets(sb.root(), "imported");
}

BOOST_AUTO_TEST_SUITE_END()
