"""adapters scaffold: layout sheets of vendors A (xlsx), B (CSV), C (Markdown) made from the shipped
definitions scaffold back to exactly those definitions; positions must tile; targets are proposed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pydantic import TypeAdapter

from chukan_layout.adapt.layout_sheet import read_sheets, sheet_definition
from chukan_layout.adapt.scaffold import scaffold
from chukan_layout.cli import main
from chukan_layout.errors import DefinitionError
from chukan_layout.readers.definition import RecordDefinition
from chukan_layout.spec.registry import load_layout

from .layout_sheets import shipped, vendor_a_book, vendor_b_csv, vendor_c_markdown, vendor_html

TA = TypeAdapter(RecordDefinition)


def _definitions(text: str) -> dict[str, object]:
    doc = yaml.safe_load(text)
    return {s["files"][0]: TA.validate_python(s["definition"]) for s in doc["sources"].values()}


def test_vendor_a_xlsx_scaffolds_the_shipped_definitions(tmp_path: Path) -> None:
    text = scaffold(vendor_a_book(tmp_path), load_layout("juki.jumin").spec, "vendor_x")
    got = _definitions(text)
    assert got == dict(shipped("a"))
    assert "atena_no: ATENA_NO  # exact" in text  # the sheet's 項目名 is the layout's 項目名称
    assert "dantai_code: header.DANTAI_CODE  # normalised" in text  # a header-record field, on every row
    assert "seinengappi: SEINENGAPPI  # exact  TODO: 和暦? add a wareki step" in text


@pytest.mark.parametrize("vendor", ["b", "c"])
def test_vendor_b_csv_and_c_markdown_scaffold_the_shipped_definitions(tmp_path: Path, vendor: str) -> None:
    layout = load_layout("juki.jumin").spec
    for file, d in shipped(vendor):
        sheet = vendor_b_csv(tmp_path, file, d) if vendor == "b" else vendor_c_markdown(tmp_path, file, d)
        got = _definitions(scaffold(sheet, layout, "vendor_x"))
        assert got == {file: d}, file


def test_cli_scaffold_writes_a_loadable_skeleton(tmp_path: Path) -> None:
    file, d = shipped("b")[0]
    sheet = vendor_b_csv(tmp_path, file, d)
    out = tmp_path / "vendor_x.yaml"
    r = CliRunner().invoke(
        main, ["adapters", "scaffold", "--sheet", str(sheet), "--layout", "juki.jumin", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "宛名番号: 宛名番号" not in text and "atena_no: 宛名番号  # exact" in text
    doc = yaml.safe_load(text)
    assert doc["adapter"] == "vendor_x" and doc["targets"][0]["layout"] == "juki.jumin"
    from chukan_layout.adapt.loader import load_adapter

    assert load_adapter(out).targets[0].layout.id == "juki.jumin"  # the skeleton already loads


def test_html_table_sheet(tmp_path: Path) -> None:
    file, d = shipped("a")[2]  # KAZEI.DAT: header / data / trailer with a control total
    got = _definitions(
        scaffold(vendor_html(tmp_path, file, d, "a"), load_layout("juminzei.kazei").spec, "vx")
    )
    assert got == {file: d}


def test_own_sheet_words_by_profile(tmp_path: Path) -> None:
    prof = tmp_path / "words.yaml"
    prof.write_text(
        yaml.safe_dump(
            {
                "columns": {
                    "name": ["ITEM"],
                    "field": ["NAME"],
                    "start": ["POS"],
                    "length": ["LEN"],
                    "type": ["ATTR"],
                }
            }
        ),
        encoding="utf-8",
    )
    sheet = tmp_path / "en.md"
    sheet.write_text(
        "| ITEM | NAME | POS | LEN | ATTR |\n|---|---|---|---|---|\n| 宛名番号 | ATENA | 1 | 15 | X |\n",
        encoding="utf-8",
    )
    out = tmp_path / "vx.yaml"
    r = CliRunner().invoke(
        main,
        [
            "adapters",
            "scaffold",
            "--sheet",
            str(sheet),
            "--profile",
            str(prof),
            "--layout",
            "juki.jumin",
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "atena_no: ATENA  # exact" in out.read_text(encoding="utf-8")


def _sheet(tmp: Path, rows: list[list[object]]) -> Path:
    p = tmp / "layout.md"
    lines = ["- ファイル: X.DAT", "", "| 項目名 | 項目ID | 開始 | 桁数 | 属性 |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("rows", "want"),
    [
        (
            [["宛名番号", "ATENA", 1, 10, "X"], ["氏名", "SHIMEI", 12, 20, "M"]],
            "layout!C5: gap: bytes 11–11 of record REC",
        ),
        (
            [["宛名番号", "ATENA", 1, 10, "X"], ["氏名", "SHIMEI", 10, 20, "M"]],
            "layout!C5: overlap: starts at byte 10",
        ),
        ([["宛名番号", "ATENA", 1, 10, "Q"]], "layout!E4: unknown 属性 'Q'"),
        ([["宛名番号", "宛名", 1, 10, "X"]], "layout!B4: 項目ID '宛名' must be an ASCII field name"),
        ([["宛名番号", "ATENA", 1, "十", "X"]], "layout!D4: length '十' is not a whole number"),
    ],
)
def test_tiling_and_cell_errors_name_the_row(tmp_path: Path, rows: list[list[object]], want: str) -> None:
    (sheet,) = read_sheets(_sheet(tmp_path, rows))
    with pytest.raises(DefinitionError) as e:
        sheet_definition(sheet, "layout.md")
    assert want in str(e.value)


def test_record_length_must_be_reached(tmp_path: Path) -> None:
    p = _sheet(tmp_path, [["宛名番号", "ATENA", 1, 10, "X"]])
    p.write_text("- レコード長: 20\n" + p.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(
        DefinitionError, match="record REC ends at byte 10 but レコード長 is 20; add a 予備 row"
    ):
        sheet_definition(read_sheets(p)[0], "layout.md")


def test_fuzzy_and_normalised_proposals_carry_their_score(tmp_path: Path) -> None:
    p = _sheet(
        tmp_path,
        [
            ["ｼﾒｲ", "JU_SHIMEI_KANA", 1, 40, "X"],
            ["生年月日（和暦）", "BIRTH", 41, 7, "X"],
            ["ＡＴＥＮＡ　ＮＯ", "ATENA", 48, 15, "X"],
        ],
    )
    text = scaffold(p, load_layout("juki.jumin").spec, "vendor_x")
    assert "shimei_kana: JU_SHIMEI_KANA  # normalised" in text and "TODO: kana" in text
    assert "seinengappi: BIRTH  # fuzzy" in text
    assert "# TODO dantai_code: required (市区町村コード) — no field found" in text
