"""Throwaway PostgreSQL servers for tests (the store contract suite, the e2e tests).

Each server lives in a fresh temporary directory: initdb'd there, listening on 127.0.0.1 only
on a free port, a random superuser password, fsync and synchronous_commit on. When the tests run
as root the server runs as the `postgres` system user (created by Debian's package) or `nobody`,
with the directory chowned to it: PostgreSQL refuses to run as root.

    with PgServer() as pg:                 # skips nothing: raise unittest.SkipTest yourself
        url = pg.create_database("t1")     # postgresql://...@127.0.0.1:PORT/t1

A watchdog process stops and removes each server once the process that started it is gone, even
if it died by SIGKILL before its cleanup ran.

Failover tests use PgServer(replication=True) for the primary and pg.make_standby() for a
streaming standby (synchronous, so no acknowledged commit is lost on promotion).

Command line (for the C++ tests): `pg_fixture.py check` prints why PostgreSQL is unusable (exit 1)
or nothing (exit 0); `pg_fixture.py start [--watch-pid PID]` starts one and prints
`url=...` and `dir=...` lines; `pg_fixture.py stop --dir DIR` stops and removes it. With
--watch-pid, a watchdog stops the server when that process dies, even by SIGKILL.
"""

import argparse
import glob
import os
import pwd
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SUPERUSER = "chimed_test"


