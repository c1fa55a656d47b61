"""Review round trip: the inventory CSV, filled in by an engineer, loads back as a mapping table.

The engineer edits ``target`` (code points ``U+845B U+E0104`` *or* the characters themselves),
``mj_name``, ``status`` (exact | identified | degraded | unmapped), and optionally ``basis`` and
``note``; other columns are ignored. Rows that carry no mapping are skipped: blank status with
no target, ``unmapped`` with no target, or a status that is not a table status
(``not_in_target`` — a character the receiver cannot store, kept as it is). Everything else is
checked exactly like a TSV table (duplicates, code points, IVS registration, MJ names), with
errors naming the sheet and its line. ``chukan-layout gaiji review SHEET.csv -o TABLE.tsv``
writes the result as a TSV table; ``--tables SHEET.csv`` also accepts the sheet directly.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import GaijiError
from .mj_index import MJIndex
from .table import MappingTable, Status, _add, entry_from_fields

_GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r")
_TABLE_STATUSES = {s.value for s in Status}


def _unguard(value: str) -> str:
    """Undo the spreadsheet formula guard the inventory writer added."""
    return value[1:] if value.startswith(_GUARDED) else value


def load_review_csv(path: str | Path, mj_index: MJIndex | None = None, *,
                    source_system: str | None = None) -> MappingTable:  # fmt: skip
    """Load a filled-in inventory sheet as a :class:`MappingTable`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Japanese Windows may save "CSV" as cp932; names still go through unchanged
        text = p.read_text(encoding="cp932")
    rows = csv.reader(text.splitlines())
    header = [h.strip() for h in next(rows, [])]
    for needed in ("source_code", "target", "status"):
        if needed not in header:
            raise GaijiError(f"{p}:1: review sheet lacks column {needed!r} (is this a gaiji scan inventory?)")
    table = MappingTable(path=str(p))
    for lineno, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {h: _unguard(c) for h, c in zip(header, cells, strict=False)}
        status = row.get("status", "").strip().lower()
        target = row.get("target", "").strip()
        if not target and (status in ("", Status.UNMAPPED.value) or status not in _TABLE_STATUSES):
            continue  # no mapping on this line
        if status and status not in _TABLE_STATUSES:
            raise GaijiError(f"{p}:{lineno}: status {status!r} with a target; use exact|identified|degraded")
        if not status:
            raise GaijiError(f"{p}:{lineno}: a target needs a status (exact|identified|degraded)")
        row["status"] = status
        if source_system is not None or not row.get("source_system", "").strip():
            if source_system is None:
                raise GaijiError(f"{p}:{lineno}: no source_system (give one with --source-system)")
            row["source_system"] = source_system
        _add(table, entry_from_fields(row, file=str(p), line=lineno, mj_index=mj_index, literal_target=True))
    return table
