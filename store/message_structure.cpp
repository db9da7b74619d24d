#include "store/message_structure.h"

#include "mail/envelope.h"
#include "mail/imap_format.h"
#include "mail/mime.h"

namespace store {

std::shared_ptr<const MessageStructure> describe_message(std::string_view message) {
  mail::Part root = mail::parse_message(message);
  auto s = std::make_shared<MessageStructure>();
  s->envelope = mail::envelope_string(mail::make_envelope(root.fields));
  s->body = mail::body_string(root, false);
  s->bodystructure = mail::body_string(root, true);
  return s;
}

}  // namespace store
