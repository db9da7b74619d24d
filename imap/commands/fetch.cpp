// FETCH and UID FETCH (RFC 3501 §6.4.5): FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE,
// RFC822, RFC822.HEADER, RFC822.TEXT, and BODY[section]<partial> / BODY.PEEK[...] for every section form (part
// numbers, HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, MIME, TEXT; mail/section.h). A section that does not exist
// is NIL. Also SAVEDATE (RFC 8514): when the message was added to this mailbox, and EMAILID / THREADID (RFC 8474;
// THREADID is always NIL).
//
// BINARY[part]<partial>, BINARY.PEEK[...] and BINARY.SIZE[part] (RFC 3516, RFC 9051 §6.4.5): the part with its
// transfer encoding removed (mail/binary.h), partial ranges counted in decoded bytes. Data holding a NUL goes out as
// a literal8 "~{n}", anything else as an ordinary literal (RFC 3516 §4.3 SHOULD). A part number that names no part
// gives NIL (BINARY.SIZE 0), as BODY does. An unknown encoding fails the command with NO [UNKNOWN-CTE]; the FETCH
// responses of the messages before it stay sent, and no partial response is written for that message.
//
// ENVELOPE, BODY and BODYSTRUCTURE come from the structure stored with each message's index record
// (store/message_structure.h), so they never decrypt the body. Bodies are decrypted on the work pool, one message
// at a time, and written out as they come so memory stays bounded by the largest message.
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

#include "actors/runtime/actor.h"
#include "imap/commands/commands.h"
#include "imap/commands/message_text.h"
#include "mail/binary.h"
#include "mail/section.h"

namespace imap::commands {
namespace {

using syntax::FetchAtt;
using Kind = syntax::FetchAtt::Kind;

constexpr std::size_t kFlushAt = 256 * 1024;  // write the response buffer out once it holds this much

bool needs_body(const FetchAtt& a) {
  return a.kind == Kind::rfc822 || a.kind == Kind::rfc822_header || a.kind == Kind::rfc822_text ||
         a.kind == Kind::body_section || a.kind == Kind::binary || a.kind == Kind::binary_size;
}

bool sets_seen(const FetchAtt& a) {
  // RFC 3516 §4.2: BINARY sets \Seen as BODY does, BINARY.PEEK and BINARY.SIZE do not.
  return (a.kind == Kind::body_section && !a.peek) || (a.kind == Kind::binary && !a.peek) ||
         a.kind == Kind::rfc822 || a.kind == Kind::rfc822_text;
}

bool is_binary(const FetchAtt& a) { return a.kind == Kind::binary || a.kind == Kind::binary_size; }

bool needs_structure(const FetchAtt& a) {
  return a.kind == Kind::envelope || a.kind == Kind::body || a.kind == Kind::bodystructure;
}

bool supported(const FetchAtt& a) {
  switch (a.kind) {
    case Kind::flags: case Kind::uid: case Kind::internal_date: case Kind::rfc822_size: case Kind::rfc822:
    case Kind::rfc822_header: case Kind::rfc822_text: case Kind::envelope: case Kind::body: case Kind::bodystructure:
    case Kind::body_section: case Kind::savedate: case Kind::modseq:
    case Kind::emailid: case Kind::threadid:
    case Kind::binary: case Kind::binary_size:
      return true;
    default:
      return false;
  }
}

bool is_atom_text(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '"' && c != '\\' && c != ']' &&
           c != '%' && c != '*';
  });
}

