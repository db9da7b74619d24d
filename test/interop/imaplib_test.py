#!/usr/bin/env python3
"""interop_imaplib: Python's imaplib (stdlib) against a real `sealbox serve`, with certificate verification on.

    imaplib_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN in the environment)

Connection 1 (host "localhost": the DNS SAN is checked): CAPABILITY, LOGIN, ID, NAMESPACE, CREATE (with a space and a
modified UTF-7 name), LIST; APPEND 100 messages (ASCII, 8-bit UTF-8 and binary-ish octets with CRLF line ends, from 0
bytes of body to 3 MiB, some with flags and an INTERNALDATE) checking every APPENDUID; SELECT (EXISTS, UIDVALIDITY,
UIDNEXT); FETCH 1:* BODY.PEEK[] (no \\Seen set) and FETCH 1:* RFC822 (sets \\Seen, reported with FLAGS), byte for
byte; RFC822.SIZE, INTERNALDATE, RFC822.HEADER, RFC822.TEXT, BODY.PEEK[HEADER.FIELDS (...)], partial BODY.PEEK[]<o.n>;
STORE +FLAGS / -FLAGS.SILENT / FLAGS with system flags and keywords; UID COPY to the second mailbox with COPYUID,
then EXAMINE there and compare bodies, flags and dates; EXPUNGE and UID EXPUNGE of subsets (the EXPUNGE responses
replayed against the model); UNSELECT, LOGOUT.
Connection 2 (host "127.0.0.1": the IP SAN is checked): STATUS of both mailboxes, EXAMINE and a full FETCH of each,
compared with the model; RFC822 under EXAMINE must not set \\Seen.
"""

import base64
import os
import re
import signal
import sys
import time
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaplib  # noqa: E402

from imap_util import (Failure, check, finish, run, expect_ok, header_fields, internaldate_epoch,  # noqa: E402
                       logged_out, make_message, mutf7_encode, new_rng, parse_fetch, parse_uid_set, quote,
                       response_code, split_header, uid_set)
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 540  # seconds for the whole script (ctest's TIMEOUT is 600)
COUNT = 100
MAILBOX = "Interop Tests"
COPIES = "Interop Tests/Kopien Größe & Co"  # a child, a space, non-ASCII and '&': modified UTF-7 on the wire
CAPABILITIES = ["IMAP4REV1", "IMAP4REV2", "AUTH=PLAIN", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MULTIAPPEND", "UNSELECT", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CREATE-SPECIAL-USE", "XLIST", "MOVE", "BINARY", "LITERAL+", "CONDSTORE", "QRESYNC", "ESEARCH", "SEARCHRES", "OBJECTID", "UTF8=ACCEPT", "COMPRESS=DEFLATE", "STATUS=SIZE", "APPENDLIMIT=67108864", "SAVEDATE", "XPASSWORD"]


class Msg:
    def __init__(self, index, msgid, data, flags, date):
        self.index = index
        self.msgid = msgid
        self.data = data
        self.flags = set(flags)
        self.date = date  # epoch seconds given to APPEND, or None (server's clock)
        self.uid = None
        self.internaldate = None


def sizes_and_kinds(rng):
    """Varied sizes: mostly small, plus the edges of the server's 256 KiB staging batches and a few MiB."""
    special = {3: 0, 7: 1, 17: 256 * 1024 - 700, 18: 256 * 1024, 19: 256 * 1024 + 1, 41: 1024 * 1024 + 7,
               77: 3 * 1024 * 1024, 90: 64 * 1024}
    out = []
    for i in range(COUNT):
        kind = ("ascii", "utf8", "binary")[i % 3]
        size = special.get(i, rng.choice([rng.randint(50, 2000), rng.randint(2000, 20000), rng.randint(20000, 90000)]))
        out.append((size, kind))
    return out


