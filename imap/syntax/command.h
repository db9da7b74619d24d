// The typed form of one IMAP command: a std::variant of one struct per command, produced by Parser (parser.h).
//
// Coverage: every RFC 3501 command, plus IMAP4rev2 (RFC 9051) and the extensions whose syntax is simple: ENABLE
// (RFC 5161), IDLE (RFC 2177), MOVE (RFC 6851), UID EXPUNGE (RFC 4315), UNSELECT (RFC 3691), ID (RFC 2971),
// NAMESPACE (RFC 2342), COMPRESS (RFC 4978), SASL-IR (RFC 4959), MULTIAPPEND (RFC 3502), BINARY APPEND (RFC 3516),
// CONDSTORE/QRESYNC parameters (RFC 7162), LIST-EXTENDED/LIST-STATUS/SPECIAL-USE (RFC 5258, 5819, 6154), ESEARCH
// and SEARCHRES (RFC 4731, 5182). Anything else is Unknown, so the session can answer "tag BAD".
//
// Strings. Every std::string_view points into the command line the parser was given, or into the Parser's own
// scratch storage for quoted strings that contained escapes. Views are valid while both the line and the Parser
// live: for a line from CommandReader, until the reader's next next() call (CommandReader::next() is where the
// reader consumes a command), and until the Parser's next parse(). Call Command::to_owned() for a copy that owns
// everything (needed before any of it goes into an actor message or outlives the command).
//
// Values are raw protocol values with quoting and literal framing removed: mailbox names are bytes as sent (modified
// UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT; see mutf7.h), except that every case variant of INBOX is returned as
// "INBOX". System flags are normalised to their canonical spelling ("\\seen" -> "\\Seen"); keywords are atoms as
// sent.
//
// APPEND bodies are never part of the line: CommandReader streams each message body out of band (ReadKind::
// append_literal) and leaves only the literal's announcement ("{n}", "{n+}", "~{n}") in the line. Append::messages
// therefore lists size and options per message, and the i-th body the session received is the i-th message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "imap/syntax/date_time.h"
#include "imap/syntax/fetch_att.h"
#include "imap/syntax/search_key.h"
#include "imap/syntax/sequence_set.h"

namespace imap::syntax {

class OwnedCommand;

// An RFC 4466 extension parameter kept uninterpreted: "name" or "name value". value is the raw text of the
// tagged-ext-val ("(1 2)", "17", "5:7"), empty when absent; literals inside it keep their "{n}\r\n" framing.
struct ExtParam {
  std::string_view name;
  std::string_view value;

