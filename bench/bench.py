#!/usr/bin/env python3
"""chimed's benchmark: chimed beside a static nginx and the disk's fdatasync rate, on loopback.

    bench/bench.py                     1,000 users: throughput rounds, start time, RSS,
                                       instructions per request, moto
    bench/bench.py --users 1000000     scale: resets and GetUser on 1M users vs 1k users,
                                       ListUsers page 1 vs page 9,000
    bench/bench.py --long              RSS after a million durable resets
    bench/bench.py --quick             short rounds to check the harness itself

Each mode rewrites its own section of bench/RESULTS.md and keeps the others. See README.md.
"""

import argparse
import base64
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cg  # noqa: E402
import probes  # noqa: E402
import procs  # noqa: E402
import report  # noqa: E402
import seed  # noqa: E402
import signing  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def log(*args):
    print("[bench]", *args, flush=True)


# ---------------------------------------------------------------------------------------------
# A seeded chimed data directory.


class Dataset:
    """A data dir holding one account with `users` registered users."""

    def __init__(self, binary, work, users):
        self.binary = binary
        self.users = users
        self.dir = os.path.join(work, f"data-{users}")
        self.log = os.path.join(work, f"chimed-{users}.log")
        self.account_id = None
        self.user_ids = []
        self.seqs = []

    def create(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir, mode=0o700)
        server = procs.Chimed(self.binary, self.dir, self.log).start()
        try:
            signer = signing.Signer(server.host_port, procs.ROOT_KEY_ID, procs.ROOT_SECRET)
            r = probes.exchange(server.port, signer.raw(
                "POST", "/accounts", json.dumps({"Name": "Bench Corp"}).encode(),
                "application/json"))
            if r.status != 201:
                raise RuntimeError(f"CreateAccount answered {r.status}: {r.body[:300]}")
            self.account_id = json.loads(r.body)["Account"]["AccountId"]
            body = json.dumps({"Username": "bench user 0", "Email": "bench-0@example.com",
                               "UserType": "PrivateUser"}).encode()
            r = probes.exchange(server.port, signer.raw(
                "POST", f"/accounts/{self.account_id}/users?operation=create", body,
                "application/json"))
            if r.status != 201:
                raise RuntimeError(f"CreateUser answered {r.status}: {r.body[:300]}")
            template = json.loads(r.body)["User"]["UserId"]
        finally:
            server.stop()
        t0 = time.monotonic()
        self.user_ids, self.seqs = seed.clone_users(os.path.join(self.dir, "chimed.db"), template,
                                                    self.users)
        log(f"seeded {len(self.user_ids)} users in {time.monotonic() - t0:.1f} s")
        return self

    def server(self, port=0, wrapper=(), log_level="info"):
        return procs.Chimed(self.binary, self.dir, self.log, port=port, wrapper=wrapper,
                            log_level=log_level)


def db_file_check(dataset):
    path = os.path.join(dataset.dir, "chimed.db")
    if not os.path.exists(path):
        raise RuntimeError(f"expected the SQLite database at {path}")


# ---------------------------------------------------------------------------------------------
# Signed request sets.


def signed_set(op, host_port, dataset, count, rng_seed=0, next_token=None):
    """`count` signed requests of `op` for distinct users (cycled when fewer users)."""
    signer = signing.Signer(host_port, procs.ROOT_KEY_ID, procs.ROOT_SECRET)
    a = dataset.account_id
    if op == "ListUsers":
        return [signing.list_users(signer, a, next_token) for _ in range(min(count, 200))]
    ids = dataset.user_ids
    if len(ids) > count:
        step = len(ids) // count
        ids = ids[rng_seed % step::step][:count]
    make = signing.reset_pin if op == "ResetPersonalPIN" else signing.get_user
    return [make(signer, a, u) for u in ids]


def write_set(work, name, requests):
    path = os.path.join(work, f"{name}.req")
    signing.write_requests(path, requests)
    return path


# ---------------------------------------------------------------------------------------------
# Alternating rounds.


