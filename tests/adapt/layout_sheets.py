"""Write a vendor's shipped record definitions back as the layout sheets a vendor would hand over
(xlsx for A, CSV for B, Markdown for C), for the scaffold round trip."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from chukan_layout.adapt.registry import resolve_adapter
from chukan_layout.readers.definition import CsvDefinition, FixedWidthDefinition
from chukan_layout.spec.registry import load_layout

PROFILES = Path(__file__).resolve().parents[2] / "src" / "chukan_layout" / "synth" / "profiles"
HEADER = ["レコード", "区分", "区分値", "項目名", "項目ID", "開始", "桁数", "属性", "小数", "備考"]
ROLE_WORD = {"header": "ヘッダ", "data": "データ", "trailer": "トレーラ", "end": "エンド"}


def shipped(vendor: str) -> list[tuple[str, Any]]:
    """(file name, definition model) of every file of a shipped vendor profile."""
    from pydantic import TypeAdapter

    from chukan_layout.readers.definition import RecordDefinition

    data = yaml.safe_load((PROFILES / f"vendor_{vendor}.yaml").read_text(encoding="utf-8"))
    ta = TypeAdapter(RecordDefinition)
    return [(f["name"], ta.validate_python(f["definition"])) for f in data["files"]]


def item_names(vendor: str) -> dict[str, str]:
    """source field → 項目名称 of the layout item the shipped adapter maps it to."""
    data = yaml.safe_load(resolve_adapter(f"vendor_{vendor}").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for t in data["targets"]:
        layout = load_layout(t["layout"]).spec
        for item, m in t["items"].items():
            src = m if isinstance(m, str) else m.get("from") if isinstance(m, dict) else None
            if isinstance(src, str):
                out.setdefault(src, layout.item(item).name)
    return out


def fixed_rows(file: str, d: FixedWidthDefinition, names: dict[str, str]) -> list[list[Any]]:
    lengths = {rt.length for rt in d.record_types}
    rec_len = next(iter(lengths)) if len(lengths) == 1 and None not in lengths else None
    rows: list[list[Any]] = [
        ["ファイル", file],
        ["定義名", d.name],
        ["文字コード", d.encoding],
        ["レコード形式", d.framing.value],
    ]
    if rec_len:
        rows.append(["レコード長", rec_len])
    if d.record_type_field is not None:
        tf = d.record_type_field
        kbn = next(f.name for f in d.record_types[0].fields if (f.start, f.length) == (tf.start, tf.length))
        rows.append(["区分項目", kbn])
    rows += [[], HEADER]
    for rt in d.record_types:
        notes = {rt.control.count: "件数"} if rt.control and rt.control.count else {}
        notes.update({k: f"合計:{v}" for k, v in (rt.control.totals if rt.control else {}).items()})
        for i, f in enumerate(rt.fields):
            head = [rt.name, ROLE_WORD[rt.role.value], rt.match or ""] if i == 0 else ["", "", ""]
            rows.append(
                [
                    *head,
                    names.get(f.name, f.name),
                    f.name,
                    f.start,
                    f.length,
                    f.type.value,
                    f.scale or "",
                    notes.get(f.name, ""),
                ]
            )
        end = max(f.end for f in rt.fields)
        if rt.length is not None and rt.length > end:
            rows.append(["", "", "", "予備", "", end + 1, rt.length - end, "X", "", ""])
    return rows


def csv_rows(file: str, d: CsvDefinition) -> list[list[Any]]:
    return [
        ["ファイル", file],
        ["形式", "CSV"],
        ["定義名", d.name],
        ["文字コード", d.encoding],
        ["レコード形式", d.newline],
        ["見出し行", "有" if d.header else "無"],
        [],
        ["No.", "項目名", "備考"],
        *[[i, c, ""] for i, c in enumerate(d.columns or [], 1)],
    ]


def vendor_a_book(tmp: Path) -> Path:
    names = item_names("a")
    wb = openpyxl.Workbook()
    wb.active.title = "表紙"  # a cover sheet without a layout table: skipped
    wb.active.append(["レコードレイアウト", "vendor_a 住民記録"])
    for file, d in shipped("a"):
        ws = wb.create_sheet(file.replace(".", "_"))
        for r in fixed_rows(file, d, names):
            ws.append(r)
    p = tmp / "vendor_a_レコードレイアウト.xlsx"
    wb.save(p)
    return p


def vendor_b_csv(tmp: Path, file: str, d: CsvDefinition) -> Path:
    p = tmp / f"{Path(file).stem}_layout.csv"
    with p.open("w", encoding="cp932", newline="") as f:
        csv.writer(f).writerows(csv_rows(file, d))
    return p


def vendor_c_markdown(tmp: Path, file: str, d: FixedWidthDefinition) -> Path:
    rows = fixed_rows(file, d, item_names("c"))
    lines = []
    for r in rows:
        if len(r) == 2:
            lines.append(f"- {r[0]}: {r[1]}")
        elif r == HEADER:
            lines += ["", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        elif r:
            lines.append("| " + " | ".join(str(c) for c in r) + " |")
    p = tmp / f"{Path(file).stem}_layout.md"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def vendor_html(tmp: Path, file: str, d: FixedWidthDefinition, vendor: str) -> Path:
    """The layout as an HTML page: label paragraphs, then one <table>."""
    import html

    rows = fixed_rows(file, d, item_names(vendor))
    parts = ["<html><body><h1>レコードレイアウト</h1>"]
    body = []
    for r in rows:
        if len(r) == 2:
            parts.append(f"<p>{html.escape(str(r[0]))}：{html.escape(str(r[1]))}</p>")
        elif r:
            tag = "th" if r == HEADER else "td"
            body.append("<tr>" + "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in r) + "</tr>")
    parts.append("<table>" + "\n".join(body) + "</table></body></html>")
    p = tmp / f"{Path(file).stem}_layout.html"
    p.write_text("\n".join(parts), encoding="utf-8")
    return p
