#!/usr/bin/env python3
"""interop_imaplib_extensions: Python's imaplib (stdlib) using UIDPLUS, MOVE, IDLE, ESEARCH, CONDSTORE and QRESYNC
against a real `sealbox serve`, with certificate verification on.

    imaplib_extensions_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN in the environment)

imaplib (3.11) has no move() or idle() helper: MOVE (if missing) and IDLE are registered in imaplib.Commands and
sent with imaplib's own _simple_command / uid / _command; response codes are read the way imaplib stores them
(c.response('APPENDUID'), c.response('COPYUID'), c.response('EXPUNGE'), c.response('ESEARCH')).

- CAPABILITY lists UIDPLUS, MOVE, IDLE, ESEARCH, CONDSTORE and QRESYNC.
- APPEND of 8 messages (ASCII, 8-bit UTF-8, binary-ish; some with flags and an INTERNALDATE): each answers
  [APPENDUID <UIDVALIDITY of the mailbox> <uid>], UIDs 1..8 in order; SELECT agrees (EXISTS, UIDVALIDITY, UIDNEXT).
- UID COPY: [COPYUID <Target's UIDVALIDITY> <source uids> <new uids>], exactly the UIDs asked for.
- UID EXPUNGE (RFC 4315) of a set with two \\Deleted UIDs and one that is not \\Deleted, while a third \\Deleted
  message is left out of the set: only the two go (EXPUNGE responses replayed against the model).
- MOVE by sequence number and UID MOVE (RFC 6851): one [COPYUID ...] naming the moved UIDs and the next UIDs of the
  target, EXPUNGE responses that remove exactly those messages, the source keeps the rest.
- The target then holds every copied and moved message byte for byte with its flags (\\Deleted included) and
  INTERNALDATE.
- ESEARCH (RFC 4731): UID SEARCH RETURN (MIN MAX COUNT ALL), SEARCH RETURN (COUNT), an empty result (COUNT 0 only)
  and RETURN (): one * ESEARCH (TAG "<the command's tag>") each and no * SEARCH.
- IDLE (RFC 2177) on a second connection with an empty mailbox selected: "+" continuation; a third connection
  APPENDs, then UID MOVEs two messages into it; "* N EXISTS" must arrive within IDLE_WAIT seconds each time;
  DONE gets the tagged OK, and the mailbox then holds exactly those messages.
- CONDSTORE/QRESYNC (RFC 7162), a client cache resynchronized: INBOX gets 56 messages, 6 expunged again (so the
  known UIDs have gaps). Client A: ENABLE QRESYNC (* ENABLED names QRESYNC), SELECT INBOX (CONDSTORE), records
  UIDVALIDITY, HIGHESTMODSEQ and UID FETCH 1:* (FLAGS MODSEQ), logs out. Client B (plain session): flag changes
  (+FLAGS, -FLAGS, FLAGS, \\Deleted without expunge, a flag set and cleared again), UID EXPUNGE of 4, UID MOVE of
  3 (some of both changed first), APPEND of 6 of which the first is UID EXPUNGEd again (a UID A never knew).
  A reconnects: ENABLE QRESYNC, SELECT INBOX (QRESYNC (uidvalidity modseq known-uids)): same UIDVALIDITY, a higher
  HIGHESTMODSEQ, EXISTS and UIDNEXT right; * VANISHED (EARLIER) is exactly the expunged and moved known UIDs; the
  FETCH responses are exactly the changed surviving messages, each with UID, FLAGS, the right message number and
  old HIGHESTMODSEQ < MODSEQ <= new; UID FETCH <old UIDNEXT>:* gives exactly the 5 new ones. A's model (flags and
  MODSEQ per UID) must then equal UID FETCH 1:* (FLAGS MODSEQ), and the flags what B did. UID FETCH 1:* (FLAGS)
  (CHANGEDSINCE m VANISHED) must agree (its VANISHED also names the never-known UID, its FETCH the new ones).
  Conflict: B sets \\Flagged on X; A's UID STORE X,Y,Z (UNCHANGEDSINCE <A's MODSEQ>) +FLAGS (\\Answered) must
  answer OK [MODIFIED X], FETCH Y and Z with \\Answered and a higher MODSEQ, and leave X alone; a -FLAGS.SILENT
  with UNCHANGEDSINCE must still send a FETCH with MODSEQ; UNCHANGEDSINCE 0 gives [MODIFIED]. SELECT takes its
  parameters through imaplib's select() (it sends the mailbox argument as given); the rest goes through
  _simple_command, and the untagged data (VANISHED, FETCH, HIGHESTMODSEQ, MODIFIED, ENABLED) come from imaplib's
  store.
"""

import os
import re
import signal
import socket
import sys
import time
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaplib  # noqa: E402

from imap_util import (Failure, check, finish, run, expect_ok, logged_out, make_message, new_rng,  # noqa: E402
                       parse_fetch, parse_uid_set, quote, response_code, uid_set)
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 300  # seconds for the whole script (ctest's TIMEOUT is 600)
IDLE_WAIT = 10.0  # seconds an IDLE-ing client may wait for EXISTS after the change was acknowledged
SOURCE = "Source"
TARGET = "Target Box"
IDLED = "Idle Box"
NEEDED_CAPABILITIES = ["UIDPLUS", "MOVE", "IDLE", "ESEARCH", "CONDSTORE", "QRESYNC"]

# imaplib 3.11 knows MOVE in some builds and never IDLE; uid() and _command() refuse commands not listed here.
imaplib.Commands.setdefault("MOVE", ("SELECTED",))
imaplib.Commands.setdefault("IDLE", ("AUTH", "SELECTED"))


class Msg:
    def __init__(self, index, data, flags, date):
        self.index = index
        self.data = data
        self.flags = set(flags)
        self.date = date
        self.uid = None
        self.internaldate = None


