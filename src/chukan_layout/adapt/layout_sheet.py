"""A vendor's record layout sheet (レコードレイアウト表) → a record ``definition:`` block.

The sheet is xlsx, CSV, a Markdown pipe table or an HTML ``<table>``.  Above the table, label/value cells describe
the file (ファイル, 形式, 文字コード, レコード形式, レコード長, 区分項目); the table has one row per
field with columns like レコード / 区分 / 区分値 / 項目名 / 項目ID / 開始 / 桁数 / 属性 / 小数 / 備考.
A blank レコード / 区分 / 区分値 cell continues the record type above.  Positions must tile each
record exactly — from byte 1, no gap, no overlap, up to the レコード長 — a 予備 / FILLER row
covers unused bytes; every violation is an error naming ``sheet!row``.  備考 ``件数`` marks a
trailer's count field and ``合計:FIELD`` a control total of data field FIELD.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ..errors import DefinitionError, SpecLoadError
from ..readers.definition import CsvDefinition, FixedWidthDefinition, RecordDefinition
from ..spec.workbook.sheets import Sheet, read_book, ref
from ..spec.workbook.tables import Row, data_rows, find_header, meta_values


class SheetProfile(BaseModel):
    """Header and label words of a layout sheet (``--profile PATH`` replaces them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    columns: dict[str, list[str]] = {
        "record": ["レコード", "レコード種別", "レコード名"],
        "role": ["区分", "レコード区分"],
        "match": ["区分値", "識別値"],
        "name": ["項目名", "項目名称"],
        "field": ["項目ID", "フィールド名", "項目コード"],
        "start": ["開始", "開始位置", "位置"],
        "length": ["桁数", "長さ", "バイト数"],
        "type": ["属性", "型"],
        "scale": ["小数", "小数桁"],
        "note": ["備考"],
    }
    required_columns: list[str] = ["name"]
    meta: dict[str, list[str]] = {
        "file": ["ファイル", "ファイル名"],
        "format": ["形式"],
        "name": ["定義名"],
        "encoding": ["文字コード"],
        "framing": ["レコード形式"],
        "record_length": ["レコード長"],
        "type_field": ["区分項目"],
        "delimiter": ["区切り文字"],
        "header": ["見出し行"],
    }
    roles: dict[str, str] = {
        "ヘッダ": "header",
        "ヘッダー": "header",
        "データ": "data",
        "トレーラ": "trailer",
        "トレーラー": "trailer",
        "エンド": "end",
        "header": "header",
        "data": "data",
        "trailer": "trailer",
        "end": "end",
    }
    types: dict[str, str] = {
        "X": "X",
        "N": "N",
        "K": "N",  # 漢字
        "J": "N",  # 日本語
        "M": "M",
        "9": "9",
        "S": "S",
        "P": "P",
        "B": "B",
        "文字": "X",
        "英数": "X",
        "漢字": "N",
        "混在": "M",
        "ゾーン": "9",
        "符号付ゾーン": "S",
        "パック": "P",
        "バイナリ": "B",
    }
    fillers: list[str] = ["予備", "FILLER", "空き", "ブランク", "未使用"]


def read_markdown(path: Path) -> Sheet:
    """A Markdown file as one sheet: ``label: value`` lines become two cells, pipe-table rows split."""
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue  # the |---|---| separator
            rows.append(cells)
        else:
            m = _LABEL.match(s)
            rows.append([m.group(1), m.group(2)] if m else [s])
    return Sheet(path.stem, rows)


class _HtmlRows(HTMLParser):
    """Rows of an HTML page: each ``<tr>`` gives its cells, each text block outside a table one row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._text: list[str] = []
        self._depth = 0  # inside <table>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._flush()
            self._depth += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("p", "li", "div", "br", "h1", "h2", "h3") and not self._depth:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._depth = max(0, self._depth - 1)
        elif tag in ("p", "li", "div", "h1", "h2", "h3") and not self._depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth:
            self._text.append(data)

    def _flush(self) -> None:
        text = "".join(self._text).strip()
        self._text = []
        if text:
            m = _LABEL.match(text)
            self.rows.append([m.group(1), m.group(2)] if m else [text])


_LABEL = re.compile(r"^[-*]?\s*([^:：|]+?)\s*[:：]\s*(.+)$")


def read_html(path: Path) -> Sheet:
    """An HTML page as one sheet (tables → rows of cells; ``label: value`` paragraphs → two cells)."""
    parser = _HtmlRows()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    parser._flush()
    return Sheet(path.stem, parser.rows)


def read_sheets(path: Path | str) -> list[Sheet]:
    """The sheets of a layout book: xlsx (every sheet), CSV, Markdown (pipe table) or HTML (``<table>``)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".md", ".markdown", ".html", ".htm"):
        if not p.is_file():
            raise SpecLoadError(str(p), "no such file")
        return [read_markdown(p) if suffix in (".md", ".markdown") else read_html(p)]
    return read_book([p])