def build_messages():
    rng = new_rng(20240501)
    base_date = datetime(2021, 3, 14, 15, 9, 26, tzinfo=timezone(timedelta(hours=2)))
    msgs = []
    for i, (size, kind) in enumerate(sizes_and_kinds(rng)):
        msgid, data = make_message(rng, i, size, kind)
        if i == 5:  # a header without a body or even the blank line
            data = b"Subject: header only\r\nMessage-ID: <header-only@sealbox.test>\r\n"
            msgid = "<header-only@sealbox.test>"
        if i == 6:  # no CRLF at the very end
            data = data.rstrip(b"\r\n")
        check(b"\r\n" in data and data.replace(b"\r\n", b"").find(b"\n") < 0 and
              data.replace(b"\r\n", b"").find(b"\r") < 0 and b"\0" not in data,
              "message %d: only CRLF line ends and no NUL" % i)
        flags = []
        if i % 7 == 0:
            flags.append("\\Seen")
        if i % 11 == 0:
            flags += ["\\Flagged", "$Label1"]
        if i % 13 == 0:
            flags.append("\\Draft")
        if i % 17 == 0:
            flags.append("\\Answered")
        date = (base_date + timedelta(minutes=37 * i)).timestamp() if i % 5 == 0 else None
        msgs.append(Msg(i, msgid, data, flags, date))
    return msgs


def flags_of(attrs):
    return set(attrs["FLAGS"])


# --- connection 1 -----------------------------------------------------------------------------------------------
def check_capabilities(c):
    typ, data = c.capability()
    check(typ == "OK", "CAPABILITY")
    caps = data[0].decode().upper().split()
    check(caps == CAPABILITIES, "CAPABILITY after login: %r, expected exactly %r" % (caps, CAPABILITIES))
    typ, data = c.xatom("ID", '("name" "sealbox-interop-imaplib")')
    check(typ == "OK", "ID: %s %r" % (typ, data))
    typ, ident = c._untagged_response(typ, data, "ID")
    check(ident and ident[0] is not None, "ID: no untagged ID response")
    typ, data = c.namespace()
    check(typ == "OK" and data[0] == b'(("" "/")) NIL NIL', "NAMESPACE: %r" % data)


def create_mailboxes(c):
    expect_ok(c.create(quote(MAILBOX)), "CREATE " + MAILBOX)
    wire = mutf7_encode(COPIES)
    log("CREATE %s (on the wire: %s)" % (COPIES, wire))
    expect_ok(c.create(quote(wire)), "CREATE " + COPIES)
    typ, data = c.create(quote(MAILBOX))
    check(typ == "NO" and b"[ALREADYEXISTS]" in data[0], "CREATE of an existing mailbox: %s %r" % (typ, data))
    data = expect_ok(c.list('""', quote("Interop*")), "LIST")
    lines = sorted(d for d in data if d)
    expected = sorted([b'(\\HasChildren) "/" "Interop Tests"',
                       b'(\\HasNoChildren) "/" "' + wire.encode() + b'"'])
    check(lines == expected, "LIST Interop*: %r, expected %r" % (lines, expected))
    data = expect_ok(c.list('""', '"*"'), "LIST *")
    check(any(d.endswith(b' "/" INBOX') or d.endswith(b' "/" "INBOX"') for d in data), "LIST * has no INBOX: %r" % data)
    return wire


def append_all(c, msgs):
    uidvalidity = None
    t0 = time.monotonic()
    for m in msgs:
        flags = "(" + " ".join(sorted(m.flags)) + ")" if m.flags else None
        date = imaplib.Time2Internaldate(m.date) if m.date is not None else None
        data = expect_ok(c.append(quote(MAILBOX), flags, date, m.data), "APPEND message %d" % m.index)
        v, uid = response_code(data, "APPENDUID")
        check(uidvalidity in (None, int(v)), "APPENDUID validity changed: %s after %s" % (v, uidvalidity))
        uidvalidity = int(v)
        m.uid = int(uid)
        check(m.index == 0 or m.uid > msgs[m.index - 1].uid, "APPENDUID not ascending: %d" % m.uid)
    total = sum(len(m.data) for m in msgs)
    log("APPEND %d messages, %.1f MiB: %.2f s" % (len(msgs), total / 1048576, time.monotonic() - t0))
    return uidvalidity


