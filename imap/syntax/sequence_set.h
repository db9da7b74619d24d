// Sequence sets (RFC 3501 "sequence-set", RFC 5182 "$"): message numbers or UIDs, resolved later by the session
// against its own view of the mailbox. Owns its data.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace imap::syntax {

// "*" in a sequence set: the largest number in use, resolved by the session. 0 is never a valid nz-number, so the
// sentinel cannot collide with a real message number or UID.
inline constexpr std::uint32_t kStar = 0;

// One element: "5" is {5, 5}, "2:4" is {2, 4}, "4:2" is {4, 2} (order kept as sent), "3:*" is {3, kStar}.
struct SeqRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;

  friend bool operator==(const SeqRange&, const SeqRange&) = default;
};

struct SequenceSet {
  std::vector<SeqRange> ranges;  // in the order sent, not coalesced
  bool saved = false;            // "$" was given: the result saved by SEARCH RETURN (SAVE) (RFC 5182)

  friend bool operator==(const SequenceSet&, const SequenceSet&) = default;
};

// Ascending, disjoint, non-adjacent [first, last] runs of UIDs: how the server computes with UID sets (QRESYNC's
// known UIDs, VANISHED, COPYUID).
using UidRuns = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// The set's numbers as runs; "*" stands for `star` (ranges are taken in either order). "$" is ignored: the session
// resolves it against its view.
UidRuns to_runs(const SequenceSet& set, std::uint32_t star);
// Runs from ascending numbers (duplicates allowed).
UidRuns to_runs(std::span<const std::uint32_t> ascending);
UidRuns intersect(const UidRuns& a, const UidRuns& b);
bool contains(const UidRuns& runs, std::uint32_t n);
// "1:3,7" (RFC 4315 uid-set / RFC 3501 sequence-set); empty for no runs.
std::string format_runs(const UidRuns& runs);

}  // namespace imap::syntax
