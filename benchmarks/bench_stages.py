"""CPU seconds per stage of one ``convert`` (1 worker, in this process), for A/B runs of two checkouts.

    .venv/bin/python benchmarks/bench_stages.py --town data/vb_100k --vendor b
    .venv/bin/python benchmarks/bench_stages.py --town data/vb_100k --vendor b --src ../wt-base/src --repeat 2

A load-independent companion of ``bench_floor.py`` (issue 15): on a shared machine wall ratios
move with the load, CPU seconds much less. The stage entry points are wrapped (reading: the CSV
or fixed-width reader's batches; ``adapt``; the 外字 stage; validation checks and codes; the
standard-CSV writer) and charged the *calling thread's* CPU time (``time.thread_time``), so a
stage is not charged for Arrow's reader threads working beside it; those appear as ``other
threads`` (with the background input hashing). ``process`` is the whole process after imports:
plan, partitions, merge and reports. ``--src`` measures another checkout's ``src`` folder (its
``chukan_layout`` is imported first), so old and new code can be alternated in the same minutes.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FILES = {  # vendor: (adapter, 住民 file, 世帯 file, 外字 table)
    "a": ("vendor_a", "JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"),
    "b": ("vendor_b", "jumin.csv", "setai.csv", "gaiji_b.tsv"),
    "c": ("vendor_c", "JUMIN.EBC", "SETAI.EBC", "GAIJI_C.tsv"),
}


def _process_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _wrap(spent: collections.Counter[str], obj: Any, name: str, label: str, gen: bool = False) -> None:
    f = getattr(obj, name)
    if gen:

        @functools.wraps(f)
        def g(*a: Any, **k: Any) -> Any:
            it = f(*a, **k)
            while True:
                t = time.thread_time()
                try:
                    x = next(it)
                except StopIteration:
                    spent[label] += time.thread_time() - t
                    return
                spent[label] += time.thread_time() - t
                yield x

    else:

        @functools.wraps(f)
        def g(*a: Any, **k: Any) -> Any:
            t = time.thread_time()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.thread_time() - t

    setattr(obj, name, g)


def measure(town: Path, vendor: str, out: Path) -> dict[str, float]:
    """One ``convert -j 1`` of the town's 住民 + 世帯 files: CPU seconds per stage."""
    from chukan_layout.adapt.engine import AdaptEngine
    from chukan_layout.gaiji.stage import GaijiStage
    from chukan_layout.pipeline import conversion
    from chukan_layout.pipeline.options import ConvertOptions
    from chukan_layout.readers import api
    from chukan_layout.validation.session import ValidationRun
    from chukan_layout.write.standard_csv import StandardCsvWriter

    spent: collections.Counter[str] = collections.Counter()
    _wrap(spent, api.Reader, "__next__", "read")
    _wrap(spent, AdaptEngine, "adapt", "adapt")
    _wrap(spent, GaijiStage, "apply", "gaiji")
    _wrap(spent, ValidationRun, "check", "validate")
    _wrap(spent, ValidationRun, "codes", "validate")
    _wrap(spent, StandardCsvWriter, "write", "write")
    adapter, jumin, setai, gaiji = FILES[vendor]
    d = town / adapter
    shutil.rmtree(out, ignore_errors=True)
    p0, m0 = _process_cpu(), time.thread_time()
    conversion.convert(adapter, [d / jumin, d / setai], out,
                       ConvertOptions(workers=1, gaiji_tables=(str(d / gaiji),)))  # fmt: skip
    total, main = _process_cpu() - p0, time.thread_time() - m0
    res = {k: round(v, 3) for k, v in spent.items()}
    res["rest of the main thread"] = round(main - sum(spent.values()), 3)
    res["other threads"] = round(total - main, 3)
    res["process"] = round(total, 3)
    res["peak RSS MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    shutil.rmtree(out, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--town", required=True, help="a generated town (chukan-layout generate --vendor …)")
    ap.add_argument("--vendor", default="b", choices=sorted(FILES))
    ap.add_argument("--src", help="another checkout's src folder to measure instead of the installed package")
    ap.add_argument("--repeat", type=int, default=1, help="runs in fresh processes; the lowest CPU per stage")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.src:
            sys.path.insert(0, args.src)
        with tempfile.TemporaryDirectory() as tmp:
            print(repr(measure(Path(args.town), args.vendor, Path(tmp) / "out")))
        return
    import ast
    import subprocess

    runs = []
    for _ in range(args.repeat):
        argv = [sys.executable, __file__, "--child", "--town", args.town, "--vendor", args.vendor]
        p = subprocess.run(argv + (["--src", args.src] if args.src else []), capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})  # fmt: skip
        runs.append(ast.literal_eval(p.stdout.strip().splitlines()[-1]))
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    print(f"convert vendor {args.vendor.upper()} -j 1, {args.town}, code {args.src or 'installed'}, "
          f"load {os.getloadavg()[0]:.1f}; CPU s per stage (lowest of {len(runs)}):")  # fmt: skip
    for k, v in best.items():
        print(f"  {k:26s} {v:8.2f}")


if __name__ == "__main__":
    main()
