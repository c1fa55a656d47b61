"""The standard-CSV writer per batch: Arrow's CSV writer vs the compiled row writer (write/csv_rows.py).

    .venv/bin/python benchmarks/bench_csv_rows.py --town data/town_1000000 --vendor b
    .venv/bin/python benchmarks/bench_csv_rows.py --town data/town_1000000 --rounds 15 --block-rows 512,1024,4096

The batches are the ones a worker's writer gets: the first ``--mib`` MiB of the town's 住民 file (cut at
a line end) and a proportional head of its 世帯 file are converted (``convert -j 1`` in this process, 8
MiB CSV batches as in a worker process) and every batch that reaches ``StandardCsvWriter.write`` is
kept (``--cache``: an Arrow IPC file per layout, reused by later invocations). Then each batch of the
largest layout (住民) is written by ``StandardCsvWriter`` into a scratch file, Arrow's writer
(``csv_rows._kernel`` set to None) and the compiled one in turn, ``--rounds`` times; the figures are
the calling thread's CPU ms per batch (min / median over batches × rounds) and their ratio. The bytes
of the two are compared first (they must be identical).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc

from chukan_layout.write import csv_rows
from chukan_layout.write.standard_csv import StandardCsvWriter

FILES = {"a": ("vendor_a", "JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"),
         "b": ("vendor_b", "jumin.csv", "setai.csv", "gaiji_b.tsv")}  # fmt: skip


def _head(src: Path, dst: Path, size: int) -> None:
    """The first ``size`` bytes of ``src`` up to a line end (a vendor B value holds no line break)."""
    with open(src, "rb") as f:
        data = f.read(size)
    if len(data) == size:
        data = data[: data.rindex(b"\n") + 1]
    dst.write_bytes(data)


def capture(town: Path, vendor: str, mib: int, cache: Path) -> dict[str, list[pa.RecordBatch]]:
    """The batches each layout's writer gets in a ``convert -j 1`` of the head of the town's files."""
    if cache.exists():
        out = {}
        for p in sorted(cache.glob("*.arrow")):
            with ipc.open_file(p) as r:
                out[p.stem] = [r.get_batch(i) for i in range(r.num_record_batches)]
        return out
    from chukan_layout.pipeline import _worker_state, conversion
    from chukan_layout.pipeline.options import ConvertOptions

    adapter, jumin, setai, gaiji = FILES[vendor]
    d = town / adapter
    kept: dict[str, list[pa.RecordBatch]] = {}
    write = StandardCsvWriter.write

    def keep(self: StandardCsvWriter, batch: Any) -> None:
        t = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        kept.setdefault(self.layout.id, []).extend(t.combine_chunks().to_batches())
        write(self, batch)

    StandardCsvWriter.write = keep  # type: ignore[method-assign]
    _worker_state.PARENT_CSV_BATCH_BYTES = _worker_state.CSV_BATCH_BYTES
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        size = mib << 20
        _head(d / jumin, t / jumin, size)
        _head(d / setai, t / setai, size * (d / setai).stat().st_size // (d / jumin).stat().st_size)
        conversion.convert(adapter, [t / jumin, t / setai], t / "out",
                           ConvertOptions(workers=1, gaiji_tables=(str(d / gaiji),)))  # fmt: skip
    StandardCsvWriter.write = write  # type: ignore[method-assign]
    tmpcache = cache.with_name(cache.name + ".tmp")
    tmpcache.mkdir(parents=True, exist_ok=True)
    for lid, batches in kept.items():
        with ipc.new_file(tmpcache / f"{lid}.arrow", batches[0].schema) as w:
            for b in batches:
                w.write_batch(b)
    tmpcache.rename(cache)
    return kept


def _write(path: Path, layout: Any, batch: pa.RecordBatch, kernel: Any) -> float:
    csv_rows._kernel = kernel
    w = StandardCsvWriter(path, layout, header="none", durable=False)
    w.open()
    t = time.thread_time()
    w.write(batch)
    spent = time.thread_time() - t
    w.close()
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--town", required=True)
    ap.add_argument("--vendor", default="b", choices=sorted(FILES))
    ap.add_argument("--mib", type=int, default=48, help="MiB of the 住民 file to convert for the batches")
    ap.add_argument("--cache", help="folder of the captured batches (made once, then reused)")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--block-rows", default="", help="comma list: also time these csv_rows.BLOCK_ROWS")
    args = ap.parse_args()
    from chukan_layout.pipeline._memory import steady_heap, use_lean_pool
    from chukan_layout.spec.registry import load_layout

    steady_heap()  # as in a worker process: heap pages reused, Arrow's pool jemalloc
    use_lean_pool()
    cache = Path(args.cache or tempfile.gettempdir()) / f"csv_rows_{args.vendor}_{args.mib}"
    kept = capture(Path(args.town), args.vendor, args.mib, cache)
    lid = max(kept, key=lambda k: sum(b.num_rows * b.num_columns for b in kept[k]))
    layout = load_layout(lid)
    batches = kept[lid]
    kernel = csv_rows._kernel
    assert kernel is not None, "the compiled row writer is not built (pip install -e .)"
    scratch = Path(tempfile.mkdtemp(prefix="bench_csv_rows_"))
    try:
        for b in batches:  # identical bytes first
            _write(scratch / "arrow.csv", layout, b, None)
            _write(scratch / "kernel.csv", layout, b, kernel)
            assert (scratch / "arrow.csv").read_bytes() == (scratch / "kernel.csv").read_bytes()
        sides: dict[str, int | None] = {"arrow": None, "compiled": csv_rows.BLOCK_ROWS}
        for r in (int(x) for x in args.block_rows.split(",") if x):
            sides[f"compiled, {r} rows a block"] = r
        times: dict[str, list[float]] = {k: [] for k in sides}
        default = csv_rows.BLOCK_ROWS
        for _ in range(args.rounds):
            for b in batches:
                for name, rows in sides.items():
                    csv_rows.BLOCK_ROWS = rows or default
                    times[name].append(_write(scratch / "x.csv", layout, b, kernel if rows else None))
        csv_rows.BLOCK_ROWS = default
        cols = batches[0].num_columns
        rows = sum(b.num_rows for b in batches) // len(batches)
        print(f"{lid}: {len(batches)} batches of ≈ {rows} rows × {cols} columns, {args.rounds} rounds "
              f"alternated; load {os.getloadavg()[0]:.2f}; CPU ms per batch (min / median):")  # fmt: skip
        base = statistics.median(times["arrow"])
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"  {name:32s} {min(ts) * 1e3:7.2f} / {med * 1e3:7.2f}   {med / base:5.2f}× Arrow's median")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        csv_rows._kernel = kernel


if __name__ == "__main__":
    main()
