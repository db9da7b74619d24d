#!/usr/bin/env python3
"""interop_imaplib_structure: Python's imaplib fetches ENVELOPE, BODY and BODYSTRUCTURE for the MIME corpus
(test/corpus) from a real `sealbox serve`, with certificate verification on, and the results must match the
corpus' hand-written expectations.

    imaplib_structure_test.py [SEALBOX_BINARY]      (or SEALBOX_BIN in the environment)

1. APPEND every test/corpus/*.eml to INBOX with imaplib (the empty one and the one with NUL bytes too: a literal
   may hold any octets; bare-lf.eml goes through imaplib's literal machinery directly, because IMAP4.append()
   rewrites bare LF to CRLF), checking APPENDUID; SELECT; FETCH BODY.PEEK[] and RFC822.SIZE byte for byte.
2. Per message, FETCH n (ENVELOPE BODY BODYSTRUCTURE). imaplib hands the response back in pieces (a (head, literal)
   tuple per literal, then the rest of the line); they are put back together into the bytes the server sent and
   parsed by the small IMAP tokenizer below (atoms, numbers, NIL, quoted strings with escapes, literals, nested
   lists). Each item must equal NAME.envelope / NAME.body / NAME.bodystructure twice: the raw bytes of the value,
   and the parsed tree against the file parsed by the same tokenizer (so a client reads the same structure).
   A FETCH 1:* of the same items must give the same bytes per message (several responses in one imaplib answer).
3. Walks each BODYSTRUCTURE as a client would and numbers the parts (RFC 3501 §6.4.5: children of a multipart are
   1, 2, ...; a message/rfc822 part continues into its encapsulated message; a non-multipart message body is
   part 1). For every non-multipart part: BODY.PEEK[p] is exactly body-fld-octets bytes, its line count is
   body-fld-lines (text/* and message/rfc822), it occurs in the .eml, BODY.PEEK[p.MIME] ends with a blank line
   (except a part with no body and no blank line, the §6.4.5 exception) and MIME + body occur together in the
   .eml. For message/rfc822 parts also p.HEADER (starts with the encapsulated message's first header line, is a
   prefix of BODY[p]) and p.TEXT (HEADER + TEXT = BODY[p]). A multipart with a number of its own (one inside
   another) gets BODY[p] and p.MIME: together in the .eml, the MIME header ending with a blank line.
4. UID SEARCH with imaplib: SUBJECT report; CHARSET UTF-8 BODY / SUBJECT / TEXT with 8-bit UTF-8 needles sent
   as literals (imap.literal = needle). The expected sets were read off the .eml files (see SEARCHES); the script
   first checks them against Python's own MIME decoding of the corpus, so a changed corpus cannot go unnoticed.

Every mismatch is collected (message, part, both values) and reported at the end.
"""

import email
import email.header
import email.policy
import glob
import os
import re
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaplib  # noqa: E402

from imap_util import Failure, check, expect_ok, finish, logged_out, response_code, run  # noqa: E402
from sealbox_fixture import SealboxServer, find_binary, log  # noqa: E402

TIME_LIMIT = 300  # seconds for the whole script (ctest's TIMEOUT is 600)
CORPUS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus"))
ITEMS = ("ENVELOPE", "BODY", "BODYSTRUCTURE")

# (imaplib arguments before the needle, needle, corpus messages that must match). Read off the .eml files:
# - SUBJECT report: "Subject: Report" (nested-alternative) and "Subject: Fwd: Report" (forwarded-rfc822; its
#   attached message's Subject does not count, the top level already matches). No other Subject has "report".
# - BODY café: nested-alternative ("Caf=C3=A9" in two quoted-printable parts) and transfer-encodings (Caf=C3=A9
#   quoted-printable, "café" raw 8BIT). Matching "Café" needs transfer decoding and case folding.
# - BODY köln: only charsets ("Grüße aus Köln." in ISO-8859-1 8bit). eight-bit-headers has Köln only in its
#   Subject, which BODY must not search.
# - TEXT köln: charsets (body) and eight-bit-headers (raw UTF-8 Subject).
# - SUBJECT привет: charsets (=?koi8-r?B?8NLJ18XU?= decodes to "Привет"); lower case, so case folding of Cyrillic.
SEARCHES = [
    (("SUBJECT",), "report", {"nested-alternative", "forwarded-rfc822"}),
    (("CHARSET", "UTF-8", "BODY"), "café", {"nested-alternative", "transfer-encodings"}),
    (("CHARSET", "UTF-8", "BODY"), "köln", {"charsets"}),
    (("CHARSET", "UTF-8", "TEXT"), "köln", {"charsets", "eight-bit-headers"}),
    (("CHARSET", "UTF-8", "SUBJECT"), "привет", {"charsets"}),
]


