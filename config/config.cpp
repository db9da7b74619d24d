// parse() and load(): sealbox.toml, section by section. Each section reader walks the keys actually present (so an
// unknown key is caught at its own line) and overwrites the defaults it finds.
#include "config/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <system_error>

#include "config/text.h"
#include "config/toml_reader.h"

namespace config {
namespace {

constexpr std::uint64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kMaxToml = std::numeric_limits<std::int64_t>::max();  // TOML integers are 64-bit signed
// RFC 2971 section 3.3: field strings at most 30 octets, values at most 1024, at most 30 pairs.
constexpr std::size_t kMaxIdFields = 30;
constexpr std::size_t kMaxIdNameBytes = 30;
constexpr std::size_t kMaxIdValueBytes = 1024;
constexpr std::size_t kMaxUserNameBytes = 32;  // useradd's limit

std::string dotted(std::string_view section, std::string_view key) {
  return std::string(section) + "." + std::string(key);
}

bool has_control(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

bool is_user_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxUserNameBytes || s.front() == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A lower-case host name: labels of [a-z0-9-], 1..63 bytes each, no leading or trailing '-', 253 bytes in all.
bool is_domain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    ++label;
  }
  return true;
}

// Printable ASCII that is neither a letter, a digit nor a space.
bool is_punctuation(char c) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return c > 0x20 && c < 0x7f && !alnum;
}

std::string to_lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

struct Parser {
  TomlReader reader;
  Config out;
  std::vector<std::uint32_t> imap_lines;  // line of each parsed imap.listen entry; empty while the default stands
  std::vector<std::uint32_t> lmtp_lines;

  base::Error unknown(const toml::key& key, std::string_view section) const {
    return reader.error_at(line_of(key), "unknown key " + quote(dotted(section, key.str())));
  }

  base::Result<std::filesystem::path> path(const toml::node& node, const std::string& name) const {
    SB_TRY(std::string text, reader.string(node, name));
    if (text.empty()) return reader.error_at(node, quote(name) + " must not be empty");
    return out.root / text;  // operator/ keeps an absolute path as it is
  }

  base::Result<std::vector<ListenAddress>> listen(const toml::node& node, const std::string& name, bool allow_empty,
                                                  std::vector<std::uint32_t>& lines) const {
    SB_TRY(const toml::array* array, reader.string_array(node, name));
    if (array->empty() && !allow_empty) return reader.error_at(node, quote(name) + " must list at least one address");
    std::vector<ListenAddress> addresses;
    lines.clear();
    for (const toml::node& element : *array) {
      auto address = parse_listen_address(element.as_string()->get(), out.root);
      if (!address) return reader.error_at(element, quote(name) + ": " + address.error().detail);
      addresses.push_back(std::move(*address));
      lines.push_back(line_of(element));
    }
    return addresses;
  }

  base::Status tls(const toml::table& t) {
    for (auto&& [key, node] : t) {
      const std::string name = dotted("tls", key.str());
      if (key == "certificate_chain") {
        SB_TRY(out.tls.certificate_chain, path(node, name));
      } else if (key == "private_key") {
        SB_TRY(out.tls.private_key, path(node, name));
      } else {
        return unknown(key, "tls");
      }
    }
    return base::ok();
  }

  base::Status imap(const toml::table& t) {
    for (auto&& [key, node] : t) {
      const std::string name = dotted("imap", key.str());
      if (key == "listen") {
        SB_TRY(out.imap.listen, listen(node, name, false, imap_lines));
      } else if (key == "max_connections") {
        SB_TRY(out.imap.max_connections, reader.integer(node, name, 1, kMaxU32));
      } else if (key == "idle_timeout_seconds") {
        SB_TRY(out.imap.idle_timeout_seconds, reader.integer(node, name, 1, kMaxU32));
      } else if (key == "login_timeout_seconds") {
        SB_TRY(out.imap.login_timeout_seconds, reader.integer(node, name, 1, kMaxU32));
      } else if (key == "max_message_bytes") {
        SB_TRY(out.imap.max_message_bytes, reader.integer(node, name, 1, kMaxToml));
      } else {
        return unknown(key, "imap");
      }
    }
    return base::ok();
  }

  base::Status lmtp(const toml::table& t) {
    for (auto&& [key, node] : t) {
      const std::string name = dotted("lmtp", key.str());
      if (key == "listen") {
        SB_TRY(out.lmtp.listen, listen(node, name, true, lmtp_lines));
      } else if (key == "max_message_bytes") {
        SB_TRY(out.lmtp.max_message_bytes, reader.integer(node, name, 1, kMaxToml));
      } else {
        return unknown(key, "lmtp");
      }
    }
    return base::ok();
  }

