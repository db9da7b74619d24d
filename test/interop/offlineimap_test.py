#!/usr/bin/env python3
"""interop_offlineimap: OfflineIMAP 8 (Debian package offlineimap3) synchronizing a Maildir with `sealbox serve`.

    offlineimap_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN; OFFLINEIMAP may name the offlineimap program)

offlineimap trusts only the test's self-signed certificate (`sslcacertfile = ROOT/tls/fullchain.pem`; it then
requires a valid chain and checks the host name `localhost` against the certificate); a first run with another
self-signed certificate as its CA file must fail with CERTIFICATE_VERIFY_FAILED, so verification really is on.
Each run is `offlineimap -c offlineimaprc -o -u basic -d imap` (one pass; imaplib2's protocol trace, kept as
offlineimap-RUN.log with the AUTHENTICATE response redacted), bounded to 180 s. The Maildir uses `sep = /`, so
the server's "Lists/Debian" is maildir/Lists/Debian.

Run 1 (initial sync): imaplib fills the account (next to the mailboxes a new account starts with: INBOX 24
messages, Projects 6, Lists/Debian 4; ASCII, 8-bit UTF-8, 8-bit ISO-8859-1 and binary-ish bodies; 200 B to
200 KiB; flags \\Seen \\Flagged \\Answered \\Draft) and the Maildir is empty. Afterwards the Maildir has exactly
the server's folders (with "Lists", which CREATE made), every message byte for byte (the server's CRLF as LF)
and the server's flags as Maildir flags.
Run 2 (local changes pushed): 3 new messages in INBOX/new and 1 in Projects/cur, 4 flag changes (file renames),
2 files deleted, a new folder "Local Only" with 1 message. Afterwards imaplib sees exactly that on the server:
new messages byte for byte (LF as CRLF, no header added), flags, the deleted ones expunged, the new mailbox.
Run 3 (server changes pulled): imaplib APPENDs 3 messages (some with flags), STOREs flags on 3, EXPUNGEs 2 and
creates "Server Box" with 2 messages. Afterwards the Maildir holds exactly that, byte for byte.
Run 4 (raw UTF-8 header fields, RFC 6532, both ways): 2 such APPENDs on the server, 1 such file in the Maildir;
run without -d imap (see below); afterwards both sides hold exactly the model.
Run 5 (no-op): nothing changes on either side (Maildir file names and contents; the server's UIDVALIDITY, UIDNEXT,
UIDs, flags and bodies), and the trace has no command that writes.

What OfflineIMAP 8.0.0 (imaplib2 2.57) used against Sealbox, from the -d imap traces:
  AUTHENTICATE PLAIN answered after a continuation (AUTH=PLAIN, RFC 4616; imaplib2 has no SASL-IR), CAPABILITY,
  ID (RFC 2971: ("name" "OfflineIMAP" "version" "8.0.0")), LIST "" "" and LIST "" "*", EXAMINE and SELECT,
  FETCH 1:* (FLAGS UID INTERNALDATE), UID FETCH n (BODY.PEEK[]), APPEND box (flags) "date" {n} (synchronizing
  literal) reading APPENDUID (UIDPLUS, RFC 4315: so it adds no X-OfflineIMAP header), CHECK after APPEND,
  UID STORE set +FLAGS/-FLAGS (...), UID STORE +FLAGS (\\Deleted) then EXPUNGE, LOGOUT; CREATE for a folder new on
  the Maildir side. That is all: the only extensions it uses are AUTH=PLAIN, ID and UIDPLUS. No IDLE (only with
  `idlefolders`), no COMPRESS=DEFLATE (only with `usecompression`), no CONDSTORE/QRESYNC (not even when the server
  offers them), no LITERAL+, NAMESPACE, ESEARCH, MOVE, UNSELECT or SPECIAL-USE, no SEARCH. The script fails if a
  run sends a command outside that list, and prints the commands of every run.

OfflineIMAP 8.0.0 bug (not the server's): with -d imap it crashes ("'memoryview' object has no attribute
'decode'", from its debug print of the message through Python's email as_string()) on messages whose header has raw
8-bit UTF-8, and skips the rest of that folder. Without -d the same messages sync byte for byte (run 4), so the
traced runs use RFC 2047 encoded subjects and keep the 8-bit octets in the bodies.
"""

