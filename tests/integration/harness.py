"""Test harness: starts the real chimed binary and talks to it with real AWS clients.

ChimedServer is a context manager. It starts `$CHIMED_BIN --listen 127.0.0.1:0 --data-dir <tmp>`
with the root credentials in its environment, waits for the single stdout line
`chimed listening on http://127.0.0.1:PORT`, and always stops the process on exit.

Clients always sign with ACCESS_KEY_ID / SECRET_ACCESS_KEY (the secret is random per test run), so
the suite keeps working unchanged once the server verifies SigV4.
"""

import atexit
import ctypes
import datetime
import email.utils
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ACCESS_KEY_ID = "AKIDCHIMEDTEST0000001"
# Random per test run (per Python process), so a log scan can look for this exact string.
SECRET_ACCESS_KEY = "".join(
    secrets.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
REGION = "us-east-1"
READY_RE = re.compile(r"^chimed listening on (http://127\.0\.0\.1:(\d+))$")
READY_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 20.0

PIN_RE = re.compile(r"^\d{10}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Loopback traffic must never go through a proxy from the developer's environment.
for _var in ("NO_PROXY", "no_proxy"):
    _cur = os.environ.get(_var, "")
    os.environ[_var] = ",".join(x for x in (_cur, "127.0.0.1", "localhost") if x)

_run_counter = itertools.count(1)
_live_servers = set()


def _kill_live_servers():
    for srv in list(_live_servers):
        srv._force_kill()


atexit.register(_kill_live_servers)


def _on_sigterm(signum, frame):
    # CTest's timeout or a developer's kill: unwind so every ChimedServer is cleaned up.
    raise SystemExit(128 + signum)


if threading.current_thread() is threading.main_thread() and \
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
    signal.signal(signal.SIGTERM, _on_sigterm)


def _die_with_parent():
    """Runs in the child before exec: SIGKILL it if the test process dies (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def chimed_bin():
    path = os.environ.get("CHIMED_BIN")
    if not path:
        raise RuntimeError("CHIMED_BIN is not set: point it at the chimed binary (CTest sets it)")
    if not os.access(path, os.X_OK):
        raise RuntimeError("CHIMED_BIN=%s is not executable" % path)
    return path


def is_guessable_pin(pin):
    """The rule of chime-api.md: one repeated digit, or a run climbing/falling by one (mod 10)."""
    d = [int(c) for c in pin]
    steps = {(b - a) % 10 for a, b in zip(d, d[1:])}
    return steps == {0} or steps == {1} or steps == {9}


def find_nulls(value, path="$"):
    """Paths of every JSON null inside value (absent members must be omitted, not null)."""
    out = []
    if value is None:
        out.append(path)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.extend(find_nulls(v, "%s.%s" % (path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(find_nulls(v, "%s[%d]" % (path, i)))
    return out


class RawResponse:
    """What raw() returns; unpacks as (status, headers, body)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: case-insensitive get()
        self.body = body

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "RawResponse(%d, %r, %r)" % (self.status, dict(self.headers.items()), self.body[:500])


def thread_names(pid):
    """{tid: name} of a process's threads, from /proc (chimed names its threads after their work)."""
    names = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                names[int(tid)] = f.read().strip()
        except FileNotFoundError:  # the thread ended while we looked
            pass
    return names


class ChimedServer:
    """One chimed process on a temporary data dir (kept across restart())."""

    def __init__(self, name="chimed", extra_args=(), extra_env=None):
        self.name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        self.extra_args = list(extra_args)
        self.extra_env = dict(extra_env or {})
        self.tmpdir = tempfile.mkdtemp(prefix="chimed-e2e-")
        self.data_dir = os.path.join(self.tmpdir, "data")
        self.log_dir = os.environ.get("CHIMED_TEST_LOG_DIR") or os.path.join(self.tmpdir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.proc = None
        self.endpoint = None
        self.port = None
        self.log_paths = []
        self.stdout_lines = []
        self._stdout_thread = None
        self._start_count = 0

    # ---- lifecycle -------------------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            sys.stderr.write("\n--- chimed stderr tail (%s) ---\n%s\n" % (self.name, self.stderr_tail()))
        self.cleanup()
        return False

    def start(self):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self._start_count += 1
        log_path = os.path.join(self.log_dir, "%s-%d-%d-%d.stderr.log" % (
            self.name, os.getpid(), next(_run_counter), self._start_count))
        self.log_paths.append(log_path)
        env = dict(os.environ)
        env.update({
            "CHIMED_ROOT_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "CHIMED_ROOT_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        })
        env.update(self.extra_env)
        cmd = [chimed_bin(), "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
               "--log-level", "info"] + self.extra_args
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=log, env=env, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        _live_servers.add(self)
        ready = threading.Event()
        found = {}
        proc = self.proc
        stdout_log = log_path[: -len(".stderr.log")] + ".stdout.log"
        self.log_paths.append(stdout_log)
        lines = []
        self.stdout_lines = lines

        def pump():
            # Reads stdout for the whole life of the process so the pipe never fills up.
            with open(stdout_log, "w") as out:
                for raw in proc.stdout:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    lines.append(line)
                    out.write(line + "\n")
                    out.flush()
                    m = READY_RE.match(line)
                    if m and not ready.is_set():
                        found["endpoint"], found["port"] = m.group(1), int(m.group(2))
                        ready.set()
            ready.set()  # EOF: process gone

        self._stdout_thread = threading.Thread(target=pump, daemon=True)
        self._stdout_thread.start()
        ready.wait(READY_TIMEOUT_S)
        if "endpoint" not in found:
            state = "exited with %s" % proc.poll() if proc.poll() is not None else "still running"
            self._force_kill()
            raise AssertionError(
                "chimed did not print 'chimed listening on http://127.0.0.1:PORT' within %.0fs "
                "(%s).\ncommand: %s\nstdout: %r\nstderr tail:\n%s" % (
                    READY_TIMEOUT_S, state, " ".join(cmd), lines[-20:], self.stderr_tail()))
        self.endpoint, self.port = found["endpoint"], found["port"]
        return self

    def stop(self, sig=signal.SIGTERM):
        """Sends sig and waits for exit. SIGTERM/SIGINT must end the process with exit code 0."""
        proc = self.proc
        assert proc is not None, "not started"
        if proc.poll() is None:
            proc.send_signal(sig)
        try:
            rc = proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._force_kill()
            raise AssertionError("chimed did not exit within %.0fs of %s\nstderr tail:\n%s" % (
                STOP_TIMEOUT_S, signal.Signals(sig).name, self.stderr_tail()))
        finally:
            self._join_stdout()
        if sig in (signal.SIGTERM, signal.SIGINT) and rc != 0:
            raise AssertionError("chimed exited with %s after %s (want 0)\nstderr tail:\n%s" % (
                rc, signal.Signals(sig).name, self.stderr_tail()))
        return rc

    def kill(self):
        """SIGKILL: the process gets no chance to flush or close anything."""
        return self.stop(signal.SIGKILL)

    def restart(self, sig=signal.SIGTERM):
        """Stops (if running) and starts again on the same data dir. The port changes: make new
        clients afterwards."""
        if self.proc is not None and self.proc.poll() is None:
            self.stop(sig)
        return self.start()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _force_kill(self):
        _live_servers.discard(self)
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._join_stdout()

    def _join_stdout(self):
        if self._stdout_thread is not None:
            self._stdout_thread.join(timeout=5)
        if self.proc is not None and self.proc.stdout is not None:
            try:
                self.proc.stdout.close()
            except OSError:
                pass

    def cleanup(self):
        """Kills the process if it still runs and removes the data dir (logs in
        CHIMED_TEST_LOG_DIR are kept)."""
        self._force_kill()
        if os.environ.get("CHIMED_TEST_KEEP_TMP"):
            return
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def stderr_tail(self, lines=40):
        if not self.log_paths:
            return "(no log)"
        path = [p for p in self.log_paths if p.endswith(".stderr.log")][-1]
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError as e:
            return "(cannot read %s: %s)" % (path, e)
        return "\n".join(text.splitlines()[-lines:])

    # ---- clients ---------------------------------------------------------------------------

    def client(self, max_attempts=1, **config_kwargs):
        """A boto3 Chime client making at most max_attempts attempts per call: by default one,
        so that a test sees every error chimed sends. (botocore's own "max_attempts" counts
        retries in its default legacy mode; "total_max_attempts" counts attempts.)"""
        assert self.endpoint, "server not started"
        cfg = Config(retries={"total_max_attempts": max_attempts}, connect_timeout=10,
                     read_timeout=60, **config_kwargs)
        return boto3.session.Session().client(
            "chime", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY, config=cfg)

    def raw(self, method, path_and_query, body=b"", headers=None, sign=True, timeout=30):
        """One HTTP/1.1 request on a fresh connection, sent exactly as given (the path is not
        re-encoded). Signed with SigV4 (service chime, us-east-1) when sign is true.
        Returns RawResponse, which unpacks as (status, headers, body)."""
        assert self.endpoint, "server not started"
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = dict(headers or {})
        if sign:
            req = AWSRequest(method=method, url=self.endpoint + path_and_query, data=body,
                             headers=hdrs)
            SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY), "chime", REGION).add_auth(req)
            hdrs = dict(req.headers.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path_and_query, body=body if body else None, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return RawResponse(resp.status, resp.msg, data)
        finally:
            conn.close()

    def aws(self, *args, timeout=120):
        """Runs `aws chime <args>` against this server with only the test credentials.
        Returns (exit code, parsed JSON or raw stdout, stderr)."""
        assert self.endpoint, "server not started"
        cfg = os.path.join(self.tmpdir, "aws-empty-config")
        for p in (cfg + ".config", cfg + ".credentials"):
            open(p, "a").close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_CONFIG_FILE": cfg + ".config",
            "AWS_SHARED_CREDENTIALS_FILE": cfg + ".credentials",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            "AWS_PAGER": "",
            "AWS_EC2_METADATA_DISABLED": "true",
        })
        aws = os.environ.get("CHIMED_AWS_CLI") or shutil.which("aws") or "aws"
        cmd = [aws, "chime"] + [str(a) for a in args] + [
            "--endpoint-url", self.endpoint, "--region", REGION, "--output", "json"]
        p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
        out = p.stdout.decode("utf-8", "replace")
        try:
            parsed = json.loads(out) if out.strip() else out
        except ValueError:
            parsed = out
        return p.returncode, parsed, p.stderr.decode("utf-8", "replace")


