#include "test/support/imap_server.h"

#include <sstream>
#include <stdexcept>
#include <vector>

#include "net/self_signed.h"
#include "test/support/temp_dir.h"

namespace test_support {

std::string imap_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

ImapServer::ImapServer(ImapServerOptions options) {
  auto chain = root() / "tls" / "fullchain.pem";
  auto key = root() / "tls" / "key.pem";
  std::filesystem::create_directories(chain.parent_path());
  if (auto made = net::make_self_signed(chain, key, {"localhost"}, {"127.0.0.1"}, 2); !made) {
    throw std::runtime_error("make_self_signed failed: " + made.error().message());
  }
  // Loopback, kernel-chosen ports only; LMTP only when asked (its default would be port 24). The kdf lines
  // SealboxRoot set stay.
  lmtp_ = options.lmtp;
  set_config("imap", "listen", "[\"127.0.0.1:0\"]");
  set_config("lmtp", "listen", lmtp_ ? "[\"127.0.0.1:0\"]" : "[]");
  for (const auto& [name, value] : options.config) {
    const auto dot = name.find('.');
    if (dot == std::string::npos) throw std::runtime_error("ImapServerOptions.config: want section.key: " + name);
    set_config(name.substr(0, dot), name.substr(dot + 1), value);
  }
  if (options.start) start();
}

ImapServer::~ImapServer() {
  if (process_) process_->stop();
}

// Replaces "key = ..." inside [section] (or adds it after the section header, or adds the section).
void ImapServer::set_config(const std::string& section, const std::string& key, const std::string& value) {
  const auto path = root() / "sealbox.toml";
  std::istringstream in(read_file(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::string header = "[" + section + "]";
  const std::string wanted = key + " = " + value;
  std::string current;
  std::size_t header_at = lines.size();
  bool done = false;
  for (std::size_t i = 0; i < lines.size() && !done; ++i) {
    const auto& line = lines[i];
    if (!line.empty() && line[0] == '[') {
      current = line;
      if (line == header) header_at = i;
      continue;
    }
    if (current == header && (line.rfind(key + " =", 0) == 0 || line.rfind(key + "=", 0) == 0)) {
      lines[i] = wanted;
      done = true;
    }
  }
  if (!done && header_at < lines.size()) {
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(header_at) + 1, wanted);
  } else if (!done) {
    lines.push_back(header);
    lines.push_back(wanted);
  }
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  write_file(path, text);
}

void ImapServer::add_user(const std::string& user, const std::string& password) const {
  root_.add_user(user, password);
}

void ImapServer::deliver(const std::string& user, const std::string& message, const std::string& mailbox) const {
  std::vector<std::string> args{"deliver", "--user", user};
  if (!mailbox.empty()) {
    args.push_back("--mailbox");
    args.push_back(mailbox);
  }
  auto r = root_.run(args, message);
  if (r.exit_code != 0) {
    throw std::runtime_error("sealbox deliver --user " + user + " exited " + std::to_string(r.exit_code) + ": " +
                             r.err);
  }
}

void ImapServer::start() {
  if (running()) return;
  if (process_) last_log_ += process_->log();
  process_.reset();
  process_ = ServerProcess::serve(root(), lmtp_);
}

int ImapServer::stop() {
  if (!process_) return 0;
  return process_->stop();
}

int ImapServer::kill9() {
  if (!process_) return 0;
  return process_->kill9();
}

std::uint16_t ImapServer::lmtp_port() const {
  if (!process_) throw std::runtime_error("ImapServer: not started");
  if (!lmtp_) throw std::runtime_error("ImapServer: LMTP was not asked for (ImapServerOptions::lmtp)");
  return process_->lmtp_port();
}

std::uint16_t ImapServer::port() const {
  if (!process_) throw std::runtime_error("ImapServer: not started");
  return process_->imaps_port();
}

std::string ImapServer::log() const { return last_log_ + (process_ ? process_->log() : std::string()); }

TlsClient ImapServer::connect() const {
  auto client = TlsClient::connect(port());
  auto greeting = client.read_line();
  if (greeting.rfind("* OK", 0) != 0) throw std::runtime_error("unexpected greeting: " + greeting);
  return client;
}

TlsClient ImapServer::login(const std::string& user, const std::string& password) const {
  auto client = connect();
  // Logins of a user whose account is not open yet run Argon2id: allow for a loaded machine.
  auto status =
      client.command("l1", "LOGIN " + imap_quote(user) + " " + imap_quote(password), std::chrono::seconds(30));
  if (status.rfind("l1 OK", 0) != 0) throw std::runtime_error("LOGIN " + user + " failed: " + status);
  return client;
}

std::string append_message(TlsClient& client, const std::string& tag, const std::string& mailbox,
                           const std::string& message, const std::string& options, std::vector<std::string>* untagged) {
  std::string line = tag + " APPEND " + mailbox;
  if (!options.empty()) line += " " + options;
  line += " {" + std::to_string(message.size()) + "}\r\n";
  client.send(line);
  auto first = client.read_line(std::chrono::seconds(30));
  if (first.rfind("+", 0) != 0) return first;  // refused before the body (TRYCREATE, TOOBIG, BAD)
  client.send(message, std::chrono::seconds(60));
  client.send("\r\n");
  auto responses = client.read_response(tag, std::chrono::seconds(60));
  std::string status = responses.back();
  responses.pop_back();
  if (untagged != nullptr) *untagged = std::move(responses);
  return status;
}

namespace {

struct Cursor {
  const std::string& s;
  std::size_t at = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("malformed FETCH response (" + what + " at " + std::to_string(at) +
                             "): " + s.substr(0, 300));
  }
  bool done() const { return at >= s.size(); }
  char peek() const { return done() ? '\0' : s[at]; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++at;
  }
  // Text up to the next SP or ')' (outside brackets): an atom, a number, an item name with its section.
  std::string atom() {
    const std::size_t start = at;
    int brackets = 0;
    while (!done()) {
      const char c = s[at];
      if (c == '[') ++brackets;
      if (c == ']') --brackets;
      if (brackets == 0 && (c == ' ' || c == ')' || c == '(')) break;
      ++at;
    }
    if (at == start) fail("empty atom");
    return s.substr(start, at - start);
  }
  std::string value() {
    const char c = peek();
    if (c == '"') {
      std::string out;
      ++at;
      while (!done() && s[at] != '"') {
        if (s[at] == '\\') ++at;
        if (done()) fail("unterminated quoted string");
        out += s[at++];
      }
      expect('"');
      return out;
    }
    if (c == '{') {
      const auto close = s.find('}', at);
      if (close == std::string::npos) fail("unterminated literal announcement");
      const auto n = std::stoull(s.substr(at + 1, close - at - 1));
      at = close + 1;
      expect('\r');
      expect('\n');
      if (at + n > s.size()) fail("short literal");
      std::string out = s.substr(at, n);
      at += n;
      return out;
    }
    if (c == '(') {
      const std::size_t start = at;
      int depth = 0;
      do {
        const char d = peek();
        if (d == '"') {
          value();
          continue;
        }
        if (d == '{') {
          value();
          continue;
        }
        if (d == '(') ++depth;
        if (d == ')') --depth;
        if (done()) fail("unterminated list");
        ++at;
      } while (depth > 0);
      return s.substr(start, at - start);
    }
    return atom();
  }
};

}  // namespace

std::optional<FetchData> parse_fetch(const std::string& response) {
  if (response.rfind("* ", 0) != 0) return std::nullopt;
  const auto space = response.find(' ', 2);
  if (space == std::string::npos || response.compare(space, 8, " FETCH (") != 0) return std::nullopt;
  const std::string number = response.substr(2, space - 2);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  FetchData out;
  out.seq = static_cast<std::uint32_t>(std::stoul(number));
  Cursor c{response, space + 7};
  c.expect('(');
  while (c.peek() != ')') {
    if (!out.order.empty()) c.expect(' ');
    auto name = c.atom();
    c.expect(' ');
    auto value = c.value();
    if (out.items.count(name) != 0) c.fail("item " + name + " twice");
    out.order.push_back(name);
    out.items[name] = std::move(value);
  }
  c.expect(')');
  if (!c.done()) c.fail("text after the closing parenthesis");
  return out;
}

std::set<std::string> parse_flags(const std::string& list) {
  if (list.size() < 2 || list.front() != '(' || list.back() != ')') {
    throw std::runtime_error("not a flag list: " + list);
  }
  std::set<std::string> out;
  std::istringstream in(list.substr(1, list.size() - 2));
  for (std::string flag; in >> flag;) out.insert(flag);
  return out;
}

std::optional<std::uint32_t> untagged_number(const std::string& response, const std::string& word) {
  if (response.rfind("* ", 0) != 0) return std::nullopt;
  const auto space = response.find(' ', 2);
  if (space == std::string::npos || response.substr(space + 1) != word) return std::nullopt;
  const std::string number = response.substr(2, space - 2);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return static_cast<std::uint32_t>(std::stoul(number));
}

}  // namespace test_support