def build_messages():
    rng = new_rng(20240917)
    base = datetime(2022, 7, 1, 8, 30, 0, tzinfo=timezone(timedelta(hours=-4)))
    flag_sets = [[], ["\\Seen"], ["\\Flagged", "$Label1"], ["\\Answered", "\\Seen"], [], ["\\Draft"],
                 ["\\Flagged"], ["$Important", "\\Seen"]]
    msgs = []
    for i in range(8):
        kind = ("ascii", "utf8", "binary")[i % 3]
        _, data = make_message(rng, i, rng.randint(200, 6000), kind, tag="ext")
        date = (base + timedelta(hours=5 * i)).timestamp() if i % 2 == 0 else None
        msgs.append(Msg(i, data, flag_sets[i], date))
    return msgs


def last_tag(c):
    """The tag imaplib gave the command it sent last (_new_tag: tagpre + tagnum, then tagnum += 1)."""
    return (c.tagpre + str(c.tagnum - 1).encode()).decode()


def pop(c, name):
    """c.response(name): imaplib's stored untagged data (and [CODE] arguments) of that name, removed."""
    _, data = c.response(name)
    return [d for d in data if d is not None]


def fetch_all(c, what="(UID FLAGS INTERNALDATE BODY.PEEK[])"):
    typ, data = c.fetch("1:*", what)
    check(typ == "OK", "FETCH 1:* %s: %s %r" % (what, typ, data))
    return parse_fetch(data)


def select(c, name, readonly=False):
    typ, data = c.select(quote(name), readonly=readonly)
    check(typ == "OK", "SELECT %s: %s %r" % (name, typ, data))
    uidvalidity = int(pop(c, "UIDVALIDITY")[-1])
    uidnext = int(pop(c, "UIDNEXT")[-1])
    return int(data[0]), uidvalidity, uidnext


def compare(c, name, expected, what):
    """FETCH 1:* of the selected mailbox must be exactly `expected` (UID order): UIDs, bytes, flags, dates."""
    parsed = fetch_all(c)
    got_uids = [int(a["UID"]) for _, a in parsed]
    check(got_uids == [m.uid for m in expected], "%s: %s holds UIDs %r, expected %r"
          % (what, name, got_uids, [m.uid for m in expected]))
    for (seq, a), m in zip(parsed, expected):
        check(a["BODY[]"] == m.data, "%s: %s UID %d (message %d) differs from what was appended"
              % (what, name, m.uid, m.index))
        check(set(a["FLAGS"]) == m.flags, "%s: %s UID %d FLAGS %r, expected %r"
              % (what, name, m.uid, a["FLAGS"], sorted(m.flags)))
        if m.internaldate is not None:
            check(a["INTERNALDATE"] == m.internaldate, "%s: %s UID %d INTERNALDATE %s, expected %s"
                  % (what, name, m.uid, a["INTERNALDATE"], m.internaldate))
        m.internaldate = a["INTERNALDATE"]
    log("%s: %s holds UIDs %s, bodies, flags and dates as expected" % (what, name, uid_set(got_uids)))


def replay_expunges(c, model, gone, what):
    """Applies the EXPUNGE responses imaplib stored to `model` (UIDs in sequence order); they must remove exactly
    the UIDs in `gone`. Returns the new model."""
    model = list(model)
    removed = []
    for seq in [int(x) for x in pop(c, "EXPUNGE")]:
        check(1 <= seq <= len(model), "%s: EXPUNGE %d outside 1..%d" % (what, seq, len(model)))
        removed.append(model.pop(seq - 1))
    check(sorted(removed) == sorted(gone), "%s: the EXPUNGE responses removed UIDs %r, expected %r"
          % (what, sorted(removed), sorted(gone)))
    return model


def copyuid(c, data, what, untagged):
    """The one COPYUID of the last command: from imaplib's store (untagged OK for MOVE, tagged OK for COPY)."""
    codes = pop(c, "COPYUID")
    check(len(codes) == 1, "%s: %d COPYUID response codes %r, expected 1" % (what, len(codes), codes))
    if untagged is not None:  # None: uid() does not hand back the tagged text
        in_tagged = any(b"[COPYUID " in (d or b"") for d in data)
        check(in_tagged != untagged, "%s: COPYUID %s the tagged OK (%r)"
              % (what, "in" if in_tagged else "not in", data))
    v, src, dst = codes[0].decode().split()
    return int(v), parse_uid_set(src), parse_uid_set(dst)


# --- UIDPLUS, MOVE, ESEARCH ---------------------------------------------------------------------------------
def check_capabilities(c):
    typ, data = c.capability()
    check(typ == "OK", "CAPABILITY: %s %r" % (typ, data))
    caps = data[0].decode().upper().split()
    missing = [x for x in NEEDED_CAPABILITIES if x not in caps]
    check(not missing, "CAPABILITY lacks %r: %r" % (missing, caps))


def append_all(c, name, msgs, first_uid):
    uidvalidity = None
    for k, m in enumerate(msgs):
        date = imaplib.Time2Internaldate(m.date) if m.date is not None else None
        flags = "(%s)" % " ".join(sorted(m.flags)) if m.flags else None
        typ, data = c.append(quote(name), flags, date, m.data)
        check(typ == "OK", "APPEND %d to %s: %s %r" % (m.index, name, typ, data))
        codes = pop(c, "APPENDUID")
        check(len(codes) == 1, "APPEND %d: c.response('APPENDUID') gave %r" % (m.index, codes))
        v, uid = map(int, codes[0].split())
        check([str(v), str(uid)] == response_code(data, "APPENDUID"), "APPENDUID %r vs tagged %r" % (codes, data))
        check(uidvalidity in (None, v), "APPENDUID UIDVALIDITY changed: %d then %d" % (uidvalidity or 0, v))
        check(uid == first_uid + k, "APPEND %d: APPENDUID uid %d, expected %d" % (m.index, uid, first_uid + k))
        uidvalidity, m.uid = v, uid
    log("APPEND of %d to %s: APPENDUID %d %s" % (len(msgs), name, uidvalidity, uid_set(m.uid for m in msgs)))
    return uidvalidity


