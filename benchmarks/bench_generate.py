"""Benchmark the synthetic-data generator: residents per second and peak RSS.

    .venv/bin/python benchmarks/bench_generate.py            # 100k and 1M residents
    .venv/bin/python benchmarks/bench_generate.py 20000      # one size

Each configuration runs in a fresh subprocess (so peak RSS is that run's own) on one core:
``golden`` = the 12 standard-layout files with every linked record (住基, 住民税, 固定資産, 軽自動車,
国保, 介護, 後期高齢, 国民年金, 印鑑登録); ``all`` adds the three vendor exports and the faulty
standard files with faults at 0.1 %.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

CHILD = r"""
import json, os, resource, sys, time
from chukan_layout.synth.generate import generate
n, vendors, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
generate(out + "/warm", residents=200, vendors=[] if vendors == "golden" else "all")
load = os.getloadavg()[0]
t, c = time.perf_counter(), time.process_time()
res = generate(out + "/run", residents=n, vendors=[] if vendors == "golden" else "all",
               faults=0.0 if vendors == "golden" else 0.001, seed=1)
dt, dc = time.perf_counter() - t, time.process_time() - c
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out + "/run") for f in fs)
rows = sum(v for k, v in res.records.items() if k.startswith("golden/"))
print(json.dumps({"residents": n, "config": vendors, "seconds": round(dt, 2), "rate": round(n / dt),
                  "cpu_seconds": round(dc, 2), "cpu_rate": round(n / dc), "golden_rows": rows, "bytes": size,
                  "load": round(max(load, os.getloadavg()[0]), 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def run(n: int, config: str) -> dict[str, object]:
    out = tempfile.mkdtemp(prefix="bench_gen_")
    try:
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        cmd = ["taskset", "-c", "0", sys.executable, "-c", CHILD, str(n), config, out]
        if shutil.which("taskset") is None:
            cmd = cmd[3:]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        return json.loads(r.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:] if not a.startswith("--")] or [100_000, 1_000_000]
    for n in sizes:
        for config in ("golden", "all"):
            if config == "all" and n > 100_000 and "--all-large" not in sys.argv:
                continue  # golden + every vendor at 1M writes ~11 GB; 100k is enough to compare
            r = run(n, config)
            print(
                f"{r['config']:>6} {r['residents']:>9,} residents  wall {r['seconds']:>7}s {r['rate']:>8,}/s  "
                f"CPU {r['cpu_seconds']:>7}s {r['cpu_rate']:>8,}/s  golden rows {r['golden_rows']:>10,}  "
                f"output {int(r['bytes']) / 1e6:8.1f} MB  peak RSS {r['peak_rss_mb']} MB  load {r['load']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
