#!/usr/bin/env python3
"""interop_smtplib_lmtp: Python's smtplib.LMTP (stdlib) delivers 1,000 messages to 20 accounts of a real
`sealbox serve`; imaplib then fetches every account's INBOX over IMAPS (certificate verification on) and each
must hold exactly the messages sent to it, byte for byte.

    smtplib_lmtp_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN in the environment)

The messages (seeded, so every run sends the same ones): sizes from 200 B to 100 KiB (log-uniform, both ends
included exactly), CRLF line ends; plain ASCII, 8-bit UTF-8 (sent with BODY=8BITMIME, every tenth also with
SMTPUTF8 and a UTF-8 sender), bodies with many lines starting with "." (including a lone "." and a last line "."),
8-bit octets that are not UTF-8, and multipart/mixed or multipart/alternative with a base64 attachment; one
message is not even a header and starts with ".". Each goes to 1 to 3 distinct accounts, addressed in varied forms
(upper case, +subaddress); every 50th also to an unknown address, which must be the only refused one (550 5.1.1).

Four threads deliver, each on its own LMTP connection (one over the UNIX socket, three over TCP), one sendmail()
per message, 250 transactions per connection. smtplib.LMTP reads only one reply after DATA (CPython issue
gh-76984), so the test reads the other per-recipient replies itself with getreply(): one "250 2.0.0 Message
delivered" for every accepted recipient. Half the accounts have an IMAP session open on INBOX during the delivery
(deliveries reach open accounts at once: NOOP until EXISTS is right); the others log in afterwards.
"""

import base64
import math
import os
import re
import smtplib
import sys
import threading
import time
from collections import Counter

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from imap_util import (Failure, binary_lines, check, expect_ok, finish, new_rng, parse_fetch, run,  # noqa: E402
                       text_lines)
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 180        # seconds for the whole script (the acceptance bound; ctest's TIMEOUT is 600)
OPEN_WAIT = 60          # seconds an open IMAP session may wait for the last deliveries to show up
COUNT = 1000
USERS = ["user%02d" % i for i in range(1, 21)]
THREADS = 4             # thread 0 uses the UNIX socket
MIN_SIZE, MAX_SIZE = 200, 100 * 1024
DOMAIN = "example.test"
REPLY_DELIVERED = (250, b"2.0.0 Message delivered")
REPLY_NO_USER = (550, b"5.1.1 No such user here")
CRLF = b"\r\n"


# --- the messages -----------------------------------------------------------------------------------------------
class Msg:
    def __init__(self, index, kind, data, accounts, addresses, sender, options):
        self.index = index
        self.kind = kind
        self.data = data
        self.accounts = accounts    # the accounts it must reach
        self.addresses = addresses  # RCPT TO addresses, unknown ones included
        self.sender = sender
        self.options = options      # MAIL FROM parameters


def assemble(head, body_lines, tail, target, last=b""):
    """head + body lines + tail + a padding line of "~" + last, exactly `target` bytes (body lines are dropped from
    the end while it is too long)."""
    body_lines = list(body_lines)
    fixed = len(head) + len(tail) + 2 + len(last)
    total = fixed + sum(len(x) for x in body_lines)
    while body_lines and total > target:
        total -= len(body_lines.pop())
    pad = max(0, target - total)
    return head + b"".join(body_lines) + tail + b"~" * pad + CRLF + last


def lines_of(data):
    return [x + CRLF for x in data.split(CRLF)[:-1]]


