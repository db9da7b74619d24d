// why(result): the error message of a failed base::Result, or "" for a success. For test messages, which Boost.Test
// evaluates even when the assertion passes (so calling .error() there directly would be wrong).
#pragma once

#include <string>

#include "base/result.h"

namespace test_support {

template <class T>
std::string why(const base::Result<T>& r) {
  return r.has_value() ? std::string() : r.error().message();
}

}  // namespace test_support