# --- a small IMAP response tokenizer ----------------------------------------------------------------------------
class Atom(str):
    """An atom (not a string): compares equal only to atoms and str, never to a quoted string (bytes)."""


class ParseError(Failure):
    pass


_ATOM_END = b" ()\r\n\"{"


def parse_value(buf, i):
    """Parses one value at buf[i:]. Returns (value, end). Values: None (NIL), int (number), bytes (quoted string or
    literal, content only), Atom (other atoms, including section specs such as BODY[1.MIME] or BODY[]<0>), list
    (parenthesized list)."""
    if i >= len(buf):
        raise ParseError("value expected at end of input (offset %d)" % i)
    c = buf[i:i + 1]
    if c == b"(":
        out = []
        i += 1
        while True:
            if i >= len(buf):
                raise ParseError("unterminated list")
            if buf[i:i + 1] == b")":
                return out, i + 1
            if out:  # elements of a list are separated by one SP, except a body list: "1*body" (no SP between)
                if buf[i:i + 1] == b" ":
                    i += 1
                elif not (buf[i:i + 1] == b"(" and isinstance(out[-1], list)):
                    raise ParseError("no SP before %r at offset %d" % (buf[i:i + 20], i))
            v, i = parse_value(buf, i)
            out.append(v)
    if c == b'"':
        out = bytearray()
        i += 1
        while True:
            if i >= len(buf):
                raise ParseError("unterminated quoted string")
            b = buf[i]
            if b == 0x22:
                return bytes(out), i + 1
            if b == 0x5C:
                if i + 1 >= len(buf) or buf[i + 1] not in (0x22, 0x5C):
                    raise ParseError("bad escape in quoted string at offset %d" % i)
                out.append(buf[i + 1])
                i += 2
                continue
            if b in (0x0D, 0x0A, 0x00):
                raise ParseError("CR, LF or NUL in a quoted string at offset %d" % i)
            out.append(b)
            i += 1
    if c == b"{":
        m = re.compile(rb"\{(\d+)\}\r\n").match(buf, i)
        if not m:
            raise ParseError("bad literal header %r at offset %d" % (buf[i:i + 20], i))
        n = int(m.group(1))
        start = m.end()
        if start + n > len(buf):
            raise ParseError("literal of %d bytes runs past the end" % n)
        return bytes(buf[start:start + n]), start + n
    # An atom; a "[...]" inside it (section spec) may hold spaces and parentheses.
    j = i
    depth = 0
    while j < len(buf):
        b = buf[j:j + 1]
        if b == b"[":
            depth += 1
        elif b == b"]":
            depth -= 1
        elif depth == 0 and b in _ATOM_END:
            break
        j += 1
    if j == i:
        raise ParseError("unexpected %r at offset %d" % (buf[i:i + 20], i))
    text = buf[i:j].decode("ascii")
    if text.upper() == "NIL":
        return None, j
    if text.isdigit():
        return int(text), j
    return Atom(text), j


def parse_whole(buf):
    v, end = parse_value(buf, 0)
    if end != len(buf):
        raise ParseError("%d bytes left after the value: %r" % (len(buf) - end, buf[end:end + 40]))
    return v


