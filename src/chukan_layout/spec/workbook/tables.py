"""Find a sheet's header row and read its rows as {field: (text, column)} by the profile labels.

Shared by the item, code-list, rule and relation sheets.  Every problem is a
:class:`SpecLoadError` whose ``item`` is ``sheet!cell`` — a missing column names the header
row, a merged header names its first cell, a duplicate label names the second column.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import SpecLoadError
from .sheets import Sheet, col_letter, ref


@dataclass
class Row:
    """One data row: 0-based index and field → (stripped text, 0-based column)."""

    sheet: str
    index: int
    cells: dict[str, tuple[str, int]]

    def text(self, field: str) -> str:
        return self.cells[field][0] if field in self.cells else ""

    def at(self, field: str | None = None) -> str:
        """``sheet!D7`` of the field's cell (``sheet!7`` for the row when the field has no column)."""
        if field is not None and field in self.cells:
            return ref(self.sheet, self.index, self.cells[field][1])
        return ref(self.sheet, self.index)


def matching_sheets(
    sheets: Sequence[Sheet], patterns: Sequence[str], exclude: Sequence[str] = ()
) -> list[Sheet]:
    """Sheets whose names match one of ``patterns`` and none of ``exclude`` (fnmatch, exact case)."""
    return [
        s
        for s in sheets
        if any(fnmatch.fnmatchcase(s.name, p) for p in patterns)
        and not any(fnmatch.fnmatchcase(s.name, p) for p in exclude)
    ]


def _labels(columns: Mapping[Any, Sequence[str]]) -> dict[str, str]:
    return {label: field for field, labels in columns.items() for label in labels}


def find_header(
    book: str,
    sheet: Sheet,
    header_row: int | str,
    columns: Mapping[Any, Sequence[str]],
    required: Sequence[str],
) -> tuple[int, dict[str, int]]:
    """(0-based header row, field → column); raises the first problem naming ``sheet!cell``."""
    labels = _labels(columns)
    if header_row == "auto":
        best, best_n = -1, 0
        for r, row in enumerate(sheet.rows):
            fields = {labels[c.strip()] for c in row if c.strip() in labels}
            if all(f in fields for f in required):
                best = r
                break
            if len(fields) > best_n:
                best, best_n = r, len(fields)
        if best < 0:
            want = " / ".join(columns[required[0]]) if required else "?"
            raise SpecLoadError(book, f"no header row: no cell reads {want}", item=ref(sheet.name, 0, 0))
        r = best
    else:
        r = int(header_row) - 1
    merged = sheet.merged_at(r)
    if merged is not None:
        a = f"{col_letter(merged[1])}{merged[0] + 1}:{col_letter(merged[3])}{merged[2] + 1}"
        raise SpecLoadError(
            book,
            f"merged header cells {a}: unmerge them so each column has one label",
            item=ref(sheet.name, r, merged[1]),
        )
    found: dict[str, int] = {}
    for c, text in enumerate(sheet.rows[r] if r < len(sheet.rows) else []):
        field = labels.get(text.strip())
        if field is None:
            continue
        if field in found:
            raise SpecLoadError(
                book,
                f"two columns mean {field}: {col_letter(found[field])} and {col_letter(c)} ({text.strip()!r})",
                item=ref(sheet.name, r, c),
            )
        found[field] = c
    missing = [f for f in required if f not in found]
    if missing:
        names = "; ".join(f"{f} ({' / '.join(columns[f])})" for f in missing)
        raise SpecLoadError(book, f"missing column: {names}", item=ref(sheet.name, r))
    return r, found


def data_rows(sheet: Sheet, header: int, cols: Mapping[str, int]) -> Iterator[Row]:
    """Rows after the header with at least one non-blank mapped cell.

    A cell inside a vertical merged range reads as the range's top value (Excel keeps the value
    there only), so a vertically merged 上位項目 applies to every row it spans."""
    fill: dict[tuple[int, int], str] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r1 > header and c0 == c1:  # vertical merges only: a wide merged cell is not repeated sideways
            for r in range(max(r0, header + 1), r1 + 1):
                for c in range(c0, c1 + 1):
                    fill[r, c] = sheet.cell(r0, c0)
    for r in range(header + 1, len(sheet.rows)):
        cells = {f: ((fill.get((r, c)) or sheet.cell(r, c)).strip(), c) for f, c in cols.items()}
        if any(t for t, _ in cells.values()):
            yield Row(sheet.name, r, cells)


def meta_values(sheet: Sheet, header: int, meta: Mapping[Any, Sequence[str]]) -> dict[str, tuple[str, str]]:
    """Label/value cells above the header: field → (value right of the label, ``sheet!cell``)."""
    labels = _labels(meta)
    out: dict[str, tuple[str, str]] = {}
    for r in range(min(header, len(sheet.rows))):
        row = sheet.rows[r]
        for c, text in enumerate(row):
            field = labels.get(text.strip())
            if field is None or field in out:
                continue
            value = next(((v.strip(), c2) for c2, v in enumerate(row) if c2 > c and v.strip()), None)
            if value is not None:
                out[field] = (value[0], ref(sheet.name, r, value[1]))
    return out
