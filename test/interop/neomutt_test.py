#!/usr/bin/env python3
"""interop_neomutt: NeoMutt (Debian package neomutt) reading a mailbox on a real `sealbox serve` over IMAPS.

    neomutt_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN; NEOMUTT may name the neomutt binary)

imaplib APPENDs 11 messages to INBOX: plain ASCII, RFC 2047 subjects (UTF-8 Q and B, ISO-8859-1 mixed with ASCII),
a raw 8-bit UTF-8 subject, an 8-bit UTF-8 body, quoted-printable, multipart/mixed with a base64 attachment,
multipart/alternative, a folded subject, one of 150 KB and one flagged and seen. Then NeoMutt runs on a
pseudo-terminal (TERM=vt100, 50x200, C.UTF-8) with a generated muttrc (`-n -F`, HOME in the test directory) that
trusts only the server's self-signed certificate (`ssl_ca_certificates_file`, host name checked) and logs in with
`imap_pass`. A small VT100 emulator in this script keeps the screen, so the test can wait for what a user would see;
every step is bounded. Steps, each started by a key bound to a macro in the muttrc and finished by a
`<shell-escape>touch` of a marker file:

1. The index shows all 11 messages in Date order with decoded subjects (no `=?` left), `Msgs:11` in the status line,
   N on the unseen and ! on the flagged one.
2. `<tag-prefix><pipe-message>` (pipe_split, no pipe_decode, empty pipe_sep) of all messages into one file each:
   every file is the appended message byte for byte with LF line ends.
3. `<tag-prefix><copy-message>` of all to a local Maildir: every body byte for byte, every header line kept.
4. `<display-message>` of the 8-bit UTF-8, the multipart and the quoted-printable message: the text NeoMutt shows
   (captured with a display_filter that tees it to a file) has the decoded Subject and the decoded body, and the
   pager screen shows the body.
5. `<view-attachments>`, `<save-entry>` of the base64 attachment: the saved file is the attachment's bytes.
6. `<delete-message>` + `<sync-mailbox>` with delete=no: imaplib sees \\Deleted on that message (still there);
   then `set delete=yes` + `<sync-mailbox>`: imaplib sees it expunged and the other 10 unchanged; the index says
   `Msgs:10`.
7. `<quit>`: neomutt exits with status 0.

NeoMutt's debug log (`-d 5 -l FILE`, which NeoMutt writes as FILE0) gives the IMAP commands it sent and the
server's tagged answers: the script prints a summary, and any answer other than OK fails the test. On failure the screen, the end of the debug log and the server log are
printed.
"""

import base64
import codecs
import collections
import fcntl
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_util import Failure, check, expect_ok, finish, new_rng, parse_fetch, run, text_lines  # noqa: E402
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 170  # seconds for the whole script; a normal run takes a few seconds
STEP_TIMEOUT = 30  # seconds for any single wait on neomutt
ROWS, COLS = 50, 200


