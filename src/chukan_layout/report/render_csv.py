"""``findings.csv``: the findings for spreadsheets (UTF-8 with BOM, CRLF, formula-safe).

Shape (documented in docs/reports.md): one ``summary`` row per (code, file, item) with its
count, followed by one ``sample`` row per kept sample (record number, masked value,
detail) of that key. Columns::

    row_type, severity, code, file, item, item_name, count, record, value, detail, summary_ja, summary_en

Every text cell is guarded against spreadsheet formula injection: a cell starting with
``= + - @`` TAB or CR gets a leading ``'`` (OWASP "CSV injection"). Integer cells (count,
record) are written as plain digits and never prefixed.
"""

from __future__ import annotations

import csv
import io

from ..files import guard_cell
from .model import Report

COLUMNS: tuple[str, ...] = (
    "row_type",
    "severity",
    "code",
    "file",
    "item",
    "item_name",
    "count",
    "record",
    "value",
    "detail",
    "summary_ja",
    "summary_en",
)
BOM = "\ufeff"


def render_csv(report: Report) -> str:
    """The CSV text (with BOM and CRLF); encode as UTF-8 to write."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for f in report.findings:
        base: list[str | int | None] = [f.severity, f.code, f.file, f.item, f.item_name]
        w.writerow(
            [guard_cell(c) for c in ["summary", *base, f.count, None, None, None, f.summary_ja, f.summary_en]]
        )
        for s in f.samples:
            w.writerow(
                [guard_cell(c) for c in ["sample", *base, None, s.record, s.value, s.detail, None, None]]
            )
    return BOM + buf.getvalue()
