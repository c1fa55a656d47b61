"""All 20 標準化対象業務 have reference layouts; the 11 added ones are honest about what they are.

The list and its order are those of ../shared/reference/standardization-2025.md. Resident-based
業務 relate their person items to ``juki.jumin`` 宛名番号; 戸籍 and 戸籍の附票 are keyed by
本籍 + 筆頭者 and have no 宛名番号 relation; 法人 are not residents.
"""

from __future__ import annotations

import pytest

from chukan_layout.spec.model import ItemType
from chukan_layout.spec.registry import all_codes, list_layouts, load_layout

GYOMU_20 = (
    "住民基本台帳", "選挙人名簿管理", "固定資産税", "個人住民税", "法人住民税", "軽自動車税", "国民健康保険",
    "国民年金", "障害者福祉", "後期高齢者医療", "介護保険", "児童手当", "健康管理", "就学", "児童扶養手当",
    "生活保護", "子ども・子育て支援", "印鑑登録", "戸籍", "戸籍の附票",
)  # fmt: skip

# layout id → the items that must refer to juki.jumin 宛名番号
RESIDENT_BASED = {
    "senkyo.meibo": ["atena_no"],
    "shogai.techo": ["atena_no"],
    "jido.teate": ["atena_no"],
    "jido.taisho": ["atena_no", "jukyusha_atena_no"],
    "kenko.kenshin": ["atena_no"],
    "shugaku.jido": ["atena_no", "hogosha_atena_no"],
    "fuyo.teate": ["atena_no"],
    "seiho.jukyu": ["atena_no"],
    "kodomo.kyufu": ["atena_no", "hogosha_atena_no"],
}
NOT_RESIDENT_BASED = ("hojin.kazei", "koseki.koseki", "koseki.fuhyo")
NEW = (*RESIDENT_BASED, *NOT_RESIDENT_BASED)
SHARED_TABLES = {"seibetsu", "zokugara"}  # the 住基 tables, reused as they are


def test_every_standardized_gyomu_has_a_layout() -> None:
    have = {la.spec.gyomu for la in list_layouts()}
    assert set(GYOMU_20) <= have, sorted(set(GYOMU_20) - have)


@pytest.mark.parametrize("lid", sorted(RESIDENT_BASED))
def test_resident_based_layouts_relate_to_atena_no(lid: str) -> None:
    spec = load_layout(lid).spec
    rels = {tuple(r.items): r for r in spec.relations if r.layout == "juki.jumin"}
    for item in RESIDENT_BASED[lid]:
        r = rels[(item,)]
        assert r.target_items == ["atena_no"]
        assert spec.item(item).required and spec.item(item).check_digit == "atena_mod11"
    assert "atena_no" in spec.record_key


def test_koseki_is_keyed_by_honseki_and_hittosha_not_atena_no() -> None:
    koseki, fuhyo = load_layout("koseki.koseki").spec, load_layout("koseki.fuhyo").spec
    assert koseki.record_key == ["honseki", "hittosha_shimei", "kisai_juni"]
    assert fuhyo.record_key[:3] == koseki.record_key
    for spec in (koseki, fuhyo):
        assert "atena_no" not in spec.item_ids
        assert not any(r.layout == "juki.jumin" for r in spec.relations)
    (rel,) = fuhyo.relations
    assert (rel.layout, rel.items, rel.target_items, rel.optional) == (
        "koseki.koseki", koseki.record_key, koseki.record_key, False,
    )  # fmt: skip
    # the same 本籍 / 筆頭者 items (ids, types, lengths) as the 住民票 (juki.jumin), by which the two match
    jumin = load_layout("juki.jumin").spec
    for item in ("honseki", "hittosha_shimei"):
        a, b = koseki.item(item), jumin.item(item)
        assert (a.type, a.charset, a.length) == (b.type, b.charset, b.length)
        assert a.required


def test_corporations_are_not_residents() -> None:
    spec = load_layout("hojin.kazei").spec
    assert spec.relations == []
    assert not spec.item("atena_no").required
    assert spec.item("hojin_bango").check_digit == "hojin_bango"


@pytest.mark.parametrize("lid", NEW)
def test_new_layouts_are_modelled_everywhere(lid: str) -> None:
    """No public source was available for these 業務: every item, rule and relation says modelled."""
    loaded = load_layout(lid)
    spec = loaded.spec
    assert spec.provenance.status == "modelled"
    for part in (*spec.items, *spec.rules, *spec.relations):
        assert part.provenance.status == "modelled", (lid, part.id)
        assert part.provenance.note, (lid, part.id)
    for it in spec.items:
        if it.type is ItemType.CODE and it.codes not in SHARED_TABLES:
            table = all_codes()[it.codes or ""]
            assert table.provenance.status == "modelled", table.id
            assert (table.provenance.note or "").startswith("values modelled"), table.id
    assert len(spec.rules) >= 2
