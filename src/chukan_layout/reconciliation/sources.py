"""The two sides of a reconcile run: which standard-layout files hold which layout.

A side is given as folders and/or files:

- **standard CSV** (the default): every ``*.csv`` of a folder (not recursive; the
  run's own outputs ``rejects.csv``, ``findings.csv``, ``gaiji.csv``, ``differences.csv``
  are skipped), each file's layout recognised by its header row or file name
  (``--layouts-auto``) or given (``--layout ID``). Several files of one layout (a split
  export) are one layout on that side. A folder holding a ``report.json`` is a convert
  output (a 移行リハーサル): its findings are compared too.
- **a vendor export** read through an adapter (``--old-adapter`` / ``--new-adapter``): the
  files go through the same ``convert`` pipeline as ``chukan-layout convert`` (read → adapt
  → 外字 → validate) into a private folder, so "old export × new re-export" needs no
  separate convert step and gives exactly what reconciling the converted output gives.
  In a folder, the files no adapter source matches and that end in ``.tsv`` are taken as
  外字対応表 (listed in the report as such).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReconcileError
from ..files import sha256_file

SKIP_NAMES = {"rejects.csv", "findings.csv", "gaiji.csv", "differences.csv", "manifest.csv"}


@dataclass
class InputFile:
    """A file one side was read from (hashed for the report)."""

    path: str
    role: str  # standard | source (vendor export) | gaiji_table | report
    size: int
    sha256: str
    layout_id: str | None = None


@dataclass
class Side:
    """One side (OLD or NEW), resolved to standard-layout CSV files per layout."""

    name: str  # old | new
    files: dict[str, list[Path]] = field(default_factory=dict)  # layout id → standard CSV files
    inputs: list[InputFile] = field(default_factory=list)
    adapter: str | None = None
    report_json: Path | None = None  # a convert output's report.json (rehearsal diff)
    conversion: dict[str, Any] = field(default_factory=dict)  # adapter path: records in/out/rejected
    encoding: str = "utf-8"


def digest_inputs(sides: list[Side]) -> None:
    """Fill in the size and SHA-256 of every input left without (``standard_side(digest=False)``)."""
    for s in sides:
        for f in s.inputs:
            if not f.sha256:
                f.size, f.sha256 = sha256_file(f.path)


def _expand(paths: list[Path], suffix: str | None) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(
                q
                for q in p.iterdir()
                if q.is_file()
                and not q.name.startswith(".")
                and (suffix is None or q.suffix.lower() == suffix)
                and q.name not in SKIP_NAMES
            )
        elif p.is_file():
            out.append(p)
        else:
            raise ReconcileError(f"{p}: no such file or folder")
    return out


def _report_json(paths: list[Path]) -> Path | None:
    found = [p / "report.json" for p in paths if p.is_dir() and (p / "report.json").is_file()]
    return found[0] if len(found) == 1 else None


def standard_side(
    name: str,
    paths: list[Path],
    *,
    layout: str | None = None,
    layouts: dict[str, str] | None = None,
    encoding: str = "utf-8",
    digest: bool = True,
) -> Side:
    """A side of standard-layout CSV files (see the module docstring); with ``digest=False``
    the files' sizes and SHA-256 are left for the caller to fill in (:func:`digest_inputs`)."""
    from ..pipeline.standard import detect_layout

    side = Side(name, encoding=encoding, report_json=_report_json(paths))
    files = _expand(paths, ".csv")
    if not files:
        raise ReconcileError(f"{name.upper()}: no standard-layout CSV files in {', '.join(map(str, paths))}")
    for f in files:
        lid = (layouts or {}).get(f.name) or layout or detect_layout(f, encoding)
        side.files.setdefault(lid, []).append(f)
        size, sha = sha256_file(f) if digest else (0, "")
        side.inputs.append(InputFile(str(f), "standard", size, sha, lid))
    if side.report_json is not None:
        size, sha = sha256_file(side.report_json)
        side.inputs.append(InputFile(str(side.report_json), "report", size, sha))
    return side


def adapted_side(
    name: str,
    paths: list[Path],
    adapter: str,
    work_dir: Path,
    *,
    gaiji_tables: list[Path] | None = None,
    encoding: str | None = None,
    workers: int | None = 1,
    executor: str = "processes",
    scheduler: str | None = None,
) -> Side:
    """A side read from a vendor export through ``adapter`` (converted into ``work_dir``)."""
    from ..adapt.loader import load_adapter
    from ..pipeline import convert

    ad = load_adapter(adapter)
    inputs = _expand(paths, None)
    data: list[Path] = []
    tables = list(gaiji_tables or [])
    for f in inputs:
        if any(s.files and s.matches(f) for s in ad.sources.values()):
            data.append(f)
        elif f.suffix.lower() == ".tsv" and any(p.is_dir() for p in paths):
            tables.append(f)
        else:
            data.append(f)  # convert names the source it cannot match
    if not data:
        raise ReconcileError(f"{name.upper()}: no input files for adapter {adapter}")
    out = work_dir / f"{name}-converted"
    res = convert(ad, data, out, encoding=encoding, validate=True, gaiji_tables=tables, workers=workers,
                  executor=executor, scheduler=scheduler)  # fmt: skip
    side = Side(name, adapter=ad.name)
    for f in data:
        size, sha = sha256_file(f)
        side.inputs.append(InputFile(str(f), "source", size, sha))
    for t in tables:
        size, sha = sha256_file(t)
        side.inputs.append(InputFile(str(t), "gaiji_table", size, sha))
    for lid, o in sorted(res.outputs.items()):
        side.files.setdefault(o.layout or lid, []).append(Path(o.path))
    side.conversion = {
        "records_in": res.records_in,
        "records_out": res.records_out,
        "rejected": sum(f.rejected for f in res.files),
        "control": sum(f.control for f in res.files),
    }
    return side
