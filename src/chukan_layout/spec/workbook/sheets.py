"""Read a workbook (xlsx) or CSV files into :class:`Sheet` grids of strings.

Cells stay strings: an integral number read from Excel (``15.0``) becomes ``"15"``, a date
``"2023-09-29"``; nothing else is touched (no NFKC, no trimming — callers compare header
labels stripped).  xlsx is read with python-calamine (the ``xlsx`` extra): it was the faster
of the two maintained readers on a 5,000-row workbook (``benchmarks/bench_workbook.py``) and,
unlike openpyxl's read-only mode, it reports merged cell ranges, which an import must refuse
in header rows.  ``engine="openpyxl"`` is kept for the benchmark and as a fallback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import SpecLoadError

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Sheet:
    """One sheet: ``rows[r][c]`` is the text of cell (r, c), 0-based; ``merged`` holds
    0-based inclusive ranges ``(row0, col0, row1, col1)``."""

    name: str
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def cell(self, r: int, c: int) -> str:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return ""

    def merged_at(self, r: int) -> tuple[int, int, int, int] | None:
        """The first merged range touching row ``r``, if any."""
        return next((m for m in self.merged if m[0] <= r <= m[2] and (m[1], m[0]) != (m[3], m[2])), None)


def col_letter(c: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def ref(sheet: str, r: int, c: int | None = None) -> str:
    """``sheet!B7`` for 0-based (r, c); ``sheet!7`` for a whole row."""
    return f"{sheet}!{r + 1}" if c is None else f"{sheet}!{col_letter(c)}{r + 1}"


def cell_text(v: Any) -> str:
    """A cell value as the string a person sees (integral floats without ``.0``)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise SpecLoadError(
            module, "reading or writing xlsx needs the xlsx extra: pip install 'chukan-layout[xlsx]'"
        ) from None


def _read_calamine(path: Path) -> list[Sheet]:
    pc = _need("python_calamine")
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken zips / XML
        raise SpecLoadError(str(path), f"cannot read workbook: {e}") from None
    out = []
    for name in book.sheet_names:
        sh = book.get_sheet_by_name(name)
        rows = [[cell_text(v) for v in row] for row in sh.to_python(skip_empty_area=False)]
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        out.append(Sheet(name, rows, merged))
    return out


def _read_openpyxl(path: Path) -> list[Sheet]:
    opx = _need("openpyxl")
    try:
        book = opx.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zipfile / XML errors of a broken file
        raise SpecLoadError(str(path), f"cannot read workbook: {e}") from None
    out = []
    for ws in book.worksheets:
        rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        out.append(Sheet(ws.title, rows))  # read-only mode cannot see merged ranges
    book.close()
    return out


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpecLoadError(str(path), "CSV is neither UTF-8 nor cp932")
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    return Sheet(path.stem, rows)


def read_book(paths: Sequence[Path | str], engine: str = "calamine") -> list[Sheet]:
    """The sheets of one xlsx, or of several CSV files (one sheet each, named by file stem)."""
    ps = [Path(p) for p in paths]
    for p in ps:
        if not p.is_file():
            raise SpecLoadError(str(p), "no such file")
    xl = [p for p in ps if p.suffix.lower() in XLSX_SUFFIXES]
    if xl:
        if len(ps) > 1:
            raise SpecLoadError(str(xl[0]), "give one xlsx workbook, or several CSV files (one per sheet)")
        return _read_openpyxl(xl[0]) if engine == "openpyxl" else _read_calamine(xl[0])
    return [_read_csv(p) for p in ps]
