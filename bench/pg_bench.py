#!/usr/bin/env python3
"""chimed on PostgreSQL beside pgbench running the same single-row UPDATE, on one server.

    bench/pg_bench.py                 5 rounds of 5 s, c8, 1,000 users -> bench/RESULTS-postgres.md
    bench/pg_bench.py --quick         1 round of 2 s: checks the harness, measures nothing

One throwaway PostgreSQL (tests/integration/pg_fixture.py: initdb into /tmp, loopback, a free
port, fsync and synchronous_commit on) holds two databases:

- `chimed`: chimed's own schema (its migrations), one account and 1,000 users. chimed serves
  durable ResetPersonalPIN at c8: `wrk -t1 -c8` replaying botocore-SigV4-signed requests for
  distinct users (bench/signing.py, bench/replay.lua, bench/probes.py, reused unchanged).
- `pgb`: a copy of that database (CREATE DATABASE ... TEMPLATE chimed), so pgbench updates
  chimed's own users table with its indexes and trigger: `pgbench -c8 -j1 -M prepared` running
  `UPDATE users SET pin = ... WHERE user_id = ...` for a random one of the same 1,000 users.
- `pgbrst` and `pgbare`: two more copies, for two references beside the target's yardstick: a
  reset's writes as one statement (`pgbench-reset`), and the UPDATE without the trigger that
  records every PIN issued (`pgbench-bare`).

Two more references run on the `chimed` database itself: `store`, chimed's store without its
HTTP front (bench/store_reset_driver: 8 resets in flight through Store::ResetPin, from one
event loop as chimed's I/O thread calls it), and `loop`, the store's reset statement driven
from one thread's poll loop (bench/pg_reset_loop: every queued reset in one batch, no retries).

Rounds alternate the kinds (in one order, then the reverse), the ratio chimed/pgbench is taken per round, and the
report gives its median with min and max. Before each run no foreign `wrk` (another harness)
may be running; the run waits (bounded) if one is, and a run during which one appeared is
flagged. CPU time of chimed, of all PostgreSQL processes and of the client is measured per
request. An extra chimed round with pg_stat_statements tracking (off during the measured
rounds) counts the statements chimed sends per reset.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import pg_fixture  # noqa: E402
import probes  # noqa: E402
import procs  # noqa: E402
import report  # noqa: E402
import signing  # noqa: E402

CONNECTIONS = 8
KINDS = ("chimed", "pgbench", "pgbench-reset", "pgbench-bare", "store", "loop")
ID_PREFIX = "00000000-0000-4000-8000-"  # seeded user i has user id ID_PREFIX + 12-digit i
TICK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print("[pg-bench]", *args, flush=True)


# ---------------------------------------------------------------------------------------------
# CPU accounting from /proc (chimed's threads, every PostgreSQL process, the client).


def _stat(pid):
    """(ppid, utime+stime, cutime+cstime) in ticks, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def _children(postmaster):
    """(pid, _stat) of each live child of the postmaster: its backends and helper processes."""
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st and st[0] == postmaster:
                yield int(name), st


def postgres_ticks(postmaster):
    """CPU ticks of the postmaster, its live children and its reaped children (backends that
    ended, e.g. pgbench's, are in the postmaster's cutime)."""
    own = _stat(postmaster)
    if own is None:
        return 0
    return own[1] + own[2] + sum(st[1] for _, st in _children(postmaster))


def postgres_children(postmaster):
    return sum(1 for _ in _children(postmaster))


def pin_postgres_apart(postmaster):
    """Gives PostgreSQL the first half of this machine's CPUs and everything else (this harness,
    and so chimed, wrk and pgbench, which inherit its affinity) the other half: the database on
    cores of its own, as when chimed runs on other machines. Backends started later inherit the
    postmaster's affinity. Returns (PostgreSQL's CPUs, the others')."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise RuntimeError("--pin needs at least 2 CPUs")
    db, rest = set(cpus[:len(cpus) // 2]), set(cpus[len(cpus) // 2:])
    for pid in [postmaster] + [pid for pid, _ in _children(postmaster)]:
        os.sched_setaffinity(pid, db)
    os.sched_setaffinity(0, rest)
    return sorted(db), sorted(rest)


def wait_reaped(postmaster, baseline, limit_s=5.0):
    """Waits until the backends of a finished client have exited and been reaped, so that their
    CPU time is in the postmaster's children time."""
    deadline = time.monotonic() + limit_s
    while postgres_children(postmaster) > baseline and time.monotonic() < deadline:
        time.sleep(0.02)


def pid_ticks(pid):
    st = _stat(pid)
    return st[1] if st else 0


def cpu_busy():
    """(busy, total, steal) jiffies of the whole machine, from /proc/stat. Steal is time this
    virtual machine's CPUs were ready to run but the hypervisor ran something else: neither
    busy nor idle here, and the likeliest cause of a round that is slow for no reason of its own."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle, steal = v[3] + v[4], v[7] if len(v) > 7 else 0
    return sum(v) - idle - steal, sum(v), steal


def machine_shares(m0, m1):
    """Between two cpu_busy() readings: the machine's busy and stolen shares of its CPU time."""
    total = max(m1[1] - m0[1], 1)
    return {"machine_busy": (m1[0] - m0[0]) / total, "steal": (m1[2] - m0[2]) / total}


def foreign_cores(m0, m1, own_ticks, wall):
    """Cores that processes outside the benchmark kept busy. Never below zero: the kernel may
    charge a process for part of the time the hypervisor stole, so its own ticks can exceed
    the machine's busy ones by a little."""
    return max(0.0, ((m1[0] - m0[0]) - own_ticks) / TICK / wall)


def children_ticks():
    t = os.times()
    return round((t.children_user + t.children_system) * TICK)


# ---------------------------------------------------------------------------------------------
# The other harness.


def foreign_wrk():
    """pids of wrk processes that are not ours (read from /proc: no child process of our own,
    which would count as client CPU)."""
    mine, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/comm") as f:
                if f.read().strip() != "wrk":
                    continue
        except OSError:
            continue
        st = _stat(int(name))
        if st and st[0] != mine:
            found.append(int(name))
    return found


