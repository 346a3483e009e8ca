#!/usr/bin/env python3
"""What a reset's schema costs PostgreSQL: the reset's writes in other shapes, beside today's.

    bench/pg_reset_variants.py            8 rounds of 5 s at c8 (about 5 minutes)
    bench/pg_reset_variants.py --quick    1 round of 2 s: checks the harness, measures nothing

A reset makes PostgreSQL write the new PIN, the record that it was issued, the retired PIN and
an audit row. This measures what the retired PIN costs, and whether another place for it would
cost less. Since schema 6 the audit row holds it (`current`); `retired-pins-row` is schema 5's
row in `retired_pins`. No chimed request is sent: each variant is
`pgbench-reset` of bench/pg_bench.py (the writes of a whole reset as one statement) on its own
copy of chimed's database (same schema, trigger and 1,000 users; built as pg_bench.py builds
it), changed only as its entry in VARIANTS says. Rounds alternate the variants (in order, then
reversed), and each round's rate is divided by the same round's rate of `current`.

Prints a Markdown table; bench/RESULTS-postgres.md quotes it with the date of the run.
Needs a built chimed (`make bench-postgres` builds it into build-bench/) for the schema.
"""

import argparse
import os
import shutil
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pg_bench  # noqa: E402
from pg_bench import ID_PREFIX, TICK, procs, psql  # noqa: E402

HEADER = ("\\set id random(1, {n})\n\\set n :n + 1\n"
          "\\set p :id * 10000000 + :client_id * 1000000 + :n\n")
OLD = ("WITH old AS (SELECT account_id, user_id, pin FROM users WHERE user_id = '{prefix}' || "
       "lpad(:id::text, 12, '0') FOR UPDATE), ")
AUDIT = ("aud AS (INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms) "
         "SELECT 'pgbench', 'pgbench', account_id, user_id, 0 FROM old) ")
AUDIT_RETIRING = ("aud AS (INSERT INTO pin_reset_audit(request_id, principal, account_id, "
                  "user_id, at_ms, retired_pin) SELECT 'pgbench', 'pgbench', account_id, user_id, "
                  "0, pin FROM old) ")
RETIRE = ("ret AS (INSERT INTO retired_pins(pin, retired_ms) SELECT pin, 0 FROM old "
          "ON CONFLICT (pin) DO NOTHING), ")
MARK_RETIRED = "ret AS (UPDATE issued_pins SET retired_ms = 0 WHERE pin IN (SELECT pin FROM old)), "
SET_PIN = ("UPDATE users u SET pin = lpad(:p::text, 10, '0') FROM old "
           "WHERE u.user_id = old.user_id;\n")

ALL_RETIRED_PINS = "SELECT count(*) FROM all_retired_pins"
RETIRED_PINS_ROWS = "SELECT count(*) FROM retired_pins"
MARKED_RETIRED_ROWS = "SELECT count(*) FROM issued_pins WHERE retired_ms IS NOT NULL"

# name -> (what it is, the statements that change its copy (each on its own), the reset, how to
# count the PINs it retired (None: it keeps none)). The counts are taken afterwards beside the
# audit rows: a variant that silently wrote less would look cheaper than it is. The UPDATE of
# issued_pins does: a reset that waited for a concurrent reset of its user locks the user's
# newest row and retires the PIN that reset gave, but the UPDATE runs in the statement's
# snapshot (READ COMMITTED, as chimed's batches of resets), taken before that reset committed, so
# it does not see that PIN's row in issued_pins and retires nothing.
VARIANTS = {
    "current": (
        "today's schema: the old PIN on the reset's audit row (`retired_pin`, in a partial "
        "index)", (),
        OLD + AUDIT_RETIRING + SET_PIN,
        ALL_RETIRED_PINS),
    "retired-pins-row": (
        "schema 5's: the old PIN inserted into `retired_pins` (whose statement trigger also "
        "records it in `issued_pins`)", (),
        OLD + RETIRE + AUDIT + SET_PIN,
        RETIRED_PINS_ROWS),
    "no-retired": (
        "the retired PIN not written at all (a bound: what the retired PIN costs)", (),
        OLD + AUDIT + SET_PIN, None),
    "retired-no-trigger": (
        "schema 5's insert into `retired_pins` without its statement trigger (which records a "
        "retired PIN in `issued_pins`, where a reset's old PIN already is)",
        ("DROP TRIGGER retired_pins_issued ON retired_pins",),
        OLD + RETIRE + AUDIT + SET_PIN,
        RETIRED_PINS_ROWS),
    "issued-retired": (
        "the retired PIN as a `retired_ms` column of `issued_pins`, set by an UPDATE",
        ("ALTER TABLE issued_pins ADD COLUMN retired_ms BIGINT",),
        OLD + MARK_RETIRED + AUDIT + SET_PIN,
        MARKED_RETIRED_ROWS),
    "issued-retired-ff50": (
        "the same with `issued_pins` at fillfactor 50, so that the UPDATE can stay on its page "
        "(a HOT update, no new index entry)",
        ("ALTER TABLE issued_pins ADD COLUMN retired_ms BIGINT",
         "ALTER TABLE issued_pins SET (fillfactor = 50)", "VACUUM FULL issued_pins"),
        OLD + MARK_RETIRED + AUDIT + SET_PIN,
        MARKED_RETIRED_ROWS),
    "audit-no-index": (
        "today's audit row without the index on its retired PIN (which `ListRetiredPins` pages "
        "by)",
        ("DROP INDEX pin_reset_audit_retired_pin",),
        OLD + AUDIT_RETIRING + SET_PIN,
        ALL_RETIRED_PINS),
}