import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_util import Failure, check, expect_ok, finish, make_message, new_rng, run, uid_set  # noqa: E402
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402
from maildir_sync import Maildir, server_folders, server_messages, server_snapshot, sha  # noqa: E402

TIME_LIMIT = 540
OFFLINEIMAP_TIMEOUT = 180
MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
WRITE_COMMANDS = {"APPEND", "STORE", "EXPUNGE", "CREATE", "DELETE", "RENAME", "COPY", "MOVE", "SUBSCRIBE",
                  "UNSUBSCRIBE"}
# Every command OfflineIMAP 8.0.0 sent in these runs (see the header). Anything else fails the test, so a newer
# offlineimap that starts using another extension gets noticed and written down.
KNOWN_COMMANDS = {"CAPABILITY", "AUTHENTICATE", "LOGIN", "ID", "LIST", "EXAMINE", "SELECT", "FETCH", "UID FETCH",
                  "APPEND", "UID STORE", "STORE", "EXPUNGE", "CREATE", "LOGOUT", "NOOP", "CHECK", "CLOSE"}


def to_lf(data):
    return data.replace(b"\r\n", b"\n")


def to_crlf(data):
    return to_lf(data).replace(b"\n", b"\r\n")


def latin1_message(rng, index, tag):
    """A message whose body is 8-bit ISO-8859-1 (not UTF-8), CRLF line ends."""
    msgid = "<%s-%d-%08x@sealbox.test>" % (tag, index, rng.getrandbits(32))
    head = ("From: Sender <sender@example.test>\r\nTo: Alice <alice@example.test>\r\n"
            "Subject: %s latin-1 message %d\r\nDate: Tue, 03 Jan 2023 10:00:%02d +0100\r\nMessage-ID: %s\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" % (tag, index, index % 60, msgid)).encode()
    body = ("Gr\xfc\xdfe aus K\xf6ln, na\xefve caf\xe9, \xa9 %d\r\n" % index).encode("latin-1") * (3 + index % 5)
    return msgid, head + body


def ascii_header(data):
    """make_message's "utf8" kind with its raw UTF-8 Subject (RFC 6532) as an RFC 2047 encoded word instead: the
    body stays 8-bit. (OfflineIMAP 8.0.0 with -d imap crashes on raw 8-bit header fields, see the file comment.)"""
    return data.replace(" Grüße ✉".encode(), b" =?UTF-8?Q?Gr=C3=BC=C3=9Fe_=E2=9C=89?=")


def server_message(rng, index, tag, raw_utf8_header=False):
    """Kinds by index % 4: ASCII, 8-bit UTF-8 body, binary-ish 8-bit body, 8-bit ISO-8859-1 body."""
    kind = index % 4
    if kind == 3:
        return latin1_message(rng, index, tag)
    size = rng.choice([200, 900, 4000, 30000, 200 * 1024]) if index % 7 else 200 * 1024
    msgid, data = make_message(rng, index, size, ("ascii", "utf8", "binary")[kind], tag=tag)
    return msgid, data if raw_utf8_header else ascii_header(data)


def flags_for(i):
    flags = []
    if i % 2:
        flags.append("\\Seen")
    if i % 5 == 0:
        flags.append("\\Flagged")
    if i % 7 == 3:
        flags.append("\\Answered")
    if i % 11 == 4:
        flags.append("\\Draft")
    return set(flags)


# --- the Maildir side -------------------------------------------------------------------------------------------
class OfflineimapMaildir(Maildir):
    """offlineimap's Maildir with `sep = /`: folder "Lists/Debian" is maildir/Lists/Debian/{cur,new,tmp}."""

    def __init__(self, base):
        super().__init__(os.path.join(base, "maildir"), MAILDIR_FLAGS)

    def snapshot(self):
        """Every file under the Maildir: relative path -> sha256 of its contents."""
        out = {}
        for dirpath, _, files in os.walk(self.root):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    out[os.path.relpath(path, self.root)] = sha(f.read())
        return out


