"""Issue 15: the CPU of a ``convert`` (or ``validate``) command's *parent* process, thread by thread,
user and system time apart — and the forked input-hash child's and the workers' beside it.

    .venv/bin/python benchmarks/trace_parent.py --town data/town_1000000 --vendor b
    .venv/bin/python benchmarks/trace_parent.py --town data/town_1000000 --vendor b --base /tmp/old/src --rounds 3

Each run is a fresh interpreter running the console script's ``main()`` in-process (as
``bench_convert_split.py`` does: 住民 + 世帯 + the 外字 table, ``-j`` workers), with a sampler thread
that reads ``/proc/self/task/*/stat`` every 50 ms and keeps each thread's last user / system ticks
(a thread that ends keeps its last sample: up to 50 ms of it is lost). Threads are named by their
Python name where they have one (``MainThread``, ``chukan-csv-scan``, ``chukan-sync`` …), else by
their kernel ``comm``. The forked hash child (``input_hashes.ForkedHashes``) is reaped with ``wait4``
and its CPU printed apart from the workers'. ``--base``: the same with another ``src`` folder on
``PYTHONPATH``, sides alternated round by round (same minutes, same load). Compare CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ab import add_arguments, alternate, side_env

_INNER = r"""
import json, os, resource, sys, threading, time
T0 = time.perf_counter()
HZ = os.sysconf("SC_CLK_TCK")
seen = {}  # tid -> [name, utime, stime]
names = {}
stop = threading.Event()

def sample():
    me = threading.get_native_id()
    while True:
        for t in threading.enumerate():
            if t.native_id is not None:
                names[t.native_id] = t.name
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            comm = s[s.index("(") + 1 : s.rindex(")")]
            fields = s.rsplit(")", 1)[1].split()
            tid = int(tid)
            if tid != me:
                seen[tid] = [names.get(tid, comm), int(fields[11]) / HZ, int(fields[12]) / HZ]
        if stop.wait(0.05):
            return

th = threading.Thread(target=sample, name="sampler", daemon=True)
import chukan_layout.files as files
hash_child = {}
def reap(self):
    os.close(self._fd)
    self._fd = -1
    _, status, ru = os.wait4(self._pid, 0)
    hash_child.update(user=ru.ru_utime, sys=ru.ru_stime)
    self._pid = 0
    return os.waitstatus_to_exitcode(status)
try:  # the inputs' hashes in their own module since 12-07 (A/B with older code: in files)
    import chukan_layout.input_hashes as hashes_home
except ImportError:
    hashes_home = files
hashes_home.ForkedHashes._reap = reap
th.start()
from chukan_layout.cli import main
load = os.getloadavg()[0]
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
wall = time.perf_counter() - T0
stop.set()
th.join()
s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
threads = {}
for name, u, st in seen.values():
    key = "pool" if name.startswith(("Thread-", "QueueManager", "QueueFeeder")) else name
    a = threads.setdefault(key, [0.0, 0.0])
    a[0] += u
    a[1] += st
hc = hash_child.get("user", 0) + hash_child.get("sys", 0)
print(json.dumps({"wall": wall, "parent_user": s.ru_utime, "parent_sys": s.ru_stime,
                  "parent_cpu": s.ru_utime + s.ru_stime, "hash_child": hc,
                  "workers_cpu": c.ru_utime + c.ru_stime - hc, "threads": threads,
                  "parent_rss_mib": s.ru_maxrss // 1024, "worker_rss_mib": c.ru_maxrss // 1024,
                  "load": [load, os.getloadavg()[0]]}))
"""


def one_run(src: str | None, argv: list[str]) -> dict[str, object]:
    env = side_env(src)
    p = subprocess.run([sys.executable, "-c", _INNER, *argv], env=env, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(ap, out="/tmp/trace_parent")
    args = ap.parse_args()
    sides = [("new", None)] + ([("base", args.base)] if args.base else [])
    alternate(args, sides, one_run, show)


def show(name: str, res: dict[str, object]) -> None:
    th = res.pop("threads")
    print(f"{name:5s} " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                    for k, v in res.items()), flush=True)  # fmt: skip
    for t, (u, s) in sorted(th.items(), key=lambda kv: -sum(kv[1])):  # type: ignore[union-attr]
        if u + s >= 0.02:
            print(f"      {t:22s} user {u:.2f} sys {s:.2f}")


if __name__ == "__main__":
    main()
