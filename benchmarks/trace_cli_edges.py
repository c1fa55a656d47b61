"""Issue 15: the serial head and tail of a ``chukan-layout convert`` process, start to exit, old vs new code.

    .venv/bin/python benchmarks/trace_cli_edges.py --town data/town_1000000 --vendor b --rounds 3
    .venv/bin/python benchmarks/trace_cli_edges.py --town data/town_1000000 --vendor b --base /tmp/old/src --rounds 3

The console script runs as ``bench_floor.py`` runs it (``sys.exit(main())``, the same arguments), with a
preamble that marks, in wall-clock time and CPU seconds of the process (``RUSAGE_SELF``) and of the
children it reaped (``RUSAGE_CHILDREN``): the interpreter's start (before the first import), ``convert``
imported, the partitions handed out (the pool forked: the end of the serial head), the last partition's
result back, the ``atexit`` functions (after the command printed everything: the start of the interpreter's
exit). The process itself is measured from outside (``wait4``). Printed per run:

- ``head``: spawn → partitions handed out (wall), and the parent's CPU in it (imports, adapter, plan);
- ``imports``: the interpreter's start → ``convert`` imported;
- ``work``: partitions handed out → last result (wall);
- ``finish``: last result → ``atexit`` (cross-record checks, outputs, report, summary printed);
- ``exit``: ``atexit`` → the process gone (wall), and its CPU: total (``wait4``) − both counters at
  ``atexit`` (the workers are reaped by then) — the interpreter's teardown, ≈ 0 with ``os._exit``;
- the process's total wall and CPU (what ``/usr/bin/time`` and ``bench_floor.py`` see).

Wall figures move with the machine's load; the CPU of the head and the exit much less. Sides alternate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ab import add_arguments, alternate, side_env

_PREAMBLE = r"""
import atexit, json, os, resource, sys, time
_F = os.environ["EDGES_FILE"]
def _mark(name):
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(_F, "a") as f:
        f.write(json.dumps({"mark": name, "t": time.time(), "self": s.ru_utime + s.ru_stime,
                            "children": c.ru_utime + c.ru_stime}) + "\n")
_mark("start")
import chukan_layout.pipeline.conversion as _conv
_mark("imported")
_om, _start = _conv.ordered_map, _conv.ConvertPlan.start
def _started(self):
    _mark("dispatched")
    return _start(self)
_conv.ConvertPlan.start = _started
def _ordered_map(*a, **k):
    yield from _om(*a, **k)
    _mark("last_result")
_conv.ordered_map = _ordered_map
atexit.register(_mark, "atexit")
from chukan_layout.cli import main
sys.argv[0] = "chukan-layout"
sys.exit(main())
"""


def one_run(src: str | None, argv: list[str]) -> dict[str, float]:
    env = side_env(src)
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as marks:
        env["EDGES_FILE"] = marks.name
        t0 = time.time()
        p = subprocess.Popen([sys.executable, "-c", _PREAMBLE, *argv], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)  # fmt: skip
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.time()
        err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise RuntimeError(err[-2000:])
        m = {r["mark"]: r for r in map(json.loads, Path(marks.name).read_text().splitlines())}
    total = ru.ru_utime + ru.ru_stime
    at = m["atexit"]
    return {
        "wall": t1 - t0,
        "cpu": total,
        "head": m["dispatched"]["t"] - t0,
        "head_cpu": m["dispatched"]["self"],
        "imports": m["imported"]["t"] - m["start"]["t"],
        "work": m["last_result"]["t"] - m["dispatched"]["t"],
        "finish": at["t"] - m["last_result"]["t"],
        "exit": t1 - at["t"],
        "exit_cpu": total - at["self"] - at["children"],
        "load": os.getloadavg()[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(ap, out="/tmp/trace_cli_edges")
    args = ap.parse_args()
    sides = [("this code", None)] + ([("base", args.base)] if args.base else [])
    alternate(args, sides, one_run, show)


def show(name: str, res: dict[str, float]) -> None:
    print(f"{name:9s} " + ", ".join(f"{k} {v:.2f}" for k, v in res.items()), flush=True)


if __name__ == "__main__":
    main()
