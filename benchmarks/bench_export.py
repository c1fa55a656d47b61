"""Export benchmark (issue 13): convert from vendor A and export back to it, in one invocation.

    .venv/bin/python benchmarks/bench_export.py --residents 200000
    .venv/bin/python benchmarks/bench_export.py --data data/town_1000000/vendor_a --work scratch/

Cases, each timed once (wall and CPU seconds of this process and its children), same files:

- ``convert``: vendor A export (JUMIN/SETAI/KAZEI/KOKUHO/KAIGO.DAT, cp932 fixed width) → standard
  CSV, with 外字 table and validation, the convert defaults (the floor the issue compares with);
- ``export``: those standard files → vendor A again (derived profile, 外字 table backwards,
  encodability checks, header/trailer), and a byte comparison with the original export.

Target: export ≥ 0.8× the speed of convert. (Snapshots: ``bench_snapshot.py``.)
Ratios are printed; the machine load (``/proc/loadavg``) is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    t0, c0 = time.perf_counter(), os.times()
    out = fn()
    c1 = os.times()
    cpu = (c1.user - c0.user) + (c1.system - c0.system) + (c1.children_user - c0.children_user) + (
        c1.children_system - c0.children_system)  # fmt: skip
    return time.perf_counter() - t0, cpu, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--residents", "-n", type=int, default=200_000)
    ap.add_argument(
        "--workers", "-j", type=int, default=1, help="workers for convert and export (same for both)"
    )
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--data", type=Path, default=None, help="an existing vendor A folder (no generation)")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder, removed at the end")
    a = ap.parse_args(argv)

    import chukan_layout as cl
    from chukan_layout.files import sha256_file

    work = a.keep or a.work or Path(tempfile.mkdtemp(prefix="bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average (1 min) at start: {_load()}; {os.cpu_count()} cores")
    if a.data is None:
        from chukan_layout.synth.generate import generate

        t = time.perf_counter()
        generate(work / "town", vendors="a", residents=a.residents, faults=0.0, seed=3)
        print(f"generate {a.residents:,} residents: {time.perf_counter() - t:.1f} s (not timed below)")
        src = work / "town" / "vendor_a"
    else:
        src = a.data
    tables = [str(p) for p in src.glob("*.tsv")]
    inputs = [p for p in sorted(src.iterdir()) if p.suffix != ".tsv"]
    size = sum(p.stat().st_size for p in inputs)
    rows: list[tuple[str, float, float, int]] = []

    w, c, res = timed(
        lambda: cl.convert("vendor_a", inputs, work / "std", gaiji_tables=tables, workers=a.workers)
    )
    records = sum(f.records_read for f in res.report.accounting)
    rows.append(("convert (vendor A → standard, validated)", w, c, records))
    std = [
        p
        for p in sorted((work / "std").glob("*.csv"))
        if p.name not in ("findings.csv", "gaiji.csv", "rejects.csv")
    ]
    std_size = sum(p.stat().st_size for p in std)

    w, c, exp = timed(
        lambda: cl.export(
            "vendor_a",
            std,
            work / "import",
            gaiji_tables=tables,
            gaiji_evidence=[work / "std" / "gaiji.csv"],
            workers=a.workers,
        )
    )
    written = sum(f.written for f in exp.report.accounting)
    rows.append(("export (standard → vendor A)", w, c, written))
    same = all(sha256_file(work / "import" / p.name) == sha256_file(p) for p in inputs)

    print(
        f"vendor A input {size / 1e6:,.0f} MB, standard files {std_size / 1e6:,.0f} MB, {records:,} vendor records"
    )
    print(f"{'case':<44} {'wall s':>8} {'CPU s':>8} {'records/s':>10}")
    for name, w, c, n in rows:
        print(f"{name:<44} {w:>8.2f} {c:>8.2f} {(f'{n / w:,.0f}' if n else ''):>10}")
    conv, expo = (r[1] for r in rows)
    print(
        f"export speed ÷ convert speed: {conv / expo:.2f}× (target ≥ 0.8×); CPU: {rows[0][2] / rows[1][2]:.2f}×"
    )
    print(f"export byte-identical to the original vendor A files: {same}")
    print(f"load average (1 min) at end: {_load()}")
    if a.keep is None:
        for d in ("std", "import", "town"):
            shutil.rmtree(work / d, ignore_errors=True)
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
