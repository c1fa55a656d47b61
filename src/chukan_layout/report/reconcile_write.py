"""Write the reconcile report kind: ``reconcile.json`` (source of truth) and ``reconcile.html``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..files import atomic_output
from .reconcile_model import RECONCILE_SCHEMA_VERSION, ReconcileReport
from .render_reconcile import render_reconcile_html

FILE_NAMES = {"json": "reconcile.json", "html": "reconcile.html"}


def render_reconcile_json(report: ReconcileReport) -> str:
    """Deterministic JSON (model field order, UTF-8 text, two-space indent, final newline)."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_reconcile_reports(report: ReconcileReport, out_dir: str | Path) -> dict[str, Path]:
    """Write reconcile.json and reconcile.html into ``out_dir`` (atomically); returns format → path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt, render in (("json", render_reconcile_json), ("html", render_reconcile_html)):
        path = out / FILE_NAMES[fmt]
        with atomic_output(path) as f:
            f.write(render(report).encode("utf-8"))
        written[fmt] = path
    return written


def reconcile_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``reconcile.json`` (committed as docs/reconcile.schema.json by ``make docs``)."""
    schema = ReconcileReport.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://chukan-layout.invalid/schemas/reconcile-{RECONCILE_SCHEMA_VERSION}.json",
        "title": f"chukan-layout reconcile report (schema_version {RECONCILE_SCHEMA_VERSION})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def reconcile_schema_text() -> str:
    return json.dumps(reconcile_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