# --- offlineimap ------------------------------------------------------------------------------------------------
def write_config(srv, md, path, cafile):
    text = """[general]
accounts = sealbox
metadata = {base}/offlineimap-state
maxsyncaccounts = 1
ui = basic

[Account sealbox]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {maildir}
sep = /

[Repository remote]
type = IMAP
remotehost = localhost
remoteport = {port}
remoteuser = {user}
remotepassfile = {pwfile}
ssl = yes
# Trust exactly the test's self-signed certificate; offlineimap also checks the host name against it.
sslcacertfile = {cafile}
maxconnections = 1
holdconnectionopen = no
""".format(base=srv.base, maildir=md.root, port=srv.port, user=srv.user, pwfile=srv.password_file, cafile=cafile)
    with open(path, "w") as f:
        f.write(text)


# imaplib2's tags are four capital letters and a number ("NJCP13"); literal data lines do not look like that.
COMMAND = re.compile(r"writer > b'[A-Z]{4}\d+ (UID [A-Z]+|[A-Z]+)([^']*)'")


def summarize_trace(text):
    """Commands sent (by verb), server refusals and the capability-related facts of an `-d imap` trace."""
    counts = collections.Counter()
    refusals = []
    for line in text.splitlines():
        m = COMMAND.search(line)
        if m:
            counts[m.group(1)] += 1
            continue
        m = re.search(r"reader < b'[A-Z]{4}\d+ (NO|BAD) ([^']*)'", line)
        if m:
            refusals.append("%s %s" % (m.group(1), m.group(2)))
    literal_plus = bool(re.search(r"writer > b'[^']*\{\d+\+\}", text))
    appenduid = "_get_untagged_response(APPENDUID)" in text
    return {"counts": dict(sorted(counts.items())), "refusals": refusals, "literal_plus": literal_plus,
            "appenduid": appenduid}


def redact(text):
    """The AUTHENTICATE PLAIN response line carries the password (base64): never print it."""
    return re.sub(r"(writer > b')[A-Za-z0-9+/=]{16,}(\\r\\n')", r"\1<SASL response redacted>\2", text)


