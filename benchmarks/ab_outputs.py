"""Are two checkouts' ``convert`` outputs byte-identical? SHA-256 of every output file, old vs new.

    .venv/bin/python benchmarks/ab_outputs.py --base /tmp/old/src --town /tmp/towns/b3 --vendor b --workers 1,2
    .venv/bin/python benchmarks/ab_outputs.py --base /tmp/old/src --town /tmp/towns/ac5 --vendor a,c

``--town``: a generated town (``chukan-layout generate -n 20000 --vendor b --faults 0.02 --seed 3``); every
export file of the vendor folder is converted with its 外字 table, by the ``chukan-layout`` command of
each side (``--base``: another checkout's ``src``, first on ``PYTHONPATH``; ``--new``: default, the
installed package), with ``SOURCE_DATE_EPOCH`` set so the reports' dates agree. The JSON files
(report.json, summary.json, run.json) are compared less the keys that hold a time or a duration
(listed in :data:`VOLATILE`); every other file byte for byte. Prints each differing file and exits 1
if any differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ADAPTERS = {
    "a": ("vendor_a", "GAIJI_A.tsv"),
    "b": ("vendor_b", "gaiji_b.tsv"),
    "c": ("vendor_c", "GAIJI_C.tsv"),
}
VOLATILE = {
    "published_at",
    "elapsed_s",
    "seconds",
    "wall_s",
    "cpu_s",
    "duration_s",
    "started_at",
    "finished_at",
}


def _strip(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


def digests(out: Path) -> dict[str, str]:
    """Relative path → SHA-256 (JSON files: of their content less :data:`VOLATILE` keys)."""
    res = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if p.suffix == ".json":
            data = json.dumps(_strip(json.loads(data)), sort_keys=True, ensure_ascii=False).encode()
        res[str(p.relative_to(out))] = hashlib.sha256(data).hexdigest()
    return res


def convert(src: str | None, town: Path, vendor: str, workers: int, out: Path) -> int:
    adapter, table = ADAPTERS[vendor]
    d = town / adapter
    inputs = sorted(str(p) for p in d.iterdir() if p.name != table)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-c", "import sys; from chukan_layout.cli import main; sys.exit(main())", "convert", "-a", adapter, *inputs, "-o", str(out),
           "--gaiji-table", str(d / table), "--workers", str(workers)]  # fmt: skip
    return subprocess.run(cmd, env=env, capture_output=True, text=True).returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the old checkout's src folder")
    ap.add_argument("--new", help="the new checkout's src folder (default: the installed package)")
    ap.add_argument("--town", required=True, type=Path)
    ap.add_argument("--vendor", default="b", help="a, b, c or a comma-separated list")
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    differ = 0
    for vendor in args.vendor.split(","):
        for w in [int(x) for x in args.workers.split(",")]:
            with tempfile.TemporaryDirectory() as tmp:
                rc_old = convert(args.base, args.town, vendor, w, Path(tmp) / "old")
                rc_new = convert(args.new, args.town, vendor, w, Path(tmp) / "new")
                old, new = digests(Path(tmp) / "old"), digests(Path(tmp) / "new")
            bad = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            print(f"vendor {vendor} -j {w}: exit {rc_old} / {rc_new}, {len(old)} / {len(new)} files, "
                  f"{'identical' if not bad and rc_old == rc_new else 'DIFFER: ' + ', '.join(bad)}")  # fmt: skip
            differ += bool(bad) or rc_old != rc_new or not old
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
