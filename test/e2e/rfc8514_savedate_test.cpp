// RFC 8514 (SAVEDATE) over the real server: the capability; FETCH SAVEDATE (§4.2) is the time the message was
// added to its mailbox, as a date-time, whatever internal date APPEND gave it, and for a `sealbox deliver`-ed
// message; COPY and MOVE give the new copy a new save date and leave the source's alone, which STORE and a restart
// do not change (§3); SEARCH SAVEDBEFORE/SAVEDON/SAVEDSINCE compare the save date's day and SAVEDATESUPPORTED
// matches every message (§4.3); malformed dates and missing arguments are BAD.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"
#include "test/support/messages.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (years after 0 only).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  if (m <= 2) --y;
  const std::int64_t era = y / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// "25-Nov-2026 23:05:09 +0000" -> Unix time. Requires the +0000 zone the server writes.
std::int64_t parse_date_time(const std::string& s) {
  BOOST_REQUIRE_MESSAGE(s.size() == 26u && s.substr(20) == " +0000", "date-time: " + s);
  std::int64_t month = 0;
  for (std::int64_t i = 0; i < 12; ++i) {
    if (s.substr(3, 3) == kMonths[i]) month = i + 1;
  }
  BOOST_REQUIRE_MESSAGE(month != 0, "month in " + s);
  const auto days = days_from_civil(std::stoll(s.substr(7, 4)), month, std::stoll(s.substr(0, 2)));
  return days * 86400 + std::stoll(s.substr(12, 2)) * 3600 + std::stoll(s.substr(15, 2)) * 60 +
         std::stoll(s.substr(18, 2));
}

// The search-key date (RFC 3501 "date") of the Unix time's UTC day, shifted by `days`: "25-Nov-2026".
std::string search_date(std::int64_t unix_time, int days = 0) {
  const std::time_t t = static_cast<std::time_t>(unix_time + days * 86400LL);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d-%s-%04d", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900);
  return buf;
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const std::string kOld =
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    "From: alice@example.org\r\n"
    "Subject: old news\r\n"
    "\r\n"
    "Saved today, written long ago.\r\n";

struct SaveDateFixture : AliceSession {
  // FETCH seq (SAVEDATE) in the selected mailbox: the date-time string.
  std::string savedate(std::uint32_t seq) {
    auto r = ok("FETCH " + std::to_string(seq) + " (SAVEDATE)");
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    auto f = parse_fetch(r[0]);
    BOOST_REQUIRE(f.has_value());
    BOOST_REQUIRE_EQUAL(f->order.size(), 1u);
    return f->items.at("SAVEDATE");
  }
  std::string search(const std::string& criteria) {
    auto r = ok("SEARCH " + criteria);
    BOOST_REQUIRE_EQUAL(r.size(), 1u);
    return r[0] == "* SEARCH" ? std::string() : r[0].substr(9);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc8514_savedate)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, SaveDateFixture) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" SAVEDATE ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(fetch_savedate_is_the_time_saved, SaveDateFixture) {
  const auto before = now();
  append("INBOX", kOld, "(\\Seen) \"07-Feb-1994 21:52:25 -0800\"");
  append("INBOX", make_message(1, 500, Body::ascii));
  const auto after = now();
  ok("SELECT INBOX");
  // §4.2's example form: "* n FETCH (SAVEDATE "dd-Mon-yyyy hh:mm:ss +zzzz")"; APPEND's date does not set it (§3).
  auto r = ok("FETCH 1 (SAVEDATE INTERNALDATE)");
  BOOST_REQUIRE_EQUAL(r.size(), 1u);
  auto f = parse_fetch(r[0]);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->order == (Lines{"SAVEDATE", "INTERNALDATE"}), tt::per_element());
  BOOST_TEST(f->items.at("INTERNALDATE") == "08-Feb-1994 05:52:25 +0000");
  const auto saved = parse_date_time(f->items.at("SAVEDATE"));
  BOOST_TEST(saved >= before);
  BOOST_TEST(saved <= after);
  BOOST_TEST(r[0] == "* 1 FETCH (SAVEDATE \"" + f->items.at("SAVEDATE") +
                         "\" INTERNALDATE \"08-Feb-1994 05:52:25 +0000\")");
  // UID FETCH adds the UID; lower case is accepted; the macros do not include it.
  auto u = ok("UID FETCH 1:* (savedate)");
  BOOST_REQUIRE_EQUAL(u.size(), 2u);
  BOOST_TEST(parse_fetch(u[0])->items.at("SAVEDATE") == f->items.at("SAVEDATE"));
  BOOST_TEST(parse_fetch(u[0])->items.at("UID") == "1");
  const auto second = parse_date_time(parse_fetch(u[1])->items.at("SAVEDATE"));
  BOOST_TEST(second >= saved);
  BOOST_TEST(second <= after);
  auto all = ok("FETCH 1 ALL");
  BOOST_TEST(parse_fetch(all.at(0))->items.count("SAVEDATE") == 0u);
}

