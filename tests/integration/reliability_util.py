"""Helpers shared by the reliability suites (throttling, overload, HTTP hardening, crash and
fault safety): raw sockets, signed raw requests, and offline checks of the SQLite file."""

import os
import socket
import sqlite3
import time

import boto3
from botocore.auth import SigV4Auth
from botocore.config import Config
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import harness


def connect(port, source_ip="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source_ip, 0))
    s.connect(("127.0.0.1", port))
    return s


def signed_bytes(server, method, path_and_query, body=b""):
    """One SigV4-signed HTTP/1.1 request as raw bytes (keep-alive)."""
    req = AWSRequest(method=method, url=server.endpoint + path_and_query, data=body)
    SigV4Auth(Credentials(harness.ACCESS_KEY_ID, harness.SECRET_ACCESS_KEY), "chime",
              harness.REGION).add_auth(req)
    lines = ["%s %s HTTP/1.1" % (method, path_and_query), "Host: 127.0.0.1:%d" % server.port,
             "Content-Length: %d" % len(body)]
    lines += ["%s: %s" % (k, v) for k, v in req.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response(sock, buf=b""):
    """Reads one response with a Content-Length body. Returns (status, head, body, rest) or
    None when the connection closed first."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return status, head.decode("latin-1"), rest[:length], rest[length:]


def closed_by_peer(sock, timeout=5.0):
    """True when the server closes (EOF or reset) within timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def db_path(server):
    return os.path.join(server.data_dir, "chimed.db")


def offline_db_checks(path):
    """Checks a stopped chimed's database: integrity, no PIN held twice, no current PIN retired.
    Returns a list of problems (empty when healthy)."""
    problems = []
    con = sqlite3.connect(path)
    try:
        result = con.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            problems.append("integrity_check: %r" % (result,))
        dups = con.execute("SELECT pin, COUNT(*) FROM users WHERE pin IS NOT NULL "
                           "GROUP BY pin HAVING COUNT(*) > 1").fetchall()
        if dups:
            problems.append("duplicate PINs: %d" % len(dups))
        reused = con.execute("SELECT COUNT(*) FROM users u JOIN retired_pins r "
                             "ON u.pin = r.pin").fetchone()[0]
        if reused:
            problems.append("%d current PINs are retired" % reused)
    finally:
        con.close()
    return problems


def count_rows(path, sql, args=()):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def client(server, **retries):
    """A boto3 Chime client with exactly the given retry settings; without arguments one
    attempt only, as harness.client()."""
    retries = retries or {"total_max_attempts": 1}
    return boto3.session.Session().client(
        "chime", endpoint_url=server.endpoint, region_name=harness.REGION,
        aws_access_key_id=harness.ACCESS_KEY_ID, aws_secret_access_key=harness.SECRET_ACCESS_KEY,
        config=Config(retries=retries, connect_timeout=10, read_timeout=60))