def reassemble(data):
    """imaplib's answer for FETCH -> the response lines as the server sent them (without "* " and "FETCH " and the
    final CRLF), one bytes per untagged response. A (head, literal) tuple stands for head "{n}" CRLF literal; the
    element after it is the rest of that line. A new response starts with "<number> (" after a complete line."""
    responses = []
    in_line = False  # the previous element ended in a literal, so this one continues the same line
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, lit = item
            m = re.search(rb"\{(\d+)\}$", head)
            check(m is not None, "literal without {n}: %r" % head[-80:])
            check(int(m.group(1)) == len(lit), "literal announced %s bytes, imaplib read %d" % (m.group(1), len(lit)))
            piece, ends_in_literal = head + b"\r\n" + lit, True
        else:
            piece, ends_in_literal = item, False
        if in_line:
            responses[-1] += piece
        else:
            check(re.match(rb"\d+ \(", piece) is not None, "FETCH response does not start with 'n (': %r"
                  % piece[:80])
            responses.append(bytearray(piece))
        in_line = ends_in_literal
    return [bytes(r) for r in responses]


def parse_fetch_response(raw):
    """'n (NAME value NAME value ...)' -> (n, {NAME: (value, raw bytes of the value)}); names upper-cased."""
    m = re.match(rb"(\d+) ", raw)
    check(m is not None, "no message number in %r" % raw[:80])
    i = m.end()
    check(raw[i:i + 1] == b"(" and raw.endswith(b")"), "FETCH data is not one list: %r" % raw[:80])
    i += 1
    items = {}
    while True:
        name, i = parse_value(raw, i)
        check(isinstance(name, Atom), "FETCH item name %r" % (name,))
        check(raw[i:i + 1] == b" ", "no SP after %s" % name)
        start = i + 1
        value, i = parse_value(raw, start)
        check(name.upper() not in items, "item %s twice" % name)
        items[name.upper()] = (value, raw[start:i])
        if raw[i:i + 1] == b")":
            check(i + 1 == len(raw), "%d bytes after the FETCH list" % (len(raw) - i - 1))
            return int(m.group(1)), items
        check(raw[i:i + 1] == b" ", "no SP between FETCH items at offset %d: %r" % (i, raw[i:i + 20]))
        i += 1


# --- the corpus -------------------------------------------------------------------------------------------------
class Message:
    def __init__(self, name):
        self.name = name
        base = os.path.join(CORPUS, name)
        with open(base + ".eml", "rb") as f:
            self.data = f.read()
        self.expected = {}
        for item, ext in zip(ITEMS, ("envelope", "body", "bodystructure")):
            with open(base + "." + ext, "rb") as f:
                raw = f.read()
            self.expected[item] = (parse_whole(raw), raw)
        self.uid = None
        self.seq = None


def load_corpus():
    names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(CORPUS, "*.eml")))
    check(len(names) >= 20, "only %d messages in %s" % (len(names), CORPUS))
    msgs = [Message(n) for n in names]
    log("corpus: %d messages from %s (the expectation files parse)" % (len(msgs), CORPUS))
    return msgs


def text_of_parts(msg_bytes):
    """Python's email package: the decoded text of every non-multipart part (nested messages included) and the
    decoded top-level Subject, lower-cased. Only used to double-check the hand-picked SEARCH expectations."""
    m = email.message_from_bytes(msg_bytes, policy=email.policy.compat32)
    body = []
    for p in m.walk():
        if p.is_multipart():
            continue
        payload = p.get_payload(decode=True)
        if payload is None:
            continue
        try:
            body.append(payload.decode(p.get_content_charset() or "us-ascii", "replace"))
        except LookupError:
            body.append(payload.decode("latin-1"))
    subject = m.get("Subject")
    try:
        subject = str(email.header.make_header(email.header.decode_header(subject))) if subject else ""
    except Exception:
        subject = str(subject)
    raw_subject = b"".join(re.findall(rb"(?im)^subject:([^\r\n]*)", msg_bytes.split(b"\r\n\r\n", 1)[0])[:1])
    return "\n".join(body).lower(), subject.lower(), raw_subject.decode("utf-8", "replace").lower()


