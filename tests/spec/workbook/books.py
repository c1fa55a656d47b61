"""Build small official-table workbooks with openpyxl, independently of ``specs export``.

Two shapes, one per shipped profile: ``kihon-data-list`` (one 基本データリスト sheet + コード一覧)
and ``jlis-v27`` (データ項目一覧表 sheets per 移行ファイル + コード一覧表).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl

KIHON_BOOK = "001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx"

KIHON_HEADER = ["項番", "データ項目名", "項目ID", "データ型", "桁数", "必須", "コード", "説明", "キー"]
KIHON_ROWS: list[list[Any]] = [
    [1, "宛名番号", "ATENA_NO", "数字", 15, "○", "", "住民を一意に識別する番号", "○"],
    [2, "氏名", "SHIMEI", "文字列(全角)", 100, "○", "", "髙橋・山﨑のような異体字を含む", ""],
    [3, "氏名_フリガナ", "SHIMEI_KANA", "文字列(全角カナ)", 100, "", "", "", ""],
    [4, "性別", "SEIBETSU", "コード", 1, "○", "C001", "", ""],
    [5, "生年月日", "SEINENGAPPI", "日付(YYYY-MM-DD)", 10, "○", "", "昭和64年1月7日まで昭和", ""],
]
KIHON_CODES_HEADER = ["コードID", "コード名", "コード値", "コード値名称"]
KIHON_CODES: list[list[Any]] = [
    ["C001", "性別", "1", "男"],
    ["", "", "2", "女"],
    ["", "", "9", "不明"],
]


def kihon_rows(header: list[str] | None = None, rows: list[list[Any]] | None = None) -> list[list[Any]]:
    """The 基本データリスト sheet: title, label cells, blank, header, items."""
    return [
        ["基本データリスト"],
        ["業務名", "住民基本台帳"],
        ["データ名称", "住民"],
        [],
        header or KIHON_HEADER,
        *(rows if rows is not None else KIHON_ROWS),
    ]


def save_book(path: Path, sheets: dict[str, list[list[Any]]], merge: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for rng in (merge or {}).get(name, "").split():
            ws.merge_cells(rng)
    wb.save(path)
    return path


def kihon_book(tmp: Path, **overrides: Any) -> Path:
    sheets = {"基本データリスト": kihon_rows(), "コード一覧": [KIHON_CODES_HEADER, *KIHON_CODES]}
    sheets.update(overrides.pop("sheets", {}))
    return save_book(tmp / KIHON_BOOK, {k: v for k, v in sheets.items() if v is not None}, **overrides)


def kihon_expected() -> dict[str, Any]:
    """The layout the kihon book must import to (model_dump of Layout, exclude_none)."""
    src = f"{KIHON_BOOK} 基本データリスト!"

    def conf(row: int) -> dict[str, str]:
        return {"status": "confirmed", "source": f"{src}{row}"}

    return {
        "id": "juki.kihon",
        "gyomu": "住民基本台帳",
        "gyomu_id": "juki",
        "file_name": "juki_kihon.csv",
        "title": {"ja": "住民", "en": ""},
        "spec_version": "基本データリスト 第2.1版 (住民基本台帳, 2023-09-29)",
        "record_key": ["atena_no"],
        "items": [
            {
                "id": "atena_no",
                "name": "宛名番号",
                "type": "digits",
                "length": {"max": 15, "unit": "chars"},
                "charset": "digits",
                "required": True,
                "era_range": False,
                "sensitivity": "none",
                "description": "住民を一意に識別する番号",
                "provenance": conf(6),
            },
            {
                "id": "shimei",
                "name": "氏名",
                "type": "text",
                "length": {"max": 100, "unit": "chars"},
                "charset": "zenkaku",
                "required": True,
                "era_range": False,
                "sensitivity": "none",
                "description": "髙橋・山﨑のような異体字を含む",
                "provenance": conf(7),
            },
            {
                "id": "shimei_kana",
                "name": "氏名_フリガナ",
                "type": "text",
                "length": {"max": 100, "unit": "chars"},
                "charset": "zenkaku_kana",
                "required": False,
                "era_range": False,
                "sensitivity": "none",
                "provenance": conf(8),
            },
            {
                "id": "seibetsu",
                "name": "性別",
                "type": "code",
                "length": {"max": 1, "unit": "chars"},
                "charset": "any",
                "required": True,
                "codes": "c001",
                "era_range": False,
                "sensitivity": "none",
                "provenance": conf(9),
            },
            {
                "id": "seinengappi",
                "name": "生年月日",
                "type": "date",
                "length": {"max": 10, "unit": "chars"},
                "charset": "any",
                "required": True,
                "era_range": False,
                "sensitivity": "none",
                "description": "昭和64年1月7日まで昭和",
                "provenance": conf(10),
            },
        ],
        "rules": [],
        "relations": [],
        "provenance": {"status": "confirmed", "source": f"{KIHON_BOOK} 基本データリスト"},
        "edition": {
            "book": KIHON_BOOK,
            "gyomu_no": "001",
            "gyomu": "住民基本台帳",
            "edition": "第2.1版",
            "date": "2023-09-29",
        },
    }


JLIS_BOOK = "住民基本台帳_データ項目一覧表【V2.7】.xlsx"
JLIS_HEADER = [
    "No.",
    "項目名称",
    "項目ID",
    "データ型",
    "桁数",
    "桁数単位",
    "必須",
    "繰返し",
    "コード表",
    "備考",
]


def jlis_book(tmp: Path) -> Path:
    setai = [
        ["業務", "住民基本台帳"],
        ["移行ファイル名", "SETAI.csv"],
        ["レイアウトID", "juki.setai_v27"],
        ["レコードキー", "setai_no"],
        [],
        JLIS_HEADER,
        [1, "世帯番号", "setai_no", "数字", 15, "", "○", "", "", ""],
        [
            2,
            "世帯主氏名",
            "setainushi_shimei",
            "全角文字",
            80,
            "バイト(cp932)",
            "○",
            "",
            "",
            "ＭＳ明朝で印字",
        ],
        [3, "続柄コード", "zokugara_code", "コード", 2, "", "", 2, "続柄", ""],
    ]
    codes = [
        ["コード表ID", "コード表名", "コード", "名称"],
        ["zokugara", "続柄", "02", "世帯主"],
        ["", "", "20", "子"],
    ]
    return save_book(tmp / JLIS_BOOK, {"データ項目一覧表(世帯)": setai, "コード一覧表": codes})


def write_csvs(tmp: Path) -> list[Path]:
    """The kihon book as two CSV files (UTF-8 with BOM and cp932): one sheet each."""
    items = tmp / "基本データリスト.csv"
    with items.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(kihon_rows())
    codes = tmp / "コード一覧.csv"
    with codes.open("w", encoding="cp932", newline="") as f:
        csv.writer(f).writerows([KIHON_CODES_HEADER, *KIHON_CODES])
    return [items, codes]