def select(c, name, uidvalidity, count, uidnext, readonly=False):
    typ, data = c.select(quote(name), readonly=readonly)
    check(typ == "OK", "SELECT %s: %s %r" % (name, typ, data))
    check(int(data[0]) == count, "SELECT %s: EXISTS %s, expected %d" % (name, data[0], count))
    typ, v = c.response("UIDVALIDITY")
    check(int(v[0]) == uidvalidity, "SELECT %s: UIDVALIDITY %s, APPENDUID/COPYUID said %d" % (name, v, uidvalidity))
    typ, n = c.response("UIDNEXT")
    check(int(n[0]) == uidnext, "SELECT %s: UIDNEXT %s, expected %d" % (name, n, uidnext))
    typ, perm = c.response("PERMANENTFLAGS")
    check(perm and perm[0] and (b"\\*" in perm[0]) != readonly, "PERMANENTFLAGS %r (read-only %s)" % (perm, readonly))
    c.response("READ-ONLY")
    c.response("READ-WRITE")


def fetch(c, what, by_uid=False, set_="1:*"):
    t0 = time.monotonic()
    typ, data = (c.uid("FETCH", set_, what) if by_uid else c.fetch(set_, what))
    check(typ == "OK", "FETCH %s: %s %r" % (what, typ, data))
    parsed = parse_fetch(data)
    return parsed, time.monotonic() - t0


def compare_all(c, msgs, label):
    """One FETCH of everything: bodies byte for byte, sizes, flags, dates; by sequence number order."""
    parsed, dt = fetch(c, "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")
    check(len(parsed) == len(msgs), "%s: %d FETCH responses for %d messages" % (label, len(parsed), len(msgs)))
    for (seq, a), m in zip(parsed, msgs):
        check(int(a["UID"]) == m.uid, "%s: seq %d has UID %s, expected %d" % (label, seq, a["UID"], m.uid))
        check(a["BODY[]"] == m.data, "%s: UID %d: BODY[] differs from what was appended (%d vs %d bytes)"
              % (label, m.uid, len(a["BODY[]"]), len(m.data)))
        check(int(a["RFC822.SIZE"]) == len(m.data), "%s: UID %d RFC822.SIZE %s != %d"
              % (label, m.uid, a["RFC822.SIZE"], len(m.data)))
        check(flags_of(a) == m.flags, "%s: UID %d FLAGS %r, expected %r" % (label, m.uid, flags_of(a), m.flags))
        when = internaldate_epoch(a["INTERNALDATE"])
        if m.internaldate is None:
            m.internaldate = when
        check(when == m.internaldate, "%s: UID %d INTERNALDATE %s, expected %s"
              % (label, m.uid, a["INTERNALDATE"], m.internaldate))
    total = sum(len(m.data) for m in msgs)
    log("%s: FETCH BODY.PEEK[] of %d messages (%.1f MiB) matched byte for byte: %.2f s"
        % (label, len(msgs), total / 1048576, dt))


def fetch_sections(c, msgs):
    parsed, dt = fetch(c, "(RFC822)")
    now_seen = 0
    for (seq, a), m in zip(parsed, msgs):
        check(a["RFC822"] == m.data, "UID %d: RFC822 differs" % m.uid)
        if "\\Seen" not in m.flags:
            check("FLAGS" in a and "\\Seen" in a["FLAGS"],
                  "FETCH RFC822 set \\Seen on seq %d but sent no FLAGS for it (RFC 3501 §6.4.5)" % seq)
            m.flags.add("\\Seen")
            now_seen += 1
    log("FETCH 1:* RFC822 matched byte for byte and reported \\Seen on %d messages: %.2f s" % (now_seen, dt))
    compare_all(c, msgs, "after RFC822")

    names = ["Subject", "MESSAGE-ID", "x-folded", "X-Not-There"]
    parsed, dt = fetch(c, "(RFC822.HEADER RFC822.TEXT BODY.PEEK[HEADER.FIELDS (%s)] BODY.PEEK[]<10.500>)"
                       % " ".join(names))
    for (seq, a), m in zip(parsed, msgs):
        header, text = split_header(m.data)
        check(a["RFC822.HEADER"] == header, "UID %d: RFC822.HEADER differs" % m.uid)
        check(a["RFC822.TEXT"] == text, "UID %d: RFC822.TEXT differs" % m.uid)
        key = "BODY[HEADER.FIELDS (%s)]" % " ".join(names).upper()
        check(key in a, "UID %d: no %s item in %r" % (m.uid, key, list(a)))
        got = a[key]
        check(got == header_fields(m.data, names), "UID %d: HEADER.FIELDS %r, expected %r"
              % (m.uid, got, header_fields(m.data, names)))
        check(a["BODY[]<10>"] == m.data[10:510], "UID %d: BODY[]<10.500> differs" % m.uid)
    log("RFC822.HEADER, RFC822.TEXT, HEADER.FIELDS, BODY[]<10.500> of all matched: %.2f s" % dt)