def check_search_expectations(msgs):
    for args, needle, expected in SEARCHES:
        got = set()
        for m in msgs:
            body, subject, raw_subject = text_of_parts(m.data)
            key = args[-1]
            if key == "BODY" and needle in body:
                got.add(m.name)
            elif key == "SUBJECT" and needle in subject:
                got.add(m.name)
            elif key == "TEXT" and (needle in body or needle in raw_subject or needle in subject):
                got.add(m.name)
        check(got == expected, "the SEARCH %s %s expectation %s disagrees with Python's MIME decoding of the "
              "corpus (%s): update SEARCHES" % (" ".join(args), needle, sorted(expected), sorted(got)))


# --- steps ------------------------------------------------------------------------------------------------------
MAP_CRLF = re.compile(rb"\r\n|\r(?!\n)|\n")  # what IMAP4.append() does to a message


def append_all(c, msgs):
    t0 = time.monotonic()
    uidvalidity = None
    raw_path = []
    for m in msgs:
        if MAP_CRLF.sub(b"\r\n", m.data) == m.data:
            data = expect_ok(c.append("INBOX", None, None, m.data), "APPEND " + m.name)
        else:
            # IMAP4.append() would turn bare LF into CRLF; imaplib's literal support sends the bytes unchanged.
            raw_path.append(m.name)
            c.literal = m.data
            data = expect_ok(c._simple_command("APPEND", "INBOX"), "APPEND " + m.name)
        v, uid = response_code(data, "APPENDUID")
        check(uidvalidity in (None, int(v)), "APPENDUID validity changed: %s after %s" % (v, uidvalidity))
        uidvalidity = int(v)
        m.uid = int(uid)
    uids = [m.uid for m in msgs]
    check(uids == sorted(uids) and len(set(uids)) == len(uids), "APPENDUIDs not ascending: %r" % uids)
    log("APPEND %d messages (%d bytes; empty, NUL bytes and 8-bit included; %s sent as a raw literal): %.2f s"
        % (len(msgs), sum(len(m.data) for m in msgs), ", ".join(raw_path) or "none", time.monotonic() - t0))
    typ, data = c.select("INBOX")
    check(typ == "OK" and int(data[0]) == len(msgs), "SELECT INBOX: %s %r, expected %d" % (typ, data, len(msgs)))
    typ, v = c.response("UIDVALIDITY")
    check(int(v[0]) == uidvalidity, "UIDVALIDITY %r, APPENDUID said %d" % (v, uidvalidity))
    typ, data = c.fetch("1:*", "(UID RFC822.SIZE BODY.PEEK[])")
    check(typ == "OK", "FETCH BODY.PEEK[]: %s %r" % (typ, data))
    responses = [parse_fetch_response(r) for r in reassemble(data)]
    check(len(responses) == len(msgs), "%d FETCH responses for %d messages" % (len(responses), len(msgs)))
    for (seq, items), m in zip(responses, msgs):
        m.seq = seq
        check(items["UID"][0] == m.uid, "%s: seq %d has UID %r, APPENDUID said %d" % (m.name, seq, items["UID"][0],
                                                                                     m.uid))
        check(items["RFC822.SIZE"][0] == len(m.data), "%s: RFC822.SIZE %r, the .eml has %d bytes"
              % (m.name, items["RFC822.SIZE"][0], len(m.data)))
        check(items["BODY[]"][0] == m.data, "%s: BODY[] (%d bytes) differs from the .eml (%d bytes)"
              % (m.name, len(items["BODY[]"][0] or b""), len(m.data)))
    log("SELECT, FETCH 1:* (UID RFC822.SIZE BODY.PEEK[]): every message stored byte for byte")


def first_difference(a, b):
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    return "first difference at byte %d: got %r, expected %r" % (i, a[max(0, i - 30):i + 50], b[max(0, i - 30):i + 50])


def show(raw, limit=600):
    return repr(raw) if len(raw) <= limit else "%r ... (%d bytes)" % (raw[:limit], len(raw))


