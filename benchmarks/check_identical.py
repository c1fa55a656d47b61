"""Are a ``convert``'s outputs byte-identical between this code and another ``src`` folder?

    .venv/bin/python benchmarks/check_identical.py --base /tmp/old/src --adapter vendor_b \\
        --inputs town/vendor_b/*.csv --gaiji-table town/vendor_b/gaiji_b.tsv \\
        --workers 1,2 --executors processes,dask --partition-kib 0,64
    .venv/bin/python benchmarks/check_identical.py --base /tmp/old/src --town /tmp/towns/b3 --vendor a,b,c

``--town`` (a generated town: ``chukan-layout generate -n 20000 --vendor a,b,c --faults 0.02 --seed 3``)
with ``--vendor``: every export file of each vendor's folder, with its 外字 table, instead of
``--adapter`` / ``--inputs`` / ``--gaiji-table``.

Each case (workers × executor × partition size; 0 = the default 16 MiB) runs ``convert`` as a
library call in a fresh interpreter per side (``--base``: that ``src`` first on ``PYTHONPATH``),
with ``SOURCE_DATE_EPOCH`` set. Every file of the output folder is hashed (SHA-256); report.json,
run.json and summary.json are compared with their timestamps (``generated_at``, ``published_at``,
``started_at``, ``finished_at``) blanked and the hashes of the files that carry them left out.
Prints one line per case and exits 1 on any difference (or a difference between the cases).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_RUN = r"""
import sys, json
from pathlib import Path
from chukan_layout import pipeline
adapter, out, workers, executor, pkib, tables, *inputs = sys.argv[1:]
opts = pipeline.ConvertOptions(workers=int(workers), executor=executor, validate=True,
                               gaiji_tables=tuple(t for t in tables.split(",") if t))
if int(pkib):
    opts = opts.replace(partition_bytes=int(pkib) << 10)
res = pipeline.convert(adapter, [Path(p) for p in inputs], out, opts)
print(json.dumps({"records_in": res.records_in}))
"""

_STAMPS = ("generated_at", "published_at", "started_at", "finished_at", "created_at")
_STAMPED = ("report.json", "run.json", "summary.json", "report.html")


def _blank(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: ("-" if k in _STAMPS else _blank(v)) for k, v in o.items()
                if not (k == "sha256" and any(str(o.get("path", "")).endswith(n) for n in _STAMPED))}  # fmt: skip
    if isinstance(o, list):
        return [_blank(v) for v in o]
    return o


def digest(out: Path) -> dict[str, str]:
    """{relative path: SHA-256} of every file, timestamps blanked in the JSON reports."""
    got = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        rel = str(p.relative_to(out))
        if p.name == "report.html":
            continue  # renders report.json (its timestamp): report.json is compared
        data = p.read_bytes()
        if p.suffix == ".json":
            data = json.dumps(_blank(json.loads(data)), sort_keys=True, ensure_ascii=False).encode()
        got[rel] = hashlib.sha256(data).hexdigest()
    return got


TOWN_VENDORS = {
    "a": ("vendor_a", "GAIJI_A.tsv"),
    "b": ("vendor_b", "gaiji_b.tsv"),
    "c": ("vendor_c", "GAIJI_C.tsv"),
}


def town_jobs(town: Path, vendors: str) -> list[argparse.Namespace]:
    """One job (adapter, inputs, 外字 table) per vendor folder of a generated town."""
    jobs = []
    for v in vendors.split(","):
        adapter, table = TOWN_VENDORS[v]
        d = town / adapter
        inputs = sorted(str(p) for p in d.iterdir() if p.name != table)
        jobs.append(argparse.Namespace(adapter=adapter, inputs=inputs, gaiji_table=[str(d / table)]))
    return jobs


def run(
    src: str | None, args: argparse.Namespace, out: Path, workers: int, executor: str, pkib: int
) -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([sys.executable, "-c", _RUN, args.adapter, str(out), str(workers), executor, str(pkib),
                        ",".join(args.gaiji_table or []), *args.inputs], env=env, capture_output=True, text=True)  # fmt: skip
    if p.returncode:
        raise RuntimeError(p.stderr[-3000:])
    d = digest(out)
    shutil.rmtree(out, ignore_errors=True)
    return d


def check(job: argparse.Namespace, args: argparse.Namespace) -> int:
    """Every case of one job, this code vs ``--base`` and vs the first case; the number of differences."""
    bad = 0
    first: dict[str, str] | None = None
    for pkib in map(int, args.partition_kib.split(",")):
        first = None  # the report's options name the partitions: compared per partition size
        for executor in args.executors.split(","):
            for w in map(int, args.workers.split(",")):
                new = run(None, job, Path(args.scratch) / "new", w, executor, pkib)
                line = f"{job.adapter} {executor:9s} -j {w} partitions {pkib or 16384} KiB: {len(new)} files"
                if args.base:
                    old = run(args.base, job, Path(args.scratch) / "old", w, executor, pkib)
                    diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
                    line += ", old == new" if not diff else f", DIFFER: {diff}"
                    bad += bool(diff)
                if first is None:
                    first = new
                elif first != new:
                    diff = sorted(k for k in set(first) | set(new) if first.get(k) != new.get(k))
                    line += f", differs from the first case: {diff}"
                    bad += 1
                print(line, flush=True)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="a src folder of other code")
    ap.add_argument("--adapter")
    ap.add_argument("--inputs", nargs="+")
    ap.add_argument("--gaiji-table", action="append")
    ap.add_argument(
        "--town", type=Path, help="a generated town: its --vendor folders instead of --adapter/--inputs"
    )
    ap.add_argument("--vendor", default="b", help="with --town: a, b, c or a comma-separated list")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--executors", default="processes")
    ap.add_argument("--partition-kib", default="0,64", help="partition sizes in KiB (0: the default)")
    ap.add_argument("--scratch", help="scratch folder (default: a fresh one under the temp folder, removed)")
    args = ap.parse_args()
    if args.town:
        jobs = town_jobs(args.town, args.vendor)
    elif args.adapter and args.inputs:
        jobs = [args]
    else:
        ap.error("give --adapter and --inputs, or --town")
    # a fresh scratch folder per invocation: two runs sharing one removed each other's outputs
    fresh = args.scratch is None
    if fresh:
        args.scratch = tempfile.mkdtemp(prefix="check_identical-")
    bad = 0
    try:
        for job in jobs:
            bad += check(job, args)
    finally:
        if fresh:
            shutil.rmtree(args.scratch, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
