"""Peak RSS of ``convert`` as the input grows (issue 15 point 5: nothing grows with N).

    python benchmarks/bench_memory.py                       # 50k and 200k residents, vendor B (CSV)
    python benchmarks/bench_memory.py --sizes 1000000 5000000 --vendors a,b --workers 1,2

Each size is generated once (``bench_e2e.prepare``, reused afterwards) and converted end to end
(validation, 外字 table, report) in a fresh process (``_measure.run_case``) per vendor × workers.
Printed per case: records, wall seconds, peak RSS of the parent (``peak_rss_mib``), of the
largest worker (``peak_child_rss_mib``), of the whole process tree (``peak_tree_rss_mib``), and
the load average. "Flat" means the same peak per process at every size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import run_case  # noqa: E402
from bench_e2e import prepare  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000])
    ap.add_argument("--vendors", default="b")
    ap.add_argument("--workers", default="1")
    args = ap.parse_args(argv)
    print(f"load {os.getloadavg()}")
    rows = []
    for n in args.sizes:
        info = prepare(n)
        for v in args.vendors.split(","):
            vendor = f"vendor_{v}"
            inputs = [info["files"][vendor], info["files"][f"{vendor}_setai"]]
            for w in (int(x) for x in args.workers.split(",")):
                r = run_case("bench_e2e:ours_convert", adapter=vendor, inputs=inputs,
                             out_dir=str(HERE / "data" / f"mem_{vendor}_{n}_{w}"), workers=w,
                             gaiji_tables=[info["files"][f"{vendor}_gaiji"]])  # fmt: skip
                row = {"residents": n, "vendor": vendor, "workers": w, "records": r["result"]["records_in"],
                       "seconds": round(r["seconds"], 1), **{k: round(r[k], 1) for k in
                       ("peak_rss_mib", "peak_child_rss_mib", "peak_tree_rss_mib", "load_before", "load_after")}}  # fmt: skip
                rows.append(row)
                print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