def run_offlineimap(offlineimap, config, base, label, expect_success=True, debug=True):
    trace = os.path.join(base, "offlineimap-%s.log" % label)
    # backslashreplace: the debug output quotes message text, which may hold undecodable octets.
    env = dict(os.environ, HOME=base, LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8:backslashreplace")
    t0 = time.monotonic()
    p = subprocess.run([offlineimap, "-c", config, "-o", "-u", "basic"] + (["-d", "imap"] if debug else []),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=OFFLINEIMAP_TIMEOUT)
    dt = time.monotonic() - t0
    text = redact(p.stdout.decode("utf-8", "replace"))
    with open(trace, "w") as f:
        f.write(text)
    summary = summarize_trace(text)
    errors = [line for line in text.splitlines() if re.search(r"\bERROR\b", line)]
    log("offlineimap %s: exit %d in %.2f s; commands sent: %s" % (label, p.returncode, dt, summary["counts"]))
    for r in summary["refusals"]:
        log("  server refused: %s" % r)
    if expect_success and (p.returncode != 0 or errors):
        log("--- offlineimap %s output (last 60 lines; SEALBOX_INTEROP_KEEP=1 keeps %s) ---" % (label, trace))
        log("\n".join(text.splitlines()[-60:]))
        raise Failure("offlineimap %s failed: exit %d, errors %r" % (label, p.returncode, errors[:5]))
    if expect_success and debug:
        unknown = set(summary["counts"]) - KNOWN_COMMANDS
        check(not unknown, "offlineimap %s sent commands this test does not know of: %r (update the header)"
              % (label, sorted(unknown)))
        check(not summary["refusals"], "offlineimap %s: the server refused %r" % (label, summary["refusals"]))
    return p.returncode, text, summary


# --- checks -----------------------------------------------------------------------------------------------------
def check_same(srv, md, label):
    """The Maildir and the server hold the same folders and the same messages: bodies byte for byte (Maildir LF =
    server CRLF), flags equal. Returns the server's state."""
    c = srv.connect()
    try:
        remote_folders = server_folders(c)
        local_folders = md.folders()
        check(local_folders == remote_folders, "%s: Maildir folders %r, server %r" % (label, local_folders,
                                                                                   remote_folders))
        state = {}
        for folder in remote_folders:
            remote = server_messages(c, folder)["messages"]
            local = md.messages(folder)
            missing, extra = sorted(set(remote) - set(local)), sorted(set(local) - set(remote))
            check(not missing and not extra, "%s: %s: missing in the Maildir %r, only in the Maildir %r"
                  % (label, folder, missing[:5], extra[:5]))
            for msgid, r in remote.items():
                l = local[msgid]
                check(l["data"] == to_lf(r["data"]), "%s: %s %s: Maildir file (%d bytes) is not the server's message "
                      "(%d bytes) with LF line ends" % (label, folder, msgid, len(l["data"]), len(r["data"])))
                check(l["flags"] == r["flags"], "%s: %s %s: Maildir flags %r, server %r"
                      % (label, folder, msgid, sorted(l["flags"]), sorted(r["flags"])))
            state[folder] = remote
            log("%s: %s identical on both sides: %d messages, bodies byte for byte, flags" % (label, folder,
                                                                                           len(remote)))
        return state
    finally:
        c.logout()


def check_server_model(srv, model, label):
    """The server holds exactly the model {folder: {msgid: (flags, body CRLF)}}."""
    c = srv.connect()
    try:
        check(server_folders(c) == sorted(model), "%s: server folders %r, expected %r"
              % (label, server_folders(c), sorted(model)))
        for folder, expected in sorted(model.items()):
            got = server_messages(c, folder)["messages"]
            check(sorted(got) == sorted(expected), "%s: server %s has %r, expected %r"
                  % (label, folder, sorted(set(got) ^ set(expected))[:5], "the model"))
            for msgid, (flags, body) in expected.items():
                check(got[msgid]["data"] == body, "%s: server %s %s: body differs (%d vs %d bytes)%s"
                      % (label, folder, msgid, len(got[msgid]["data"]), len(body),
                         " and has an X-OfflineIMAP header" if b"X-OfflineIMAP" in got[msgid]["data"] else ""))
                check(got[msgid]["flags"] == flags, "%s: server %s %s: flags %r, expected %r"
                      % (label, folder, msgid, sorted(got[msgid]["flags"]), sorted(flags)))
        log("%s: the server holds exactly the expected %d messages" % (label, sum(map(len, model.values()))))
    finally:
        c.logout()


def check_maildir_model(md, model, label):
    check(md.folders() == sorted(model), "%s: Maildir folders %r, expected %r" % (label, md.folders(),
                                                                                sorted(model)))
    for folder, expected in sorted(model.items()):
        got = md.messages(folder)
        check(sorted(got) == sorted(expected), "%s: Maildir %s differs from the model: %r"
              % (label, folder, sorted(set(got) ^ set(expected))[:5]))
        for msgid, (flags, body) in expected.items():
            check(got[msgid]["data"] == to_lf(body), "%s: Maildir %s %s: body differs (%d vs %d bytes)"
                  % (label, folder, msgid, len(got[msgid]["data"]), len(to_lf(body))))
            check(got[msgid]["flags"] == flags, "%s: Maildir %s %s: flags %r, expected %r"
                  % (label, folder, msgid, sorted(got[msgid]["flags"]), sorted(flags)))
    log("%s: the Maildir holds exactly the expected %d messages" % (label, sum(map(len, model.values()))))


def other_ca(base):
    """A self-signed certificate for the same names that the server does not use."""
    path = os.path.join(base, "other-ca.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", os.path.join(base, "other-key.pem"), "-out", path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
    return path


# --- the test ---------------------------------------------------------------------------------------------------
def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    offlineimap = os.environ.get("OFFLINEIMAP") or shutil.which("offlineimap")
    if not offlineimap:
        raise Failure("offlineimap is not installed (Debian package offlineimap3: run scripts/install-deps.sh)")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT)
    t_start = time.monotonic()
    version = subprocess.run([offlineimap, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=60).stdout.decode().strip()
    log("client: offlineimap %s" % version)

    with SealboxServer(binary, prefix="sealbox-interop-offlineimap-") as srv:
        base = srv.base
        md = OfflineimapMaildir(base)
        os.makedirs(md.root)
        rng = new_rng(7331)
        config = os.path.join(base, "offlineimaprc")

        # --- the certificate is really checked ------------------------------------------------------------------
        write_config(srv, md, config, other_ca(base))
        code, text, _ = run_offlineimap(offlineimap, config, base, "wrong-ca", expect_success=False)
        check(code != 0 and "CERTIFICATE_VERIFY_FAILED" in text,
              "offlineimap trusting another CA must fail certificate verification (exit %d)" % code)
        check(md.folders() == [], "the wrong-CA run created folders: %r" % md.folders())
        log("another CA file: offlineimap refused the server's certificate (exit %d)" % code)
        write_config(srv, md, config, srv.cafile)

        # --- run 1: the server's mail comes down ----------------------------------------------------------------
        c = srv.connect()
        try:
            for folder, count in (("INBOX", 24), ("Projects", 6), ("Lists/Debian", 4)):
                if folder != "INBOX":
                    expect_ok(c.create('"%s"' % folder), "CREATE " + folder)
                for i in range(count):
                    msgid, data = server_message(rng, len(folder) * 100 + i, "srv")
                    flags = flags_for(i)
                    expect_ok(c.append('"%s"' % folder, "(" + " ".join(sorted(flags)) + ")", None, data),
                              "APPEND %s %d" % (folder, i))
        finally:
            c.logout()
        _, _, s1 = run_offlineimap(offlineimap, config, base, "run1")
        state = check_same(srv, md, "run 1")
        check(any(b >= 0x80 for m in state["INBOX"].values() for b in m["data"]), "run 1: no 8-bit octets tested")

        # --- run 2: local changes go up -------------------------------------------------------------------------
        model = {folder: {k: (set(m["flags"]), m["data"]) for k, m in msgs.items()} for folder, msgs in state.items()}
        local = md.messages("INBOX")
        inbox_ids = sorted(local)
        for i, kind in enumerate(("ascii", "utf8", "binary")):
            msgid, data = make_message(rng, 5000 + i, 3000 + 5000 * i, kind, eol=b"\n", tag="local")
            data = ascii_header(data)
            md.deliver("INBOX", data, new=True)
            model["INBOX"][msgid] = (set(), to_crlf(data))
        msgid, data = latin1_message(rng, 5010, "local")
        md.deliver("Projects", to_lf(data), flags="FS")
        model["Projects"][msgid] = ({"\\Flagged", "\\Seen"}, to_crlf(data))
        for k in inbox_ids[0:4]:
            flags = (local[k]["flags"] ^ {"\\Seen"}) | {"\\Answered"}
            md.set_flags(local[k]["path"], flags)
            model["INBOX"][k] = (flags, model["INBOX"][k][1])
        for k in inbox_ids[4:6]:
            os.unlink(local[k]["path"])
            del model["INBOX"][k]
        md.make_folder("Local Only")
        msgid, data = server_message(rng, 5021, "localfolder")  # 8-bit UTF-8 body
        md.deliver("Local Only", to_lf(data), flags="S")
        model["Local Only"] = {msgid: ({"\\Seen"}, data)}
        log("Maildir changes: +3 INBOX (new/), +1 Projects, flags changed on 4, 2 deleted, new folder Local Only")
        _, _, s2 = run_offlineimap(offlineimap, config, base, "run2")
        check_server_model(srv, model, "run 2")
        check_same(srv, md, "run 2")

        # --- run 3: server changes come down --------------------------------------------------------------------
        c = srv.connect()
        try:
            inbox = server_messages(c, "INBOX")["messages"]
            by_uid = sorted(inbox, key=lambda k: inbox[k]["uid"])
            expect_ok(c.select("INBOX"), "SELECT INBOX")  # read-write
            for i in range(3):
                msgid, data = server_message(rng, 6000 + i, "srvnew")
                flags = {"\\Seen"} if i == 1 else ({"\\Flagged"} if i == 2 else set())
                expect_ok(c.append("INBOX", "(" + " ".join(sorted(flags)) + ")", None, data), "APPEND new %d" % i)
                model["INBOX"][msgid] = (flags, data)
            for k in by_uid[6:9]:
                expect_ok(c.uid("STORE", str(inbox[k]["uid"]), "FLAGS.SILENT", "(\\Flagged \\Draft)"),
                          "UID STORE FLAGS")
                model["INBOX"][k] = ({"\\Flagged", "\\Draft"}, model["INBOX"][k][1])
            gone = by_uid[9:11]
            expect_ok(c.uid("STORE", uid_set(inbox[k]["uid"] for k in gone), "+FLAGS.SILENT", "(\\Deleted)"),
                      "UID STORE \\Deleted")
            expect_ok(c.expunge(), "EXPUNGE")
            for k in gone:
                del model["INBOX"][k]
            expect_ok(c.create('"Server Box"'), "CREATE Server Box")
            model["Server Box"] = {}
            for i in range(2):
                msgid, data = server_message(rng, 7000 + i * 2 + 1, "srvbox")  # utf8 and latin-1
                expect_ok(c.append('"Server Box"', None, None, data), "APPEND Server Box")
                model["Server Box"][msgid] = (set(), data)
        finally:
            c.logout()
        log("server changes: +3 INBOX, flags set on 3, 2 expunged, new mailbox Server Box with 2")
        _, _, s3 = run_offlineimap(offlineimap, config, base, "run3")
        check_maildir_model(md, model, "run 3")
        check_same(srv, md, "run 3")

        # --- run 4: raw UTF-8 header fields (RFC 6532), both ways, without -d imap --------------------------------
        c = srv.connect()
        try:
            for i in range(2):
                msgid, data = server_message(rng, 8001 + i * 4, "srvutf8", raw_utf8_header=True)
                check(b"\xc3\xbc" in data.split(b"\r\n\r\n")[0], "not a raw UTF-8 header: %r" % data[:300])
                expect_ok(c.append("INBOX", "(\\Seen)", None, data), "APPEND raw UTF-8 header %d" % i)
                model["INBOX"][msgid] = ({"\\Seen"}, data)
        finally:
            c.logout()
        msgid, data = make_message(rng, 8100, 5000, "utf8", eol=b"\n", tag="localutf8")
        md.deliver("Projects", data, flags="S")
        model["Projects"][msgid] = ({"\\Seen"}, to_crlf(data))
        run_offlineimap(offlineimap, config, base, "run4", debug=False)
        check_server_model(srv, model, "run 4")
        check_maildir_model(md, model, "run 4")

        # --- run 5: nothing to do -------------------------------------------------------------------------------
        local_before, server_before = md.snapshot(), server_snapshot(srv)
        _, _, s5 = run_offlineimap(offlineimap, config, base, "run5")
        local_after, server_after = md.snapshot(), server_snapshot(srv)
        check(local_before == local_after, "run 5 changed the Maildir: %r"
              % sorted(set(local_before.items()) ^ set(local_after.items()))[:6])
        check(server_before == server_after, "run 5 changed the server: %r"
              % [f for f in sorted(set(server_before) | set(server_after))
                 if server_before.get(f) != server_after.get(f)])
        writes = {k: v for k, v in s5["counts"].items() if k.replace("UID ", "") in WRITE_COMMANDS}
        check(not writes, "run 5 sent commands that write: %r" % writes)
        check(s2["counts"].get("CREATE") == 1, "run 2: expected one CREATE (Local Only): %r" % s2["counts"])
        log("run 5: no changes: %d Maildir files and %d server mailboxes identical; no write commands sent"
            % (len(local_after), len(server_after)))

        # --- what offlineimap used ------------------------------------------------------------------------------
        used = collections.Counter()
        for s in (s1, s2, s3, s5):
            used.update(s["counts"])
        check(s2["appenduid"], "run 2: offlineimap did not read APPENDUID (UIDPLUS) after its APPENDs")
        log("offlineimap used: %s; APPENDUID (UIDPLUS) read: %s; LITERAL+ used: %s"
            % (dict(sorted(used.items())), s2["appenduid"], any(s["literal_plus"] for s in (s1, s2, s3, s5))))
    log("interop_offlineimap: synchronization checks passed in %.1f s" % (time.monotonic() - t_start))
    finish("interop_offlineimap", [])


if __name__ == "__main__":
    run(main)
