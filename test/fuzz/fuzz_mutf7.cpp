// libFuzzer target: modified UTF-7 (imap/syntax/mutf7.h) and the mailbox-name path of the ResponseWriter.
// Invariants (trapping): strict decoding accepts only canonical encodings, so decode then encode gives the input
// back; encode then decode gives valid UTF-8 back; and a name the writer sends parses back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "imap/syntax/command.h"
#include "imap/syntax/mutf7.h"
#include "imap/syntax/parser.h"
#include "imap/syntax/response_writer.h"

namespace {

using namespace imap::syntax;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool is_inbox(std::string_view s) {
  if (s.size() != 5) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    if ((s[i] | 0x20) != "inbox"[i]) return false;
  }
  return true;
}

// Writes the name as the session would (in the given mode) and parses it back as a command argument.
void writer_round_trip(std::string_view utf8, bool utf8_accept, std::string_view expected_on_wire) {
  ResponseWriter w(utf8_accept);
  w.tagged("t").atom("SELECT").mailbox(utf8);
  const std::string line(w.view());
  Parser p;
  auto cmd = p.parse(line);
  check(cmd.has_value());
  const Select& s = std::get<Select>(cmd->body);
  check(s.mailbox == (is_inbox(expected_on_wire) ? std::string_view("INBOX") : expected_on_wire));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto decoded = mutf7_decode(input)) {
    auto again = mutf7_encode(*decoded);
    check(again.has_value() && *again == input);
  }
  if (auto encoded = mutf7_encode(input)) {
    for (char c : *encoded) check(c >= 0x20 && c <= 0x7E);
    auto back = mutf7_decode(*encoded);
    check(back.has_value() && *back == input);
    writer_round_trip(input, false, *encoded);
    // Valid UTF-8 goes out as is in UTF8=ACCEPT mode. A NUL cannot travel in a string at all (CHAR8 excludes it);
    // such names are refused when mailboxes are created (RFC 6855 §3: names are Net-Unicode, no controls).
    if (input.find('\0') == std::string_view::npos) writer_round_trip(input, true, input);
  }
  return 0;
}
