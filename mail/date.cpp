#include "mail/date.h"

#include <array>
#include <cctype>
#include <string>

namespace mail {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Splits the value into words: letters, digits; everything else (",", "-", spaces, comments) separates them.
class Words {
 public:
  explicit Words(std::string_view s) : s_(s) {}
  std::optional<std::string_view> next() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '(') {  // a comment, possibly nested
        int depth = 0;
        for (; i_ < s_.size(); ++i_) {
          if (s_[i_] == '(') ++depth;
          else if (s_[i_] == ')' && --depth == 0) break;
        }
        ++i_;
      } else if (std::isalnum(static_cast<unsigned char>(c))) {
        std::size_t start = i_;
        bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
        while (i_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_])) &&
               (std::isdigit(static_cast<unsigned char>(s_[i_])) != 0) == digit) {
          ++i_;
        }
        return s_.substr(start, i_ - start);
      } else {
        ++i_;
      }
    }
    return std::nullopt;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<int> number(std::string_view w) {
  if (w.empty() || w.size() > 4) return std::nullopt;
  int n = 0;
  for (char c : w) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<int> month(std::string_view w) {
  if (w.size() < 3) return std::nullopt;
  std::string lower;
  for (char c : w.substr(0, 3)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == lower) return static_cast<int>(i + 1);
  }
  return std::nullopt;
}

}  // namespace

std::int64_t days_from_civil(int year, int month_number, int day) {
  const std::int64_t y = year - (month_number <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month_number + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<std::int64_t> parse_date_day(std::string_view value) {
  // The first number is the day, the first month name after it the month, the number after that the year.
  Words words(value);
  std::optional<int> day, mon, year;
  while (auto w = words.next()) {
    if (!day) {
      day = number(*w);
    } else if (!mon) {
      mon = month(*w);
      if (!mon) return std::nullopt;
    } else {
      year = number(*w);
      break;
    }
  }
  if (!day || !mon || !year) return std::nullopt;
  int y = *year;
  if (y < 50) y += 2000;
  else if (y < 1000) y += 1900;
  if (*day < 1 || *day > days_in_month(y, *mon)) return std::nullopt;
  return days_from_civil(y, *mon, *day);
}

}  // namespace mail
