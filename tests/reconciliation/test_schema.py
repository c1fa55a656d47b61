"""docs/reconcile.schema.json is current, and a real reconcile.json validates against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from chukan_layout.report.reconcile_write import reconcile_schema_text

REPO = Path(__file__).resolve().parents[2]


def test_committed_schema_is_current() -> None:
    committed = (REPO / "docs" / "reconcile.schema.json").read_text(encoding="utf-8")
    assert committed == reconcile_schema_text(), "regenerate: make docs"


def test_reconcile_json_validates(reconciled: Any) -> None:
    doc = json.loads(reconciled.paths["json"].read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(reconcile_schema_text()))
    assert doc["schema_version"] == "1.0" and doc["differences_total"] > 0
