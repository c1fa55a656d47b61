"""Issue 15 (helper natparse): the CSV fast path's parse, compiled (readers/csvparse.py) vs Arrow's.

    .venv/bin/python benchmarks/bench_csvparse.py --csv data/town_1000000/vendor_b/jumin.csv --mib 64 --rounds 5

A byte range of ``--mib`` MiB of the file (from ``--at`` MiB, at record boundaries), read as a worker
reads a partition (``pipeline.plan.RangeFile``, the page cache warm) into ``binary`` batches of
``--batch-mib`` MiB, two ways, alternated round by round in ONE process (the same load for both):

- ``arrow``: ``pyarrow.csv.open_csv`` with the fast path's options over the byte guard (off, as on
  a range the split scan proved clean), 1 MiB blocks joined by ``csv_reader._coalesced``;
- ``kernel``: ``csvparse.ParsedBatches``.

Prints CPU (every thread: ``time.process_time``) in ns per byte per round, the min / median of each,
and kernel / arrow; checks that both gave the same table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from chukan_layout.pipeline.plan import RangeFile
from chukan_layout.readers import csv_reader, csvparse
from chukan_layout.readers.csv_guard import ByteGuard


def _range(path: Path, at: int, size: int) -> tuple[int, int, int]:
    """(start, end, columns): whole records from ``at`` on, ``size`` bytes or a little more."""
    with open(path, "rb") as f:
        ncols = f.readline().count(b",") + 1
        f.seek(max(at, f.tell()))
        if at:
            f.readline()
        start = f.tell()
        f.seek(start + size)
        f.readline()
        return start, f.tell(), ncols


def arrow(path: Path, start: int, end: int, names: list[str], batch: int) -> list[pa.RecordBatch]:
    guard = ByteGuard(RangeFile(path, start, end), True, 0x22, 0x2C, False)
    stream = pacsv.open_csv(
        guard,
        read_options=pacsv.ReadOptions(column_names=names, encoding="utf8", block_size=csv_reader.FAST_BLOCK),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.binary() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return list(csv_reader._coalesced(stream, 1 << 30, batch))


def kernel(path: Path, start: int, end: int, names: list[str], batch: int) -> list[pa.RecordBatch]:
    parsed = csvparse.ParsedBatches(RangeFile(path, start, end), names, 0, ",", '"', 1 << 30, batch, False)
    out = list(parsed)
    assert parsed.handoff is None, "the kernel handed this range to Arrow"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", type=Path, required=True)
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--at", type=int, default=0, help="MiB into the file")
    ap.add_argument("--batch-mib", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if csvparse._kernel is None:
        raise SystemExit("readers._csvparse is not built (or CHUKAN_LAYOUT_NATIVE=0)")
    start, end, ncols = _range(args.csv, args.at << 20, args.mib << 20)
    names = [f"c{i}" for i in range(ncols)]
    size, batch = end - start, args.batch_mib << 20
    a, k = arrow(args.csv, start, end, names, batch), kernel(args.csv, start, end, names, batch)  # warm-up
    same = pa.Table.from_batches(a).equals(pa.Table.from_batches(k))
    print(
        f"{args.csv}: {size:,} bytes, {ncols} columns; arrow {len(a)} batches, kernel {len(k)}; same table: {same}"
    )
    with open("/proc/loadavg") as f:
        print("load", f.read().split()[:3])
    got: dict[str, list[float]] = {"arrow": [], "kernel": []}
    for r in range(args.rounds):
        for name, fn in (
            (("arrow", arrow), ("kernel", kernel)) if r % 2 == 0 else (("kernel", kernel), ("arrow", arrow))
        ):
            t = time.process_time()
            fn(args.csv, start, end, names, batch)
            got[name].append((time.process_time() - t) * 1e9 / size)
    for name, v in got.items():
        print(
            f"{name:7s} ns/byte "
            + " ".join(f"{x:.2f}" for x in v)
            + f"   min {min(v):.2f} median {statistics.median(v):.2f}"
        )
    print(f"kernel / arrow: min {min(got['kernel']) / min(got['arrow']):.2f}, "
          f"median {statistics.median(got['kernel']) / statistics.median(got['arrow']):.2f}")  # fmt: skip
    with open("/proc/loadavg") as f:
        print("load", f.read().split()[:3])
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