def wait_quiet(limit_s, calm_s=3.0):
    """Waits until no foreign wrk has run for calm_s seconds (a harness between two wrk runs is
    not done), at most limit_s. Returns (seconds waited, whether it gave up)."""
    t0 = time.monotonic()
    calm_since = t0
    while time.monotonic() - calm_since < calm_s:
        if foreign_wrk():
            calm_since = time.monotonic()
        if time.monotonic() - t0 > limit_s:
            return time.monotonic() - t0, True
        time.sleep(0.25)
    return time.monotonic() - t0, False


class Watch:
    """Samples for foreign wrk processes while a run is going on."""

    def __init__(self):
        self.seen = False
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.25):
            if foreign_wrk():
                self.seen = True

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join(5)
        return False


# ---------------------------------------------------------------------------------------------
# Setup: PostgreSQL, chimed's schema and users, the pgbench copy.


def psql(pg, sql, db):
    return pg.sql(sql, dbname=db).strip()


def start_postgres():
    pg = pg_fixture.PgServer(name="bench")
    pg.init()
    # Loaded, but tracking off for the measured rounds (it costs per statement, and chimed sends
    # more statements per reset than pgbench does); switched on for the evidence round.
    pg._write_conf({"shared_preload_libraries": "'pg_stat_statements'",
                    "pg_stat_statements.track": "'none'",
                    "pg_stat_statements.max": "1000"})
    pg.start()
    return pg


def chimed_server(binary, data_dir, log_path, url):
    os.environ["CHIMED_STORE_URL"] = url  # procs.Chimed passes os.environ on to chimed
    return procs.Chimed(binary, data_dir, log_path)


def pg_writers(binary, wanted):
    """The writer connections chimed will run: `wanted` (passed on as CHIMED_PG_WRITERS), else
    the default its --help shows; None for a chimed without the flag."""
    if wanted is not None:
        os.environ["CHIMED_PG_WRITERS"] = str(wanted)
        return wanted
    os.environ.pop("CHIMED_PG_WRITERS", None)
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    m = re.search(r"--pg-writers\b[^\n]*=(\d+)", help_text)
    return int(m.group(1)) if m else None


