"""Helpers shared by the interop scripts: modified UTF-7 (RFC 3501 §5.1.3), imaplib FETCH response parsing,
uid-set parsing, and test message generation."""

import base64
import contextlib
import sys
import random
import re
from datetime import datetime


class Failure(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


@contextlib.contextmanager
def logged_out(c):
    """Runs the block on the logged-in imaplib connection c; then LOGOUT must answer BYE. If the block fails, the
    connection is only shut down (no LOGOUT), and the failure propagates."""
    try:
        yield c
    except BaseException:
        try:
            c.shutdown()
        except Exception:
            pass
        raise
    typ, data = c.logout()
    check(typ == "BYE", "LOGOUT: %s %r" % (typ, data))


def expect_ok(result, what):
    typ, data = result
    if typ != "OK":
        raise Failure("%s: expected OK, got %s %r" % (what, typ, data))
    return data


# --- modified UTF-7 ---------------------------------------------------------------------------------------------
def mutf7_encode(name):
    out = []
    pending = []

    def flush():
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- FETCH responses --------------------------------------------------------------------------------------------
class Literal(bytes):
    pass


_NEW_RESPONSE = re.compile(rb"^\d+ \(")
_LITERAL_AT_END = re.compile(rb"\{(\d+)\+?\}$")


def _segments(data):
    """Groups imaplib's FETCH data (bytes and (head, literal) tuples; after a literal the rest of the line comes as
    the next element) into one list of segments per untagged response."""
    responses = []
    for item in data:
        if item is None:
            continue
        head = item[0] if isinstance(item, tuple) else item
        if _NEW_RESPONSE.match(head) or not responses:
            responses.append([])
        if isinstance(item, tuple):
            m = _LITERAL_AT_END.search(head)
            check(m is not None, "literal without {n}: %r" % head[:200])
            check(int(m.group(1)) == len(item[1]), "literal size %s but %d bytes" % (m.group(1), len(item[1])))
            responses[-1].append(head[:m.start()])
            responses[-1].append(Literal(item[1]))
        else:
            responses[-1].append(head)
    return responses


def _tokens(segments):
    for seg in segments:
        if isinstance(seg, Literal):
            yield ("lit", bytes(seg))
            continue
        s = seg.decode("utf-8", "surrogateescape")
        i = 0
        while i < len(s):
            c = s[i]
            if c == " ":
                i += 1
            elif c in "()":
                yield (c, c)
                i += 1
            elif c == '"':
                j = i + 1
                buf = []
                while s[j] != '"':
                    if s[j] == "\\":
                        j += 1
                    buf.append(s[j])
                    j += 1
                yield ("str", "".join(buf))
                i = j + 1
            else:
                j = i
                depth = 0
                while j < len(s) and (depth > 0 or s[j] not in " ()"):
                    if s[j] == "[":
                        depth += 1
                    elif s[j] == "]":
                        depth -= 1
                    j += 1
                yield ("atom", s[i:j])
                i = j


def _parse_list(tokens):
    out = []
    for kind, value in tokens:
        if kind == ")":
            return out
        if kind == "(":
            out.append(_parse_list(tokens))
        else:
            out.append(value)
    raise Failure("unterminated list in FETCH response")


def parse_fetch(data):
    """Returns [(seq, {ITEM: value})] in response order. FLAGS values are lists of str, literals bytes, other
    values str (numbers too). Item names are upper-cased."""
    result = []
    for segments in _segments(data):
        tokens = _tokens(segments)
        kind, seq = next(tokens)
        check(kind == "atom" and seq.isdigit(), "FETCH response without a number: %r" % segments[:1])
        check(next(tokens)[0] == "(", "FETCH response without a list")
        items = _parse_list(tokens)
        check(len(items) % 2 == 0, "odd FETCH item list: %r" % items)
        attrs = {}
        for k in range(0, len(items), 2):
            attrs[items[k].upper()] = items[k + 1]
        result.append((int(seq), attrs))
    return result


def parse_uid_set(text):
    uids = []
    for part in text.split(","):
        if ":" in part:
            a, b = map(int, part.split(":"))
            lo, hi = min(a, b), max(a, b)
            uids.extend(range(lo, hi + 1))
        else:
            uids.append(int(part))
    return uids


def uid_set(uids):
    uids = sorted(uids)
    parts = []
    i = 0
    while i < len(uids):
        j = i
        while j + 1 < len(uids) and uids[j + 1] == uids[j] + 1:
            j += 1
        parts.append(str(uids[i]) if i == j else "%d:%d" % (uids[i], uids[j]))
        i = j + 1
    return ",".join(parts)


def response_code(data, code):
    """The arguments of [CODE ...] in a tagged response's text, e.g. APPENDUID -> ['1700000', '1']."""
    for line in data:
        if isinstance(line, tuple):
            line = line[0]
        m = re.search(rb"\[" + code.encode() + rb" ([^\]]*)\]", line or b"")
        if m:
            return m.group(1).decode().split()
    raise Failure("no [%s] in %r" % (code, data))


def internaldate_epoch(text):
    return datetime.strptime(text, "%d-%b-%Y %H:%M:%S %z").timestamp()


# --- messages ---------------------------------------------------------------------------------------------------
WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa "
         "quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()
UTF8_WORDS = ["Grüße", "déjà", "vu", "naïve", "Ærøskøbing", "Straße", "日本語", "テキスト", "Ελληνικά", "русский",
              "emoji😀", "✉️", "ﬁ", "€uro", "½"]


def text_lines(rng, size, utf8=False, eol=b"\r\n"):
    """About `size` bytes of text lines ending in eol."""
    out = bytearray()
    words = WORDS + (UTF8_WORDS if utf8 else [])
    while len(out) < size:
        n = rng.randint(1, 14)
        line = " ".join(rng.choice(words) for _ in range(n))
        if rng.random() < 0.05:
            line = rng.choice([")", "* BYE not really", "A001 OK fake", "{12}", ".", "From the start", "--"])
        out += line.encode("utf-8") + eol
    return bytes(out)


def binary_lines(rng, size, eol=b"\r\n"):
    """About `size` bytes of every octet but NUL, CR and LF, in lines ending in eol."""
    alphabet = bytes(b for b in range(1, 256) if b not in (10, 13))
    out = bytearray()
    while len(out) < size:
        n = rng.randint(0, 200)
        out += bytes(rng.choice(alphabet) for _ in range(n)) + eol
    return bytes(out)


def make_message(rng, index, size, kind, eol=b"\r\n", tag="interop"):
    """A message with a unique Message-ID; kind is 'ascii', 'utf8' or 'binary'."""
    msgid = "<%s-%d-%08x@sealbox.test>" % (tag, index, rng.getrandbits(32))
    subject = "%s message %d (%s, %d bytes)" % (tag, index, kind, size)
    headers = [
        "From: Interop Sender <sender@example.test>",
        "To: Alice <alice@example.test>",
        "Subject: " + (subject + " Grüße ✉" if kind == "utf8" else subject),
        "Date: Mon, 02 Jan 2023 15:04:%02d +0100" % (index % 60),
        "Message-ID: " + msgid,
        "X-Folded: first part of a folded header",
        "\tcontinued on a second line",
        "MIME-Version: 1.0",
    ]
    if kind == "ascii":
        headers.append("Content-Type: text/plain; charset=us-ascii")
        body = text_lines(rng, size, False, eol)
    elif kind == "utf8":
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: 8bit")
        body = text_lines(rng, size, True, eol)
    else:
        headers.append("Content-Type: application/octet-stream")
        headers.append("Content-Transfer-Encoding: 8bit")
        body = binary_lines(rng, size, eol)
    head = eol.join(h.encode("utf-8") for h in headers) + eol + eol
    return msgid, head + body


def split_header(message):
    """RFC 3501 header part: up to and including the blank line (all of it if there is none)."""
    m = re.search(rb"\r?\n\r?\n", message)
    if not m:
        return message, b""
    return message[:m.end()], message[m.end():]


def header_fields(message, names):
    """BODY[HEADER.FIELDS (names)]: the listed fields (with continuation lines) in message order, then a blank
    line."""
    header, _ = split_header(message)
    wanted = {n.lower() for n in names}
    out = bytearray()
    keep = False
    for line in header.splitlines(keepends=True):
        if line in (b"\r\n", b"\n"):
            break
        if line[:1] in (b" ", b"\t"):
            if keep:
                out += line
            continue
        name = line.split(b":", 1)[0].strip().decode("latin-1").lower()
        keep = name in wanted
        if keep:
            out += line
    return bytes(out) + b"\r\n"


def new_rng(seed):
    return random.Random(seed)


def finish(name, deferred):
    """Raises one Failure listing every deferred problem, or logs that all checks passed."""
    if deferred:
        raise Failure("\n  ".join(["%d problem(s) found:" % len(deferred)] + deferred))
    print("%s: all checks passed" % name, flush=True)


def run(main):
    """The script entry point: exit 1 with the failure's text, 0 when main() returns."""
    try:
        main()
    except Failure as e:
        print("FAILED: %s" % e, flush=True)
        sys.exit(1)

