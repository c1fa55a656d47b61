"""``manifest.csv`` and ``manifest.json``: what a generated town holds, for the tests to check against.

The CSV lists every injected fault (and every small-kana record of vendor A). The JSON adds
the run's parameters, every file with its size, SHA-256 and record count, the fault counts by
kind and the finding each kind should raise; it lists the rows too while there are at most
50,000 of them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import KINDS, MANIFEST_FIELDS, ManifestRow

if TYPE_CHECKING:
    from .generate import GenerateResult


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def write_manifest(
    out: Path, res: GenerateResult, params: dict[str, object], known: dict[Path, str]
) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "manifest.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\r\n")
        wr.writerow(MANIFEST_FIELDS)
        for m in res.manifest:
            wr.writerow([getattr(m, k) for k in MANIFEST_FIELDS])
    files = {}
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.name not in ("manifest.csv", "manifest.json"):
            rel = p.relative_to(out).as_posix()
            files[rel] = {
                "bytes": p.stat().st_size,
                "sha256": known.get(p) or _sha256(p),
                "records": res.records.get(rel),
            }
    doc = {
        "generator": "chukan-layout synth",
        "municipality": res.municipality,
        "params": params,
        "files": files,
        "fault_counts": dict(sorted(Counter(m.kind for m in res.manifest).items())),
        "expected_findings": {k: v for k, v in KINDS.items()},
        "rows": _ROWS if len(res.manifest) <= 50_000 else "see manifest.csv",
    }
    json_path = out / "manifest.json"
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if len(res.manifest) <= 50_000:
        text = text.replace(json.dumps(_ROWS), rows_json(res.manifest), 1)
    json_path.write_text(text + "\n", encoding="utf-8")
    return csv_path, json_path


_ROWS = "\x00rows\x00"  # placeholder: the rows are rendered by rows_json (same text, much faster)


def rows_json(rows: list[ManifestRow]) -> str:
    """The manifest rows exactly as ``json.dumps(..., ensure_ascii=False, indent=1)`` writes them
    at nesting depth 1 (json's indenting encoder is pure Python: ~40 µs a row)."""
    if not rows:
        return "[]"
    from json.encoder import encode_basestring as e

    assert MANIFEST_FIELDS == [
        "vendor",
        "file",
        "record",
        "field",
        "layout",
        "item",
        "golden_file",
        "golden_record",
        "kind",
        "expected",
        "detail",
    ]
    items = [
        f'  {{\n   "vendor": {e(m.vendor)},\n   "file": {e(m.file)},\n   "record": {int(m.record)},\n'
        f'   "field": {e(m.field)},\n   "layout": {e(m.layout)},\n   "item": {e(m.item)},\n'
        f'   "golden_file": {e(m.golden_file)},\n   "golden_record": {int(m.golden_record)},\n'
        f'   "kind": {e(m.kind)},\n   "expected": {e(m.expected)},\n   "detail": {e(m.detail)}\n  }}'
        for m in rows
    ]
    return "[\n" + ",\n".join(items) + "\n ]"
