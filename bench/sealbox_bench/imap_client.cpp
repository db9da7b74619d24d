#include "bench/sealbox_bench/imap_client.h"

namespace sealbox_bench {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Response ImapClient::failure(std::string what) {
  Response r;
  r.kind = ResponseKind::tagged;
  r.text = std::move(what);
  stream_.reset();  // the connection's state is unknown now: the worker reconnects
  return r;
}

std::string ImapClient::send(const std::string& bytes) {
  return stream_->write(bytes, Clock::now() + kCommandTimeout);
}

Response ImapClient::read_until(const std::string& tag, bool until_continuation, Clock::time_point deadline) {
  std::string chunk;
  for (;;) {
    while (auto r = parser_.next()) {
      for (const auto& c : r->capabilities) caps_.insert(c);
      if (r->kind == ResponseKind::continuation && until_continuation) return *r;
      if (r->kind == ResponseKind::tagged && r->tag == tag) return *r;
      if (r->kind == ResponseKind::status && r->status == "BYE" && tag.empty()) return *r;
      view_.apply(*r);  // a violation is kept in the view; the worker collects it with take_errors()
      if (tag.empty() && !until_continuation) return *r;  // greeting
    }
    if (parser_.failed()) return failure("unparsable response: " + parser_.error());
    chunk.clear();
    const std::string e = stream_->read_some(chunk, deadline);
    if (!e.empty()) return failure("read: " + e);
    parser_.feed(chunk);
  }
}

std::string ImapClient::open(const Endpoint& to, const TlsOptions& tls, const std::string& user,
                             const std::string& password) {
  std::string error;
  parser_ = ImapResponseParser();
  view_.reset();
  caps_.clear();
  stream_ = NetStream::connect(to, tls, Clock::now() + kCommandTimeout, error);
  if (!stream_) return error;
  Response greeting = read_until("", false, Clock::now() + kCommandTimeout);
  if (greeting.status != "OK") return "greeting: " + greeting.text;
  if (caps_.empty()) command("CAPABILITY");
  Response login = command("LOGIN " + quote(user) + " " + quote(password));
  if (login.status != "OK") {
    const std::string text = login.text;
    stream_.reset();
    return "LOGIN " + user + ": " + text;
  }
  if (has("CONDSTORE")) command("ENABLE CONDSTORE");
  return {};
}

void ImapClient::close() {
  if (stream_) command("LOGOUT");
  stream_.reset();
}

Response ImapClient::command(const std::string& text) {
  if (!stream_) return failure("not connected");
  const std::string tag = "b" + std::to_string(++next_tag_);
  if (auto e = send(tag + " " + text + "\r\n"); !e.empty()) return failure("write: " + e);
  return read_until(tag, false, Clock::now() + kCommandTimeout);
}

Response ImapClient::append(const std::string& mailbox, const std::string& message) {
  if (!stream_) return failure("not connected");
  const std::string tag = "b" + std::to_string(++next_tag_);
  const auto deadline = Clock::now() + kCommandTimeout;
  if (auto e = send(tag + " APPEND " + quote(mailbox) + " {" + std::to_string(message.size()) + "}\r\n"); !e.empty()) {
    return failure("write: " + e);
  }
  Response go = read_until(tag, true, deadline);
  if (go.kind != ResponseKind::continuation) return go;
  if (auto e = send(message + "\r\n"); !e.empty()) return failure("write: " + e);
  return read_until(tag, false, deadline);
}

Response ImapClient::idle(std::chrono::milliseconds wait) {
  if (!stream_) return failure("not connected");
  const std::string tag = "b" + std::to_string(++next_tag_);
  if (auto e = send(tag + " IDLE\r\n"); !e.empty()) return failure("write: " + e);
  Response go = read_until(tag, true, Clock::now() + kCommandTimeout);
  if (go.kind != ResponseKind::continuation) return go;
  // Wait for one notification (or the timeout), applying whatever arrives.
  const auto until = Clock::now() + wait;
  bool notified = false;
  std::string chunk;
  while (!notified) {
    while (auto r = parser_.next()) {
      view_.apply(*r);
      notified = true;
    }
    if (parser_.failed()) return failure("unparsable response: " + parser_.error());
    if (notified) break;
    chunk.clear();
    const std::string e = stream_->read_some(chunk, until);
    if (e == "timeout") break;
    if (!e.empty()) return failure("read: " + e);
    parser_.feed(chunk);
  }
  if (auto e = send("DONE\r\n"); !e.empty()) return failure("write: " + e);
  return read_until(tag, false, Clock::now() + kCommandTimeout);
}

}  // namespace sealbox_bench