BOOST_FIXTURE_TEST_CASE(copy_and_move_get_a_new_save_date, SaveDateFixture) {
  // Into the account's own Trash and Archive mailboxes (every new account has them, empty).
  append("INBOX", kOld, "() \"07-Feb-1994 21:52:25 -0800\"");
  append("INBOX", make_message(2, 700, Body::ascii));
  ok("SELECT INBOX");
  const std::string first = savedate(1);
  const std::string second = savedate(2);
  // Let the clock move past the second the originals were saved in.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ok("COPY 1 Archive");
  ok("MOVE 2 Trash");
  // The source keeps its save date; flag changes do not touch it either (§3: it MUST NOT change).
  ok("STORE 1 +FLAGS (\\Flagged)");
  BOOST_TEST(savedate(1) == first);
  ok("SELECT Archive");
  const std::string copied = savedate(1);
  BOOST_TEST(parse_date_time(copied) > parse_date_time(first), copied << " vs " << first);
  ok("SELECT Trash");
  const std::string moved = savedate(1);
  BOOST_TEST(parse_date_time(moved) > parse_date_time(second), moved << " vs " << second);
  // The internal date travels with the message (RFC 3501 §6.4.7); the save date does not.
  ok("SELECT Archive");
  auto r = ok("FETCH 1 (INTERNALDATE)");
  BOOST_TEST(parse_fetch(r.at(0))->items.at("INTERNALDATE") == "08-Feb-1994 05:52:25 +0000");

  // Kept across a restart.
  server.restart();
  c.emplace(server.login("alice", "alice-password"));
  ok("SELECT INBOX");
  BOOST_TEST(savedate(1) == first);
  ok("SELECT Archive");
  BOOST_TEST(savedate(1) == copied);
  ok("SELECT Trash");
  BOOST_TEST(savedate(1) == moved);
}

BOOST_FIXTURE_TEST_CASE(delivered_message_has_the_delivery_time, SaveDateFixture) {
  const auto before = now();
  server.deliver("alice", kOld);
  c.emplace(server.login("alice", "alice-password"));  // deliveries are imported at login
  const auto after = now();
  ok("SELECT INBOX");
  const auto saved = parse_date_time(savedate(1));
  BOOST_TEST(saved >= before);
  BOOST_TEST(saved <= after);
}

BOOST_FIXTURE_TEST_CASE(search_by_save_date, SaveDateFixture) {
  // Internal dates in 1994 and 2021; both saved today.
  append("INBOX", kOld, "() \"07-Feb-1994 21:52:25 -0800\"");
  append("INBOX", make_message(3, 600, Body::ascii), "(\\Seen) \"02-Jan-2021 12:00:00 +0000\"");
  ok("SELECT INBOX");
  // The day the server saved them (from its own answer, so a test that runs over midnight UTC still agrees).
  const auto saved1 = parse_date_time(savedate(1));
  const auto saved2 = parse_date_time(savedate(2));
  BOOST_REQUIRE(saved1 / 86400 == saved2 / 86400);  // not across midnight UTC
  const std::string today = search_date(saved1);
  const std::string yesterday = search_date(saved1, -1);
  const std::string tomorrow = search_date(saved1, 1);

  // §4.3's examples: SAVEDON and SAVEDSINCE, comparing days without time and zone.
  BOOST_TEST(search("SAVEDON " + today) == "1 2");
  BOOST_TEST(search("SAVEDSINCE " + today) == "1 2");
  BOOST_TEST(search("SAVEDSINCE " + yesterday) == "1 2");
  BOOST_TEST(search("SAVEDSINCE " + tomorrow) == "");
  BOOST_TEST(search("SAVEDBEFORE " + today) == "");
  BOOST_TEST(search("SAVEDBEFORE " + tomorrow) == "1 2");
  BOOST_TEST(search("SAVEDON " + yesterday) == "");
  BOOST_TEST(search("SAVEDON " + tomorrow) == "");
  // The internal date is not the save date: ON finds the 1994 message, SAVEDON does not.
  BOOST_TEST(search("ON 8-Feb-1994") == "1");
  BOOST_TEST(search("SAVEDON 8-Feb-1994") == "");
  BOOST_TEST(search("SAVEDBEFORE 1-Jan-2000") == "");
  BOOST_TEST(search("BEFORE 1-Jan-2000") == "1");
  // SAVEDATESUPPORTED: this store records a save date for every message, so all of them.
  BOOST_TEST(search("SAVEDATESUPPORTED") == "1 2");
  BOOST_TEST(search("NOT SAVEDATESUPPORTED") == "");
  // With other keys, quoted dates, lower case, UID SEARCH and ESEARCH (RFC 4731).
  BOOST_TEST(search("SEEN SAVEDSINCE \"" + today + "\"") == "2");
  BOOST_TEST(search("OR SAVEDBEFORE " + today + " UNSEEN") == "1");
  BOOST_TEST(search("savedon " + today + " savedatesupported") == "1 2");
  auto uid = ok("UID SEARCH SAVEDON " + today);
  BOOST_TEST(uid == Lines{"* SEARCH 1 2"}, tt::per_element());
  auto es = ok("SEARCH RETURN (COUNT) SAVEDSINCE " + today);
  BOOST_TEST(es.size() == 1u);
  BOOST_TEST(es.at(0).find("COUNT 2") != std::string::npos, es.at(0));
}

BOOST_FIXTURE_TEST_CASE(errors, SaveDateFixture) {
  append("INBOX", kOld);
  ok("SELECT INBOX");
  BOOST_TEST(answer("SEARCH SAVEDON").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH SAVEDBEFORE 32-Jan-2020").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH SAVEDSINCE 1-Foo-2020").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH SAVEDSINCE 2020-01-01").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("SEARCH SAVEDATESUPPORTED 1-Jan-2020").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("FETCH 1 (SAVEDATE[])").rfind("BAD", 0) == 0u);
  BOOST_TEST(answer("FETCH 1 SAVEDATES").rfind("BAD", 0) == 0u);
  BOOST_TEST(c->last_untagged().empty());
  // Nothing was answered for the refused commands; the session is intact.
  BOOST_TEST(search("SAVEDATESUPPORTED") == "1");
}

BOOST_AUTO_TEST_SUITE_END()
