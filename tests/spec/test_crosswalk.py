"""Crosswalks: format (YAML, CSV), --check, and an adapter target fed by a crosswalk."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.spec import registry
from chukan_layout.spec.crosswalk import check_crosswalk, load_crosswalk
from chukan_layout.spec.workbook.importer import import_book
from chukan_layout.spec.workbook.profile import load_profile

from .workbook.books import kihon_book

PAIRS = [
    {"source": "atena_no", "target": "atena_no"},
    {"source": "shimei", "target": "shimei", "note": "髙橋 の 髙 は MJ のまま"},
    {"source": "shimei_kana", "target": "shimei_kana"},
    {"source": "seibetsu", "target": "seibetsu", "code_map": "sex"},
    {"source": "seinengappi", "target": "seinengappi"},
]


@pytest.fixture
def kihon_dir(tmp_path: Path) -> Iterator[Path]:
    """The test 基本データリスト imported as layout juki.kihon (codes c001: 1 男, 2 女, 9 不明)."""
    from chukan_layout.commands.specs_tables import write_layout_dir

    r = import_book([kihon_book(tmp_path)], load_profile("kihon-data-list"))
    out = tmp_path / "kihon"
    write_layout_dir(out, r.layouts, r.codes, "")
    registry.register_layout_dir(out)
    try:
        yield out
    finally:
        registry.unregister_layout_dir(out)


def _write(tmp: Path, pairs: list[dict[str, str]], maps: dict[str, dict[str, str]] | None = None) -> Path:
    doc = {
        "crosswalk": "v27_to_kihon",
        "source": "juki.jumin",
        "target": "juki.kihon",
        "code_maps": maps if maps is not None else {"sex": {"1": "1", "2": "2"}},
        "pairs": pairs,
    }
    p = tmp / "cw.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return p


def _check(p: Path) -> list[str]:
    cw = load_crosswalk(p)
    return [
        str(e)
        for e in check_crosswalk(cw, str(p), lambda i: registry.load_layout(i).spec, registry.all_codes())
    ]


def test_complete_crosswalk_checks_clean(kihon_dir: Path, tmp_path: Path) -> None:
    assert _check(_write(tmp_path, PAIRS)) == []


def test_problems_are_named(kihon_dir: Path, tmp_path: Path) -> None:
    pairs = [dict(p) for p in PAIRS[:4]]
    pairs[1]["source"] = "shimeii"
    got = _check(_write(tmp_path, pairs, {"sex": {"1": "1", "3": "8"}}))
    p = str(tmp_path / "cw.yaml")
    assert got == [
        f"{p}: pairs[1]: source item 'shimeii' is not in juki.jumin",
        f"{p}: pairs[3]: code map 'sex': source codes ['3'] are not in table seibetsu",
        f"{p}: pairs[3]: code map 'sex': target codes ['8'] are not in table c001",
        f"{p}: required target items neither covered nor waived: seinengappi",
    ]


def test_waived_covers_a_required_item_and_needs_a_reason(kihon_dir: Path, tmp_path: Path) -> None:
    pairs = [*PAIRS[:4], {"target": "seinengappi", "waived": "V2.7 側に無い; 移行後に登録"}]
    assert _check(_write(tmp_path, pairs)) == []
    from chukan_layout.errors import SpecLoadError

    with pytest.raises(SpecLoadError, match="waived needs a reason"):
        load_crosswalk(_write(tmp_path, [{"target": "seinengappi", "waived": " "}]))


def test_csv_form_and_cli(kihon_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "sex.csv").write_text("1,1\n2,2\n", encoding="utf-8")
    p = tmp_path / "cw.csv"
    with p.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows(
            [
                ["source_layout", "juki.jumin"],
                ["target_layout", "juki.kihon"],
                [],
                ["source", "target", "code_map", "note", "waived"],
            ]
        )
        for d in PAIRS:
            w.writerow(
                [d["source"], d["target"], "sex.csv" if "code_map" in d else "", d.get("note", ""), ""]
            )
    assert load_crosswalk(p).code_maps == {"sex.csv": {"1": "1", "2": "2"}}
    r = CliRunner().invoke(main, ["specs", "crosswalk", str(p), "--check", "--layouts", str(kihon_dir)])
    assert r.exit_code == 0, r.output
    assert (
        "v27_to_kihon" not in r.output and "cw: juki.jumin → juki.kihon, 5 pair(s), 0 waived: ok" in r.output
    )
    bad = _write(tmp_path, PAIRS[:2])
    r = CliRunner().invoke(main, ["specs", "crosswalk", str(bad), "--check", "--layouts", str(kihon_dir)])
    assert r.exit_code == 1 and "neither covered nor waived: seibetsu, seinengappi" in r.output


def test_adapter_target_from_a_crosswalk_converts(kihon_dir: Path, tmp_path: Path) -> None:
    """A V2.7-style CSV (header = 項目名称) → juki.kihon through the crosswalk, no items listed."""
    import chukan_layout as cl

    _write(tmp_path, PAIRS, {"sex": {"1": "1", "2": "2"}})
    names = ["宛名番号", "氏名", "氏名_フリガナ", "性別", "生年月日"]
    adapter = {
        "adapter": "v27_jumin",
        "sources": {
            "jumin": {
                "files": ["*.csv"],
                "definition": {"kind": "csv", "encoding": "utf-8", "columns": names},
            }
        },
        "targets": [
            {
                "layout": "juki.kihon",
                "crosswalk": "cw.yaml",
                "items": {"shimei": {"from": "氏名", "steps": ["trim"]}},
            }
        ],
    }
    ap = tmp_path / "v27_jumin.yaml"
    ap.write_text(yaml.safe_dump(adapter, allow_unicode=True), encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text(
        ",".join(names) + "\n000000000000018,髙橋　一郎 ,ﾀｶﾊｼ ｲﾁﾛｳ,1,1989-01-07\n", encoding="utf-8"
    )
    res = cl.convert(str(ap), [src], tmp_path / "out", validate=False)
    out = (tmp_path / "out" / "juki_kihon.csv").read_text(encoding="utf-8-sig")
    assert "髙橋　一郎" in out and "髙橋　一郎 " not in out  # the explicit item (trim) won over the crosswalk
    assert res is not None
