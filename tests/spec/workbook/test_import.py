"""specs import: workbooks built with openpyxl in both profile shapes, CSV books, broken books."""

from __future__ import annotations

from pathlib import Path

import pytest

from chukan_layout.spec.workbook.importer import import_book
from chukan_layout.spec.workbook.profile import load_profile, profile_names

from .books import (
    JLIS_BOOK,
    KIHON_BOOK,
    KIHON_HEADER,
    KIHON_ROWS,
    jlis_book,
    kihon_book,
    kihon_expected,
    kihon_rows,
    write_csvs,
)

KIHON = load_profile("kihon-data-list")
JLIS = load_profile("jlis-v27")


def test_shipped_profiles_say_they_are_modelled() -> None:
    assert set(profile_names()) >= {"jlis-v27", "kihon-data-list"}
    for p in (KIHON, JLIS):
        assert p.status == "modelled" and p.confirm
        from chukan_layout.spec.workbook.profile import PROFILES_DIR

        head = (PROFILES_DIR / f"{p.profile}.yaml").read_text(encoding="utf-8").splitlines()[:12]
        assert any("MODELLED FROM PUBLIC DESCRIPTIONS" in line for line in head)
        assert any("CONFIRM" in line for line in head)


def test_kihon_book_imports_to_the_expected_layout(tmp_path: Path) -> None:
    r = import_book([kihon_book(tmp_path)], KIHON)
    assert r.problems == []
    (lay,) = r.layouts
    assert lay.model_dump(mode="json", exclude_none=True) == kihon_expected()
    (codes,) = r.codes
    assert codes.id == "c001" and codes.name == "性別"
    assert [(v.code, v.name) for v in codes.values] == [("1", "男"), ("2", "女"), ("9", "不明")]
    assert codes.provenance.status == "confirmed" and codes.provenance.source.endswith("コード一覧!2")


def test_csv_book_imports_the_same_items(tmp_path: Path) -> None:
    r = import_book(write_csvs(tmp_path), KIHON)
    assert r.problems == []
    want = kihon_expected()["items"]
    got = r.layouts[0].model_dump(mode="json", exclude_none=True)["items"]
    strip = lambda items: [{k: v for k, v in it.items() if k != "provenance"} for it in items]  # noqa: E731
    assert strip(got) == strip(want)
    assert r.layouts[0].items[0].provenance.source == "基本データリスト.csv 基本データリスト!6"  # type: ignore[union-attr]
    assert r.layouts[0].edition is not None and r.layouts[0].edition.gyomu == "住民基本台帳"


def test_jlis_book_bytes_repeat_and_labels(tmp_path: Path) -> None:
    r = import_book([jlis_book(tmp_path)], JLIS)
    assert r.problems == []
    (lay,) = r.layouts
    assert lay.id == "juki.setai_v27" and lay.file_name == "SETAI.csv" and lay.record_key == ["setai_no"]
    assert lay.edition is not None and lay.edition.edition == "V2.7"
    assert lay.spec_version == "中間標準レイアウト仕様 V2.7 (住民基本台帳)"
    assert [it.id for it in lay.items] == [
        "setai_no",
        "setainushi_shimei",
        "zokugara_code_1",
        "zokugara_code_2",
    ]
    assert [it.name for it in lay.items][2:] == ["続柄コード1", "続柄コード2"]
    nushi = lay.item("setainushi_shimei")
    assert nushi.length is not None and (nushi.length.unit.value, nushi.length.encoding) == ("bytes", "cp932")
    assert nushi.description == "備考: ＭＳ明朝で印字"
    assert lay.item("zokugara_code_2").codes == "zokugara"
    assert nushi.provenance.source == f"{JLIS_BOOK} データ項目一覧表(世帯)!8"  # type: ignore[union-attr]


def _errors(tmp: Path, **kw: object) -> list[str]:
    r = import_book([kihon_book(tmp, **kw)], KIHON)
    assert r.layouts == [] or r.problems
    return [str(p) for p in r.problems]


