"""Instructions per request under callgrind: stable where wall-clock numbers are noisy.

The server runs under `valgrind --tool=callgrind`; once it answers, a warm-up batch is sent,
the counters are zeroed (callgrind_control -z), an exact number of requests is sent and
answered, and the counters are dumped (callgrind_control -d). Instructions of every thread
(I/O threads, the commit writer, nginx's single worker) are counted; kernel time is not.
"""

import glob
import os
import re
import subprocess
import time

import probes


def _control(flag, pid):
    subprocess.run(["callgrind_control", flag, str(pid)], check=True, capture_output=True,
                   timeout=300)


def _total_ir(path):
    with open(path) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def measure(proc, port, requests, count, concurrency, out_prefix, warmup=200):
    """Returns (instructions per request, dump path). `proc` runs under callgrind with
    --callgrind-out-file=<out_prefix>.%p."""
    statuses = probes.send_fixed(port, requests, warmup, concurrency)
    _control("-z", proc.pid)
    statuses = probes.send_fixed(port, requests, count, concurrency)
    if set(statuses) != {200}:
        raise RuntimeError(f"callgrind run got statuses {statuses}")
    before = set(glob.glob(f"{out_prefix}.{proc.pid}*"))
    _control("-d", proc.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        new = set(glob.glob(f"{out_prefix}.{proc.pid}*")) - before
        if new:
            path = sorted(new)[-1]
            time.sleep(0.5)  # let the dump finish writing
            return _total_ir(path) / count, path
        time.sleep(0.2)
    raise RuntimeError("callgrind dump did not appear")


def wrapper(out_prefix):
    return ["valgrind", "--tool=callgrind", "--quiet",
            f"--callgrind-out-file={out_prefix}.%p"]


def self_costs(path):
    """Self cost (Ir) per function of a callgrind dump, summed over all contexts.

    Parsed directly: the dump's format is simple (fn= starts a function's cost lines, the
    line after calls= is the inclusive cost of a call and is skipped), and callgrind_annotate
    3.19 attributes threads' costs to clone/start_thread in dumps taken after a zero."""
    names, objs, costs = {}, {}, {}
    fn, ob, skip_next = None, "", False
    with open(path) as f:
        for line in f:
            if skip_next:
                skip_next = False
                continue
            c = line[:1]
            if c.isdigit() or c in "+-*":
                if fn is not None:
                    parts = line.split()
                    if len(parts) >= 2:
                        costs[fn] = costs.get(fn, 0) + int(parts[1])
                continue
            if line.startswith("ob="):
                m = re.match(r"ob=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m and m.group(2):
                    objs[m.group(1)] = os.path.basename(m.group(2))
                ob = objs.get(m.group(1), "") if m else ""
            elif line.startswith("cob="):
                m = re.match(r"cob=\((\d+)\) (.*)", line.rstrip("\n"))
                if m:
                    objs[m.group(1)] = os.path.basename(m.group(2))
            elif line.startswith("fn="):
                m = re.match(r"fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m:
                    if m.group(2):
                        names[m.group(1)] = m.group(2)
                    fn = names.get(m.group(1), m.group(1))
                else:
                    fn = line[3:].strip()
                if fn.startswith("0x"):
                    fn = f"{fn} [{ob}]"
            elif line.startswith("cfn="):
                m = re.match(r"cfn=\((\d+)\) (.*)", line.rstrip("\n"))
                if m:
                    names[m.group(1)] = m.group(2)
            elif line.startswith("calls="):
                skip_next = True
    return costs


def top_functions(path, n=30, per=1):
    """The `n` most expensive functions by self cost, as text lines (Ir per request)."""
    costs = self_costs(path)
    total = sum(costs.values())
    lines = []
    for name, cost in sorted(costs.items(), key=lambda kv: -kv[1])[:n]:
        short = re.sub(r"\((?!anonymous).*", "", name)[:110]
        lines.append(f"{cost / per:>10,.0f} {100.0 * cost / total:5.1f}%  {short}")
    return lines
