"""CPU seconds per stage of one ``convert`` (1 worker, in this process), for A/B runs of two checkouts.

    .venv/bin/python benchmarks/bench_stages.py --town data/vb_100k --vendor b
    .venv/bin/python benchmarks/bench_stages.py --town data/vb_100k --vendor b --src ../wt-base/src --repeat 2
    .venv/bin/python benchmarks/bench_stages.py --town data/town_1000000 --vendor b --detail --worker-batches

A load-independent companion of ``bench_floor.py`` (issue 15): on a shared machine wall ratios
move with the load, CPU seconds much less. The stage entry points are wrapped (reading: the CSV
or fixed-width reader's batches; ``adapt``; the 外字 stage; validation checks and codes; the
standard-CSV writer) and charged the *calling thread's* CPU time (``time.thread_time``), so a
stage is not charged for Arrow's reader threads working beside it; those appear as ``other
threads`` (with the background input hashing). ``process`` is the whole process after imports:
plan, partitions, merge and reports. ``--src`` measures another checkout's ``src`` folder (its
``chukan_layout`` is imported first), so old and new code can be alternated in the same minutes.
``--detail`` adds sub-stages (indented; each is inside its stage): Arrow's parse of the raw CSV
bytes with the joining of its 1 MiB batches (or the compiled parse, readers/csvparse.py), the cp932 column decode, the source trim, the date
transforms, the 外字 detection and occurrence spreading, validation's key/reference codes, Arrow's
CSV writer or the compiled row writer (write/csv_rows.py); and ``rest of the main thread`` split into the partitions' own glue (``run_partition``
less its stages: what a worker process adds) and the parent's work outside the partitions (plan,
merging the parts with their SHA-256, the cross-record finish, reports), which in a run with
workers is the parent's, not a worker's. ``other threads`` here is likewise mostly the parent's
split-scan and input-hashing threads (RESULTS.md, sixth vendor B round). ``--worker-batches``: the CSV batches of a worker process (8 MiB) instead of the 4 MiB
the parent reads in when it runs the partitions itself (the one-worker run measured here).
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
import types
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


def _wrap_detail(spent: collections.Counter[str]) -> None:
    """Sub-stage timers (``--detail``), each charged inside its stage as well."""
    from chukan_layout.adapt import engine
    from chukan_layout.adapt.transforms import dates
    from chukan_layout.gaiji import stage
    from chukan_layout.readers import csv_reader
    from chukan_layout.write import standard_csv

    _wrap(spent, csv_reader, "_coalesced", "  read: Arrow parse + join", gen=True)
    if hasattr(csv_reader, "csvparse"):  # the compiled parse (natparse), where it reads instead of Arrow
        _wrap(spent, csv_reader.csvparse.ParsedBatches, "__iter__", "  read: compiled CSV parse", gen=True)
    if hasattr(csv_reader, "decode_columns"):  # code before readers.csv_decode.DecodeRoutes
        _wrap(spent, csv_reader, "decode_columns", "  read: cp932 column decode")
    else:
        _wrap(spent, csv_reader.DecodeRoutes, "decode", "  read: cp932 column decode")
    # the source trim: per field read, when adapt reads it (gaiji7); before, the whole batch in prepare
    trim = "trim_source" if hasattr(engine.AdaptEngine, "trim_source") else "prepare"
    _wrap(spent, engine.AdaptEngine, trim, "  adapt: source trim")
    # the class whose apply the date transforms run (dates._DateBase before the split, _datepaths.DateBase after)
    date_base = next(c for c in dates.Seireki.__mro__ if "apply" in vars(c))
    _wrap(spent, date_base, "apply", "  adapt: dates")
    _wrap(spent, stage.GaijiStage, "_detect", "  gaiji: detection")
    _wrap(spent, stage, "spread", "  gaiji: occurrences")
    writer = types.SimpleNamespace(**{k: getattr(standard_csv.pacsv, k) for k in dir(standard_csv.pacsv)
                                      if not k.startswith("__")})  # fmt: skip
    _wrap(spent, writer, "write_csv", "  write: Arrow CSV writer")
    standard_csv.pacsv = writer  # type: ignore[assignment]
    try:  # the compiled row writer (natwrite), where the code has it and it is built
        from chukan_layout.write import csv_rows
    except ImportError:
        return
    if csv_rows._kernel is not None:
        rows = types.SimpleNamespace(render=csv_rows._kernel.render)
        _wrap(spent, rows, "render", "  write: compiled row writer")
        csv_rows._kernel = rows  # type: ignore[assignment]


def measure(town: Path, vendor: str, out: Path, detail: bool = False, worker_batches: bool = False
            ) -> dict[str, float]:  # fmt: skip
    """One ``convert -j 1`` of the town's 住民 + 世帯 files: CPU seconds per stage."""
    from chukan_layout.adapt.engine import AdaptEngine
    from chukan_layout.gaiji.stage import GaijiStage
    from chukan_layout.pipeline import _worker_state, conversion
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
    if detail:
        _wrap(spent, ValidationRun, "codes", "  validate: key/reference codes")
        _wrap_detail(spent)
        _wrap(spent, conversion, "run_partition", "partitions")  # (conversion holds the name)
    if worker_batches:
        _worker_state.PARENT_CSV_BATCH_BYTES = _worker_state.CSV_BATCH_BYTES
    adapter, jumin, setai, gaiji = FILES[vendor]
    d = town / adapter
    shutil.rmtree(out, ignore_errors=True)
    p0, m0 = _process_cpu(), time.thread_time()
    conversion.convert(adapter, [d / jumin, d / setai], out,
                       ConvertOptions(workers=1, gaiji_tables=(str(d / gaiji),)))  # fmt: skip
    total, main = _process_cpu() - p0, time.thread_time() - m0
    order = ["read", "adapt", "gaiji", "validate", "write"]
    res = {k: round(spent[k], 3) for k in order}
    for k in sorted(k for k in spent if k.startswith("  ")):
        res[k] = round(spent[k], 3)
    res["rest of the main thread"] = round(main - sum(spent[k] for k in order), 3)
    # the rest split: a worker's own glue, and the parent's work (one process here: not a worker's)
    if detail:
        res["  rest: partitions' glue"] = round(spent["partitions"] - sum(spent[k] for k in order), 3)
        res["  rest: parent (plan, merge, finish, reports)"] = round(main - spent["partitions"], 3)
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
    ap.add_argument("--detail", action="store_true", help="sub-stages too (see above)")
    ap.add_argument("--worker-batches", action="store_true", help="8 MiB CSV batches, as in a worker process")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.src:
            sys.path.insert(0, args.src)
        with tempfile.TemporaryDirectory() as tmp:
            print(
                repr(
                    measure(Path(args.town), args.vendor, Path(tmp) / "out", args.detail, args.worker_batches)
                )
            )
        return
    import ast
    import subprocess

    runs = []
    for _ in range(args.repeat):
        argv = [sys.executable, __file__, "--child", "--town", args.town, "--vendor", args.vendor]
        argv += ["--detail"] * args.detail + ["--worker-batches"] * args.worker_batches
        p = subprocess.run(argv + (["--src", args.src] if args.src else []), capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})  # fmt: skip
        runs.append(ast.literal_eval(p.stdout.strip().splitlines()[-1]))
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    print(f"convert vendor {args.vendor.upper()} -j 1, {args.town}, code {args.src or 'installed'}, "
          f"load {os.getloadavg()[0]:.1f}; CPU s per stage (lowest of {len(runs)}):")  # fmt: skip
    for k, v in best.items():
        print(f"  {k:34s} {v:8.2f}")


if __name__ == "__main__":
    main()