def io_threads(wanted):
    """The I/O threads chimed will run (passed on as CHIMED_IO_THREADS): `wanted`, else half
    this machine's cores, at least one. PostgreSQL, wrk and pgbench run on the same cores, and
    an operator who puts chimed beside its database gives it its share of them (see "chimed and
    PostgreSQL on one machine" in docs/operating-at-scale.md); chimed's own default, one per
    core, is for a machine chimed has to itself. The analysis in RESULTS-postgres.md has both."""
    n = wanted if wanted is not None else max(1, (os.cpu_count() or 1) // 2)
    os.environ["CHIMED_IO_THREADS"] = str(n)
    return n


def create_template(server):
    signer = signing.Signer(server.host_port, procs.ROOT_KEY_ID, procs.ROOT_SECRET)
    r = probes.exchange(server.port, signer.raw("POST", "/accounts", json.dumps(
        {"Name": "Bench Corp"}).encode(), "application/json"))
    if r.status != 201:
        raise RuntimeError(f"CreateAccount answered {r.status}: {r.body[:300]}")
    account = json.loads(r.body)["Account"]["AccountId"]
    body = json.dumps({"Username": "bench user 0", "Email": "bench-0@example.com",
                       "UserType": "PrivateUser"}).encode()
    r = probes.exchange(server.port, signer.raw(
        "POST", f"/accounts/{account}/users?operation=create", body, "application/json"))
    if r.status != 201:
        raise RuntimeError(f"CreateUser answered {r.status}: {r.body[:300]}")
    return account, json.loads(r.body)["User"]["UserId"]


SEED_SQL = """
INSERT INTO users(user_id, account_id, primary_email, primary_provisioned_number, display_name,
                  license_type, user_type, registration_status, invitation_status,
                  registered_ms, invited_ms, alexa_enabled, alexa_room_arn, pin)
SELECT '{prefix}' || lpad(i::text, 12, '0'), account_id, 'bench-' || i || '@example.com',
       primary_provisioned_number, 'bench user ' || i, license_type, user_type,
       registration_status, invitation_status, registered_ms, invited_ms, alexa_enabled,
       alexa_room_arn, lpad((i::bigint * 1000000 + 314159)::text, 10, '0')
FROM users t, generate_series(1, {n}) AS i WHERE t.user_id = '{template}'
"""

# pgbench: new PINs are unique by construction (user, client, per-client counter n; each run
# starts n in a fresh range), since chimed's table refuses a PIN it issued before (its trigger
# records every PIN, migration 4); the seeded PINs lie outside every client's block.
PGBENCH_SCRIPT = """\
\\set id random(1, {n})
\\set n :n + 1
\\set p :id * 10000000 + :client_id * 1000000 + :n
UPDATE users SET pin = lpad(:p::text, 10, '0') WHERE user_id = '{prefix}' || lpad(:id::text, 12, '0');
"""


# The writes of a whole reset as one statement (an upper bound for chimed: what PostgreSQL itself
# needs for a reset's writes with a single round trip): lock the user, write the audit row with
# the PIN it retires (schema 6), set the new PIN. New PINs are unique as the UPDATE's are, so no
# PIN is ever reused or retired twice.
PGBENCH_RESET_SCRIPT = """\
\\set id random(1, {n})
\\set n :n + 1
\\set p :id * 10000000 + :client_id * 1000000 + :n
WITH old AS (SELECT account_id, user_id, pin FROM users WHERE user_id = '{prefix}' || lpad(:id::text, 12, '0') FOR UPDATE), \
aud AS (INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms, retired_pin) SELECT 'pgbench', 'pgbench', account_id, user_id, 0, pin FROM old) \
UPDATE users u SET pin = lpad(:p::text, 10, '0') FROM old WHERE u.user_id = old.user_id;
"""


def seed(pg, account, template, users):
    """Users 1..users-1 cloned from the template (every column as chimed wrote it)."""
    psql(pg, SEED_SQL.format(prefix=ID_PREFIX, n=users - 1, template=template), "chimed")
    psql(pg, "ANALYZE", "chimed")
    count = int(psql(pg, f"SELECT count(*) FROM users WHERE account_id = '{account}'", "chimed"))
    if count != users:
        raise RuntimeError(f"seeded {count} users, wanted {users}")
    # The copy pgbench works on: same schema, indexes, trigger and rows. The PINs move out of
    # the blocks pgbench's clients draw from (client ids 0-7; the template's into no block).
    psql(pg, "CREATE DATABASE pgb TEMPLATE chimed", "postgres")
    psql(pg, f"UPDATE users SET pin = '9999999998' WHERE user_id = '{template}'", "pgb")
    psql(pg, "UPDATE users SET pin = lpad((right(user_id, 12)::bigint * 10000000 + 9999999)::text,"
             f" 10, '0') WHERE user_id LIKE '{ID_PREFIX}%'", "pgb")
    psql(pg, "ANALYZE", "pgb")
    # pgbrst: another copy for the reset-shaped script.
    psql(pg, "CREATE DATABASE pgbrst TEMPLATE pgb", "postgres")
    psql(pg, "ANALYZE", "pgbrst")
    # pgbare: the UPDATE without chimed's PIN bookkeeping (the trigger that records every PIN
    # issued): what a bare single-row UPDATE of the same table costs.
    psql(pg, "CREATE DATABASE pgbare TEMPLATE pgb", "postgres")
    psql(pg, "DROP TRIGGER IF EXISTS users_pin_issued_once ON users; "  # schema 4 on
             "DROP TRIGGER IF EXISTS users_pin_not_retired ON users", "pgbare")  # before it
    psql(pg, "ANALYZE", "pgbare")
    for db in ("chimed", "pgb"):
        psql(pg, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", db)
    return [ID_PREFIX + f"{i:012d}" for i in range(1, users)]


# ---------------------------------------------------------------------------------------------
# The two kinds of run.


def run_chimed(server, pg, path, seconds):
    p0, c0 = postgres_ticks(pg.postmaster_pid()), pid_ticks(server.proc.pid)
    k0, t0, m0 = children_ticks(), probes.thread_ticks(server.proc.pid), cpu_busy()
    w0 = time.monotonic()
    r = probes.wrk(server.port, path, CONNECTIONS, seconds)
    wall = time.monotonic() - w0
    m1, t1 = cpu_busy(), probes.thread_ticks(server.proc.pid)
    r["cpu_ticks"] = {"server": pid_ticks(server.proc.pid) - c0,
                      "postgres": postgres_ticks(pg.postmaster_pid()) - p0,
                      "client": children_ticks() - k0}
    r.update(machine_shares(m0, m1))
    r["foreign_cores"] = foreign_cores(m0, m1, sum(r["cpu_ticks"].values()), wall)
    # How much of the round each chimed thread (by name: the writer, the I/O threads) was on a CPU.
    r["thread_shares"] = probes.thread_shares(t0, t1, wall)
    return r


def run_driver(driver, pg, account, users_file, seconds, pg_writers):
    """Resets at c8 without HTTP, on chimed's database: bench/store_reset_driver (the store,
    from one event loop) or bench/pg_reset_loop (its statement from one poll loop). The driver's CPU is counted as
    the server's (its clients only wait)."""
    argv = [driver, "--store", pg.url("chimed"), "--account", account, "--users", users_file,
            "--key", procs.ROOT_KEY_ID, "--clients", str(CONNECTIONS), "--seconds", str(seconds),
            "--pg-writers", str(pg_writers or 1)]  # None: a chimed of one writer, without the flag
    name = os.path.basename(driver)
    audited = "SELECT count(*) FROM pin_reset_audit"
    a0 = int(psql(pg, audited, "chimed"))
    p0, k0, m0 = postgres_ticks(pg.postmaster_pid()), children_ticks(), cpu_busy()
    w0 = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    wall = time.monotonic() - w0
    m1 = cpu_busy()
    if out.returncode != 0:
        raise RuntimeError(f"{name} failed ({out.returncode}): {out.stderr[-2000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["requests"] = r.pop("resets")
    # Every reset the driver counted committed its audit row, and no other.
    written = int(psql(pg, audited, "chimed")) - a0
    if written != r["requests"]:
        raise RuntimeError(f"{name} counted {r['requests']} resets, "
                           f"the audit gained {written} rows")
    r["cpu_ticks"] = {"server": children_ticks() - k0,
                      "postgres": postgres_ticks(pg.postmaster_pid()) - p0, "client": 0}
    r.update(machine_shares(m0, m1))
    r["foreign_cores"] = foreign_cores(m0, m1, sum(r["cpu_ticks"].values()), wall)
    return r


def _thread_medians(rounds, limit=6):
    """Each chimed thread's median share of one core over `rounds`, busiest first, as text."""
    names = {k for r in rounds for k in r.get("thread_shares", {})}
    med = {k: _med([r.get("thread_shares", {}).get(k, 0.0) for r in rounds]) for k in names}
    return report.format_thread_shares(dict(sorted(med.items(), key=lambda kv: -kv[1])), limit)


def run_pgbench(pgbench, pg, script, seconds, log_dir, db="pgb", define=()):
    for f in os.listdir(log_dir):
        os.unlink(os.path.join(log_dir, f))
    argv = [pgbench, "-n", "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg_fixture.SUPERUSER,
            "-c", str(CONNECTIONS), "-j", "1", "-M", "prepared", "-T", str(seconds),
            "-f", script, "-l", "--log-prefix", os.path.join(log_dir, "tx")]
    for d in define:
        argv += ["-D", d]
    argv.append(db)
    env = dict(os.environ, PGPASSWORD=pg.password)
    baseline = postgres_children(pg.postmaster_pid())
    p0, k0, m0 = postgres_ticks(pg.postmaster_pid()), children_ticks(), cpu_busy()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60)
    m1 = cpu_busy()
    wait_reaped(pg.postmaster_pid(), baseline)
    ticks = {"server": 0, "postgres": postgres_ticks(pg.postmaster_pid()) - p0,
             "client": children_ticks() - k0}
    wall = seconds + 0.0
    if out.returncode != 0:
        raise RuntimeError(f"pgbench failed: {out.stdout}\n{out.stderr}")
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)",
                          out.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    lat = []
    for f in os.listdir(log_dir):
        with open(os.path.join(log_dir, f)) as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    lat.append(int(parts[2]))
    lat.sort()
    n = len(lat)
    return {"req_per_s": tps, "requests": n, "p50_us": lat[n // 2] if n else 0,
            "p99_us": lat[min(n - 1, int(n * 0.99))] if n else 0, "max_us": lat[-1] if n else 0,
            "errors": int(failed.group(1)) if failed else 0, "cpu_ticks": ticks,
            **machine_shares(m0, m1),
            "foreign_cores": foreign_cores(m0, m1, sum(ticks.values()), wall)}


def round_trip_us(pgbench, pg, work, seconds=3):
    """Latency of one trivial statement at c1 (pgbench `SELECT 1`, prepared): what a round trip
    between a client and a backend costs on this machine."""
    script = os.path.join(work, "select1.sql")
    with open(script, "w") as f:
        f.write("SELECT 1;\n")
    argv = [pgbench, "-n", "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg_fixture.SUPERUSER,
            "-c", "1", "-j", "1", "-M", "prepared", "-T", str(seconds), "-f", script, "pgb"]
    out = subprocess.run(argv, env=dict(os.environ, PGPASSWORD=pg.password),
                         capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"latency average = ([\d.]+) ms", out.stdout)
    if not m:
        raise RuntimeError(f"pgbench SELECT 1 failed: {out.stdout}\n{out.stderr}")
    return float(m.group(1)) * 1000


def signed_file(work, server, account, user_ids):
    signer = signing.Signer(server.host_port, procs.ROOT_KEY_ID, procs.ROOT_SECRET)
    path = os.path.join(work, "reset.req")
    signing.write_requests(path, [signing.reset_pin(signer, account, u) for u in user_ids])
    return path


def statement_profile(pg, server, work, account, user_ids, seconds):
    """One more chimed round with pg_stat_statements tracking: statements per reset."""
    psql(pg, "ALTER SYSTEM SET pg_stat_statements.track = 'top'", "postgres")
    psql(pg, "SELECT pg_reload_conf()", "postgres")
    time.sleep(0.5)
    psql(pg, "SELECT pg_stat_statements_reset()", "chimed")
    r = probes.wrk(server.port, signed_file(work, server, account, user_ids), CONNECTIONS,
                   seconds)
    # The pipelined reset statement begins like the grouped one; a label tells them apart.
    rows = psql(pg, "SELECT calls, round(total_exec_time::numeric, 3), "
                    "CASE WHEN query LIKE '%chimed_commit_markers(token, resets)%' "
                    "THEN '(pipelined, writes its marker) ' ELSE '' END || "
                    "regexp_replace(left(query, 90), '\\s+', ' ', 'g') "
                    "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                    "WHERE d.datname = 'chimed' ORDER BY calls DESC", "chimed")
    psql(pg, "ALTER SYSTEM SET pg_stat_statements.track = 'none'", "postgres")
    psql(pg, "SELECT pg_reload_conf()", "postgres")
    stmts = []
    for line in rows.splitlines():
        calls, ms, query = line.split("|", 2)
        stmts.append({"calls": int(calls), "exec_ms": float(ms), "query": query})
    return {"requests": r["requests"], "req_per_s": r["req_per_s"], "statements": stmts}


def wal_stats(pg, db):
    row = psql(pg, "SELECT wal_records, wal_bytes, wal_sync FROM pg_stat_wal", db)
    rec, byt, sync = row.split("|")
    return int(rec), int(byt), int(sync)


# ---------------------------------------------------------------------------------------------
# The report.


def _ms(us):
    return f"{us / 1000:.2f}"


def _med(xs):
    return statistics.median(xs) if xs else float("nan")


def describe_machine(work):
    def sh(cmd):
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    dev = sh(f"df --output=source {work} | tail -1")
    return {"nproc": os.cpu_count(),
            "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
            "mem": sh("grep MemTotal /proc/meminfo | awk '{print $2 \" kB\"}'"),
            "kernel": platform.release(), "disk": f"{dev} ({sh(f'df --output=fstype /tmp | tail -1')})",
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "revision": sh(f"git -C {REPO} describe --always --dirty 2>/dev/null")}


def write_report(path, res):
    m = res["machine"]
    ch, pb = res["chimed"], res["pgbench"]
    ratios = [a["req_per_s"] / b["req_per_s"] for a, b in zip(ch, pb)]
    med, lo, hi = _med(ratios), min(ratios), max(ratios)
    loads = res["loads"]
    load_line = ", ".join(f"{l[0]:.2f}" for l in loads)

    def lat(rs):
        return (f"{_ms(_med([r['p50_us'] for r in rs]))} / {_ms(_med([r['p99_us'] for r in rs]))}"
                f" ({_ms(max(r['p99_us'] for r in rs))}) / {_ms(max(r['max_us'] for r in rs))}")

    def cpu(rs, key):
        return _med([r["cpu_ticks"][key] / TICK * 1e6 / max(r["requests"], 1) for r in rs])

    def steal(rs):
        shares = [r.get("steal", 0) * 100 for r in rs]
        return f"{_med(shares):.1f} ({max(shares):.1f})"

    out = ["# chimed on PostgreSQL beside pgbench\n",
           "Generated by `make bench-postgres` (`bench/pg_bench.py`); see bench/README.md. "
           "Issue 8's target: the PostgreSQL store at c8 reaches ≥ 0.8 × pgbench running the "
           "same single-row UPDATE at c8 on the same machine, synchronous commit on.\n"]
    if res["quick"]:
        out.append("**--quick run: checks the harness only, the numbers mean nothing.**\n")
    out.append(f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['mem']} RAM, kernel "
               f"{m['kernel']}; PostgreSQL data dir on {m['disk']}; run at {m['date']}, repository "
               f"at {m['revision']}, chimed binary built {res.get('binary_mtime', '?')}")
    high = max(l[0] for l in loads) > m["nproc"] if loads else False
    # The benchmark's own processes (PostgreSQL's backends, chimed's threads, the load generator)
    # keep more runnable threads than there are CPUs; only foreign CPU time says others ran.
    foreign = _med([r["foreign_cores"] for k in KINDS for r in res.get(k, [])] or [0.0])
    why_high = ("other engineers' builds and tests were running" if foreign >= 0.1 else
                "the benchmark's own processes; work outside it took "
                f"{foreign:.2f} cores (median)")
    out.append(f"- load average (1 min) before each run: {load_line}"
               + (f" (**high**: above the {m['nproc']} CPUs; {why_high}, see the foreign CPU "
                  "below)" if high else "") + "; at start "
               f"{', '.join(f'{x:.2f}' for x in res['load_start'])} (1/5/15 min), at end "
               f"{', '.join(f'{x:.2f}' for x in res['load_end'])}. The machine is shared: "
               f"{res['waited_rounds']} run(s) waited for another harness's wrk to finish "
               f"(longest {res['longest_wait_s']:.0f} s; {res.get('gave_up', 0)} gave up waiting after --max-wait); {res['overlapped']} run(s) had a foreign "
               f"wrk start while they ran" + (" (marked * below)." if res["overlapped"] else "."))
    out.append(f"- PostgreSQL {res['pg_version']} (pg_fixture.py: initdb in /tmp, loopback TCP, "
               f"`fsync=on`, `synchronous_commit=on`, `full_page_writes=on`, "
               f"`shared_buffers=32MB`, wal_sync_method `{res['wal_sync_method']}`, "
               f"`commit_delay={res['commit_delay']}`); {res['users']:,} users"
               + (f"; `--pin`: PostgreSQL on CPU(s) {res['pinned'][0]}, chimed, wrk and "
                  f"pgbench on {res['pinned'][1]}" if res.get("pinned") else ""))
    out.append(f"- chimed: `{os.path.relpath(res['binary'], REPO)}` (Release), `--store "
               f"postgres://…` via CHIMED_STORE_URL, flags `{' '.join(res['flags'])}` "
               "(throttling off), "
               + (f"{res['pg_writers']} writer connection(s) (`--pg-writers`), "
                  if res.get("pg_writers") else "one writer connection, ")
               + (f"{res['io_threads']} I/O thread(s) (`--io-threads`"
                  + (": half the cores, which it shares with PostgreSQL, wrk and pgbench), "
                     if res.get("io_threads_by_default") else "), ")
                  if res.get("io_threads") else "")
               + "`wrk -t1 -c8` replaying SigV4-signed durable ResetPersonalPIN "
               "requests for the distinct users, re-signed before every round")
    out.append(f"- pgbench: `pgbench -n -c8 -j1 -M prepared -T{res['seconds']}` on `pgb`, a "
               "copy of chimed's database (CREATE DATABASE … TEMPLATE), i.e. chimed's own "
               "`users` table with its indexes and its trigger that records every PIN issued "
               "(one row in `issued_pins` per UPDATE, as for every PIN chimed gives); one "
               "autocommit statement per transaction:\n\n  ```\n" +
               "\n".join("  " + l for l in res["pgbench_script"].splitlines()) + "\n  ```")
    out.append("- for reference, `pgbench-reset` (not the target's yardstick): the writes of a "
               "whole reset as one statement per transaction, on another copy (`pgbrst`): lock "
               "the user, insert the audit row with the PIN it retires, set the new PIN. It is "
               "what PostgreSQL itself needs for a reset's writes with one round trip, so "
               "`pgbench-reset/pgbench` bounds what any store design could reach here with "
               "chimed's semantics even if chimed itself cost nothing:\n\n  ```\n" +
               "\n".join("  " + l for l in res["reset_script"].splitlines()) + "\n  ```")
    rc = res.get("reset_check")
    if rc:
        out.append(f"  (checked afterwards in `pgbrst`: {rc['retired']:,} retired PINs and "
                   f"{rc['audit']:,} audit rows for {rc['transactions']:,} logged transactions "
                   f"of the measured rounds, plus the warm-up's)")
    out.append("- `pgbench-bare`: the same UPDATE on a copy without that trigger (`pgbare`), "
               "i.e. without chimed's PIN bookkeeping; chimed's ratio to it is the stricter one")
    st = res.get("store") or []
    if st:
        out.append("- `store`: chimed's PostgreSQL store without its HTTP front "
                   "(`bench/store_reset_driver`, the same Release build): 8 clients on one "
                   "event loop, as chimed's connections are on its I/O thread, each with one "
                   "`Store::ResetPin` in flight, as ResetPersonalPIN calls it (its audit "
                   "record, the CSPRNG, the cached key's check), on the same `chimed` database "
                   "and users, with chimed's writer count: the store's reset loop on that "
                   "thread, as in chimed. What separates it from chimed's row is HTTP, SigV4 "
                   "and wrk; its CPU is under server")
    lp = res.get("loop") or []
    if lp:
        out.append("- `loop`: the store's pipelined reset statement (the same SQL, parameters, key "
                   "check and commit marker) driven from one thread's poll loop "
                   "(`bench/pg_reset_loop`) over as many connections as chimed has writers, each "
                   "free connection taking every queued reset as one batch, 8 resets in flight: "
                   "what chimed's I/O thread does, without retries, failover handling or HTTP. "
                   "Each client's next reset is queued as soon as its last is answered, so "
                   "batches are as large as this shape allows: an upper bound")
    out.append(f"- {len(ch)} rounds of {res['seconds']} s, the {len(KINDS)} kinds alternating "
               "(in one order, then the reverse), ratios taken per round\n")
    out.append("| c8, single-row durable write | req/s (median) | chimed/pgbench median "
               "(min–max) | p50 / p99 (worst round) / max ms | errors | CPU µs per request: "
               "server / PostgreSQL / client |")
    out.append("|---|---|---|---|---|---|")
    out.append(f"| pgbench UPDATE | {_med([r['req_per_s'] for r in pb]):,.0f} | | {lat(pb)} | "
               f"{sum(r['errors'] for r in pb)} | – / {cpu(pb, 'postgres'):,.0f} / "
               f"{cpu(pb, 'client'):,.0f} |")
    out.append(f"| chimed ResetPersonalPIN | {_med([r['req_per_s'] for r in ch]):,.0f} | "
               f"**{med:.3f}** ({lo:.3f}–{hi:.3f}) | {lat(ch)} | {sum(r['errors'] for r in ch)} | "
               f"{cpu(ch, 'server'):,.0f} / {cpu(ch, 'postgres'):,.0f} / "
               f"{cpu(ch, 'client'):,.0f} |")
    def reference_row(label, rs, stress=""):
        # A reference beside the yardstick: its rate, its ratio to pgbench, chimed's to it.
        if not rs:
            return
        of_pb = [a["req_per_s"] / b["req_per_s"] for a, b in zip(rs, pb)]
        chimed_of = [a["req_per_s"] / b["req_per_s"] for a, b in zip(ch, rs)]
        out.append(f"| {label} | {_med([r['req_per_s'] for r in rs]):,.0f} | "
                   f"{_med(of_pb):.3f} ({min(of_pb):.3f}–{max(of_pb):.3f}) of pgbench; chimed "
                   f"is {stress}{_med(chimed_of):.3f}{stress} ({min(chimed_of):.3f}–"
                   f"{max(chimed_of):.3f}) of this | {lat(rs)} | "
                   f"{sum(r['errors'] for r in rs)} | "
                   + (f"{cpu(rs, 'server'):,.0f}" if cpu(rs, "server") else "–")
                   + f" / {cpu(rs, 'postgres'):,.0f} / "
                   + (f"{cpu(rs, 'client'):,.0f}" if cpu(rs, "client") else "–") + " |")

    pr = res["pgbench-reset"]
    pbare = res.get("pgbench-bare") or []
    reference_row("pgbench-reset (reference)", pr)
    reference_row("pgbench-bare (the UPDATE without the trigger)", pbare, stress="**")
    reference_row("store (chimed's store, no HTTP)", st)
    reference_row("loop (the store's statement from one poll loop, no HTTP)", lp)
    out.append("")
    out.append(f"- whole-machine CPU busy during the runs (median, /proc/stat): pgbench "
               f"{_med([r['machine_busy'] for r in pb]) * 100:.0f} %, chimed "
               f"{_med([r['machine_busy'] for r in ch]) * 100:.0f} %, of which processes outside this "
               f"benchmark (other engineers' work on the shared machine) took about "
               f"{_med([r['foreign_cores'] for r in pb]):.2f} / "
               f"{_med([r['foreign_cores'] for r in ch]):.2f} cores; chimed's threads on a CPU "
               f"(median share of one core over its rounds): {_thread_medians(ch)}; the "
               f"hypervisor's steal (CPU time this virtual machine was due and did not get) "
               f"per round, median (max): pgbench {steal(pb)} %, chimed {steal(ch)} %")
    out.append("")
    def star(r):
        return "*" if r.get("overlap") else ""
    out.append("Per round (req/s): " + "; ".join(
        f"{i + 1}: chimed {a['req_per_s']:,.0f}{star(a)} / pgbench "
        f"{b['req_per_s']:,.0f}{star(b)} = {a['req_per_s'] / b['req_per_s']:.3f}"
        f" (steal {a.get('steal', 0) * 100:.0f} / {b.get('steal', 0) * 100:.0f} %)"
        + (f" (pgbench-reset {pr[i]['req_per_s']:,.0f}{star(pr[i])})" if i < len(pr) else "")
        + (f" (pgbench-bare {pbare[i]['req_per_s']:,.0f}{star(pbare[i])})"
           if i < len(pbare) else "")
        + (f" (store {st[i]['req_per_s']:,.0f})" if i < len(st) else "")
        + (f" (loop {lp[i]['req_per_s']:,.0f})" if i < len(lp) else "")
        for i, (a, b) in enumerate(zip(ch, pb))))
    out.append("")
    target = med >= 0.8
    out.append(f"**Target (≥ 0.8 × pgbench at c8): {'met' if target else 'missed'}** — median "
               f"ratio {med:.3f}" + ("" if target else f", {0.8 - med:.3f} short "
                                     f"({(0.8 / med - 1) * 100:.0f} % more throughput needed)")
               + ".\n")
    sp = res["statements"]
    total = sum(s["calls"] for s in sp["statements"])
    exec_ms = sum(s["exec_ms"] for s in sp["statements"])
    out.append(f"### What a reset costs PostgreSQL (pg_stat_statements, one extra chimed round "
               f"of {res['seconds']} s at c8, tracking on: {sp['requests']:,} resets, "
               f"{sp['req_per_s']:,.0f} req/s)\n")
    n = max(sp["requests"], 1)

    def calls(pattern):
        return sum(s["calls"] for s in sp["statements"] if re.search(pattern, s["query"])) / n

    # Writer transactions: SERIALIZABLE batches, READ COMMITTED batches of resets only.
    writer_tx = calls(r"^BEGIN ISOLATION LEVEL (SERIALIZABLE|READ COMMITTED)")
    # A batch of resets only is one statement that writes the commit marker itself, sent in one
    # pipeline with its BEGIN and COMMIT (src/store/postgres/pg_writer_resets.cc).
    pipelined = r"^\(pipelined, writes its marker\)"
    pipelined_tx = calls(pipelined)
    read_tx = calls(r"^BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    out.append(f"- **{total / n:.1f} statements per reset** (pgbench: 1 per UPDATE); each is a "
               f"round trip except those chimed sends in one libpq pipeline with another (a "
               f"batch of resets' BEGIN and COMMIT, sent with its statement; other writer "
               f"transactions' BEGIN and commit marker, and SAVEPOINT and RELEASE in a batch of "
               f"several functions; a read's BEGIN) and a read's COMMIT, whose answer nobody "
               f"waits for; "
               f"{exec_ms * 1000 / n:.0f} µs of server execution time per reset (wall time "
               f"inside PostgreSQL, inflated by CPU contention on a busy machine)")
    writers = res.get("pg_writers") or 1
    key_reads = calls(r"^SELECT access_key_id")
    out.append(f"- {key_reads:.2f} access-key reads per reset (the SigV4 gate's SELECT, one "
               f"statement outside any transaction: one round trip on a pooled read connection, "
               f"in parallel across requests; only a key's first request reads it, later resets "
               f"are admitted from the gate's copy and the reset statement checks the key's row), "
               f"{read_tx:.2f} read-only transactions per reset, "
               f"and {writer_tx:.2f} writer transactions per reset (group commit: "
               f"**{1 / max(writer_tx, 1e-9):.1f} resets per COMMIT**, {writers} writer "
               f"connection(s), each running its batch's statements one after another; the "
               f"resets that follow each other in a batch run as one statement), "
               f"{pipelined_tx:.2f} of them batches of resets sent with their COMMIT in one "
               f"pipeline")
    overhead = r"^(BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK|INSERT INTO chimed_commit_markers|SELECT access_key_id|SELECT pg_stat)"
    fn_stmts = sum(s["calls"] for s in sp["statements"]
                   if not re.search(overhead, s["query"]) and not re.search(pipelined, s["query"])) / n
    # A pipelined batch is one round trip. Otherwise BEGIN, the marker and the savepoint
    # statements ride along with the next statement, and the COMMIT (with the last release) is
    # the transaction's one round trip of its own.
    writer_rts = pipelined_tx + fn_stmts + (writer_tx - pipelined_tx)
    rtt = res["rtt_us"]
    ceiling = 1e6 / (max(writer_rts, 1e-9) * rtt)
    out.append(f"- the writer connections: {pipelined_tx:.2f} pipelined batches (statement and "
               f"COMMIT in one round trip) + {fn_stmts:.2f} statements of other transactions "
               f"(everything but transaction control: the resets a pipelined batch could not "
               f"do, run again) + those transactions' COMMITs ≈ "
               f"**{writer_rts:.2f} round trips per reset, one after another** on its writer "
               f"connection")
    out.append(f"- a round trip on this machine (pgbench `SELECT 1`, c1, prepared): "
               f"**{rtt:.0f} µs** → one writer connection cannot exceed about "
               f"**{ceiling:,.0f} resets/s** from round trips alone (before execution time and "
               f"the COMMIT's WAL flush); {writers} connection(s): about "
               f"{ceiling * writers:,.0f}/s")
    w = res["wal"]
    out.append(f"- WAL over the measured rounds: chimed {w['chimed']['per_req_bytes']:,.0f} "
               f"bytes and {w['chimed']['per_req_syncs']:.3f} WAL syncs per reset; pgbench "
               f"{w['pgbench']['per_req_bytes']:,.0f} bytes and "
               f"{w['pgbench']['per_req_syncs']:.3f} syncs per UPDATE; pgbench-reset "
               f"{w['pgbench-reset']['per_req_bytes']:,.0f} bytes and "
               f"{w['pgbench-reset']['per_req_syncs']:.3f} syncs per reset; pgbench-bare "
               f"{w['pgbench-bare']['per_req_bytes']:,.0f} bytes and "
               f"{w['pgbench-bare']['per_req_syncs']:.3f} syncs per UPDATE")
    out.append("")
    out.append("| calls per reset | exec µs per reset | statement |")
    out.append("|---|---|---|")
    for s in sp["statements"][:16]:
        q = s["query"].replace("|", "\\|")
        out.append(f"| {s['calls'] / max(sp['requests'], 1):.2f} | "
                   f"{s['exec_ms'] * 1000 / max(sp['requests'], 1):.1f} | `{q}` |")
    out.append("")
    out.append("<!-- analysis -->\n")
    text = "\n".join(out)
    # Keep a hand-written analysis section (after the marker) across regenerations.
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if "<!-- analysis -->" in old:
            text += old.split("<!-- analysis -->", 1)[1].lstrip("\n")
    with open(path, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")


# ---------------------------------------------------------------------------------------------


def find_pgbench():
    bindir = pg_fixture.find_bindir()
    p = os.path.join(bindir, "pgbench") if bindir else None
    return p if p and os.access(p, os.X_OK) else shutil.which("pgbench")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--chimed", default=os.path.join(REPO, "build-bench/src/main/chimed"))
    p.add_argument("--drivers", default=os.path.join(REPO, "build-bench/bench"),
                   help="where store_reset_driver and pg_reset_loop are")
    p.add_argument("--work", default=os.path.join(REPO, "build-bench/pg-bench-work"))
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--max-wait", type=int, default=300,
                   help="seconds to wait for another harness's wrk before each run")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--pg-writers", type=int, default=None,
                   help="chimed's --pg-writers (default: chimed's own default)")
    p.add_argument("--io-threads", type=int, default=None,
                   help="chimed's --io-threads (default: half this machine's cores)")
    p.add_argument("--pin", action="store_true",
                   help="PostgreSQL on half the CPUs, chimed and the load generators on the rest")
    p.add_argument("--results", default=os.path.join(HERE, "RESULTS-postgres.md"))
    args = p.parse_args()
    if args.quick:
        args.rounds, args.seconds = 1, 2
    args.work, args.chimed = os.path.abspath(args.work), os.path.abspath(args.chimed)
    reason = pg_fixture.unavailable_reason()
    pgbench = find_pgbench()
    if reason or not pgbench:
        sys.exit(f"pg_bench: {reason or 'pgbench not found'}")
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    os.chmod(args.work, 0o755)
    # The binary may be rebuilt by someone else's `make bench` while this runs: use a copy.
    binary = os.path.join(args.work, "chimed")
    shutil.copy2(args.chimed, binary)
    drivers = {}
    for kind, name in (("store", "store_reset_driver"), ("loop", "pg_reset_loop")):
        drivers[kind] = os.path.join(args.work, name)
        shutil.copy2(os.path.join(os.path.abspath(args.drivers), name), drivers[kind])
    binary_mtime = time.strftime("%Y-%m-%d %H:%M:%S %Z",
                                 time.localtime(os.path.getmtime(args.chimed)))
    pglog = os.path.join(args.work, "pgbench-log")
    os.makedirs(pglog)
    script = os.path.join(args.work, "update.sql")
    script_text = PGBENCH_SCRIPT.format(n=args.users - 1, prefix=ID_PREFIX)
    with open(script, "w") as f:
        f.write(script_text)
    reset_script = os.path.join(args.work, "reset.sql")
    reset_text = PGBENCH_RESET_SCRIPT.format(n=args.users - 1, prefix=ID_PREFIX)
    with open(reset_script, "w") as f:
        f.write(reset_text)
    if args.users > 1000:  # :id * 10^7 must fit the 10 digits of a PIN
        sys.exit("pg_bench: at most 1,000 users (the pgbench scripts' PIN scheme)")
    if args.rounds > 8:
        sys.exit("pg_bench: at most 8 rounds (the pgbench scripts' PIN scheme)")

    res = {"machine": describe_machine(args.work), "load_start": os.getloadavg(),
           "users": args.users, "seconds": args.seconds, "quick": args.quick,
           "binary": args.chimed, "binary_mtime": binary_mtime, "pgbench_script": script_text, "reset_script": reset_text, "pgbench-reset": [], "pgbench-bare": [], "store": [], "loop": [],
           "flags": procs.Chimed.unthrottled_flags(binary), "chimed": [], "pgbench": [],
           "pg_writers": pg_writers(binary, args.pg_writers),
           "io_threads": io_threads(args.io_threads),
           "io_threads_by_default": args.io_threads is None,
           "loads": [], "waited_rounds": 0, "longest_wait_s": 0.0, "overlapped": 0}
    pg = start_postgres()
    server = None
    try:
        if args.pin:
            res["pinned"] = pin_postgres_apart(pg.postmaster_pid())
        res["pg_version"] = psql(pg, "SHOW server_version", "postgres")
        res["wal_sync_method"] = psql(pg, "SHOW wal_sync_method", "postgres")
        res["commit_delay"] = psql(pg, "SHOW commit_delay", "postgres")
        psql(pg, "CREATE DATABASE chimed", "postgres")
        data_dir = os.path.join(args.work, "data")
        os.makedirs(data_dir, mode=0o700)
        chlog = os.path.join(args.work, "chimed.log")
        server = chimed_server(binary, data_dir, chlog, pg.url("chimed")).start()
        account, template = create_template(server)
        server.stop()
        t0 = time.monotonic()
        user_ids = seed(pg, account, template, args.users)
        log(f"seeded {len(user_ids) + 1} users and the pgbench copy in "
            f"{time.monotonic() - t0:.1f} s")
        users_file = os.path.join(args.work, "users.txt")
        with open(users_file, "w") as f:
            f.write("".join(u + "\n" for u in user_ids))
        server = chimed_server(binary, data_dir, chlog, pg.url("chimed")).start()
        # Warm-up: both paths once, not measured.
        probes.wrk(server.port, signed_file(args.work, server, account, user_ids), CONNECTIONS, 1)
        runs = {"pgbench": 0, "pgbench-reset": 0, "pgbench-bare": 0}
        scripts = {"pgbench": (script, "pgb"), "pgbench-reset": (reset_script, "pgbrst"),
                   "pgbench-bare": (script, "pgbare")}

        def run_kind(kind, seconds):
            # Each run starts its per-client counter in a fresh range of 100,000 (n < 10^6).
            start = runs[kind] * 100000
            runs[kind] += 1
            if runs[kind] > 10:
                raise RuntimeError(f"too many {kind} runs for the PIN scheme")
            path, db = scripts[kind]
            return run_pgbench(pgbench, pg, path, seconds, pglog, db=db, define=[f"n={start}"])

        for kind in scripts:
            run_kind(kind, 1)
        for driver in drivers.values():
            run_driver(driver, pg, account, users_file, 1, res["pg_writers"])
        wal = {k: [0, 0, 0, 0] for k in KINDS}  # records, bytes, syncs, requests

        def one(kind, i):
            waited, gave_up = wait_quiet(args.max_wait)
            if waited > 3.5:
                res["waited_rounds"] += 1
                res["longest_wait_s"] = max(res["longest_wait_s"], waited)
            if gave_up:
                res["gave_up"] = res.get("gave_up", 0) + 1
            res["loads"].append(os.getloadavg())
            base = postgres_children(pg.postmaster_pid())
            w0 = wal_stats(pg, "postgres")
            wait_reaped(pg.postmaster_pid(), base)
            with Watch() as watch:
                if kind == "chimed":
                    path = signed_file(args.work, server, account, user_ids)
                    r = run_chimed(server, pg, path, args.seconds)
                elif kind in drivers:
                    r = run_driver(drivers[kind], pg, account, users_file, args.seconds,
                                   res["pg_writers"])
                else:
                    r = run_kind(kind, args.seconds)
            w1 = wal_stats(pg, "postgres")
            acc = wal[kind]
            for k in range(3):
                acc[k] += w1[k] - w0[k]
            acc[3] += r["requests"]
            r["overlap"] = watch.seen
            res["overlapped"] += int(watch.seen)
            res[kind].append(r)
            log(f"round {i + 1} {kind:>13}: {r['req_per_s']:8.0f} req/s p50 "
                f"{r['p50_us'] / 1000:.2f} p99 {r['p99_us'] / 1000:.2f} max "
                f"{r['max_us'] / 1000:.1f} ms errors {r['errors']} cpu {r['cpu_ticks']}"
                f"{' (foreign wrk ran)' if watch.seen else ''} load {os.getloadavg()[0]:.2f}")

        for i in range(args.rounds):
            order = KINDS if i % 2 == 0 else KINDS[::-1]
            for kind in order:
                one(kind, i)
        res["wal"] = {k: {"per_req_bytes": v[1] / max(v[3], 1),
                          "per_req_syncs": v[2] / max(v[3], 1)} for k, v in wal.items()}
        # The reset-shaped script did what it claims: one retired PIN and one audit row each.
        res["reset_check"] = {
            "transactions": sum(r["requests"] for r in res["pgbench-reset"]) +
            int(psql(pg, "SELECT 0", "pgbrst")),
            "retired": int(psql(pg, "SELECT count(*) FROM all_retired_pins", "pgbrst")),
            "audit": int(psql(pg, "SELECT count(*) FROM pin_reset_audit", "pgbrst"))}
        log("pgbench-reset check:", res["reset_check"])
        wait_quiet(args.max_wait)
        res["rtt_us"] = round_trip_us(pgbench, pg, args.work)
        log(f"round trip (pgbench SELECT 1 at c1): {res['rtt_us']:.0f} us")
        res["statements"] = statement_profile(pg, server, args.work, account, user_ids,
                                              args.seconds)
        res["load_end"] = os.getloadavg()
    finally:
        if server:
            server.stop()
        procs.stop_all()
        pg.cleanup()
    with open(os.path.join(args.work, "results-postgres.json"), "w") as f:
        json.dump(res, f, indent=1)
    write_report(args.results, res)
    log(f"wrote {args.results}")


if __name__ == "__main__":
    main()
