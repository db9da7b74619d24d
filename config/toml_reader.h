// Internal to config/: typed, range-checked reads from toml++ nodes with one-line "<source>:<line>: ..." errors.
// Only config/*.cpp include this header, so toml++ stays out of the module API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "base/result.h"

namespace config {

class TomlReader {
 public:
  explicit TomlReader(std::string_view source_name) : source_(source_name) {}

  // Errc::bad_syntax "<source>:<line>: <what>", or "<source>: <what>" when line is 0 (unknown).
  base::Error error_at(std::uint32_t line, std::string_view what) const;
  base::Error error_at(const toml::node& node, std::string_view what) const;

  // An integer node within [lo, hi] (hi at most INT64_MAX). `name` is the dotted key ("keys.rotation_days").
  base::Result<std::uint64_t> integer(const toml::node& node, std::string_view name, std::uint64_t lo,
                                      std::uint64_t hi) const;
  base::Result<bool> boolean(const toml::node& node, std::string_view name) const;
  // A string node; NUL bytes are refused, since every string here ends up in a C API or on the wire.
  base::Result<std::string> string(const toml::node& node, std::string_view name) const;
  // An array node whose elements are all strings (the array may be empty).
  base::Result<const toml::array*> string_array(const toml::node& node, std::string_view name) const;

 private:
  std::string source_;
};

// The line a key or node starts on (1-based), or 0 if toml++ did not record it.
inline std::uint32_t line_of(const toml::node& node) { return node.source().begin.line; }
inline std::uint32_t line_of(const toml::key& key) { return key.source().begin.line; }

}  // namespace config
