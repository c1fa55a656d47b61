"""Issue 15: where a vendor A (``--vendor b``/``c``: B, C) ``convert`` spends its CPU — the parent and the workers apart — and how
long the parent works alone before the first partition starts; optionally A/B against other code.

    .venv/bin/python benchmarks/bench_convert_split.py --town data/town_1000000
    .venv/bin/python benchmarks/bench_convert_split.py --town data/town_1000000 --base /tmp/old/src --rounds 2
    .venv/bin/python benchmarks/bench_convert_split.py --town data/town_1000000 --vendor b --base /tmp/old/src --rounds 4

Each run is a fresh interpreter (``--base``: with that ``src`` folder first on ``PYTHONPATH``, e.g.
``git archive REV | tar -x -C /tmp/old``), the same command line as ``bench_floor.py`` (住民 + 世帯,
their 外字 table, ``-j`` workers), after one untimed ``--limit 10`` run per side (compiled-adapter
cache and .pyc files written, as by any earlier run). Sides alternate round by round, so both see the same load; on a
shared machine compare CPU seconds, not wall. Printed per run: wall, parent CPU, workers' CPU
(all children), CPU and wall when the partitions are handed out, the parent's cross-record
``finish`` at the end, peak RSS of the parent and of the largest worker, the load average.
That harness calls ``main()`` in-process and stops its clock when ``main()`` returns: the
interpreter's start and exit are not in it. ``--cli`` instead runs the console script as
``bench_floor.py`` does (``sys.exit(main())``) and measures the whole process from outside
(``wait4``: wall from spawn to exit, CPU of the process and every child it waited for), what
``/usr/bin/time`` shows:

    .venv/bin/python benchmarks/bench_convert_split.py --town data/town_1000000 --vendor b --cli --base /tmp/old/src --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

_INNER = r"""
import json, os, resource, sys, time
T0 = time.perf_counter()
import chukan_layout.pipeline.conversion as conv
import chukan_layout.pipeline._merge as merge
marks = {}
ordered_map = conv.ordered_map
def timed_map(*a, **k):
    marks["dispatch_wall"] = time.perf_counter() - T0
    marks["dispatch_cpu"] = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    yield from ordered_map(*a, **k)
    marks["last_result_wall"] = time.perf_counter() - T0
conv.ordered_map = timed_map
finish = merge.RunMerger.finish
def timed_finish(self, *a, **k):
    t = time.perf_counter()
    try:
        return finish(self, *a, **k)
    finally:
        marks["finish_wall"] = time.perf_counter() - t
merge.RunMerger.finish = timed_finish
from chukan_layout.cli import main
load = os.getloadavg()[0]
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": time.perf_counter() - T0, "parent_cpu": s.ru_utime + s.ru_stime,
                  "workers_cpu": c.ru_utime + c.ru_stime, "parent_rss_mib": s.ru_maxrss // 1024,
                  "worker_rss_mib": c.ru_maxrss // 1024, **marks, "load": [load, os.getloadavg()[0]]}))
"""


FILES = {  # vendor: (adapter, 住民 file, 世帯 file, 外字 table), as bench_floor.py
    "a": ("vendor_a", "JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"),
    "b": ("vendor_b", "jumin.csv", "setai.csv", "gaiji_b.tsv"),
    "c": ("vendor_c", "JUMIN.EBC", "SETAI.EBC", "GAIJI_C.tsv"),
}


# --cli: the console script's process as bench_floor.py runs it (``sys.exit(main())``, no arguments to
# main), measured from outside: spawn to exit, CPU of it and of every child it waited for
_CLI = "import sys; from chukan_layout.cli import main; sys.argv[0] = 'chukan-layout'; sys.exit(main())"


def cli_run(src: str | None, argv: list[str]) -> dict[str, float]:
    """The whole command (interpreter start, imports, run, exit) as ``/usr/bin/time`` sees it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    load = os.getloadavg()[0]
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", _CLI, *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)  # fmt: skip
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(err[-2000:])
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime,
            "max_rss_mib": ru.ru_maxrss // 1024, "load": [load, os.getloadavg()[0]]}  # fmt: skip


def one_run(src: str | None, argv: list[str]) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed code runs: with bytecode (see bench_floor)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.run([sys.executable, "-c", _INNER, *argv], env=env, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--town", required=True, help="a generated town (vendor_a/JUMIN.DAT, SETAI.DAT, GAIJI_A.tsv)"
    )
    ap.add_argument(
        "--vendor", default="a", choices=sorted(FILES), help="whose 住民 + 世帯 export (default a)"
    )
    ap.add_argument("--base", help="a src folder of other code to compare with (A/B)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", default="/tmp/bench_convert_split", help="scratch output folder (removed)")
    ap.add_argument("--cli", action="store_true",
                    help="measure the whole console-script process from outside (start-up and exit included)")  # fmt: skip
    args = ap.parse_args()
    adapter, jumin, setai, gaiji = FILES[args.vendor]
    d = Path(args.town) / adapter
    sides = [("this code", None)] + ([("base", args.base)] if args.base else [])
    for _name, src in sides:  # untimed: fills each side's compiled-adapter cache and writes its .pyc
        warm = Path(args.out) / "warm"
        one_run(src, ["convert", "-a", adapter, str(d / jumin), "-o", str(warm), "--limit", "10",
                      "--no-progress"])  # fmt: skip
        subprocess.run(["rm", "-rf", str(warm)], check=False)
    for r in range(args.rounds):
        for name, src in sides:
            out = Path(args.out) / f"{r}-{name.replace(' ', '_')}"
            argv = ["convert", "-a", adapter, str(d / jumin), str(d / setai), "--gaiji-table",
                    str(d / gaiji), "-o", str(out), "-j", str(args.workers), "--no-progress"]  # fmt: skip
            res = cli_run(src, argv) if args.cli else one_run(src, argv)
            subprocess.run(["rm", "-rf", str(out)], check=False)
            print(f"{name:9s} " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                           for k, v in res.items()), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