def mailbox_uidvalidity(c, name):
    data = expect_ok(c.status(quote(name), "(UIDVALIDITY UIDNEXT MESSAGES)"), "STATUS " + name)
    m = re.search(r"UIDVALIDITY (\d+)", data[0].decode())
    check(m is not None, "STATUS %s: %r" % (name, data))
    return int(m.group(1))


def uidplus_and_move(c, msgs):
    for name in (SOURCE, TARGET, IDLED):
        expect_ok(c.create(quote(name)), "CREATE " + name)
    source_v = append_all(c, SOURCE, msgs, 1)
    target_v = mailbox_uidvalidity(c, TARGET)
    exists, v, uidnext = select(c, SOURCE)
    check((exists, v, uidnext) == (len(msgs), source_v, len(msgs) + 1),
          "SELECT %s: EXISTS %d UIDVALIDITY %d UIDNEXT %d, expected %d %d %d"
          % (SOURCE, exists, v, uidnext, len(msgs), source_v, len(msgs) + 1))
    compare(c, SOURCE, msgs, "after APPEND")
    by_uid = {m.uid: m for m in msgs}
    target = []  # Msg copies in the target, in UID order

    def land(src, dst, what):
        for s, d in zip(src, dst):
            o = by_uid[s]
            n = Msg(o.index, o.data, o.flags, o.date)
            n.uid, n.internaldate = d, o.internaldate
            target.append(n)
        log("%s: COPYUID %d %s -> %s" % (what, target_v, uid_set(src), uid_set(dst)))

    # UID COPY: the tagged OK carries [COPYUID] (imaplib files it under COPYUID too); uid() returns only FETCH
    # data, so the tagged text comes from _simple_command.
    pick = [2, 3, 5]
    typ, data = c._simple_command("UID", "COPY", uid_set(pick), quote(TARGET))
    check(typ == "OK", "UID COPY: %s %r" % (typ, data))
    v, src, dst = copyuid(c, data, "UID COPY", untagged=False)
    check((v, src, dst) == (target_v, pick, [1, 2, 3]), "UID COPY: COPYUID %d %r %r, expected %d %r [1, 2, 3]"
          % (v, src, dst, target_v, pick))
    land(src, dst, "UID COPY")

    # UID EXPUNGE: 1, 4 and 6 are \Deleted; the set names 1, 4 and 7 (not \Deleted): only 1 and 4 go.
    typ, data = c.uid("STORE", "1,4,6", "+FLAGS.SILENT", "(\\Deleted)")
    check(typ == "OK", "UID STORE +FLAGS.SILENT (\\Deleted): %s %r" % (typ, data))
    for u in (1, 4, 6):
        by_uid[u].flags.add("\\Deleted")
    pop(c, "EXPUNGE")
    typ, data = c.uid("EXPUNGE", "1,4,7")
    check(typ == "OK", "UID EXPUNGE 1,4,7: %s %r" % (typ, data))
    model = replay_expunges(c, [m.uid for m in msgs], [1, 4], "UID EXPUNGE 1,4,7")
    compare(c, SOURCE, [by_uid[u] for u in model], "after UID EXPUNGE")
    log("UID EXPUNGE 1,4,7 with 1,4,6 \\Deleted: removed 1 and 4 only")

    # MOVE by sequence number: seq 1:2 are UIDs 2 and 3.
    moved = model[0:2]
    typ, data = c._simple_command("MOVE", "1:2", quote(TARGET))
    check(typ == "OK", "MOVE 1:2: %s %r" % (typ, data))
    v, src, dst = copyuid(c, data, "MOVE 1:2", untagged=True)
    check((v, src, dst) == (target_v, moved, [4, 5]), "MOVE 1:2: COPYUID %d %r %r, expected %d %r [4, 5]"
          % (v, src, dst, target_v, moved))
    model = replay_expunges(c, model, moved, "MOVE 1:2")
    land(src, dst, "MOVE 1:2")

    # UID MOVE of 6 (\Deleted: the flag moves along) and 8.
    typ, data = c.uid("MOVE", "6,8", quote(TARGET))
    check(typ == "OK", "UID MOVE 6,8: %s %r" % (typ, data))
    v, src, dst = copyuid(c, [], "UID MOVE 6,8", untagged=None)
    check((v, src, dst) == (target_v, [6, 8], [6, 7]), "UID MOVE 6,8: COPYUID %d %r %r, expected %d [6, 8] [6, 7]"
          % (v, src, dst, target_v))
    model = replay_expunges(c, model, [6, 8], "UID MOVE 6,8")
    land(src, dst, "UID MOVE 6,8")

    check(model == [5, 7], "source UIDs after the moves: %r" % model)
    compare(c, SOURCE, [by_uid[u] for u in model], "after MOVE and UID MOVE")
    exists, v, uidnext = select(c, TARGET, readonly=True)
    check((exists, v, uidnext) == (7, target_v, 8), "EXAMINE %s: EXISTS %d UIDVALIDITY %d UIDNEXT %d"
          % (TARGET, exists, v, uidnext))
    compare(c, TARGET, target, "after COPY and MOVE")
    return target


