"""What the two-way sync interop tests (mbsync_test.py, offlineimap_test.py) share: the local Maildir tree as the
sync tools write it, and the server's side of the same mailboxes read over IMAP with imaplib.

Maildir(root, flag_letters, inbox=None): folder "A/B" is root/A/B/{cur,new,tmp}; INBOX lives at `inbox` when the
tool keeps it apart (mbsync's Inbox option), else under root like any folder. flag_letters maps the Maildir info
letters the tool writes to IMAP flag names ({"S": "\\\\Seen", ...}).
"""

import hashlib
import os
import re

from imap_util import check, expect_ok, parse_fetch, quote

MSGID = re.compile(rb"^Message-ID: *(<[^>\r\n]*>)", re.M | re.I)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def msgid_of(data, where="message"):
    m = MSGID.search(data)
    check(m is not None, "%s without Message-ID: %r" % (where, data[:200]))
    return m.group(1).decode()


class Maildir:
    def __init__(self, root, flag_letters, inbox=None):
        self.root = root
        self.inbox = inbox
        self.flags_of_letter = dict(flag_letters)
        self.letter_of_flag = {v: k for k, v in flag_letters.items()}
        self.counter = 0

    def folder_dir(self, folder):
        if folder == "INBOX" and self.inbox:
            return self.inbox
        return os.path.join(self.root, *folder.split("/"))

    def folders(self):
        found = ["INBOX"] if self.inbox and os.path.isdir(os.path.join(self.inbox, "cur")) else []
        for dirpath, dirnames, _ in os.walk(self.root):
            if os.path.isdir(os.path.join(dirpath, "cur")):
                found.append(os.path.relpath(dirpath, self.root).replace(os.sep, "/"))
            dirnames[:] = [d for d in dirnames if d not in ("cur", "new", "tmp")]
        return sorted(found)

    def messages(self, folder):
        """{msgid: {"path", "flags" (IMAP names), "data"}} of cur/ and new/."""
        out = {}
        for sub in ("cur", "new"):
            d = os.path.join(self.folder_dir(folder), sub)
            for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                path = os.path.join(d, name)
                with open(path, "rb") as f:
                    data = f.read()
                info = name.split(":2,", 1)[1] if ":2," in name else ""
                msgid = msgid_of(data, "Maildir file " + path)
                check(msgid not in out, "Maildir %s holds %s twice" % (folder, msgid))
                flags = {self.flags_of_letter[c] for c in info if c in self.flags_of_letter}
                out[msgid] = {"path": path, "flags": flags, "data": data}
        return out

    def make_folder(self, folder):
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.folder_dir(folder), sub), exist_ok=True)

    def deliver(self, folder, data, flags="", new=False):
        """Writes a message as an MUA would: in new/, or in cur/ with these info letters."""
        self.counter += 1
        name = "%d.M%dP%d.interop" % (1700000000 + self.counter, self.counter, os.getpid())
        if new:
            path = os.path.join(self.folder_dir(folder), "new", name)
        else:
            path = os.path.join(self.folder_dir(folder), "cur", name + ":2," + "".join(sorted(flags)))
        with open(path, "wb") as f:
            f.write(data)
        return path

    def set_flags(self, path, flags):
        """Renames a message file into cur/ carrying these IMAP flags (as an MUA would); returns the new path."""
        d, name = os.path.split(path)
        base = name.split(":2,", 1)[0]
        target = os.path.join(os.path.dirname(d), "cur",
                              base + ":2," + "".join(sorted(self.letter_of_flag[f] for f in flags)))
        os.rename(path, target)
        return target


def server_folders(c):
    """The selectable mailboxes, from LIST "" "*"."""
    data = expect_ok(c.list('""', '"*"'), "LIST")
    names = []
    for line in data:
        m = re.match(rb'^\(([^)]*)\) (?:"[^"]*"|NIL) (?:"((?:[^"\\]|\\.)*)"|(\S+))$', line)
        check(m is not None, "LIST line %r" % line)
        if b"\\Noselect" in m.group(1) or b"\\NonExistent" in m.group(1):
            continue
        names.append((m.group(2) or m.group(3)).decode())
    return sorted(names)


def server_messages(c, folder):
    """{"uidvalidity", "uidnext", "messages": {msgid: {"uid", "flags", "data"}}} of one mailbox (EXAMINE, so
    nothing changes)."""
    data = expect_ok(c.select(quote(folder), readonly=True), "EXAMINE " + folder)
    exists = int(data[0])
    uidvalidity = int(c.response("UIDVALIDITY")[1][0])
    uidnext = int(c.response("UIDNEXT")[1][0])
    messages = {}
    if exists:
        parsed = parse_fetch(expect_ok(c.fetch("1:*", "(UID FLAGS BODY.PEEK[])"), "FETCH " + folder))
        check(len(parsed) == exists, "FETCH %s: %d responses for %d messages" % (folder, len(parsed), exists))
        for _, attrs in parsed:
            body = attrs["BODY[]"]
            msgid = msgid_of(body, "server message in " + folder)
            check(msgid not in messages, "server %s holds %s twice" % (folder, msgid))
            messages[msgid] = {"uid": int(attrs["UID"]), "flags": set(attrs["FLAGS"]), "data": body}
    expect_ok(c.unselect(), "UNSELECT")
    return {"uidvalidity": uidvalidity, "uidnext": uidnext, "messages": messages}


def server_snapshot(srv):
    """Every mailbox: (UIDVALIDITY, UIDNEXT, sorted (uid, flags, content hash)): equal means nothing changed."""
    c = srv.connect()
    try:
        out = {}
        for folder in server_folders(c):
            s = server_messages(c, folder)
            out[folder] = (s["uidvalidity"], s["uidnext"],
                           sorted((m["uid"], tuple(sorted(m["flags"])), sha(m["data"]))
                                  for m in s["messages"].values()))
        return out
    finally:
        c.logout()
