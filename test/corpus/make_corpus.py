#!/usr/bin/env python3
"""Writes the .eml files of the Sealbox MIME corpus (test/corpus/), byte for byte.

The .eml files in this directory are the source of truth; this script only exists so that bytes that are awkward to
edit by hand (CRLF, bare LF, NUL, 8-bit, a 200 KB header) are visible and reproducible. It never writes the expected
.envelope/.body/.bodystructure files: those are written by hand (see README.md). Run from anywhere:

    python3 test/corpus/make_corpus.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def crlf(text: str) -> bytes:
    """UTF-8 bytes of `text` with every "\\n" turned into CRLF."""
    return text.replace("\n", "\r\n").encode("utf-8")


MESSAGES = {}

MESSAGES["plain-ascii"] = crlf("""\
Return-Path: <alice@example.com>
Received: from mx.example.com by imap.example.org; Wed, 25 Nov 2026 10:00:01 +0000
Date: Wed, 25 Nov 2026 10:00:00 +0000
From: Alice Example <alice@example.com>
To: Bob <bob@example.org>, carol@example.net
Cc: Dave <dave@example.org>
Bcc: erin@example.com
Subject: Lunch on Friday?
Message-ID: <20261125100000.1@example.com>
MIME-Version: 1.0

Hi Bob,

Are you free for lunch on Friday?

Alice
""")

MESSAGES["mixed-attachment"] = crlf("""\
Date: Thu, 26 Nov 2026 09:15:00 -0800
From: Terry <terry@example.edu>
To: wg@example.org
Subject: Meeting minutes and compiler diff
Message-ID: <minutes.42@example.edu>
MIME-Version: 1.0
Content-Type: MULTIPART/MIXED; BOUNDARY="--=_boundary_42"

This is a multi-part message in MIME format.
----=_boundary_42
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

The minutes are below.
Second line.

----=_boundary_42
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff
Content-ID: <960723163407.20117h@example.edu>
Content-Description: Compiler diff
Content-Transfer-Encoding: BASE64

LS0tIGEuYwkyMDI2LTExLTI2CisrKyBiLmMJMjAyNi0xMS0yNgpAQCAtMSArMSBAQAotaW50IHg7
CitpbnQgeSA9IDA7Cg==
----=_boundary_42--
Epilogue text.
""")

MESSAGES["nested-alternative"] = crlf("""\
From: Carol <carol@example.net>
To: Alice <alice@example.com>
Subject: Report
Date: Fri, 27 Nov 2026 08:00:00 +0100
Message-ID: <report.7@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

The report is attached. Caf=C3=A9 at 10?
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>The report is attached. Caf=C3=A9 at 10?</p>
--inner--

--outer
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8
PC9Sb290IDEgMCBSPj4KJSVFT0YK
--outer--
""")

MESSAGES["forwarded-rfc822"] = crlf("""\
From: Dave <dave@example.org>
To: Alice <alice@example.com>
Subject: Fwd: Report
Date: Sat, 28 Nov 2026 12:00:00 +0000
Message-ID: <fwd.1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=fwd

--fwd
Content-Type: text/plain; charset=us-ascii

See the forwarded message.

--fwd
Content-Type: message/rfc822
Content-Description: Forwarded message
Content-Disposition: inline

From: Carol <carol@example.net>
To: Dave <dave@example.org>, team: erin@example.com, frank@example.com;
Subject: Report
Date: Fri, 27 Nov 2026 08:00:00 +0100
Message-ID: <report.7@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Plain version.
--alt
Content-Type: text/html; charset=utf-8

<p>HTML version.</p>
--alt--

--fwd--
""")

MESSAGES["digest"] = crlf("""\
From: list-digest@example.org
To: subscribers@example.org
Subject: Example digest, Vol 1, Issue 2
Date: Sun, 29 Nov 2026 00:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="digest"

--digest
Content-Type: text/plain

Today's topics: 1. Hello 2. Bye

--digest