  base::Status security(const toml::table& t) {
    for (auto&& [key, node] : t) {
      const std::string name = dotted("security", key.str());
      if (key == "system_user") {
        SB_TRY(std::string user, reader.string(node, name));
        if (!user.empty() && !is_user_name(user)) {
          return reader.error_at(node, quote(name) + " must be a user name (letters, digits, '_', '-', '.'; at most " +
                                           std::to_string(kMaxUserNameBytes) + " bytes)");
        }
        out.security.system_user = std::move(user);
      } else if (key == "chroot") {
        SB_TRY(std::filesystem::path dir, reader.string(node, name));
        // A chroot relative to the data directory would move with --root; say where to go explicitly.
        if (!dir.empty() && dir.is_relative()) return reader.error_at(node, quote(name) + " must be an absolute path");
        out.security.chroot = std::move(dir);
      } else if (key == "kdf_passes") {
        SB_TRY(out.security.kdf.passes, reader.integer(node, name, 2, 64));
      } else if (key == "kdf_memory_mib") {
        // 19 MiB with 2 passes is OWASP's floor for Argon2id; 4 GiB is already more than a login may hold.
        SB_TRY(out.security.kdf.memory_mib, reader.integer(node, name, 19, 4096));
      } else {
        return unknown(key, "security");
      }
    }
    return base::ok();
  }

  base::Status delivery(const toml::table& t) {
    for (auto&& [key, node] : t) {
      const std::string name = dotted("delivery", key.str());
      if (key == "lowercase") {
        SB_TRY(out.delivery.lowercase, reader.boolean(node, name));
      } else if (key == "ignore_dots") {
        SB_TRY(out.delivery.ignore_dots, reader.boolean(node, name));
      } else if (key == "subaddress_separator") {
        SB_TRY(std::string sep, reader.string(node, name));
        const bool ok = sep.empty() || (sep.size() == 1 && is_punctuation(sep[0]) && sep[0] != '@');
        if (!ok) {
          return reader.error_at(node, quote(name) + " must be \"\" or one punctuation character other than '@'");
        }
        out.delivery.subaddress_separator = std::move(sep);
      } else if (key == "local_domains") {
        SB_TRY(const toml::array* array, reader.string_array(node, name));
        out.delivery.local_domains.clear();
        for (const toml::node& element : *array) {
          std::string domain = to_lower(element.as_string()->get());
          if (!is_domain(domain)) {
            return reader.error_at(element, quote(name) + ": " + quote(domain) + " is not a domain name");
          }
          out.delivery.local_domains.push_back(std::move(domain));
        }
      } else {
        return unknown(key, "delivery");
      }
    }
    return base::ok();
  }

  base::Status keys(const toml::table& t) {
    for (auto&& [key, node] : t) {
      if (key != "rotation_days") return unknown(key, "keys");
      SB_TRY(out.keys.rotation_days, reader.integer(node, "keys.rotation_days", 1, 3650));
    }
    return base::ok();
  }

  base::Status identification(const toml::table& t) {
    if (t.size() > kMaxIdFields) {
      return reader.error_at(t, "'identification' must have at most " + std::to_string(kMaxIdFields) + " fields");
    }
    auto& fields = out.identification.fields;
    for (auto&& [key, node] : t) {  // toml::table iterates in key order, so `fields` comes out sorted
      const std::string name = dotted("identification", key.str());
      if (key.str().empty() || key.str().size() > kMaxIdNameBytes || has_control(key.str())) {
        return reader.error_at(line_of(key), "field name " + quote(name) + " must be 1 to " +
                                                 std::to_string(kMaxIdNameBytes) + " bytes without control characters");
      }
      for (const auto& [other, value] : fields) {
        // ID field names are case-insensitive (RFC 2971 section 3.3), so "Name" and "name" would collide.
        if (to_lower(other) == to_lower(std::string(key.str()))) {
          return reader.error_at(line_of(key), quote(name) + " repeats field " + quote(other) + " (names ignore case)");
        }
      }
      SB_TRY(std::string value, reader.string(node, name));
      if (value.size() > kMaxIdValueBytes || has_control(value)) {
        return reader.error_at(node, quote(name) + " must be at most " + std::to_string(kMaxIdValueBytes) +
                                         " bytes without control characters");
      }
      fields.emplace_back(std::string(key.str()), std::move(value));
    }
    return base::ok();
  }

