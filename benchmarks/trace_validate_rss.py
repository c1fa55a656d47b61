"""Where the RSS of a 1-worker ``validate`` goes over the run (issue 15 point 5: what grows with N?).

    python benchmarks/trace_validate_rss.py data/town_5000000/golden/juki_jumin.csv [--lines 30]

Runs ``validate_files`` (1 worker: partitions, split scan and code stores in this process) and
samples every 20 ms: RSS and its anonymous part, glibc's heap (``mallinfo2``: size and free),
Arrow's allocated bytes and the bytes buffered in the code stores. At
each new high it reads ``/proc/self/smaps`` and sums the anonymous pages by mapping kind (heap,
anonymous maps by size: Arrow's jemalloc and Python's arenas are the 1–63 MiB ones). Printed:
the peak (``ru_maxrss``), the peak per tenth of the input (a flat run has no trend across them),
the median / p99 of the samples while partitions run, the smaps split at the highest sample.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from trace_worker_rss import heap_mib

M = 2**20


def status() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon"):
                out[k] = int(v.split()[0]) / 1024
    return out


def smaps() -> dict[str, float]:
    """Anonymous MiB per mapping kind."""
    out: dict[str, float] = {}
    kind = ""
    with open("/proc/self/smaps") as f:
        for line in f:
            p = line.split()
            if "-" in p[0] and ":" not in p[0]:
                lo, hi = (int(x, 16) for x in p[0].split("-"))
                name, size = (p[5] if len(p) > 5 else ""), (hi - lo) >> 20
                kind = "file" if name.startswith("/") else name or (
                    "anon <1M" if size < 1 else "anon 1-8M" if size < 8 else "anon 8-63M" if size < 63 else "anon ≥63M")  # fmt: skip
            elif p[0] == "Anonymous:":
                out[kind] = out.get(kind, 0.0) + int(p[1]) / 1024
    return {k: round(v, 1) for k, v in out.items() if v >= 0.1}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", help="a standard-layout CSV file")
    ap.add_argument("--lines", type=int, default=20, help="samples printed over the run")
    args = ap.parse_args(argv)

    import pyarrow as pa

    from chukan_layout.pipeline import standard
    from chukan_layout.validation import session

    stores: list[Any] = []
    real_share = session.share_budget

    def share(sts: list[Any], *a: Any, **k: Any) -> None:
        stores[:] = sts
        real_share(sts, *a, **k)

    session.share_budget = share  # type: ignore[assignment]
    done, samples, high = [0], [], [0.0, {}]
    stop = threading.Event()

    def sample() -> None:
        t0 = time.perf_counter()
        while not stop.is_set():
            s = status()
            heap, free = heap_mib()
            samples.append({"t": time.perf_counter() - t0, "done": done[0] / M, "rss": s["VmRSS"],
                            "anon": s["RssAnon"], "heap": heap, "heap_free": free,
                            "arrow": pa.total_allocated_bytes() / M,
                            "stores": sum(st._buffered for st in stores) / M})  # fmt: skip
            if s["VmRSS"] > high[0] + 0.5:
                high[:] = [s["VmRSS"], smaps()]
            stop.wait(0.02)

    def progress(n: int) -> None:
        done[0] += n

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    cpu = time.process_time()
    standard.validate_files(
        [Path(args.input)], layouts_auto=True, workers=1, report_dir=None, progress=progress
    )
    cpu = time.process_time() - cpu
    stop.set()
    th.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak {peak:.1f} MiB, cpu {cpu:.1f} s, {len(stores)} code stores")
    run = [s for s in samples if s["done"] > 0]
    if run:
        last = max(s["done"] for s in run)
        tenths = [0.0] * 10
        for s in run:
            k = min(9, int(s["done"] / last * 10))
            tenths[k] = max(tenths[k], s["rss"])
        rss = sorted(s["rss"] for s in run)
        print("peak per tenth of the input:", " ".join(f"{x:.0f}" for x in tenths))
        print(
            f"while partitions ran: median {statistics.median(rss):.1f}, p99 {rss[int(0.99 * len(rss))]:.1f} MiB"
        )
    print(f"anonymous MiB by mapping at the highest sample ({high[0]:.1f} MiB): {high[1]}")
    for s in samples[:: max(1, len(samples) // args.lines)]:
        print(" ".join(f"{k} {v:.1f}" for k, v in s.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
