"""Read the official MJ文字情報一覧表 workbook (``mji.00602.xlsx``) — only with openpyxl installed.

The workbook adds columns the 8-column TSV lacks (戸籍統一文字番号, 住基ネット統一文字コード).
Columns are found by their header text, so the column order does not matter. openpyxl is an
optional dependency (``pip install openpyxl``); the workbook is Strict OOXML, which some openpyxl
versions cannot open — both cases end in a clear :class:`GaijiError`, and the TSV alone is enough
for every lookup the stage needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import GaijiError

HEADERS = {
    "MJ文字図形名": "name", "対応するUCS": "ucs", "実装したUCS": "implemented",
    "実装したMoji_JohoコレクションIVS": "ivs", "実装したSVS": "svs", "対応する互換漢字": "compat",
    "X0213": "x0213", "漢字施策": "policy", "戸籍統一文字番号": "koseki", "住基ネット統一文字コード": "juki",
}  # fmt: skip


def parse_mj_xlsx(path: str | Path) -> list[Any]:
    """Rows of the workbook's first sheet as :class:`~.mj_index.MJChar`."""
    from .mj_index import MJChar, _cp, _seqs

    p = Path(path)
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        raise GaijiError(
            f"{p}: reading the MJ xlsx needs openpyxl (pip install openpyxl); "
            "or build the index from the 8-column TSV with --mj-list"
        ) from None
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types (Strict OOXML, zip errors)
        raise GaijiError(
            f"{p}: openpyxl cannot read this workbook ({type(e).__name__}: {e}); use --mj-list"
        ) from None
    rows = wb.worksheets[0].iter_rows(values_only=True)
    cols: dict[str, int] = {}
    for header in rows:  # the header may not be the first row (title rows above it)
        cells = [str(c).strip() if c is not None else "" for c in header]
        cols = {HEADERS[c]: i for i, c in enumerate(cells) if c in HEADERS}
        if "name" in cols:
            break
    if "name" not in cols or "ucs" not in cols:
        raise GaijiError(f"{p}: no MJ文字図形名 / 対応するUCS header found in the first sheet")
    out = []
    for n, row in enumerate(rows, start=2):

        def cell(key: str, row: tuple[Any, ...] = row) -> str:
            i = cols.get(key)
            return "" if i is None or i >= len(row) or row[i] is None else str(row[i]).strip()

        name = cell("name")
        if not name.startswith("MJ"):
            continue
        try:
            out.append(MJChar(name, _cp(cell("ucs")) if cell("ucs") else "",
                              _cp(cell("implemented")) if cell("implemented") else "", _seqs(cell("ivs")),
                              _seqs(cell("svs")), _cp(cell("compat")) if cell("compat") else "", cell("x0213"),
                              cell("policy"), cell("koseki"), cell("juki")))  # fmt: skip
        except ValueError as e:
            raise GaijiError(f"{p}: row {n}: malformed cell ({e})") from None
    wb.close()
    return out
