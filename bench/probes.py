"""Measurements other than throughput: the disk's fdatasync rate, raw HTTP exchanges, a client
that sends an exact number of requests (for instruction counts), and wrk itself."""

import json
import os
import re
import socket
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def fdatasync_rate(directory, seconds=3.0, block=4096):
    """fdatasync()s per second of a file in `directory`, each after overwriting one block.

    This is what one durable commit costs the disk at least: a WAL append plus its flush."""
    path = os.path.join(directory, "fdatasync-probe.tmp")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        buf = os.urandom(block)
        n = 0
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            os.pwrite(fd, buf, (n % 256) * block)
            os.fdatasync(fd)
            n += 1
        return n / (time.monotonic() - start)
    finally:
        os.close(fd)
        os.unlink(path)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body


def read_response(sock, buf=b""):
    """Reads one HTTP/1.1 response with a Content-Length body. Returns (Response, leftover)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before a response head")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    closes = lines[0].startswith("HTTP/1.0") or headers.get("connection", "").lower() == "close"
    if "content-length" not in headers and closes:
        while True:  # the body ends where the connection does
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        headers["content-length"] = str(len(rest))
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed inside a response body")
        rest += chunk
    response = Response(status, headers, rest[:length])
    response.closes = closes
    return response, rest[length:]


def exchange(port, raw, timeout=30):
    """Sends one raw request on a new connection; returns the Response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        return read_response(s)[0]


def first_200_ms(start_process, port, raw, timeout=30):
    """Starts a server via `start_process()` and sends `raw` until a 200 comes back.

    Returns (milliseconds from just before the start to the 200, process)."""
    t0 = time.monotonic()
    proc = start_process()
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        try:
            if exchange(port, raw, timeout=5).status == 200:
                return (time.monotonic() - t0) * 1000.0, proc
        except OSError:
            pass
        time.sleep(0.0005)
    raise RuntimeError("no 200 before the timeout")


def send_fixed(port, requests, count, concurrency):
    """Sends exactly `count` requests over `concurrency` keep-alive connections and waits for
    every answer. Returns the statuses seen (status -> count)."""
    statuses = {}
    lock = threading.Lock()
    per_conn = [count // concurrency + (1 if i < count % concurrency else 0)
                for i in range(concurrency)]

    def run(i, n):
        seen = {}
        s, leftover = None, b""
        try:
            for k in range(n):
                if s is None:  # (re)connect: some servers (moto) close after each answer
                    s, leftover = socket.create_connection(("127.0.0.1", port), timeout=600), b""
                s.sendall(requests[(i + k * concurrency) % len(requests)])
                r, leftover = read_response(s, leftover)
                seen[r.status] = seen.get(r.status, 0) + 1
                if r.closes:
                    s.close()
                    s = None
        finally:
            if s is not None:
                s.close()
        with lock:
            for k, v in seen.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=run, args=(i, n)) for i, n in enumerate(per_conn) if n]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def thread_ticks(pid):
    """{thread name: CPU ticks (user + system)} of a process's threads, from /proc. chimed
    names its threads after their work (chimed-writer, chimed-io-1, ...; the main thread, which
    serves the first I/O context, keeps the process's name); same-named threads are summed."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        fields = s[s.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
    return out


def thread_shares(before, after, wall_seconds):
    """{thread name: share of one CPU} between two thread_ticks() readings, busiest first."""
    tick = os.sysconf("SC_CLK_TCK")
    shares = {k: (v - before.get(k, 0)) / tick / wall_seconds for k, v in after.items()}
    return dict(sorted(shares.items(), key=lambda kv: -kv[1]))


def wrk(port, requests_file, connections, seconds, threads=1):
    """Runs wrk with replay.lua; returns the parsed BENCH_JSON summary plus req_per_s."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
            "--timeout", "10s", "-s", os.path.join(HERE, "replay.lua"),
            f"http://127.0.0.1:{port}", "--", requests_file]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"BENCH_JSON (\{.*\})", out.stdout)
    if not m:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    result = json.loads(m.group(1))
    result["req_per_s"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in result if k.startswith("err_"))
    return result
