"""A throwaway Sealbox server for the interop tests (stdlib only).

SealboxServer(binary) makes a temporary directory, runs `sealbox init` in it, switches the config to fast KDF
parameters and a loopback port chosen by the kernel, turns LMTP off, writes a self-signed certificate for
localhost / 127.0.0.1 with the openssl CLI, adds one user with a random password and starts `sealbox serve`.

SealboxServer(binary, lmtp=[...]) turns LMTP on instead, listening where the list says ("127.0.0.1:0" for a port
the kernel picks, read back from `lmtp=PORT` in the ports file into .lmtp_port; "unix:NAME" for a UNIX socket,
relative names under the root, in .lmtp_sockets). users=[...] adds more accounts, each with its own random
password (.passwords maps every user, the first one included, to its password).

Use it as a context manager: on exit the server gets SIGTERM (SIGKILL if it does not stop within 20 s) and the
directory is removed, unless SEALBOX_INTEROP_KEEP=1 is set (then its path is printed).

connect() returns a logged-in imaplib.IMAP4_SSL whose TLS context trusts only ROOT/tls/fullchain.pem and checks
the host name, so a wrong certificate fails the test instead of being waved through.
"""

import imaplib
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

START_TIMEOUT = 20.0  # seconds to wait for `imaps=PORT` in the ports file
STOP_TIMEOUT = 20.0


def log(*args):
    print(*args, flush=True)


def run(cmd, timeout=120, **kw):
    """Runs a command, failing loudly (with its output) if it exits non-zero."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, **kw)
    if p.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (p.returncode, " ".join(map(str, cmd)),
                                                            p.stdout.decode("utf-8", "replace")))
    return p.stdout.decode("utf-8", "replace")


def _set_in_section(text, section, key, value):
    """Replaces `key = ...` inside [section] of a TOML text (the default config has every key once)."""
    lines = text.split("\n")
    current = None
    done = False
    for i, line in enumerate(lines):
        m = re.match(r"\s*\[([A-Za-z0-9_.]+)\]\s*$", line)
        if m:
            current = m.group(1)
            continue
        if current == section and re.match(r"\s*%s\s*=" % re.escape(key), line):
            lines[i] = "%s = %s" % (key, value)
            done = True
    if not done:
        raise RuntimeError("sealbox.toml has no key %s in [%s]" % (key, section))
    return "\n".join(lines)


def _die_with_parent():
    """In the server's child process: SIGTERM it if this script dies (e.g. killed by ctest's timeout)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def find_binary(argv_value=None):
    path = argv_value or os.environ.get("SEALBOX_BIN")
    if not path or not os.access(path, os.X_OK):
        sys.exit("the sealbox binary is needed: pass its path as the first argument or in SEALBOX_BIN")
    return os.path.abspath(path)


