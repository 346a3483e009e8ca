"""Helpers for the chimectl / C++ client end-to-end tests: where the binary is, how to run it
with only the test credentials, and a tiny scripted HTTP server for retry and error tests."""

import http.server
import json
import os
import subprocess
import tempfile
import threading
import time

from harness import ACCESS_KEY_ID, SECRET_ACCESS_KEY, chimed_bin


def chimectl_bin():
    path = os.environ.get("CHIMECTL_BIN") or os.path.join(os.path.dirname(chimed_bin()), "chimectl")
    if not os.access(path, os.X_OK):
        raise RuntimeError("chimectl not found at %s (set CHIMECTL_BIN)" % path)
    return path


def clean_env(home, extra=None):
    """The environment chimectl runs in: test credentials only, an empty HOME, no AWS_* leaks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "HOME": home,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
    })
    env.update(extra or {})
    return env


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "chimectl rc=%d\nstdout: %s\nstderr: %s" % (self.rc, self.out[-3000:], self.err[-3000:])


def run_chimectl(endpoint, *args, env_extra=None, timeout=300, home=None):
    """Runs chimectl <args> --endpoint-url <endpoint>; returns Result (stdout/stderr as text)."""
    own_home = home is None
    home = home or tempfile.mkdtemp(prefix="chimectl-home-")
    try:
        cmd = [chimectl_bin()] + [str(a) for a in args]
        if endpoint:
            cmd += ["--endpoint-url", endpoint]
        p = subprocess.run(cmd, env=clean_env(home, env_extra), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"))
    finally:
        if own_home:
            import shutil
            shutil.rmtree(home, ignore_errors=True)


class ScriptedServer:
    """An HTTP/1.1 keep-alive server on 127.0.0.1:0 that answers from a script.

    script: list of (status, headers dict, body str or dict) consumed one per request; the last
    entry repeats. Records (method, path, headers, body, client port) of every request."""

    def __init__(self, script, delay_s=0.0):
        self.script = list(script)
        self.delay_s = delay_s
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with outer.lock:
                    outer.requests.append({"method": self.command, "path": self.path,
                                           "headers": dict(self.headers.items()),
                                           "body": body, "port": self.client_address[1]})
                    entry = outer.script[0] if len(outer.script) == 1 else outer.script.pop(0)
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                status, headers, payload = entry
                data = payload if isinstance(payload, str) else json.dumps(payload)
                data = data.encode("utf-8")
                self.send_response(status)
                self.send_header("x-amzn-RequestId", "scripted-%d" % len(outer.requests))
                self.send_header("Content-Type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.endpoint = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        return False


def error_entry(status, shape, code, message="scripted", headers=None):
    h = {"x-amzn-ErrorType": shape}
    h.update(headers or {})
    return (status, h, {"Code": code, "Message": message})
