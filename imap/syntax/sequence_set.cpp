#include "imap/syntax/sequence_set.h"

#include <algorithm>

namespace imap::syntax {
namespace {

UidRuns coalesce(UidRuns runs) {
  std::sort(runs.begin(), runs.end());
  UidRuns out;
  for (const auto& r : runs) {
    if (!out.empty() && static_cast<std::uint64_t>(r.first) <= static_cast<std::uint64_t>(out.back().second) + 1) {
      out.back().second = std::max(out.back().second, r.second);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

UidRuns to_runs(const SequenceSet& set, std::uint32_t star) {
  UidRuns runs;
  for (const auto& r : set.ranges) {
    std::uint32_t a = r.first == kStar ? star : r.first;
    std::uint32_t b = r.last == kStar ? star : r.last;
    if (a > b) std::swap(a, b);
    if (b == 0) continue;  // "*" of an empty mailbox
    runs.emplace_back(std::max<std::uint32_t>(a, 1), b);
  }
  return coalesce(std::move(runs));
}

UidRuns to_runs(std::span<const std::uint32_t> ascending) {
  UidRuns runs;
  for (auto n : ascending) {
    if (!runs.empty() && n <= runs.back().second) continue;
    if (!runs.empty() && n == runs.back().second + 1) {
      runs.back().second = n;
    } else {
      runs.emplace_back(n, n);
    }
  }
  return runs;
}

UidRuns intersect(const UidRuns& a, const UidRuns& b) {
  UidRuns out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    std::uint32_t lo = std::max(a[i].first, b[j].first);
    std::uint32_t hi = std::min(a[i].second, b[j].second);
    if (lo <= hi) out.emplace_back(lo, hi);
    if (a[i].second < b[j].second) ++i;
    else ++j;
  }
  return out;
}

bool contains(const UidRuns& runs, std::uint32_t n) {
  auto it = std::upper_bound(runs.begin(), runs.end(), n,
                             [](std::uint32_t v, const std::pair<std::uint32_t, std::uint32_t>& r) { return v < r.first; });
  return it != runs.begin() && std::prev(it)->second >= n;
}

std::string format_runs(const UidRuns& runs) {
  std::string out;
  for (const auto& [first, last] : runs) {
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) out += ':' + std::to_string(last);
  }
  return out;
}

}  // namespace imap::syntax