// "BODY[HEADER.FIELDS (Subject)]<0>" as the response names the item (RFC 3501 §7.4.2: only the origin octet).
std::string section_label(const FetchAtt& a) {
  std::string label = "BODY[";
  for (std::size_t i = 0; i < a.section.part.size(); ++i) {
    if (i) label += '.';
    label += std::to_string(a.section.part[i]);
  }
  if (!a.section.part.empty() && a.section.text != syntax::Section::Text::none) label += '.';
  switch (a.section.text) {
    case syntax::Section::Text::none: break;
    case syntax::Section::Text::header: label += "HEADER"; break;
    case syntax::Section::Text::text: label += "TEXT"; break;
    case syntax::Section::Text::mime: label += "MIME"; break;
    case syntax::Section::Text::header_fields:
    case syntax::Section::Text::header_fields_not: {
      label += a.section.text == syntax::Section::Text::header_fields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (";
      for (std::size_t i = 0; i < a.section.fields.size(); ++i) {
        if (i) label += ' ';
        auto f = a.section.fields[i];
        if (is_atom_text(f)) {
          label += f;
        } else {
          label += '"';
          for (char c : f) {
            if (c == '"' || c == '\\') label += '\\';
            label += c;
          }
          label += '"';
        }
      }
      label += ')';
      break;
    }
  }
  label += ']';
  if (a.partial) label += "<" + std::to_string(a.partial->offset) + ">";
  return label;
}

// "BINARY[1.2]<0>" or "BINARY.SIZE[1.2]" as the response names the item (RFC 3516 §7: msg-att-static).
std::string binary_label(const FetchAtt& a) {
  std::string label = a.kind == Kind::binary_size ? "BINARY.SIZE[" : "BINARY[";
  for (std::size_t i = 0; i < a.section.part.size(); ++i) {
    if (i) label += '.';
    label += std::to_string(a.section.part[i]);
  }
  label += ']';
  if (a.kind == Kind::binary && a.partial) label += "<" + std::to_string(a.partial->offset) + ">";
  return label;
}

// BINARY[part] of the message; BINARY[] needs no MIME parse. `storage` holds decoded bytes (see mail/binary.h).
mail::BinarySection binary_bytes(const FetchAtt& a, std::string_view message, std::optional<mail::Part>& root,
                                 std::string& storage) {
  if (a.section.part.empty()) return {mail::BinaryStatus::ok, message};
  if (!root) root = mail::parse_message(message);
  return mail::binary_section(message, *root, a.section.part, storage);
}

std::string_view slice(std::string_view data, const std::optional<syntax::Partial>& partial) {
  if (!partial) return data;
  if (partial->offset >= data.size()) return {};
  return data.substr(partial->offset, partial->count);
}

mail::SectionText section_text(syntax::Section::Text t) {
  switch (t) {
    case syntax::Section::Text::none: return mail::SectionText::none;
    case syntax::Section::Text::text: return mail::SectionText::text;
    case syntax::Section::Text::mime: return mail::SectionText::mime;
    case syntax::Section::Text::header:
    case syntax::Section::Text::header_fields:
    case syntax::Section::Text::header_fields_not: return mail::SectionText::header;
  }
  return mail::SectionText::none;
}

// The bytes of BODY[section] before any partial range, or nullopt when the section does not exist. `storage`
// holds selected header fields; `root` is the message's MIME tree, parsed on first use.
std::optional<std::string_view> section_bytes(const FetchAtt& a, std::string_view message, std::size_t header_end,
                                              std::optional<mail::Part>& root, std::string& storage) {
  std::string_view bytes;
  if (a.section.part.empty() && a.section.text != syntax::Section::Text::mime) {
    // The top level needs no MIME parse.
    switch (a.section.text) {
      case syntax::Section::Text::none: bytes = message; break;
      case syntax::Section::Text::text: bytes = message.substr(header_end); break;
      default: bytes = message.substr(0, header_end); break;
    }
  } else {
    if (!root) root = mail::parse_message(message);
    auto range = mail::find_section(*root, a.section.part, section_text(a.section.text));
    if (!range) return std::nullopt;
    bytes = message.substr(range->offset, range->length);
  }
  if (a.section.text == syntax::Section::Text::header_fields ||
      a.section.text == syntax::Section::Text::header_fields_not) {
    storage = select_header_fields(bytes, a.section.fields, a.section.text == syntax::Section::Text::header_fields_not);
    bytes = storage;
  }
  return bytes;
}

void write_flags(Session& s, const actors::MessageSummary& m) {
  s.out.atom("FLAGS").open();
  for (const auto& f : m.flags) s.out.atom(f);
  s.out.close();
}

}  // namespace

