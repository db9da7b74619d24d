// Result<T> and Error: how every fallible function in Sealbox reports failure.
//
// Result<T> has the shape of C++23's std::expected<T, Error> (has_value, value, error, operator*, ->) so we can switch
// to it when the toolchain allows. Errc names the *domain* of a failure; wire wording (IMAP response codes, SMTP
// replies, exit codes) is chosen only at the edges (imap/, lmtp/, app/). Error::detail is for logs and operators:
// it never carries secrets or message content.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace base {

enum class Errc {
  no_such_mailbox,
  no_such_user,
  already_exists,
  read_only,
  expunged,
  over_quota,
  too_big,
  bad_syntax,
  invalid_argument,  // a caller-supplied value is out of range (a name with '/', an empty message, ...)
  corrupt,           // stored bytes failed authentication or a consistency check
  auth_failed,       // wrong password (an AEAD unwrap failed on an intact file)
  busy,              // another process holds the resource (an account lock)
  not_found,
  io,                // the operating system refused (disk full, permissions): usually temporary
  internal,
};

// The stable lower-case name of a code, for logs and tests ("corrupt", "auth_failed", ...).
std::string_view to_string(Errc code);

struct Error {
  Errc code;
  std::string detail;

  std::string message() const;  // "corrupt: journal record 7 failed authentication"
};

// Builds an Error; reads well in `return fail(Errc::corrupt, "...")`.
inline Error fail(Errc code, std::string detail = {}) { return Error{code, std::move(detail)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design, like expected
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!has_value()); return std::get<1>(v_); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  void value() const { assert(!failed_); }
  const Error& error() const& { assert(failed_); return error_; }
  Error&& error() && { assert(failed_); return std::move(error_); }

 private:
  Error error_{Errc::internal, {}};
  bool failed_ = false;
};

using Status = Result<void>;

inline Status ok() { return {}; }

}  // namespace base

#define SB_CONCAT_INNER(a, b) a##b
#define SB_CONCAT(a, b) SB_CONCAT_INNER(a, b)

// SB_TRY(auto x, expr): evaluates expr (a Result<T>); returns its Error from the enclosing function on failure,
// otherwise moves the value into the declaration.
#define SB_TRY(decl, expr)                                            \
  auto SB_CONCAT(sb_try_, __LINE__) = (expr);                         \
  if (!SB_CONCAT(sb_try_, __LINE__))                                  \
    return std::move(SB_CONCAT(sb_try_, __LINE__)).error();           \
  decl = std::move(*SB_CONCAT(sb_try_, __LINE__))

// SB_CHECK(expr): for Result<void>; returns its Error on failure.
#define SB_CHECK(expr)                                                \
  do {                                                                \
    auto sb_check_result = (expr);                                    \
    if (!sb_check_result) return std::move(sb_check_result).error();  \
  } while (0)