  friend bool operator==(const ExtParam&, const ExtParam&) = default;
};

// STATUS data items (RFC 3501, RFC 7162 HIGHESTMODSEQ, RFC 7889 APPENDLIMIT, RFC 8474 MAILBOXID, RFC 9208 DELETED,
// DELETED-STORAGE, RFC 9051 SIZE).
enum class StatusItem {
  messages, recent, uidnext, uidvalidity, unseen, deleted, deleted_storage, size, highestmodseq, appendlimit,
  mailboxid,
};

// --- Any state ---
struct Capability { friend bool operator==(const Capability&, const Capability&) = default; };
struct Noop { friend bool operator==(const Noop&, const Noop&) = default; };
struct Logout { friend bool operator==(const Logout&, const Logout&) = default; };
struct Id {
  // nullopt for "ID NIL"; otherwise field/value pairs in order (value nullopt for NIL).
  std::optional<std::vector<std::pair<std::string_view, std::optional<std::string_view>>>> params;
  friend bool operator==(const Id&, const Id&) = default;
};
struct Enable {
  std::vector<std::string_view> capabilities;  // atoms as sent; compare case-insensitively
  friend bool operator==(const Enable&, const Enable&) = default;
};
struct Compress {
  std::string_view mechanism;  // atom as sent ("DEFLATE")
  friend bool operator==(const Compress&, const Compress&) = default;
};

// --- Not authenticated ---
struct StartTls { friend bool operator==(const StartTls&, const StartTls&) = default; };  // parsed so it can be refused
struct Authenticate {
  std::string_view mechanism;                     // atom as sent ("PLAIN")
  std::optional<std::string_view> initial_response;  // SASL-IR: base64 text (checked, not decoded); "" for "="
  friend bool operator==(const Authenticate&, const Authenticate&) = default;
};
struct Login {
  std::string_view user;
  std::string_view password;
  friend bool operator==(const Login&, const Login&) = default;
};

// --- Authenticated ---
struct QresyncParams {
  std::uint32_t uidvalidity = 0;
  std::uint64_t modseq = 0;
  std::optional<SequenceSet> known_uids;
  std::optional<std::pair<SequenceSet, SequenceSet>> seq_match;  // (known-sequence-set, known-uid-set)
  friend bool operator==(const QresyncParams&, const QresyncParams&) = default;
};
struct Select {                 // SELECT and EXAMINE
  bool read_only = false;       // EXAMINE
  std::string_view mailbox;
  bool condstore = false;       // (CONDSTORE)
  std::optional<QresyncParams> qresync;
  std::vector<ExtParam> other_params;  // unrecognised select-params, for the session to refuse or ignore
  friend bool operator==(const Select&, const Select&) = default;
};
struct Create {
  std::string_view mailbox;
  std::vector<std::string_view> special_use;  // (USE (\Sent ...)) attributes as sent, RFC 6154
  std::vector<ExtParam> other_params;
  friend bool operator==(const Create&, const Create&) = default;
};
struct Delete {
  std::string_view mailbox;
  friend bool operator==(const Delete&, const Delete&) = default;
};
struct Rename {
  std::string_view from;
  std::string_view to;
  std::vector<ExtParam> params;  // RFC 4466 rename-params
  friend bool operator==(const Rename&, const Rename&) = default;
};
struct Subscribe {
  std::string_view mailbox;
  friend bool operator==(const Subscribe&, const Subscribe&) = default;
};
struct Unsubscribe {
  std::string_view mailbox;
  friend bool operator==(const Unsubscribe&, const Unsubscribe&) = default;
};
struct List {
  // Selection options (RFC 5258, RFC 6154).
  bool extended = false;           // selection options, several patterns or RETURN were given
  bool select_subscribed = false;
  bool select_remote = false;
  bool select_recursive_match = false;
  bool select_special_use = false;
  std::string_view reference;      // raw bytes (no INBOX normalisation: it is a prefix)
  std::vector<std::string_view> patterns;  // list-mailbox values, at least one
  // Return options (RFC 5258, RFC 5819, RFC 6154).
  bool return_subscribed = false;
  bool return_children = false;
  bool return_special_use = false;
  std::optional<std::vector<StatusItem>> return_status;
  friend bool operator==(const List&, const List&) = default;
};
struct Lsub {
  std::string_view reference;
  std::string_view pattern;
  friend bool operator==(const Lsub&, const Lsub&) = default;
};
// XLIST (Gmail's pre-RFC 6154 command, still sent by some clients): "XLIST" SP mailbox SP list-mailbox, like LSUB.
struct Xlist {
  std::string_view reference;
  std::string_view pattern;
  friend bool operator==(const Xlist&, const Xlist&) = default;
};
struct Namespace { friend bool operator==(const Namespace&, const Namespace&) = default; };
struct Status {
  std::string_view mailbox;
  std::vector<StatusItem> items;  // in the order requested, at least one
  friend bool operator==(const Status&, const Status&) = default;
};
// One message of an APPEND (several with MULTIAPPEND). Its body is not in the command: see the file comment.
struct AppendMessage {
  std::vector<std::string_view> flags;       // flag-list, empty when absent
  std::optional<DateTime> internal_date;
  std::uint64_t size = 0;                    // the literal's octet count
  bool literal8 = false;                     // "~{n}": may contain NUL (RFC 3516)
  bool utf8 = false;                         // "UTF8 (~{n})" (RFC 6855)
  friend bool operator==(const AppendMessage&, const AppendMessage&) = default;
};
struct Append {
  std::string_view mailbox;
  std::vector<AppendMessage> messages;  // at least one
  friend bool operator==(const Append&, const Append&) = default;
};
struct Idle {
  // True for the line that ends IDLE: "DONE", case-insensitive, nothing else (RFC 2177). Pass the raw line
  // (CommandReader::expect_line()), without CRLF.
  static bool is_done_line(std::string_view line);
  friend bool operator==(const Idle&, const Idle&) = default;
};

// --- Selected ---
struct Check { friend bool operator==(const Check&, const Check&) = default; };
struct Close { friend bool operator==(const Close&, const Close&) = default; };
struct Unselect { friend bool operator==(const Unselect&, const Unselect&) = default; };
struct Expunge {
  std::optional<SequenceSet> uids;  // UID EXPUNGE set (RFC 4315); nullopt for plain EXPUNGE
  friend bool operator==(const Expunge&, const Expunge&) = default;
};
struct SearchReturn {  // RETURN (...) options of ESEARCH (RFC 4731) and SEARCHRES (RFC 5182)
  bool min = false, max = false, all = false, count = false, save = false;
  friend bool operator==(const SearchReturn&, const SearchReturn&) = default;
};
struct Search {
  bool uid = false;
  std::optional<SearchReturn> ret;        // present when RETURN was given; "RETURN ()" means ALL (RFC 4731 §3.1)
  std::optional<std::string_view> charset;
  SearchKey key;                          // always kind and_: the top-level keys, at least one
  friend bool operator==(const Search&, const Search&) = default;
};
struct Fetch {
  bool uid = false;
  SequenceSet set;
  std::vector<FetchAtt> items;            // macros expanded; at least one
  std::optional<std::uint64_t> changed_since;  // (CHANGEDSINCE n)
  bool vanished = false;                  // (VANISHED): UID FETCH only, with CHANGEDSINCE (checked)
  friend bool operator==(const Fetch&, const Fetch&) = default;
};
struct Store {
  enum class Mode { replace, add, remove };  // FLAGS, +FLAGS, -FLAGS
  bool uid = false;
  SequenceSet set;
  std::optional<std::uint64_t> unchanged_since;  // (UNCHANGEDSINCE n)
  Mode mode = Mode::replace;
  bool silent = false;                       // .SILENT
  std::vector<std::string_view> flags;       // possibly empty ("FLAGS ()")
  friend bool operator==(const Store&, const Store&) = default;
};
struct Copy {
  bool uid = false;
  SequenceSet set;
  std::string_view mailbox;
  friend bool operator==(const Copy&, const Copy&) = default;
};
struct Move {
  bool uid = false;
  SequenceSet set;
  std::string_view mailbox;
  friend bool operator==(const Move&, const Move&) = default;
};

// XPASSWORD old-password new-password (Sealbox's experimental password change, docs/cli.md): two astrings.
// Both are secrets: copy them into guarded memory at once and never log the line.
struct XPassword {
  std::string_view old_password;
  std::string_view new_password;
  friend bool operator==(const XPassword&, const XPassword&) = default;
};

// A syntactically plausible command whose name we do not implement ("XYZZY", "GETQUOTA", "UID THREAD"): the
// session answers "tag BAD" with a fixed text.
struct Unknown {
  std::string_view name;  // the command atom as sent ("UID THREAD" is reported as "THREAD")
  friend bool operator==(const Unknown&, const Unknown&) = default;
};

using CommandBody = std::variant<Capability, Noop, Logout, Id, Enable, Compress, StartTls, Authenticate, Login, Select,
                                 Create, Delete, Rename, Subscribe, Unsubscribe, List, Lsub, Xlist, Namespace, Status,
                                 Append, Idle, Check, Close, Unselect, Expunge, Search, Fetch, Store, Copy, Move,
                                 XPassword, Unknown>;

struct Command {
  std::string_view tag;
  std::string_view line;  // the whole text that was parsed (what to_owned() copies)
  CommandBody body;

  // The upper-case command name for logs and responses ("FETCH", "UID FETCH", "EXAMINE").
  std::string_view name() const;

  // A copy that owns its bytes: copies `line` and parses it again. Safe to move across threads.
  OwnedCommand to_owned() const;
};

// Keeps its own copy of the line and the parse result; the Command's views point into heap storage that moves
// with the OwnedCommand and is shared (read-only) by its copies. Thread-safe to read from several threads.
class OwnedCommand {
 public:
  const Command& get() const;
  const Command* operator->() const { return &get(); }
  const Command& operator*() const { return get(); }

 private:
  friend class Parser;
  friend struct Command;
  struct Storage;
  explicit OwnedCommand(std::shared_ptr<const Storage> s) : storage_(std::move(s)) {}
  std::shared_ptr<const Storage> storage_;
};

}  // namespace imap::syntax
