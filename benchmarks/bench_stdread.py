"""CPU per byte of reading standard-layout CSV: our reader against Arrow's own parse, in ONE invocation.

    .venv/bin/python benchmarks/bench_stdread.py                       # 3 files of the 1M town, 3 rounds
    .venv/bin/python benchmarks/bench_stdread.py --old /tmp/old/src    # … A/B against an older tree's reader

Every (round, variant) runs in a fresh interpreter (imports and layout loading before the clock),
variants alternated round by round so a loaded machine's drift hits all of them alike. The figure
is the child's CPU seconds (every thread) per input byte, reading each file to the end:

- ``open_csv`` — ``pyarrow.csv.open_csv`` on the path, every column ``string``, the reader's parse
  options and 1 MiB blocks: Arrow's own floor.
- ``read_standard_csv`` — :func:`chukan_layout.readers.read_standard_csv` (byte guard on, batches
  joined to 8 MiB, re-shaped to the layout): what ``snapshot create`` and ``reconcile`` read with.
- ``clean`` — the same reader with ``proven_clean=True`` (the guard left out), as ``validate``'s
  workers read the byte ranges its split scan proved clean.
- with ``--old SRC``: ``old:read_standard_csv`` and ``old:clean``, the reader of another tree (e.g.
  ``git archive main src layout_specs | tar -x -C /tmp/old``), imported from ``SRC``.

Arrow's pool is jemalloc by default, as in every pipeline process (``pipeline._memory``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# `generate -n 1000000` and its convert under the repository's data/, or --data
DEFAULT_DATA = str(HERE.parent / "data" / "town_1000000" / "standard")
DEFAULT_FILES = "juki_setai.csv,koseki_koseki.csv,kotei_tochi.csv"

_CHILD = r"""
import csv, json, sys, time
import pyarrow as pa, pyarrow.csv as pacsv
pool = {pool!r}
if pool != "default":
    pa.set_memory_pool(getattr(pa, pool + "_memory_pool")())
from pathlib import Path
from chukan_layout.readers.standard_csv import StandardCsvReader
from chukan_layout.snapshots.create import standard_inputs
from chukan_layout.spec.registry import load_layout
inputs = standard_inputs([Path(p) for p in {files!r}])
layouts = {{lid: load_layout(lid).spec for _, lid in inputs}}
variant = {variant!r}
def bare(p):
    with open(p, encoding="utf-8", newline="") as f:
        names = next(csv.reader(f))
    r = pacsv.open_csv(str(p), read_options=pacsv.ReadOptions(block_size=1 << 20, column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={{n: pa.string() for n in names}},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    return sum(b.num_rows for b in r)
def ours(p, lid, clean):
    return sum(b.num_rows for b in StandardCsvReader(p, layouts[lid], proven_clean=clean))
rows = 0
c0 = time.process_time()
for p, lid in inputs:
    rows += bare(p) if variant == "open_csv" else ours(p, lid, variant == "clean")
print(json.dumps({{"cpu": time.process_time() - c0, "rows": rows}}))
"""


def _run(variant: str, files: list[str], pool: str, src: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    code = _CHILD.format(pool=pool, files=files, variant=variant.removeprefix("old:"))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder of standard CSV files (read-only)")
    ap.add_argument("--files", default=DEFAULT_FILES, help="comma-separated file names in --data")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--old", metavar="SRC", help="src/ folder of another tree: its reader alternated too")
    ap.add_argument("--pool", default="jemalloc", choices=["jemalloc", "mimalloc", "system", "default"])
    args = ap.parse_args()
    files = [str(Path(args.data) / f) for f in args.files.split(",")]
    size = sum(Path(f).stat().st_size for f in files)
    variants = ["open_csv", "read_standard_csv", "clean"]
    if args.old:
        variants += ["old:read_standard_csv", "old:clean"]
    for f in files:  # warm the page cache: every variant then reads from memory
        with open(f, "rb") as fh:
            while fh.read(16 << 20):
                pass
    print(f"{len(files)} files, {size / 1e6:,.0f} MB, pool {args.pool}, load before {_load()}", flush=True)
    got: dict[str, list[float]] = {v: [] for v in variants}
    rows: dict[str, int] = {}
    for r in range(args.rounds):
        for v in variants:
            res = _run(v, files, args.pool, args.old if v.startswith("old:") else None)
            got[v].append(res["cpu"] * 1e9 / size)
            rows[v] = int(res["rows"])
            print(f"  round {r + 1} {v:<22} {got[v][-1]:5.2f} ns/byte  (load {_load()})", flush=True)
    floor = statistics.median(got["open_csv"])
    print(f"\n{'variant':<22} {'CPU ns/byte min':>16} {'median':>8} {'÷ open_csv':>11} {'rows':>10}")
    for v in variants:
        med = statistics.median(got[v])
        print(f"{v:<22} {min(got[v]):16.2f} {med:8.2f} {med / floor:10.2f}× {rows[v]:10,}")
    print(f"load after {_load()}")
    if len(set(rows.values())) != 1:
        print("row counts differ between variants", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
