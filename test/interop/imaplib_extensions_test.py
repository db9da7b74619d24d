#!/usr/bin/env python3
"""interop_imaplib_extensions: Python's imaplib (stdlib) using UIDPLUS, MOVE, IDLE and ESEARCH against a real
`sealbox serve`, with certificate verification on.

    imaplib_extensions_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN in the environment)

imaplib (3.11) has no move() or idle() helper: MOVE (if missing) and IDLE are registered in imaplib.Commands and
sent with imaplib's own _simple_command / uid / _command; response codes are read the way imaplib stores them
(c.response('APPENDUID'), c.response('COPYUID'), c.response('EXPUNGE'), c.response('ESEARCH')).

- CAPABILITY lists UIDPLUS, MOVE, IDLE and ESEARCH.
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

from imap_util import (Failure, check, finish, run, expect_ok, make_message, new_rng, parse_fetch,  # noqa: E402
                       parse_uid_set, quote, response_code, uid_set)
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 300  # seconds for the whole script (ctest's TIMEOUT is 600)
IDLE_WAIT = 10.0  # seconds an IDLE-ing client may wait for EXISTS after the change was acknowledged
SOURCE = "Source"
TARGET = "Target Box"
IDLED = "Idle Box"
NEEDED_CAPABILITIES = ["UIDPLUS", "MOVE", "IDLE", "ESEARCH"]

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
    try:
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
        typ, data = idler.logout()
        check(typ == "BYE", "LOGOUT: %s %r" % (typ, data))
    except BaseException:
        try:
            idler.shutdown()
        except Exception:
            pass
        raise


def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT)
    t0 = time.monotonic()
    log("python %s, imaplib %s" % (sys.version.split()[0], imaplib.__version__))
    msgs = build_messages()
    with SealboxServer(binary, prefix="sealbox-interop-ext-") as srv:
        c = srv.connect("localhost")
        try:
            check_capabilities(c)
            target = uidplus_and_move(c, msgs)
            esearch(c, target)
            idle(srv, c, target)
            typ, data = c.logout()
            check(typ == "BYE", "LOGOUT: %s %r" % (typ, data))
        except BaseException:
            try:
                c.shutdown()
            except Exception:
                pass
            raise
    log("interop_imaplib_extensions: done in %.1f s" % (time.monotonic() - t0))
    finish("interop_imaplib_extensions", [])


if __name__ == "__main__":
    run(main)
