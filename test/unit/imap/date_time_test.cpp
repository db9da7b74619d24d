// Dates and date-times (imap/syntax/date_time.h): validation, unix time with zones, and the IMAP format.
#include <boost/test/unit_test.hpp>

#include "imap/syntax/date_time.h"

namespace {

using namespace imap::syntax;

}  // namespace

BOOST_AUTO_TEST_SUITE(date_time)

BOOST_AUTO_TEST_CASE(validity) {
  BOOST_TEST(valid_date(2024, 2, 29));
  BOOST_TEST(!valid_date(2023, 2, 29));
  BOOST_TEST(valid_date(2000, 2, 29));
  BOOST_TEST(!valid_date(1900, 2, 29));
  BOOST_TEST(!valid_date(2024, 4, 31));
  BOOST_TEST(!valid_date(2024, 13, 1));
  BOOST_TEST(!valid_date(2024, 1, 0));
  BOOST_TEST(!valid_date(0, 1, 1));
  BOOST_TEST(valid_date(9999, 12, 31));
  BOOST_TEST(month_from_name("jAN") == 1);
  BOOST_TEST(month_from_name("Dec") == 12);
  BOOST_TEST(month_from_name("Dez") == 0);
  BOOST_TEST(month_from_name("January") == 0);
}

BOOST_AUTO_TEST_CASE(unix_time) {
  BOOST_TEST((Date{1970, 1, 1}.days_since_epoch() == 0));
  BOOST_TEST((Date{1969, 12, 31}.days_since_epoch() == -1));
  BOOST_TEST((Date{2000, 3, 1}.days_since_epoch() == 11017));
  // RFC 3501 §8: "17-Jul-1996 02:44:25 -0700" is 09:44:25 UTC.
  const DateTime dt{Date{1996, 7, 17}, 2, 44, 25, -420};
  BOOST_TEST(dt.unix_time() == 837596665);
  const DateTime east{Date{1996, 7, 17}, 15, 14, 25, 330};  // +0530
  BOOST_TEST(east.unix_time() == 837596665);
}

BOOST_AUTO_TEST_CASE(formatting) {
  BOOST_TEST(format_date_time(0) == "01-Jan-1970 00:00:00 +0000");
  BOOST_TEST(format_date_time(1795633074) == "25-Nov-2026 18:57:54 +0000");
  BOOST_TEST(format_date_time(837596665, -420) == "17-Jul-1996 02:44:25 -0700");
  BOOST_TEST(format_date_time(837596665, 330) == "17-Jul-1996 15:14:25 +0530");
  BOOST_TEST(format_date_time(-1) == "31-Dec-1969 23:59:59 +0000");
  BOOST_TEST(format_date_time(951782400) == "29-Feb-2000 00:00:00 +0000");
  BOOST_TEST(format_date_time(-999999999999999) == "01-Jan-0001 00:00:00 +0000");   // clamped
  BOOST_TEST(format_date_time(999999999999999) == "31-Dec-9999 23:59:59 +0000");
}

BOOST_AUTO_TEST_SUITE_END()