def store_flags(c, msgs):
    by_seq = {i + 1: m for i, m in enumerate(msgs)}
    # +FLAGS with keywords on 1:30: one untagged FETCH with the new FLAGS per message.
    typ, data = c.store("1:30", "+FLAGS", "($Important Project_X)")
    check(typ == "OK", "STORE +FLAGS: %s %r" % (typ, data))
    parsed = parse_fetch(data)
    check(sorted(s for s, _ in parsed) == list(range(1, 31)), "STORE +FLAGS: FETCH responses for %r"
          % [s for s, _ in parsed])
    for seq, a in parsed:
        by_seq[seq].flags |= {"$Important", "Project_X"}
        check(flags_of(a) == by_seq[seq].flags, "STORE +FLAGS seq %d: %r, expected %r"
              % (seq, flags_of(a), by_seq[seq].flags))
    # UID STORE -FLAGS.SILENT: no FETCH responses at all.
    every4 = [m for m in msgs if m.index % 4 == 0]
    typ, data = c.uid("STORE", uid_set(m.uid for m in every4), "-FLAGS.SILENT", "(\\Seen $Important)")
    check(typ == "OK", "UID STORE -FLAGS.SILENT: %s %r" % (typ, data))
    check(not [d for d in data if d], "UID STORE -FLAGS.SILENT answered FETCH responses: %r" % data[:3])
    for m in every4:
        m.flags -= {"\\Seen", "$Important"}
    # STORE FLAGS (replace) on 10:20.
    typ, data = c.store("10:20", "FLAGS", "(\\Flagged \\Answered Project_Y)")
    check(typ == "OK", "STORE FLAGS: %s %r" % (typ, data))
    for seq in range(10, 21):
        by_seq[seq].flags = {"\\Flagged", "\\Answered", "Project_Y"}
    for seq, a in parse_fetch(data):
        check(flags_of(a) == by_seq[seq].flags, "STORE FLAGS seq %d: %r" % (seq, flags_of(a)))
    # UID STORE +FLAGS (not silent): FETCH responses carry the UID too (RFC 3501 §6.4.8).
    last = msgs[-3:]
    typ, data = c.uid("STORE", uid_set(m.uid for m in last), "+FLAGS", "(\\Draft)")
    check(typ == "OK", "UID STORE +FLAGS: %s %r" % (typ, data))
    parsed = parse_fetch(data)
    check(len(parsed) == 3 and all("UID" in a for _, a in parsed), "UID STORE responses without UID: %r" % parsed)
    for m in last:
        m.flags.add("\\Draft")
    parsed, _ = fetch(c, "(UID FLAGS)")
    for (seq, a), m in zip(parsed, msgs):
        check(flags_of(a) == m.flags, "after STORE: UID %d FLAGS %r, expected %r" % (m.uid, flags_of(a), m.flags))
    log("STORE +FLAGS / -FLAGS.SILENT / FLAGS / UID STORE: flags as expected on all %d messages" % len(msgs))


def copy_some(c, msgs, copies_wire):
    chosen = [m for m in msgs if m.index % 3 == 0]
    # imaplib's uid() keeps only untagged FETCH data; the tagged reply (with COPYUID) comes from _simple_command.
    typ, data = c._simple_command("UID", "COPY", uid_set(m.uid for m in chosen), quote(copies_wire))
    check(typ == "OK", "UID COPY: %s %r" % (typ, data))
    v, src, dst = response_code(data, "COPYUID")
    src, dst = parse_uid_set(src), parse_uid_set(dst)
    check(src == sorted(m.uid for m in chosen), "COPYUID source set %r" % src)
    check(len(dst) == len(src), "COPYUID: %d source, %d destination UIDs" % (len(src), len(dst)))
    copies = []
    by_uid = {m.uid: m for m in msgs}
    for s, d in zip(src, dst):
        o = by_uid[s]
        n = Msg(o.index, o.msgid, o.data, o.flags, o.date)
        n.uid, n.internaldate = d, o.internaldate
        copies.append(n)
    typ, data = c.copy("1", quote("No Such Mailbox"))
    check(typ == "NO" and b"[TRYCREATE]" in data[0], "COPY to a missing mailbox: %s %r" % (typ, data))
    log("UID COPY of %d messages: COPYUID %s -> %s" % (len(src), uid_set(src), uid_set(dst)))
    return int(v), copies


