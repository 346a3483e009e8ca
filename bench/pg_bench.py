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

Rounds alternate the two (ABBA order), the ratio chimed/pgbench is taken per round, and the
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
import signing  # noqa: E402

CONNECTIONS = 8
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


def postgres_ticks(postmaster):
    """CPU ticks of the postmaster, its live children and its reaped children (backends that
    ended, e.g. pgbench's, are in the postmaster's cutime)."""
    own = _stat(postmaster)
    if own is None:
        return 0
    total = own[1] + own[2]
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st and st[0] == postmaster:
                total += st[1]
    return total


def pid_ticks(pid):
    st = _stat(pid)
    return st[1] if st else 0


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


def wait_quiet(limit_s):
    """Waits until no foreign wrk runs (at most limit_s). Returns seconds waited, or -1 when it
    gave up."""
    t0 = time.monotonic()
    while foreign_wrk():
        if time.monotonic() - t0 > limit_s:
            return -1
        time.sleep(0.5)
    return time.monotonic() - t0


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

# pgbench: user :id's new PIN lies in its own block of a million (:id * 10^6 + r), so two users
# never collide on the unique PIN index; seeded PINs lie in the same blocks.
PGBENCH_SCRIPT = """\
\\set id random(1, {n})
\\set p :id * 1000000 + random(0, 999999)
UPDATE users SET pin = lpad(:p::text, 10, '0') WHERE user_id = '{prefix}' || lpad(:id::text, 12, '0');
"""