  base::Status log(const toml::table& t) {
    for (auto&& [key, node] : t) {
      if (key != "level") return unknown(key, "log");
      SB_TRY(std::string level, reader.string(node, "log.level"));
      if (level != "trace" && level != "debug" && level != "info" && level != "warn" && level != "error" &&
          level != "off") {
        return reader.error_at(node, "'log.level' must be one of trace, debug, info, warn, error, off");
      }
      out.log.level = std::move(level);
    }
    return base::ok();
  }

  // Two listeners on the same TCP host and fixed port, or the same socket file, would fail to bind at start-up;
  // report it here with the line instead. Port 0 never collides.
  base::Status no_duplicate_listeners() const {
    struct Entry { const ListenAddress* address; std::string_view key; std::uint32_t line; };
    std::vector<Entry> all;
    const auto add = [&](const std::vector<ListenAddress>& list, std::string_view key,
                         const std::vector<std::uint32_t>& lines) {
      for (std::size_t i = 0; i < list.size(); ++i) all.push_back({&list[i], key, i < lines.size() ? lines[i] : 0});
    };
    add(out.imap.listen, "imap.listen", imap_lines);
    add(out.lmtp.listen, "lmtp.listen", lmtp_lines);
    for (std::size_t j = 0; j < all.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        const ListenAddress& a = *all[i].address;
        const ListenAddress& b = *all[j].address;
        const bool same = a.kind == b.kind && (a.kind == ListenAddress::Kind::unix_socket
                                                   ? a.path == b.path
                                                   : a.host == b.host && a.port == b.port && a.port != 0);
        if (same) {
          const std::uint32_t line = all[j].line != 0 ? all[j].line : all[i].line;
          return reader.error_at(line, quote(all[j].key) + ": " + quote(b.text) + " is also listed in " +
                                           quote(all[i].key));
        }
      }
    }
    return base::ok();
  }

  base::Status section(const toml::key& key, const toml::table& t) {
    const std::string_view name = key.str();
    if (name == "tls") return tls(t);
    if (name == "imap") return imap(t);
    if (name == "lmtp") return lmtp(t);
    if (name == "security") return security(t);
    if (name == "delivery") return delivery(t);
    if (name == "keys") return keys(t);
    if (name == "identification") return identification(t);
    if (name == "log") return log(t);
    return reader.error_at(line_of(key), "unknown section " + quote(name));
  }

  base::Status document(const toml::table& root) {
    for (auto&& [key, node] : root) {
      if (const auto* t = node.as_table()) {
        SB_CHECK(section(key, *t));
        continue;
      }
      constexpr std::string_view kSections[] = {"tls", "imap", "lmtp", "security", "delivery", "keys",
                                                "identification", "log"};
      for (std::string_view s : kSections) {
        if (key.str() == s) return reader.error_at(node, quote(s) + " must be a table ([" + std::string(s) + "])");
      }
      return reader.error_at(line_of(key), "unknown key " + quote(key.str()));
    }
    return no_duplicate_listeners();
  }
};

}  // namespace

base::Result<Config> parse(std::string_view text, std::string_view source_name, const std::filesystem::path& root) {
  toml::table document;
  try {
    document = toml::parse(text);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return base::fail(base::Errc::bad_syntax, one_line(std::string(source_name) + ":" + std::to_string(begin.line) +
                                                       ":" + std::to_string(begin.column) + ": " +
                                                       std::string(e.description())));
  }
  Parser parser{TomlReader(source_name), defaults(root), {}, {}};
  SB_CHECK(parser.document(document));
  return std::move(parser.out);
}

base::Result<Config> load(const std::filesystem::path& root) {
  const std::filesystem::path file = root / "sealbox.toml";
  const auto failure = [&](std::string_view why) {
    return base::fail(base::Errc::io, one_line("cannot read " + file.string() + ": " + std::string(why)));
  };
  const auto os_failure = [&](int err) { return failure(std::error_code(err, std::generic_category()).message()); };
  // O_NONBLOCK so that a FIFO planted at the path cannot hang start-up; it has no effect on a regular file.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return base::fail(base::Errc::not_found, one_line("no configuration at " + file.string()));
    return os_failure(err);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return os_failure(err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return failure("not a regular file");
  }
  std::string text;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return os_failure(err);
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse(text, file.string(), root);
}

}  // namespace config
