// What the CONDSTORE and QRESYNC e2e tests (RFC 7162) read out of server answers: HIGHESTMODSEQ response codes,
// MODSEQ items and UID sets.
#pragma once

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstdint>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace test_support {

// "* OK [HIGHESTMODSEQ n]..." lines among `lines`: their values, in order.
inline std::vector<std::uint64_t> highestmodseqs(const std::vector<std::string>& lines) {
  static const std::regex re(R"(\* OK \[HIGHESTMODSEQ ([1-9][0-9]*)\].*)");
  std::vector<std::uint64_t> out;
  std::smatch m;
  for (const auto& l : lines) {
    if (std::regex_match(l, m, re)) out.push_back(std::stoull(m[1]));
  }
  return out;
}

// The one HIGHESTMODSEQ of a SELECT/EXAMINE answer.
inline std::uint64_t highestmodseq(const std::vector<std::string>& lines) {
  auto all = highestmodseqs(lines);
  BOOST_REQUIRE_MESSAGE(all.size() == 1u, "expected one \"* OK [HIGHESTMODSEQ n]\" line, got " << all.size());
  return all[0];
}

// "(123)" -> 123: the value of a FETCH MODSEQ item (permsg-modsequence in parentheses).
inline std::uint64_t modseq_value(const std::string& item) {
  static const std::regex re(R"(\(([1-9][0-9]*)\))");
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_match(item, m, re), "MODSEQ item is not \"(n)\": " << item);
  return std::stoull(m[1]);
}

// "2:4,7" -> {2,3,4,7}.
inline std::set<std::uint32_t> expand(const std::string& set) {
  std::set<std::uint32_t> out;
  std::size_t pos = 0;
  while (pos <= set.size()) {
    auto end = set.find(',', pos);
    if (end == std::string::npos) end = set.size();
    const auto item = set.substr(pos, end - pos);
    const auto colon = item.find(':');
    const std::uint32_t a = std::stoul(item.substr(0, colon));
    const std::uint32_t b = colon == std::string::npos ? a : std::stoul(item.substr(colon + 1));
    for (auto u = std::min(a, b); u <= std::max(a, b); ++u) out.insert(u);
    pos = end + 1;
  }
  return out;
}

}  // namespace test_support
