"""``validate`` of a standard CSV, this code against another ``src`` folder: CPU, wall, peak RSS, and
whether the two write the same files (issue 15, helper natcheck).

    .venv/bin/python benchmarks/ab_validate.py --csv data/town_1000000/standard/juki_jumin.csv \\
        --base /tmp/old/src --rounds 3

Each run is the console script in a fresh interpreter (``--base``: that ``src`` first on
``PYTHONPATH``), ``validate --layout LAYOUT CSV -o OUT --no-progress``, measured from outside as
``bench_convert_split.py --cli`` does (``wait4``: wall from spawn to exit, CPU of the process and
every child it waited for, the largest child's peak RSS). The sides alternate round by round after
one untimed warm-up each (.pyc files and compiled caches written, as by any earlier run). Every
round compares the two output folders file by file (SHA-256, timestamps blanked in the JSON
reports: ``check_identical.digest``); a difference exits 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _ab import side_env  # noqa: E402
from check_identical import digest  # noqa: E402


def run(src: str | None, argv: list[str]) -> dict[str, float]:
    """One console-script run: wall, CPU (user + sys, children included), peak RSS (MiB), exit code."""
    exe = str(Path(sys.executable).with_name("chukan-layout"))
    env = dict(side_env(src), SOURCE_DATE_EPOCH="1700000000")
    t = time.perf_counter()
    p = subprocess.Popen([exe, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):  # 1/2: findings / rejects are a normal outcome of validate
        raise RuntimeError(err[-3000:])
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime,
            "rss_mib": ru.ru_maxrss / 1024, "exit": code}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", required=True, help="a standard CSV (e.g. standard/juki_jumin.csv)")
    ap.add_argument("--layout", default="juki.jumin")
    ap.add_argument("--base", required=True, help="a src folder of other code (A/B, alternated)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default="/tmp/ab_validate", help="scratch output folder (removed)")
    args = ap.parse_args()
    out = Path(args.out)
    sides = [("this code", None), ("base", args.base)]
    got: dict[str, list[dict[str, float]]] = {name: [] for name, _ in sides}
    bad = 0
    for _name, src in sides:  # warm-up, untimed
        run(src, ["validate", "--layout", args.layout, args.csv, "-o", str(out / "warm"), "--no-progress"])
        shutil.rmtree(out / "warm", ignore_errors=True)
    for r in range(args.rounds):
        digests = []
        for name, src in sides:
            o = out / name.replace(" ", "_")
            shutil.rmtree(o, ignore_errors=True)
            res = run(src, ["validate", "--layout", args.layout, args.csv, "-o", str(o), "--no-progress"])
            got[name].append(res)
            digests.append(digest(o))
            shutil.rmtree(o, ignore_errors=True)
            print(f"round {r + 1} {name:9s} wall {res['wall']:6.2f} cpu {res['cpu']:6.2f} (user {res['user']:.2f}, "
                  f"sys {res['sys']:.2f}) rss {res['rss_mib']:.0f} MiB exit {res['exit']:.0f} "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        diff = sorted(k for k in set(digests[0]) | set(digests[1]) if digests[0].get(k) != digests[1].get(k))
        print(f"round {r + 1}: {len(digests[0])} files, " + ("identical" if not diff else f"DIFFER: {diff}"))
        bad += bool(diff)
    for name, _ in sides:
        cpu = [x["cpu"] for x in got[name]]
        print(f"{name:9s} cpu median {statistics.median(cpu):.2f} min {min(cpu):.2f}; wall median "
              f"{statistics.median(x['wall'] for x in got[name]):.2f}; rss max {max(x['rss_mib'] for x in got[name]):.0f} MiB")  # fmt: skip
    a, b = (statistics.median(x["cpu"] for x in got[n]) for n, _ in sides)
    print(f"cpu ratio this/base (medians) {a / b:.3f}")
    shutil.rmtree(out, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