def alternate(targets, make_file, connections, rounds, seconds):
    """Runs `rounds` rounds; each round runs wrk once against every target in order.

    `targets` is a list of (name, port); `make_file()` signs a fresh request file (right before
    each round, so signatures are always inside the skew window). Returns name -> [results]."""
    results = {name: [] for name, _ in targets}
    for i in range(rounds):
        path = make_file()
        for name, port in targets:
            r = probes.wrk(port, path, connections, seconds)
            if r["errors"]:
                log(f"WARNING {name} c{connections} round {i + 1}: errors {r}")
            results[name].append(r)
            log(f"  round {i + 1} c{connections} {name:>12}: {r['req_per_s']:9.0f} req/s "
                f"p50 {r['p50_us'] / 1000:.2f} p99 {r['p99_us'] / 1000:.2f} "
                f"max {r['max_us'] / 1000:.1f} ms")
    return results


def writer_stats(log_path, since):
    """The last `store writer stopped` line chimed logged after byte offset `since`."""
    with open(log_path, "rb") as f:
        f.seek(since)
        text = f.read().decode(errors="replace")
    found = re.findall(r"store writer stopped: writes=(\d+) commits=(\d+) largest_batch=(\d+)"
                       r"(?:.*? wal_rewinds=(\d+))?", text)
    if not found:
        return None
    w, c, b, rewinds = found[-1]
    out = {"writes": int(w), "commits": int(c), "largest_batch": int(b)}
    if rewinds:
        out["wal_rewinds"] = int(rewinds)
    return out


def log_size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


# ---------------------------------------------------------------------------------------------
# Modes.


def real_bodies(server, dataset):
    """chimed's own answers, which nginx then serves byte for byte."""
    signer = signing.Signer(server.host_port, procs.ROOT_KEY_ID, procs.ROOT_SECRET)
    u = dataset.user_ids[-1]
    bodies = {}
    for op, raw in (("ResetPersonalPIN", signing.reset_pin(signer, dataset.account_id, u)),
                    ("GetUser", signing.get_user(signer, dataset.account_id, u)),
                    ("ListUsers", signing.list_users(signer, dataset.account_id))):
        r = probes.exchange(server.port, raw)
        if r.status != 200:
            raise RuntimeError(f"{op} answered {r.status}: {r.body[:300]}")
        bodies[op] = r.body.decode()
    return bodies


def measure_start(dataset, times):
    """Start to first 200 (a signed GetUser), and RSS once idle. Medians over `times` starts."""
    starts, rss = [], []
    for _ in range(times):
        port = procs.free_port()
        server = dataset.server(port=port)
        signer = signing.Signer(f"127.0.0.1:{port}", procs.ROOT_KEY_ID, procs.ROOT_SECRET)
        raw = signing.get_user(signer, dataset.account_id, dataset.user_ids[0])

        def start():
            server.start()
            return server

        ms, _ = probes.first_200_ms(start, port, raw)
        time.sleep(1.0)
        rss.append(procs.rss_kib(server.proc.pid)[0])
        server.stop()
        starts.append(ms)
    return {"start_ms": starts, "idle_rss_kib": rss}


def mode_main(args, work, machine):
    data = Dataset(args.chimed, work, args.users).create()
    results = {"machine": machine, "users": args.users, "rounds": args.rounds,
               "seconds": args.seconds, "flags": procs.Chimed.unthrottled_flags(args.chimed)}
    results["start"] = measure_start(data, 1 if args.quick else 5)
    log("start to first 200 (ms):", [round(x, 1) for x in results["start"]["start_ms"]])

    server = data.server().start()
    bodies = real_bodies(server, data)
    nginx = procs.Nginx(os.path.join(work, "nginx"), bodies).start()
    results["bodies"] = {k: len(v) for k, v in bodies.items()}
    fsync_rates = [probes.fdatasync_rate(data.dir)]
    ops = {}
    since = log_size(data.log)
    try:
        for op in ("ResetPersonalPIN", "GetUser", "ListUsers"):
            for c in (1, 32):
                log(f"{op} c{c}")

                def make_file(op=op):
                    return write_set(work, op, signed_set(op, server.host_port, data, 1000))

                r = alternate([("nginx", nginx.ports[op]), ("chimed", server.port)], make_file,
                              c, args.rounds, args.seconds)
                ops[f"{op} c{c}"] = r
            fsync_rates.append(probes.fdatasync_rate(data.dir))
        results["idle_rss_after_load_kib"] = procs.rss_kib(server.proc.pid)
    finally:
        server.stop()
        nginx.stop()
    results["writer_all"] = writer_stats(data.log, since)
    results["ops"] = ops
    results["batching"] = batching_check(args, work, data)
    results["fdatasync_per_s"] = fsync_rates
    if not args.skip_callgrind:
        results["callgrind"] = callgrind_runs(args, work, data, bodies)
    if not args.skip_moto:
        results["moto"] = moto_run(args, work)
    return results


