#include "mail/section.h"

namespace mail {
namespace {

// The numbered sub-parts of a message (the top level or an encapsulated one).
std::span<const Part> message_parts(const Part& message) {
  if (message.is_multipart()) return message.children;
  return std::span<const Part>(&message, 1);
}

// The numbered sub-parts of a body part.
std::span<const Part> part_parts(const Part& part) {
  if (part.is_multipart()) return part.children;
  if (part.is_message()) return message_parts(part.children.front());
  return {};
}

}  // namespace

const Part* find_part(const Part& root, std::span<const std::uint32_t> part) {
  const Part* current = nullptr;
  for (std::uint32_t n : part) {
    auto parts = current == nullptr ? message_parts(root) : part_parts(*current);
    if (n == 0 || n > parts.size()) return nullptr;
    current = &parts[n - 1];
  }
  return current;
}

std::optional<Range> find_section(const Part& root, std::span<const std::uint32_t> part, SectionText text) {
  if (part.empty()) {
    switch (text) {
      case SectionText::none: return Range{root.header.offset, root.header.length + root.body.length};
      case SectionText::header: return root.header;
      case SectionText::text: return root.body;
      case SectionText::mime: return std::nullopt;
    }
  }
  const Part* p = find_part(root, part);
  if (p == nullptr) return std::nullopt;
  switch (text) {
    case SectionText::none: return p->body;
    case SectionText::mime: return p->header;
    case SectionText::header: return p->is_message() ? std::optional<Range>(p->children.front().header) : std::nullopt;
    case SectionText::text: return p->is_message() ? std::optional<Range>(p->children.front().body) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace mail
