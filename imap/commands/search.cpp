// SEARCH and UID SEARCH (RFC 3501 §6.4.4) with every RFC 3501 key, and CHARSET UTF-8 / US-ASCII (anything else:
// NO [BADCHARSET (UTF-8 US-ASCII)]); RETURN (MIN MAX ALL COUNT) answered with ESEARCH (RFC 4731) and RETURN (SAVE)
// with "$" (RFC 5182; the saved result lives in the MailboxView).
//
// The criteria are compiled into an owned tree (needles case-folded once, sequence sets resolved against the
// session's view) and evaluated in two passes. The first runs on the session strand with what the view knows
// (flags, sizes, dates, UIDs); a key that needs the message text answers "unknown". Only messages still unknown
// are decrypted, on the work pool, in batches of kBatch spread over its threads (tbb::parallel_for), and evaluated
// again with their content: so "UNSEEN BODY x" never decrypts a message that is already seen.
//
// Matching (mail/text.h): strings match case-insensitively as substrings of the decoded text: encoded words and
// transfer encodings are decoded, charsets converted to UTF-8, and both sides Unicode case-folded. HEADER, FROM,
// TO, CC, BCC and SUBJECT look at the named fields; BODY at the text parts; TEXT at both. Non-text leaves
// (images, octet streams) are not searched (RFC 3501 allows it). SENTBEFORE/ON/SINCE use the Date: field's day
// as written (mail/date.h); a message without a usable Date: uses its internal date. SAVEDBEFORE/ON/SINCE
// (RFC 8514) use the UTC day of the save date every message gets when added to its mailbox, so SAVEDATESUPPORTED
// matches every message. EMAILID matches the RFC 8474 objectid exactly; THREADID matches nothing (no threading,
// RFC 8474 §5.2). \Recent is never set by this server (a session-scoped flag of little use to modern
// clients), so RECENT and NEW match nothing and OLD everything.
#include <asio/use_awaitable.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>

#include "actors/runtime/actor.h"
#include "base/strings.h"
#include "imap/commands/commands.h"
#include "mail/date.h"
#include "mail/mime.h"
#include "mail/text.h"