def batching_check(args, work, data):
    """Resets at c32 for one round on a fresh process: writes per commit from chimed's log."""
    server = data.server().start()
    since = log_size(data.log)
    try:
        path = write_set(work, "batch", signed_set("ResetPersonalPIN", server.host_port, data,
                                                   1000))
        t0, w0 = probes.thread_ticks(server.proc.pid), time.monotonic()
        r = probes.wrk(server.port, path, 32, args.seconds)
        r["thread_shares"] = probes.thread_shares(t0, probes.thread_ticks(server.proc.pid),
                                                  time.monotonic() - w0)
    finally:
        server.stop()
    return r, writer_stats(data.log, since)


def callgrind_runs(args, work, data, bodies):
    count = 300 if args.quick else 2000
    out = {"count": count, "concurrency": 32}
    prefix = os.path.join(work, "callgrind.chimed")
    for f in os.listdir(work):
        if f.startswith("callgrind."):
            os.unlink(os.path.join(work, f))
    for op in ("ResetPersonalPIN", "GetUser"):
        server = data.server(wrapper=cg.wrapper(prefix))
        server.start(timeout=300)
        try:
            reqs = signed_set(op, server.host_port, data, 1000)
            ir, path = cg.measure(server.proc, server.port, reqs, count, 32, prefix)
        finally:
            server.stop()
        out[f"chimed {op}"] = ir
        out[f"chimed {op} top"] = cg.top_functions(path, per=count)
        log(f"callgrind chimed {op}: {ir:,.0f} instructions/request")
    nprefix = os.path.join(work, "callgrind.nginx")
    nginx = procs.Nginx(os.path.join(work, "nginx-cg"), bodies, workers=1, master=False,
                        wrapper=cg.wrapper(nprefix)).start()
    try:
        signer = signing.Signer("127.0.0.1:1", procs.ROOT_KEY_ID, procs.ROOT_SECRET)
        reqs = [signing.reset_pin(signer, data.account_id, u) for u in data.user_ids[:1000]]
        ir, _ = cg.measure(nginx.proc, nginx.ports["ResetPersonalPIN"], reqs, count, 32, nprefix)
    finally:
        nginx.stop()
    out["nginx"] = ir
    log(f"callgrind nginx: {ir:,.0f} instructions/request")
    return out


