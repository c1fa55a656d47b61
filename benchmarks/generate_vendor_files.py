"""Add one vendor's 住民 + 世帯 export to an existing generated town, without the rest.

    python benchmarks/generate_vendor_files.py --town data/town_5000000 --vendor c

``chukan-layout generate --vendor c`` writes every file of the vendor's profile and the golden
files of every layout (≈ 25 GB at 5M residents for vendor C); a memory benchmark needs only
the vendor's 住民 and 世帯 files and its 外字 table (JUMIN.EBC + SETAI.EBC ≈ 12 GB at 5M).
This script runs :func:`chukan_layout.synth.generate.generate` with the town's own seed,
size, 外字 share and municipality, the vendor's profile cut down to ``--files``, and golden
output only for the layouts those files carry; it writes into ``.<town>_<vendor>.tmp`` beside
the town, checks that the golden 住民 file it wrote has the SHA-256 of the town's (so it is the
same town), moves ``<vendor>/`` into the town, and deletes the temporary folder.

The vendor files do not depend on which other files are generated: each vendor file draws its
faults from its own random stream (seed, file name), and the town from the seed alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

DEFAULT_FILES = {
    "a": ("JUMIN.DAT", "SETAI.DAT"),
    "b": ("jumin.csv", "setai.csv"),
    "c": ("JUMIN.EBC", "SETAI.EBC"),
}


def add_vendor(town: Path, vendor: str, files: tuple[str, ...], out: Path | None = None) -> Path:
    """Generate ``files`` of ``vendor`` for ``town`` (see the module docstring); the vendor folder."""
    from chukan_layout.synth import generate as gen
    from chukan_layout.synth import profile as prof

    params = json.loads((town / "manifest.json").read_text(encoding="utf-8"))
    p, known = params["params"], params["files"]
    full = prof.load_profile(vendor)
    cut = full.model_copy(update={"files": [f for f in full.files if f.name in files]})
    missing = set(files) - {f.name for f in cut.files}
    if missing:
        raise SystemExit(f"vendor {vendor} has no file(s) {sorted(missing)}")
    layouts = sorted({lid for f in cut.files for lid in f.layouts})
    tmp = out or town.parent / f".{town.name}_{vendor}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    real_load = gen.load_profile
    gen.load_profile = lambda name: cut if name == vendor else real_load(name)  # type: ignore[assignment]
    try:
        t0 = time.time()
        res = gen.generate(
            tmp,
            vendors=vendor,
            residents=int(p["residents"]),
            faults=float(p["faults"]),
            seed=int(p["seed"]),
            gaiji_share=float(p["gaiji_share"]),
            mj_list=p.get("mj_list"),
            municipality=params["municipality"].split()[0],
            layouts=layouts,
        )
    finally:
        gen.load_profile = real_load  # type: ignore[assignment]
    print(f"generated {', '.join(sorted(res.records))} in {time.time() - t0:.0f} s", flush=True)
    wrote = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))["files"]
    for path in res.golden.values():  # same town ⇔ same golden bytes (hashed as they were written)
        rel = f"golden/{path.name}"
        if rel in known:
            got = wrote[rel]["sha256"]
            if got != known[rel]["sha256"]:
                raise SystemExit(f"{rel}: SHA-256 {got} is not the town's {known[rel]['sha256']}")
            print(f"{rel}: same SHA-256 as the town's ({got[:12]}…)", flush=True)
    return tmp / f"vendor_{vendor}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--town", type=Path, required=True, help="a generated town folder (has manifest.json)")
    ap.add_argument("--vendor", choices=sorted(DEFAULT_FILES), required=True)
    ap.add_argument("--files", help="comma-separated vendor files (default: its 住民 and 世帯 files)")
    ap.add_argument(
        "--out", type=Path, help="temporary folder (default: .<town>_<vendor>.tmp beside the town)"
    )
    ap.add_argument("--keep", action="store_true", help="leave the vendor folder in the temporary folder")
    args = ap.parse_args(argv)
    files = tuple(args.files.split(",")) if args.files else DEFAULT_FILES[args.vendor]
    dest = args.town / f"vendor_{args.vendor}"
    if dest.exists() and not args.keep:
        raise SystemExit(f"{dest} exists")
    folder = add_vendor(args.town, args.vendor, files, args.out)
    if not args.keep:
        folder.rename(dest)
        shutil.rmtree(folder.parent)
        print(f"moved into {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
