"""End-to-end cases for ``benchmarks/run_all.py``: data preparation (untimed) and our side.

Every function here is a *case* for :func:`_measure.run_case` (JSON-able keyword arguments,
JSON-able result), so each runs in a fresh interpreter with its own clock and peak RSS.

- :func:`prepare` generates one synthetic municipality (vendor A fixed-width cp932, vendor B
  CSV, the golden standard files) and a cp932 copy of the golden 住民 file. Not timed as a case.
- :func:`ours_validate`: validate a standard-layout juki.jumin CSV (the peers' input).
- :func:`ours_convert`: ``convert`` a vendor 住民 export end to end (read → adapt → 外字 →
  validate → write), with 1 or more workers when the pipeline offers them.

The pipeline is being extended while this benchmark is written; the cases use what the
installed ``chukan_layout`` offers (feature detection, reported in each result as ``mode``):
the ``validate`` command / ``convert(workers=…)`` when present, otherwise the validator's
library API (``ValidationRun``) as a stage of ``convert`` and over ``read_standard_csv``.
"""

from __future__ import annotations

import codecs
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

#: The vendor 住民 file of each generated export (what is compared with the peers' 住民 CSV), its
#: 世帯 file (converted with it, so that 世帯番号 references resolve) and its 外字対応表.
JUMIN_FILE = {"vendor_a": "JUMIN.DAT", "vendor_b": "jumin.csv"}
SETAI_FILE = {"vendor_a": "SETAI.DAT", "vendor_b": "setai.csv"}
GAIJI_FILE = {"vendor_a": "GAIJI_A.tsv", "vendor_b": "gaiji_b.tsv"}


# --------------------------------------------------------------------------- data (untimed)


def _count_unencodable(err: UnicodeEncodeError) -> tuple[str, int]:
    _count_unencodable.n += err.end - err.start  # type: ignore[attr-defined]
    return "?" * (err.end - err.start), err.end


_count_unencodable.n = 0  # type: ignore[attr-defined]
codecs.register_error("bench_count_replace", _count_unencodable)


def _to_cp932(src: Path, dst: Path) -> int:
    """Transcode a UTF-8 CSV to cp932; characters cp932 cannot hold become ``?`` (counted)."""
    _count_unencodable.n = 0  # type: ignore[attr-defined]
    tmp = dst.with_suffix(".tmp")
    with src.open("r", encoding="utf-8", newline="") as fi, tmp.open("wb") as fo:
        while chunk := fi.read(8 << 20):
            fo.write(chunk.encode("cp932", errors="bench_count_replace"))
    tmp.replace(dst)
    return int(_count_unencodable.n)  # type: ignore[attr-defined]


def prepare(
    residents: int, data_dir: str | None = None, seed: int = 7, faults: float = 0.001
) -> dict[str, Any]:
    """Generate (or reuse) the data set of ``residents`` residents; return its paths and sizes."""
    from chukan_layout.synth.generate import generate

    root = Path(data_dir) if data_dir else DATA
    out = root / f"e2e_{residents}"
    stamp = out / "prepared.json"
    params = {"residents": residents, "seed": seed, "faults": faults, "vendors": "a,b", "version": 1}
    if stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("params") == params and all(Path(p).exists() for p in info["files"].values()):
            info["reused"] = True
            return info
    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    gen = generate(out, vendors="a,b", residents=residents, faults=faults, seed=seed, layouts=["juki.jumin"])
    t_gen = time.perf_counter() - t0
    golden = gen.golden["juki.jumin"]
    keep = {golden, *(out / v / n for m in (JUMIN_FILE, SETAI_FILE, GAIJI_FILE) for v, n in m.items())}
    for q in out.rglob("*"):  # the other files of the exports are not benchmarked: free the disk
        if (
            q.is_file()
            and q not in keep
            and q.suffix.upper() in (".CSV", ".DAT")
            and q.parent.name != out.name
        ):
            q.unlink()
    cp = out / "golden_cp932" / golden.name
    cp.parent.mkdir(parents=True, exist_ok=True)
    replaced = _to_cp932(golden, cp)
    files = {
        "golden_utf8": str(golden),
        "golden_cp932": str(cp),
        "vendor_a": str(out / "vendor_a" / JUMIN_FILE["vendor_a"]),
        "vendor_b": str(out / "vendor_b" / JUMIN_FILE["vendor_b"]),
        **{f"{v}_setai": str(out / v / SETAI_FILE[v]) for v in SETAI_FILE},
        **{f"{v}_gaiji": str(out / v / GAIJI_FILE[v]) for v in GAIJI_FILE},
    }
    info = {
        "params": params,
        "files": files,
        "bytes": {k: Path(v).stat().st_size for k, v in files.items()},
        "records": {
            "golden": gen.records[f"golden/{golden.name}"],
            "vendor_a": gen.records[f"vendor_a/{JUMIN_FILE['vendor_a']}"],
            "vendor_b": gen.records[f"vendor_b/{JUMIN_FILE['vendor_b']}"],
            **{f"{v}_setai": gen.records[f"{v}/{SETAI_FILE[v]}"] for v in SETAI_FILE},
        },
        "cp932_replaced_chars": replaced,
        "generate_seconds": t_gen,
        "reused": False,
    }
    stamp.write_text(json.dumps(info, indent=2))
    return info


