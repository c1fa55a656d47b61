"""CPU per validation check kind on the batches a convert worker validates (issue 15, helper valfast5).

    # 1. capture the batches validation sees in a vendor B convert (after adapt and the 外字 stage)
    .venv/bin/python benchmarks/bench_validate_checks.py capture --town data/town_100000 --vendor b \\
        --out /tmp/vb_batches
    # live: a whole run with every check timed where it runs (convert, or validate of the golden 住民 file)
    .venv/bin/python benchmarks/bench_validate_checks.py live --town data/town_1000000 --vendor b
    .venv/bin/python benchmarks/bench_validate_checks.py live --town data/town_1000000 --vendor standard
    # 2. time every check on them: per code (charset, length, …), the top items, check() as a whole
    .venv/bin/python benchmarks/bench_validate_checks.py time --batches /tmp/vb_batches --repeat 5
    .venv/bin/python benchmarks/bench_validate_checks.py time --batches /tmp/vb_batches --src ../old/src

``capture`` runs ``convert -j 1`` in this process with a worker's 8 MiB CSV batches and writes each
layout's batches, as ``ValidationRun.check`` receives them, to an Arrow IPC file. ``time`` loads them
and charges every check's ``fn`` the thread CPU it takes, in ``CompiledLayout.check``'s order with one
``BatchContext`` per batch (as in a run: checks share the context's cached views), the lowest of
``--repeat`` passes per batch; ``check()`` and ``codes()`` whole; the difference ``check() − Σ fn`` is
the findings building and the loop. ``--src`` imports another checkout's package first (A/B of old and
new code in the same minutes; alternate runs).
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FILES = {
    "a": ("vendor_a", "JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"),
    "b": ("vendor_b", "jumin.csv", "setai.csv", "gaiji_b.tsv"),
    "c": ("vendor_c", "JUMIN.EBC", "SETAI.EBC", "GAIJI_C.tsv"),
}


def capture(town: Path, vendor: str, out: Path, limit: int) -> None:
    import pyarrow as pa

    from chukan_layout.pipeline import _worker_state, conversion
    from chukan_layout.pipeline.options import ConvertOptions
    from chukan_layout.validation.session import ValidationRun

    got: dict[str, list[pa.RecordBatch]] = collections.defaultdict(list)
    orig = ValidationRun.check

    def check(self: Any, layout_id: str, batch: Any, **kw: Any) -> Any:
        if len(got[layout_id]) < limit:
            got[layout_id].append(batch)
        return orig(self, layout_id, batch, **kw)

    ValidationRun.check = check  # type: ignore[method-assign]
    _worker_state.PARENT_CSV_BATCH_BYTES = _worker_state.CSV_BATCH_BYTES
    adapter, jumin, setai, gaiji = FILES[vendor]
    d = town / adapter
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        conversion.convert(adapter, [d / jumin, d / setai], Path(tmp) / "out",
                           ConvertOptions(workers=1, gaiji_tables=(str(d / gaiji),)))  # fmt: skip
    for lid, batches in got.items():
        with pa.OSFile(str(out / f"{lid}.arrow"), "wb") as f, pa.ipc.new_file(f, batches[0].schema) as w:
            for b in batches:
                w.write_batch(b.replace_schema_metadata(batches[0].schema.metadata))
        print(f"{lid}: {len(batches)} batches, {sum(b.num_rows for b in batches)} rows")


def live(town: Path, vendor: str, top: int) -> None:
    """``convert -j 1`` of the town (worker batches) with every check's ``fn`` timed where it runs."""
    import dataclasses

    from chukan_layout.pipeline import _worker_state, conversion
    from chukan_layout.pipeline.options import ConvertOptions
    from chukan_layout.validation.session import ValidationRun

    spent: collections.Counter[str] = collections.Counter()
    whole: collections.Counter[str] = collections.Counter()
    tt = time.thread_time

    def timed(fn: Any, key: str) -> Any:
        def g(ctx: Any) -> Any:
            t = tt()
            try:
                return fn(ctx)
            finally:
                spent[key] += tt() - t

        return g

    orig_compiled, orig_check, orig_codes = ValidationRun.compiled, ValidationRun.check, ValidationRun.codes
    done: dict[str, Any] = {}

    def compiled(self: Any, lid: str) -> Any:
        if lid not in done:
            comp = orig_compiled(self, lid)
            comp.checks = [dataclasses.replace(c, fn=timed(c.fn, "row rules" if c.item.startswith("rule:")
                                                            else c.code)) for c in comp.checks]  # fmt: skip
            done[lid] = comp
        return done[lid]

    def check(self: Any, *a: Any, **k: Any) -> Any:
        t = tt()
        try:
            return orig_check(self, *a, **k)
        finally:
            whole["check()"] += tt() - t
            whole["batches"] += 1

    def codes(self: Any, *a: Any, **k: Any) -> Any:
        t = tt()
        try:
            return orig_codes(self, *a, **k)
        finally:
            whole["codes()"] += tt() - t

    ValidationRun.compiled, ValidationRun.check, ValidationRun.codes = compiled, check, codes  # type: ignore
    if vendor == "standard":  # validate of the town's golden 住民 file, its partitions in this process
        from chukan_layout.pipeline.standard import validate_files

        path = town / "golden" / "juki_jumin.csv"
        validate_files([path], layout="juki.jumin", workers=1)
        what = f"live validate -j 1 of {path}"
    else:
        _worker_state.PARENT_CSV_BATCH_BYTES = _worker_state.CSV_BATCH_BYTES
        adapter, jumin, setai, gaiji = FILES[vendor]
        d = town / adapter
        with tempfile.TemporaryDirectory() as tmp:
            conversion.convert(adapter, [d / jumin, d / setai], Path(tmp) / "out",
                               ConvertOptions(workers=1, gaiji_tables=(str(d / gaiji),)))  # fmt: skip
        what = f"live convert -j 1 of {town} vendor {vendor}"
    print(f"{what}, load {os.getloadavg()[0]:.1f}; thread CPU s")
    print(
        f"  {'check() + codes()':30s} {whole['check()'] + whole['codes()']:7.3f}  ({whole['batches']} batches)"
    )
    print(f"  {'codes()':30s} {whole['codes()']:7.3f}")
    print(f"  {'check(): Σ fn':30s} {sum(spent.values()):7.3f}")
    print(f"  {'check(): rest (findings, loop)':30s} {whole['check()'] - sum(spent.values()):7.3f}")
    for k, v in spent.most_common(top):
        print(f"    {k:28s} {v:7.3f}")


