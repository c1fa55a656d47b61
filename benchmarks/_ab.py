"""Shared by the A/B trace scripts (``trace_cli_edges.py``, ``trace_parent.py``): each vendor's 住民 +
世帯 files and 外字 table, the environment of a side (another ``src`` first on ``PYTHONPATH``), and
the rounds of a ``convert`` command with the sides alternated (same minutes, same load)."""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

FILES = {  # vendor: (adapter, 住民 file, 世帯 file, 外字 table), as bench_floor.py
    "a": ("vendor_a", "JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"),
    "b": ("vendor_b", "jumin.csv", "setai.csv", "gaiji_b.tsv"),
    "c": ("vendor_c", "JUMIN.EBC", "SETAI.EBC", "GAIJI_C.tsv"),
}


def side_env(src: str | None) -> dict[str, str]:
    """The environment of one side: ``src`` first on ``PYTHONPATH`` (None: the installed package);
    bytecode may be written, as by any run."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def add_arguments(ap: argparse.ArgumentParser, out: str) -> None:
    ap.add_argument(
        "--town", required=True, help="a generated town (vendor_b/jumin.csv, setai.csv, gaiji_b.tsv …)"
    )
    ap.add_argument("--vendor", default="b", choices=sorted(FILES))
    ap.add_argument("--base", help="a src folder of other code to compare with (A/B, alternated)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", default=out, help="scratch output folder (removed)")


def alternate(
    args: argparse.Namespace,
    sides: list[tuple[str, str | None]],
    one_run: Callable[[str | None, list[str]], Any],
    show: Callable[[str, Any], None],
) -> None:
    """Warm each side once (untimed: compiled-adapter cache and .pyc files written, as by any earlier
    run), then ``args.rounds`` rounds of ``convert`` 住民 + 世帯 with the 外字 table, ``-j`` workers,
    the sides in turn; ``show(side, result)`` after each run."""
    adapter, jumin, setai, gaiji = FILES[args.vendor]
    d = Path(args.town) / adapter
    for _name, src in sides:
        warm = Path(args.out) / "warm"
        one_run(
            src, ["convert", "-a", adapter, str(d / jumin), "-o", str(warm), "--limit", "10", "--no-progress"]
        )
        shutil.rmtree(warm, ignore_errors=True)
    for r in range(args.rounds):
        for name, src in sides:
            out = Path(args.out) / f"{r}-{name.replace(' ', '_')}"
            argv = ["convert", "-a", adapter, str(d / jumin), str(d / setai), "--gaiji-table", str(d / gaiji),
                    "-o", str(out), "-j", str(args.workers), "--no-progress"]  # fmt: skip
            res = one_run(src, argv)
            shutil.rmtree(out, ignore_errors=True)
            show(name, res)
