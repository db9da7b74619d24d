// The IMAP command handlers, one file per family (DESIGN.md §6). Each runs on the session's strand, writes its
// responses into session.out and ends with the tagged reply; the session flushes. State checks (authenticated,
// selected) are done by the session before dispatch.
//
// GCC 12 and coroutines: a class-type temporary built inside a co_await expression (an aggregate request, a
// lambda) can be destroyed twice (GCC bugs 100611, 101367). So every request and every pool job is a named local
// that is moved into the call: `auto request = actors::Status{}; co_await actor->ask(std::move(request), ...)`.
#pragma once

#include <asio/awaitable.hpp>
#include <string_view>

#include "imap/session/session.h"
#include "imap/syntax/command.h"

namespace imap::commands {

using session::Session;

// auth.cpp: any state and not authenticated
asio::awaitable<void> capability(Session& s, std::string_view tag);
asio::awaitable<void> noop(Session& s, std::string_view tag);
asio::awaitable<void> logout(Session& s, std::string_view tag);
asio::awaitable<void> id(Session& s, std::string_view tag, const syntax::Id& cmd);
asio::awaitable<void> login(Session& s, std::string_view tag, const syntax::Login& cmd);
asio::awaitable<void> authenticate(Session& s, std::string_view tag, const syntax::Authenticate& cmd);

// mailboxes.cpp: authenticated
asio::awaitable<void> create(Session& s, std::string_view tag, const syntax::Create& cmd);
asio::awaitable<void> remove(Session& s, std::string_view tag, const syntax::Delete& cmd);
asio::awaitable<void> rename(Session& s, std::string_view tag, const syntax::Rename& cmd);
asio::awaitable<void> subscribe(Session& s, std::string_view tag, std::string_view mailbox, bool on);
asio::awaitable<void> list(Session& s, std::string_view tag, const syntax::List& cmd);
asio::awaitable<void> lsub(Session& s, std::string_view tag, const syntax::Lsub& cmd);
asio::awaitable<void> xlist(Session& s, std::string_view tag, const syntax::Xlist& cmd);  // Gmail's XLIST
asio::awaitable<void> status(Session& s, std::string_view tag, const syntax::Status& cmd);
asio::awaitable<void> namespace_(Session& s, std::string_view tag);
// The untagged LIST line IMAP4rev2's SELECT/EXAMINE sends for the mailbox it opened (RFC 9051 §6.3.2).
asio::awaitable<void> list_selected(Session& s, const std::string& name);

// select.cpp
asio::awaitable<void> select(Session& s, std::string_view tag, const syntax::Select& cmd);
asio::awaitable<void> close(Session& s, std::string_view tag);
asio::awaitable<void> unselect(Session& s, std::string_view tag);
asio::awaitable<void> check(Session& s, std::string_view tag);
asio::awaitable<void> expunge(Session& s, std::string_view tag, const syntax::Expunge& cmd);

// fetch.cpp
asio::awaitable<void> fetch(Session& s, std::string_view tag, const syntax::Fetch& cmd);

// idle.cpp: authenticated or selected
asio::awaitable<void> idle(Session& s, std::string_view tag);

// enable.cpp: authenticated or selected (RFC 5161)
asio::awaitable<void> enable(Session& s, std::string_view tag, const syntax::Enable& cmd);

// search.cpp
asio::awaitable<void> search(Session& s, std::string_view tag, const syntax::Search& cmd);

// store.cpp
asio::awaitable<void> store(Session& s, std::string_view tag, const syntax::Store& cmd);
asio::awaitable<void> copy(Session& s, std::string_view tag, const syntax::Copy& cmd);
asio::awaitable<void> move(Session& s, std::string_view tag, const syntax::Move& cmd);  // RFC 6851

// compress.cpp: authenticated or selected (RFC 4978 COMPRESS=DEFLATE)
asio::awaitable<void> compress(Session& s, std::string_view tag, const syntax::Compress& cmd);

// password.cpp: authenticated or selected (XPASSWORD, Sealbox's experimental password change; docs/cli.md)
asio::awaitable<void> xpassword(Session& s, std::string_view tag, const syntax::XPassword& cmd);

// append.cpp: the bodies stream in before the command is complete (see syntax/command_reader.h).
asio::awaitable<void> append_body(Session& s, const syntax::ReadResult& announced);
asio::awaitable<void> append(Session& s, std::string_view tag, const syntax::Append& cmd);
// Discards staged bodies of an APPEND that will not complete (syntax error, disconnect).
void abandon_append(Session& s);

}  // namespace imap::commands
