// SEARCH criteria (RFC 3501 §6.4.4 and extensions) as a recursive tree: the top-level key list, parenthesised lists,
// NOT and OR are inner nodes; everything else is a leaf carrying one argument. The parser bounds the depth by
// kMaxNesting.
//
// Views (strings, keywords, header names) point into the parsed command line; see parser.h for their lifetime.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "imap/syntax/date_time.h"
#include "imap/syntax/sequence_set.h"

namespace imap::syntax {

struct SearchKey {
  enum class Kind {
    // Inner nodes: children hold the operands.
    and_,  // top-level list or "(" key *(SP key) ")": all children match
    not_,  // NOT key: one child
    or_,   // OR key key: two children
    // No argument.
    all, answered, deleted, draft, flagged, new_, old, recent, seen,
    unanswered, undeleted, undraft, unflagged, unseen,
    savedate_supported,                       // RFC 8514
    // text: an astring value.
    bcc, body, cc, from, subject, text_, to,
    header,                                   // field (header field name) and text
    keyword, unkeyword,                       // text: the flag keyword (an atom)
    emailid, threadid,                        // RFC 8474; text: the objectid
    // date.
    before, on, since, sent_before, sent_on, sent_since,
    saved_before, saved_on, saved_since,      // RFC 8514
    // number.
    larger, smaller,                          // octets (number64)
    older, younger,                           // RFC 5032 WITHIN: seconds (nz-number)
    modseq,                                   // RFC 7162: number (mod-sequence-valzer), optional entry
    // set.
    sequence_set,                             // a bare sequence set (message numbers, or "$")
    uid,                                      // UID sequence-set
  };
  // RFC 7162 MODSEQ entry type ("priv", "shared", "all"), when an entry name was given.
  enum class EntryType { none, priv, shared, all };

  Kind kind = Kind::all;
  std::string_view text;      // string argument (see Kind); for modseq the entry name ("/flags/\\seen"), if any
  std::string_view field;     // header: the field name
  Date date;                  // date keys
  std::uint64_t number = 0;   // number keys
  EntryType entry_type = EntryType::none;  // modseq
  SequenceSet set;            // sequence_set, uid
  std::vector<SearchKey> children;

  friend bool operator==(const SearchKey&, const SearchKey&) = default;
};

}  // namespace imap::syntax