From: a@example.org
Subject: Hello
Date: Sat, 28 Nov 2026 10:00:00 +0000

Hello everyone.

--digest

From: b@example.org
Subject: Bye

Bye!
--digest
Content-Type: message/rfc822

From: c@example.org

--digest--
""")

MESSAGES["no-boundary-param"] = crlf("""\
From: broken@example.com
Subject: multipart without a boundary parameter
MIME-Version: 1.0
Content-Type: multipart/mixed

--x
Content-Type: text/plain

hello
--x--
""")

MESSAGES["boundary-not-found"] = crlf("""\
From: broken@example.com
Subject: the boundary never appears
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="expected"
Content-Disposition: inline

--actual
Content-Type: text/plain

hello
--actual--
""")

MESSAGES["unclosed-multipart"] = crlf("""\
From: cut@example.com
Subject: no closing delimiter
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/plain; charset=us-ascii

first part
--b1
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

AAECAwQF
BgcICQ==
""")

MESSAGES["preamble-epilogue"] = crlf("""\
From: pe@example.com
Subject: preamble, padding, epilogue
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="pe"

This is the preamble. It is to be ignored.
--pe is not a delimiter: only padding may follow the boundary.
--pe\t 
Content-Type: text/plain; charset=us-ascii

Part one, then one empty line.


--pe
Content-Type: text/plain; charset=us-ascii
Part two has no blank line after its header.
--pe
--pe--   
This is the epilogue.
--pe
It is also ignored.
""")

MESSAGES["bare-lf"] = """\
From: Unix User <user@example.com>
To: other@example.com
Subject: bare LF line ends
Date: Mon, 30 Nov 2026 11:11:11 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="lf"

--lf
Content-Type: text/plain; charset=us-ascii

one
two

--lf
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 8bit

three
--lf--
""".encode("ascii")

MESSAGES["nul-bytes"] = crlf("""\
From: nul@example.com
Subject: NUL\0 in the subject
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=n

--n
Content-Type: text/plain; charset=us-ascii

a\0b
\0
--n
Content-Type: application/octet-stream
Content-Transfer-Encoding: binary

""") + b"\0\0\0\0\r\n\0\0" + crlf("""
--n--
""")

MESSAGES["eight-bit-headers"] = crlf("""\
From: Jörg Müller <joerg@example.de>
To: "Zoë Saldaña, Esq." <zoe@example.com>, Ærøskøbing Team: ole@example.dk;
""") + b"Cc: Fran\xe7ois <francois@example.fr>\r\n" + crlf("""\
Subject: Grüße aus Köln – 8-bit header
Date: Tue, 1 Dec 2026 09:00:00 +0100
Message-ID: <8bit.1@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Disposition: inline; filename="Grüße.txt"
Content-Transfer-Encoding: 8bit

Grüße!
""")


def huge_header() -> bytes:
    lines = []
    for i in range(1200):  # more fields than mail::kMaxHeaderFields (1000), all before the fields that matter
        lines.append(f"Received: from hop{i}.example.net (hop{i}.example.net [192.0.2.{i % 250 + 1}])\n"
                     f"\tby hop{i + 1}.example.net with ESMTP id {i:08d}; Tue, 1 Dec 2026 10:00:00 +0000\n")
    lines.append("References:")
    for i in range(600):
        lines.append(f" <thread.{i:04d}@lists.example.org>\n")
    lines.append("From: Looping List <loop@example.org>\n")
    lines.append("To: victim@example.com\n")
    lines.append("Subject: A very long subject")
    for i in range(60):
        lines.append(f"\n word{i:02d} of a subject folded over sixty lines")
    lines.append("\n")
    lines.append("Date: Tue, 1 Dec 2026\n 10:00:00 +0000\n")
    lines.append("Message-ID: <huge.1@example.org>\n")
    lines.append("MIME-Version: 1.0\n")
    lines.append("Content-Type: text/plain; charset=iso-8859-1\n")
    lines.append("Content-Transfer-Encoding: quoted-printable\n")
    lines.append("\nShort body.\n")
    return crlf("".join(lines))


MESSAGES["huge-header"] = huge_header()

MESSAGES["encoded-words"] = crlf("""\
From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>
Sender: =?ISO-8859-1?Q?Fran=E7ois?= <francois@example.fr>
Reply-To: "=?UTF-8?B?Wm/DqyBTYWxkYcOxYQ==?=" <zoe@example.com>
To: =?KOI8-R?B?8NLJ18XU?= <privet@example.ru>, bob@example.org (=?UTF-8?Q?Bob_=F0=9F=98=80?=)
Cc: =?iso-2022-jp?B?GyRCRnxLXDhsGyhC?= <nihongo@example.jp>
Subject: =?UTF-8?B?SGVsbG8gV29ybGQ=?= =?ISO-8859-1?Q?caf=E9?=
 =?UTF-8?Q?_and_more?= plain =?utf-8?q?=E2=82=AC?=
