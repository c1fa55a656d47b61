"""Start-up before/after: ``convert`` of a small file by several builds, interleaved in ONE invocation.

    git worktree add --detach /tmp/before 9ce3af1      # the code to compare against
    .venv/bin/python benchmarks/bench_startup_ab.py --rounds 6 --before-src /tmp/before/src \\
        --bin /tmp/venv-without-pandas/bin/chukan-layout -- -a vendor_a ten/JUMIN.DAT

Variants: ``before`` (this venv's Python with ``--before-src`` first on ``PYTHONPATH``), ``after``
(this venv's ``chukan-layout``) and each ``--bin`` (another venv's console script, e.g. one
installed without the ``pandas`` extra). Each round runs every variant once, in turn, so load
changes hit them alike; the first round is a warm-up (it fills each build's compiled cache).
Prints min / median wall and CPU seconds (of the child) per variant and the load range. Under
load, CPU seconds are the comparable figure (wall is mostly waiting for a core).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(sys.executable).parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=6, help="rounds, the first a warm-up (default 6)")
    ap.add_argument("--before-src", help="a checkout's src/ folder of the code to compare against")
    ap.add_argument("--bin", action="append", default=[], help="another chukan-layout console script")
    ap.add_argument("convert_args", nargs="+", help="convert arguments after --, without -o")
    args = ap.parse_args()
    variants: dict[str, tuple[list[str], dict[str, str]]] = {}
    if args.before_src:
        variants[f"before ({args.before_src})"] = (
            [sys.executable, "-c", "from chukan_layout.cli import main; main()"],
            {"PYTHONPATH": args.before_src},
        )
    variants["after (this venv)"] = ([str(HERE / "chukan-layout")], {})
    for b in args.bin:
        variants[b] = ([b], {})
    out = Path(tempfile.mkdtemp(prefix="startup-ab-"))
    res: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in variants}
    loads = []
    try:
        for k in range(args.rounds):
            for name, (cmd, env) in variants.items():
                shutil.rmtree(out / "o", ignore_errors=True)
                loads.append(os.getloadavg()[0])
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                p = subprocess.run([*cmd, "convert", *args.convert_args, "-o", str(out / "o"), "--no-progress"],
                                   env={**os.environ, **env}, capture_output=True, text=True)  # fmt: skip
                wall = time.perf_counter() - t
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                if p.returncode not in (0, 1):
                    sys.exit(f"{name}: exit {p.returncode}: {p.stderr[-1000:]}")
                if k:
                    res[name][0].append(wall)
                    res[name][1].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    for name, (w, c) in res.items():
        med = len(w) // 2
        print(f"{name:50s} wall min {min(w):.2f} med {sorted(w)[med]:.2f} s | "
              f"CPU min {min(c):.2f} med {sorted(c)[med]:.2f} s")  # fmt: skip
    print(f"1-minute load average {min(loads):.1f}–{max(loads):.1f}")


if __name__ == "__main__":
    main()
