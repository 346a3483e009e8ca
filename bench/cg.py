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


def top_functions(path, n=25):
    """The `n` most expensive functions (inclusive of nothing: self cost) of a dump."""
    out = subprocess.run(["callgrind_annotate", "--threshold=100", path], capture_output=True,
                         text=True, timeout=300).stdout
    lines, started = [], False
    for line in out.splitlines():
        if re.match(r"^-+$", line) and started and lines:
            break
        if "file:function" in line:
            started = True
            continue
        if started and line.strip():
            lines.append(line.rstrip())
        if len(lines) >= n:
            break
    return lines
