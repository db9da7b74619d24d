// IMAP dates and date-times (RFC 3501 §9 "date", "date-time"): the values the parser produces for SEARCH BEFORE/
// SINCE/... and APPEND, and the formatter the response writer uses for INTERNALDATE and SAVEDATE. Plain values and
// pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imap::syntax {

// A calendar date (proleptic Gregorian), as in "1-Feb-1994". The parser only produces valid dates.
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31, valid for the month and year

  // Days since 1970-01-01 (negative before). SEARCH compares internal dates "disregarding time and timezone".
  std::int64_t days_since_epoch() const;

  friend bool operator==(const Date&, const Date&) = default;
};

// A date-time with its zone, as in "17-Jul-1996 02:44:25 -0700".
struct DateTime {
  Date date;
  int hour = 0;          // 0..23
  int minute = 0;        // 0..59
  int second = 0;        // 0..60 (60: a leap second, counted as the next minute's 0)
  int zone_minutes = 0;  // east of UTC: "-0700" is -420

  // Seconds since the Unix epoch (UTC): the local time minus the zone.
  std::int64_t unix_time() const;

  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// True if year/month/day names a real day (leap years included); years 1..9999 (date-year is 4DIGIT).
bool valid_date(int year, int month, int day);

// The English three-letter month name, case-insensitive ("jan" -> 1); 0 if not a month.
int month_from_name(std::string_view name);

// Formats unix_time shown in the zone zone_minutes east of UTC, without quotes: "25-Nov-2026 18:57:54 +0000".
// The day is zero-padded (2DIGIT form of date-day-fixed). Times outside years 1..9999 are clamped to that range.
std::string format_date_time(std::int64_t unix_time, int zone_minutes = 0);

}  // namespace imap::syntax
