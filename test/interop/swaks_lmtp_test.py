#!/usr/bin/env python3
"""interop_swaks_lmtp: swaks (Debian's `swaks`, an SMTP/LMTP test client in Perl) delivers to a real `sealbox serve`
over LMTP (RFC 2033), over TCP and over a UNIX socket, with and without PIPELINING (RFC 2920); imaplib then fetches
every delivered message over IMAPS (certificate verification on) and compares it byte for byte with what swaks sent.

    swaks_lmtp_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN in the environment; SWAKS=/path/to/swaks to try another)

The server listens for LMTP on 127.0.0.1:0 and on unix:lmtp.sock (under the root) and has the accounts alice, bob
and carol. Every swaks run uses --show-raw-text, so its transcript has a hex dump of every write it made: the DATA
write, minus the final ".CRLF" and dot-unstuffed, is the message the server must store. The text transcript is
checked against it, and so is the test's own model of what swaks makes of --data and --body.

Each run's transcript must show exactly the expected replies, in order: the greeting, LHLO (with PIPELINING,
CHUNKING, SIZE, ENHANCEDSTATUSCODES, SMTPUTF8), "250 2.1.0" for MAIL, per RCPT "250 2.1.5" for an account
(sub-address and upper case included) and "550 5.1.1" for an unknown one, 354, then one reply per accepted
recipient after the final dot (LMTP's per-recipient replies), 221 to QUIT; and swaks' exit status (0; 24 when no
recipient was accepted). With --pipeline, MAIL, all RCPTs and DATA must go out in one write (so PIPELINING really
was used); without it, one write per command.

swaks 20201014 (Debian 12) has no BDAT, so CHUNKING is skipped (logged) unless `swaks --help` mentions BDAT.
"""

import os
import re
import subprocess
import sys
import time
from collections import Counter

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from imap_util import Failure, check, expect_ok, finish, new_rng, parse_fetch, run, text_lines  # noqa: E402
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 300  # seconds for the whole script (ctest's TIMEOUT is 600)
SWAKS_TIMEOUT = 60
USERS = ["alice", "bob", "carol"]
SENDER = "swaks-sender@example.test"
LHLO_NAME = "interop.sealbox.test"
CAPABILITIES = ["PIPELINING", "8BITMIME", "CHUNKING", "ENHANCEDSTATUSCODES", "SMTPUTF8"]

REPLY_SENDER_OK = "250 2.1.0 Sender OK"
REPLY_RCPT_OK = "250 2.1.5 Recipient OK"
REPLY_NO_USER = "550 5.1.1 No such user here"
REPLY_START_DATA = "354 Start mail input; end with <CRLF>.<CRLF>"
REPLY_DELIVERED = "250 2.0.0 Message delivered"


# --- what swaks sent --------------------------------------------------------------------------------------------
_HEX_LINE = re.compile(r"^  > (\d{4,}):(.*)$")


def raw_writes(transcript):
    """The bytes of every write swaks made, from the --show-raw-text hex dumps ("  > 0000:  44 41 ..." lines; each
    dump starts again at 0000)."""
    writes = []
    for line in transcript.split("\n"):
        m = _HEX_LINE.match(line.rstrip("\r"))
        if not m:
            continue
        # "%04d:" then, for 16 octets, a space before every fourth and "%02X " or three spaces each: 52 characters
        hexpart = m.group(2)[:52]
        octets = bytes(int(h, 16) for h in re.findall(r"[0-9A-F]{2}", hexpart))
        if m.group(1) == "0000":
            writes.append(bytearray())
        check(writes and int(m.group(1)) == len(writes[-1]), "hex dump out of order: %r" % line)
        writes[-1] += octets
    return [bytes(w) for w in writes]


def unstuff(data):
    """RFC 5321 §4.5.2, the receiver's side: the first '.' of every line that starts with one goes."""
    lines = data.split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)


