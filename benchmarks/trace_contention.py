"""Do two workers slow each other down? The same partitions converted alone and by two processes at once.

    python benchmarks/trace_contention.py --data data/town_1000000 --partitions 8 --rounds 3

A 2-worker run spends more task *wall* time than a 1-worker run; this tells whether the
*CPU* of a partition grows too when a second worker runs beside it (shared L3 cache and memory
bandwidth: 2 cores, 32 MiB L3 here) or only its wall time (waiting for a core the parent or
another job holds). Each round runs the first ``--partitions`` vendor A 住民 partitions (16 MiB)
in one process alone, then in two processes at once (each its own copy), and prints each
process's CPU seconds per partition (thread CPU; ``perf stat`` has no hardware counters in
this VM). Rounds alternate; the load average is printed with each.
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

_CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.pipeline import conversion
from chukan_layout.pipeline._memory import steady_heap, use_lean_pool
from chukan_layout.pipeline._worker import run_partition
from chukan_layout.pipeline._source_reads import header_values
from chukan_layout.pipeline._worker_state import RunConfig, WorkerState, gaiji_tables
use_lean_pool()  # as a run's workers are set up (_convert_workers.StateFactory)
steady_heap()
from chukan_layout.pipeline.options import ConvertOptions
from chukan_layout.pipeline.plan import plan
path, table, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ad = load_adapter("vendor_a")
tables = tuple(str(t) for t in gaiji_tables(ad.name, [table]))
from chukan_layout.findings import FindingSet
fs = FindingSet()
fs.set_overrides(ad.rule_levels, ad.rule_reasons)  # the adapter's rules: section, as convert does
sev = {**{k: str(v) for k, v in fs.severity_overrides.items()}, **dict.fromkeys(fs.disabled, "off")}
opts = ConvertOptions(gaiji_tables=tables).replace(gaiji=True, severity_overrides=sev, max_samples=fs.max_samples)
sid = next(s for s, ps in ad.assign([path]).items() if ps)
parts = plan([(sid, Path(path), ad.sources[sid].definition)],
             header_of=lambda s, p: header_values(ad, s, p, None))[:n]
with tempfile.TemporaryDirectory(dir=sys.argv[4]) as d:
    st = WorkerState(RunConfig(opts, "vendor_a", d, {s.id: [] for s in ad.sources.values() if s.role == "lookup"}), adapter=ad).in_child()
    run_partition(st, parts[0])  # warm
    sys.stdout.write("ready\n"); sys.stdout.flush(); sys.stdin.readline()  # start together
    cpu, t0 = time.thread_time(), time.time()
    for p in parts:
        res = run_partition(st, p)
        for q in (*res.parts.values(), res.rejects_part, res.gaiji_part, res.codes_part):
            if q:
                Path(q).unlink(missing_ok=True)
    print(json.dumps({"cpu": time.thread_time() - cpu, "wall": time.time() - t0, "n": len(parts)}))
"""


def _run(k: int, args: argparse.Namespace, scratch: str) -> list[dict[str, float]]:
    town = Path(args.data) / "vendor_a"
    cmd = [sys.executable, "-c", _CHILD, str(town / "JUMIN.DAT"), str(town / "GAIJI_A.tsv"), str(args.partitions),
           scratch]  # fmt: skip
    procs = [
        subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(k)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    return [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    alone, pair = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for r in range(args.rounds):
            for k in (1, 2):
                load = os.getloadavg()[0]
                t = time.time()
                res = _run(k, args, scratch)
                per = [x["cpu"] / x["n"] for x in res]
                (alone if k == 1 else pair).extend(per)
                print(f"round {r + 1}: {k} process(es) at once, load {load:.1f}: CPU s per partition "
                      f"{', '.join(f'{x:.3f}' for x in per)} (wall {time.time() - t:.1f} s)", flush=True)  # fmt: skip
    a, b = sum(alone) / len(alone), sum(pair) / len(pair)
    print(f"mean CPU s per partition: alone {a:.3f}, two at once {b:.3f} ({100 * (b / a - 1):+.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