# ---- helpers shared by the test modules ------------------------------------------------------

def unique(prefix="t"):
    return "%s-%s" % (prefix, secrets.token_hex(6))


def error_code(exc):
    return exc.response.get("Error", {}).get("Code")


def error_message(exc):
    return exc.response.get("Error", {}).get("Message") or ""


def q(label):
    """Percent-encodes a path label the way botocore does."""
    return urllib.parse.quote(label, safe="")


class ServerTestCase(unittest.TestCase):
    """One server for the whole TestCase class; stopped with SIGTERM (exit code 0 checked)."""

    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = ChimedServer(name=cls.__module__ + "." + cls.__name__)
        cls.addClassCleanup(srv.cleanup)
        srv.start()
        cls.server = srv
        cls.chime = srv.client()

    @classmethod
    def tearDownClass(cls):
        srv = cls.server
        try:
            if srv is not None and srv.running():
                srv.stop(signal.SIGTERM)
        finally:
            super().tearDownClass()

    # Assertions about the wire format, shared by the modules.

    def assertCommonHeaders(self, resp):
        rid = resp.headers.get("x-amzn-RequestId")
        self.assertTrue(rid and rid.strip(), "missing x-amzn-RequestId in %r" % (resp,))
        date = resp.headers.get("Date")
        self.assertTrue(date, "missing Date in %r" % (resp,))
        parsed = email.utils.parsedate_to_datetime(date)
        self.assertIsNotNone(parsed.tzinfo, "Date is not an HTTP-date: %r" % date)
        skew = abs((parsed - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
        self.assertLess(skew, 300, "Date %r is far from now" % date)

    def assertRawError(self, resp, status, shape, code, message_contains=None):
        """An error response in the wire format of chime-api.md."""
        self.assertEqual(resp.status, status, resp)
        self.assertCommonHeaders(resp)
        self.assertEqual(resp.headers.get("x-amzn-ErrorType"), shape, resp)
        ctype = resp.headers.get("Content-Type") or ""
        self.assertTrue(ctype.startswith("application/json"), "Content-Type %r" % ctype)
        body = resp.json()
        self.assertIsInstance(body, dict, resp)
        self.assertEqual(body.get("Code"), code, resp)
        msg = body.get("Message")
        self.assertIsInstance(msg, str, resp)
        self.assertTrue(msg.strip(), "empty Message: %r" % (resp,))
        if message_contains is not None:
            wanted = message_contains if isinstance(message_contains, (list, tuple)) else [
                message_contains]
            self.assertTrue(any(w.lower() in msg.lower() for w in wanted),
                            "message %r names none of %r" % (msg, wanted))
        return body

    def assertNoNulls(self, doc):
        self.assertEqual(find_nulls(doc), [], "JSON nulls where members must be omitted")

    def assertModeledError(self, ctx, shape_name, message_contains=None):
        """ctx is the assertRaises context; checks botocore's error code and message text."""
        exc = ctx.exception
        self.assertEqual(error_code(exc), shape_name)
        msg = error_message(exc)
        self.assertTrue(msg.strip(), "empty error message for %s" % shape_name)
        if message_contains is not None:
            wanted = message_contains if isinstance(message_contains, (list, tuple)) else [
                message_contains]
            self.assertTrue(any(w.lower() in msg.lower() for w in wanted),
                            "message %r names none of %r" % (msg, wanted))

    # Small fixtures.

    def make_account(self, name=None):
        resp = self.chime.create_account(Name=name or unique("acct"))
        return resp["Account"]

    def make_user(self, account_id, email=None, username=None, user_type=None):
        kwargs = {"AccountId": account_id, "Email": email or unique("u") + "@example.com"}
        kwargs["Username"] = username or kwargs["Email"].split("@")[0]
        if user_type:
            kwargs["UserType"] = user_type
        return self.chime.create_user(**kwargs)["User"]