class _Records:
    """Record types in sheet order, collecting fields and checking that positions tile."""

    def __init__(self, book: str, prof: SheetProfile) -> None:
        self.book, self.prof = book, prof
        self.types: dict[str, dict[str, Any]] = {}
        self.next_pos: dict[str, int] = {}
        self.last_row: dict[str, Row] = {}
        self.filler_end: dict[str, int] = {}

    def error(self, where: str, msg: str) -> DefinitionError:
        return DefinitionError(f"{where}: {msg}", file=self.book)

    def add(self, row: Row, rec: str, role: str, match: str) -> None:
        rt = self.types.setdefault(rec, {"name": rec, "role": role, "fields": [], "control": {}})
        if match:
            rt["match"] = match
        pos = self.next_pos.get(rec, 1)
        start = _int(self, row, "start") if row.text("start") else pos
        length = _int(self, row, "length")
        if start > pos:
            raise self.error(row.at("start"), f"gap: bytes {pos}–{start - 1} of record {rec} are not covered")
        if start < pos:
            raise self.error(
                row.at("start"),
                f"overlap: starts at byte {start} but record {rec} is filled to byte {pos - 1}",
            )
        self.next_pos[rec] = start + length
        self.last_row[rec] = row
        field = row.text("field")
        if (not field and (row.text("name") in self.prof.fillers)) or field.upper() == "FILLER":
            self.filler_end[rec] = start + length - 1
            return
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field):
            raise self.error(
                row.at("field"), f"項目ID {field!r} must be an ASCII field name (letters, digits, _)"
            )
        f: dict[str, Any] = {"name": field, "start": start, "length": length}
        typ = row.text("type")
        if typ:
            if typ not in self.prof.types:
                raise self.error(row.at("type"), f"unknown 属性 {typ!r}; known: {', '.join(self.prof.types)}")
            if self.prof.types[typ] != "X":
                f["type"] = self.prof.types[typ]
        if row.text("scale") and row.text("scale") != "0":
            f["scale"] = _int(self, row, "scale")
        rt["fields"].append(f)
        note = row.text("note")
        if note == "件数":
            rt["control"]["count"] = field
        elif note.startswith(("合計:", "合計：")):
            rt["control"].setdefault("totals", {})[field] = note[3:].strip()


def _int(recs: _Records, row: Row, field: str) -> int:
    t = row.text(field)
    if not re.fullmatch(r"\d+", t):
        raise recs.error(row.at(field), f"{field} {t!r} is not a whole number")
    return int(t)


def sheet_definition(
    sheet: Sheet, book: str, prof: SheetProfile | None = None
) -> tuple[FixedWidthDefinition | CsvDefinition, dict[str, str], dict[str, str]]:
    """(definition, meta, field → 項目名) of one layout sheet."""
    prof = prof or SheetProfile()
    try:
        hdr, cols = find_header(book, sheet, "auto", prof.columns, prof.required_columns)
    except SpecLoadError as e:
        raise DefinitionError(f"{e.item}: {e.problem}", file=book) from None
    meta = {k: v[0] for k, v in meta_values(sheet, hdr, prof.meta).items()}
    rows = list(data_rows(sheet, hdr, cols))
    if not rows:
        raise DefinitionError(f"{ref(sheet.name, hdr + 1)}: no field rows under the header", file=book)
    labels = {(r.text("field") or r.text("name")): r.text("name") for r in rows}
    is_csv = meta.get("format", "").upper() == "CSV" or ("start" not in cols and "length" not in cols)
    d: dict[str, Any] = {"kind": "csv" if is_csv else "fixed_width"}
    for k in ("name", "encoding"):
        if meta.get(k):
            d[k] = meta[k]
    if is_csv:
        d["columns"] = [r.text("field") or r.text("name") for r in rows]
        if meta.get("delimiter"):
            d["delimiter"] = {"TAB": "\t", "タブ": "\t"}.get(meta["delimiter"], meta["delimiter"])
        if meta.get("header"):
            d["header"] = meta["header"] in ("有", "あり", "true", "yes")
        if meta.get("framing"):
            d["newline"] = meta["framing"].lower()
    else:
        d.update(_fixed(sheet, book, prof, rows, meta))
    try:
        definition = TypeAdapter(RecordDefinition).validate_python(d)
    except ValidationError as e:
        err = e.errors()[0]
        raise DefinitionError(f"{sheet.name}: {err['msg']}".replace("Value error, ", ""), file=book) from None
    return definition, meta, labels


def _fixed(
    sheet: Sheet, book: str, prof: SheetProfile, rows: list[Row], meta: dict[str, str]
) -> dict[str, Any]:
    recs = _Records(book, prof)
    rec, role, match = "", "data", ""
    for row in rows:
        if row.text("record"):
            rec, match = row.text("record"), ""
            role = prof.roles.get(row.text("role") or "データ", "")
            if not role:
                raise recs.error(
                    row.at("role"), f"unknown 区分 {row.text('role')!r}; known: {', '.join(prof.roles)}"
                )
        match = row.text("match") or match
        recs.add(row, rec or "REC", role, match)
    out: dict[str, Any] = {}
    if meta.get("framing"):
        out["framing"] = meta["framing"].lower()
    length = int(meta["record_length"]) if meta.get("record_length", "").isdigit() else None
    types = []
    for name, rt in recs.types.items():
        end = recs.next_pos[name] - 1
        if length is not None and end != length:
            raise recs.error(
                recs.last_row[name].at(),
                f"record {name} ends at byte {end} but レコード長 is {length}; add a 予備 row",
            )
        if length is not None or (name in recs.filler_end and recs.filler_end[name] == end):
            rt["length"] = end
        if not rt["control"]:
            del rt["control"]
        types.append(rt)
    out["record_types"] = types
    if len(types) > 1:
        tf = meta.get("type_field", "")
        f = next((f for rt in types for f in rt["fields"] if f["name"] == tf), None)
        if f is None:
            raise recs.error(
                ref(sheet.name, 0, 0),
                f"several record types need a 区分項目 cell naming the field that holds the 区分値 (got {tf!r})",
            )
        out["record_type_field"] = {"start": f["start"], "length": f["length"]}
    return out
