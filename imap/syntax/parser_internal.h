// Per-grammar-area parse functions behind Parser::parse (internal to imap/syntax). Each starts after the command
// name (the cursor is at the SP before the first argument, or at the end) and consumes through the end of the line.
#pragma once

#include <vector>

#include "base/result.h"
#include "imap/syntax/command.h"
#include "imap/syntax/cursor.h"

namespace imap::syntax::detail {

using BodyResult = base::Result<CommandBody>;

// parser_mailbox.cpp
BodyResult parse_select(Cursor& c, bool read_only);
BodyResult parse_create(Cursor& c);
BodyResult parse_rename(Cursor& c);
BodyResult parse_list(Cursor& c);
BodyResult parse_lsub(Cursor& c);
BodyResult parse_xlist(Cursor& c);
BodyResult parse_status(Cursor& c);
BodyResult parse_append(Cursor& c);
// "(" status-att *(SP status-att) ")": shared by STATUS and LIST RETURN (STATUS (...)).
base::Result<std::vector<StatusItem>> parse_status_items(Cursor& c);

// parser_fetch.cpp
BodyResult parse_fetch(Cursor& c, bool uid);
BodyResult parse_store(Cursor& c, bool uid);

// parser_search.cpp
BodyResult parse_search(Cursor& c, bool uid);

}  // namespace imap::syntax::detail
