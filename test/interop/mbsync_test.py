#!/usr/bin/env python3
"""interop_mbsync: isync's mbsync (Debian package isync) synchronizing a Maildir with a real `sealbox serve`.

    mbsync_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN; MBSYNC may name the mbsync binary)

Run 1: a Maildir with 500 messages in INBOX and 20 in Lists/Debian (varied sizes; ASCII, 8-bit UTF-8 and binary-ish
octets; Maildir flags D F P R S) and a new account (INBOX and the empty special-use mailboxes Archive, Drafts, Junk,
Sent and Trash). `mbsync -a` (Sync All, Create Both, Expunge Both, CopyArrivalDate) must create Lists/Debian on the
server, create the five special-use mailboxes in the Maildir and upload everything: the server's messages, bodies (LF
-> CRLF) and flags must equal the Maildir's.
Run 2: on the server (imaplib) 40 messages are appended to INBOX, a new mailbox "Server Only" gets 5, flags change on
20 messages and 10 are expunged; in the Maildir 30 messages get new flags, 10 files are deleted, 5 are marked T
(trashed) and 15 new ones arrive in new/. After `mbsync -a` both sides must hold exactly the expected model (messages
by Message-ID, flags, bodies).
Run 3: `mbsync -a` again must change nothing: the Maildir's files (names and contents) and the server's mailboxes
(UIDVALIDITY, UIDNEXT, UIDs, flags, bodies) are identical before and after, and the protocol trace shows no command
that writes (APPEND, STORE, EXPUNGE, CREATE, ...).
Every run keeps mbsync's -Dn protocol trace in the test directory; a summary of the commands used is printed.
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
from imap_util import (Failure, check, finish, run, expect_ok, make_message, new_rng, uid_set)  # noqa: E402
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402
from maildir_sync import Maildir, server_folders, server_messages, server_snapshot, sha  # noqa: E402

TIME_LIMIT = 540
MBSYNC_TIMEOUT = 240
MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "P": "$Forwarded", "R": "\\Answered", "S": "\\Seen",
                 "T": "\\Deleted"}
# Commands that change a mailbox. CLOSE is not listed: with Expunge set mbsync ends every box with CLOSE, which
# removes \Deleted messages only (and the snapshots show whether any went).
WRITE_COMMANDS = {"APPEND", "STORE", "EXPUNGE", "CREATE", "DELETE", "RENAME", "COPY", "MOVE", "SUBSCRIBE"}
TUID = re.compile(rb"^X-TUID: [^\r\n]*\r?\n", re.M)


def to_crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def canonical(data):
    """What must be equal on both sides: CRLF line ends, without mbsync's X-TUID header."""
    return TUID.sub(b"", to_crlf(data))


# --- the Maildir side -------------------------------------------------------------------------------------------
class MbsyncMaildir(Maildir):
    """mbsync's layout here: INBOX at maildir/INBOX (its Inbox option), the other folders under maildir/folders."""

    def __init__(self, base):
        super().__init__(os.path.join(base, "maildir", "folders"), MAILDIR_FLAGS,
                         inbox=os.path.join(base, "maildir", "INBOX"))
        self.path = self.root

    def snapshot(self):
        """Every file but mbsync's own state, with its content hash (names carry UIDs and flags)."""
        files = []
        root = os.path.dirname(self.inbox)
        for dirpath, _, filenames in os.walk(root):
            for n in filenames:
                if n.startswith(".mbsyncstate") or n == ".uidvalidity" or n.startswith(".isyncuidmap"):
                    continue
                p = os.path.join(dirpath, n)
                with open(p, "rb") as f:
                    files.append((os.path.relpath(p, root), sha(f.read())))
        return sorted(files)


# --- the server side --------------------------------------------------------------------------------------------
# What a new account holds besides INBOX (store::Account::create, RFC 6154 special uses).
SPECIAL_USE_MAILBOXES = ("Archive", "Drafts", "Junk", "Sent", "Trash")


# --- mbsync -----------------------------------------------------------------------------------------------------
def write_config(srv, md, path, auth_mechs=None):
    text = """# Written by test/interop/mbsync_test.py
IMAPAccount sealbox
Host localhost
Port {port}
User {user}
PassCmd "cat {pwfile}"
SSLType IMAPS
CertificateFile {cafile}
Timeout 60
{auth}

IMAPStore sealbox-far
Account sealbox

MaildirStore local-near
Path {path}/
Inbox {inbox}
SubFolders Verbatim

Channel interop
Far :sealbox-far:
Near :local-near:
Patterns *
Sync All
Create Both
Expunge Both
CopyArrivalDate yes
SyncState *
""".format(port=srv.port, user=srv.user, pwfile=srv.password_file, cafile=srv.cafile, path=md.path, inbox=md.inbox,
           auth="AuthMechs " + auth_mechs if auth_mechs else "# AuthMechs: mbsync's default (SASL PLAIN with SASL-IR)")
    with open(path, "w") as f:
        f.write(text)


