#include "config/toml_reader.h"

#include "config/text.h"

namespace config {

base::Error TomlReader::error_at(std::uint32_t line, std::string_view what) const {
  std::string detail = source_;
  if (line != 0) detail += ":" + std::to_string(line);
  detail += ": ";
  detail += what;
  return base::fail(base::Errc::bad_syntax, one_line(detail));
}

base::Error TomlReader::error_at(const toml::node& node, std::string_view what) const {
  return error_at(line_of(node), what);
}

base::Result<std::uint64_t> TomlReader::integer(const toml::node& node, std::string_view name, std::uint64_t lo,
                                                std::uint64_t hi) const {
  const auto* v = node.as_integer();
  if (v == nullptr) return error_at(node, quote(name) + " must be an integer");
  const std::int64_t value = v->get();
  if (value < 0 || static_cast<std::uint64_t>(value) < lo || static_cast<std::uint64_t>(value) > hi) {
    return error_at(node, quote(name) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return static_cast<std::uint64_t>(value);
}

base::Result<bool> TomlReader::boolean(const toml::node& node, std::string_view name) const {
  const auto* v = node.as_boolean();
  if (v == nullptr) return error_at(node, quote(name) + " must be true or false");
  return v->get();
}

base::Result<std::string> TomlReader::string(const toml::node& node, std::string_view name) const {
  const auto* v = node.as_string();
  if (v == nullptr) return error_at(node, quote(name) + " must be a string");
  if (v->get().find('\0') != std::string::npos) return error_at(node, quote(name) + " must not contain a NUL byte");
  return v->get();
}

base::Result<const toml::array*> TomlReader::string_array(const toml::node& node, std::string_view name) const {
  const auto* array = node.as_array();
  if (array == nullptr) return error_at(node, quote(name) + " must be an array of strings");
  for (const toml::node& element : *array) {
    if (!element.is_string()) return error_at(element, quote(name) + " must be an array of strings");
  }
  return array;
}

}  // namespace config
