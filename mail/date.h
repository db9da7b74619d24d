// The calendar date of an RFC 5322 Date: field (§3.3), for IMAP SENTBEFORE/SENTON/SENTSINCE, which compare "the
// message's [RFC-2822] Date: header (disregarding time and timezone)": the day as written, in the sender's zone.
//
// Lenient like deployed servers: an optional day name, "17 Jul 1996" or "17-Jul-1996", month names in any case,
// two- and three-digit years per RFC 5322 §4.3 (00-49 → 20xx, 50-999 → +1900), comments and extra whitespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mail {

// Days since 1970-01-01 of the date in `value`, or nullopt when it has no recognisable day, month and year.
std::optional<std::int64_t> parse_date_day(std::string_view value);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int year, int month, int day);

}  // namespace mail