def sent_message(transcript_bytes):
    """The message swaks sent: its DATA write (the one ending in CRLF.CRLF), unstuffed, without the final ".CRLF".
    Cross-checked against the text transcript (" -> " lines between 354 and "."; swaks prints what it writes with
    each LF replaced by LF + prefix, so every line still carries its CR)."""
    data_writes = [w for w in raw_writes(transcript_bytes.decode("latin-1")) if w.endswith(b"\r\n.\r\n")]
    check(len(data_writes) == 1, "expected one DATA write in swaks' hex dumps, found %d" % len(data_writes))
    wire = data_writes[0]
    message = unstuff(wire[:-3])  # keep the CRLF that ends the last line; drop ".CRLF"
    lines = transcript_bytes.split(b"\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(b"<-  354 ") or line.startswith(b"<** 354 ")]
    check(len(starts) == 1, "no (or several) 354 in the transcript")
    text = []
    for line in lines[starts[0] + 1:]:
        if line.startswith(b"  > ") or line.startswith(b"<   "):  # hex dumps of this write and of replies
            continue
        check(line.startswith(b" -> "), "unexpected transcript line in DATA: %r" % line[:100])
        text.append(line[4:])
        if line == b" -> .":
            break
    check(b"\n".join(text) + b"\r\n" == wire, "the text transcript of DATA differs from its hex dump")
    return message


# --- the transcript's replies -----------------------------------------------------------------------------------
def final_replies(transcript):
    """[(unexpected, 'code text')] for the last line of every reply swaks received, in order."""
    out = []
    for line in transcript.split("\n"):
        line = line.rstrip("\r")
        m = re.match(r"^(<- |<\*\*) (\d{3})([ -])(.*)$", line)
        if m and m.group(3) == " ":
            out.append((m.group(1) == "<**", m.group(2) + " " + m.group(4)))
    return out


def lhlo_lines(transcript):
    return [m.group(1) for m in re.finditer(r"^<-  250[ -](.*?)\r?$", transcript, re.M)]


def command_writes(transcript_bytes):
    """The writes that carried commands (not DATA contents), as lists of command lines."""
    out = []
    for w in raw_writes(transcript_bytes.decode("latin-1")):
        if w.endswith(b"\r\n.\r\n"):
            continue
        out.append([c.decode("latin-1") for c in w.split(b"\r\n") if c])
    return out


# --- one swaks run ----------------------------------------------------------------------------------------------
class Case:
    def __init__(self, name, transport, pipeline, recipients, args=(), expected_exit=0, model=None, body=None):
        self.name = name
        self.transport = transport    # "tcp" or "unix"
        self.pipeline = pipeline
        self.recipients = recipients  # [(address, account or None)]
        self.args = list(args)
        self.expected_exit = expected_exit
        self.model = model            # what the test expects swaks to send, when it can say (else None)
        self.body = body              # for --body: what the message's body must start with (CRLF line ends)
        self.message = None


def swaks_command(swaks, server, case):
    cmd = [swaks, "--protocol", "LMTP", "--show-raw-text", "--lhlo", LHLO_NAME, "--from", SENDER,
           "--to", ",".join(a for a, _ in case.recipients), "--timeout", "30"]
    if case.transport == "tcp":
        cmd += ["--server", "127.0.0.1", "--port", str(server.lmtp_port)]
    else:
        cmd += ["--socket", server.lmtp_sockets[0]]
    if case.pipeline:
        cmd.append("--pipeline")
    return cmd + case.args


def run_case(swaks, server, case, env, deferred):
    cmd = swaks_command(swaks, server, case)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=SWAKS_TIMEOUT, env=env)
    elapsed = time.monotonic() - t0
    out = p.stdout
    text = out.decode("utf-8", "replace")
    with open(os.path.join(server.base, "swaks-%s.log" % case.name), "wb") as f:
        f.write(out)
    problems = []

    def want(cond, what):
        if not cond:
            problems.append(what)

    accepted = [(a, acct) for a, acct in case.recipients if acct]
    want(p.returncode == case.expected_exit, "exit status %d, expected %d" % (p.returncode, case.expected_exit))
    if case.transport == "unix":
        want("=== Connected to %s." % server.lmtp_sockets[0] in text, "not connected over the UNIX socket")
    else:
        want("=== Connected to 127.0.0.1." in text, "not connected over TCP")
    caps = lhlo_lines(text)
    for cap in CAPABILITIES:
        want(cap in caps, "LHLO reply without %s: %r" % (cap, caps))
    want(any(re.fullmatch(r"SIZE \d+", c) for c in caps), "LHLO reply without SIZE n")

    replies = final_replies(text)
    expected = [(False, "220")]  # greeting: text checked below
    expected.append((False, "250 SMTPUTF8"))  # the last line of the LHLO reply
    expected.append((False, REPLY_SENDER_OK))
    for _, acct in case.recipients:
        expected.append((False, REPLY_RCPT_OK) if acct else (True, REPLY_NO_USER))
    if accepted:
        expected.append((False, REPLY_START_DATA))
        expected += [(False, REPLY_DELIVERED)] * len(accepted)
    elif case.pipeline:
        # DATA went out in the same write as the RCPTs; with no valid recipient the server refuses it
        expected.append((True, "503 5.5.1"))
    expected.append((False, "221"))
    got = [(u, r[:3] if r[:4] in ("220 ", "221 ") else r[:9] if r.startswith("503 ") else r) for u, r in replies]
    if replies and replies[0][1].startswith("220 "):
        want(re.fullmatch(r"220 \S+ LMTP Sealbox ready", replies[0][1]) is not None, "greeting: %r" % replies[0][1])
    if replies and replies[-1][1].startswith("221 "):
        want(re.fullmatch(r"221 2\.0\.0 \S+ closing connection", replies[-1][1]) is not None,
             "QUIT reply: %r" % replies[-1][1])
    want(got == expected, "replies (unexpected?, last line) %r, expected %r" % (got, expected))

    writes = command_writes(out)
    commands = [c for w in writes for c in w]
    want(commands[:1] == ["LHLO " + LHLO_NAME], "first command %r" % commands[:1])
    if case.pipeline:
        batch = [w for w in writes if w and w[0].startswith("MAIL FROM:")]
        want(len(batch) == 1 and batch[0][-1] == "DATA" and len(batch[0]) == 2 + len(case.recipients),
             "--pipeline: MAIL, RCPT x%d and DATA not in one write: %r" % (len(case.recipients), writes))
    else:
        want(all(len(w) == 1 for w in writes), "without --pipeline: a write with several commands: %r" % writes)

    if accepted:
        try:
            case.message = sent_message(out)
        except Failure as e:
            problems.append(str(e))
        if case.model is not None and case.message is not None:
            want(case.message == case.model,
                 "swaks sent something other than the test's model of it (%d vs %d bytes)" %
                 (len(case.message), len(case.model)))
        if case.body is not None and case.message is not None:
            sent_body = case.message.split(b"\r\n\r\n", 1)[-1]
            want(sent_body.startswith(case.body), "the body swaks sent does not start with the --body file's text")
    else:
        want(b"\r\n.\r\n" not in b"".join(raw_writes(out.decode("latin-1"))), "a message was sent")

    size = len(case.message) if case.message is not None else 0
    log("%-22s %-4s %-11s rcpt %-60s exit %d, %6d bytes, %.2f s%s" % (
        case.name, case.transport, "--pipeline" if case.pipeline else "lock-step",
        ",".join(a for a, _ in case.recipients), p.returncode, size, elapsed,
        "" if not problems else "  PROBLEMS: %d" % len(problems)))
    if problems:
        deferred += ["%s: %s" % (case.name, x) for x in problems]
        log("--- transcript of %s ---\n%s" % (case.name, "\n".join(
            line for line in text.split("\n") if not line.startswith("  > ") and not line.startswith("<   "))[:6000]))


