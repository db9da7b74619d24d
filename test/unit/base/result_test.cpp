// Result<T>, Status, Error and the SB_TRY / SB_CHECK propagation macros.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace {

using base::Errc;
using base::Error;
using base::Result;
using base::Status;

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return base::fail(Errc::bad_syntax, std::string("not a digit: ") + c);
  return c - '0';
}

Result<std::string> name_of(int id) {
  if (id == 0) return base::fail(Errc::not_found, "no user 0");
  return "user" + std::to_string(id);
}

int g_evaluations = 0;  // counts how often SB_TRY/SB_CHECK evaluate their argument

Result<int> counted(Result<int> r) {
  ++g_evaluations;
  return r;
}

// Two SB_TRYs in one function (on different lines), each propagating.
Result<int> sum_of_digits(char a, char b) {
  SB_TRY(int x, counted(parse_digit(a)));
  SB_TRY(int y, counted(parse_digit(b)));
  return x + y;
}

// SB_TRY converting between value types: the Error moves from Result<std::string> to Result<std::size_t>.
Result<std::size_t> name_length(int id) {
  SB_TRY(std::string name, name_of(id));
  return name.size();
}

// SB_TRY into an existing variable (decl may be an assignment).
Result<int> assign_form(char c) {
  int v = -1;
  SB_TRY(v, parse_digit(c));
  return v * 10;
}

Status check_positive(int v) {
  if (v <= 0) return base::fail(Errc::invalid_argument, "not positive: " + std::to_string(v));
  return base::ok();
}

Status check_all(const std::vector<int>& values, int& checked) {
  for (int v : values) {
    SB_CHECK(check_positive(v));
    ++checked;
  }
  return base::ok();
}

// SB_CHECK in a function returning a value type.
Result<int> checked_double(int v) {
  SB_CHECK(check_positive(v));
  return 2 * v;
}

Result<std::unique_ptr<int>> make_box(int v) {
  if (v < 0) return base::fail(Errc::invalid_argument);
  return std::make_unique<int>(v);
}

Result<int> unbox(int v) {
  SB_TRY(auto box, make_box(v));  // move-only value
  return *box;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(result)

BOOST_AUTO_TEST_CASE(value_and_error_access) {
  Result<int> good = 42;
  BOOST_TEST(good.has_value());
  BOOST_TEST(static_cast<bool>(good));
  BOOST_TEST(good.value() == 42);
  BOOST_TEST(*good == 42);
  *good = 7;
  BOOST_TEST(good.value() == 7);

  Result<int> bad = base::fail(Errc::corrupt, "chunk 3");
  BOOST_TEST(!bad.has_value());
  BOOST_TEST(!static_cast<bool>(bad));
  BOOST_TEST((bad.error().code == Errc::corrupt));
  BOOST_TEST(bad.error().detail == "chunk 3");
}

BOOST_AUTO_TEST_CASE(arrow_and_rvalue_access) {
  Result<std::string> r = std::string("hello");
  BOOST_TEST(r->size() == 5u);
  r->append("!");
  BOOST_TEST(*r == "hello!");
  const Result<std::string>& cr = r;
  BOOST_TEST(cr->size() == 6u);
  BOOST_TEST(cr.value() == "hello!");
  std::string moved = std::move(r).value();
  BOOST_TEST(moved == "hello!");

  Result<std::string> e = base::fail(Errc::io, "disk full");
  Error taken = std::move(e).error();
  BOOST_TEST((taken.code == Errc::io));
  BOOST_TEST(taken.detail == "disk full");
}

BOOST_AUTO_TEST_CASE(move_only_values) {
  auto r = make_box(5);
  BOOST_REQUIRE(r.has_value());
  std::unique_ptr<int> p = std::move(*r);
  BOOST_TEST(*p == 5);
  BOOST_TEST(unbox(9).value() == 9);
  auto bad = unbox(-1);
  BOOST_TEST(!bad.has_value());
  BOOST_TEST((bad.error().code == Errc::invalid_argument));
  BOOST_TEST(bad.error().detail == "");
}

BOOST_AUTO_TEST_CASE(status) {
  Status s;
  BOOST_TEST(s.has_value());
  BOOST_TEST(static_cast<bool>(s));
  BOOST_TEST(base::ok().has_value());

  Status bad = base::fail(Errc::busy, "locked by pid 12");
  BOOST_TEST(!bad.has_value());
  BOOST_TEST(!static_cast<bool>(bad));
  BOOST_TEST((bad.error().code == Errc::busy));
  BOOST_TEST(bad.error().detail == "locked by pid 12");
  Error e = std::move(bad).error();
  BOOST_TEST(e.message() == "busy: locked by pid 12");
}

BOOST_AUTO_TEST_CASE(sb_try_success_moves_value_out) {
  g_evaluations = 0;
  auto r = sum_of_digits('3', '4');
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(*r == 7);
  BOOST_TEST(g_evaluations == 2);  // each argument evaluated exactly once

  auto n = name_length(12);
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(*n == 6u);  // "user12"

  BOOST_TEST(assign_form('8').value() == 80);
}

BOOST_AUTO_TEST_CASE(sb_try_propagates_the_first_error_unchanged) {
  g_evaluations = 0;
  auto r = sum_of_digits('x', '4');
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == Errc::bad_syntax));
  BOOST_TEST(r.error().detail == "not a digit: x");
  BOOST_TEST(g_evaluations == 1);  // returned before evaluating the second

  g_evaluations = 0;
  auto r2 = sum_of_digits('1', '?');
  BOOST_REQUIRE(!r2.has_value());
  BOOST_TEST(r2.error().detail == "not a digit: ?");
  BOOST_TEST(g_evaluations == 2);

  auto n = name_length(0);
  BOOST_REQUIRE(!n.has_value());
  BOOST_TEST((n.error().code == Errc::not_found));
  BOOST_TEST(n.error().detail == "no user 0");

  auto a = assign_form('z');
  BOOST_REQUIRE(!a.has_value());
  BOOST_TEST((a.error().code == Errc::bad_syntax));
}

