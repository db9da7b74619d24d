// defaults() and default_config_text(): the two must agree; test/unit/config checks that the text parses back to
// defaults(), so change them together.
#include "config/config.h"

namespace config {
namespace {

ListenAddress tcp(std::string host, std::uint16_t port, std::string text) {
  ListenAddress a;
  a.kind = ListenAddress::Kind::tcp;
  a.host = std::move(host);
  a.port = port;
  a.text = std::move(text);
  return a;
}

constexpr std::string_view kDefaultText = R"toml(# sealbox.toml: configuration of the Sealbox mail server.
#
# This file lives in the data directory (the root, `sealbox --root DIR`). Every key below is set to its default,
# so deleting a line changes nothing. Relative paths are resolved against the root.
# Unknown sections and keys are errors, reported with their line, so a typo never falls back to a default silently.

[tls]
# PEM certificate chain served to IMAP clients, leaf certificate first.
certificate_chain = "tls/fullchain.pem"
# PEM private key of that certificate. Keep it readable by the service account only.
private_key = "tls/key.pem"

[imap]
# Addresses for IMAP with implicit TLS (IMAPS): "IPv4:PORT", "[IPv6]:PORT", "localhost:PORT" or "unix:PATH".
# Port 0 lets the kernel choose a free port (`sealbox serve --ports-file F` reports it). Must not be empty.
listen = ["0.0.0.0:993", "[::]:993"]
# Most simultaneous IMAP connections, over all listeners; further connections are closed at once.
max_connections = 1000
# Seconds an authenticated client may stay silent (outside IDLE renewals) before it is logged out.
# RFC 3501 asks for at least 30 minutes.
idle_timeout_seconds = 1800
# Seconds a new connection has to finish TLS and log in.
login_timeout_seconds = 120
# Largest message APPEND accepts, in bytes (64 MiB).
max_message_bytes = 67108864

[lmtp]
# Addresses the MTA delivers to with LMTP. LMTP has no TLS here: keep it on loopback or a UNIX socket
# ("unix:/run/sealbox/lmtp.sock").
# An empty list turns LMTP off (the MTA can run `sealbox deliver` instead).
listen = ["127.0.0.1:24"]
# Largest message accepted, in bytes (advertised with SIZE; larger ones get 552 5.3.4).
max_message_bytes = 67108864

[security]
# Service account the daemon switches to once its sockets are bound. "" keeps the account it was started as.
system_user = ""
# Absolute directory to chroot into after start-up (normally the root). "" means no chroot.
chroot = ""
# Argon2id cost for new and changed passwords: passes (2..64) over kdf_memory_mib MiB (19..4096).
# Existing accounts keep the cost they were created with until their password changes.
kdf_passes = 3
kdf_memory_mib = 32

[delivery]
# How a recipient address (LMTP RCPT TO, `sealbox deliver`) becomes an account name.
# Fold the address to lower case before lookup.
lowercase = true
# "alice+lists@example.org" is delivered to alice. "" turns sub-addressing off; otherwise one punctuation character.
subaddress_separator = "+"
# Drop dots from the local part ("a.lice" is delivered to alice), as some providers do.
ignore_dots = false
# Domains this server receives mail for: "alice@example.org" is delivered to alice, and recipients in any other
# domain are refused. [] accepts any domain.
local_domains = []

[keys]
# Days between delivery key rotations (a new key pair that mail for offline users is sealed to), 1..3650.
rotation_days = 30

[identification]
# Fields returned to the IMAP ID command (RFC 2971): up to 30 string fields, names up to 30 bytes, values up to 1024.
# Without any, the server answers ("name" "Sealbox"). For example:
# name = "Sealbox"
# support-url = "mailto:postmaster@example.org"

[log]
# Log level: trace, debug, info, warn, error or off. Logs never contain passwords, keys or message content.
level = "info"
)toml";

}  // namespace

Config defaults(const std::filesystem::path& root) {
  Config c;
  c.root = root;
  c.tls.certificate_chain = root / "tls/fullchain.pem";
  c.tls.private_key = root / "tls/key.pem";
  c.imap.listen = {tcp("0.0.0.0", 993, "0.0.0.0:993"), tcp("::", 993, "[::]:993")};
  c.lmtp.listen = {tcp("127.0.0.1", 24, "127.0.0.1:24")};
  return c;
}

std::string default_config_text() { return std::string(kDefaultText); }

}  // namespace config