asio::awaitable<void> fetch(Session& s, std::string_view tag, const syntax::Fetch& cmd) {
  for (const auto& a : cmd.items) {
    if (!supported(a)) co_return s.reply(tag, "BAD", "FETCH item not supported");
  }
  // RFC 7162 §3.2.6: VANISHED only in UID FETCH, only after ENABLE QRESYNC (the parser checked CHANGEDSINCE).
  if (cmd.vanished && !cmd.uid) co_return s.reply(tag, "BAD", "VANISHED needs UID FETCH");
  if (cmd.vanished && !s.enabled.qresync) co_return s.reply(tag, "BAD", "QRESYNC is not enabled");
  std::vector<std::uint32_t> seqs;
  if (!s.view->resolve(cmd.set, cmd.uid, seqs)) co_return s.reply(tag, "BAD", "Invalid message sequence number");
  bool modseq_item = cmd.changed_since.has_value() ||
                     std::any_of(cmd.items.begin(), cmd.items.end(), [](const auto& a) { return a.kind == Kind::modseq; });
  if (modseq_item) s.enable_condstore();  // RFC 7162 §3.1: MODSEQ and CHANGEDSINCE are CONDSTORE enabling
  if (cmd.changed_since) {
    // CHANGEDSINCE (RFC 7162 §3.1.4.1) filters on modseqs, so take in other sessions' flag changes first; their
    // FETCH reports go out now, which is allowed at any point of a command.
    s.apply_flag_changes();
    std::erase_if(seqs, [&](std::uint32_t seq) { return s.view->at(seq).modseq <= *cmd.changed_since; });
  }
  if (cmd.vanished) {
    auto request = actors::Vanished{*cmd.changed_since, {}};
    auto runs = co_await s.mailbox->ask(std::move(request), asio::use_awaitable);
    if (!runs) co_return s.reply_error(tag, runs.error());
    std::uint32_t max_uid = s.view->exists() ? s.view->at(s.view->exists()).uid : 0;
    auto star = std::max(max_uid, s.view->uidnext() - 1);
    auto vanished = syntax::intersect(*runs, syntax::to_runs(cmd.set, star));
    // Only UIDs no longer in this session's view: one expunged after the reply was built is still announced as
    // VANISHED (without EARLIER) between commands, and must not be reported twice.
    syntax::UidRuns gone;
    for (const auto& [first, last] : vanished) {
      for (std::uint64_t uid = first; uid <= last; ++uid) {
        if (s.view->seq_of(static_cast<std::uint32_t>(uid)) != 0) continue;
        if (!gone.empty() && gone.back().second + 1 == uid) gone.back().second = static_cast<std::uint32_t>(uid);
        else gone.emplace_back(static_cast<std::uint32_t>(uid), static_cast<std::uint32_t>(uid));
      }
    }
    if (!gone.empty()) {
      s.out.untagged().atom("VANISHED").open().atom("EARLIER").close().atom(syntax::format_runs(gone)).end();
    }
  }

  bool body = std::any_of(cmd.items.begin(), cmd.items.end(), needs_body);
  const auto binary_items = static_cast<std::size_t>(std::count_if(cmd.items.begin(), cmd.items.end(), is_binary));
  bool structure = std::any_of(cmd.items.begin(), cmd.items.end(), needs_structure);
  std::set<std::uint32_t> newly_seen;
  if (!s.view->read_only() && std::any_of(cmd.items.begin(), cmd.items.end(), sets_seen)) {
    std::vector<std::uint32_t> uids;
    for (auto seq : seqs) {
      const auto& flags = s.view->at(seq).flags;
      if (!std::binary_search(flags.begin(), flags.end(), std::string("\\Seen"))) uids.push_back(s.view->at(seq).uid);
    }
    if (!uids.empty()) {
      actors::StoreFlags request{s.id, uids, actors::FlagOp::add, std::vector<std::string>{std::string("\\Seen")},
                                 std::nullopt, {}};
      auto stored = co_await s.mailbox->ask(std::move(request), asio::use_awaitable);
      if (!stored) co_return s.reply_error(tag, stored.error());
      for (auto& u : stored->updated) {
        s.view->set_flags(u.uid, u.modseq, u.flags);
        newly_seen.insert(u.uid);
      }
    }
  }

  auto keys = s.account->keys();
  auto paths = s.account->paths();
  for (auto seq : seqs) {
    const actors::MessageSummary m = s.view->at(seq);  // a copy: the view may change while we wait for the pool
    std::string data;
    // Messages indexed without a structure (none should be) are described from their bytes.
    bool describe = structure && !m.structure;
    if (body || describe) {
      auto job = [keys, paths, blob_id = m.blob_id, wrapped = m.wrapped_dek]() -> base::Result<base::Bytes> {
        SB_TRY(crypto::Key dek, keys->unwrap_dek(wrapped, blob_id));
        return store::read_message(paths.blob(blob_id), dek);
      };
      auto read = co_await actors::run_on_pool<base::Result<base::Bytes>>(s.server.pool(), std::move(job),
                                                                          asio::use_awaitable);
      if (!read) co_return s.reply_error(tag, read.error());
      data.assign(base::as_chars(*read));
    }
    std::string_view message = data;
    std::size_t header_end = body ? header_length(message) : 0;
    auto described = describe ? store::describe_message(message) : m.structure;
    std::optional<mail::Part> root;
    // BINARY items are decoded before the response starts, in item order, so an unknown encoding fails the command
    // without half a FETCH response on the wire. `decoded` is sized once: the sections view into its strings.
    std::vector<std::string> decoded(binary_items);
    std::vector<mail::BinarySection> binary;
    binary.reserve(binary_items);
    for (const auto& a : cmd.items) {
      if (!is_binary(a)) continue;
      binary.push_back(binary_bytes(a, message, root, decoded[binary.size()]));
      if (binary.back().status == mail::BinaryStatus::unknown_encoding) {
        s.apply_flag_changes();
        const std::string text = "Unknown Content-Transfer-Encoding in message " + std::to_string(seq);
        co_return s.reply(tag, "NO", text, "UNKNOWN-CTE");
      }
    }
    std::size_t next_binary = 0;

    s.out.untagged().number(seq).atom("FETCH").open();
    bool flags_written = false;
    bool seen_now = newly_seen.count(m.uid) != 0;
    // UID leads for UID FETCH, and for a fetch that set \Seen once CONDSTORE is on (RFC 7162 §3.2.4).
    bool uid_first = cmd.uid || (seen_now && s.enabled.condstore);
    if (uid_first && std::none_of(cmd.items.begin(), cmd.items.end(), [](const auto& a) { return a.kind == Kind::uid; })) {
      s.out.atom("UID").number(m.uid);
    }
    for (const auto& a : cmd.items) {
      switch (a.kind) {
        case Kind::flags: write_flags(s, m); flags_written = true; break;
        case Kind::uid: s.out.atom("UID").number(m.uid); break;
        case Kind::internal_date: s.out.atom("INTERNALDATE").date_time(m.internal_date); break;
        case Kind::rfc822_size: s.out.atom("RFC822.SIZE").number(m.size); break;
        // RFC 8514 §4.2: every message here has one (set when it was added to this mailbox), so never NIL.
        case Kind::savedate: s.out.atom("SAVEDATE").date_time(m.save_date); break;
        case Kind::modseq: break;  // written once, below
        // RFC 8474 §5.3; no threading here, so THREADID is NIL (§5.2).
        case Kind::emailid: s.out.atom("EMAILID").open().atom(m.email_id).close(); break;
        case Kind::threadid: s.out.atom("THREADID").nil(); break;
        case Kind::envelope: s.out.atom("ENVELOPE").atom(described->envelope); break;
        case Kind::body: s.out.atom("BODY").atom(described->body); break;
        case Kind::bodystructure: s.out.atom("BODYSTRUCTURE").atom(described->bodystructure); break;
        case Kind::rfc822: s.out.atom("RFC822").literal(base::as_bytes(message)); break;
        case Kind::rfc822_header:
          s.out.atom("RFC822.HEADER").literal(base::as_bytes(message.substr(0, header_end)));
          break;
        case Kind::rfc822_text:
          s.out.atom("RFC822.TEXT").literal(base::as_bytes(message.substr(header_end)));
          break;
        case Kind::body_section: {
          std::string selected;
          auto bytes = section_bytes(a, message, header_end, root, selected);
          s.out.atom(section_label(a));
          if (bytes) s.out.literal(base::as_bytes(slice(*bytes, a.partial)));
          else s.out.nil();
          break;
        }
        case Kind::binary: {
          const auto& b = binary[next_binary++];
          s.out.atom(binary_label(a));
          if (b.status != mail::BinaryStatus::ok) {
            s.out.nil();
            break;
          }
          const auto bytes = slice(b.data, a.partial);
          if (mail::needs_literal8(bytes)) s.out.literal8(base::as_bytes(bytes));
          else s.out.literal(base::as_bytes(bytes));
          break;
        }
        case Kind::binary_size: {
          const auto& b = binary[next_binary++];
          s.out.atom(binary_label(a)).number(b.status == mail::BinaryStatus::ok ? b.data.size() : 0);
          break;
        }
        default: break;  // refused above
      }
    }
    // A fetch that set \Seen reports the new flags (RFC 3501 §6.4.5).
    if (!flags_written && seen_now) write_flags(s, s.view->at(seq));
    if (modseq_item || (seen_now && s.enabled.condstore)) {
      s.out.atom("MODSEQ").open().number(s.view->at(seq).modseq).close();
    }
    s.out.close().end();
    if (s.out.size() >= kFlushAt && !co_await s.flush()) co_return;
  }
  s.apply_flag_changes();
  s.reply(tag, "OK", cmd.uid ? "UID FETCH completed" : "FETCH completed");
}

}  // namespace imap::commands