# `current` is pg_bench.py's pgbench-reset, word for word, so that the two stay one yardstick.
assert HEADER + VARIANTS["current"][2] == pg_bench.PGBENCH_RESET_SCRIPT


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--chimed", default=os.path.join(pg_bench.REPO, "build-bench/src/main/chimed"))
    p.add_argument("--work", default=os.path.join(pg_bench.REPO, "build-bench/pg-variants-work"))
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    if args.quick:
        args.rounds, args.seconds = 1, 2
    if args.rounds > 9:  # each run draws its PINs from its own block of 100,000 (n < 10^6)
        sys.exit("pg_reset_variants: at most 9 rounds (the scripts' PIN scheme)")
    reason = pg_bench.pg_fixture.unavailable_reason()
    pgbench = pg_bench.find_pgbench()
    if reason or not pgbench:
        sys.exit(f"pg_reset_variants: {reason or 'pgbench not found'}")
    users = 1000
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    os.chmod(args.work, 0o755)
    pg = pg_bench.start_postgres()
    try:
        psql(pg, "CREATE DATABASE chimed", "postgres")
        data_dir = os.path.join(args.work, "data")
        os.makedirs(data_dir, mode=0o700)
        server = pg_bench.chimed_server(os.path.abspath(args.chimed), data_dir,
                                        os.path.join(args.work, "chimed.log"),
                                        pg.url("chimed")).start()
        account, template = pg_bench.create_template(server)
        server.stop()
        pg_bench.seed(pg, account, template, users)  # builds pgb, the PIN-moved copy
        scripts = {}
        for name, (_, change, statement, _) in VARIANTS.items():
            db = "v_" + name.replace("-", "_")
            psql(pg, f"CREATE DATABASE {db} TEMPLATE pgb", "postgres")
            for sql in change:  # one by one: VACUUM may not run in a transaction block
                psql(pg, sql, db)
            psql(pg, "ANALYZE", db)
            path = os.path.join(args.work, name + ".sql")
            with open(path, "w") as f:
                f.write(HEADER.format(n=users - 1) + statement.format(prefix=ID_PREFIX))
            scripts[name] = (path, db)
        log_dir = os.path.join(args.work, "pgbench-log")
        os.makedirs(log_dir)
        runs = dict.fromkeys(VARIANTS, 0)
        results = {name: [] for name in VARIANTS}

        def run(name, seconds):
            start = runs[name] * 100000
            runs[name] += 1
            path, db = scripts[name]
            return pg_bench.run_pgbench(pgbench, pg, path, seconds, log_dir, db=db,
                                        define=[f"n={start}"])

        for name in VARIANTS:  # warm-up, not measured
            run(name, 1)
        order = list(VARIANTS)
        for i in range(args.rounds):
            for name in (order if i % 2 == 0 else order[::-1]):
                r = run(name, args.seconds)
                pg_us = r["cpu_ticks"]["postgres"] * 1e6 / TICK / max(r["requests"], 1)
                results[name].append((r["req_per_s"], pg_us, r["errors"]))
                pg_bench.log(f"round {i + 1} {name:>20}: {r['req_per_s']:7.0f} tx/s, "
                             f"PostgreSQL {pg_us:.0f} µs/tx, errors {r['errors']}")
        checks = []
        for name, (_, db) in scripts.items():
            audit = int(psql(pg, "SELECT count(*) FROM pin_reset_audit", db))
            count_retired = VARIANTS[name][3]
            retired = int(psql(pg, count_retired, db)) if count_retired else None
            if audit == 0:
                sys.exit(f"pg_reset_variants: {name} wrote no audit rows")
            checks.append(f"{name} {audit:,}" + (f"/{retired:,}" if retired is not None else ""))
            if retired is not None and retired != audit:
                checks[-1] += f" (**{audit - retired:,} retired PINs missing**)"
    finally:
        procs.stop_all()
        pg.cleanup()
    print(f"{args.rounds} alternating rounds of {args.seconds} s, pgbench -c8 -j1 -M prepared, "
          f"{users} users; audit rows/retired PINs written (warm-up included): "
          f"{', '.join(checks)}\n")
    print("| variant | tx/s (median) | × current, per round: median (min–max) | "
          "PostgreSQL CPU µs per reset (median) | errors |")
    print("|---|---|---|---|---|")
    for name, (what, _, _, _) in VARIANTS.items():
        rows = results[name]
        ratios = [a[0] / b[0] for a, b in zip(rows, results["current"])]
        print(f"| `{name}`: {what} | {statistics.median(r[0] for r in rows):,.0f} | "
              f"{statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f}) | "
              f"{statistics.median(r[1] for r in rows):.0f} | {sum(r[2] for r in rows)} |")


if __name__ == "__main__":
    main()
