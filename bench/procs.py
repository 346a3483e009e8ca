"""The servers the benchmark runs: chimed, the nginx yardstick and moto, each on loopback.

Every process is started by the harness, in its own process group, and stopped by its pid when
the harness ends (also on errors and Ctrl-C).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time

ROOT_KEY_ID = "AKIABENCHROOT0000001"
ROOT_SECRET = "bench/secret/0123456789abcdefghijklmnopqrstu"
UUID_LIKE = "00000000-0000-4000-8000-000000000000"

_live = []


def stop_all():
    for p in list(_live):
        stop(p)


def stop(proc, sig=signal.SIGTERM, timeout=20):
    if proc in _live:
        _live.remove(proc)
    if proc.poll() is not None:
        return proc.returncode
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return proc.poll()
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait(10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(argv, env=None, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, start_new_session=True)
    _live.append(proc)
    return proc


def rss_kib(pid):
    """(VmRSS, VmHWM) of a process in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


class Chimed:
    """chimed on 127.0.0.1 with the bench's root key; throttling configured off."""

    def __init__(self, binary, data_dir, log_path, port=0, log_level="info", wrapper=()):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = port
        self.log_level = log_level
        self.wrapper = list(wrapper)
        self.proc = None

    @staticmethod
    def unthrottled_flags(binary):
        """Flags that keep the throttles and admission queue from ever refusing a bench request.

        Only flags this chimed has are passed (the limits are still evolving)."""
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        wanted = [("--throttle", "0:0"), ("--pin-reset-limit", "0:0"),
                  ("--max-in-flight", "100000"), ("--max-queue", "100000"),
                  ("--max-connections-per-client", "100000")]
        return [x for flag, value in wanted if re.search(rf"{flag}\b", help_text)
                for x in (flag, value)]

    def argv(self):
        return self.wrapper + [self.binary, "--listen", f"127.0.0.1:{self.port}",
                               "--data-dir", self.data_dir, "--log-level", self.log_level,
                               *self.unthrottled_flags(self.binary)]

    def env(self):
        env = dict(os.environ)
        env["CHIMED_ROOT_ACCESS_KEY_ID"] = ROOT_KEY_ID
        env["CHIMED_ROOT_SECRET_ACCESS_KEY"] = ROOT_SECRET
        return env

    def start(self, timeout=120):
        """Starts chimed and waits for its `listening` line; returns self."""
        log = open(self.log_path, "ab")
        self.proc = spawn(self.argv(), env=self.env(), stdout=subprocess.PIPE, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(rb"listening on http://([\d.]+):(\d+)", line)
            if m:
                self.port = int(m.group(2))
                return self
            if not line and self.proc.poll() is not None:
                break
        raise RuntimeError(f"chimed did not start ({self.argv()}); see {self.log_path}")

    @property
    def host_port(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        if self.proc:
            stop(self.proc)
            self.proc = None


NGINX_CONF = """\
{user}
daemon off;
master_process {master};
worker_processes {workers};
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  server_tokens off;
  keepalive_timeout 75s;
  keepalive_requests 100000000;
  client_body_temp_path {work}/tmp/body;
  proxy_temp_path {work}/tmp/proxy;
  fastcgi_temp_path {work}/tmp/fastcgi;
  uwsgi_temp_path {work}/tmp/uwsgi;
  scgi_temp_path {work}/tmp/scgi;
  default_type application/json;
{servers}
}}
"""

NGINX_SERVER = """\
  server {{
    listen 127.0.0.1:{port};
    location / {{
      add_header x-amzn-RequestId {request_id};
{answer}
    }}
  }}
"""

# nginx cannot hold a parameter longer than its 4 KiB config buffer: a longer body (a page of
# 100 users) is served as a static file from the open-file cache instead of `return`.
NGINX_RETURN = "      return 200 '{body}';"
NGINX_FILE = """\
      root {root};
      try_files /{name}.json =404;
      etag off;
      open_file_cache max=16 inactive=1h;
      open_file_cache_valid 1h;"""


def nginx_quote(body):
    if "$" in body:
        raise ValueError("a body with '$' would be read as nginx variables")
    return body.replace("\\", "\\\\").replace("'", "\\'")


class Nginx:
    """nginx-light answering each operation's port with a fixed body (chimed's own answer)."""

    def __init__(self, work_dir, bodies, workers="auto", master=True, wrapper=()):
        self.work = work_dir
        self.wrapper = list(wrapper)
        self.bodies = bodies  # name -> body text
        self.ports = {name: free_port() for name in bodies}
        self.workers = workers
        self.master = master
        self.proc = None

    def start(self):
        os.makedirs(f"{self.work}/tmp", exist_ok=True)
        os.makedirs(f"{self.work}/bodies", exist_ok=True)
        servers = ""
        for name, body in self.bodies.items():
            if len(body) < 3000:
                answer = NGINX_RETURN.format(body=nginx_quote(body))
            else:
                with open(f"{self.work}/bodies/{name}.json", "w") as f:
                    f.write(body)
                answer = NGINX_FILE.format(root=f"{self.work}/bodies", name=name)
            servers += NGINX_SERVER.format(port=self.ports[name], request_id=UUID_LIKE,
                                           answer=answer)
        conf = NGINX_CONF.format(user="user root;" if os.geteuid() == 0 else "",
                                 master="on" if self.master else "off",
                                 workers=self.workers, work=self.work, servers=servers)
        path = f"{self.work}/nginx.conf"
        with open(path, "w") as f:
            f.write(conf)
        self.proc = spawn(self.argv(path))
        for port in self.ports.values():
            wait_port(port, self.proc)
        return self

    def argv(self, conf):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        return self.wrapper + [binary, "-p", self.work, "-c", conf, "-e", f"{self.work}/nginx-error.log"]

    def stop(self):
        if self.proc:
            stop(self.proc, sig=signal.SIGQUIT)
            self.proc = None


def wait_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"nothing listens on port {port}")
