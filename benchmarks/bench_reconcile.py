"""Reconcile benchmark: OLD vs NEW 住民 files (all rows of juki.jumin) — ours against validate,
the obvious pandas approach and DuckDB, in one invocation, each case in its own process.

    .venv/bin/python benchmarks/bench_reconcile.py --residents 200000 1000000
    .venv/bin/python benchmarks/bench_reconcile.py --residents 200000 --write   # update RESULTS.md
    .venv/bin/python benchmarks/bench_reconcile.py --data data/town_1000000  # an existing town

The pair of files: ``generate --vendor migrated`` (golden = OLD, the migrated re-export = NEW,
migration defects at 0.1 %, a few trailing blanks), or ``--data TOWN``: ``TOWN/golden/juki_jumin.csv``
and ``TOWN/migrated/juki_jumin.csv`` of a town generated with ``--vendor …,migrated`` (whatever its
``--faults``). Cases, on the same two files:

- ``reconcile``: ``chukan_layout.reconcile`` (keyed, item-level differences, 照合表, reports), 2 workers;
- ``validate``: ``chukan_layout.validate`` of both files (the floor the issue compares with), 2 workers;
- ``pandas``: ``read_csv`` both (``dtype=str``), ``merge(indicator=True)`` on the key, then compare
  every column of the matched rows — item-level differences, in memory;
- ``duckdb``: one ``FULL OUTER JOIN … WHERE … IS DISTINCT FROM …`` query (2 threads) — the
  differing *rows*, not the items, and no equivalences / totals (``duckdb`` is in the bench extra).

Peak RSS: the case process (``peak_rss_mib``) and the whole process tree (``peak_tree_rss_mib``,
sampled). Ratios are speed ratios (> 1: ours is faster), by wall time and by CPU seconds (the case
and its workers: much less sensitive to a shared machine's load).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
KEY = ["宛名番号", "履歴番号"]


def make_pair(residents: int, out: str) -> dict[str, Any]:
    from chukan_layout.synth.generate import generate

    t = time.perf_counter()
    res = generate(out, vendors="migrated", residents=residents, faults=0.001, seed=7,
                   layouts=["juki.jumin", "juki.setai"])  # fmt: skip
    old, new = res.golden["juki.jumin"], res.migrated["juki.jumin"][0]
    return {"old": str(old), "new": str(new), "rows": res.records["golden/juki_jumin.csv"],
            "bytes": old.stat().st_size + new.stat().st_size, "seconds": time.perf_counter() - t}  # fmt: skip


def existing_pair(town: Path) -> dict[str, Any]:
    """The golden and migrated 住民 files of a generated town."""
    import json

    old, new = town / "golden" / "juki_jumin.csv", town / "migrated" / "juki_jumin.csv"
    with open(old, "rb") as f:
        rows = (
            sum(buf.count(b"\n") for buf in iter(lambda: f.read(1 << 24), b"")) - 1
        )  # quoted newlines: none
    residents = json.loads((town / "manifest.json").read_text(encoding="utf-8"))["params"]["residents"]
    return {"old": str(old), "new": str(new), "rows": rows, "residents": residents,
            "bytes": old.stat().st_size + new.stat().st_size, "seconds": 0.0}  # fmt: skip


def ours_reconcile(old: str, new: str, out: str, workers: int = 2) -> dict[str, Any]:
    import chukan_layout as cl

    res = cl.reconcile(old, new, out, workers=workers)
    la = res.report.layouts[0]
    return {"changed": la.changed, "only_old": la.only_old, "duplicates": la.duplicate_new,
            "cells": sum(d.changed for d in la.by_item), "partitions": la.partitions}  # fmt: skip


def ours_validate(old: str, new: str, workers: int = 2) -> dict[str, Any]:
    import chukan_layout as cl

    alias = Path(new).with_name("new_" + Path(new).name)  # validate accounts per file name: two names
    if not alias.exists():
        os.link(new, alias)
    rep = cl.validate([old, str(alias)], layout="juki.jumin", workers=workers)
    return {"records": rep.totals.records_read}


def pandas_merge(old: str, new: str, limit_gib: float = 0) -> dict[str, Any]:
    """The obvious pandas approach; with ``limit_gib`` its address space is capped (a shared
    machine: past the cap it stops with MemoryError instead of pushing the others out)."""
    import pandas as pd

    if limit_gib:
        import resource

        cap = int(limit_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        try:
            return _pandas_merge(pd, old, new)
        except MemoryError:
            return {"error": f"MemoryError: did not fit in {limit_gib:g} GiB of address space"}
    return _pandas_merge(pd, old, new)


def _pandas_merge(pd: Any, old: str, new: str) -> dict[str, Any]:
    a = pd.read_csv(old, dtype=str, keep_default_na=False)
    b = pd.read_csv(new, dtype=str, keep_default_na=False)
    m = a.merge(b, on=KEY, how="outer", indicator=True, suffixes=("_old", "_new"))
    both = m[m["_merge"] == "both"]
    cells = 0
    changed = pd.Series(False, index=both.index)
    for c in a.columns:
        if c in KEY:
            continue
        d = both[f"{c}_old"] != both[f"{c}_new"]
        cells += int(d.sum())
        changed |= d
    return {
        "changed": int(changed.sum()),
        "only_old": int((m["_merge"] == "left_only").sum()),
        "cells": cells,
    }


def duckdb_join(old: str, new: str, threads: int = 2) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    con.execute("SET enable_progress_bar=false")  # it writes to stdout
    cols = [
        r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_csv('{old}', all_varchar=true)").fetchall()
    ]
    rest = [c for c in cols if c not in KEY]
    q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
    o_row = "row(" + ", ".join(f"o.{q(c)}" for c in rest) + ")"
    n_row = "row(" + ", ".join(f"n.{q(c)}" for c in rest) + ")"
    on = " AND ".join(f"o.{q(k)} = n.{q(k)}" for k in KEY)
    sql = (f"SELECT count(*) FILTER (WHERE n.{q(KEY[0])} IS NULL), count(*) FILTER (WHERE o.{q(KEY[0])} IS NULL), "
           f"count(*) FILTER (WHERE o.{q(KEY[0])} IS NOT NULL AND n.{q(KEY[0])} IS NOT NULL) "
           f"FROM read_csv('{old}', all_varchar=true) o FULL OUTER JOIN read_csv('{new}', all_varchar=true) n "
           f"ON {on} WHERE {o_row} IS DISTINCT FROM {n_row}")  # fmt: skip
    only_old, only_new, changed = con.execute(sql).fetchone()  # type: ignore[misc]
    return {"changed": changed, "only_old": only_old, "only_new": only_new}


def main(argv: list[str] | None = None) -> int:
    from _measure import run_case

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--residents", type=int, nargs="+", default=[200_000])
    ap.add_argument("--data", type=Path, nargs="*", default=[],
                    help="existing towns (golden/ + migrated/ juki_jumin.csv) instead of --residents")  # fmt: skip
    ap.add_argument("--pandas-limit-gib", type=float, default=0, help="cap pandas' address space (0: none)")
    ap.add_argument("--cases", default="reconcile,reconcile_1w,validate,pandas,duckdb")
    ap.add_argument("--write", action="store_true", help="append the figures to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    cases = args.cases.split(",")
    lines = []
    runs: list[Any] = [*args.data] if args.data else list(args.residents)
    for n in runs:
        with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as tmp:
            if isinstance(n, Path):
                pair = existing_pair(n)
                n = pair["residents"]
            else:
                # generated in its own process: the parent stays small (a child's ru_maxrss starts
                # from its parent's at fork, so a big parent would inflate every case's peak RSS)
                pair = run_case("bench_reconcile:make_pair", residents=n, out=str(Path(tmp) / "town"))[
                    "result"
                ]
            print(f"{n:,} residents: {pair['rows']:,} 住民 rows per side, {pair['bytes'] / 2**20:,.0f} MiB "
                  f"(generated in {pair['seconds']:.0f} s); load {os.getloadavg()[0]:.1f}")  # fmt: skip
            got: dict[str, dict[str, Any]] = {}
            for case in cases:
                kw: dict[str, Any] = {"old": pair["old"], "new": pair["new"]}
                target = {"reconcile": "bench_reconcile:ours_reconcile", "reconcile_1w": "bench_reconcile:ours_reconcile",
                          "validate": "bench_reconcile:ours_validate",
                          "pandas": "bench_reconcile:pandas_merge", "duckdb": "bench_reconcile:duckdb_join"}[case]  # fmt: skip
                if case == "pandas" and args.pandas_limit_gib:
                    kw["limit_gib"] = args.pandas_limit_gib
                if case.startswith("reconcile"):
                    kw["out"] = str(Path(tmp) / "reconcile")
                    kw["workers"] = 1 if case == "reconcile_1w" else 2
                r = run_case(target, **kw)
                got[case] = r
                print(f"  {case:<12} {r['seconds']:7.1f} s  cpu {r['cpu_seconds']:6.1f} s  {pair['rows'] / r['seconds']:>8,.0f} rows/s  "
                      f"RSS {r['peak_rss_mib']:6.0f} MiB (worker {r['peak_child_rss_mib']:4.0f}, tree {r['peak_tree_rss_mib']:6.0f})  "
                      f"load {r['load_before']:.1f}  {r['result']}")  # fmt: skip
            if "reconcile" in got:
                ours = got["reconcile"]["seconds"]
                ratios = {c: got[c]["seconds"] / ours for c in got if c != "reconcile"}
                print(
                    "  speed ratio (theirs time / ours):",
                    ", ".join(f"{c} {v:.2f}×" for c, v in ratios.items()),
                )
                # CPU seconds (the case and its workers) depend much less on the machine's load
                cpu = {
                    c: got[c]["cpu_seconds"] / got["reconcile"]["cpu_seconds"]
                    for c in got
                    if c != "reconcile"
                }
                print(
                    "  CPU ratio (theirs CPU s / ours):", ", ".join(f"{c} {v:.2f}×" for c, v in cpu.items())
                )
                row = f"| {n:,} | {pair['rows']:,} | " + " | ".join(
                    f"{got[c]['seconds']:.1f} s (cpu {got[c]['cpu_seconds']:.1f}) / {got[c]['peak_rss_mib']:.0f} MiB "
                    f"(tree {got[c]['peak_tree_rss_mib']:.0f})"
                    if c in got else "—" for c in ("reconcile", "reconcile_1w", "validate", "pandas", "duckdb")
                ) + " | " + ", ".join(f"{c} {v:.2f}×" for c, v in ratios.items()) + f" | {os.getloadavg()[0]:.1f} |"  # fmt: skip
                lines.append(row)
    if args.write and lines:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