namespace imap::commands {
namespace {

using Key = syntax::SearchKey;
using Kind = syntax::SearchKey::Kind;

constexpr std::size_t kBatch = 512;  // messages decrypted per pool job

enum class Tri { no, yes, unknown };

Tri tri(bool b) { return b ? Tri::yes : Tri::no; }

// A compiled key: owns its data, so it can go to the pool.
struct Node {
  Kind kind = Kind::all;
  std::string needle;                    // folded (text keys)
  std::string field;                     // header: the field name
  std::int64_t day = 0;                  // date keys: days since 1970-01-01
  std::uint64_t number = 0;              // larger, smaller
  std::vector<std::uint32_t> seqs;       // sequence_set, uid: resolved to sequence numbers, ascending
  std::vector<Node> children;
};

std::int64_t day_of(std::int64_t unix_time) {
  return unix_time >= 0 ? unix_time / 86400 : -((-unix_time + 86399) / 86400);
}

using base::iequals;

bool has_flag(const actors::MessageSummary& m, std::string_view flag) {
  return std::any_of(m.flags.begin(), m.flags.end(), [&](const std::string& f) { return iequals(f, flag); });
}

// Sequence numbers of `set` in the view: message numbers above the last one and missing UIDs match nothing.
std::vector<std::uint32_t> resolve(const session::MailboxView& view, const syntax::SequenceSet& set, bool uids) {
  std::vector<std::uint32_t> seqs;
  const std::uint32_t n = view.exists();
  if (n == 0) return seqs;
  const std::uint32_t max_uid = view.at(n).uid;
  for (const auto& r : set.ranges) {
    std::uint32_t a = r.first == syntax::kStar ? (uids ? max_uid : n) : r.first;
    std::uint32_t b = r.last == syntax::kStar ? (uids ? max_uid : n) : r.last;
    if (a > b) std::swap(a, b);
    if (uids) {
      if ((r.first == syntax::kStar || r.last == syntax::kStar) && a > max_uid) a = max_uid;
      // The view is in UID order: find the first message with uid >= a, then walk.
      std::uint32_t lo = 1, hi = n + 1;
      while (lo < hi) {
        std::uint32_t mid = lo + (hi - lo) / 2;
        if (view.at(mid).uid < a) lo = mid + 1;
        else hi = mid;
      }
      for (std::uint32_t seq = lo; seq <= n && view.at(seq).uid <= b; ++seq) seqs.push_back(seq);
    } else {
      for (std::uint32_t seq = std::max<std::uint32_t>(a, 1); seq <= std::min(b, n); ++seq) seqs.push_back(seq);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return seqs;
}

bool uses_modseq(const Key& key) {
  return key.kind == Kind::modseq || std::any_of(key.children.begin(), key.children.end(), uses_modseq);
}

// Compiles `key`; an error text for keys this server does not offer.
base::Result<Node> compile(const Key& key, const session::MailboxView& view) {
  Node node;
  node.kind = key.kind;
  switch (key.kind) {
    case Kind::and_: case Kind::not_: case Kind::or_:
      for (const auto& child : key.children) {
        SB_TRY(Node c, compile(child, view));
        node.children.push_back(std::move(c));
      }
      break;
    case Kind::bcc: case Kind::body: case Kind::cc: case Kind::from: case Kind::subject: case Kind::text_:
    case Kind::to:
      node.needle = mail::fold_case(key.text);
      break;
    case Kind::header:
      node.needle = mail::fold_case(key.text);
      node.field = std::string(key.field);
      break;
    case Kind::keyword: case Kind::unkeyword: case Kind::emailid: case Kind::threadid:
      node.needle = std::string(key.text);
      break;
    case Kind::before: case Kind::on: case Kind::since: case Kind::sent_before: case Kind::sent_on:
    case Kind::sent_since: case Kind::saved_before: case Kind::saved_on: case Kind::saved_since:
      node.day = key.date.days_since_epoch();
      break;
    case Kind::larger: case Kind::smaller: case Kind::modseq:
      node.number = key.number;  // MODSEQ: one modseq per message, so an entry name changes nothing (§3.1.5)
      break;
    case Kind::sequence_set: case Kind::uid:
      node.seqs = resolve(view, key.set, key.kind == Kind::uid);
      if (key.set.saved) {  // "$": the saved result (RFC 5182), with any other members of the set
        std::vector<std::uint32_t> saved;
        view.resolve(syntax::SequenceSet{{}, true}, true, saved);
        node.seqs.insert(node.seqs.end(), saved.begin(), saved.end());
        std::sort(node.seqs.begin(), node.seqs.end());
        node.seqs.erase(std::unique(node.seqs.begin(), node.seqs.end()), node.seqs.end());
      }
      break;
    case Kind::all: case Kind::answered: case Kind::deleted: case Kind::draft: case Kind::flagged: case Kind::new_:
    case Kind::old: case Kind::recent: case Kind::seen: case Kind::unanswered: case Kind::undeleted:
    case Kind::undraft: case Kind::unflagged: case Kind::unseen: case Kind::savedate_supported:
      break;
    default:
      return base::fail(base::Errc::invalid_argument, "Search key not supported");
  }
  return node;
}

// The decoded, folded text of one message, computed on first use (on a pool thread).
class Content {
 public:
  explicit Content(std::string message) : message_(std::move(message)), root_(mail::parse_message(message_)) {}

  const std::string& header(const std::string& name) {
    auto it = headers_.find(name);
    if (it == headers_.end()) it = headers_.emplace(name, mail::decoded_header(root_.fields, name)).first;
    return it->second;
  }
  bool has_field(const std::string& name) const { return mail::find_field(root_.fields, name).has_value(); }
  const std::string& text(bool include_headers) {
    auto& slot = include_headers ? all_text_ : body_text_;
    if (!slot) slot = mail::searchable_text(message_, root_, include_headers);
    return *slot;
  }
  std::optional<std::int64_t> sent_day() const {
    auto date = mail::find_field(root_.fields, "Date");
    return date ? mail::parse_date_day(*date) : std::nullopt;
  }

 private:
  std::string message_;
  mail::Part root_;
  std::map<std::string, std::string> headers_;
  std::optional<std::string> body_text_, all_text_;
};

bool in(const std::vector<std::uint32_t>& sorted, std::uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

// Evaluates `n` for message `seq`; keys that need the text are unknown when `content` is null.
Tri eval(const Node& n, std::uint32_t seq, const actors::MessageSummary& m, Content* content) {
  auto field_matches = [&](const std::string& name) {
    if (content == nullptr) return Tri::unknown;
    if (n.needle.empty()) return tri(content->has_field(name));
    return tri(mail::contains_folded(content->header(name), n.needle));
  };
  switch (n.kind) {
    case Kind::and_: {
      Tri r = Tri::yes;
      for (const auto& c : n.children) {
        Tri t = eval(c, seq, m, content);
        if (t == Tri::no) return Tri::no;
        if (t == Tri::unknown) r = Tri::unknown;
      }
      return r;
    }
    case Kind::or_: {
      Tri r = Tri::no;
      for (const auto& c : n.children) {
        Tri t = eval(c, seq, m, content);
        if (t == Tri::yes) return Tri::yes;
        if (t == Tri::unknown) r = Tri::unknown;
      }
      return r;
    }
    case Kind::not_: {
      Tri t = eval(n.children.front(), seq, m, content);
      return t == Tri::unknown ? t : tri(t == Tri::no);
    }
    case Kind::all: return Tri::yes;
    case Kind::answered: return tri(has_flag(m, "\\Answered"));
    case Kind::deleted: return tri(has_flag(m, "\\Deleted"));
    case Kind::draft: return tri(has_flag(m, "\\Draft"));
    case Kind::flagged: return tri(has_flag(m, "\\Flagged"));
    case Kind::seen: return tri(has_flag(m, "\\Seen"));
    case Kind::unanswered: return tri(!has_flag(m, "\\Answered"));
    case Kind::undeleted: return tri(!has_flag(m, "\\Deleted"));
    case Kind::undraft: return tri(!has_flag(m, "\\Draft"));
    case Kind::unflagged: return tri(!has_flag(m, "\\Flagged"));
    case Kind::unseen: return tri(!has_flag(m, "\\Seen"));
    case Kind::recent: case Kind::new_: return Tri::no;
    case Kind::old: return Tri::yes;
    case Kind::keyword: return tri(has_flag(m, n.needle));
    case Kind::unkeyword: return tri(!has_flag(m, n.needle));
    case Kind::before: return tri(day_of(m.internal_date) < n.day);
    case Kind::on: return tri(day_of(m.internal_date) == n.day);
    case Kind::since: return tri(day_of(m.internal_date) >= n.day);
    // RFC 8514 §4.3: the save date's day in UTC (the zone FETCH SAVEDATE shows); every message has one.
    case Kind::saved_before: return tri(day_of(m.save_date) < n.day);
    case Kind::saved_on: return tri(day_of(m.save_date) == n.day);
    case Kind::saved_since: return tri(day_of(m.save_date) >= n.day);
    case Kind::savedate_supported: return Tri::yes;
    case Kind::emailid: return tri(m.email_id == n.needle);  // RFC 8474 §6: exactly the objectid
    case Kind::threadid: return Tri::no;                     // §5.2: no THREADID, so it matches nothing
    case Kind::larger: return tri(m.size > n.number);
    case Kind::smaller: return tri(m.size < n.number);
    case Kind::modseq: return tri(m.modseq >= n.number);
    case Kind::sequence_set: return tri(in(n.seqs, seq));
    case Kind::uid: return tri(in(n.seqs, seq));
    case Kind::sent_before: case Kind::sent_on: case Kind::sent_since: {
      if (content == nullptr) return Tri::unknown;
      std::int64_t day = content->sent_day().value_or(day_of(m.internal_date));
      if (n.kind == Kind::sent_before) return tri(day < n.day);
      if (n.kind == Kind::sent_on) return tri(day == n.day);
      return tri(day >= n.day);
    }
    case Kind::from: return field_matches("From");
    case Kind::to: return field_matches("To");
    case Kind::cc: return field_matches("Cc");
    case Kind::bcc: return field_matches("Bcc");
    case Kind::subject: return field_matches("Subject");
    case Kind::header: return field_matches(n.field);
    case Kind::body: case Kind::text_:
      if (content == nullptr) return Tri::unknown;
      return tri(n.needle.empty() || mail::contains_folded(content->text(n.kind == Kind::text_), n.needle));
    default:
      return Tri::no;  // refused by compile()
  }
}

struct Candidate {
  std::uint32_t seq;
  actors::MessageSummary message;
};

// Decrypts and evaluates candidates in parallel on the pool: which of them match.
base::Result<std::vector<char>> evaluate_on_pool(const Node& root, const std::vector<Candidate>& batch,
                                                 const std::shared_ptr<const store::Keyring>& keys,
                                                 const store::UserPaths& paths) {
  std::vector<char> matched(batch.size(), 0);
  std::atomic<bool> failed{false};
  base::Error error = base::fail(base::Errc::internal, "");
  std::mutex error_mutex;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, batch.size(), 4), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end() && !failed; ++i) {
      const auto& m = batch[i].message;
      auto body = [&]() -> base::Result<base::Bytes> {
        SB_TRY(crypto::Key dek, keys->unwrap_dek(m.wrapped_dek, m.blob_id));
        return store::read_message(paths.blob(m.blob_id), dek);
      }();
      if (!body) {
        std::lock_guard lock(error_mutex);
        if (!failed.exchange(true)) error = std::move(body).error();
        return;
      }
      Content content{std::string(base::as_chars(*body))};
      matched[i] = eval(root, batch[i].seq, m, &content) == Tri::yes;
    }
  });
  if (failed) return error;
  return matched;
}

// The answer to SEARCH RETURN (...) (RFC 4731 §3.1, RFC 5182 §2.4), `matches` being ascending sequence numbers:
// one "* ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set]" unless SAVE is the only option (RFC 9051
// §6.4.4: SAVE alone suppresses it). MIN, MAX and ALL are left out when nothing matched; COUNT is always there.
// "RETURN ()" means ALL. With SAVE, "$" becomes MIN and/or MAX when those are the only other options, else
// every match; as UIDs either way (see MailboxView::set_saved).
void write_esearch(Session& s, std::string_view tag, const syntax::Search& cmd, syntax::SearchReturn ret,
                   const std::vector<std::uint32_t>& matches, std::optional<std::uint64_t> modseq) {
  if (!ret.min && !ret.max && !ret.all && !ret.count && !ret.save) ret.all = true;
  std::vector<std::uint32_t> values;  // what the client is told: sequence numbers or UIDs, ascending
  values.reserve(matches.size());
  for (auto seq : matches) values.push_back(cmd.uid ? s.view->at(seq).uid : seq);
  if (ret.min || ret.max || ret.all || ret.count) {
    s.out.untagged().atom("ESEARCH").open().atom("TAG").quoted(tag).close();
    if (cmd.uid) s.out.atom("UID");
    if (ret.min && !values.empty()) s.out.atom("MIN").number(values.front());
    if (ret.max && !values.empty()) s.out.atom("MAX").number(values.back());
    if (ret.count) s.out.atom("COUNT").number(values.size());
    if (ret.all && !values.empty()) s.out.atom("ALL").atom(syntax::format_runs(syntax::to_runs(values)));
    if (modseq) s.out.atom("MODSEQ").number(*modseq);  // RFC 7162 §3.1.10
    s.out.end();
  }
  if (ret.save) {
    std::vector<std::uint32_t> saved;
    if (!ret.all && !ret.count && (ret.min || ret.max)) {
      if (!matches.empty()) {
        if (ret.min) saved.push_back(s.view->at(matches.front()).uid);
        if (ret.max && (!ret.min || matches.back() != matches.front())) saved.push_back(s.view->at(matches.back()).uid);
      }
    } else {
      saved.reserve(matches.size());
      for (auto seq : matches) saved.push_back(s.view->at(seq).uid);
    }
    s.view->set_saved(std::move(saved));
  }
}

}  // namespace

