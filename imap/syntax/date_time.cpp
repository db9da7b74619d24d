#include "imap/syntax/date_time.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

namespace imap::syntax {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain): exact for the whole proleptic calendar.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return Date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

}  // namespace

std::int64_t Date::days_since_epoch() const {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::int64_t DateTime::unix_time() const {
  return date.days_since_epoch() * 86400 + hour * 3600 + minute * 60 + second - zone_minutes * 60;
}

bool valid_date(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

int month_from_name(std::string_view name) {
  if (name.size() != 3) return 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < 3; ++j) {
      const char a = static_cast<char>(name[j] | 0x20);
      const char b = static_cast<char>(kMonths[i][j] | 0x20);
      if (a != b) same = false;
    }
    if (same) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::string format_date_time(std::int64_t unix_time, int zone_minutes) {
  // Clamp to 0001-01-01 .. 9999-12-31 in local time, so the year always has four digits.
  constexpr std::int64_t kMin = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr std::int64_t kMax = 253402300799;  // 9999-12-31T23:59:59Z
  const std::int64_t local = std::clamp(unix_time + zone_minutes * 60, kMin, kMax);
  std::int64_t days = local / 86400;
  std::int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const Date d = civil_from_days(days);
  const int zone = zone_minutes < 0 ? -zone_minutes : zone_minutes;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d-%s-%04d %02d:%02d:%02d %c%02d%02d", d.day,
                std::string(kMonths[static_cast<std::size_t>(d.month - 1)]).c_str(), d.year,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                zone_minutes < 0 ? '-' : '+', zone / 60 % 100, zone % 60);
  return buf;
}

}  // namespace imap::syntax