def header(rng, index, kind, extra=(), utf8_subject=False):
    subject = "lmtp %d %s" % (index, kind) + (" Grüße aus Köln ✉" if utf8_subject else "")
    fields = ["From: Sender %d <sender%d@%s>" % (index % 7, index % 7, DOMAIN),
              "To: undisclosed-recipients:;",
              "Subject: " + subject,
              "Date: Wed, 04 Jan 2023 12:%02d:%02d +0000" % (index // 60 % 60, index % 60),
              "Message-ID: <lmtp-%d-%08x@sealbox.test>" % (index, rng.getrandbits(32))]
    fields += list(extra)
    return CRLF.join(f.encode("utf-8") for f in fields) + CRLF


def dot_lines(rng, size):
    out = []
    n = 0
    specials = [".", "..", "...", ". a dot and a space", ".leading", "..leading two", ".\t", ".Ünïcödé"]
    while n < size:
        if rng.random() < 0.4:
            line = rng.choice(specials).encode("utf-8") + CRLF
        else:
            line = text_lines(rng, 1, utf8=False)
        out.append(line)
        n += len(line)
    return out


def multipart(rng, index, target):
    boundary = "=_sealbox_%d_%08x" % (index, rng.getrandbits(32))
    alternative = index % 2 == 0
    head = header(rng, index, "multipart", ["MIME-Version: 1.0", 'Content-Type: multipart/%s; boundary="%s"' %
                                            ("alternative" if alternative else "mixed", boundary)])
    b = boundary.encode()
    budget = max(0, target - len(head) - 600)
    attach_size = rng.randint(0, budget // 2) * 3 // 4  # base64 grows by 4/3
    raw = bytes(rng.getrandbits(8) for _ in range(attach_size))
    b64 = base64.b64encode(raw)
    b64_lines = b"".join(b64[i:i + 76] + CRLF for i in range(0, len(b64), 76))
    part1 = (b"This is a multi-part message in MIME format." + CRLF + CRLF + b"--" + b + CRLF +
             b"Content-Type: text/plain; charset=utf-8" + CRLF + b"Content-Transfer-Encoding: 8bit" + CRLF + CRLF)
    if alternative:
        second = (CRLF + b"--" + b + CRLF + b"Content-Type: text/html; charset=utf-8" + CRLF + CRLF +
                  b"<html><body><p>Gr\xc3\xbc\xc3\x9fe</p></body></html>" + CRLF)
    else:
        second = (CRLF + b"--" + b + CRLF + b"Content-Type: application/octet-stream; name=\"blob-%d.bin\"" % index +
                  CRLF + b"Content-Transfer-Encoding: base64" + CRLF +
                  b"Content-Disposition: attachment; filename=\"blob-%d.bin\"" % index + CRLF + CRLF + b64_lines)
    tail = second + b"--" + b + b"--" + CRLF
    text_budget = max(0, target - len(head) - len(part1) - len(tail) - 2)
    body = lines_of(text_lines(rng, text_budget, utf8=True))
    # the padding after the closing delimiter is the epilogue
    return assemble(head + CRLF + part1, body, tail, target)


def make_data(rng, index, kind, target):
    if index == 7:  # not even a header: the first octet of DATA is a "."
        return assemble(b".starts with a dot, no header at all" + CRLF, [b".." + CRLF, b"." + CRLF], b"", target,
                        last=b"." + CRLF)
    if target < 600:
        head = b"Message-ID: <lmtp-%d@sealbox.test>" % index + CRLF + b"Subject: small %d" % index + CRLF + CRLF
        body = lines_of(text_lines(rng, target, utf8=(kind == "utf8")))
        return assemble(head, body, b"", target)
    if kind == "multipart":
        return multipart(rng, index, target)
    if kind == "utf8":
        head = header(rng, index, kind, ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                                         "Content-Transfer-Encoding: 8bit"], utf8_subject=True)
        body = lines_of(text_lines(rng, target, utf8=True))
    elif kind == "dots":
        head = header(rng, index, kind)
        body = dot_lines(rng, target)
    elif kind == "binary":
        head = header(rng, index, kind, ["MIME-Version: 1.0", "Content-Type: application/octet-stream",
                                         "Content-Transfer-Encoding: 8bit"])
        body = lines_of(binary_lines(rng, target))
    else:
        head = header(rng, index, kind)
        body = lines_of(text_lines(rng, target))
    last = b"." + CRLF if kind == "dots" and index % 3 == 0 else b""  # the last line is a lone "."
    return assemble(head + CRLF, body, b"", target, last)


def address(rng, account):
    form = rng.randrange(4)
    if form == 0:
        return "%s@%s" % (account, DOMAIN)
    if form == 1:
        return "%s@%s" % (account.capitalize(), DOMAIN.upper())
    if form == 2:
        return "%s+%s@%s" % (account, rng.choice(["lists", "news", "x-y"]), DOMAIN)
    return "%s@%s" % (account.upper(), DOMAIN)


def build_messages():
    rng = new_rng(20240603)
    msgs = []
    kinds = ["ascii", "utf8", "dots", "multipart", "binary"]
    weights = [30, 30, 15, 20, 5]
    for i in range(COUNT):
        if i == 0:
            target = MIN_SIZE
        elif i == 1:
            target = MAX_SIZE
        else:
            target = int(math.exp(rng.uniform(math.log(MIN_SIZE), math.log(MAX_SIZE))))
        kind = rng.choices(kinds, weights)[0]
        if kind == "multipart" and target < 2000:
            kind = "ascii"
        data = make_data(rng, i, kind, target)
        check(MIN_SIZE <= len(data) <= MAX_SIZE, "message %d is %d bytes" % (i, len(data)))
        check(data.endswith(CRLF) and b"\r" not in data.replace(CRLF, b"") and b"\n" not in data.replace(CRLF, b"")
              and b"\0" not in data, "message %d: CRLF line ends only, no NUL" % i)
        accounts = rng.sample(USERS, rng.randint(1, 3))
        addresses = [address(rng, a) for a in accounts]
        if i % 50 == 25:
            addresses.insert(rng.randint(0, len(addresses)), "ghost-%d@%s" % (i, DOMAIN))
        sender = "sender%d@%s" % (i % 7, DOMAIN)
        options = []
        if kind in ("utf8", "binary", "multipart") or (kind == "dots"):
            options.append("BODY=8BITMIME")
        if kind == "utf8" and i % 10 == 1:
            options.append("SMTPUTF8")
            sender = "jörg.müller-%d@%s" % (i, DOMAIN)
        msgs.append(Msg(i, kind, data, accounts, addresses, sender, options))
    return msgs


# --- delivery ---------------------------------------------------------------------------------------------------
class Worker(threading.Thread):
    def __init__(self, number, server, msgs):
        super().__init__(name="lmtp-%d" % number)
        self.number = number
        self.server = server
        self.msgs = msgs
        self.problems = []
        self.delivered = []  # (Msg, [accounts that got 250 after DATA])
        self.elapsed = 0.0
        self.transport = "unix" if number == 0 else "tcp"

    def connect(self):
        if self.transport == "unix":
            c = smtplib.LMTP(self.server.lmtp_sockets[0], local_hostname="interop.sealbox.test", timeout=60)
        else:
            c = smtplib.LMTP("127.0.0.1", self.server.lmtp_port, local_hostname="interop.sealbox.test", timeout=60)
        code, text = c.ehlo()  # LHLO
        if code != 250:
            raise Failure("LHLO: %d %r" % (code, text))
        for ext in ("pipelining", "8bitmime", "chunking", "size", "enhancedstatuscodes", "smtputf8"):
            if not c.has_extn(ext):
                self.problems.append("%s: LHLO does not offer %s" % (self.name, ext.upper()))
        return c

    def run(self):
        t0 = time.monotonic()
        try:
            c = self.connect()
            for m in self.msgs:
                try:
                    self.deliver(c, m)
                except (smtplib.SMTPException, OSError) as e:
                    self.problems.append("message %d: %s: %s" % (m.index, type(e).__name__, e))
                    try:
                        c.close()
                    finally:
                        c = self.connect()
            code, text = c.quit()
            if code != 221:
                self.problems.append("%s: QUIT answered %d %r" % (self.name, code, text))
        except Exception as e:  # noqa: BLE001 - reported, not swallowed
            self.problems.append("%s: %s: %s" % (self.name, type(e).__name__, e))
        self.elapsed = time.monotonic() - t0

    def deliver(self, c, m):
        refused = c.sendmail(m.sender, m.addresses, m.data, mail_options=m.options)
        unknown = {a for a in m.addresses if a.startswith("ghost-")}
        if set(refused) != unknown:
            self.problems.append("message %d: refused %r, expected only %r" % (m.index, refused, sorted(unknown)))
        for a in unknown & set(refused):
            if refused[a] != REPLY_NO_USER:
                self.problems.append("message %d: %s refused with %r, expected %r" % (m.index, a, refused[a],
                                                                                    REPLY_NO_USER))
        accepted = [a for a in m.addresses if a not in refused]
        # sendmail() read the first per-recipient reply after DATA (and raised unless it was 250); the others
        # are still on the wire (gh-76984)
        replies = [REPLY_DELIVERED] + [c.getreply() for _ in accepted[1:]]
        got = []
        for a, reply in zip(accepted, replies):
            if reply == REPLY_DELIVERED:
                got.append(a)
            else:
                self.problems.append("message %d: after DATA, %s got %r" % (m.index, a, reply))
        self.delivered.append((m, got))


# --- IMAP side --------------------------------------------------------------------------------------------------
def fetch_bodies(imap, user, exists):
    if exists == 0:
        return []
    data = expect_ok(imap.fetch("1:*", "(BODY.PEEK[])"), "FETCH as %s" % user)
    bodies = [attrs["BODY[]"] for _, attrs in parse_fetch(data)]
    check(len(bodies) == exists, "%s: EXISTS %d, FETCH returned %d" % (user, exists, len(bodies)))
    return bodies


def wait_for_exists(imap, want, deadline):
    """NOOP until the session has seen EXISTS >= want (or the deadline passes); returns the last EXISTS."""
    exists = None
    while True:
        expect_ok(imap.noop(), "NOOP")
        typ, dat = imap.response("EXISTS")
        if dat and dat[-1] is not None:
            exists = int(dat[-1])
        if (exists is not None and exists >= want) or time.monotonic() > deadline:
            return exists
        time.sleep(0.1)


def index_of(message):
    m = re.search(rb"<lmtp-(\d+)[-@]", message)
    if m:
        return int(m.group(1))
    return 7 if message.startswith(b".starts with a dot") else -1


def main():
    start = time.monotonic()
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    log("client: Python %s smtplib.LMTP" % sys.version.split()[0])
    t0 = time.monotonic()
    msgs = build_messages()
    total_bytes = sum(len(m.data) for m in msgs)
    kinds = Counter(m.kind for m in msgs)
    log("%d messages, %.1f MB (%s), %d deliveries to %d accounts; built in %.1f s" % (
        len(msgs), total_bytes / 1e6, ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
        sum(len(m.accounts) for m in msgs), len(USERS), time.monotonic() - t0))
    deferred = []
    with SealboxServer(binary, user=USERS[0], users=USERS[1:], lmtp=["127.0.0.1:0", "unix:lmtp.sock"],
                       prefix="sealbox-interop-smtplib-") as server:
        log("accounts created and server up: %.1f s" % (time.monotonic() - start))
        # half the accounts are open (an IMAP session on INBOX) while the mail arrives
        open_sessions = {}
        for user in USERS[:len(USERS) // 2]:
            imap = server.connect(user=user)
            data = expect_ok(imap.select("INBOX"), "SELECT INBOX as %s" % user)
            check(int(data[0]) == 0, "%s: INBOX not empty before delivery" % user)
            open_sessions[user] = imap

        workers = [Worker(n, server, msgs[n::THREADS]) for n in range(THREADS)]
        t0 = time.monotonic()
        for w in workers:
            w.start()
        for w in workers:
            w.join(TIME_LIMIT)
            check(not w.is_alive(), "%s still delivering after %d s" % (w.name, TIME_LIMIT))
        delivery = time.monotonic() - t0
        for w in workers:
            deferred += w.problems
            log("%s (%s): %d messages in %.1f s (%.0f/s)" % (w.name, w.transport, len(w.msgs), w.elapsed,
                                                              len(w.msgs) / w.elapsed if w.elapsed else 0))
        deliveries = sum(len(m.accounts) for m in msgs)
        log("delivery: %d messages (%d recipient deliveries, %.1f MB) in %.1f s: %.0f messages/s, %.0f deliveries/s,"
            " %.1f MB/s" % (len(msgs), deliveries, total_bytes / 1e6, delivery, len(msgs) / delivery,
                            deliveries / delivery, total_bytes / 1e6 / delivery))

        delivered = sum(len(got) for w in workers for _, got in w.delivered)
        if delivered != deliveries:
            deferred.append("%d recipients got 250 after DATA, %d were sent to" % (delivered, deliveries))
        expected = {u: Counter() for u in USERS}
        for m in msgs:
            for acct in m.accounts:
                expected[acct][m.data] += 1
        sent_to = {u: sum(expected[u].values()) for u in USERS}

        t0 = time.monotonic()
        deadline = time.monotonic() + OPEN_WAIT
        fetched = 0
        for user in USERS:
            want = sent_to[user]
            if user in open_sessions:
                imap = open_sessions.pop(user)
                exists = wait_for_exists(imap, want, deadline)
                if exists != want:
                    deferred.append("%s (open during delivery): EXISTS %s after NOOPs, %d delivered" % (user, exists,
                                                                                                       want))
                exists = exists or 0
                how = "open"
            else:
                imap = server.connect(user=user)
                exists = int(expect_ok(imap.select("INBOX", readonly=True), "SELECT INBOX as %s" % user)[0])
                how = "login"
            try:
                got = Counter(fetch_bodies(imap, user, exists))
            finally:
                try:
                    imap.logout()
                except Exception:
                    pass
            fetched += sum(got.values())
            missing = expected[user] - got
            extra = got - expected[user]
            for m in missing.elements():
                deferred.append("%s: message %d (%d bytes) not in INBOX byte for byte" % (user, index_of(m), len(m)))
            for m in extra.elements():
                deferred.append("%s: INBOX has a message that was not sent to it (%d: %d bytes)" % (
                    user, index_of(m), len(m)))
            if missing or extra or exists != want:
                log("IMAPS %s (%s): %d messages, %d sent, %d missing, %d unexpected" % (
                    user, how, exists, want, sum(missing.values()), sum(extra.values())))
        fetch = time.monotonic() - t0
        log("IMAPS: %d messages fetched from %d accounts in %.1f s (%d expected)" % (
            fetched, len(USERS), fetch, sum(sent_to.values())))
        elapsed = time.monotonic() - start
        if elapsed > TIME_LIMIT:
            deferred.append("took %.0f s, the limit is %d s" % (elapsed, TIME_LIMIT))
    log("total %.1f s" % (time.monotonic() - start))
    finish("interop_smtplib_lmtp", deferred)


if __name__ == "__main__":
    run(main)