@pytest.mark.parametrize(
    ("case", "want"),
    [
        ("missing_column", "基本データリスト!5: missing column: type (データ型)"),
        ("unknown_type", "基本データリスト!D7: unknown type word '文字列(全角X)'"),
        ("merged_header", "基本データリスト!B5: merged header cells B5:C5"),
        ("duplicate_id", "基本データリスト!C8: duplicate item ID 'atena_no' (first at 基本データリスト!C6)"),
        (
            "no_code_sheet",
            "基本データリスト!G9: code table 'C001': the book has no code sheet matching コード*",
        ),
        ("bad_length", "基本データリスト!E6: '15桁' is not a whole number"),
        ("bad_required", "基本データリスト!F7: cannot read '要' as yes/no"),
        ("unknown_code_table", "基本データリスト!G9: code table 'C999' is not in the code sheets"),
    ],
)
def test_broken_books_name_sheet_and_cell(tmp_path: Path, case: str, want: str) -> None:
    rows = [list(r) for r in KIHON_ROWS]
    kw: dict[str, object] = {}
    if case == "missing_column":
        header = [h for h in KIHON_HEADER if h != "データ型"]
        rows = [r[:3] + r[4:] for r in rows]
        kw["sheets"] = {"基本データリスト": kihon_rows(header, rows)}
    elif case == "merged_header":
        kw["merge"] = {"基本データリスト": "B5:C5"}
    elif case == "no_code_sheet":
        kw["sheets"] = {"コード一覧": None}
    else:
        row, col, value = {
            "unknown_type": (1, 3, "文字列(全角X)"),
            "duplicate_id": (2, 2, "ATENA_NO"),
            "bad_length": (0, 4, "15桁"),
            "bad_required": (1, 5, "要"),
            "unknown_code_table": (3, 6, "C999"),
        }[case]
        rows[row][col] = value
        kw["sheets"] = {"基本データリスト": kihon_rows(rows=rows)}
    errors = _errors(tmp_path, **kw)
    assert any(want in e for e in errors), errors
    assert all(e.startswith(f"{KIHON_BOOK}: 基本データリスト!") for e in errors), errors


def test_jlis_header_missing_in_a_second_sheet_names_it(tmp_path: Path) -> None:
    from .books import save_book

    book = save_book(
        tmp_path / JLIS_BOOK,
        {
            "データ項目一覧表(住民)": [
                ["業務", "住民基本台帳"],
                ["レコードキー", "a"],
                [],
                ["項目名称", "データ型"],
                ["宛名番号", "数字"],
            ],
            "コード一覧表": [["コード表ID", "コード", "名称"], ["x", "1", "一"]],
        },
    )
    errors = [str(p) for p in import_book([book], JLIS).problems]
    assert errors == [f"{JLIS_BOOK}: データ項目一覧表(住民)!4: missing column: id (項目ID / 項目ＩＤ)"]


