"""specs diff: two editions of a generated 基本データリスト list exactly the injected changes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.spec.diff import Change, diff_specs, load_spec_set
from chukan_layout.spec.model import Charset, CodeValue, ItemType, Length
from chukan_layout.spec.registry import load_layout
from chukan_layout.spec.workbook.profile import load_profile
from chukan_layout.spec.workbook.writer import write_workbook

OLD = "001_住民基本台帳_基本データリスト【第2.0版】_20220831.xlsx"
NEW = "001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx"


def _editions(tmp: Path) -> tuple[Path, Path]:
    prof = load_profile("kihon-data-list")
    jumin, setai = load_layout("juki.jumin"), load_layout("juki.setai")
    codes = {**jumin.codes, **setai.codes}
    old = write_workbook(tmp / OLD, prof, [jumin.spec, setai.spec], list(codes.values()))
    items = list(jumin.spec.items)
    by = {it.id: i for i, it in enumerate(items)}
    items[by["shimei_kana"]] = items[by["shimei_kana"]].model_copy(update={"name": "氏名_カナ"})
    items[by["seibetsu_hyoki"]] = items[by["seibetsu_hyoki"]].model_copy(
        update={"length": Length(max=30), "required": True}
    )
    items[by["kisai_juni"]] = items[by["kisai_juni"]].model_copy(
        update={"type": ItemType.INTEGER, "charset": Charset.ANY}
    )
    removed = items.pop(by["rireki_edaban"])
    added = items[0].model_copy(
        update={"id": "kyusei_kana", "name": "転出予定先_方書", "required": False, "check_digit": None}
    )
    items.append(added)
    jumin2 = jumin.spec.model_copy(update={"items": items})
    seibetsu = codes["seibetsu"]
    vals = [v if v.code != "1" else CodeValue(code="1", name="男性") for v in seibetsu.values]
    vals = [v for v in vals if v.code != "2"] + [CodeValue(code="3", name="その他")]
    codes2 = {**codes, "seibetsu": seibetsu.model_copy(update={"values": vals})}
    new = write_workbook(tmp / NEW, prof, [jumin2, setai.spec], list(codes2.values()))
    return old, new, removed  # type: ignore[return-value]


def test_two_editions_list_exactly_the_injected_changes(tmp_path: Path) -> None:
    old, new, removed = _editions(tmp_path)  # type: ignore[misc]
    a, b = load_spec_set([old]), load_spec_set([new])
    got = set(diff_specs(a, b))
    want = {
        Change("item_renamed", "juki.jumin", "shimei_kana", "氏名_フリガナ", "氏名_カナ"),
        Change("length_changed", "juki.jumin", "seibetsu_hyoki", "10", "30"),
        Change("required_changed", "juki.jumin", "seibetsu_hyoki", "optional", "required"),
        Change("type_changed", "juki.jumin", "kisai_juni", "digits", "integer"),
        Change("charset_changed", "juki.jumin", "kisai_juni", "digits", "any"),
        Change("item_removed", "juki.jumin", removed.id, old=removed.name),
        Change("item_added", "juki.jumin", "kyusei_kana", new="転出予定先_方書"),
        Change("code_relabelled", "codes:seibetsu", "1", "男", "男性"),
        Change("code_removed", "codes:seibetsu", "2", old="女"),
        Change("code_added", "codes:seibetsu", "3", new="その他"),
    }
    assert got == want


def test_diff_cli_text_json_html(tmp_path: Path) -> None:
    old, new, _ = _editions(tmp_path)  # type: ignore[misc]
    run = CliRunner().invoke
    r = run(main, ["specs", "diff", str(old), str(new)])
    assert r.exit_code == 0, r.output
    assert "住民基本台帳 第2.0版 2022-08-31" in r.output and "第2.1版" in r.output
    assert "item_renamed       shimei_kana: 氏名_フリガナ → 氏名_カナ" in r.output
    assert "10 change(s)" in r.output
    r = run(main, ["specs", "diff", str(old), str(new), "--json"])
    doc = json.loads(r.output)
    assert doc["counts"]["code_added"] == 1 and len(doc["changes"]) == 10
    r = run(main, ["specs", "diff", str(old), str(new), "--html"])
    assert r.output.startswith("<!doctype html>") and "氏名_カナ" in r.output
    # same folder on both sides: no change
    r = run(main, ["specs", "diff", "layout_specs", "layout_specs"])
    assert "0 change(s)" in r.output