asio::awaitable<void> search(Session& s, std::string_view tag, const syntax::Search& cmd) {
  // RFC 5182 §2.1: a SEARCH with SAVE answered NO empties "$"; one answered BAD leaves it as it was.
  const bool save = cmd.ret && cmd.ret->save;
  // RFC 6855 §3: after ENABLE UTF8=ACCEPT a client MUST NOT name a charset; the server SHOULD answer BAD.
  if (cmd.charset && s.out.utf8_accept()) co_return s.reply(tag, "BAD", "CHARSET not allowed after UTF8=ACCEPT");
  if (cmd.charset && !iequals(*cmd.charset, "UTF-8") && !iequals(*cmd.charset, "US-ASCII")) {
    if (save) s.view->set_saved({});
    s.out.tagged(tag).atom("NO").open_code("BADCHARSET").open().atom("UTF-8").atom("US-ASCII").close().close_code()
        .text("Unsupported charset").end();
    co_return;
  }
  if (uses_modseq(cmd.key)) s.enable_condstore();  // RFC 7162 §3.1: a CONDSTORE enabling command
  auto compiled = compile(cmd.key, *s.view);
  if (!compiled) co_return s.reply(tag, "BAD", compiled.error().detail);
  auto root = std::make_shared<const Node>(std::move(*compiled));

  std::vector<std::uint32_t> matches;
  std::vector<Candidate> candidates;
  for (std::uint32_t seq = 1; seq <= s.view->exists(); ++seq) {
    const auto& m = s.view->at(seq);
    switch (eval(*root, seq, m, nullptr)) {
      case Tri::yes: matches.push_back(seq); break;
      case Tri::unknown: candidates.push_back({seq, m}); break;
      case Tri::no: break;
    }
  }
  auto keys = s.account->keys();
  auto paths = s.account->paths();
  for (std::size_t begin = 0; begin < candidates.size(); begin += kBatch) {
    auto batch = std::make_shared<std::vector<Candidate>>(
        candidates.begin() + static_cast<std::ptrdiff_t>(begin),
        candidates.begin() + static_cast<std::ptrdiff_t>(std::min(begin + kBatch, candidates.size())));
    auto job = [root, batch, keys, paths] { return evaluate_on_pool(*root, *batch, keys, paths); };
    auto matched = co_await actors::run_on_pool<base::Result<std::vector<char>>>(s.server.pool(), std::move(job),
                                                                                 asio::use_awaitable);
    if (!matched) {
      if (save) s.view->set_saved({});
      co_return s.reply_error(tag, matched.error());
    }
    for (std::size_t i = 0; i < batch->size(); ++i) {
      if ((*matched)[i]) matches.push_back((*batch)[i].seq);
    }
  }
  std::sort(matches.begin(), matches.end());

  // RFC 7162 §3.1.5-6: with a MODSEQ criterion, a non-empty result carries the highest modseq among its messages.
  std::optional<std::uint64_t> modseq;
  if (uses_modseq(cmd.key) && !matches.empty()) {
    std::uint64_t highest = 0;
    for (auto seq : matches) highest = std::max(highest, s.view->at(seq).modseq);
    modseq = highest;
  }
  if (cmd.ret) {
    write_esearch(s, tag, cmd, *cmd.ret, matches, modseq);
  } else if (s.enabled.imap4rev2) {
    write_esearch(s, tag, cmd, syntax::SearchReturn{}, matches, modseq);  // RFC 9051 §6.4.4: ESEARCH, RETURN (ALL)
  } else {
    s.out.untagged().atom("SEARCH");
    for (auto seq : matches) s.out.number(cmd.uid ? s.view->at(seq).uid : seq);
    if (modseq) s.out.open().atom("MODSEQ").number(*modseq).close();
    s.out.end();
  }
  s.apply_flag_changes();
  s.reply(tag, "OK", cmd.uid ? "UID SEARCH completed" : "SEARCH completed");
}

}  // namespace imap::commands
