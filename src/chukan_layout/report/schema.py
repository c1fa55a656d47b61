"""JSON Schema of ``report.json``, generated from :class:`~.model.Report`.

The committed copy lives at ``docs/report.schema.json``; ``make docs`` (tools/docs_schemas.py)
writes it and a test keeps it up to date.
"""

from __future__ import annotations

import json
from typing import Any

from .model import SCHEMA_VERSION, Report

SCHEMA_ID = f"https://chukan-layout.invalid/schemas/report-{SCHEMA_VERSION}.json"


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a ``report.json``."""
    schema = Report.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"chukan-layout sign-off report (schema_version {SCHEMA_VERSION})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as committed: sorted keys, UTF-8, two-space indent, final newline."""
    return json.dumps(report_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
