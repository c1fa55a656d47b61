"""Adapters benchmark: the adapt stage alone, and ``convert`` end to end.

    .venv/bin/python benchmarks/bench_adapt.py [--residents 1000000] [--adapt-rows 1000000]

1. adapt stage alone: vendor A's 住民 records (read once from a generated JUMIN.DAT, then
   repeated to ``--adapt-rows`` rows in memory) through the shipped ``vendor_a`` juki.jumin
   mapping (84 items, trim of every field, 和暦 dates, kana width, small-kana flag), one core.
2. convert end to end: a generated vendor A export of ``--residents`` residents
   (JUMIN/SETAI/KAZEI/KOKUHO/KAIGO) → standard CSV files, one process.
Figures go to stdout (paste them into benchmarks/RESULTS.md under "Adapters").
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pyarrow as pa


def adapt_only(rows: int, workdir: Path) -> dict[str, float]:
    from chukan_layout.adapt.engine import AdaptEngine
    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.findings import FindingSet
    from chukan_layout.read.api import read
    from chukan_layout.synth.generate import generate

    gen = generate(workdir / "gen_small", vendors="a", residents=20000, faults=0.0, seed=5, layouts=["juki.jumin"])
    ad = load_adapter("vendor_a")
    src = ad.sources["jumin"]
    jumin = next(p for p in gen.vendor_files["vendor_a"] if p.name == "JUMIN.DAT")
    base = pa.Table.from_batches(list(read(jumin, src.definition)))
    reps = -(-rows // base.num_rows)
    table = pa.concat_tables([base] * reps).slice(0, rows).combine_chunks()
    batches = table.to_batches(max_chunksize=65536)
    meta = {b"record_type": b"DATA", b"source": b"JUMIN.DAT"}
    batches = [b.replace_schema_metadata(meta) for b in batches]
    engine = AdaptEngine(ad)
    fs = FindingSet()
    engine.adapt("jumin", batches[0], fs, record_type="DATA")  # warm up
    t0 = time.process_time()
    n = 0
    for b in batches:
        n += engine.adapt("jumin", b, fs, record_type="DATA").outputs["juki.jumin"].num_rows
    cpu = time.process_time() - t0
    return {"rows": n, "cpu_s": cpu, "rows_per_s": n / cpu, "items": len(ad.targets[0].items)}


def convert_e2e(residents: int, workdir: Path) -> dict[str, float]:
    from chukan_layout import pipeline
    from chukan_layout.synth.generate import generate

    t0 = time.perf_counter()
    gen = generate(workdir / "gen", vendors="a", residents=residents, faults=0.0, seed=9)
    t_gen = time.perf_counter() - t0
    files = [p for p in gen.vendor_files["vendor_a"] if p.suffix != ".tsv"]
    size = sum(p.stat().st_size for p in files)
    w0, c0 = time.perf_counter(), time.process_time()
    res = pipeline.convert("vendor_a", files, workdir / "out")
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"residents": residents, "records_in": res.records_in, "records_out": res.records_out,
            "bytes_in": size, "wall_s": wall, "cpu_s": cpu, "records_per_s": res.records_in / wall,
            "generate_s": t_gen}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--adapt-rows", type=int, default=1_000_000)
    ap.add_argument("--residents", type=int, default=1_000_000)
    ap.add_argument("--skip-e2e", action="store_true")
    a = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, cpus {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as d:
        r = adapt_only(a.adapt_rows, Path(d))
        print(f"adapt stage (vendor_a juki.jumin, {r['items']} items): {r['rows']:,} rows in {r['cpu_s']:.2f} s CPU "
              f"= {r['rows_per_s']:,.0f} rows/s")  # fmt: skip
        if not a.skip_e2e:
            e = convert_e2e(a.residents, Path(d))
            print(f"convert end to end (vendor_a, {e['residents']:,} residents): {e['records_in']:,} records, "
                  f"{e['bytes_in'] / 1e6:,.0f} MB in {e['wall_s']:.1f} s wall ({e['cpu_s']:.1f} s CPU) = "
                  f"{e['records_per_s']:,.0f} records/s  [generation took {e['generate_s']:.0f} s]")  # fmt: skip


if __name__ == "__main__":
    main()
