"""Writes the benchmark's results into bench/RESULTS.md, one marked section per mode.

A mode replaces only its own section (between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`),
so the 1,000-user run, the 1M-user run, the long RSS run and hand-written notes live side by
side. Targets are evaluated here and marked met or missed; nothing is asserted anywhere.
"""

import os
import re
import statistics

MiB = 1024.0


def format_thread_shares(shares, limit=6):
    """The busiest `limit` threads of a thread_shares() dict as text: "chimed-writer 59 %, ..."."""
    return ", ".join(f"{k} {v * 100:.0f} %" for k, v in list(shares.items())[:limit])


def _ms(us):
    return f"{us / 1000:.2f}"


def _med(xs):
    return statistics.median(xs) if xs else float("nan")


def _ratio_stats(num, den):
    ratios = [a["req_per_s"] / b["req_per_s"] for a, b in zip(num, den) if b["req_per_s"]]
    return _med(ratios), min(ratios), max(ratios)


def _lat(rs):
    p50 = _med([r["p50_us"] for r in rs])
    p99 = _med([r["p99_us"] for r in rs])
    worst = max(r["p99_us"] for r in rs)
    mx = max(r["max_us"] for r in rs)
    return f"{_ms(p50)} / {_ms(p99)} ({_ms(worst)}) / {_ms(mx)}"


def _rps(rs):
    return f"{_med([r['req_per_s'] for r in rs]):,.0f}"


def _errors(rs):
    return sum(r["errors"] for r in rs)


def _machine(m):
    load = ", ".join(f"{x:.2f}" for x in m["load"])
    return (f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['mem']} RAM, kernel {m['kernel']}\n"
            f"- disk of the data dir: {m['disk']}\n"
            f"- load average (1/5/15 min) when the run started: {load}\n"
            f"- {m['wrk']}; {m['nginx']}; run at {m['date']}"
            f"{'; chimed at ' + m['revision'] if m.get('revision') else ''}\n")


def _check(ok):
    return "met" if ok else "**missed**"


def _targets(rows):
    out = ["| target | measured | |", "|---|---|---|"]
    for name, measured, ok in rows:
        out.append(f"| {name} | {measured} | {_check(ok)} |")
    return "\n".join(out) + "\n"


