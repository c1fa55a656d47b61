"""Sign-off reports: the :class:`Report` model and its JSON / HTML / CSV renderings.

The pipeline builds a report with :func:`build_report` from a merged
:class:`~chukan_layout.findings.FindingSet` and the plain dataclasses of
:mod:`chukan_layout.report.inputs`, then calls :func:`write_reports`. ``report.json`` is
the source of truth; ``chukan-layout report REPORT.json -o DIR`` re-renders the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..files import atomic_output, sha256_file
from .build import build_report, generated_at, item_names_for
from .inputs import FileCounts, GaijiCounts, InputInfo, LayoutInfo, OutputInfo, TrailerCheck
from .model import SCHEMA_VERSION, Report, Thresholds
from .render_csv import render_csv
from .render_html import render_html
from .render_json import load_report, render_json

__all__ = [
    "SCHEMA_VERSION",
    "FileCounts",
    "GaijiCounts",
    "InputInfo",
    "LayoutInfo",
    "OutputInfo",
    "Report",
    "Thresholds",
    "TrailerCheck",
    "build_report",
    "generated_at",
    "item_names_for",
    "load_report",
    "render_csv",
    "render_html",
    "render_json",
    "sha256_file",
    "write_reports",
]

FILE_NAMES = {"json": "report.json", "html": "report.html", "csv": "findings.csv"}
_RENDER = {"json": render_json, "html": render_html, "csv": render_csv}


def write_reports(
    report: Report, out_dir: str | Path, formats: Iterable[str] = ("json", "html", "csv")
) -> dict[str, Path]:
    """Write report.json / report.html / findings.csv into ``out_dir``; returns format → path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fmt in formats:
        if fmt not in _RENDER:
            raise ValueError(f"unknown report format {fmt!r}; valid: {', '.join(_RENDER)}")
        path = out / FILE_NAMES[fmt]
        with atomic_output(path) as f:
            f.write(_RENDER[fmt](report).encode("utf-8"))
        written[fmt] = path
    return written