def esearch(c, target):
    """In the target (EXAMINEd): UIDs 1..7; \\Flagged on messages 2 and 6."""
    flagged = [m.uid for m in target if "\\Flagged" in m.flags]
    check(len(flagged) >= 2, "test setup: flagged %r" % flagged)

    def one(call, what, expected):
        for name in ("SEARCH", "ESEARCH"):
            pop(c, name)
        typ, data = call()
        tag = last_tag(c)
        check(typ == "OK", "%s: %s %r" % (what, typ, data))
        check(data == [None], "%s: untagged SEARCH %r (ESEARCH must replace it)" % (what, data))
        got = [d.decode() for d in pop(c, "ESEARCH")]
        check(len(got) == 1, "%s: %d * ESEARCH responses %r, expected 1" % (what, len(got), got))
        m = re.fullmatch(r'\(TAG "([^"]*)"\)( UID)?((?: [A-Z]+ [0-9:,]+)*)', got[0])
        check(m is not None, "%s: malformed * ESEARCH %r" % (what, got[0]))
        words = m.group(3).split()
        items = dict(zip(words[0::2], words[1::2]))
        check(len(items) * 2 == len(words), "%s: a return option twice in %r" % (what, got[0]))
        want_uid, want_items = expected
        check((m.group(1), bool(m.group(2)), items) == (tag, want_uid, want_items),
              "%s: * ESEARCH %r, expected TAG %s, UID %s, %r" % (what, got[0], tag, want_uid, want_items))
        log("%s: * ESEARCH %s" % (what, got[0]))

    uids = [m.uid for m in target]
    one(lambda: c.uid("SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "ALL"), "UID SEARCH RETURN (MIN MAX COUNT ALL) ALL",
        (True, {"MIN": str(min(uids)), "MAX": str(max(uids)), "COUNT": str(len(uids)), "ALL": uid_set(uids)}))
    one(lambda: c.uid("SEARCH", "RETURN", "()", "FLAGGED"), "UID SEARCH RETURN () FLAGGED",
        (True, {"ALL": uid_set(flagged)}))
    seqs = [i + 1 for i, m in enumerate(target) if "\\Flagged" in m.flags]
    one(lambda: c.search(None, "RETURN", "(COUNT MIN)", "FLAGGED"), "SEARCH RETURN (COUNT MIN) FLAGGED",
        (False, {"MIN": str(seqs[0]), "COUNT": str(len(seqs))}))
    one(lambda: c.uid("SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "SUBJECT", quote("no such subject")),
        "UID SEARCH RETURN (MIN MAX COUNT ALL) SUBJECT (nothing)", (True, {"COUNT": "0"}))
    expect_ok(c.unselect(), "UNSELECT")


# --- IDLE -----------------------------------------------------------------------------------------------------
def read_until_exists(idler, count, what, t0):
    """Reads untagged lines on the IDLE-ing connection until '* count EXISTS'; bounded by IDLE_WAIT after the
    writer's command completed. t0: when the writer sent it (for the latency logged)."""
    deadline = time.monotonic() + IDLE_WAIT
    seen = []
    while True:
        left = deadline - time.monotonic()
        check(left > 0, "IDLE: no '* %d EXISTS' within %.0f s of %s; got %r" % (count, IDLE_WAIT, what, seen))
        idler.sock.settimeout(left)
        try:
            line = idler.readline()
        except (socket.timeout, TimeoutError):
            raise Failure("IDLE: no '* %d EXISTS' within %.0f s of %s; got %r" % (count, IDLE_WAIT, what, seen))
        check(line.endswith(b"\r\n"), "IDLE: connection closed or partial line %r after %r" % (line, seen))
        text = line[:-2].decode("utf-8", "replace")
        seen.append(text)
        m = re.fullmatch(r"\* (\d+) EXISTS", text)
        if m and int(m.group(1)) == count:
            dt = time.monotonic() - t0
            log("IDLE: %r %.3f s after %s was sent" % (seen, dt, what))
            return seen
        check(m is not None or re.fullmatch(r"\* \d+ (RECENT|FETCH \(.*\))", text),
              "IDLE: unexpected line %r after %s" % (text, what))
        if m:
            check(int(m.group(1)) < count, "IDLE: %r, expected EXISTS up to %d" % (text, count))


def idle(srv, c, target_msgs):
    """`c` (the main connection) is the writer; a second connection IDLEs on the empty IDLED mailbox."""
    idler = srv.connect("127.0.0.1")
    with logged_out(idler):
        exists, idled_v, _ = select(idler, IDLED)
        check(exists == 0, "SELECT %s: EXISTS %d, expected 0" % (IDLED, exists))
        tag = idler._command("IDLE").decode()
        idler.sock.settimeout(IDLE_WAIT)
        cont = idler.readline()
        check(cont.startswith(b"+"), "IDLE: %r instead of a continuation" % cont)
        log("%s IDLE -> %r" % (tag, cont.decode().rstrip()))

        # 1. A third-party APPEND.
        rng = new_rng(7)
        _, data = make_message(rng, 100, 1500, "utf8", tag="idle")
        appended = Msg(100, data, ["\\Flagged"], None)
        t0 = time.monotonic()
        typ, resp = c.append(quote(IDLED), "(\\Flagged)", None, data)
        check(typ == "OK", "APPEND to %s: %s %r" % (IDLED, typ, resp))
        v, appended.uid = map(int, pop(c, "APPENDUID")[0].split())
        check(v == idled_v and appended.uid == 1, "APPENDUID %d %d, expected %d 1" % (v, appended.uid, idled_v))
        read_until_exists(idler, 1, "the APPEND", t0)

        # 2. A UID MOVE of two messages from the target into the IDLE-ing mailbox.
        select(c, TARGET)
        pick = [target_msgs[0], target_msgs[-1]]
        t0 = time.monotonic()
        typ, _ = c.uid("MOVE", uid_set(m.uid for m in pick), quote(IDLED))
        check(typ == "OK", "UID MOVE into %s: %s" % (IDLED, typ))
        v, src, dst = copyuid(c, [], "UID MOVE into " + IDLED, untagged=None)
        check((v, src, dst) == (idled_v, [m.uid for m in pick], [2, 3]),
              "UID MOVE into %s: COPYUID %d %r %r" % (IDLED, v, src, dst))
        replay_expunges(c, [m.uid for m in target_msgs], src, "UID MOVE into " + IDLED)
        read_until_exists(idler, 3, "the UID MOVE", t0)

        idler.send(b"DONE\r\n")
        idler.sock.settimeout(IDLE_WAIT)
        try:
            typ, data = idler._command_complete("IDLE", tag.encode())
        except (socket.timeout, TimeoutError):
            raise Failure("IDLE: no tagged answer to DONE within %.0f s" % IDLE_WAIT)
        check(typ == "OK", "DONE: %s %r" % (typ, data))
        log("DONE -> %s OK %s" % (tag, data[0].decode()))

        moved = []
        for m, d in zip(pick, dst):
            n = Msg(m.index, m.data, m.flags, m.date)
            n.uid, n.internaldate = d, m.internaldate
            moved.append(n)
        idler.sock.settimeout(60)
        compare(idler, IDLED, [appended] + moved, "after IDLE")
        expect_ok(idler.noop(), "NOOP")


# --- CONDSTORE / QRESYNC (RFC 7162) -------------------------------------------------------------------------
def vanished_uids(c, what, earlier=True):
    """Every * VANISHED imaplib stored since the last pop, as one set of UIDs; each must have (EARLIER) or not."""
    uids = set()
    for d in pop(c, "VANISHED"):
        text = d.decode()
        m = re.fullmatch(r"(\(EARLIER\) )?([0-9:,]+)", text)
        check(m is not None, "%s: malformed * VANISHED %r" % (what, text))
        check(bool(m.group(1)) == earlier, "%s: * VANISHED %s, expected %s (EARLIER)"
              % (what, text, "with" if earlier else "without"))
        uids.update(parse_uid_set(m.group(2)))
    return uids


def fetch_changes(c, what, need_flags=True, unique=True):
    """The * FETCH responses imaplib stored since the last pop: {uid: (seq, flags set or None, modseq)}; each must
    carry UID (QRESYNC), MODSEQ (CONDSTORE) and, if need_flags, FLAGS; with unique a UID twice is a failure."""
    out = {}
    for seq, a in parse_fetch(pop(c, "FETCH")):
        check("UID" in a, "%s: * %d FETCH %r without UID" % (what, seq, a))
        uid = int(a["UID"])
        check(uid not in out or not unique, "%s: two FETCH responses for UID %d: %r and %r"
              % (what, uid, out.get(uid), a))
        modseq = None
        if "MODSEQ" in a:
            v = a["MODSEQ"]
            check(isinstance(v, list) and len(v) == 1 and v[0].isdigit(), "%s: UID %d MODSEQ %r" % (what, uid, v))
            modseq = int(v[0])
        check(modseq is not None, "%s: * %d FETCH %r without MODSEQ" % (what, seq, a))
        check("FLAGS" in a or not need_flags, "%s: * %d FETCH %r without FLAGS" % (what, seq, a))
        out[uid] = (seq, set(a["FLAGS"]) if "FLAGS" in a else None, modseq)
    return out


def uid_fetch_flags_modseq(c, uids, what):
    """UID FETCH uids (FLAGS MODSEQ): {uid: (flags, modseq)}."""
    pop(c, "FETCH")
    typ, data = c._simple_command("UID", "FETCH", uids, "(FLAGS MODSEQ)")
    check(typ == "OK", "%s: UID FETCH %s (FLAGS MODSEQ): %s %r" % (what, uids, typ, data))
    return {u: (f, m) for u, (_, f, m) in fetch_changes(c, what).items()}


def show(model):
    return ", ".join("%d:%s" % (u, "/".join(sorted(f)) or "-") for u, f in sorted(model.items()))


def diff(expected, got):
    """A short text of where two {uid: value} dicts differ."""
    lines = []
    for u in sorted(set(expected) | set(got)):
        if expected.get(u) != got.get(u):
            lines.append("UID %d: expected %r, got %r" % (u, expected.get(u, "(absent)"), got.get(u, "(absent)")))
    return "; ".join(lines[:20]) + (" (and %d more)" % (len(lines) - 20) if len(lines) > 20 else "")


def qresync_select(c, params, what):
    """ENABLE QRESYNC, then SELECT INBOX with the given parameter list. imaplib's select() sends its mailbox
    argument as it is, so "INBOX (QRESYNC (...))" goes out unchanged and imaplib still enters SELECTED state.
    Returns (EXISTS, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ); the VANISHED and FETCH data stay in imaplib's store."""
    pop(c, "ENABLED")
    typ, data = c.enable("QRESYNC")  # returns the tagged text; the * ENABLED data stay in imaplib's store
    check(typ == "OK", "%s: ENABLE QRESYNC: %s %r" % (what, typ, data))
    enabled = b" ".join(pop(c, "ENABLED")).decode().upper().split()
    check("QRESYNC" in enabled, "%s: ENABLE QRESYNC answered * ENABLED %r, expected QRESYNC in it" % (what, enabled))
    typ, data = c.select("INBOX " + params)
    check(typ == "OK", "%s: SELECT INBOX %s: %s %r" % (what, params, typ, data))
    exists = int(data[-1])
    hms = pop(c, "HIGHESTMODSEQ")
    check(len(hms) == 1 and hms[0].isdigit(), "%s: SELECT INBOX %s: [HIGHESTMODSEQ] %r, expected one number"
          % (what, params, hms))
    return exists, int(pop(c, "UIDVALIDITY")[-1]), int(pop(c, "UIDNEXT")[-1]), int(hms[0])


def condstore_qresync(srv):
    """Client A caches INBOX with CONDSTORE, client B changes it while A is away, A resynchronizes with SELECT
    (QRESYNC ...) and must learn exactly B's changes; then a conditional STORE conflict ([MODIFIED])."""
    rng = new_rng(7162)
    moved_box = "QRESYNC Moved"
    flag_pool = [[], [], ["\\Seen"], ["\\Seen"], ["\\Seen", "\\Flagged"], ["\\Answered", "\\Seen"], ["$Label1"],
                 ["\\Draft"], ["\\Flagged", "$Work"]]

    # Set-up (client B's connection): 56 messages, 6 expunged again so the 50 A knows have gaps in their UIDs.
    b = srv.connect("localhost")
    expect_ok(b.create(quote(moved_box)), "CREATE " + moved_box)
    truth = {}  # the server's INBOX as the test knows it: uid -> set of flags
    for i in range(56):
        _, data = make_message(rng, 200 + i, rng.randint(200, 3000), ("ascii", "utf8")[i % 2], tag="qresync")
        flags = rng.choice(flag_pool)
        typ, resp = b.append("INBOX", "(%s)" % " ".join(flags) if flags else None, None, data)
        check(typ == "OK", "APPEND %d to INBOX: %s %r" % (i, typ, resp))
        v, uid = map(int, pop(b, "APPENDUID")[0].split())
        truth[uid] = set(flags)
    check(sorted(truth) == list(range(1, 57)), "APPENDUIDs in INBOX: %s, expected 1:56" % uid_set(truth))
    select(b, "INBOX")
    gaps = [3, 10, 11, 12, 30, 56]
    expect_ok(b.uid("STORE", uid_set(gaps), "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE +FLAGS.SILENT \\Deleted")
    expect_ok(b.uid("EXPUNGE", uid_set(gaps)), "UID EXPUNGE " + uid_set(gaps))
    for u in gaps:
        del truth[u]
    pop(b, "EXPUNGE")

    # Client A, session 1: ENABLE QRESYNC, SELECT INBOX (CONDSTORE), cache UIDVALIDITY, HIGHESTMODSEQ, UID -> flags.
    a = srv.connect("localhost")
    exists, uidvalidity, uidnext, hms1 = qresync_select(a, "(CONDSTORE)", "A session 1")
    check((exists, uidnext) == (50, 57), "A session 1: SELECT INBOX (CONDSTORE): EXISTS %d UIDNEXT %d, expected 50 57"
          % (exists, uidnext))
    cache = uid_fetch_flags_modseq(a, "1:*", "A session 1")
    got_flags = {u: f for u, (f, _) in cache.items()}
    check(got_flags == truth, "A session 1: UID FETCH 1:* (FLAGS MODSEQ) differs from what was appended: %s"
          % diff(truth, got_flags))
    too_high = {u: m for u, (_, m) in cache.items() if m > hms1}
    check(not too_high, "A session 1: MODSEQ above HIGHESTMODSEQ %d: %r" % (hms1, too_high))
    typ, data = a.logout()
    check(typ == "BYE", "A session 1: LOGOUT: %s %r" % (typ, data))
    known = sorted(cache)
    log("A session 1: UIDVALIDITY %d HIGHESTMODSEQ %d, %d messages cached (UIDs %s)"
        % (uidvalidity, hms1, len(known), uid_set(known)))

    # Client B while A is away (a plain IMAP4rev1 session: no ENABLE).
    def store(uids, op, flags):
        typ, data = b.uid("STORE", uid_set(uids), op, "(%s)" % " ".join(flags))
        check(typ == "OK", "B: UID STORE %s %s (%s): %s %r" % (uid_set(uids), op, " ".join(flags), typ, data))
        for u in uids:
            if op.startswith("+"):
                truth[u] |= set(flags)
            elif op.startswith("-"):
                truth[u] -= set(flags)
            else:
                truth[u] = set(flags)
        pop(b, "FETCH")

    survivors = list(known)
    unseen = [u for u in survivors if "\\Seen" not in truth[u]]
    flagged = [u for u in survivors if "\\Flagged" in truth[u]]
    check(len(unseen) >= 12 and len(flagged) >= 4, "test set-up: unseen %r flagged %r" % (unseen, flagged))
    changed = set()
    store(unseen[0:5], "+FLAGS.SILENT", ["\\Seen"]); changed |= set(unseen[0:5])
    store(flagged[0:2], "-FLAGS", ["\\Flagged"]); changed |= set(flagged[0:2])
    store([unseen[5], unseen[6]], "+FLAGS", ["$Label2"]); changed |= {unseen[5], unseen[6]}
    store([unseen[7]], "FLAGS.SILENT", ["\\Answered", "$Forwarded"]); changed.add(unseen[7])
    store([unseen[8]], "+FLAGS.SILENT", ["\\Deleted"]); changed.add(unseen[8])  # \Deleted but not expunged
    # Set then cleared: the same flags as before, but a new MODSEQ, so A must hear of it.
    flip = [u for u in unseen[11:] if "\\Flagged" not in truth[u] and u not in known[30:32] + known[20:22]][0]
    store([flip], "+FLAGS.SILENT", ["\\Flagged"])
    store([flip], "-FLAGS.SILENT", ["\\Flagged"]); changed.add(flip)
    # UID EXPUNGE of four (one of them changed first), leaving out another \Deleted one.
    expunged = sorted({known[1], known[20], known[21], unseen[10]} - {unseen[8]})
    store(expunged, "+FLAGS.SILENT", ["\\Deleted"])
    typ, data = b.uid("EXPUNGE", uid_set(expunged))
    check(typ == "OK", "B: UID EXPUNGE %s: %s %r" % (uid_set(expunged), typ, data))
    check(unseen[8] not in expunged, "test set-up")
    pop(b, "EXPUNGE")
    # UID MOVE of three (one of them with changed flags) to another mailbox.
    moved = [known[30], known[31], flagged[2]]
    moved = sorted(set(moved) - set(expunged))
    store([moved[0]], "+FLAGS.SILENT", ["$Moved"])
    typ, data = b.uid("MOVE", uid_set(moved), quote(moved_box))
    check(typ == "OK", "B: UID MOVE %s: %s %r" % (uid_set(moved), typ, data))
    pop(b, "EXPUNGE"); pop(b, "COPYUID")
    gone = set(expunged) | set(moved)
    for u in gone:
        del truth[u]
    changed -= gone
    # New mail: one APPENDed and expunged again (a UID A never knew), then five that stay.
    new_uids = []
    for i in range(6):
        _, data = make_message(rng, 300 + i, rng.randint(200, 3000), "utf8", tag="qresync-new")
        flags = [["\\Deleted"], [], ["\\Seen"], ["\\Flagged", "$Label1"], [], ["\\Answered"]][i]
        typ, resp = b.append("INBOX", "(%s)" % " ".join(flags) if flags else None, None, data)
        check(typ == "OK", "B: APPEND new %d: %s %r" % (i, typ, resp))
        uid = int(pop(b, "APPENDUID")[0].split()[1])
        truth[uid] = set(flags)
        new_uids.append(uid)
    ghost = new_uids.pop(0)
    expect_ok(b.uid("EXPUNGE", str(ghost)), "B: UID EXPUNGE %d" % ghost)
    del truth[ghost]
    pop(b, "EXPUNGE"); pop(b, "EXISTS"); pop(b, "FETCH")
    log("B: flags changed on %s, UID EXPUNGE %s, UID MOVE %s, APPEND %s (and %d, expunged again)"
        % (uid_set(changed), uid_set(expunged), uid_set(moved), uid_set(new_uids), ghost))

    # Client A, session 2: SELECT INBOX (QRESYNC (uidvalidity modseq known-uids)).
    params = "(QRESYNC (%d %d %s))" % (uidvalidity, hms1, uid_set(known))
    a = srv.connect("localhost")
    exists, v, uidnext2, hms2 = qresync_select(a, params, "A session 2")
    check(v == uidvalidity, "A session 2: UIDVALIDITY %d, expected %d" % (v, uidvalidity))
    check(hms2 > hms1, "A session 2: HIGHESTMODSEQ %d, expected more than session 1's %d" % (hms2, hms1))
    check(exists == len(truth), "A session 2: EXISTS %d, expected %d" % (exists, len(truth)))
    check(uidnext2 == max(new_uids) + 1, "A session 2: UIDNEXT %d, expected %d" % (uidnext2, max(new_uids) + 1))
    vanished = vanished_uids(a, "SELECT INBOX %s" % params)
    check(vanished == gone, "SELECT INBOX %s: * VANISHED (EARLIER) %s, expected exactly the expunged and moved "
          "UIDs %s (only UIDs from the known set: %d was never known)" % (params, uid_set(vanished) or "(none)",
                                                                         uid_set(gone), ghost))
    changes = fetch_changes(a, "SELECT INBOX %s" % params)
    check(set(changes) == changed, "SELECT INBOX %s: FETCH responses for UIDs %s, expected exactly the changed %s"
          % (params, uid_set(changes) or "(none)", uid_set(changed)))
    model = {u: cache[u][0] for u in known if u not in vanished}
    modseqs = {u: cache[u][1] for u in known if u not in vanished}
    order = sorted(model)
    for u, (seq, flags, modseq) in changes.items():
        check(seq == order.index(u) + 1, "SELECT QRESYNC: * %d FETCH (UID %d ...), expected message number %d"
              % (seq, u, order.index(u) + 1))
        check(hms1 < modseq <= hms2, "SELECT QRESYNC: UID %d MODSEQ %d, expected %d < MODSEQ <= %d"
              % (u, modseq, hms1, hms2))
        model[u], modseqs[u] = flags, modseq
    log("A session 2: SELECT INBOX %s -> HIGHESTMODSEQ %d, VANISHED (EARLIER) %s, FETCH for %s"
        % (params, hms2, uid_set(vanished), uid_set(changes)))

    # The new messages: UIDs from session 1's UIDNEXT.
    fresh = uid_fetch_flags_modseq(a, "%d:*" % uidnext, "A session 2: UID FETCH %d:*" % uidnext)
    fresh = {u: x for u, x in fresh.items() if u >= uidnext}
    check(sorted(fresh) == new_uids, "A session 2: UID FETCH %d:* gave UIDs %s, expected %s"
          % (uidnext, uid_set(fresh), uid_set(new_uids)))
    for u, (flags, modseq) in fresh.items():
        model[u], modseqs[u] = flags, modseq
    check(len(model) == exists, "A session 2: the model has %d messages, SELECT said EXISTS %d" % (len(model), exists))

    # A's model against the server's whole mailbox, and against the test's own record of B's changes.
    full = uid_fetch_flags_modseq(a, "1:*", "A session 2: UID FETCH 1:*")
    full_flags = {u: f for u, (f, _) in full.items()}
    check(model == full_flags, "A's resynchronized model differs from UID FETCH 1:* (FLAGS): %s"
          % diff(model, full_flags))
    full_modseqs = {u: m for u, (_, m) in full.items()}
    check(modseqs == full_modseqs, "A's resynchronized MODSEQs differ from UID FETCH 1:* (MODSEQ): %s"
          % diff(modseqs, full_modseqs))
    check(full_flags == truth, "UID FETCH 1:* (FLAGS) differs from what B did: %s" % diff(truth, full_flags))
    check(max(full_modseqs.values()) <= hms2, "MODSEQ %d above HIGHESTMODSEQ %d" % (max(full_modseqs.values()), hms2))
    log("A session 2: model after VANISHED, FETCH and UID FETCH %d:* equals UID FETCH 1:* (%d messages: %s)"
        % (uidnext, len(model), show(model)[:200] + "..."))

    # The same question as a UID FETCH (CHANGEDSINCE ... VANISHED) over 1:*: now the never-known UID counts too.
    pop(a, "VANISHED")
    typ, data = a._simple_command("UID", "FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE %d VANISHED)" % hms1)
    check(typ == "OK", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED): %s %r" % (hms1, typ, data))
    v2 = vanished_uids(a, "UID FETCH 1:* (CHANGEDSINCE VANISHED)")
    ch2 = fetch_changes(a, "UID FETCH 1:* (CHANGEDSINCE VANISHED)")
    check(v2 == gone | {ghost}, "UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED): * VANISHED (EARLIER) %s, "
          "expected %s" % (hms1, uid_set(v2) or "(none)", uid_set(gone | {ghost})))
    check(set(ch2) == changed | set(new_uids), "UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED): FETCH for %s, "
          "expected %s" % (hms1, uid_set(ch2), uid_set(changed | set(new_uids))))
    got2 = {u: (f, m) for u, (_, f, m) in ch2.items()}
    want2 = {u: full[u] for u in ch2}
    check(got2 == want2, "UID FETCH (CHANGEDSINCE VANISHED) disagrees with UID FETCH 1:*: %s" % diff(want2, got2))
    log("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED): VANISHED (EARLIER) %s, FETCH for %s"
        % (hms1, uid_set(v2), uid_set(ch2)))

    # Conditional STORE: B changes X after A's sync; A's UID STORE X,Y,Z (UNCHANGEDSINCE <A's view>) must change
    # Y and Z only and answer OK [MODIFIED X].
    plain = [u for u in sorted(model) if not model[u] & {"\\Answered", "\\Flagged", "\\Deleted"}]
    check(len(plain) >= 3, "test set-up: %r" % plain)
    x, y, z = plain[0], plain[len(plain) // 2], plain[-1]
    since = max(modseqs[u] for u in (x, y, z))
    store([x], "+FLAGS.SILENT", ["\\Flagged"])
    pop(a, "FETCH"); pop(a, "MODIFIED")
    cmd = "UID STORE %s (UNCHANGEDSINCE %d) +FLAGS (\\Answered)" % (uid_set([x, y, z]), since)
    typ, data = a._simple_command("UID", "STORE", uid_set([x, y, z]), "(UNCHANGEDSINCE %d)" % since, "+FLAGS",
                                  "(\\Answered)")
    tagged = b" ".join(d for d in data if d).decode()
    check(typ == "OK", "%s: %s %s, expected OK [MODIFIED %d]" % (cmd, typ, tagged, x))
    modified = [d.decode() for d in pop(a, "MODIFIED")]
    check(modified == [str(x)] and tagged.startswith("[MODIFIED %d]" % x),
          "%s: tagged %s %r, response codes MODIFIED %r; expected OK [MODIFIED %d]" % (cmd, typ, tagged, modified, x))
    got = fetch_changes(a, cmd, unique=False)  # B's change may come as an unsolicited FETCH as well
    check({y, z} <= set(got) <= {x, y, z}, "%s: FETCH responses for UIDs %s, expected %s (and %d may be reported)"
          % (cmd, uid_set(got) or "(none)", uid_set([y, z]), x))
    for u in (y, z):
        check(got[u][1] == model[u] | {"\\Answered"} and got[u][2] > since,
              "%s: UID %d FETCH FLAGS %r MODSEQ %r, expected FLAGS %r and MODSEQ > %d"
              % (cmd, u, got[u][1] and sorted(got[u][1]), got[u][2], sorted(model[u] | {"\\Answered"}), since))
        truth[u].add("\\Answered")
    if x in got:
        check(got[x][1] in (None, truth[x]), "%s: UID %d (failed the test) FETCH FLAGS %r, expected B's %r"
              % (cmd, x, got[x][1] and sorted(got[x][1]), sorted(truth[x])))
    log("%s -> OK %s; FETCH for %s" % (cmd, tagged, uid_set(got)))

    # .SILENT with UNCHANGEDSINCE still answers a FETCH with MODSEQ (RFC 7162 3.1.3); UNCHANGEDSINCE 0 always fails.
    cmd = "UID STORE %d (UNCHANGEDSINCE %d) -FLAGS.SILENT (\\Answered)" % (y, got[y][2])
    typ, data = a._simple_command("UID", "STORE", str(y), "(UNCHANGEDSINCE %d)" % got[y][2], "-FLAGS.SILENT",
                                  "(\\Answered)")
    check(typ == "OK" and not pop(a, "MODIFIED"), "%s: %s %r, expected OK without [MODIFIED]" % (cmd, typ, data))
    got_s = fetch_changes(a, cmd, need_flags=False, unique=False)  # FLAGS optional here (RFC 7162 3.1.3 example)
    check(y in got_s and got_s[y][1] in (None, model[y]) and got_s[y][2] > got[y][2],
          "%s: FETCH responses %r, expected one for UID %d with MODSEQ > %d (and FLAGS %r if any)"
          % (cmd, got_s, y, got[y][2], sorted(model[y])))
    truth[y].discard("\\Answered")
    cmd = "UID STORE %d (UNCHANGEDSINCE 0) +FLAGS (\\Seen)" % z
    typ, data = a._simple_command("UID", "STORE", str(z), "(UNCHANGEDSINCE 0)", "+FLAGS", "(\\Seen)")
    modified = [d.decode() for d in pop(a, "MODIFIED")]
    check(typ == "OK" and modified == [str(z)], "%s: %s %r, MODIFIED %r; expected OK [MODIFIED %d]"
          % (cmd, typ, data, modified, z))
    pop(a, "FETCH")
    final = uid_fetch_flags_modseq(a, "1:*", "after the conditional STOREs")
    final_flags = {u: f for u, (f, _) in final.items()}
    check(final_flags == truth, "after the conditional STOREs: UID FETCH 1:* (FLAGS) differs from the expected: %s"
          % diff(truth, final_flags))
    log("conditional STOREs: [MODIFIED %d] for B's change; .SILENT answered %r; UNCHANGEDSINCE 0: [MODIFIED %d]"
        % (x, got_s[y], z))
    for conn, name in ((a, "A"), (b, "B")):
        typ, data = conn.logout()
        check(typ == "BYE", "%s: LOGOUT: %s %r" % (name, typ, data))


def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT)
    t0 = time.monotonic()
    log("python %s, imaplib %s" % (sys.version.split()[0], imaplib.__version__))
    msgs = build_messages()
    with SealboxServer(binary, prefix="sealbox-interop-ext-") as srv:
        c = srv.connect("localhost")
        with logged_out(c):
            check_capabilities(c)
            target = uidplus_and_move(c, msgs)
            esearch(c, target)
            idle(srv, c, target)
            condstore_qresync(srv)
    log("interop_imaplib_extensions: done in %.1f s" % (time.monotonic() - t0))
    finish("interop_imaplib_extensions", [])


if __name__ == "__main__":
    run(main)