def test_own_profile_by_path_and_one_sheet(tmp_path: Path) -> None:
    """--profile PATH: a copy of kihon-data-list with other header words; --sheet picks one sheet."""
    import yaml
    from click.testing import CliRunner

    from chukan_layout.cli import main
    from chukan_layout.spec.workbook.profile import PROFILES_DIR

    from .books import KIHON_CODES, save_book

    doc = yaml.safe_load((PROFILES_DIR / "kihon-data-list.yaml").read_text(encoding="utf-8"))
    doc["profile"] = "my-city"
    doc["items"]["sheets"] = ["項目*"]
    doc["items"]["columns"]["name"] = ["論理名称"]
    doc["types"].append({"word": "全角", "type": "text", "charset": "zenkaku"})
    prof = tmp_path / "my.yaml"
    prof.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    header = ["項番", "論理名称", "項目ID", "データ型", "桁数", "必須", "コード", "説明", "キー"]
    rows = [list(r) for r in KIHON_ROWS]
    rows[1][3] = "全角"
    book = save_book(
        tmp_path / KIHON_BOOK,
        {
            "項目A": kihon_rows(header, rows),
            "項目B": kihon_rows(header, rows[:1]),
            "コード一覧": [["コードID", "コード名", "コード値", "コード値名称"], *KIHON_CODES],
        },
    )
    out = tmp_path / "out"
    args = ["specs", "import", str(book), "--profile", str(prof), "--sheet", "項目B", "-o", str(out)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert [p.name for p in out.glob("*.yaml")] == ["juki.kihon.yaml"]
    r = import_book([book], load_profile(prof), only=["項目A"])
    assert r.problems == [] and r.layouts[0].item("shimei").charset.value == "zenkaku"
    r = import_book([book], load_profile(prof), only=["項目C"])
    assert "no item sheet named '項目C'; item sheets: 項目A, 項目B" in str(r.problems[0])


def test_group_column_tells_repeated_names_apart(tmp_path: Path) -> None:
    """基本データリスト-style hierarchy: 市区町村コード under 住所 and under 転入前住所 (merged 上位項目)."""
    from .books import KIHON_CODES, KIHON_CODES_HEADER, save_book

    header = ["項番", "上位項目", "データ項目名", "項目ID", "データ型", "桁数", "必須", "キー"]
    rows = [
        [1, "", "宛名番号", "ATENA_NO", "数字", 15, "○", "○"],
        [2, "住所", "市区町村コード", "JUSHO_CODE", "数字", 6, "", ""],
        [3, "", "町字", "JUSHO_MACHIAZA", "文字列(全角)", 120, "", ""],
        [4, "転入前住所", "市区町村コード", "TENNYUMAE_CODE", "数字", 6, "", ""],
    ]
    sheets = {"基本データリスト": kihon_rows(header, rows), "コード一覧": [KIHON_CODES_HEADER, *KIHON_CODES]}
    book = save_book(tmp_path / KIHON_BOOK, sheets, merge={"基本データリスト": "B7:B8"})
    r = import_book([book], KIHON)
    assert r.problems == []
    assert [it.name for it in r.layouts[0].items] == [
        "宛名番号",
        "住所_市区町村コード",
        "住所_町字",
        "転入前住所_市区町村コード",
    ]
    rows[1][1] = rows[3][1] = ""  # no 上位項目: two items named 市区町村コード
    book = save_book(tmp_path / KIHON_BOOK, {**sheets, "基本データリスト": kihon_rows(header, rows)})
    errors = [str(p) for p in import_book([book], KIHON).problems]
    assert errors == [
        f"{KIHON_BOOK}: 基本データリスト!C9: duplicate 項目名 '市区町村コード' (first at 基本データリスト!C7); "
        "a 上位項目 column tells them apart"
    ]


def test_book_without_item_ids_numbers_them_when_the_profile_says_so(tmp_path: Path) -> None:
    from .books import KIHON_CODES, KIHON_CODES_HEADER, save_book

    header = ["項番", "データ項目名", "データ型", "桁数", "必須", "キー"]
    rows = [
        [1, "宛名番号", "数字", 15, "○", "○"],
        [2, "氏名", "文字列(全角)", 100, "○", ""],
        ["", "性別", "数字", 1, "", ""],
    ]
    sheets = {"基本データリスト": kihon_rows(header, rows), "コード一覧": [KIHON_CODES_HEADER, *KIHON_CODES]}
    book = save_book(tmp_path / KIHON_BOOK, sheets)
    assert "missing column: id" in str(import_book([book], KIHON).problems[0])
    items = KIHON.items.model_copy(update={"required_columns": ["name", "type"], "missing_id": "number"})
    numbered = KIHON.model_copy(update={"items": items})
    r = import_book([book], numbered)
    assert [str(p) for p in r.problems] == [
        f"{KIHON_BOOK}: 基本データリスト!A8: 項目ID and 項番 are both blank: the item has no id"
    ]
    rows[2][0] = 3
    r = import_book(
        [save_book(tmp_path / KIHON_BOOK, {**sheets, "基本データリスト": kihon_rows(header, rows)})], numbered
    )
    assert (
        r.problems == []
        and r.layouts[0].item_ids == ["i_1", "i_2", "i_3"]
        and r.layouts[0].record_key == ["i_1"]
    )


def test_layout_extension_cell(tmp_path: Path) -> None:
    """The 拡張 label cell (JSON) carries layout settings without a label of their own."""
    from .books import KIHON_CODES, KIHON_CODES_HEADER, save_book

    def book(value: str) -> Path:
        rows = kihon_rows()
        rows.insert(3, ["拡張", value])
        return save_book(
            tmp_path / KIHON_BOOK,
            {"基本データリスト": rows, "コード一覧": [KIHON_CODES_HEADER, *KIHON_CODES]},
        )

    r = import_book([book('{"description": "拡張から"}')], KIHON)
    assert r.problems == [] and r.layouts[0].description == "拡張から"
    errors = [str(p) for p in import_book([book("[1, 2]")], KIHON).problems]
    assert errors == [f"{KIHON_BOOK}: 基本データリスト!B4: 拡張 must be a JSON object"]
