"""Run one benchmark case in its own process and report wall time, CPU time and peak RSS.

Each case is ``module:function`` called with JSON-able keyword arguments. The child
prints one JSON line with:

- ``seconds``: wall time of the call (imports excluded, they happen before the clock starts);
- ``cpu_seconds``: user + system CPU of the child *and* of the worker processes it waited for
  (after the timed call: a pool shut down without waiting still has workers leaving);
- ``peak_rss_mib``: the child's own ``ru_maxrss`` (so cases never contaminate each other);
- ``peak_child_rss_mib``: the largest ``ru_maxrss`` among its finished worker processes;
- ``peak_tree_rss_mib``: the largest *sum* of RSS over the child and all its descendants,
  sampled every 50 ms with psutil (conservative: pages shared after ``fork`` count once per
  process). With one process this equals ``peak_rss_mib`` up to the sampling interval.
- ``peak_desc_rss_mib``: the largest RSS of any one descendant (pool or Dask worker, nanny),
  sampled the same way — unlike ``peak_child_rss_mib`` it also sees processes that are not
  waited for by the child (Dask workers are children of their nannies).
- ``rss_p50_mib`` / ``rss_p99_mib``: median and 99th percentile of the child's own sampled RSS;
  ``desc_rss_p50_mib`` / ``desc_rss_p99_mib``: the same for the largest descendant at each sample.
  A peak is the maximum of a level that moves with each batch (allocator pages not yet given back):
  a longer run samples that movement more often, so compare the percentiles too when judging "flat".
- ``load_before`` / ``load_after``: the 1-minute load average around the call (a shared machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

_CHILD = r"""
import importlib, json, os, resource, sys, threading, time
sys.path.insert(0, {here!r})
mod, fn = {target!r}.split(":")
f = getattr(importlib.import_module(mod), fn)
kwargs = json.loads({kwargs!r})
peak = [0, 0]
own_s, desc_s = [], []  # sampled RSS of this process / of its largest descendant per tick
stop = threading.Event()
def _sample():
    try:
        import psutil
    except ImportError:
        return
    me = psutil.Process()
    tick, kids = 0, []
    while not stop.is_set():
        try:
            total = top = me.memory_info().rss
            own_s.append(total)
            big = 0
            # the process tree is looked up every 10th tick (0.5 s): a lookup scans all of /proc
            # (~1.5 ms), 20 times a second ~0.5 CPU s per 1M run taken from the workers it measures
            if tick % 10 == 0:
                kids = me.children(recursive=True)
            tick += 1
            for c in kids:
                try:
                    rss = c.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                big = max(big, rss)
                peak[1] = max(peak[1], rss)
            peak[0] = max(peak[0], total)
            if big:
                desc_s.append(big)
        except psutil.Error:
            pass
        stop.wait(0.05)
th = threading.Thread(target=_sample, daemon=True)
th.start()
load0 = os.getloadavg()[0]
r0s, r0c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
result = f(**kwargs)
secs = time.perf_counter() - t0
stop.set(); th.join()
# a run may return while its pool's idle workers are still leaving (the pool is shut down without
# waiting): their CPU counts only once they are reaped, so wait for them (not in the wall above)
import multiprocessing
for _p in multiprocessing.active_children():
    _p.join(60)
rs, rc = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (rs.ru_utime + rs.ru_stime - r0s.ru_utime - r0s.ru_stime) + (rc.ru_utime + rc.ru_stime - r0c.ru_utime - r0c.ru_stime)
own = rs.ru_maxrss / 1024
def _q(xs, q):
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] / 2**20 if xs else 0.0
print("@@RESULT@@" + json.dumps({{"seconds": secs, "cpu_seconds": cpu, "peak_rss_mib": own,
      "peak_child_rss_mib": rc.ru_maxrss / 1024, "peak_tree_rss_mib": max(peak[0] / 2**20, own),
      "peak_desc_rss_mib": peak[1] / 2**20,
      "rss_p50_mib": _q(own_s, 0.5), "rss_p99_mib": _q(own_s, 0.99),
      "desc_rss_p50_mib": _q(desc_s, 0.5), "desc_rss_p99_mib": _q(desc_s, 0.99),
      "load_before": load0, "load_after": os.getloadavg()[0], "result": result}}, default=str))
"""


def run_case(
    target: str, timeout: float = 3600, env: dict[str, str] | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Run ``target`` (``module:function`` under benchmarks/) in a fresh interpreter."""
    code = _CHILD.format(here=str(HERE), target=target, kwargs=json.dumps(kwargs))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            return json.loads(line[len("@@RESULT@@") :])
    raise RuntimeError(f"{target} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def fmt_rate(n: int, secs: float) -> str:
    return f"{n / secs / 1000:,.0f}k/s" if secs > 0 else "-"