# --- the messages -----------------------------------------------------------------------------------------------
DOT_LINES = ["..", ".", ". starts with a dot", "...three", ".\t.", " .not at the start", "."]


def body_file_text(rng):
    """A --body: 8-bit UTF-8 and lines starting with dots (LF line ends, as a user's file would have)."""
    lines = ["Grüße aus Köln — naïve café, 日本語のテキスト, русский, emoji 😀 ✉️"]
    for i, d in enumerate(DOT_LINES):
        lines.append(d)
        lines.append("line %d after a dot line: déjà vu" % i)
    lines.append(text_lines(rng, 3000, utf8=True, eol=b"\n").decode("utf-8").rstrip("\n"))
    lines.append(".")  # the body's last line is a lone dot
    return ("\n".join(lines) + "\n").encode("utf-8")


def data_file_text(rng, name):
    """A whole message for --data: headers with 8-bit UTF-8 (RFC 6532 style), a body with dot lines, LF line ends,
    and a final "." line (swaks drops a trailing dot line, so the message ends exactly where the file's text
    does)."""
    head = ["From: Jörg Müller <joerg@example.test>",
            "To: Bob <bob@example.test>",
            "Subject: swaks --data: Grüße ✉ %s" % name,
            "Date: Tue, 03 Jan 2023 10:00:00 +0100",
            "Message-ID: <swaks-%s@sealbox.test>" % name,
            "X-Interop-Case: %s" % name,
            "X-Folded: a header folded",
            "\tonto a second line",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit"]
    body = [".leading dot", "..two dots", "normal line", ".", "…ellipsis first", "Straße"]
    body.append(text_lines(rng, 20000, utf8=True, eol=b"\n").decode("utf-8").rstrip("\n"))
    body.append(".last line starts with a dot")
    return ("\n".join(head) + "\n\n" + "\n".join(body) + "\n.\n").encode("utf-8")


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def build_cases(base, rng):
    def path(name, data):
        p = os.path.join(base, name)
        with open(p, "wb") as f:
            f.write(data)
        return "@" + p

    rcpts = [("alice@example.test", "alice"), ("Bob+lists@Example.TEST", "bob"), ("nobody@example.test", None)]
    cases = []
    for transport in ("tcp", "unix"):
        for pipeline in (False, True):
            name = "%s-%s" % (transport, "pipelined" if pipeline else "lockstep")
            cases.append(Case(name, transport, pipeline, rcpts, ["--add-header", "X-Interop-Case: " + name]))
    # only unknown recipients: no DATA (and with PIPELINING the pipelined DATA is refused); swaks exits 24
    for pipeline in (False, True):
        cases.append(Case("no-valid-rcpt" + ("-pipelined" if pipeline else ""), "tcp", pipeline,
                          [("nobody@example.test", None), ("ghost@example.test", None)], expected_exit=24))
    # --body from a file: 8-bit UTF-8 and dot lines; swaks writes the headers
    body = body_file_text(rng)
    for transport, pipeline in (("tcp", True), ("unix", False)):
        name = "body-file-%s" % transport
        cases.append(Case(name, transport, pipeline, [("alice@example.test", "alice"), ("carol@example.test", "carol")],
                          ["--body", path(name + ".txt", body), "--add-header", "X-Interop-Case: " + name,
                           "--add-header", "Content-Type: text/plain; charset=utf-8"], body=crlf(body)))
    # --data with a whole message (swaks rewrites line ends to CRLF and stuffs the dots): the model is exact
    for transport, pipeline in (("unix", True), ("tcp", False)):
        name = "data-file-%s" % transport
        data = data_file_text(rng, name)
        model = crlf(data)[:-len(b".\r\n")]
        cases.append(Case(name, transport, pipeline, [("bob@example.test", "bob"), ("nobody@example.test", None),
                                                      ("CAROL@example.test", "carol")],
                          ["--data", path(name + ".eml", data)], model=model))
    # --no-data-fixup: the file goes out as it is, so it is already CRLF, dot-stuffed and ends in CRLF "."
    name = "no-data-fixup"
    msg = crlf(data_file_text(rng, name))[:-len(b".\r\n")]
    stuffed = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in msg.split(b"\r\n"))
    cases.append(Case(name, "tcp", True, [("carol@example.test", "carol")],
                      ["--no-data-fixup", "--data", path(name + ".eml", stuffed + b".")], model=msg))
    # a bigger message (about 300 KB of UTF-8 body) through the UNIX socket, pipelined
    name = "big-body-unix"
    big = text_lines(rng, 300 * 1024, utf8=True, eol=b"\n")
    cases.append(Case(name, "unix", True, [("alice@example.test", "alice")],
                      ["--body", path(name + ".txt", big), "--add-header", "X-Interop-Case: " + name], body=crlf(big)))
    return cases