# --------------------------------------------------------------------------- our side


def _has_cli_command(name: str) -> bool:
    from chukan_layout import cli

    return name in getattr(cli.main, "commands", {})


def _run_cli(args: list[str]) -> int:
    """Run ``chukan-layout ARGS`` in this process (what a user runs, without the exec)."""
    from chukan_layout.cli import main

    try:
        main.main(args=args, prog_name="chukan-layout", standalone_mode=False)
    except SystemExit as e:  # the commands end with sys.exit(verdict)
        return int(e.code or 0)
    return 0


def ours_validate(csv_path: str, layout_id: str = "juki.jumin", encoding: str = "utf-8",
                  out_dir: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Validate a standard-layout CSV: the ``validate`` command if present, else the library."""
    if _has_cli_command("validate"):
        args = ["validate", "--no-progress", "--layout", layout_id, csv_path]
        if encoding != "utf-8":
            args += ["--encoding", encoding]
        if out_dir:
            shutil.rmtree(out_dir, ignore_errors=True)
            args += ["-o", out_dir]
        rc = _run_cli(args)
        return {"mode": "cli validate", "exit": rc, **_summary(out_dir)}
    from chukan_layout.readers.standard_csv import read_standard_csv
    from chukan_layout.spec.registry import load_layout
    from chukan_layout.validation import ValidationRun

    lay = load_layout(layout_id)
    run = ValidationRun([lay])
    rows = rejected = 0
    name = Path(csv_path).name
    for b in read_standard_csv(csv_path, lay.spec, encoding=encoding):
        rows += b.num_rows
        rejected += int(run.check(layout_id, b, file=name).sum())
    fs = run.finish()
    return {"mode": "library ValidationRun", "rows": rows, "rejected": rejected,
            "findings": sum(r["count"] for r in fs.rows())}  # fmt: skip


def _summary(out_dir: str | None) -> dict[str, Any]:
    """Totals from a run's summary.json / report.json, when the command wrote one."""
    if not out_dir:
        return {}
    for name in ("summary.json", "report.json"):
        p = Path(out_dir) / name
        if p.exists():
            d = json.loads(p.read_text("utf-8"))
            return {"totals": d.get("totals") or d.get("accounting") or {}}
    return {}


def ours_convert(adapter: str, inputs: list[str], out_dir: str, workers: int = 1, output_encoding: str = "utf-8",
                 gaiji_tables: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """``convert`` end to end with validation on (and the reports, and the 外字 stage with the
    export's 外字対応表 ``gaiji_tables``); ``workers`` when the pipeline supports it."""
    from chukan_layout import pipeline

    shutil.rmtree(out_dir, ignore_errors=True)
    opts = pipeline.ConvertOptions(output_encoding=output_encoding, workers=workers,
                                   gaiji_tables=tuple(gaiji_tables or ()), validate=True)  # fmt: skip
    mode = [f"workers={workers}", *(["外字 tables"] if gaiji_tables else []), "validate=True"]
    res = pipeline.convert(adapter, [Path(p) for p in inputs], out_dir, opts)
    out: dict[str, Any] = {
        "mode": ", ".join(mode),
        "records_in": res.records_in,
        "records_out": res.records_out,
        "rejects": res.rejects,
        "records_by_file": {a.file: a.records_in for a in res.files},
        "bytes_in": sum(Path(p).stat().st_size for p in inputs),
        "findings": sum(r["count"] for r in res.findings.rows()),
    }
    return out


if __name__ == "__main__":  # python benchmarks/bench_e2e.py N → prepare N residents
    print(json.dumps(prepare(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