def compare_structures(c, msgs, deferred):
    t0 = time.monotonic()
    literal_items = 0
    for m in msgs:
        typ, data = c.fetch(str(m.seq), "(%s)" % " ".join(ITEMS))
        check(typ == "OK", "%s: FETCH %s: %s %r" % (m.name, " ".join(ITEMS), typ, data))
        literal_items += sum(1 for d in data if isinstance(d, tuple))
        raws = reassemble(data)
        check(len(raws) == 1, "%s: %d FETCH responses to a FETCH of one message" % (m.name, len(raws)))
        m.response = raws[0]
        try:
            seq, items = parse_fetch_response(raws[0])
        except ParseError as e:
            deferred.append("%s: the FETCH response does not parse (%s): %s" % (m.name, e, show(raws[0])))
            m.items = None
            continue
        check(seq == m.seq, "%s: FETCH %d answered for %d" % (m.name, m.seq, seq))
        check(set(items) == set(ITEMS), "%s: FETCH items %r" % (m.name, sorted(items)))
        m.items = items
        for item in ITEMS:
            got_tree, got_raw = items[item]
            exp_tree, exp_raw = m.expected[item]
            if got_raw != exp_raw:
                deferred.append("%s: %s bytes differ from %s.%s; %s\n    got      %s\n    expected %s"
                                % (m.name, item, m.name, item.lower(), first_difference(got_raw, exp_raw),
                                   show(got_raw), show(exp_raw)))
            if got_tree != exp_tree:
                deferred.append("%s: %s parses to a different tree than the expectation file:\n    got      %r\n"
                                "    expected %r" % (m.name, item, got_tree, exp_tree))
    log("FETCH n (ENVELOPE BODY BODYSTRUCTURE) of each message: raw bytes and parsed trees compared with the "
        "corpus (%d of the answers carried literals): %.2f s" % (literal_items, time.monotonic() - t0))
    # The same items for all messages in one command: imaplib mixes every response into one list.
    typ, data = c.fetch("1:*", "(%s)" % " ".join(ITEMS))
    check(typ == "OK", "FETCH 1:* %s: %s" % (" ".join(ITEMS), typ))
    raws = reassemble(data)
    check(len(raws) == len(msgs), "FETCH 1:*: %d responses for %d messages" % (len(raws), len(msgs)))
    for raw, m in zip(raws, msgs):
        if raw != m.response:
            deferred.append("%s: FETCH 1:* gave other bytes than FETCH %d: %s" % (m.name, m.seq,
                                                                                first_difference(raw, m.response)))
    log("FETCH 1:* (ENVELOPE BODY BODYSTRUCTURE): the same bytes per message")


# --- walking BODYSTRUCTURE --------------------------------------------------------------------------------------
def lower(v):
    return v.decode("latin-1").lower() if isinstance(v, bytes) else None


def is_multipart(body):
    return isinstance(body, list) and body and isinstance(body[0], list)


def number_message(body, prefix, out):
    """Appends (number, body, message) for the parts of a message (the top level, prefix "", or the one attached as
    message/rfc822 part `prefix`) whose body structure is `body`; `message` is that prefix."""
    join = (lambda k: "%s.%d" % (prefix, k)) if prefix else str
    if is_multipart(body):
        for k, child in enumerate(children(body), 1):
            number_part(child, join(k), prefix, out)
    else:
        number_part(body, join(1), prefix, out)  # a non-multipart message body is part 1


def number_part(body, number, message, out):
    out.append((number, body, message))
    if is_multipart(body):
        for k, child in enumerate(children(body), 1):
            number_part(child, "%s.%d" % (number, k), message, out)
    elif lower(body[0]) == "message" and lower(body[1]) == "rfc822":
        number_message(body[8], number, out)  # continues into the encapsulated message


def children(multipart):
    """The body parts of a multipart: the lists before its subtype (1*body)."""
    out = []
    for child in multipart:
        if not isinstance(child, list):
            break
        out.append(child)
    return out


