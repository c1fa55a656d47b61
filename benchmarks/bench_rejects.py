"""What a rejected record costs a ``convert`` run: a town where most records are rejected, A/B.

    .venv/bin/chukan-layout generate -n 20000 --vendor a,b,c --faults 1.0 --seed 3 -o /tmp/towns/f100
    .venv/bin/python benchmarks/bench_rejects.py --town /tmp/towns/f100 --vendor b --base /tmp/old/src --rounds 3

The scenario: a first trial run on an export with a systematic defect. ``generate --faults 1.0``
puts an injected fault in every record (undecodable bytes, bad dates, codes, check digits,
unmapped 外字, over-long items …): about 70 % of the records are rejected — read rejects (raw
bytes as hex) and validation rejects (every converted value as JSON) — the rest written.

Each run is a fresh interpreter (``--base``: that ``src`` first on ``PYTHONPATH``, e.g. a copy of
main's ``src`` with its ``.so`` files and ``layout_specs``/``gaiji`` beside it) running ``convert``
of the vendor's 住民 + 世帯 files with its 外字 table, ``-j`` workers (default 1: the partitions
run in the one process), after one untimed ``--limit 10`` run per side. Per side and round two
runs: ``--on-error reject`` (the default) and ``--on-error keep`` (the same work, but the records
with error findings are written to the outputs instead). Printed per run: wall, CPU (the process
and its workers), rejects; per side: µs per reject = (median CPU reject − median CPU keep) / the
validation rejects — what a reject costs beyond writing the record (the read rejects are the
same in both runs; their cost shows in the CPU of the runs). Sides alternate, so both see the
same load; on a shared machine compare CPU, not wall.

Figures (2-core machine shared with other helpers' jobs, load 0.9–3.4 during the runs; 20k town
``generate -n 20000 --vendor a,b,c --faults 1.0 --seed 3``; ``-j 1``; ``--rounds 5``; base = main
at 5c1333b; median CPU of the reject and keep runs, µs per reject from those medians):

    vendor  records  rejected (validation)   CPU reject base → this   keep base → this   µs per reject base → this
    b       32 685   23 217 (19 321)         4.53 s → 2.58 s          2.01 s → 1.87 s    130 → 37
    a       32 687   18 915 (14 483)         4.66 s → 2.43 s          2.36 s → 1.67 s    159 → 52
    c       32 683   22 041 (16 843)         5.31 s → 3.44 s          3.25 s → 3.25 s    123 → 11

    .venv/bin/python benchmarks/bench_rejects.py --town TOWN_20K_FAULTS_1 \
        --vendor b --base OLD/src --rounds 5      (then --vendor a, c)

The per-reject figure is a difference of two noisy CPU times (single runs vary by ±0.5 s on this
shared machine; 1 µs per reject is 0.02 s here): read it as "≈ 130 → ≈ 10–50". What is left is
mostly the bytes themselves (≈ 2.9 KB a row: the part file written, copied into rejects.csv and
hashed by the parent). The whole run's CPU falls 35–48 %.

Before (main at 5c1333b) a reject went row by row through ``json.dumps`` and ``csv.writer``
(≈ 2.9 KB per row: every item of the record as JSON, quoted); now the rows of a batch are built
column-wise (``write.rejects.json_cells`` / ``csv_lines``, one Arrow ``take`` per batch).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ab import FILES, side_env

_INNER = r"""
import json, os, resource, sys, time
T0 = time.perf_counter()
from chukan_layout.cli import main
load = os.getloadavg()[0]
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": time.perf_counter() - T0, "cpu": s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime,
                  "load": os.getloadavg()[0]}))
"""


def one_run(src: str | None, argv: list[str]) -> dict[str, Any]:
    """One ``convert`` in a fresh interpreter: wall, CPU (with its workers), load at the end."""
    p = subprocess.run(
        [sys.executable, "-c", _INNER, *argv], env=side_env(src), capture_output=True, text=True
    )
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def counts(out: Path) -> dict[str, int]:
    """The run's rejects from its summary.json: all, and those of validation."""
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"rejects": s["totals"]["rejected"], "validate": sum(f["validate_rejected"] for f in s["files"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--town", required=True, help="a generated town with --faults 1.0 (vendor_b/jumin.csv …)")
    ap.add_argument("--vendor", default="b", choices=sorted(FILES))
    ap.add_argument("--base", help="a src folder of other code to compare with (A/B, alternated)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("-j", "--workers", type=int, default=1)
    ap.add_argument("--out", default="/tmp/bench_rejects", help="scratch output folder (removed)")
    args = ap.parse_args()
    adapter, jumin, setai, gaiji = FILES[args.vendor]
    d = Path(args.town) / adapter
    sides = [("this code", None)] + ([("base", args.base)] if args.base else [])
    for _name, src in sides:  # untimed: compiled-adapter cache and .pyc files written
        warm = Path(args.out) / "warm"
        one_run(
            src, ["convert", "-a", adapter, str(d / jumin), "-o", str(warm), "--limit", "10", "--no-progress"]
        )
        shutil.rmtree(warm, ignore_errors=True)
    cpu: dict[tuple[str, str], list[float]] = {}
    validate = 0
    for r in range(args.rounds):
        for name, src in sides:
            for mode in ("reject", "keep"):
                out = Path(args.out) / f"{r}-{name.replace(' ', '_')}-{mode}"
                argv = ["convert", "-a", adapter, str(d / jumin), str(d / setai), "--gaiji-table", str(d / gaiji),
                        "-o", str(out), "-j", str(args.workers), "--on-error", mode, "--no-progress"]  # fmt: skip
                res = {**one_run(src, argv), **counts(out)}
                shutil.rmtree(out, ignore_errors=True)
                cpu.setdefault((name, mode), []).append(res["cpu"])
                validate = max(validate, res["validate"])
                print(f"{name:9s} {mode:6s} wall {res['wall']:.2f} s, CPU {res['cpu']:.2f} s, rejects {res['rejects']} "
                      f"(validation {res['validate']}), load {res['load']:.1f}", flush=True)  # fmt: skip
    for name, _ in sides:
        rej, keep = statistics.median(cpu[(name, "reject")]), statistics.median(cpu[(name, "keep")])
        print(f"{name:9s} median CPU reject {rej:.2f} s, keep {keep:.2f} s: "
              f"{(rej - keep) / max(validate, 1) * 1e6:.0f} µs per reject")  # fmt: skip


if __name__ == "__main__":
    main()