# --- a VT100 screen ---------------------------------------------------------------------------------------------
def char_width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Screen:
    """Enough of a VT100 (what ncurses sends for TERM=vt100, plus a few common extras) to know what is shown."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.reset()

    def reset(self):
        self.grid = [[" "] * self.cols for _ in range(self.rows)]
        self.y = self.x = 0
        self.top, self.bottom = 0, self.rows - 1
        self.wrap_pending = False
        self.saved = (0, 0)
        self.state = "normal"
        self.seq = ""

    def text(self):
        return "\n".join("".join(c for c in row if c is not None).rstrip() for row in self.grid)

    def _blank(self):
        return [" "] * self.cols

    def _scroll_up(self, n=1):
        for _ in range(n):
            del self.grid[self.top]
            self.grid.insert(self.bottom, self._blank())

    def _scroll_down(self, n=1):
        for _ in range(n):
            del self.grid[self.bottom]
            self.grid.insert(self.top, self._blank())

    def _linefeed(self):
        if self.y == self.bottom:
            self._scroll_up()
        elif self.y < self.rows - 1:
            self.y += 1

    def _put(self, ch):
        w = char_width(ch)
        if w == 0:
            return
        if self.wrap_pending:
            self.x = 0
            self._linefeed()
            self.wrap_pending = False
        if w == 2 and self.x == self.cols - 1:
            self.grid[self.y][self.x] = " "
            self.x = 0
            self._linefeed()
        self.grid[self.y][self.x] = ch
        if w == 2:
            self.grid[self.y][self.x + 1] = None  # the right half of a wide character
        self.x += w
        if self.x >= self.cols:
            self.x = self.cols - 1
            self.wrap_pending = True

    def feed(self, text):
        for ch in text:
            st = self.state
            if st == "normal":
                o = ord(ch)
                if ch == "\x1b":
                    self.state = "esc"
                elif ch == "\r":
                    self.x = 0
                    self.wrap_pending = False
                elif ch in "\n\x0b\x0c":
                    self._linefeed()
                    self.wrap_pending = False
                elif ch == "\b":
                    self.x = max(0, self.x - 1)
                    self.wrap_pending = False
                elif ch == "\t":
                    self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
                elif o < 0x20 or 0x7F <= o < 0xA0:
                    pass  # BEL, SO/SI (line drawing set), NUL padding, C1
                else:
                    self._put(ch)
            elif st == "esc":
                self.state = "normal"
                if ch == "[":
                    self.state, self.seq = "csi", ""
                elif ch in "()*+#":
                    self.state = "skip1"
                elif ch == "]":
                    self.state = "osc"
                elif ch == "M":
                    if self.y == self.top:
                        self._scroll_down()
                    elif self.y > 0:
                        self.y -= 1
                elif ch == "D":
                    self._linefeed()
                elif ch == "E":
                    self.x = 0
                    self._linefeed()
                elif ch == "7":
                    self.saved = (self.y, self.x)
                elif ch == "8":
                    self.y, self.x = self.saved
                    self.wrap_pending = False
                elif ch == "c":
                    self.reset()
            elif st == "skip1":
                self.state = "normal"
            elif st == "osc":
                if ch == "\x07" or ch == "\x1b":
                    self.state = "normal" if ch == "\x07" else "esc"
            elif st == "csi":
                if "\x40" <= ch <= "\x7e":
                    self.state = "normal"
                    self._csi(self.seq, ch)
                else:
                    self.seq += ch

    def _csi(self, params, final):
        private = params[:1] in ("?", ">", "=", "<")
        if private:
            return  # modes (keypad, wrap, cursor visibility): nothing to draw
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []

        def arg(i, default):
            return nums[i] if i < len(nums) and nums[i] > 0 else default

        n = arg(0, 1)
        self.wrap_pending = False
        if final in "Hf":
            self.y = min(self.rows - 1, arg(0, 1) - 1)
            self.x = min(self.cols - 1, arg(1, 1) - 1)
        elif final == "A":
            self.y = max(0, self.y - n)
        elif final in "Be":
            self.y = min(self.rows - 1, self.y + n)
        elif final in "Ca":
            self.x = min(self.cols - 1, self.x + n)
        elif final == "D":
            self.x = max(0, self.x - n)
        elif final in "G`":
            self.x = min(self.cols - 1, n - 1)
        elif final == "d":
            self.y = min(self.rows - 1, n - 1)
        elif final == "K":
            mode = nums[0] if nums else 0
            row = self.grid[self.y]
            lo, hi = {0: (self.x, self.cols), 1: (0, self.x + 1), 2: (0, self.cols)}.get(mode, (0, 0))
            for i in range(lo, hi):
                row[i] = " "
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode == 0:
                self._csi("0", "K")
                for r in range(self.y + 1, self.rows):
                    self.grid[r] = self._blank()
            elif mode == 1:
                self._csi("1", "K")
                for r in range(0, self.y):
                    self.grid[r] = self._blank()
            else:
                self.grid = [self._blank() for _ in range(self.rows)]
        elif final == "r":
            self.top = arg(0, 1) - 1
            self.bottom = min(self.rows - 1, arg(1, self.rows) - 1)
            self.y = self.x = 0
        elif final in "LM" and self.top <= self.y <= self.bottom:
            for _ in range(n):
                if final == "L":
                    del self.grid[self.bottom]
                    self.grid.insert(self.y, self._blank())
                else:
                    del self.grid[self.y]
                    self.grid.insert(self.bottom, self._blank())
        elif final == "S":
            self._scroll_up(n)
        elif final == "T":
            self._scroll_down(n)
        elif final == "@":
            row = self.grid[self.y]
            row[self.x:self.x] = [" "] * n
            del row[self.cols:]
        elif final == "P":
            row = self.grid[self.y]
            del row[self.x:self.x + n]
            row.extend([" "] * (self.cols - len(row)))
        elif final == "X":
            row = self.grid[self.y]
            for i in range(self.x, min(self.cols, self.x + n)):
                row[i] = " "
        # m (attributes), h/l (modes), n (reports), g (tabs): nothing to draw


# --- neomutt on a pseudo-terminal -------------------------------------------------------------------------------
CERT_PROMPT = re.compile(r"\(r\)eject|accept \(o\)nce|\(a\)ccept always|certificate", re.I)


class Neomutt:
    def __init__(self, argv, env, cwd, transcript_path):
        self.screen = Screen(ROWS, COLS)
        self.lock = threading.Lock()
        self.transcript = open(transcript_path, "wb")
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

        def child_setup():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes the controlling terminal of the new session
            try:
                import ctypes
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            except Exception:
                pass

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                     start_new_session=True, preexec_fn=child_setup, close_fds=True)
        os.close(slave)
        self.master = master
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                self.transcript.write(data)
                self.screen.feed(decoder.decode(data))

    def text(self):
        with self.lock:
            return self.screen.text()

    def send(self, keys):
        os.write(self.master, keys.encode("utf-8"))

    def wait(self, what, pred, timeout=STEP_TIMEOUT):
        """Waits until pred(screen text) is true; fails on a certificate prompt, neomutt's exit or the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.text()
            if pred(s):
                return s
            if CERT_PROMPT.search(s):
                raise Failure("neomutt does not trust the server certificate and asks what to do (the screen is "
                              "above): it must verify ROOT/tls/fullchain.pem through ssl_ca_certificates_file, "
                              "host name 127.0.0.1 included, while %s" % what)
            if re.search(r"Password for |Login failed|Authentication failed", s):
                raise Failure("neomutt could not log in with imap_pass (the screen is above) while waiting for %s"
                              % what)
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise Failure("neomutt exited with status %s while waiting for %s" % (self.proc.returncode, what))
            if time.monotonic() > deadline:
                last = [ln.strip() for ln in s.split("\n") if ln.strip()]
                raise Failure("waited %d s for %s; neomutt's screen ends with %r (the whole screen is above)"
                              % (timeout, what, last[-1] if last else ""))
            time.sleep(0.05)

    def wait_file(self, what, path, timeout=STEP_TIMEOUT):
        self.wait(what, lambda _: os.path.exists(path), timeout)

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the session neomutt leads (it and its shell commands)
            except ProcessLookupError:
                pass
            if self.wait_exit(5) is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass
        self.reader.join(timeout=5)
        self.transcript.close()