def count_lines(data):
    """body-fld-lines as the corpus counts it: line ends, plus one for a last line without one."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def blank_line_follows(message, header):
    """Whether `header` (a MIME header as the server sent it, without a blank line at its end) is followed by a
    blank line in `message`, the bytes of the message the part belongs to (the .eml, or BODY[n] of the
    message/rfc822 part it is attached as). A line end right before "--" is a delimiter's (RFC 2046 §5.1.1)."""
    if not header:
        return False  # an empty part: no header, no blank line
    pos = message.find(header)
    if pos < 0:
        return False  # reported elsewhere (MIME + body not in the message)
    after = message[pos + len(header):]
    pattern = rb"\r?\n(?!--)" if header.endswith(b"\n") else rb"\r?\n\r?\n(?!--)"
    return re.match(pattern, after) is not None


def fetch_sections(c, m, sections):
    typ, data = c.fetch(str(m.seq), "(%s)" % " ".join("BODY.PEEK[%s]" % s for s in sections))
    check(typ == "OK", "%s: FETCH of %s: %s %r" % (m.name, sections, typ, data))
    raws = reassemble(data)
    check(len(raws) == 1, "%s: %d responses to FETCH %s" % (m.name, len(raws), sections))
    seq, items = parse_fetch_response(raws[0])
    out = {}
    for s in sections:
        key = "BODY[%s]" % s
        check(key in items, "%s: no %s in the answer (%r)" % (m.name, key, sorted(items)))
        out[s] = items[key][0]
    return out


def check_parts(c, msgs, deferred):
    t0 = time.monotonic()
    counted = {"parts": 0, "multipart": 0, "message": 0, "exception": []}
    for m in msgs:
        if m.items is None:
            continue
        tree = m.items["BODYSTRUCTURE"][0]
        parts = []
        number_message(tree, "", parts)
        fetched = {"": m.data}  # BODY[n] of the message/rfc822 parts, by number; "" is the whole message
        for number, body, message in parts:
            where = "%s part %s" % (m.name, number)
            if is_multipart(body):
                # A multipart that has a number of its own (inside another multipart): BODY[p] is its body, with
                # the delimiters; its MIME header ends with a blank line. No size to compare with.
                counted["multipart"] += 1
                got = fetch_sections(c, m, [number, number + ".MIME"])
                part, mime = got[number], got[number + ".MIME"]
                if part is None or mime is None or mime + part not in fetched[message]:
                    deferred.append("%s (multipart): BODY[%s.MIME] + BODY[%s] is not in the message: %s, %s"
                                    % (where, number, number, show(mime or b"NIL", 200), show(part or b"NIL", 200)))
                elif not re.search(rb"(^|\n)\r?\n\Z", mime):
                    deferred.append("%s: BODY[%s.MIME] does not end with a blank line: %s" % (where, number,
                                                                                             show(mime, 300)))
                continue
            counted["parts"] += 1
            ctype = "%s/%s" % (lower(body[0]), lower(body[1]))
            octets = body[6]
            is_message = ctype == "message/rfc822"
            lines = body[9] if is_message else (body[7] if lower(body[0]) == "text" else None)
            wanted = [number, number + ".MIME"] + ([number + ".HEADER", number + ".TEXT"] if is_message else [])
            got = fetch_sections(c, m, wanted)
            part, mime = got[number], got[number + ".MIME"]
            if part is None or mime is None:
                deferred.append("%s (%s): BODY[%s] %s, BODY[%s.MIME] %s: NIL for a part BODYSTRUCTURE lists"
                                % (where, ctype, number, show(part or b"")[:80] if part is not None else "NIL",
                                   number, "NIL" if mime is None else "present"))
                continue
            if len(part) != octets:
                deferred.append("%s (%s): BODY[%s] is %d bytes, BODYSTRUCTURE body-fld-octets says %r: %s"
                                % (where, ctype, number, len(part), octets, show(part, 200)))
            if lines is not None and count_lines(part) != lines:
                deferred.append("%s (%s): BODY[%s] has %d lines, BODYSTRUCTURE body-fld-lines says %r"
                                % (where, ctype, number, count_lines(part), lines))
            if part not in m.data:
                deferred.append("%s: BODY[%s] does not occur in the .eml: %s" % (where, number, show(part, 200)))
            if mime + part not in m.data:
                deferred.append("%s: BODY[%s.MIME] followed by BODY[%s] does not occur in the .eml; MIME %s"
                                % (where, number, number, show(mime, 300)))
            if not re.search(rb"(^|\n)\r?\n\Z", mime):
                # RFC 3501 §6.4.5: the blank line is always included "except in the case of a message which has no
                # body and no blank line".
                if part == b"" and not blank_line_follows(fetched[message], mime):
                    counted["exception"].append("%s %s" % (m.name, number))
                else:
                    deferred.append("%s: BODY[%s.MIME] does not end with a blank line: %s"
                                    % (where, number, show(mime, 300)))
            if is_message:
                counted["message"] += 1
                fetched[number] = part
                header, text = got[number + ".HEADER"], got[number + ".TEXT"]
                if header is None or text is None:
                    deferred.append("%s: BODY[%s.HEADER] or .TEXT is NIL" % (where, number))
                    continue
                first_line = part.split(b"\n", 1)[0] + b"\n"
                if not header.startswith(first_line):
                    deferred.append("%s: BODY[%s.HEADER] does not start with the attached message's first header "
                                    "line %r: %s" % (where, number, first_line, show(header, 200)))
                if not part.startswith(header) or header + text != part:
                    deferred.append("%s: BODY[%s.HEADER] (%d bytes) + BODY[%s.TEXT] (%d bytes) != BODY[%s] (%d bytes)"
                                    % (where, number, len(header), number, len(text), number, len(part)))
    log("walked every BODYSTRUCTURE: %d non-multipart parts (BODY[p] = body-fld-octets, lines, MIME header ends with "
        "a blank line), %d numbered multiparts, %d message/rfc822 parts (HEADER, TEXT): %.2f s"
        % (counted["parts"], counted["multipart"], counted["message"], time.monotonic() - t0))
    if counted["exception"]:
        log("  MIME header without a blank line, allowed (no body and no blank line in the message): %s"
            % ", ".join(counted["exception"]))