# --- IMAP side --------------------------------------------------------------------------------------------------
def fetch_all(server, user):
    imap = server.connect(user=user)
    try:
        data = expect_ok(imap.select("INBOX", readonly=True), "SELECT INBOX as %s" % user)
        exists = int(data[0])
        if exists == 0:
            return []
        data = expect_ok(imap.fetch("1:*", "(BODY.PEEK[])"), "FETCH as %s" % user)
        bodies = [attrs["BODY[]"] for _, attrs in parse_fetch(data)]
        check(len(bodies) == exists, "%s: %d messages exist, FETCH returned %d" % (user, exists, len(bodies)))
        return bodies
    finally:
        try:
            imap.logout()
        except Exception:
            pass


def case_of(message):
    m = re.search(rb"^X-Interop-Case: (\S+)\r$", message, re.M)
    return m.group(1).decode() if m else "?"


def main():
    start = time.monotonic()
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    swaks = os.environ.get("SWAKS", "swaks")
    p = subprocess.run([swaks, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    version = p.stdout.decode("utf-8", "replace").strip().split("\n")[0]
    log("client: %s" % version)
    help_text = subprocess.run([swaks, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
    deferred = []
    with SealboxServer(binary, lmtp=["127.0.0.1:0", "unix:lmtp.sock"], users=USERS[1:],
                       prefix="sealbox-interop-swaks-") as server:
        env = dict(os.environ, HOME=server.base, LC_ALL="C")  # no ~/.swaksrc
        cases = build_cases(server.base, new_rng(20240602))
        for case in cases:
            run_case(swaks, server, case, env, deferred)
        if re.search(rb"BDAT", help_text):
            deferred.append("this swaks mentions BDAT: add a CHUNKING case to the test")
        else:
            log("CHUNKING: skipped, %s has no BDAT support (`swaks --help` never mentions BDAT)" % version)

        expected = {u: Counter() for u in USERS}
        for case in cases:
            if case.message is None:
                continue
            for _, acct in case.recipients:
                if acct:
                    expected[acct][case.message] += 1
        t0 = time.monotonic()
        for user in USERS:
            got = Counter(fetch_all(server, user))
            missing = expected[user] - got
            extra = got - expected[user]
            for m in missing.elements():
                deferred.append("%s: the message of case %s (%d bytes) is not in INBOX byte for byte" %
                                (user, case_of(m), len(m)))
            for m in extra.elements():
                deferred.append("%s: INBOX has a message nobody sent (case %s, %d bytes)" % (user, case_of(m), len(m)))
            log("IMAPS %-6s %2d messages, %2d expected, %d missing, %d unexpected" % (
                user, sum(got.values()), sum(expected[user].values()), sum(missing.values()), sum(extra.values())))
        log("IMAPS fetch of all accounts: %.2f s" % (time.monotonic() - t0))
        elapsed = time.monotonic() - start
        check(elapsed < TIME_LIMIT, "took %.0f s, the limit is %d s" % (elapsed, TIME_LIMIT))
    log("total %.1f s" % (time.monotonic() - start))
    finish("interop_swaks_lmtp", deferred)


if __name__ == "__main__":
    run(main)
