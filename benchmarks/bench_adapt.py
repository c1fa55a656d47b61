"""Adapters benchmark: the adapt stage alone, and ``convert`` end to end.

    .venv/bin/python benchmarks/bench_adapt.py [--adapt-rows 1000000] [--adapt-residents 60000]
                                               [--residents 1000000] [--skip-e2e]

1. adapt stage alone: vendor A's 住民 records, read once from a generated JUMIN.DAT of
   ``--adapt-residents`` residents (≈ 1.2 records each, so no 65,536-row batch holds a record
   twice: distinct-value shortcuts gain nothing from the repetition), repeated in memory to
   ``--adapt-rows`` rows, through the shipped ``vendor_a`` juki.jumin mapping (84 items, trim of
   every field, 14 和暦 dates, 3 kana columns with small-kana flag), one core, CPU time (best of 3).
   Also: the trim of the reader's padding alone (``AdaptEngine.prepare``), the stage on batches
   whose fields arrive trimmed, and one read pass over the input strings (a floor for any
   byte-level work).
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
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

BATCH = 65536


def _best_cpu(fn: Callable[[], int], repeats: int = 3) -> tuple[float, int]:
    best, n = float("inf"), 0
    for _ in range(repeats):
        t0 = time.process_time()
        n = fn()
        best = min(best, time.process_time() - t0)
    return best, n


def _data(col: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of a (sliced) string array."""
    off = np.frombuffer(col.buffers()[1], np.int32, len(col) + 1, col.offset * 4)
    return np.frombuffer(col.buffers()[2], np.uint8, int(off[-1] - off[0]), int(off[0]))


def adapt_only(rows: int, residents: int, workdir: Path) -> dict[str, float]:
    from chukan_layout.adapt.engine import AdaptEngine
    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.findings import FindingSet
    from chukan_layout.readers.api import read
    from chukan_layout.synth.generate import generate

    gen = generate(
        workdir / "gen_small", vendors="a", residents=residents, faults=0.0, seed=5, layouts=["juki.jumin"]
    )
    ad = load_adapter("vendor_a")
    src = ad.sources["jumin"]
    jumin = next(p for p in gen.vendor_files["vendor_a"] if p.name == "JUMIN.DAT")
    record_len = src.definition.record_type("DATA").length  # type: ignore[union-attr]
    base = pa.Table.from_batches(list(read(jumin, src.definition)))
    reps = -(-rows // base.num_rows)
    table = pa.concat_tables([base] * reps).slice(0, rows).combine_chunks()
    meta = {b"record_type": b"DATA", b"source": b"JUMIN.DAT"}
    batches = [b.replace_schema_metadata(meta) for b in table.to_batches(max_chunksize=BATCH)]
    strings = [_data(c) for b in batches for name, c in zip(b.schema.names, b.columns, strict=True)
               if pa.types.is_string(c.type) and name != "_source"]  # fmt: skip
    text_bytes = sum(d.size for d in strings)
    engine = AdaptEngine(ad)
    fs = FindingSet()
    engine.adapt("jumin", batches[0], fs, record_type="DATA")  # warm up (tables, imports)

    def stage(bs: list[pa.RecordBatch]) -> int:
        return sum(
            engine.adapt("jumin", b, fs, record_type="DATA").outputs["juki.jumin"].num_rows for b in bs
        )

    cpu, n = _best_cpu(lambda: stage(batches))
    trim_cpu, _ = _best_cpu(lambda: sum(engine.prepare(src, b).num_rows for b in batches))
    trimmed = [engine.prepare(src, b) for b in batches]
    pre_cpu, _ = _best_cpu(lambda: stage(trimmed))
    floor_cpu, _ = _best_cpu(lambda: sum(int(d.max(initial=0)) for d in strings))
    items = len(ad.targets[0].items)
    return {"rows": n, "cpu_s": cpu, "rows_per_s": n / cpu, "items": items, "record_bytes": record_len,
            "text_bytes_per_row": text_bytes / n, "trim_cpu_s": trim_cpu, "pretrimmed_cpu_s": pre_cpu,
            "floor_cpu_s": floor_cpu, "distinct_records": base.num_rows}  # fmt: skip


def convert_e2e(residents: int, workdir: Path) -> dict[str, float]:
    from chukan_layout import pipeline
    from chukan_layout.synth.generate import generate

    t0 = time.perf_counter()
    gen = generate(workdir / "gen", vendors="a", residents=residents, faults=0.0, seed=9)
    t_gen = time.perf_counter() - t0
    files = [p for p in gen.vendor_files["vendor_a"] if p.suffix != ".tsv"]
    size = sum(p.stat().st_size for p in files)
    w0, c0 = time.perf_counter(), time.process_time()
    res = pipeline.convert("vendor_a", files, workdir / "out", validate=False)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"residents": residents, "records_in": res.records_in, "records_out": res.records_out,
            "bytes_in": size, "wall_s": wall, "cpu_s": cpu, "records_per_s": res.records_in / wall,
            "generate_s": t_gen}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--adapt-rows", type=int, default=1_000_000)
    ap.add_argument("--adapt-residents", type=int, default=60_000)
    ap.add_argument("--residents", type=int, default=1_000_000)
    ap.add_argument("--skip-e2e", action="store_true")
    a = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, cpus {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as d:
        r = adapt_only(a.adapt_rows, a.adapt_residents, Path(d))
        n, us = r["rows"], 1e6 / r["rows"]
        rec_mb = r["record_bytes"] * n / 1e6
        print(f"adapt stage (vendor_a juki.jumin, {r['items']} items, {r['distinct_records']:,} distinct records, "
              f"{r['record_bytes']} B/record, {r['text_bytes_per_row']:,.0f} B of field text/row): {n:,} rows in "
              f"{r['cpu_s']:.2f} s CPU = {r['rows_per_s']:,.0f} rows/s = {rec_mb / r['cpu_s']:,.0f} MB/s of records, "
              f"{r['cpu_s'] * us:.2f} µs/row, {r['cpu_s'] * us * 1000 / r['items']:.0f} ns per item")  # fmt: skip
        print(
            f"  of which trimming the reader's padding: {r['trim_cpu_s']:.2f} s ({r['trim_cpu_s'] * us:.2f} µs/row)"
        )
        print(f"  stage on batches with trimmed fields: {r['pretrimmed_cpu_s']:.2f} s CPU = "
              f"{n / r['pretrimmed_cpu_s']:,.0f} rows/s")  # fmt: skip
        print(
            f"  one read pass over the input strings: {r['floor_cpu_s']:.2f} s ({r['floor_cpu_s'] * us:.2f} µs/row)"
        )
        if not a.skip_e2e:
            e = convert_e2e(a.residents, Path(d))
            print(f"convert end to end (vendor_a, {e['residents']:,} residents): {e['records_in']:,} records, "
                  f"{e['bytes_in'] / 1e6:,.0f} MB in {e['wall_s']:.1f} s wall ({e['cpu_s']:.1f} s CPU) = "
                  f"{e['records_per_s']:,.0f} records/s  [generation took {e['generate_s']:.0f} s]")  # fmt: skip


if __name__ == "__main__":
    main()
