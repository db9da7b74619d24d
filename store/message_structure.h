// What IMAP FETCH ENVELOPE, BODY and BODYSTRUCTURE return for one message, computed once from its bytes when the
// message enters a mailbox (APPEND, spool import) and kept, encrypted, in the mailbox index (store/mailbox.h), so
// answering those items never decrypts the body. Immutable and shared: COPY and every session's view hold the same
// object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace store {

struct MessageStructure {
  std::string envelope;       // "(date subject from ...)"  RFC 3501 §7.4.2
  std::string body;           // the non-extensible BODY form
  std::string bodystructure;  // with extension data

  bool operator==(const MessageStructure&) const = default;
};

// Parses `message` (never fails: see mail/mime.h for how malformed input degrades).
std::shared_ptr<const MessageStructure> describe_message(std::string_view message);

}  // namespace store