def main_section(r):
    fs = _med(r["fdatasync_per_s"])
    out = [f"### 1,000 users: chimed beside nginx ({r['rounds']} rounds of {r['seconds']} s, "
           "alternating, `wrk -t1`)\n", _machine(r["machine"])]
    out.append(f"- chimed flags: `--log-level info {' '.join(r['flags'])}` (throttling and "
               "admission limits configured so they never refuse a bench request); default "
               "I/O threads (one per core); nginx `worker_processes auto`, `access_log off`, "
               "`return 200` of chimed's own body for that operation, with an "
               "`x-amzn-RequestId` header of the same length\n")
    out.append("- bodies (bytes): " + ", ".join(f"{k} {v}" for k, v in r["bodies"].items()))
    out.append(f"\n- disk fdatasync/s in the data dir's file system (4 KiB overwrite + fdatasync, "
               f"3 s, before and after each operation): median **{fs:,.0f}** "
               f"({', '.join(f'{x:,.0f}' for x in r['fdatasync_per_s'])})\n")
    out.append("| operation | c | nginx req/s | chimed req/s | chimed/nginx median (min–max) "
               "| nginx p50 / p99 (worst) / max ms | chimed p50 / p99 (worst) / max ms "
               "| errors n/c |")
    out.append("|---|---|---|---|---|---|---|---|")
    for key, res in r["ops"].items():
        op, c = key.rsplit(" c", 1)
        med, lo, hi = _ratio_stats(res["chimed"], res["nginx"])
        out.append(f"| {op} | {c} | {_rps(res['nginx'])} | {_rps(res['chimed'])} | "
                   f"**{med:.3f}** ({lo:.3f}–{hi:.3f}) | {_lat(res['nginx'])} | "
                   f"{_lat(res['chimed'])} | {_errors(res['nginx'])}/{_errors(res['chimed'])} |")
    out.append("")
    st = r["start"]
    out.append(f"- start to first 200 (a signed GetUser, {len(st['start_ms'])} starts on the "
               f"seeded data dir): median **{_med(st['start_ms']):.1f} ms** "
               f"({', '.join(f'{x:.1f}' for x in st['start_ms'])})")
    out.append(f"- RSS idle, 1 s after the first 200: median **"
               f"{_med(st['idle_rss_kib']) / MiB:.1f} MiB**; after all rounds above: "
               f"{r['idle_rss_after_load_kib'][0] / MiB:.1f} MiB (peak "
               f"{r['idle_rss_after_load_kib'][1] / MiB:.1f} MiB)")
    b = r.get("batching")
    if b and b[1]:
        wr, ws = b
        out.append(f"- group commit at c32 (one fresh process, one {r['seconds']} s round, "
                   f"{wr['req_per_s']:,.0f} req/s): {ws['writes']:,} writes in "
                   f"{ws['commits']:,} commits = **{ws['writes'] / max(ws['commits'], 1):.1f} "
                   f"writes per fsync**, largest batch {ws['largest_batch']}")
        if wr.get("thread_shares"):
            out.append(f"  - chimed's threads on a CPU in that round (share of one core): "
                       f"{format_thread_shares(wr['thread_shares'])}")
    if r.get("writer_all"):
        w = r["writer_all"]
        out.append(f"- whole run (c1 and c32): {w['writes']:,} writes in {w['commits']:,} "
                   "commits")
    cgr = r.get("callgrind")
    if cgr:
        out.append(f"- instructions per request under callgrind ({cgr['count']:,} requests at "
                   f"c{cgr['concurrency']} after a warm-up, all threads, user space): chimed "
                   f"ResetPersonalPIN **{cgr['chimed ResetPersonalPIN']:,.0f}**, chimed GetUser "
                   f"{cgr['chimed GetUser']:,.0f}, nginx **{cgr['nginx']:,.0f}** → reset/nginx "
                   f"= **{cgr['chimed ResetPersonalPIN'] / cgr['nginx']:.1f}×**, get/nginx = "
                   f"{cgr['chimed GetUser'] / cgr['nginx']:.1f}×")
    moto = r.get("moto")
    if moto:
        out.append("")
        if "skipped" in moto:
            out.append(f"- moto: skipped: {moto['skipped']}")
        else:
            out.append(f"- moto (`moto_server`, IAM, the nearest operations it has: moto has no "
                       f"Chime): start to first 200 {moto['start_ms']:.0f} ms, idle RSS "
                       f"{moto['idle_rss_kib'] / MiB:.1f} MiB")
            out.append("")
            out.append("| moto operation (c32) | req/s | p50 / p99 / max ms | errors |")
            out.append("|---|---|---|---|")
            for op in ("GetUser", "ListUsers", "TagUser"):
                m = moto[op]
                out.append(f"| IAM {op} | {m['req_per_s']:,.0f} | {_ms(m['p50_us'])} / "
                           f"{_ms(m['p99_us'])} / {_ms(m['max_us'])} | {m['errors']} |")
    out.append("")
    reset = r["ops"]["ResetPersonalPIN c32"]
    get = r["ops"]["GetUser c32"]
    reset_ratio = _ratio_stats(reset["chimed"], reset["nginx"])[0]
    reset_rps = _med([x["req_per_s"] for x in reset["chimed"]])
    get_ratio = _ratio_stats(get["chimed"], get["nginx"])[0]
    worst_p99 = max(x["p99_us"] for x in reset["chimed"]) / 1000
    worst_max = max(x["max_us"] for x in reset["chimed"]) / 1000
    start = _med(st["start_ms"])
    idle = _med(st["idle_rss_kib"]) / MiB
    rows = [
        ("ResetPersonalPIN c32 ≥ 0.25 × nginx", f"{reset_ratio:.3f} ×", reset_ratio >= 0.25),
        ("ResetPersonalPIN c32 ≥ 5 × fdatasync/s", f"{reset_rps / fs:.2f} × ({reset_rps:,.0f} "
         f"vs {fs:,.0f})", reset_rps >= 5 * fs),
        ("GetUser c32 ≥ 0.6 × nginx", f"{get_ratio:.3f} ×", get_ratio >= 0.6),
        ("reset c32 p99 ≤ 10 ms (worst round)", f"{worst_p99:.2f} ms", worst_p99 <= 10),
        ("reset c32 max < 100 ms (worst round)", f"{worst_max:.1f} ms", worst_max < 100),
        ("start to first 200 ≤ 50 ms", f"{start:.1f} ms", start <= 50),
        ("idle RSS ≤ 16 MiB", f"{idle:.1f} MiB", idle <= 16),
    ]
    if cgr:
        x = cgr["chimed ResetPersonalPIN"] / cgr["nginx"]
        rows.append(("instructions per reset ≤ 7 × nginx", f"{x:.1f} ×", x <= 7))
    out.append(_targets(rows))
    if cgr and cgr.get("chimed ResetPersonalPIN top"):
        out.append("<details><summary>callgrind: most expensive functions (self cost) of chimed "
                   "serving ResetPersonalPIN</summary>\n\n```")
        out.extend(cgr["chimed ResetPersonalPIN top"])
        out.append("```\n</details>\n")
    load = ", ".join(f"{x:.2f}" for x in r["load_after"])
    out.append(f"- load average when the run ended: {load}\n")
    return "\n".join(out)


