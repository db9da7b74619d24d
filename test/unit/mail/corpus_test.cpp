// The message corpus in test/corpus/: for every NAME.eml, the ENVELOPE, BODY and BODYSTRUCTURE strings must equal
// NAME.envelope, NAME.body and NAME.bodystructure byte for byte. Those were written by hand from RFC 3501 §7.4.2/§9
// (see test/corpus/README.md), so a difference is a bug on one side or the other, never a reason to regenerate.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "mail/imap_format.h"

BOOST_AUTO_TEST_SUITE(corpus)

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = SEALBOX_CORPUS_DIR;
constexpr std::size_t kMinMessages = 20;
constexpr const char* kExpectations[] = {".envelope", ".body", ".bodystructure"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The corpus messages by name (the file name without ".eml"), sorted.
std::vector<std::string> message_names() {
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(kCorpus))
    if (e.is_regular_file() && e.path().extension() == ".eml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Printable form for failure messages: CR, LF, NUL and 8-bit bytes become escapes (backslash is doubled, so two
// different strings never print the same).
std::string visible(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 32 || u >= 127) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

void check_ranges(const mail::Part& part, mail::Range within) {
  const std::size_t end = within.offset + within.length;
  BOOST_CHECK_GE(part.header.offset, within.offset);
  BOOST_CHECK_LE(part.header.offset + part.header.length, end);
  BOOST_CHECK_EQUAL(part.header.offset + part.header.length, part.body.offset);  // the body follows its header
  BOOST_CHECK_LE(part.body.offset + part.body.length, end);
  // Children are carved out of this part's body: body parts of a multipart, the whole embedded message of a
  // message/rfc822.
  for (const mail::Part& child : part.children) check_ranges(child, part.body);
}

}  // namespace

BOOST_AUTO_TEST_CASE(corpus_is_complete) {
  const std::vector<std::string> names = message_names();
  BOOST_TEST(names.size() >= kMinMessages);
  std::set<std::string> expected_files;
  for (const std::string& name : names) {
    for (const char* ext : kExpectations) {
      expected_files.insert(name + ext);
      BOOST_CHECK_MESSAGE(fs::is_regular_file(kCorpus / (name + ext)), name << ext << " is missing");
    }
  }
  // And no expectation file without its message (a renamed .eml would otherwise go untested).
  for (const fs::directory_entry& e : fs::directory_iterator(kCorpus)) {
    const std::string ext = e.path().extension().string();
    if (ext == ".envelope" || ext == ".body" || ext == ".bodystructure")
      BOOST_CHECK_MESSAGE(expected_files.count(e.path().filename().string()) == 1,
                          e.path().filename() << " has no .eml");
  }
}

BOOST_AUTO_TEST_CASE(envelope_body_and_bodystructure_match_the_hand_written_strings) {
  for (const std::string& name : message_names()) {
    BOOST_TEST_CONTEXT("corpus message " << name) {
      const std::string msg = read_file(kCorpus / (name + ".eml"));
      const mail::Part root = mail::parse_message(msg);
      BOOST_CHECK_EQUAL(visible(mail::envelope_string(mail::make_envelope(root.fields))),
                        visible(read_file(kCorpus / (name + ".envelope"))));
      BOOST_CHECK_EQUAL(visible(mail::body_string(root, false)), visible(read_file(kCorpus / (name + ".body"))));
      BOOST_CHECK_EQUAL(visible(mail::body_string(root, true)),
                        visible(read_file(kCorpus / (name + ".bodystructure"))));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_part_range_lies_within_the_message) {
  for (const std::string& name : message_names()) {
    BOOST_TEST_CONTEXT("corpus message " << name) {
      const std::string msg = read_file(kCorpus / (name + ".eml"));
      const mail::Part root = mail::parse_message(msg);
      BOOST_CHECK_EQUAL(root.header.offset, 0u);
      BOOST_CHECK_EQUAL(root.body.offset + root.body.length, msg.size());
      check_ranges(root, mail::Range{0, msg.size()});
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