def check_searches(c, msgs, deferred):
    by_uid = {m.uid: m.name for m in msgs}
    for args, needle, expected in SEARCHES:
        raw = needle.encode("utf-8")
        t0 = time.monotonic()
        if max(raw) >= 0x80:
            c.literal = raw  # imaplib appends " {n}" to the command and sends the bytes after the continuation
            typ, data = c.uid("SEARCH", *args)
        else:
            typ, data = c.uid("SEARCH", *args, needle)
        what = "UID SEARCH %s %s" % (" ".join(args), needle)
        if typ != "OK":
            deferred.append("%s: %s %r" % (what, typ, data))
            continue
        uids = [int(u) for u in b" ".join(d for d in data if d).split()]
        got = {by_uid.get(u, "UID %d?" % u) for u in uids}
        if got != expected or len(uids) != len(got):
            deferred.append("%s: matched %s, expected %s" % (what, sorted(got), sorted(expected)))
        else:
            log("%s%s: %s (%.3f s)" % (what, " (literal)" if max(raw) >= 0x80 else "", ", ".join(sorted(got)),
                                        time.monotonic() - t0))


def main():
    binary = find_binary(sys.argv[1] if len(sys.argv) > 1 else None)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("time limit reached")))
    signal.alarm(TIME_LIMIT)
    t0 = time.monotonic()
    msgs = load_corpus()
    check_search_expectations(msgs)
    deferred = []
    with SealboxServer(binary) as srv:
        c = srv.connect("localhost")
        with logged_out(c):
            append_all(c, msgs)
            compare_structures(c, msgs, deferred)
            check_parts(c, msgs, deferred)
            check_searches(c, msgs, deferred)
    log("interop_imaplib_structure: done in %.1f s" % (time.monotonic() - t0))
    finish("interop_imaplib_structure", deferred)


if __name__ == "__main__":
    run(main)