def scale_section(r):
    out = [f"### {r['users']:,} users beside 1,000 users (c32, {r['rounds']} rounds of "
           f"{r['seconds']} s, alternating nginx / chimed-1k / chimed-{r['users']:,})\n",
           _machine(r["machine"])]
    out.append("| operation | server | req/s (median) | p50 / p99 (worst) / max ms | errors |")
    out.append("|---|---|---|---|---|")
    big_name = f"chimed {r['users']} users"
    for op in ("ResetPersonalPIN", "GetUser"):
        for name, rs in r["ops"][op].items():
            out.append(f"| {op} | {name} | {_rps(rs)} | {_lat(rs)} | {_errors(rs)} |")
    lst = r["ops"]["ListUsers"]
    for name, rs in lst.items():
        out.append(f"| ListUsers (100) | chimed {r['users']:,} users, {name} | {_rps(rs)} | "
                   f"{_lat(rs)} | {_errors(rs)} |")
    out.append("")
    reset = r["ops"]["ResetPersonalPIN"]
    med, lo, hi = _ratio_stats(reset[big_name], reset["chimed 1k users"])
    gmed, glo, ghi = _ratio_stats(r["ops"]["GetUser"][big_name],
                                  r["ops"]["GetUser"]["chimed 1k users"])
    names = list(lst)
    pmed, plo, phi = _ratio_stats(lst[names[1]], lst[names[0]])
    out.append(f"- reset throughput, {r['users']:,} users / 1,000 users per round: median "
               f"**{med:.3f}** ({lo:.3f}–{hi:.3f}); GetUser {gmed:.3f} ({glo:.3f}–{ghi:.3f})")
    out.append(f"- ListUsers {names[1]} / page 1: median **{pmed:.3f}** ({plo:.3f}–{phi:.3f})")
    out.append(f"- fdatasync/s in the same run: {_med(r['fdatasync_per_s']):,.0f}\n")
    out.append(_targets([(f"{r['users']:,} users: resets ≥ 0.8 × the 1,000-user figure",
                          f"{med:.3f} ×", med >= 0.8),
                         ("ListUsers deep page costs the same as page 1 (≥ 0.8 ×)",
                          f"{pmed:.3f} ×", pmed >= 0.8)]))
    load = ", ".join(f"{x:.2f}" for x in r["load_after"])
    out.append(f"- load average when the run ended: {load}\n")
    return "\n".join(out)


def long_section(r):
    rss = r["rss_after_kib"][0] / MiB
    peak = r["rss_after_kib"][1] / MiB
    rps = [b["req_per_s"] for b in r["blocks"]]
    out = [f"### RSS after {r['resets']:,} durable resets (c32, 1,000 users)\n",
           _machine(r["machine"])]
    out.append(f"- {r['resets']:,} resets in {r['seconds']:.0f} s ({len(r['blocks'])} wrk blocks,"
               f" re-signed each block; req/s per block {min(rps):,.0f}–{max(rps):,.0f}); "
               f"errors {sum(b['errors'] for b in r['blocks'])}")
    out.append(f"- RSS idle before: {r['rss_idle_kib'][0] / MiB:.1f} MiB; after: "
               f"**{rss:.1f} MiB** (peak {peak:.1f} MiB)")
    if r.get("writer"):
        w = r["writer"]
        out.append(f"- {w['writes']:,} writes in {w['commits']:,} commits "
                   f"({w['writes'] / max(w['commits'], 1):.1f} per fsync), largest batch "
                   f"{w['largest_batch']}")
        if "wal_rewinds" in w:
            out.append(f"- the WAL started over {w['wal_rewinds']:,} times")
    # Bounding the WAL must not stall writes: each block's tail latency shows whether it did.
    out.append("- p99 / max per block: " + ", ".join(
        f"{_ms(b['p99_us'])} / {_ms(b['max_us'])} ms" for b in r["blocks"]))
    out.append("")
    out.append(_targets([("RSS after 1M resets ≤ 64 MiB", f"{rss:.1f} MiB (peak {peak:.1f})",
                          rss <= 64 and r["resets"] >= 1_000_000)]))
    return "\n".join(out)


HEADER = """# chimed benchmark results

Written by `make bench` (bench/bench.py); each section is replaced by the run that produced it.
Latencies are wrk's (coordinated omission included as wrk measures it); p99 is the median of
the rounds' p99 with the worst round in brackets; max is the worst of all rounds.
"""


def update(path, section, results):
    quick = " (quick harness check: not a measurement)" if results.get("quick") else ""
    render = {"main": main_section, "scale": scale_section, "long": long_section}[section]
    body = render(results)
    block = f"<!-- bench:{section} -->\n{body.rstrip()}{quick and chr(10) + chr(10) + '_' + quick.strip(' ()') + '_'}\n<!-- /bench:{section} -->"
    text = open(path).read() if os.path.exists(path) else HEADER
    pattern = re.compile(rf"<!-- bench:{section} -->.*?<!-- /bench:{section} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        order = ["main", "scale", "long"]
        # Keep the sections in a fixed order before any hand-written notes.
        later = [s for s in order[order.index(section) + 1:] if f"<!-- bench:{s} -->" in text]
        if later:
            i = text.index(f"<!-- bench:{later[0]} -->")
            text = text[:i] + block + "\n\n" + text[i:]
        else:
            notes = text.find("<!-- notes -->")
            if notes >= 0:
                text = text[:notes] + block + "\n\n" + text[notes:]
            else:
                text = text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
