"""RSS of one worker process against the records it has converted (issue 15 point 5: what grows with N?).

    python benchmarks/trace_worker_rss.py --adapter vendor_a --table data/town_1000000/vendor_a/GAIJI_A.tsv \\
        data/town_1000000/vendor_a/JUMIN.DAT [--parts 200] [--tracemalloc]

Runs the partitions of the inputs one after the other in this process, exactly as a pool
worker does (``WorkerState`` built once, ``run_partition`` per partition; part files deleted
as they come), and prints after every partition: records so far, RSS, Arrow's allocated
bytes, glibc's heap and, with ``--tracemalloc``, the Python heap and its largest growth since the first
partitions (file:line). A flat worker shows a flat RSS column after the first partitions.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    """The process's peak RSS so far (``ru_maxrss``)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def heap_mib() -> tuple[float, float]:
    """glibc's heap (all arenas, mallinfo2): bytes from the system and of those free, MiB ((0, 0) off glibc)."""
    import ctypes

    class _MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                   "fsmblks", "uordblks", "fordblks", "keepcost")]  # fmt: skip

    try:
        f = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return 0.0, 0.0
    f.restype = _MallInfo2
    m = f()
    return m.arena / 2**20, m.fordblks / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--adapter", default="vendor_a")
    ap.add_argument("--table", action="append", default=[], help="外字 table(s)")
    ap.add_argument("--parts", type=int, default=0, help="stop after this many partitions (0: all)")
    ap.add_argument("--every", type=int, default=1, help="print every k-th partition")
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--top", type=int, default=3, help="largest growths shown (--tracemalloc)")
    ap.add_argument("--no-validate", action="store_true")
    ap.add_argument(
        "--steady-heap", action="store_true", help="glibc thresholds as a convert worker sets them"
    )
    args = ap.parse_args(argv)

    import pyarrow as pa

    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.pipeline._memory import use_lean_pool
    from chukan_layout.pipeline._source_reads import csv_columns, header_values
    from chukan_layout.pipeline._worker import run_partition
    from chukan_layout.pipeline._worker_state import RunConfig, WorkerState, gaiji_tables
    from chukan_layout.pipeline.options import ConvertOptions
    from chukan_layout.pipeline.plan import plan

    pool = use_lean_pool()
    if args.steady_heap:
        from chukan_layout.pipeline._memory import steady_heap

        steady_heap()
    ad = load_adapter(args.adapter)
    tmp = Path(tempfile.mkdtemp(prefix="trace-rss-"))
    opts = ConvertOptions(validate=not args.no_validate, gaiji_tables=tuple(args.table))
    tables = gaiji_tables(ad.name, opts.gaiji_tables) if opts.runs_gaiji else []  # as convert resolves them
    opts = opts.replace(gaiji=opts.runs_gaiji, gaiji_tables=tuple(str(t) for t in tables))
    cfg = RunConfig(opts.replace(on_error="reject"), args.adapter, str(tmp))
    assigned = ad.assign([Path(p) for p in args.inputs])
    files = [(s.id, Path(p), s.definition) for s in ad.data_sources() for p in assigned[s.id]]
    parts = plan(files, partition_bytes=opts.partition_bytes,
                 header_of=lambda s, p: header_values(ad, s, p, None),
                 columns_of=lambda s, p: csv_columns(ad, s, p, None))  # fmt: skip
    if args.parts:
        parts = parts[: args.parts]
    st = WorkerState(cfg, adapter=ad)
    print(f"pool {pool}; {len(parts)} partitions; rss after set-up {rss_mib():.1f} MiB", flush=True)
    if args.tracemalloc:
        tracemalloc.start(8)
    base = None
    records = 0
    t0 = time.perf_counter()
    try:
        for i, part in enumerate(parts):
            res = run_partition(st, part)
            records += res.records_seen
            for p in [*res.parts.values(), res.rejects_part, res.gaiji_part, res.codes_part]:
                if p:
                    os.unlink(p)
            if i % args.every and i != len(parts) - 1:
                continue
            gc.collect()
            line = (f"part {i:4d} records {records:>9,} rss {rss_mib():7.1f} MiB (peak {peak_mib():6.1f}) arrow "
                    f"{pa.total_allocated_bytes() / 2**20:6.1f} MiB heap {heap_mib()[0]:6.1f} (free {heap_mib()[1]:5.1f}) "
                    f"MiB rejects {res.rejects} "
                    f"findings {sum(len(v) for v in res.findings.samples.values())} "
                    f"{time.perf_counter() - t0:6.1f}s")  # fmt: skip
            if args.tracemalloc:
                cur, peak = tracemalloc.get_traced_memory()
                line += f" py {cur / 2**20:6.1f} MiB (peak {peak / 2**20:6.1f})"
                snap = tracemalloc.take_snapshot()
                if base is None and i >= 2:
                    base = snap
                elif base is not None:
                    for s in snap.compare_to(base, "traceback")[: args.top]:
                        line += f"\n    +{s.size_diff / 2**10:8.1f} KiB {s.count_diff:+7d} " + " <- ".join(
                            str(fr) for fr in list(s.traceback)[::-1][:5]
                        )
            print(line, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