# --- the messages -----------------------------------------------------------------------------------------------
class Msg:
    def __init__(self, n, subject_header, shown_subject, headers, body, flags=()):
        self.n = n
        self.token = "msg%02d" % n  # unique in the subject: the macros find a message with ~s msgNN
        self.msgid = "<neomutt-%02d@sealbox.test>" % n
        self.shown_subject = shown_subject  # what the index and the pager must show
        self.flags = set(flags)
        head = [b"From: Interop Sender <sender@example.test>",
                b"To: Alice <alice@example.test>",
                b"Subject: " + subject_header,
                ("Date: Tue, 03 Jan 2023 10:%02d:00 +0000" % n).encode(),
                ("Message-ID: " + self.msgid).encode(),
                b"MIME-Version: 1.0"] + headers
        self.data = b"\r\n".join(head) + b"\r\n\r\n" + body
        self.attachment = None
        self.shown_body = None  # a piece of the decoded text the pager must show


def crlf(text):
    return text.replace("\n", "\r\n").encode("utf-8")


def build_messages():
    rng = new_rng(20240611)
    msgs = []
    plain = [b"Content-Type: text/plain; charset=us-ascii"]

    m = Msg(1, b"msg01 Plain ASCII hello", "msg01 Plain ASCII hello", plain,
            crlf("Hello Alice,\n\nthis is the first message.\n-- \nSender\n"))
    msgs.append(m)

    m = Msg(2, b"=?UTF-8?Q?msg02_Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln_=E2=80=93_=C3=9Cbersicht?=",
            "msg02 Grüße aus Köln – Übersicht", plain, crlf("An RFC 2047 Q-encoded subject.\n"))
    msgs.append(m)

    body3 = ("Grüße aus Köln! Déjà vu, naïve Ærøskøbing, Straße.\n"
             "Ελληνικά και русский текст, €uro ½.\n"
             "Zweite Zeile: äöü ÄÖÜ ß.\n")
    m = Msg(3, b"=?UTF-8?B?" + base64.b64encode("msg03 Ελληνικά и русский".encode()) + b"?=",
            "msg03 Ελληνικά и русский",
            [b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: 8bit"], crlf(body3))
    m.shown_body = body3
    msgs.append(m)

    attachment = bytes(rng.getrandbits(8) for _ in range(5000))
    b64 = base64.encodebytes(attachment).replace(b"\n", b"\r\n")
    text4 = "Please find the data attached.\nIt is 5000 random bytes.\n"
    body4 = (b"This is a multi-part message in MIME format.\r\n"
             b"--=_boundary_4\r\n"
             b"Content-Type: text/plain; charset=us-ascii\r\n"
             b"Content-Transfer-Encoding: 7bit\r\n\r\n" + crlf(text4) +
             b"\r\n--=_boundary_4\r\n"
             b"Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
             b"Content-Transfer-Encoding: base64\r\n"
             b"Content-Disposition: attachment; filename=\"data.bin\"\r\n\r\n" + b64 +
             b"\r\n--=_boundary_4--\r\n")
    m = Msg(4, b"msg04 Multipart with an attachment", "msg04 Multipart with an attachment",
            [b"Content-Type: multipart/mixed; boundary=\"=_boundary_4\""], body4)
    m.attachment = attachment
    m.shown_body = text4
    msgs.append(m)

    qp = (b"Caf=E9 au lait co=FBte 2 =A4 chez Zo=EB. This line is long enough to need a soft line br=\r\n"
          b"eak in quoted-printable, and it ends here.\r\n"
          b"Equals sign: =3D, trailing space=20\r\n")
    m = Msg(5, b"msg05 Quoted-printable =?ISO-8859-1?Q?caf=E9_cr=E8me?=", "msg05 Quoted-printable café crème",
            [b"Content-Type: text/plain; charset=iso-8859-15", b"Content-Transfer-Encoding: quoted-printable"], qp)
    m.shown_body = ("Café au lait coûte 2 € chez Zoë. This line is long enough to need a soft line break in "
                    "quoted-printable, and it ends here.\nEquals sign: =, trailing space \n")
    msgs.append(m)

    msgs.append(Msg(6, b"msg06 Delete me", "msg06 Delete me", plain, crlf("This one gets deleted.\n")))

    big = text_lines(rng, 150 * 1024)
    msgs.append(Msg(7, b"msg07 A big one (150 KB)", "msg07 A big one (150 KB)", plain, big))

    body8 = (b"--alt8\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPlain alternative.\r\n"
             b"--alt8\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>HTML <b>alternative</b>.</p>\r\n"
             b"--alt8--\r\n")
    msgs.append(Msg(8, b"msg08 Alternative", "msg08 Alternative",
                    [b"Content-Type: multipart/alternative; boundary=alt8"], body8))

    msgs.append(Msg(9, "msg09 Rohes UTF-8 im Betreff: Größe".encode(), "msg09 Rohes UTF-8 im Betreff: Größe",
                    [b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: 8bit"],
                    crlf("Der Betreff ist nicht kodiert.\n")))

    msgs.append(Msg(10, b"msg10 Flagged and seen", "msg10 Flagged and seen", plain, crlf("Important.\n"),
                    flags=("\\Seen", "\\Flagged")))

    msgs.append(Msg(11, b"msg11 A folded\r\n subject line", "msg11 A folded subject line", plain,
                    crlf("The Subject header spans two lines.\n")))
    return msgs


# --- the neomutt setup ------------------------------------------------------------------------------------------
def write_muttrc(srv, d, folder):
    """The muttrc: no system or user config is read (-n -F), nothing is cached on disk, no prompts."""
    def w(path, text, mode=0o644):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)

    w(d["pipe_sh"], "#!/bin/sh\nexec cat > \"$(mktemp %s/msg.XXXXXX)\"\n" % d["piped"], 0o755)
    w(d["display_sh"], "#!/bin/sh\nexec tee \"$(mktemp %s/shown.XXXXXX)\"\n" % d["shown"], 0o755)

    def mark(name):
        return "<shell-escape><kill-line>touch %s/%s<enter>" % (d["marks"], name)

    def find(token):
        return "<search><kill-line>~s %s<enter>" % token

    macros = {
        ",l": "<tag-pattern><kill-line>~A<enter><tag-prefix><pipe-message><kill-line>%s<enter>"
              "<untag-pattern><kill-line>~A<enter>%s" % (d["pipe_sh"], mark("piped")),
        ",c": "<tag-pattern><kill-line>~A<enter><tag-prefix><copy-message><kill-line>%s<enter>"
              "<untag-pattern><kill-line>~A<enter>%s" % (d["copy"], mark("copied")),
        ",a": "%s<view-attachments><last-entry><save-entry><kill-line>%s<enter><exit>%s"
              % (find("msg04"), d["saved_attachment"], mark("attachment")),
        ",d": "%s<delete-message><sync-mailbox>%s" % (find("msg06"), mark("deleted")),
        ",x": "<enter-command><kill-line>set delete=yes<enter><sync-mailbox>%s" % mark("expunged"),
    }
    for n in (3, 4, 5):
        macros[",v%d" % n] = find("msg%02d" % n) + "<display-message>"
    lines = [
        "# generated by neomutt_test.py",
        "set folder=\"%s\"" % folder,
        "set spool_file=\"%s\"" % folder,
        "set imap_user=\"%s\"" % srv.user,
        "set imap_pass=\"%s\"" % srv.password,
        "set ssl_force_tls=yes",
        "set ssl_ca_certificates_file=\"%s\"" % srv.cafile,
        "set certificate_file=\"%s/certificates\"" % d["home"],  # empty: nothing accepted earlier
        "set ssl_verify_host=yes",
        "set ssl_verify_dates=yes",
        "unset header_cache",
        "unset message_cachedir",
        "set imap_check_subscribed=no",
        "set imap_idle=no",
        "set imap_passive=yes",
        "set imap_keepalive=60",
        "set mail_check=60",
        "set timeout=60",
        "set connect_timeout=20",
        "set charset=utf-8",
        "set shell=/bin/sh",
        "set sleep_time=0",
        "set wait_key=no",
        "set beep=no",
        "set help=no",
        "set quit=yes",
        "set move=no",
        "set mark_old=no",
        "set delete=no",
        "set confirmappend=no",
        "set confirmcreate=no",
        "set mbox_type=Maildir",
        "set record=\"\"",
        "set postponed=\"%s/postponed\"" % d["home"],
        "set trash=\"\"",
        "set sort=date",
        "set use_threads=no",
        "set wrap_search=yes",
        "set pipe_split=yes",
        "set pipe_decode=no",
        "set pipe_sep=\"\"",
        "set display_filter=\"%s\"" % d["display_sh"],
        "set pager_index_lines=0",
        "set pager_stop=yes",
        "set markers=no",
        "set smart_wrap=no",
        "set index_format=\"%4C [%Z] %{%Y-%m-%d %H:%M} %-24.24F %s\"",
        "set status_format=\"-- %f [Msgs:%m Del:%d Flag:%F New:%n] --\"",
        "ignore *",
        "unignore from: to: subject: date: message-id:",
        "hdr_order from: to: subject: date: message-id:",
        "set crypt_autosign=no",
        "set crypt_opportunistic_encrypt=no",
        "set autocrypt=no",
    ]
    for key, keys in macros.items():
        check('"' not in keys and "\\" not in keys, "macro needs no quoting: %r" % keys)
        lines.append("macro index,pager %s \"%s\"" % (key, keys))
    w(d["muttrc"], "\n".join(lines) + "\n", 0o600)


def neomutt_binary():
    path = os.environ.get("NEOMUTT") or shutil.which("neomutt")
    if not path:
        sys.exit("neomutt is not installed (Debian package neomutt; scripts/install-deps.sh installs it)")
    return path


# --- checks -----------------------------------------------------------------------------------------------------
def lf(data):
    return data.replace(b"\r\n", b"\n")


def first_difference(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def describe_difference(got, want):
    i = first_difference(got, want)
    return ("%d bytes, expected %d; first difference at offset %d: got %r, expected %r"
            % (len(got), len(want), i, got[max(0, i - 40):i + 40], want[max(0, i - 40):i + 40]))


MSGID_RE = re.compile(rb"^Message-ID: *(<[^>\r\n]*>)", re.M | re.I)


def by_message_id(paths):
    out = {}
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        m = MSGID_RE.search(data)
        check(m is not None, "%s has no Message-ID: %r" % (p, data[:300]))
        check(m.group(1).decode() not in out, "%s: Message-ID %s twice" % (p, m.group(1)))
        out[m.group(1).decode()] = data
    return out


def check_index(screen, msgs):
    lines = screen.split("\n")
    status = [ln for ln in lines if "[Msgs:" in ln]
    check(len(status) == 1 and "Msgs:%d " % len(msgs) in status[0],
          "status line %r, expected Msgs:%d" % (status, len(msgs)))
    check("=?" not in screen, "an RFC 2047 encoded word is shown undecoded on the index")
    rows = []
    for m in msgs:
        hits = [i for i, ln in enumerate(lines) if ln.endswith(" " + m.shown_subject)]
        check(len(hits) == 1, "the index shows %r on %d lines, expected 1:\n%s" % (m.shown_subject, len(hits), screen))
        line = lines[hits[0]]
        flags = re.search(r"\[(...)\]", line)
        check(flags is not None, "no [flags] on the index line %r" % line)
        new = "N" in flags.group(1)
        check(new == ("\\Seen" not in m.flags), "index line %r: N shown %s, but \\Seen is %s"
              % (line, new, "\\Seen" in m.flags))
        check(("!" in flags.group(1)) == ("\\Flagged" in m.flags), "index line %r: ! vs \\Flagged" % line)
        rows.append(hits[0])
    check(rows == sorted(rows), "index order (sort=date) is not msg01..msg%02d: rows %r" % (len(msgs), rows))
    log("index: %d messages with decoded subjects, flags and Date order as expected" % len(msgs))


def check_piped(d, msgs):
    files = [os.path.join(d["piped"], f) for f in sorted(os.listdir(d["piped"]))]
    check(len(files) == len(msgs), "<pipe-message> of %d tagged messages made %d files" % (len(msgs), len(files)))
    got = by_message_id(files)
    for m in msgs:
        check(m.msgid in got, "no piped message with Message-ID %s" % m.msgid)
        want = lf(m.data)
        check(got[m.msgid] == want, "piped %s (%s) differs from what was appended: %s"
              % (m.token, m.msgid, describe_difference(got[m.msgid], want)))
    log("<pipe-message>: %d messages, %d bytes, byte for byte as appended (LF line ends)"
        % (len(msgs), sum(len(v) for v in got.values())))


def split_lf(data):
    i = data.find(b"\n\n")
    return (data, b"") if i < 0 else (data[:i + 1], data[i + 2:])


def check_copied(d, msgs):
    files = []
    for sub in ("cur", "new"):
        p = os.path.join(d["copy"], sub)
        if os.path.isdir(p):
            files += [os.path.join(p, f) for f in sorted(os.listdir(p))]
    check(len(files) == len(msgs), "<copy-message> to a Maildir: %d files, expected %d (%s)"
          % (len(files), len(msgs), d["copy"]))
    got = by_message_id(files)
    for m in msgs:
        check(m.msgid in got, "no copied message with Message-ID %s" % m.msgid)
        head_got, body_got = split_lf(got[m.msgid])
        head_want, body_want = split_lf(lf(m.data))
        check(body_got == body_want, "copied %s: body differs: %s"
              % (m.token, describe_difference(body_got, body_want)))
        # neomutt may add headers (Status, Lines, Content-Length) but must keep every original one unchanged
        lines_got = re.split(rb"\n(?![ \t])", head_got)
        for h in re.split(rb"\n(?![ \t])", head_want.rstrip(b"\n")):
            check(h in lines_got, "copied %s: header %r missing or changed in %r" % (m.token, h, head_got))
    log("<copy-message> to a local Maildir: %d messages, bodies byte for byte, all header fields kept" % len(msgs))


def check_displayed(nm, d, m):
    before = set(os.listdir(d["shown"]))
    nm.send(",v%d" % m.n)
    first_line = m.shown_body.split("\n")[0]
    nm.wait("the pager with %s's first body line %r" % (m.token, first_line),
            lambda s: first_line in s and len(set(os.listdir(d["shown"])) - before) == 1)
    new = (set(os.listdir(d["shown"])) - before).pop()
    path = os.path.join(d["shown"], new)
    deadline = time.monotonic() + 10  # tee may still be writing
    while True:
        with open(path, "rb") as f:
            shown = f.read().decode("utf-8", "replace")
        if m.shown_body in shown or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check("Subject: " + m.shown_subject in shown, "%s shown without the decoded 'Subject: %s':\n%s"
          % (m.token, m.shown_subject, shown))
    check(m.shown_body in shown, "%s shown without its decoded body %r:\n%s" % (m.token, m.shown_body, shown))
    check("=?" not in shown.split("\n\n")[0], "%s: encoded words left in the shown header:\n%s" % (m.token, shown))
    if m.attachment is not None:
        check(re.search(r"\[-- Attachment #2: data\.bin --\]", shown), "%s: no attachment line shown:\n%s"
              % (m.token, shown))
    nm.send("q")  # back to the index
    nm.wait("the index after the pager", lambda s: "[Msgs:" in s)
    log("<display-message> %s: decoded Subject and body (%d bytes shown)" % (m.token, len(shown.encode())))


def server_state(srv):
    c = srv.connect("127.0.0.1")
    try:
        expect_ok(c.select("INBOX", readonly=True), "EXAMINE INBOX")
        typ, data = c.fetch("1:*", "(UID FLAGS BODY.PEEK[])")
        check(typ == "OK", "FETCH: %s %r" % (typ, data))
        out = {}
        for _, a in parse_fetch(data) if data and data[0] else []:
            m = MSGID_RE.search(a["BODY[]"])
            out[m.group(1).decode()] = (set(a["FLAGS"]), a["BODY[]"])
        c.logout()
        return out
    except BaseException:
        try:
            c.shutdown()
        except Exception:
            pass
        raise


# --- the protocol trace -----------------------------------------------------------------------------------------
COMMAND_RE = re.compile(r"\] ?<\d> mutt_socket_write_d\(\) \d+> (a\d{4}) (.*)$")
PIPELINED_RE = re.compile(r"^(a\d{4}) (.*)$")  # further commands written in the same send() have no prefix
TAGGED_RE = re.compile(r"mutt_socket_readln_d\(\) \d+< (a\d{4}) (OK|NO|BAD)\b ?(.*)$")


def debug_log_file(path):
    """neomutt -l FILE writes FILE0 (and rotates older runs to FILE1, ...): the newest of them."""
    candidates = [p for p in (path, path + "0") if os.path.exists(p)]
    return max(candidates, key=os.path.getmtime) if candidates else path


def summarize_log(path):
    """Returns (commands, answers): the IMAP commands neomutt sent, in order, as (tag, text), and
    {tag: (status, text)} from the tagged responses (logged at -d 5)."""
    commands, answers = [], {}
    try:
        with open(debug_log_file(path), encoding="utf-8", errors="replace") as f:
            after_write = False
            for line in f:
                line = line.rstrip("\r\n")
                m = COMMAND_RE.search(line)
                if m:
                    commands.append((m.group(1), m.group(2)))
                    after_write = True
                    continue
                m = PIPELINED_RE.match(line) if after_write else None
                if m:
                    commands.append((m.group(1), m.group(2)))
                    continue
                after_write = False
                m = TAGGED_RE.search(line)
                if m:
                    answers[m.group(1)] = (m.group(2), m.group(3).strip())
    except OSError:
        pass
    return commands, answers


def command_shape(text):
    """A command with its arguments reduced to their shape: numbers and sets become N, strings "...", and the
    credentials are hidden."""
    text = re.sub(r"^(AUTHENTICATE \S+) \S+$", r"\1 <initial response>", text)
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '"..."', text)
    text = re.sub(r"\b\d+(?::(?:\d+|\*))?(?:,\d+(?::(?:\d+|\*))?)*\b", "N", text)
    return text


def report_commands(path, deferred):
    """Prints the commands neomutt sent; every answer other than OK becomes a failure (none is expected)."""
    commands, answers = summarize_log(path)
    if not commands:
        log("(no IMAP commands found in neomutt's debug log %s)" % debug_log_file(path))
        return
    shapes = collections.OrderedDict()
    for tag, text in commands:
        shape = command_shape(text)
        shapes[shape] = shapes.get(shape, 0) + 1
    log("IMAP commands neomutt sent (%d in all; arguments reduced to their shape):" % len(commands))
    for shape, count in shapes.items():
        log("  %4d x %s" % (count, shape))
    for tag, text in commands:
        if tag in answers and answers[tag][0] != "OK":
            status, why = answers[tag]
            log("  server answered %s to %s %s: %s" % (status, tag, command_shape(text), why))
            deferred.append("the server answered %s to neomutt's %s %s: %s" % (status, tag, command_shape(text), why))
    unanswered = [command_shape(text) for tag, text in commands if tag not in answers]
    if unanswered:
        log("  (no tagged answer in the log for: %s)" % "; ".join(unanswered[:10]))


def squeeze(screen):
    """The screen without trailing blank lines, runs of blank lines shown as one marker line."""
    out, blank = [], 0
    for line in screen.rstrip().split("\n"):
        if line.strip():
            if blank:
                out.append("[%d blank line%s]" % (blank, "s" if blank > 1 else "") if blank > 1 else "")
            blank = 0
            out.append(line)
        else:
            blank += 1
    return "\n".join(out)


def dump_diagnostics(nm, d):
    if nm is not None:
        log("--- neomutt's screen (%dx%d) ---\n%s\n--- end of screen ---" % (ROWS, COLS, squeeze(nm.text())))
    path = debug_log_file(d["debuglog"])
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            tail = f.read().splitlines()[-80:]
        log("--- neomutt's debug log (last lines, %s) ---\n%s" % (path, "\n".join(tail)))
    except OSError:
        log("(no neomutt debug log at %s)" % path)


# --- main -------------------------------------------------------------------------------------------------------
def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    neomutt = neomutt_binary()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(Failure("time limit of %d s reached" % TIME_LIMIT)))
    signal.alarm(TIME_LIMIT)
    t0 = time.monotonic()
    msgs = build_messages()
    deferred = []
    with SealboxServer(binary, prefix="sealbox-neomutt-") as srv:
        home = os.path.join(srv.base, "home")
        d = {"home": home, "muttrc": os.path.join(srv.base, "muttrc"), "piped": os.path.join(srv.base, "piped"),
             "shown": os.path.join(srv.base, "shown"), "marks": os.path.join(srv.base, "marks"),
             "copy": os.path.join(srv.base, "copy"), "saved_attachment": os.path.join(srv.base, "data.bin"),
             "pipe_sh": os.path.join(srv.base, "pipe.sh"), "display_sh": os.path.join(srv.base, "display.sh"),
             "debuglog": os.path.join(srv.base, "neomutt-debug.log"),
             "transcript": os.path.join(srv.base, "neomutt-screen.raw")}
        for k in ("home", "piped", "shown", "marks"):
            os.makedirs(d[k])
        os.makedirs(os.path.join(home, "tmp"))

        c = srv.connect("localhost")
        for m in msgs:
            flags = "(" + " ".join(sorted(m.flags)) + ")" if m.flags else None
            expect_ok(c.append("INBOX", flags, None, m.data), "APPEND %s" % m.token)
        typ, data = c.select("INBOX", readonly=True)  # what neomutt's SELECT will see
        check(typ == "OK" and data[0] == str(len(msgs)).encode(), "EXAMINE INBOX after %d APPENDs: %s %r"
              % (len(msgs), typ, data))
        c.logout()
        log("APPEND %d messages to INBOX (%d bytes)" % (len(msgs), sum(len(m.data) for m in msgs)))

        folder = "imaps://%s@127.0.0.1:%d/" % (srv.user, srv.port)
        write_muttrc(srv, d, folder)
        env = {"HOME": home, "TERM": "vt100", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
               "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SHELL": "/bin/sh", "TMPDIR": os.path.join(home, "tmp"),
               "XDG_CONFIG_HOME": os.path.join(home, ".config"), "LINES": str(ROWS), "COLUMNS": str(COLS),
               "EDITOR": "/bin/false", "VISUAL": "/bin/false", "PAGER": "cat"}
        argv = [neomutt, "-n", "-F", d["muttrc"], "-d", "5", "-l", d["debuglog"], "-f", folder + "INBOX"]
        log("running: %s (TERM=vt100, %dx%d, HOME=%s)" % (" ".join(argv), ROWS, COLS, home))
        nm = None
        try:
            t1 = time.monotonic()
            nm = Neomutt(argv, env, srv.base, d["transcript"])
            screen = nm.wait("the index with all %d subjects" % len(msgs),
                             lambda s: "[Msgs:%d " % len(msgs) in s and all(m.shown_subject in s for m in msgs))
            log("neomutt shows the index: %.2f s" % (time.monotonic() - t1))
            check_index(screen, msgs)

            nm.send(",l")
            nm.wait_file("the end of <pipe-message>", os.path.join(d["marks"], "piped"))
            check_piped(d, msgs)

            nm.send(",c")
            nm.wait_file("the end of <copy-message>", os.path.join(d["marks"], "copied"))
            check_copied(d, msgs)

            for m in msgs:
                if m.shown_body is not None:
                    check_displayed(nm, d, m)

            nm.send(",a")
            nm.wait_file("the end of <save-entry>", os.path.join(d["marks"], "attachment"))
            with open(d["saved_attachment"], "rb") as f:
                saved = f.read()
            want = msgs[3].attachment
            check(saved == want, "the saved attachment differs: %s" % describe_difference(saved, want))
            log("<view-attachments> <save-entry>: data.bin (%d bytes) decoded byte for byte" % len(saved))

            doomed = msgs[5]
            nm.send(",d")
            nm.wait_file("the end of <delete-message><sync-mailbox>", os.path.join(d["marks"], "deleted"))
            state = server_state(srv)
            check(len(state) == len(msgs), "after sync with delete=no the server has %d messages, expected %d"
                  % (len(state), len(msgs)))
            check("\\Deleted" in state[doomed.msgid][0], "after <delete-message><sync-mailbox> (delete=no) %s has "
                  "FLAGS %r on the server, expected \\Deleted" % (doomed.token, sorted(state[doomed.msgid][0])))
            others = [m.msgid for m in msgs if m is not doomed and "\\Deleted" in state[m.msgid][0]]
            check(not others, "\\Deleted on messages never deleted: %r" % others)
            log("<delete-message> <sync-mailbox> (delete=no): \\Deleted stored on the server, nothing expunged")

            nm.send(",x")
            nm.wait_file("the end of <sync-mailbox> with delete=yes", os.path.join(d["marks"], "expunged"))
            state = server_state(srv)
            survivors = [m for m in msgs if m is not doomed]
            check(sorted(state) == sorted(m.msgid for m in survivors), "after sync with delete=yes the server has %r, "
                  "expected all but %s" % (sorted(state), doomed.msgid))
            for m in survivors:
                check(state[m.msgid][1] == m.data, "after expunge: %s's body changed on the server" % m.token)
            nm.wait("Msgs:%d in the status line" % len(survivors), lambda s: "[Msgs:%d " % len(survivors) in s)
            log("<sync-mailbox> (delete=yes): %s expunged on the server, %d others unchanged, index shows %d"
                % (doomed.token, len(survivors), len(survivors)))

            nm.send("q")
            status = nm.wait_exit(STEP_TIMEOUT)
            check(status is not None, "neomutt did not exit within %d s of <quit>" % STEP_TIMEOUT)
            check(status == 0, "neomutt exited with status %d" % status)
            log("<quit>: neomutt exited with status 0 after %.1f s" % (time.monotonic() - t1))
        except BaseException:
            dump_diagnostics(nm, d)
            raise
        finally:
            if nm is not None:
                nm.close()
            report_commands(d["debuglog"], deferred)
    log("interop_neomutt: done in %.1f s" % (time.monotonic() - t0))
    finish("interop_neomutt", deferred)


if __name__ == "__main__":
    run(main)