def seed(pg, account, template, users):
    """Users 1..users-1 cloned from the template (every column as chimed wrote it)."""
    psql(pg, SEED_SQL.format(prefix=ID_PREFIX, n=users - 1, template=template), "chimed")
    psql(pg, "ANALYZE", "chimed")
    count = int(psql(pg, f"SELECT count(*) FROM users WHERE account_id = '{account}'", "chimed"))
    if count != users:
        raise RuntimeError(f"seeded {count} users, wanted {users}")
    # The copy pgbench works on: same schema, indexes, trigger and rows. The template's random
    # PIN moves out of the pgbench blocks.
    psql(pg, "CREATE DATABASE pgb TEMPLATE chimed", "postgres")
    psql(pg, f"UPDATE users SET pin = '9999999999' WHERE user_id = '{template}'", "pgb")
    psql(pg, "ANALYZE", "pgb")
    for db in ("chimed", "pgb"):
        psql(pg, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", db)
    return [ID_PREFIX + f"{i:012d}" for i in range(1, users)]


# ---------------------------------------------------------------------------------------------
# The two kinds of run.


def run_chimed(server, pg, path, seconds):
    p0, c0 = postgres_ticks(pg.postmaster_pid()), pid_ticks(server.proc.pid)
    k0 = children_ticks()
    r = probes.wrk(server.port, path, CONNECTIONS, seconds)
    r["cpu_ticks"] = {"server": pid_ticks(server.proc.pid) - c0,
                      "postgres": postgres_ticks(pg.postmaster_pid()) - p0,
                      "client": children_ticks() - k0}
    return r


def run_pgbench(pgbench, pg, script, seconds, log_dir):
    for f in os.listdir(log_dir):
        os.unlink(os.path.join(log_dir, f))
    argv = [pgbench, "-n", "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg_fixture.SUPERUSER,
            "-c", str(CONNECTIONS), "-j", "1", "-M", "prepared", "-T", str(seconds),
            "-f", script, "-l", "--log-prefix", os.path.join(log_dir, "tx"), "pgb"]
    env = dict(os.environ, PGPASSWORD=pg.password)
    p0, k0 = postgres_ticks(pg.postmaster_pid()), children_ticks()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60)
    ticks = {"server": 0, "postgres": postgres_ticks(pg.postmaster_pid()) - p0,
             "client": children_ticks() - k0}
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
            "errors": int(failed.group(1)) if failed else 0, "cpu_ticks": ticks}


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
    rows = psql(pg, "SELECT calls, round(total_exec_time::numeric, 3), "
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

    out = ["# chimed on PostgreSQL beside pgbench\n",
           "Generated by `make bench-postgres` (`bench/pg_bench.py`); see bench/README.md. "
           "Issue 8's target: the PostgreSQL store at c8 reaches ≥ 0.8 × pgbench running the "
           "same single-row UPDATE at c8 on the same machine, synchronous commit on.\n"]
    if res["quick"]:
        out.append("**--quick run: checks the harness only, the numbers mean nothing.**\n")
    out.append(f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['mem']} RAM, kernel "
               f"{m['kernel']}; PostgreSQL data dir on {m['disk']}; run at {m['date']}, chimed "
               f"at {m['revision']}")
    out.append(f"- load average (1 min) before each round: {load_line}; at start "
               f"{', '.join(f'{x:.2f}' for x in res['load_start'])} (1/5/15 min), at end "
               f"{', '.join(f'{x:.2f}' for x in res['load_end'])}. The machine is shared: "
               f"{res['waited_rounds']} run(s) waited for another harness's wrk to finish "
               f"(longest {res['longest_wait_s']:.0f} s); {res['overlapped']} run(s) had a foreign "
               f"wrk start while they ran" + (" (marked * below)." if res["overlapped"] else "."))
    out.append(f"- PostgreSQL {res['pg_version']} (pg_fixture.py: initdb in /tmp, loopback TCP, "
               f"`fsync=on`, `synchronous_commit=on`, `full_page_writes=on`, "
               f"`shared_buffers=32MB`, wal_sync_method `{res['wal_sync_method']}`, "
               f"`commit_delay={res['commit_delay']}`); {res['users']:,} users")
    out.append(f"- chimed: `{os.path.relpath(res['binary'], REPO)}` (Release), `--store "
               f"postgres://…` via CHIMED_STORE_URL, flags `{' '.join(res['flags'])}` "
               "(throttling off), `wrk -t1 -c8` replaying SigV4-signed durable ResetPersonalPIN "
               "requests for the distinct users, re-signed before every round")
    out.append(f"- pgbench: `pgbench -n -c8 -j1 -M prepared -T{res['seconds']}` on `pgb`, a "
               "copy of chimed's database (CREATE DATABASE … TEMPLATE), i.e. chimed's own "
               "`users` table with its indexes and its retired-PIN trigger; one autocommit "
               "statement per transaction:\n\n  ```\n" +
               "\n".join("  " + l for l in res["pgbench_script"].splitlines()) + "\n  ```")
    out.append(f"- {len(ch)} rounds of {res['seconds']} s, alternating (ABBA), ratio taken per "
               "round\n")
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
    out.append("")
    out.append("Per round (req/s): " + "; ".join(
        f"{i + 1}: chimed {a['req_per_s']:,.0f}{'*' if a.get('overlap') else ''} / pgbench "
        f"{b['req_per_s']:,.0f}{'*' if b.get('overlap') else ''} = {a['req_per_s'] / b['req_per_s']:.3f}"
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

    writer_tx = calls(r"^INSERT INTO chimed_commit_markers")
    read_tx = calls(r"^BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    out.append(f"- **{total / n:.1f} statements per reset** (pgbench: 1 per UPDATE); each is a "
               f"round trip except those chimed sends together in one string (the writer's "
               f"`BEGIN …; INSERT INTO chimed_commit_markers …; SAVEPOINT w` and "
               f"`RELEASE w; SAVEPOINT w`, counted here as separate statements); "
               f"{exec_ms * 1000 / n:.0f} µs of server execution time per reset (wall time "
               f"inside PostgreSQL, inflated by CPU contention on a busy machine)")
    out.append(f"- {read_tx:.2f} read-only transactions per reset (the request's access key, "
               f"account and user, on a pooled read connection) and {writer_tx:.2f} writer "
               f"transactions per reset (group commit: **{1 / max(writer_tx, 1e-9):.1f} resets "
               f"per COMMIT**, one writer connection running the batch's statements one after "
               f"another)")
    w = res["wal"]
    out.append(f"- WAL over the measured rounds: chimed {w['chimed']['per_req_bytes']:,.0f} "
               f"bytes and {w['chimed']['per_req_syncs']:.3f} WAL syncs per reset; pgbench "
               f"{w['pgbench']['per_req_bytes']:,.0f} bytes and "
               f"{w['pgbench']['per_req_syncs']:.3f} syncs per UPDATE")
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
    p.add_argument("--work", default=os.path.join(REPO, "build-bench/pg-bench-work"))
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--max-wait", type=int, default=300,
                   help="seconds to wait for another harness's wrk before each run")
    p.add_argument("--quick", action="store_true")
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
    pglog = os.path.join(args.work, "pgbench-log")
    os.makedirs(pglog)
    script = os.path.join(args.work, "update.sql")
    script_text = PGBENCH_SCRIPT.format(n=args.users - 1, prefix=ID_PREFIX)
    with open(script, "w") as f:
        f.write(script_text)

    res = {"machine": describe_machine(args.work), "load_start": os.getloadavg(),
           "users": args.users, "seconds": args.seconds, "quick": args.quick,
           "binary": args.chimed, "pgbench_script": script_text,
           "flags": procs.Chimed.unthrottled_flags(binary), "chimed": [], "pgbench": [],
           "loads": [], "waited_rounds": 0, "longest_wait_s": 0.0, "overlapped": 0}
    pg = start_postgres()
    server = None
    try:
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
        server = chimed_server(binary, data_dir, chlog, pg.url("chimed")).start()
        # Warm-up: both paths once, not measured.
        probes.wrk(server.port, signed_file(args.work, server, account, user_ids), CONNECTIONS, 1)
        run_pgbench(pgbench, pg, script, 1, pglog)
        wal = {"chimed": [0, 0, 0, 0], "pgbench": [0, 0, 0, 0]}  # records, bytes, syncs, reqs

        def one(kind, i):
            waited = wait_quiet(args.max_wait)
            if waited != 0:
                res["waited_rounds"] += 1
                res["longest_wait_s"] = max(res["longest_wait_s"], abs(waited))
            res["loads"].append(os.getloadavg())
            w0 = wal_stats(pg, "postgres")
            with Watch() as watch:
                if kind == "chimed":
                    path = signed_file(args.work, server, account, user_ids)
                    r = run_chimed(server, pg, path, args.seconds)
                else:
                    r = run_pgbench(pgbench, pg, script, args.seconds, pglog)
            w1 = wal_stats(pg, "postgres")
            acc = wal[kind]
            for k in range(3):
                acc[k] += w1[k] - w0[k]
            acc[3] += r["requests"]
            r["overlap"] = watch.seen
            res["overlapped"] += int(watch.seen)
            res[kind].append(r)
            log(f"round {i + 1} {kind:>7}: {r['req_per_s']:8.0f} req/s p50 "
                f"{r['p50_us'] / 1000:.2f} p99 {r['p99_us'] / 1000:.2f} max "
                f"{r['max_us'] / 1000:.1f} ms errors {r['errors']} cpu {r['cpu_ticks']}"
                f"{' (foreign wrk ran)' if watch.seen else ''} load {os.getloadavg()[0]:.2f}")

        for i in range(args.rounds):
            order = ("chimed", "pgbench") if i % 2 == 0 else ("pgbench", "chimed")
            for kind in order:
                one(kind, i)
        res["wal"] = {k: {"per_req_bytes": v[1] / max(v[3], 1),
                          "per_req_syncs": v[2] / max(v[3], 1)} for k, v in wal.items()}
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