Date: Wed, 2 Dec 2026 12:00:00 +0000
Message-ID: <ew.1@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8; name="=?UTF-8?Q?r=C3=A9sum=C3=A9.txt?="
Content-Description: =?UTF-8?Q?R=C3=A9sum=C3=A9?=
Content-Transfer-Encoding: 7bit

Encoded words stay encoded in ENVELOPE and BODYSTRUCTURE.
""")

MESSAGES["charsets"] = crlf("""\
From: intl@example.com
To: all@example.com
Subject: =?koi8-r?B?8NLJ18XU?=
Date: Wed, 2 Dec 2026 13:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="cs"

--cs
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

""") + "Grüße aus Köln.".encode("iso-8859-1") + crlf("""
--cs
Content-Type: text/plain; charset="koi8-r"
Content-Transfer-Encoding: 8bit

""") + "Привет, мир!".encode("koi8_r") + crlf("""
--cs
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

""") + "日本語".encode("iso2022_jp") + crlf("""
--cs
Content-Type: text/html; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

<p>=93quoted=94 =80 5</p>
--cs--
""")

MESSAGES["transfer-encodings"] = crlf("""\
From: te@example.com
Subject: transfer encodings
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=te

--te
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: Quoted-Printable

This line is longer than seventy-six characters, so it is wrapped with a sof=
t line break. Caf=C3=A9.
--te
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

VGhpcyB0ZXh0IGlzIGJhc2U2NC1lbmNvZGVkLiBJdHMgZW5jb2RlZCBmb3JtIGlzIHNwbGl0IGlu
dG8gbGluZXMgb2YgNzYgY2hhcmFjdGVycy4K
--te
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8BIT

Raw UTF-8: café.
--te
Content-Type: application/octet-stream; name=a.bin
Content-Transfer-Encoding: x-uuencode