def _load(folder: Path) -> dict[str, list[Any]]:
    import pyarrow as pa

    from chukan_layout.pipeline._memory import steady_heap

    steady_heap()  # as a worker does: batch-sized temporaries from reused heap pages, not fresh mmaps

    out = {}
    for p in sorted(folder.glob("*.arrow")):
        with pa.memory_map(str(p)) as src:
            t = pa.ipc.open_file(src).read_all()
        # fresh heap copies, as a worker's batches are
        out[p.stem] = [pa.RecordBatch.from_arrays([pa.concat_arrays([c]) for c in b.columns], schema=b.schema)
                       for b in t.to_batches()]  # fmt: skip
    return out


def time_checks(folder: Path, repeat: int, top: int) -> None:
    from chukan_layout.findings import FindingSet
    from chukan_layout.validation.context import BatchContext
    from chukan_layout.validation.session import ValidationRun

    data = _load(folder)
    run = ValidationRun(list(data), index=False)
    per_code: collections.Counter[str] = collections.Counter()
    per_item: collections.Counter[tuple[str, str]] = collections.Counter()
    whole: collections.Counter[str] = collections.Counter()
    tt = time.thread_time
    for lid, batches in data.items():
        comp = run.compiled(lid)
        for b in batches:
            best: dict[int, float] = {}
            for _ in range(repeat):
                ctx = BatchContext(b)
                for i, c in enumerate(comp.checks):
                    t = tt()
                    comp._run(c, ctx)
                    d = tt() - t
                    best[i] = min(best.get(i, d), d)
            for i, d in best.items():
                c = comp.checks[i]
                code = "row rules" if c.item.startswith("rule:") else c.code
                per_code[f"{lid} {code}"] += d
                per_item[(code, f"{lid[5:]}:{c.item}")] += d
            bc, bk = [], []
            for _ in range(repeat):
                fs = FindingSet()
                t = tt()
                comp.check(b, fs, file="f", errors=[])
                bc.append(tt() - t)
                t = tt()
                run.codes(lid, b)
                bk.append(tt() - t)
            whole["check() " + lid] += min(bc)
            whole["codes() " + lid] += min(bk)
    rows = sum(len(b) for bs in data.values() for b in bs)
    nb = sum(len(bs) for bs in data.values())
    print(
        f"{nb} batches, {rows} rows, load {os.getloadavg()[0]:.1f}; thread CPU ms, lowest of {repeat} per batch"
    )
    for k, v in sorted(whole.items()):
        print(f"  {k:40s} {v * 1e3:9.1f}")
    for lid in data:
        mine = {k: v for k, v in per_code.items() if k.startswith(lid + " ")}
        print(f"  {'Σ check fns ' + lid:40s} {sum(mine.values()) * 1e3:9.1f}")
        for k, v in sorted(mine.items(), key=lambda kv: -kv[1]):
            print(f"    {k.split(' ', 1)[1]:38s} {v * 1e3:9.1f}")
    print(f"  top {top} (code, item):")
    for (code, item), v in per_item.most_common(top):
        print(f"    {code:22s} {item:30s} {v * 1e3:8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["capture", "time", "live"])
    ap.add_argument("--town", type=Path)
    ap.add_argument(
        "--vendor",
        default="b",
        choices=[*sorted(FILES), "standard"],
        help="live: 'standard' validates the town's golden 住民 file instead of a convert",
    )
    ap.add_argument("--out", type=Path, help="capture: folder for the batches")
    ap.add_argument("--limit", type=int, default=10**9, help="capture: at most this many batches per layout")
    ap.add_argument("--batches", type=Path, help="time: a capture folder")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--src", help="another checkout's src folder (imported first)")
    args = ap.parse_args()
    if args.src:
        sys.path.insert(0, args.src)
    if args.mode == "capture":
        shutil.rmtree(args.out, ignore_errors=True)
        capture(args.town, args.vendor, args.out, args.limit)
    elif args.mode == "live":
        live(args.town, args.vendor, args.top)
    else:
        time_checks(args.batches, args.repeat, args.top)


if __name__ == "__main__":
    main()