def verify_copies(c, copies_wire, uidvalidity, copies):
    select(c, copies_wire, uidvalidity, len(copies), copies[-1].uid + 1, readonly=True)
    compare_all(c, copies, "copies (EXAMINE)")
    expect_ok(c.unselect(), "UNSELECT")


def expunge_some(c, msgs, uidvalidity):
    select(c, MAILBOX, uidvalidity, len(msgs), msgs[-1].uid + 1)
    doomed = [m for m in msgs if m.index % 5 == 1]
    typ, data = c.uid("STORE", uid_set(m.uid for m in doomed), "+FLAGS.SILENT", "(\\Deleted)")
    check(typ == "OK", "UID STORE \\Deleted: %s %r" % (typ, data))
    typ, data = c.expunge()
    check(typ == "OK", "EXPUNGE: %s %r" % (typ, data))
    model = [m.uid for m in msgs]
    for seq in [int(x) for x in data if x]:
        check(1 <= seq <= len(model), "EXPUNGE %d outside 1..%d" % (seq, len(model)))
        check(model[seq - 1] in {m.uid for m in doomed}, "EXPUNGE %d names UID %d, which was not \\Deleted"
              % (seq, model[seq - 1]))
        del model[seq - 1]
    survivors = [m for m in msgs if m not in doomed]
    check(model == [m.uid for m in survivors], "EXPUNGE responses replayed: %d left, expected %d"
          % (len(model), len(survivors)))
    # UID EXPUNGE (RFC 4315) removes only the listed \Deleted messages.
    marked = [m for m in survivors if m.index % 5 == 2]
    only = marked[: len(marked) // 2]
    typ, data = c.uid("STORE", uid_set(m.uid for m in marked), "+FLAGS.SILENT", "(\\Deleted)")
    check(typ == "OK", "UID STORE \\Deleted: %s %r" % (typ, data))
    for m in marked:
        m.flags.add("\\Deleted")
    typ, data = c.uid("EXPUNGE", uid_set(m.uid for m in only))
    check(typ == "OK", "UID EXPUNGE: %s %r" % (typ, data))
    typ, expunged = c.response("EXPUNGE")
    model = [m.uid for m in survivors]
    for seq in [int(x) for x in expunged if x]:
        check(model[seq - 1] in {m.uid for m in only}, "UID EXPUNGE removed UID %d, not listed" % model[seq - 1])
        del model[seq - 1]
    survivors = [m for m in survivors if m not in only]
    check(model == [m.uid for m in survivors], "UID EXPUNGE responses replayed: %d left, expected %d"
          % (len(model), len(survivors)))
    parsed, _ = fetch(c, "(UID FLAGS)")
    check([int(a["UID"]) for _, a in parsed] == [m.uid for m in survivors], "UIDs after EXPUNGE")
    log("EXPUNGE of %d and UID EXPUNGE of %d of %d \\Deleted: responses consistent, %d left"
        % (len(doomed), len(only), len(marked), len(survivors)))
    return survivors


def connection_one(srv, msgs):
    c = srv.connect("localhost")
    with logged_out(c):
        check(c.state == "AUTH", "LOGIN")
        check_capabilities(c)
        copies_wire = create_mailboxes(c)
        uidvalidity = append_all(c, msgs)
        select(c, MAILBOX, uidvalidity, len(msgs), msgs[-1].uid + 1)
        compare_all(c, msgs, "after APPEND")
        fetch_sections(c, msgs)
        store_flags(c, msgs)
        copy_uidvalidity, copies = copy_some(c, msgs, copies_wire)
        verify_copies(c, copies_wire, copy_uidvalidity, copies)
        survivors = expunge_some(c, msgs, uidvalidity)
        expect_ok(c.noop(), "NOOP")
        return {"uidvalidity": uidvalidity, "uidnext": msgs[-1].uid + 1, "survivors": survivors,
                "copies_wire": copies_wire, "copy_uidvalidity": copy_uidvalidity, "copies": copies}


def authenticate_plain(srv, deferred):
    """AUTHENTICATE PLAIN (RFC 4616) the two ways clients send it: imaplib's (empty authzid, the response after a
    continuation) and SASL-IR (RFC 4959) with authzid = authcid, as Cyrus SASL does for mbsync. Both must succeed.
    A refusal is recorded (the test fails at the end) and LOGIN is used instead, so the checks after it still run."""
    user, password = srv.user.encode(), srv.password.encode()
    c = srv.connect("127.0.0.1", login=False)
    try:
        typ, data = c.authenticate("PLAIN", lambda _: b"\0" + user + b"\0" + password)
        check(typ == "OK" and c.state == "AUTH", "AUTHENTICATE PLAIN: %s %r" % (typ, data))
        log("AUTHENTICATE PLAIN (continuation, empty authzid): OK")
    except imaplib.IMAP4.error as e:
        deferred.append("'AUTHENTICATE PLAIN' + continuation response base64(NUL %s NUL <right password>) was "
                        "refused: %s" % (srv.user, e))
        log("AUTHENTICATE PLAIN (continuation, empty authzid) refused: %s; logging in with LOGIN instead" % e)
        c.login(srv.user, srv.password)
    ir = base64.b64encode(user + b"\0" + user + b"\0" + password).decode()
    c2 = srv.connect("127.0.0.1", login=False)
    typ, data = c2._simple_command("AUTHENTICATE", "PLAIN", ir)
    if typ == "OK":
        log("AUTHENTICATE PLAIN <initial response> (SASL-IR, authzid = authcid): OK")
    else:
        deferred.append("'AUTHENTICATE PLAIN <base64(%s NUL %s NUL <right password>)>' (SASL-IR) was refused: %s %r"
                        % (srv.user, srv.user, typ, data))
        log("AUTHENTICATE PLAIN with SASL-IR refused: %s %r" % (typ, data))
    c2.logout()
    return c


def connection_two(srv, st, deferred):
    c = authenticate_plain(srv, deferred)
    with logged_out(c):
        for name, v, msgs, uidnext in ((MAILBOX, st["uidvalidity"], st["survivors"], st["uidnext"]),
                                       (st["copies_wire"], st["copy_uidvalidity"], st["copies"],
                                        st["copies"][-1].uid + 1)):
            data = expect_ok(c.status(quote(name), "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)"), "STATUS " + name)
            unseen = sum(1 for m in msgs if "\\Seen" not in m.flags)
            text = data[0].decode()
            for item, value in (("MESSAGES", len(msgs)), ("UIDNEXT", uidnext), ("UIDVALIDITY", v),
                                ("UNSEEN", unseen)):
                check(re.search(r"[( ]%s %d[ )]" % (item, value), text),
                      "STATUS %s: %s, expected %s %d" % (name, text, item, value))
            select(c, name, v, len(msgs), uidnext, readonly=True)
            compare_all(c, msgs, "connection 2 EXAMINE %s" % name)
            if name == MAILBOX:
                unseen = next(m for m in msgs if "\\Seen" not in m.flags)
                seq = msgs.index(unseen) + 1
                parsed, _ = fetch(c, "(RFC822)", set_=str(seq))
                check(parsed[0][1]["RFC822"] == unseen.data, "RFC822 under EXAMINE")
                parsed, _ = fetch(c, "(FLAGS)", set_=str(seq))
                check("\\Seen" not in flags_of(parsed[0][1]), "FETCH RFC822 under EXAMINE set \\Seen")
            expect_ok(c.unselect(), "UNSELECT")


def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT)
    t0 = time.monotonic()
    msgs = build_messages()
    with SealboxServer(binary) as srv:
        state = connection_one(srv, msgs)
        deferred = []
        connection_two(srv, state, deferred)
    log("interop_imaplib: done in %.1f s" % (time.monotonic() - t0))
    finish("interop_imaplib", deferred)


if __name__ == "__main__":
    run(main)