begin 644 a.bin
#86)C
`
end
--te
Content-Type: text/plain
Content-Transfer-Encoding: 7bit (the default, written out)

Seven-bit text.
--te--
""")

MESSAGES["rfc2231-params"] = crlf("""\
From: params@example.com
Subject: RFC 2231 parameters
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="2231"

--2231
Content-Type: application/octet-stream;
 name*0="very long file name that ";
 name*1="is split.bin"
Content-Disposition: attachment;
 filename*0*=utf-8''%E2%82%AC%20rates%20;
 filename*1*=for%20caf%C3%A9s;
 filename*2=" (2026).xls";
 size=1234
Content-Transfer-Encoding: base64

AAAA
--2231
Content-Type: text/plain; charset=us-ascii; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A
Content-Disposition: inline; filename*=iso-8859-1'fr'r%E9sum%E9.txt;
 creation-date="Wed, 12 Feb 1997 16:29:51 -0500"

text
--2231--
""")

MESSAGES["extension-fields"] = crlf("""\
From: web@example.com
Subject: Content-Language, -Location, -MD5, -ID, -Description
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"; type="text/html"
Content-Disposition: inline
Content-Language: en-GB
Content-Location: http://www.example.com/page/

--rel
Content-Type: text/html; charset=us-ascii
Content-ID: <page@example.com>
Content-Description: The page
Content-Language: en-GB, cy (Welsh)
Content-Location: index.html
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

<html><img src="cid:logo@example.com"></html>
--rel
Content-Type: image/png
Content-ID: <logo@example.com>
Content-Transfer-Encoding: base64
Content-Disposition: inline; filename=logo.png
Content-Location: http://www.example.com/page/logo.png
Content-Language: zxx

iVBORw0KGgo=
--rel--
""")

MESSAGES["groups"] = crlf("""\
From: "Doe, Jane" <jane@example.com>
Reply-To: Reply Group: replies@example.com;
To: The Team: "Smith, J." <js@example.com>, ann@example.com, "A \\"quoted\\" name" <aq@example.com>;, outside@example.com
Cc: undisclosed-recipients:;
Bcc: "Secret Group":;, Lone <lone@example.org>
Subject: groups
Date: Thu, 3 Dec 2026 08:00:00 +0000
Message-ID: <groups.1@example.com>

Group syntax.
""")

MESSAGES["source-route"] = crlf("""\
From: <@relay1.example,@relay2.example:joe@final.example>
Sender: Joe Q <@relay1.example:joe@final.example>
To: "Route Target" <@a.example , @b.example : target@c.example>
Cc: literal@[192.0.2.7]
Subject: source routes
Date: Thu, 3 Dec 2026 09:00:00 +0000

Obsolete routes go to the at-domain-list.
""")

MESSAGES["absent-fields"] = crlf("""\
From: Solo <solo@example.com>
Sender:
Reply-To: (nobody here)
To: someone@example.org
Cc: 

No Date, Subject, In-Reply-To or Message-ID. Sender is empty, Reply-To holds only a comment, Cc is blank.
""")

MESSAGES["threaded-reply"] = crlf("""\
Date: Thu, 3 Dec 2026 16:45:00 -0500
From: Alice <alice@example.com>
Sender: Mailing List <list-owner@lists.example.org>
Reply-To: List <list@lists.example.org>
To: list@lists.example.org
Subject:
In-Reply-To: <lunch.1@example.org>
References: <20261125100000.1@example.com> <lunch.1@example.org>
Message-ID: <reply.2@example.com>

Yes.
""")

MESSAGES["empty"] = b""

MESSAGES["header-only"] = crlf("""\
From: h@example.com
Subject: header only, no blank line
""")

MESSAGES["odd-content-type"] = crlf("""\
From: odd@example.com
Subject: odd content types
MIME-Version: 1.0
CONTENT-TYPE: Multipart/Mixed (outer comment) ; Boundary = "odd" (boundary comment)

--odd
content-type: TEXT/Plain (plain; text=yes); CharSet = "ISO-8859-1" (latin1; format=no); Format=Flowed

first
--odd
Content-Type: garbage

second
--odd
Content-Type: text/html

<b>third</b>
--odd
Content-Type: image/PNG; name=x.png
Content-Transfer-Encoding: Base64

iVBORw0KGgo=
--odd
Content-Type: text/enriched; format=flowed; delsp=yes

<bold>fifth</bold>
--odd--
""")

MESSAGES["empty-multipart"] = crlf("""\
From: e@example.com
Subject: multipart with no body parts
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="nothing"

Only a preamble here.
--nothing--
""")

MESSAGES["nested-rfc822"] = crlf("""\
From: outer@example.com
Subject: Fwd: Fwd: nested
MIME-Version: 1.0
Content-Type: message/rfc822

From: middle@example.com
Subject: Fwd: nested
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=m

--m

Middle text.
--m
Content-Type: message/rfc822

From: inner@example.com
Subject: nested
Content-Type: text/plain; charset=us-ascii

Innermost.
--m--
""")


def main() -> None:
    for name, data in MESSAGES.items():
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(data)
    print(f"wrote {len(MESSAGES)} messages to {HERE}")


if __name__ == "__main__":
    main()