BOOST_AUTO_TEST_CASE(sb_check_propagates) {
  int checked = 0;
  BOOST_TEST(check_all({1, 2, 3}, checked).has_value());
  BOOST_TEST(checked == 3);

  checked = 0;
  auto s = check_all({5, 6, -2, 7}, checked);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST(checked == 2);  // stopped at the first failure
  BOOST_TEST((s.error().code == Errc::invalid_argument));
  BOOST_TEST(s.error().detail == "not positive: -2");

  BOOST_TEST(checked_double(21).value() == 42);
  auto bad = checked_double(0);
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().message() == "invalid_argument: not positive: 0");
}

BOOST_AUTO_TEST_CASE(error_message) {
  BOOST_TEST((Error{Errc::corrupt, "journal record 7 failed authentication"}.message() ==
              "corrupt: journal record 7 failed authentication"));
  BOOST_TEST((Error{Errc::auth_failed, ""}.message() == "auth_failed"));
  BOOST_TEST(base::fail(Errc::too_big).message() == "too_big");
  BOOST_TEST(base::fail(Errc::internal, "x").message() == "internal: x");
}

BOOST_AUTO_TEST_CASE(every_errc_has_a_stable_name) {
  const std::pair<Errc, std::string_view> names[] = {
      {Errc::no_such_mailbox, "no_such_mailbox"},
      {Errc::no_such_user, "no_such_user"},
      {Errc::already_exists, "already_exists"},
      {Errc::read_only, "read_only"},
      {Errc::expunged, "expunged"},
      {Errc::over_quota, "over_quota"},
      {Errc::too_big, "too_big"},
      {Errc::bad_syntax, "bad_syntax"},
      {Errc::invalid_argument, "invalid_argument"},
      {Errc::corrupt, "corrupt"},
      {Errc::auth_failed, "auth_failed"},
      {Errc::busy, "busy"},
      {Errc::not_found, "not_found"},
      {Errc::io, "io"},
      {Errc::internal, "internal"},
  };
  for (const auto& [code, name] : names) BOOST_TEST(base::to_string(code) == name);
  BOOST_TEST(base::to_string(static_cast<Errc>(999)) == "unknown");
}

BOOST_AUTO_TEST_SUITE_END()
