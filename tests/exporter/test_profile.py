"""Export profiles: derived from reversible adapters, overridden per field, checked with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chukan_layout.errors import DefinitionError
from chukan_layout.exporter.profile import load_plan


def test_profile_is_derived_from_the_shipped_adapter() -> None:
    plan = load_plan("vendor_c")  # no shipped profile: the adapter read backwards
    assert plan.adapter == "vendor_c" and [f.name for f in plan.files][:2] == ["JUMIN.EBC", "SETAI.EBC"]
    jumin = plan.files[0].records[0]
    steps = [type(s).name for s in jumin.fields["JU_SEINENGAPPI"].branches[0].steps]
    assert steps == ["date_format"]
    a = load_plan("vendor_a").files[0].records[0]
    birth = a.fields["SEINENGAPPI"].branches[0]
    assert birth.inputs == ["seinengappi", "seinengappi_gengo"]  # the era_of item keeps 平成元年 不詳 as 平成
    assert [type(s).name for s in a.fields["SHIMEI_KANA"].branches[0].steps] == [
        "alnum",
        "kana",
        "large_kana",
    ]
    assert "SHIMEI_KANA" in a.lossy


def test_vendor_b_profile_overrides_one_field_and_lists_the_rest() -> None:
    plan = load_plan("vendor_b")
    jumin = next(f for f in plan.files if f.name == "jumin.csv").records[0]
    assert jumin.fields["更新日時"].branches[0].const == "2025/04/01 09:00:00"
    assert "メモ" in jumin.no_source and "更新日時" not in jumin.no_source
    assert any(n.startswith("jumin.csv: メモ") for n in plan.notes)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("      fields: {SHIMEI: {from: shimei, steps: [to_warek]}}\n", 7, "unknown transform 'to_warek'"),
        ("      fields: {NO_SUCH: shimei}\n", 7, "unknown field 'NO_SUCH'"),
        ("      fields: {SHIMEI: {from: no_item}}\n", 7, "unknown item 'no_item'"),
        ("      fieldz: {}\n", 7, "unknown key 'fieldz'"),
    ],
)
def test_mistakes_name_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    p = tmp_path / "p.yaml"
    p.write_text("export: x\nadapter: vendor_a\nfiles:\n  JUMIN.DAT:\n    records:\n    - layout: juki.jumin\n" + body,
                 encoding="utf-8")  # fmt: skip
    with pytest.raises(DefinitionError) as e:
        load_plan(p)
    assert message in str(e.value) and f"p.yaml:{line}" in str(e.value)


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(DefinitionError, match=r"known: .*vendor_a"):
        load_plan("vendor_zz")