def find_bindir():
    """The newest /usr/lib/postgresql/*/bin holding initdb, pg_ctl and postgres (or
    $CHIMED_PG_BINDIR), or None."""
    env = os.environ.get("CHIMED_PG_BINDIR")
    if env:
        candidates = [env]
    else:
        def version(path):
            m = re.search(r"/postgresql/(\d+)", path)
            return int(m.group(1)) if m else 0
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for c in candidates:
        if all(os.access(os.path.join(c, b), os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return c
    return None


def unavailable_reason():
    """None when a server can be started here, otherwise a one-line reason to show when
    skipping."""
    if find_bindir() is None:
        return ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                "apt-get install postgresql (make test installs it)")
    if os.geteuid() == 0 and _run_user() is None:
        return "running as root and neither a 'postgres' nor a 'nobody' user exists"
    return None


def skip_unless_available():
    """For a test's setUp or setUpClass: skips it, with the reason on stderr, where PostgreSQL is
    unusable. ctest reports such a module as skipped by that line (tests/CMakeLists.txt)."""
    reason = unavailable_reason()
    if reason:
        sys.stderr.write("\nSKIPPED (PostgreSQL unavailable): %s\n" % reason)
        raise unittest.SkipTest("PostgreSQL unavailable: " + reason)


def start_server(name, add_cleanup, **options):
    """For a test's setUp or setUpClass: skips it where PostgreSQL is unusable, else a started
    PgServer(name, **options) whose cleanup is registered with `add_cleanup` (addCleanup or
    addClassCleanup) before it starts."""
    skip_unless_available()
    server = PgServer(name=name, **options)
    add_cleanup(server.cleanup)
    server.start()
    return server


def _run_user():
    """The unprivileged account servers run as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgError(RuntimeError):
    pass


class PgServer:
    """One PostgreSQL server in a temporary directory. Not started until start()/__enter__."""

    def __init__(self, name="pg", replication=False, password=None, base=None, watch_pid=None):
        """watch_pid: the process whose death stops and removes this server even when it dies
        by SIGKILL (a ctest timeout, a killed `make test`), so that no orphaned server or
        /tmp/chimed-pg-* directory outlives it; by default the process that calls start(), 0
        for no watchdog."""
        self.bindir = find_bindir()
        if self.bindir is None:
            raise PgError(unavailable_reason())
        self.name = name
        self.replication = replication
        self.password = password or secrets.token_hex(16)
        self.user = _run_user()
        self.tmpdir = base or tempfile.mkdtemp(prefix="chimed-pg-", dir="/tmp")
        os.chmod(self.tmpdir, 0o700)
        self.data = os.path.join(self.tmpdir, "data")
        self.sockdir = os.path.join(self.tmpdir, "sock")
        self.log = os.path.join(self.tmpdir, "server.log")
        os.makedirs(self.sockdir, exist_ok=True)
        self._chown(self.tmpdir, self.sockdir)
        self.port = None
        self.initialized = False
        self.standbys = []
        self.watch_pid = watch_pid
        self._watchdog = None

    # ---- running things as the server's user ----------------------------------------------

    def _chown(self, *paths):
        if self.user is None:
            return
        for p in paths:
            os.chown(p, self.user.pw_uid, self.user.pw_gid)

    def _run(self, argv, env=None, check=True, timeout=120):
        full_env = dict(os.environ)
        full_env.update(env or {})
        full_env["PGPASSWORD"] = self.password
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
            full_env["HOME"] = self.tmpdir
        p = subprocess.run(argv, env=full_env, cwd=self.tmpdir, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout, **kwargs)
        if check and p.returncode != 0:
            raise PgError("%s failed (%d): %s\n%s" % (
                os.path.basename(argv[0]), p.returncode, p.stderr.decode(errors="replace"),
                self.log_tail()))
        return p

    def bin(self, name):
        return os.path.join(self.bindir, name)

    # ---- lifecycle -------------------------------------------------------------------------

    def init(self):
        pwfile = os.path.join(self.tmpdir, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        os.chmod(pwfile, 0o600)
        self._chown(pwfile)
        self._run([self.bin("initdb"), "-D", self.data, "-U", SUPERUSER, "--pwfile", pwfile,
                   "-E", "UTF8", "--locale=C", "--auth-host=scram-sha-256",
                   "--auth-local=scram-sha-256", "--no-sync"])
        os.unlink(pwfile)
        self._write_conf()
        self.initialized = True

    def _write_conf(self, extra=None):
        self.port = self.port or free_port()
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": "'%s'" % self.sockdir,
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
            "shared_buffers": "'32MB'",
            "max_connections": "100",
            "log_min_messages": "warning",
            "log_line_prefix": "'%m [%p] '",
        }
        if self.replication:
            conf.update({"wal_level": "replica", "max_wal_senders": "5",
                         "hot_standby": "on", "wal_keep_size": "'128MB'"})
        conf.update(extra or {})
        path = os.path.join(self.data, "postgresql.conf")
        with open(path, "a") as f:
            f.write("\n# chimed test fixture\n")
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))

    def start(self):
        # First: an owner killed during initdb or pg_ctl's wait must not leave them behind.
        self._start_watchdog()
        if not self.initialized:
            self.init()
        for attempt in range(3):
            p = self._run([self.bin("pg_ctl"), "-D", self.data, "-l", self.log, "-w", "-t", "60",
                           "start"], check=False)
            if p.returncode == 0:
                return self
            if "could not bind" not in self.log_tail() and attempt == 2:
                break
            # Someone took our port between free_port() and the bind: pick another.
            self.port = free_port()
            self._write_conf({"port": str(self.port)})
        raise PgError("pg_ctl start failed: %s\n%s" % (
            p.stderr.decode(errors="replace"), self.log_tail()))

    def _start_watchdog(self):
        """Once per server: a process of its own session (a process-group kill of the tests
        spares it) that stops the server and removes its directory once watch_pid is gone.
        cleanup() ends it; it also ends by itself once the directory is gone."""
        if self._watchdog is not None or self.watch_pid == 0:
            return
        if self.watch_pid is None:
            self.watch_pid = os.getpid()
        self._watchdog = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "watch", "--pid", str(self.watch_pid),
             "--dir", self.tmpdir],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, cwd="/")

    def stop(self, mode="fast"):
        """mode: smart, fast, or immediate (a crash as far as the data files know)."""
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run([self.bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "60",
                       "stop"], check=False)

    def kill9(self):
        """SIGKILL to the postmaster: the machine died, as far as clients can tell."""
        pid = self.postmaster_pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
            # Children notice the postmaster is gone and exit; the immediate stop cleans up.
            time.sleep(0.2)
            children_gone = False
            for _ in range(50):
                if subprocess.run(["pgrep", "-P", str(pid)], capture_output=True).returncode:
                    children_gone = True
                    break
                time.sleep(0.1)
            # Once the server and its children are gone, its postmaster.pid is stale: a later
            # pg_ctl stop (cleanup, the watchdog) would signal whatever process has that pid by
            # then. While a child lives, the file stays: it keeps the data directory locked.
            for _ in range(20):
                if not process_alive(pid):
                    break
                time.sleep(0.1)
            if children_gone and not process_alive(pid):
                try:
                    os.remove(os.path.join(self.data, "postmaster.pid"))
                except FileNotFoundError:
                    pass

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def promote(self):
        self._run([self.bin("pg_ctl"), "-D", self.data, "-w", "-t", "60", "promote"])

    def cleanup(self):
        for s in self.standbys:
            s.cleanup()
        self.stop("immediate")
        if self._watchdog is not None:  # its work is done here
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None
        if not os.environ.get("CHIMED_TEST_KEEP_TMP"):
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def log_tail(self, lines=20):
        try:
            with open(self.log, "rb") as f:
                return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    # ---- replication -----------------------------------------------------------------------

    def make_standby(self, name="standby", synchronous=True):
        """A streaming standby of this (running, replication=True) primary, started. With
        synchronous, the primary waits for the standby to flush every commit, so promoting it
        loses no acknowledged write."""
        assert self.replication, "the primary needs PgServer(replication=True)"
        sb = PgServer(name=name, replication=True, password=self.password,
                      watch_pid=self.watch_pid)
        sb.port = free_port()
        self._chown(sb.tmpdir)
        sb._start_watchdog()  # before the base backup fills its directory
        sb._run([sb.bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
                 "-D", sb.data, "-X", "stream", "-c", "fast", "--no-sync"])
        # The copied configuration points at the primary's port and socket: override it.
        sb._write_conf({"primary_conninfo": "'host=127.0.0.1 port=%d user=%s password=%s "
                                            "application_name=%s'" % (
                                                self.port, SUPERUSER, self.password, name),
                        "synchronous_standby_names": "''"})
        open(os.path.join(sb.data, "standby.signal"), "w").close()
        sb._chown(os.path.join(sb.data, "standby.signal"))
        sb.initialized = True
        sb.start()
        self.standbys.append(sb)
        if synchronous:
            self.sql("ALTER SYSTEM SET synchronous_standby_names = '%s'" % name)
            self.sql("SELECT pg_reload_conf()")
            deadline = time.time() + 30
            while time.time() < deadline:
                out = self.sql("SELECT sync_state FROM pg_stat_replication WHERE "
                               "application_name = '%s'" % name)
                if out.strip() == "sync":
                    break
                time.sleep(0.1)
            else:
                raise PgError("standby %s did not become synchronous" % name)
        return sb

    # ---- SQL -------------------------------------------------------------------------------

    def url(self, dbname="postgres"):
        return "postgresql://%s:%s@127.0.0.1:%d/%s" % (SUPERUSER, self.password, self.port,
                                                       dbname)

    def sql(self, statement, dbname="postgres"):
        """Runs one statement with psql; returns its unaligned output."""
        p = self._run([self.bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                       "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", dbname,
                       "-c", statement])
        return p.stdout.decode()

    def create_database(self, name):
        self.sql('CREATE DATABASE "%s"' % name)
        return self.url(name)


# ---- command line, for the C++ tests -------------------------------------------------------

def process_alive(pid):
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _watch(pid, tmpdir):
    """Stops the server in tmpdir and removes the directory once process `pid` is gone (the test
    process died without its cleanup); returns without doing so once the directory is gone.

    A pidfd (taken while the owner is surely alive: it started this watchdog, or waits for the
    command that did) becomes readable when the owner exits, even as an unreaped zombie, and
    cannot be fooled by another process that gets the same pid later."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        fd = None
        gone = True
    except (AttributeError, OSError):  # no pidfd (an old kernel): poll the pid instead
        fd, gone = None, False
    else:
        gone = False
    while not gone:
        if not os.path.isdir(tmpdir):
            return
        if fd is not None:
            gone = bool(select.select([fd], [], [], 1.0)[0])
            continue
        gone = not process_alive(pid)  # an unreaped zombie counts as gone, as with the pidfd
        if not gone:
            time.sleep(1)
    _stop_dir(tmpdir)


def _stop_dir(tmpdir):
    bindir = find_bindir()
    data = os.path.join(tmpdir, "data")
    if bindir and os.path.exists(os.path.join(data, "postmaster.pid")):
        st = os.stat(data)
        kwargs = {}
        if os.geteuid() == 0 and st.st_uid != 0:
            kwargs = {"user": st.st_uid, "group": st.st_gid, "extra_groups": []}
        subprocess.run([os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate", "-w",
                        "stop"], capture_output=True, cwd="/", **kwargs)
    if not os.environ.get("CHIMED_TEST_KEEP_TMP"):
        shutil.rmtree(tmpdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check")
    st = sub.add_parser("start")
    st.add_argument("--watch-pid", type=int)
    sp = sub.add_parser("stop")
    sp.add_argument("--dir", required=True)
    wp = sub.add_parser("watch")
    wp.add_argument("--pid", type=int, required=True)
    wp.add_argument("--dir", required=True)
    args = ap.parse_args()

    if args.cmd == "check":
        reason = unavailable_reason()
        if reason:
            print(reason)
            return 1
        return 0
    if args.cmd == "start":
        # This command exits at once: the watchdog watches the caller named, if any.
        pg = PgServer(watch_pid=args.watch_pid or 0)
        try:
            pg.start()
        except BaseException:
            pg.cleanup()
            raise
        print("url=%s" % pg.url())
        print("dir=%s" % pg.tmpdir)
        sys.stdout.flush()
        return 0
    if args.cmd == "stop":
        _stop_dir(args.dir)
        return 0
    if args.cmd == "watch":
        _watch(args.pid, args.dir)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
