// Sealbox configuration: ROOT/sealbox.toml parsed and validated into plain, immutable structs.
//
// app/ loads a Config once at start-up and passes the parts each module needs to its constructor; nothing here is
// global. Every key is optional and has a default (see defaults() and default_config_text()); unknown sections and
// keys are errors that name the key and its line, so a typo never silently falls back to a default.
// config/README.md documents every key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "config/listen_address.h"

namespace config {

inline constexpr std::uint64_t kDefaultMaxMessageBytes = 64ull * 1024 * 1024;

// [tls]: the server certificate for IMAPS. Both paths are absolute after parsing (relative ones are resolved against
// the root directory). The files are not opened here; net/ reads them.
struct TlsConfig {
  std::filesystem::path certificate_chain;  // PEM, leaf first; default ROOT/tls/fullchain.pem
  std::filesystem::path private_key;        // PEM; default ROOT/tls/key.pem

  bool operator==(const TlsConfig&) const = default;
};

// [imap]: the IMAPS listener (implicit TLS) and its per-connection limits.
struct ImapConfig {
  std::vector<ListenAddress> listen;          // never empty; default 0.0.0.0:993 and [::]:993
  std::uint32_t max_connections = 1000;       // open connections across all listeners; more are refused
  std::uint32_t idle_timeout_seconds = 1800;  // autologout of an authenticated idle client (RFC 3501: >= 30 min)
  std::uint32_t login_timeout_seconds = 120;  // a connection must authenticate within this time
  std::uint64_t max_message_bytes = kDefaultMaxMessageBytes;  // APPEND literal limit

  bool operator==(const ImapConfig&) const = default;
};

// [lmtp]: the LMTP listener the MTA delivers to. An empty `listen` disables LMTP (use `sealbox deliver` instead).
struct LmtpConfig {
  std::vector<ListenAddress> listen;  // default 127.0.0.1:24
  std::uint64_t max_message_bytes = kDefaultMaxMessageBytes;  // advertised as SIZE; bigger messages get 552 5.3.4

  bool operator==(const LmtpConfig&) const = default;
};

// Argon2id cost for new password slots (existing accounts keep the parameters stored with them).
struct KdfConfig {
  std::uint32_t passes = 3;       // opslimit, 2..64
  std::uint32_t memory_mib = 32;  // memlimit in MiB, 19..4096

  bool operator==(const KdfConfig&) const = default;
};

// [security]: privilege dropping and key-derivation cost.
struct SecurityConfig {
  std::string system_user;          // service account to switch to after binding; empty: stay as started
  std::filesystem::path chroot;     // absolute directory to chroot into after start-up; empty: none
  KdfConfig kdf;                    // keys kdf_passes, kdf_memory_mib

  bool operator==(const SecurityConfig&) const = default;
};

// [delivery]: how LMTP and `sealbox deliver` map a recipient address to an account name.
struct DeliveryConfig {
  bool lowercase = true;                     // "Alice@X" -> "alice@x"
  std::string subaddress_separator = "+";    // "alice+news" -> "alice"; "" turns subaddressing off; else 1 char
  bool ignore_dots = false;                  // "a.lice" -> "alice" (local part only)
  std::vector<std::string> local_domains;    // lower-case domains stripped from recipients; empty: accept any

  bool operator==(const DeliveryConfig&) const = default;
};

// [keys]: delivery key rotation.
struct KeysConfig {
  std::uint32_t rotation_days = 30;  // a new delivery key pair every this many days, 1..3650

  bool operator==(const KeysConfig&) const = default;
};

// [identification]: the fields the server returns to IMAP ID (RFC 2971), sorted by name. At most 30 fields, names
// 1..30 bytes and unique ignoring case, values at most 1024 bytes, no control characters.
struct IdentificationConfig {
  std::vector<std::pair<std::string, std::string>> fields;

  bool operator==(const IdentificationConfig&) const = default;
};

// [log]: spdlog level name: trace, debug, info, warn, error or off.
struct LogConfig {
  std::string level = "info";

  bool operator==(const LogConfig&) const = default;
};

// The whole configuration. A plain value: copy it, share it read-only between threads.
struct Config {
  std::filesystem::path root;  // the data directory, as passed to parse()/load()/defaults()
  TlsConfig tls;
  ImapConfig imap;
  LmtpConfig lmtp;
  SecurityConfig security;
  DeliveryConfig delivery;
  KeysConfig keys;
  IdentificationConfig identification;
  LogConfig log;

  bool operator==(const Config&) const = default;
};

// Parses and validates the TOML `text`. `source_name` (e.g. "/var/lib/sealbox/sealbox.toml") prefixes every error;
// `root` is stored in Config::root and resolves relative paths. No file is touched.
// Errors (all Errc::bad_syntax, one line, no secrets):
//   "<source>:<line>:<column>: <toml++ description>"                       TOML syntax
//   "<source>:<line>: unknown section 'imapp'" / "unknown key 'imap.listne'"
//   "<source>:<line>: 'imap.max_connections' must be an integer"            wrong type
//   "<source>:<line>: 'keys.rotation_days' must be between 1 and 3650"      out of range
//   "<source>:<line>: 'imap.listen': bad listen address '...': <reason>"    see parse_listen_address()
// Thread-safe (pure).
base::Result<Config> parse(std::string_view text, std::string_view source_name, const std::filesystem::path& root);

// Reads and parses root/"sealbox.toml".
// Errors: Errc::not_found "no configuration at <path>" if the file does not exist; Errc::io if it cannot be read
// (permissions, a directory); otherwise as parse(). Thread-safe.
base::Result<Config> load(const std::filesystem::path& root);

// Every default, with TLS paths under `root`: what a file with no keys parses to (`sealbox demo` uses it).
// Thread-safe (pure).
Config defaults(const std::filesystem::path& root);

// The commented sealbox.toml that `sealbox init` writes: every key set to its default, each with a comment saying
// what it does. parse(default_config_text(), ..., root) == defaults(root). Thread-safe (pure).
std::string default_config_text();

}  // namespace config