def moto_run(args, work):
    """moto's server (the usual AWS emulator) on IAM GetUser/ListUsers/TagUser: moto has no
    Chime, and these are the nearest read, page and per-user write it serves."""
    try:
        import moto  # noqa: F401
    except ImportError:
        log("moto is not installed; skipping it")
        return {"skipped": "moto is not installed (python3 -c 'import moto' failed)"}
    port = procs.free_port()
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    if shutil.which("moto_server"):
        argv = [shutil.which("moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    signer = signing.Signer(f"127.0.0.1:{port}", "AKIAMOTOBENCH0000001", "secret", service="iam")

    def iam(action, **params):
        body = "&".join(f"{k}={v}" for k, v in {"Action": action, "Version": "2010-05-08",
                                                 **params}.items()).encode()
        return signer.raw("POST", "/", body, "application/x-www-form-urlencoded")

    t0 = time.monotonic()
    proc = procs.spawn(argv)
    out = {}
    try:
        probes.first_200_ms(lambda: proc, port, iam("ListUsers", MaxItems="1"), timeout=60)
        out["start_ms"] = (time.monotonic() - t0) * 1000
        time.sleep(1.0)
        out["idle_rss_kib"] = procs.rss_kib(proc.pid)[0]
        n = 100 if args.quick else 1000
        names = [f"bench-{i}" for i in range(n)]
        probes.send_fixed(port, [iam("CreateUser", UserName=u) for u in names], n, 8)
        sets = {
            "GetUser": [iam("GetUser", UserName=u) for u in names],
            "ListUsers": [iam("ListUsers", MaxItems="100")],
            "TagUser": [iam("TagUser", UserName=u, **{"Tags.member.1.Key": "k",
                                                     "Tags.member.1.Value": str(i)})
                        for i, u in enumerate(names)],
        }
        for op, reqs in sets.items():
            path = write_set(work, f"moto-{op}", reqs)
            r = probes.wrk(port, path, 32, args.seconds)
            out[op] = r
            log(f"moto {op} c32: {r['req_per_s']:.0f} req/s p99 {r['p99_us'] / 1000:.1f} ms")
    finally:
        procs.stop(proc)
    return out


def mode_scale(args, work, machine):
    """1M users beside 1k users: resets and reads alternate between the two, same run."""
    small = Dataset(args.chimed, work, 1000).create()
    big = Dataset(args.chimed, work, args.users).create()
    results = {"machine": machine, "users": args.users, "rounds": args.rounds,
               "seconds": args.seconds}
    s_small = small.server().start()
    s_big = big.server().start()
    bodies = real_bodies(s_big, big)
    nginx = procs.Nginx(os.path.join(work, "nginx"), bodies).start()
    ops = {}
    try:
        for op in ("ResetPersonalPIN", "GetUser"):
            log(f"{op} c32, 1k vs {args.users} users")
            files = {}

            def make_file(op=op):
                files["small"] = write_set(work, "small", signed_set(op, s_small.host_port,
                                                                     small, 1000))
                files["big"] = write_set(work, "big", signed_set(
                    op, s_big.host_port, big, 20000, rng_seed=len(files) + int(time.time())))
                return files["big"]

            res = {"nginx": [], "chimed 1k users": [], f"chimed {args.users} users": []}
            for i in range(args.rounds):
                make_file()
                for name, port, path in (("nginx", nginx.ports[op], files["big"]),
                                         ("chimed 1k users", s_small.port, files["small"]),
                                         (f"chimed {args.users} users", s_big.port,
                                          files["big"])):
                    r = probes.wrk(port, path, 32, args.seconds)
                    res[name].append(r)
                    log(f"  round {i + 1} {name:>22}: {r['req_per_s']:9.0f} req/s "
                        f"p99 {r['p99_us'] / 1000:.2f} ms errors {r['errors']}")
            ops[op] = res
        # ListUsers: the first page and page 9,000 (after 899,900 users) by keyset token.
        first = probes.exchange(s_big.port, signing.list_users(
            signing.Signer(s_big.host_port, procs.ROOT_KEY_ID, procs.ROOT_SECRET),
            big.account_id))
        token = json.loads(first.body).get("NextToken")
        page = min(9000, len(big.seqs) // 100)
        deep = deep_token(token, big.seqs[(page - 1) * 100 - 1])
        res = {"page 1": [], f"page {page}": []}
        for i in range(args.rounds):
            for name, tok in (("page 1", None), (f"page {page}", deep)):
                reqs = signed_set("ListUsers", s_big.host_port, big, 200, next_token=tok)
                check = probes.exchange(s_big.port, reqs[0])
                if check.status != 200 or len(json.loads(check.body)["Users"]) != 100:
                    raise RuntimeError(f"ListUsers {name} answered {check.status}")
                r = probes.wrk(s_big.port, write_set(work, "list", reqs), 32, args.seconds)
                res[name].append(r)
                log(f"  round {i + 1} ListUsers {name:>10}: {r['req_per_s']:9.0f} req/s "
                    f"p99 {r['p99_us'] / 1000:.2f} ms")
        ops["ListUsers"] = res
    finally:
        for s in (s_small, s_big):
            s.stop()
        nginx.stop()
    results["ops"] = ops
    results["fdatasync_per_s"] = [probes.fdatasync_rate(big.dir)]
    return results


def deep_token(first_token, after_seq):
    """A NextToken for the page after `after_seq`, built the way chimed builds them (the
    harness checks that chimed accepts it and answers a full page)."""
    pad = "=" * (-len(first_token) % 4)
    raw = base64.urlsafe_b64decode(first_token + pad).decode()
    prefix = raw.rsplit(":", 1)[0]
    return base64.urlsafe_b64encode(f"{prefix}:{after_seq}".encode()).decode().rstrip("=")


def mode_long(args, work, machine):
    """A million durable resets at c32, in blocks re-signed inside the skew window."""
    data = Dataset(args.chimed, work, 1000).create()
    server = data.server().start()
    target = 20000 if args.quick else 1_000_000
    done, blocks, t0 = 0, [], time.monotonic()
    since = log_size(data.log)
    try:
        time.sleep(1.0)
        rss_idle = procs.rss_kib(server.proc.pid)
        while done < target:
            path = write_set(work, "long", signed_set("ResetPersonalPIN", server.host_port, data,
                                                      1000))
            r = probes.wrk(server.port, path, 32, 5 if args.quick else 60)
            done += r["requests"]
            blocks.append({k: r[k] for k in ("requests", "req_per_s", "p99_us", "max_us",
                                             "errors")})
            log(f"  {done:,} resets, {r['req_per_s']:.0f} req/s, "
                f"RSS {procs.rss_kib(server.proc.pid)[0] / 1024:.1f} MiB")
        rss_after = procs.rss_kib(server.proc.pid)
    finally:
        server.stop()
    return {"machine": machine, "resets": done, "seconds": time.monotonic() - t0,
            "rss_idle_kib": rss_idle, "rss_after_kib": rss_after, "blocks": blocks,
            "writer": writer_stats(data.log, since)}


# ---------------------------------------------------------------------------------------------


def describe_machine(data_dir):
    def sh(cmd):
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()

    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    dev = sh(f"df --output=source {data_dir} | tail -1")
    fs = sh(f"df --output=fstype {data_dir} | tail -1")
    disk = sh(f"lsblk -dno NAME,SIZE,ROTA,MODEL /dev/{os.path.basename(dev)} 2>/dev/null")
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "disk": f"{dev} ({fs}) {disk}".strip(), "load": os.getloadavg(),
            "mem": sh("grep MemTotal /proc/meminfo | awk '{print $2 \" kB\"}'"),
            "wrk": sh("wrk -v 2>&1 | head -1"), "nginx": sh("nginx -v 2>&1"),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "revision": sh(f"git -C {REPO} describe --always --dirty 2>/dev/null")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--chimed", default=os.path.join(REPO, "build-bench/src/main/chimed"))
    p.add_argument("--work", default=os.path.join(REPO, "build-bench/bench-work"))
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--long", action="store_true", help="RSS after a million resets")
    p.add_argument("--all", action="store_true",
                   help="the 1,000-user run, then --users 1000000, then --long")
    p.add_argument("--quick", action="store_true", help="1 round of 2 s: checks the harness")
    p.add_argument("--skip-callgrind", action="store_true")
    p.add_argument("--skip-moto", action="store_true")
    p.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    args = p.parse_args()
    if args.quick:
        args.rounds, args.seconds = 1, 2
    args.work = os.path.abspath(args.work)  # nginx reads relative paths against its prefix
    args.chimed = os.path.abspath(args.chimed)
    os.makedirs(args.work, exist_ok=True)
    log("machine:", describe_machine(args.work))
    if args.all:
        runs = [("main", 1000), ("scale", 1_000_000 if args.users <= 1000 else args.users),
                ("long", 1000)]
    elif args.long:
        runs = [("long", 1000)]
    else:
        runs = [("scale" if args.users > 1000 else "main", args.users)]
    modes = {"main": mode_main, "scale": mode_scale, "long": mode_long}
    for section, users in runs:
        args.users = users
        machine = describe_machine(args.work)
        try:
            results = modes[section](args, args.work, machine)
        finally:
            procs.stop_all()
        results["load_after"] = os.getloadavg()
        results["quick"] = args.quick
        with open(os.path.join(args.work, f"results-{section}.json"), "w") as f:
            json.dump(results, f, indent=1)
        report.update(args.results, section, results)
        log(f"wrote section '{section}' of {args.results}")


if __name__ == "__main__":
    main()