class SealboxServer:
    def __init__(self, binary, user="alice", prefix="sealbox-interop-", lmtp=None, users=()):
        self.binary = binary
        self.user = user
        self.password = "pw-" + secrets.token_urlsafe(18)
        self.passwords = {user: self.password}
        for name in users:
            self.passwords[name] = "pw-" + secrets.token_urlsafe(18)
        self.lmtp = list(lmtp or [])  # [lmtp] listen; empty: LMTP off (the default)
        self.lmtp_port = None         # the TCP port of "HOST:0" (from `lmtp=PORT` in the ports file)
        self.lmtp_sockets = []        # absolute paths of the "unix:PATH" listeners
        self.base = tempfile.mkdtemp(prefix=prefix)
        self.root = os.path.join(self.base, "root")
        self.cafile = os.path.join(self.root, "tls", "fullchain.pem")
        self.password_file = os.path.join(self.base, "password")
        self.ports_file = os.path.join(self.root, "ports")
        self.log_path = os.path.join(self.base, "server.log")
        self.proc = None
        self.port = None
        self._log = None

    # --- lifecycle --------------------------------------------------------------------------------------------
    def __enter__(self):
        try:
            self.setup()
            self.start()
        except BaseException:
            self.close(failed=True)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(failed=exc_type is not None)
        return False

    def sealbox(self, *args, timeout=120):
        return run([self.binary, "--root", self.root, *args], timeout=timeout)

    def setup(self):
        self.sealbox("init")
        path = os.path.join(self.root, "sealbox.toml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = _set_in_section(text, "security", "kdf_passes", "2")
        text = _set_in_section(text, "security", "kdf_memory_mib", "19")
        text = _set_in_section(text, "imap", "listen", '["127.0.0.1:0"]')
        text = _set_in_section(text, "lmtp", "listen", "[%s]" % ", ".join('"%s"' % a for a in self.lmtp))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.makedirs(os.path.join(self.root, "tls"), exist_ok=True)
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", os.path.join(self.root, "tls", "key.pem"), "-out", self.cafile])
        with open(self.password_file, "w") as f:
            f.write(self.password + "\n")
        self.sealbox("user", "add", self.user, "--password-file", self.password_file)
        for name, password in self.passwords.items():
            if name == self.user:
                continue
            path = os.path.join(self.base, "password-" + name)
            with open(path, "w") as f:
                f.write(password + "\n")
            self.sealbox("user", "add", name, "--password-file", path)
        for address in self.lmtp:
            if address.startswith("unix:"):
                self.lmtp_sockets.append(os.path.join(self.root, address[len("unix:"):]))

    def start(self):
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "--root", self.root, "serve", "--ports-file", self.ports_file],
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sealbox serve exited with %d:\n%s" % (self.proc.returncode, self.server_log()))
            try:
                with open(self.ports_file) as f:
                    ports = f.read()
                m = re.search(r"^imaps=(\d+)$", ports, re.M)
                m_lmtp = re.search(r"^lmtp=(\d+)$", ports, re.M)
                want_lmtp = any(not a.startswith("unix:") for a in self.lmtp)
                if m and want_lmtp and not m_lmtp:
                    raise RuntimeError("LMTP listens on %s but the ports file has no lmtp=PORT:\n%s" %
                                       (self.lmtp, ports))
                if m:
                    self.port = int(m.group(1))
                    if m_lmtp:
                        self.lmtp_port = int(m_lmtp.group(1))
                    log("sealbox serve: pid %d, imaps=127.0.0.1:%d, root %s" % (self.proc.pid, self.port, self.root))
                    if self.lmtp:
                        log("LMTP: %s" % ", ".join(["127.0.0.1:%d" % self.lmtp_port] * bool(self.lmtp_port) +
                                                   self.lmtp_sockets))
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        raise RuntimeError("no imaps=PORT in %s after %.0f s:\n%s" % (self.ports_file, START_TIMEOUT,
                                                                     self.server_log()))

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log("sealbox serve did not stop within %.0f s of SIGTERM: SIGKILL" % STOP_TIMEOUT)
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
            raise RuntimeError("sealbox serve ignored SIGTERM")
        if self.proc.returncode != 0:
            raise RuntimeError("sealbox serve exited with %d after SIGTERM:\n%s" % (self.proc.returncode,
                                                                                   self.server_log()))

    def close(self, failed=False):
        try:
            self.stop()
        finally:
            if self._log:
                self._log.close()
                self._log = None
            if failed:
                tail = self.server_log()
                if tail.strip():
                    log("--- server log (last lines) ---\n" + tail)
            if os.environ.get("SEALBOX_INTEROP_KEEP") == "1":
                log("kept the test directory: " + self.base)
            else:
                shutil.rmtree(self.base, ignore_errors=True)

    def server_log(self, lines=60):
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    # --- clients ----------------------------------------------------------------------------------------------
    def tls_context(self):
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.cafile)
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx

    def connect(self, host="localhost", login=True, timeout=60, user=None):
        """imaplib over implicit TLS; `host` is both the address dialled and the name the certificate must carry
        (localhost: the DNS SAN; 127.0.0.1: the IP SAN). `user`: log in as that account (default: the first)."""
        c = imaplib.IMAP4_SSL(host, self.port, ssl_context=self.tls_context(), timeout=timeout)
        if login:
            name = user or self.user
            c.login(name, self.passwords[name])
        return c
