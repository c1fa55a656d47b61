"""Workbook import: a 5,000-item 基本データリスト-shaped workbook read with python-calamine and with
openpyxl (read-only), then imported end to end (``specs import``'s code path) — in one run.

    .venv/bin/python benchmarks/bench_workbook.py [--items 5000] [--repeat 3]

Prints seconds per reader, the ratio openpyxl / calamine, and the full import time (target ≤ 5 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from chukan_layout.spec.model import Layout
from chukan_layout.spec.registry import load_layout
from chukan_layout.spec.workbook.importer import import_book
from chukan_layout.spec.workbook.profile import load_profile
from chukan_layout.spec.workbook.sheets import read_book
from chukan_layout.spec.workbook.writer import write_workbook


def big_layout(n: int) -> tuple[Layout, list]:  # type: ignore[type-arg]
    """juki.jumin's items repeated with numbered ids/names up to ``n`` items (the shapes of real rows)."""
    base = load_layout("juki.jumin")
    src = base.spec.items
    items = [
        src[i % len(src)].model_copy(
            update={
                "id": f"{src[i % len(src)].id}_{i}",
                "name": f"{src[i % len(src)].name}{i}",
                "partial_date": None,
                "era_of": None,
            }
        )
        for i in range(n)
    ]
    lay = base.spec.model_copy(
        update={"items": items, "rules": [], "relations": [], "record_key": [items[0].id], "reconcile": None}
    )
    return lay, list(base.codes.values())


def best(f, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    prof = load_profile("kihon-data-list")
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx"
        lay, codes = big_layout(a.items)
        write_workbook(book, prof, [lay], codes)
        print(
            f"load average at start: {os.getloadavg()[0]:.1f}; workbook {book.stat().st_size / 1e6:.2f} MB, {a.items} items"
        )
        cal = best(lambda: read_book([book], engine="calamine"), a.repeat)
        opx = best(lambda: read_book([book], engine="openpyxl"), a.repeat)
        full = best(lambda: import_book([book], prof), a.repeat)
        r = import_book([book], prof)
        assert not r.problems and len(r.layouts[0].items) == a.items, r.problems[:3]
        print(f"read, python-calamine:        {cal:6.3f} s")
        print(f"read, openpyxl (read-only):   {opx:6.3f} s   ({opx / cal:.1f}× calamine)")
        print(
            f"import (calamine + profile + model + checks): {full:6.3f} s   target ≤ 5 s: {'met' if full <= 5 else 'NOT met'}"
        )
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