class MbsyncFailed(Failure):
    def __init__(self, message, summary):
        super().__init__(message)
        self.summary = summary


def run_mbsync(mbsync, config, base, label):
    trace = os.path.join(base, "mbsync-%s.log" % label)
    env = dict(os.environ, HOME=base, LC_ALL="C.UTF-8")
    t0 = time.monotonic()
    with open(trace, "wb") as out:
        p = subprocess.run([mbsync, "-c", config, "-V", "-Dn", "-a"], stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.STDOUT, env=env, timeout=MBSYNC_TIMEOUT)
    dt = time.monotonic() - t0
    with open(trace, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    summary = summarize_trace(text)
    log("mbsync %s: exit %d in %.2f s; commands sent: %s" % (label, p.returncode, dt, summary["counts"]))
    for line in summary["fetch_items"]:
        log("  fetch items used: %s" % line)
    for line in summary["refusals"]:
        log("  server refused: %s" % line)
    if p.returncode != 0:
        log("--- mbsync %s trace (last 80 lines; SEALBOX_INTEROP_KEEP=1 keeps all of %s) ---" % (label, trace))
        log("\n".join(text.splitlines()[-80:]))
        raise MbsyncFailed("mbsync %s exited with %d" % (label, p.returncode), summary)
    return summary, dt


COMMAND_LINE = re.compile(r">>> (\d+) (UID \w+|\w+)(.*)$")


def summarize_trace(text):
    counts = collections.Counter()
    fetch_items = collections.OrderedDict()
    refusals = []
    tags = {}
    for line in text.splitlines():
        m = COMMAND_LINE.search(line)
        if m:
            tag, verb, rest = m.group(1), m.group(2).upper(), m.group(3)
            counts[verb] += 1
            tags[tag] = verb + rest[:120]
            if "FETCH" in verb:
                items = re.sub(r"^ \S+ ", " ", rest).strip()
                fetch_items[verb + " <set> " + items] = True
            continue
        m = re.search(r"^(?:\(\d+\) )?(\d+) (NO|BAD) (.*)$", line.strip())
        if m:
            refusals.append("%s -> %s %s" % (tags.get(m.group(1), "tag " + m.group(1)), m.group(2), m.group(3)))
    return {"counts": dict(sorted(counts.items())), "fetch_items": list(fetch_items), "refusals": refusals}


# --- the test ---------------------------------------------------------------------------------------------------
def size_for(rng, i):
    special = {17: 300 * 1024, 123: 1024 * 1024 + 3, 321: 2 * 1024 * 1024, 400: 256 * 1024}
    if i in special:
        return special[i]
    return rng.choice([rng.randint(100, 1500), rng.randint(1500, 8000), rng.randint(8000, 40000)])


def local_message(rng, index, tag):
    kind = ("ascii", "utf8", "binary")[index % 3]
    msgid, data = make_message(rng, index, size_for(rng, index), kind, eol=b"\n", tag=tag)
    return msgid, data


def initial_flags(i):
    f = ""
    if i % 3 == 0:
        f += "S"
    if i % 25 == 0:
        f += "F"
    if i % 40 == 0:
        f += "R"
    if i % 60 == 7:
        f += "D"
    if i % 70 == 3:
        f += "P"
    return f


def check_converged(srv, md, model, label, server_extra=()):
    """Both sides hold exactly the model: {folder: {msgid: (flags, canonical body)}}; server_extra names empty
    mailboxes only the server has."""
    local_folders = md.folders()
    c = srv.connect()
    try:
        remote_folders = server_folders(c)
        check(local_folders == sorted(model), "%s: Maildir folders %r, expected %r" % (label, local_folders,
                                                                                      sorted(model)))
        expected_remote = sorted(list(model) + list(server_extra))
        check(remote_folders == expected_remote, "%s: server mailboxes %r, expected %r"
              % (label, remote_folders, expected_remote))
        for folder in server_extra:
            check(not server_messages(c, folder)["messages"], "%s: server mailbox %s is not empty" % (label, folder))
        tuid_count = 0
        for folder, expected in sorted(model.items()):
            local = md.messages(folder)
            remote = server_messages(c, folder)["messages"]
            for side, got in (("Maildir", local), ("server", remote)):
                missing = sorted(set(expected) - set(got))[:5]
                extra = sorted(set(got) - set(expected))[:5]
                check(not missing and not extra, "%s: %s %s has %d messages, expected %d; missing %r extra %r"
                      % (label, side, folder, len(got), len(expected), missing, extra))
                for msgid, (flags, body) in expected.items():
                    check(got[msgid]["flags"] == flags, "%s: %s %s %s flags %r, expected %r"
                          % (label, side, folder, msgid, sorted(got[msgid]["flags"]), sorted(flags)))
                    check(canonical(got[msgid]["data"]) == body, "%s: %s %s %s body differs (%d vs %d bytes)"
                          % (label, side, folder, msgid, len(canonical(got[msgid]["data"])), len(body)))
                    if side == "server" and TUID.search(got[msgid]["data"]):
                        tuid_count += 1
                    if side == "server":
                        check(b"\n" not in got[msgid]["data"].replace(b"\r\n", b""),
                              "%s: server message %s has a bare LF" % (label, msgid))
            log("%s: %s converged: %d messages, flags and bodies equal on both sides"
                % (label, folder, len(expected)))
        log("%s: %d server messages carry mbsync's X-TUID header" % (label, tuid_count))
    finally:
        c.logout()


def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    mbsync = os.environ.get("MBSYNC") or shutil.which("mbsync")
    if not mbsync:
        raise Failure("mbsync is not installed (Debian package isync: run scripts/install-deps.sh)")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT)
    t_start = time.monotonic()
    version = subprocess.run([mbsync, "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
    log("client: %s" % version.strip())

    with SealboxServer(binary) as srv:
        base = srv.base
        md = MbsyncMaildir(base)
        rng = new_rng(4242)
        model = {"INBOX": {}, "Lists/Debian": {}}
        for folder in SPECIAL_USE_MAILBOXES:  # every new account has them (empty): run 1 creates them locally
            model[folder] = {}
        paths = {}
        md.make_folder("INBOX")
        md.make_folder("Lists/Debian")
        for i in range(500):
            msgid, data = local_message(rng, i, "mbsync")
            flags = initial_flags(i)
            paths[msgid] = md.deliver("INBOX", data, flags)
            model["INBOX"][msgid] = ({MAILDIR_FLAGS[c] for c in flags}, to_crlf(data))
        for i in range(20):
            msgid, data = local_message(rng, 1000 + i, "list")
            model["Lists/Debian"][msgid] = (set(), to_crlf(data))
            md.deliver("Lists/Debian", data, "S" if i % 2 else "")
            if i % 2:
                model["Lists/Debian"][msgid] = ({"\\Seen"}, to_crlf(data))
        total = sum(len(b) for f in model.values() for _, b in f.values())
        log("Maildir: 500 messages in INBOX, 20 in Lists/Debian, %.1f MiB" % (total / 1048576))
        config = os.path.join(base, "mbsyncrc")
        write_config(srv, md, config)

        # --- run 1: everything goes up --------------------------------------------------------------------------
        deferred = []
        try:
            s1, t1 = run_mbsync(mbsync, config, base, "run1")
        except MbsyncFailed as e:
            # mbsync logs in with SASL PLAIN and an initial response when AUTH=PLAIN and SASL-IR are offered. If the
            # server refuses that although the password is right, record it and go on with LOGIN, so the rest of the
            # synchronization is still tested; the test fails at the end.
            if not any("AUTHENTICATE" in r and "AUTHENTICATIONFAILED" in r for r in e.summary["refusals"]):
                raise
            deferred.append("mbsync's 'AUTHENTICATE PLAIN <initial response>' with the right password was refused: "
                            + "; ".join(e.summary["refusals"]))
            log("AUTHENTICATE PLAIN refused with the right password: retrying with 'AuthMechs LOGIN'")
            write_config(srv, md, config, auth_mechs="LOGIN")
            s1, t1 = run_mbsync(mbsync, config, base, "run1-login")
        c = srv.connect()
        typ, data = c.status("INBOX", "(MESSAGES UIDNEXT)")
        check(typ == "OK" and b"MESSAGES 500" in data[0], "STATUS INBOX after run 1: %r" % data)
        # CREATE "Lists/Debian" may create "Lists" too (RFC 3501 §6.3.3: the server SHOULD create superior names).
        # Then it is an empty mailbox of its own, which the next run creates in the Maildir.
        created_parents = [f for f in server_folders(c) if f not in model and any(
            m.startswith(f + "/") for m in model)]
        c.logout()
        for f in created_parents:
            log("run 1: CREATE Lists/Debian also created the selectable parent %r on the server" % f)
        check_converged(srv, md, model, "run 1", server_extra=created_parents)
        for f in created_parents:
            model[f] = {}

        # --- changes on both sides ------------------------------------------------------------------------------
        c = srv.connect()
        try:
            inbox = server_messages(c, "INBOX")["messages"]
            ids = sorted(model["INBOX"], key=lambda k: inbox[k]["uid"])  # in server order
            c.select("INBOX")
            # server: 20 flag changes (+\Answered on 10, -\Seen +\Flagged on 10)
            plus = ids[0:10]
            minus = ids[10:20]
            expect_ok(c.uid("STORE", uid_set(inbox[k]["uid"] for k in plus), "+FLAGS.SILENT", "(\\Answered)"),
                      "UID STORE +\\Answered")
            expect_ok(c.uid("STORE", uid_set(inbox[k]["uid"] for k in minus), "FLAGS.SILENT", "(\\Flagged)"),
                      "UID STORE FLAGS \\Flagged")
            for k in plus:
                model["INBOX"][k][0].add("\\Answered")
            for k in minus:
                model["INBOX"][k] = ({"\\Flagged"}, model["INBOX"][k][1])
            # server: 10 expunged
            gone_server = ids[20:30]
            expect_ok(c.uid("STORE", uid_set(inbox[k]["uid"] for k in gone_server), "+FLAGS.SILENT", "(\\Deleted)"),
                      "UID STORE \\Deleted")
            expect_ok(c.expunge(), "EXPUNGE")
            for k in gone_server:
                del model["INBOX"][k]
            # server: 40 new messages in INBOX, 5 in a new mailbox
            for i in range(40):
                msgid, data = make_message(rng, 2000 + i, rng.randint(200, 30000), ("ascii", "utf8", "binary")[i % 3],
                                           tag="server")
                flags = ["\\Seen"] if i % 2 else []
                if i % 5 == 0:
                    flags.append("\\Flagged")
                expect_ok(c.append("INBOX", "(" + " ".join(flags) + ")" if flags else None, None, data),
                          "APPEND server message %d" % i)
                model["INBOX"][msgid] = (set(flags), data)
            expect_ok(c.create('"Server Only"'), "CREATE Server Only")
            model["Server Only"] = {}
            for i in range(5):
                msgid, data = make_message(rng, 3000 + i, rng.randint(200, 5000), "utf8", tag="serveronly")
                expect_ok(c.append('"Server Only"', None, None, data), "APPEND Server Only")
                model["Server Only"][msgid] = (set(), data)
            c.logout()
        except BaseException:
            c.shutdown()
            raise
        # local: 30 flag changes, 10 deleted files, 5 trashed (T), 15 new in new/
        local = md.messages("INBOX")
        rest = [k for k in ids[30:] if k in local]
        for k in rest[0:30]:
            flags = set(local[k]["flags"]) ^ {"\\Seen"} | {"\\Flagged"}
            md.set_flags(local[k]["path"], flags)
            model["INBOX"][k] = (flags, model["INBOX"][k][1])
        for k in rest[30:40]:
            os.unlink(local[k]["path"])
            del model["INBOX"][k]
        for k in rest[40:45]:
            md.set_flags(local[k]["path"], set(local[k]["flags"]) | {"\\Deleted"})
            del model["INBOX"][k]  # Expunge Both: trashed messages go on both sides
        for i in range(15):
            msgid, data = local_message(rng, 4000 + i, "localnew")
            md.deliver("INBOX", data, new=True)
            model["INBOX"][msgid] = (set(), to_crlf(data))
        log("changes: server +40 (+5 in Server Only) *20 -10; Maildir +15 *30 -10 T5")

        # --- run 2: both sides converge -------------------------------------------------------------------------
        s2, t2 = run_mbsync(mbsync, config, base, "run2")
        check_converged(srv, md, model, "run 2")

        # --- run 3: nothing to do -------------------------------------------------------------------------------
        local_before, server_before = md.snapshot(), server_snapshot(srv)
        s3, t3 = run_mbsync(mbsync, config, base, "run3")
        local_after, server_after = md.snapshot(), server_snapshot(srv)
        check(local_before == local_after, "run 3 changed the Maildir: %r" %
              sorted(set(local_before) ^ set(local_after))[:10])
        for folder in sorted(set(server_before) | set(server_after)):
            check(server_before.get(folder) == server_after.get(folder), "run 3 changed server mailbox %s: %r -> %r"
                  % (folder, server_before.get(folder, "")[:2], server_after.get(folder, "")[:2]))
        writes = {k: v for k, v in s3["counts"].items() if k.replace("UID ", "") in WRITE_COMMANDS}
        check(not writes, "run 3 sent commands that write: %r" % writes)
        check(not s3["refusals"], "run 3: the server refused %r" % s3["refusals"])
        log("run 3: no changes: %d Maildir files and %d server mailboxes identical; no write commands sent"
            % (len(local_after), len(server_after)))
        for label, s in (("run 1", s1), ("run 2", s2)):
            check(not s["refusals"], "%s: the server refused %r" % (label, s["refusals"]))
    log("interop_mbsync: synchronization checks passed in %.1f s (mbsync runs: %.2f s, %.2f s, %.2f s)"
        % (time.monotonic() - t_start, t1, t2, t3))
    finish("interop_mbsync", deferred)


if __name__ == "__main__":
    run(main)
