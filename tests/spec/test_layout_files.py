"""The shipped reference layouts and code tables are well-formed and mutually consistent.

Reads ``layout_specs/`` directly with PyYAML + the meta-format models, independent of the
spec loader, so a broken data file is caught even while the loader changes.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from chukan_layout.spec.model import CodeTable, ItemType, Layout

SPECS = Path(__file__).resolve().parents[2] / "layout_specs"
LAYOUT_FILES = sorted(SPECS.glob("*.yaml"))
CODE_FILES = sorted((SPECS / "codes").glob("*.yaml"))

SHARED_KEYS = {"dantai_code", "atena_no", "setai_no"}
EXPECTED_LAYOUTS = {
    "juki.jumin",
    "juki.setai",
    "juminzei.kazei",
    "kotei.tochi",
    "kotei.kaoku",
    "keiji.sharyo",
    "kokuho.setai",
    "kokuho.hihokensha",
    "kaigo.hihokensha",
    "kouki.hihokensha",
    "nenkin.hihokensha",
    "inkan.toroku",
}
_FUNCS = {"is_blank", "is_set", "len", "substr", "to_int", "starts_with"}
_KEYWORDS = {"and", "or", "not", "in"}
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict), path
    return data


@cache
def layouts() -> dict[str, Layout]:
    out = {}
    for p in LAYOUT_FILES:
        lay = Layout.model_validate(_load(p))
        out[lay.id] = lay
    return out


@cache
def tables() -> dict[str, CodeTable]:
    out = {}
    for p in CODE_FILES:
        t = CodeTable.model_validate(_load(p))
        out[t.id] = t
    return out


def _expr_names(expr: str) -> set[str]:
    """Item ids referenced by a row-rule expression (strings, functions and keywords removed)."""
    stripped = _STRING.sub('""', expr)
    names = set(_NAME.findall(stripped))
    return names - _FUNCS - _KEYWORDS


@pytest.mark.parametrize("path", LAYOUT_FILES, ids=lambda p: p.name)
def test_layout_file_validates_and_is_named_by_id(path: Path) -> None:
    lay = Layout.model_validate(_load(path))
    assert path.name == f"{lay.id}.yaml"
    assert lay.id.split(".")[0] == lay.gyomu_id


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: p.name)
def test_code_table_validates_and_is_named_by_id(path: Path) -> None:
    t = CodeTable.model_validate(_load(path))
    assert path.name == f"{t.id}.yaml"
    codes = t.codes
    assert len(codes) == len(set(codes)), f"duplicate code in {t.id}"
    assert all(c.strip() == c and c for c in codes)


def test_expected_layouts_over_eight_gyomu() -> None:
    lays = layouts()
    assert set(lays) >= EXPECTED_LAYOUTS
    assert len(lays) >= 12
    assert len({lay.gyomu_id for lay in lays.values()}) >= 8


def test_jumin_is_a_real_resident_record() -> None:
    lay = layouts()["juki.jumin"]
    assert len(lay.items) >= 100
    assert lay.record_key == ["atena_no", "rireki_no"]
    ids = set(lay.item_ids)
    for must in (
        "shimei",
        "shi",
        "mei",
        "shimei_kana",
        "seinengappi",
        "seinengappi_fusho_flag",
        "seinengappi_gengo",
        "juminhyo_code",
        "kojin_bango",
        "zairyu_card_no",
        "saishin_flag",
        "kyuuji",
        "tsusho",
        "honseki",
        "hittosha_shimei",
        "kiso_nenkin_bango",
    ):
        assert must in ids, must
    assert lay.item("kojin_bango").check_digit == "kojin_bango"
    assert lay.item("kojin_bango").sensitivity == "personal_id"
    assert lay.item("juminhyo_code").check_digit == "juminhyo_code"
    assert lay.item("atena_no").check_digit == lay.item("setai_no").check_digit == "atena_mod11"
    assert lay.item("seinengappi").required and lay.item("seinengappi").sensitivity == "birth_date"
    assert lay.item("seinengappi_gengo").era_of == "seinengappi"
    assert re.fullmatch(lay.item("zairyu_card_no").pattern or "", "AB12345678CD")


@pytest.mark.parametrize("lid", sorted(EXPECTED_LAYOUTS))
def test_items_keys_and_references(lid: str) -> None:
    lay = layouts()[lid]
    ids = lay.item_ids
    dup = [i for i, n in Counter(ids).items() if n > 1]
    assert not dup, f"{lid}: duplicate item ids {dup}"
    known = set(ids)
    assert set(lay.record_key) <= known
    assert "dantai_code" in known
    for it in lay.items:
        assert it.provenance is not None
        if it.codes is not None:
            assert it.codes in tables(), f"{lid}.{it.id}: unknown code table {it.codes}"
            if it.length is not None:
                assert max(len(c) for c in tables()[it.codes].codes) <= it.length.max, it.id
        if it.partial_date is not None:
            flag = lay.item(it.partial_date.flag_item)
            assert flag.type is ItemType.FLAG, f"{lid}.{it.id}: flag_item must be a flag"
        if it.era_of is not None:
            assert it.type is ItemType.CODE and it.codes == "gengo"
            assert lay.item(it.era_of).type is ItemType.DATE
        if it.pattern is not None:
            re.compile(it.pattern)
    for key in SHARED_KEYS & known:
        assert lay.item(key).check_digit is not None, f"{lid}.{key}: shared key without check digit"


@pytest.mark.parametrize("lid", sorted(EXPECTED_LAYOUTS))
def test_rules_reference_existing_items(lid: str) -> None:
    lay = layouts()[lid]
    known = set(lay.item_ids)
    assert len(lay.rules) >= 2, f"{lid}: expected a few row rules"
    for r in lay.rules:
        names = _expr_names(r.check) | (_expr_names(r.when) if r.when else set())
        assert names <= known, f"{lid} rule {r.id}: unknown items {names - known}"
        assert set(r.items) <= known


def test_relations_point_at_existing_layouts_and_items() -> None:
    lays = layouts()
    for lay in lays.values():
        for rel in lay.relations:
            assert set(rel.items) <= set(lay.item_ids), (lay.id, rel.id)
            target = lays[rel.layout]
            assert set(rel.target_items) <= set(target.item_ids), (lay.id, rel.id)


def test_person_layouts_link_to_residents() -> None:
    lays = layouts()
    linked = {
        lay.id
        for lay in lays.values()
        for rel in lay.relations
        if rel.layout == "juki.jumin" and rel.target_items == ["atena_no"]
    }
    for lid in (
        "juminzei.kazei",
        "kokuho.hihokensha",
        "kaigo.hihokensha",
        "kouki.hihokensha",
        "nenkin.hihokensha",
        "kotei.tochi",
        "kotei.kaoku",
        "keiji.sharyo",
        "inkan.toroku",
    ):
        assert lid in linked, lid
    jumin_rels = {(r.layout, tuple(r.target_items)) for r in lays["juki.jumin"].relations}
    assert ("juki.setai", ("setai_no",)) in jumin_rels
    kokuho_rels = {r.layout for r in lays["kokuho.hihokensha"].relations}
    assert "kokuho.setai" in kokuho_rels


def test_code_tables_listed_in_the_issue_exist() -> None:
    t = tables()
    for tid in (
        "seibetsu",
        "zokugara",
        "jumin_shubetsu",
        "jumin_jotai",
        "gengo",
        "yokaigo_jotai",
        "kaigo_ido_jiyu",
        "juki_ido_jiyu",
    ):
        assert tid in t, tid
    assert len(t["gengo"].codes[0]) == 2  # 年号コード is 2 digits in the layout (S5)
    assert t["gengo"].provenance.status == "modelled"  # its values were not found
    for tid in ("zokugara", "jumin_shubetsu", "jumin_jotai", "yokaigo_jotai", "kaigo_ido_jiyu"):
        assert t[tid].provenance.status == "confirmed", tid
    assert {"02", "11", "12", "20", "99"} <= set(t["zokugara"].codes)


def test_every_code_table_is_used() -> None:
    used = {it.codes for lay in layouts().values() for it in lay.items if it.codes}
    assert set(tables()) <= used, sorted(set(tables()) - used)


def test_provenance_counts() -> None:
    counts: Counter[str] = Counter()
    for lay in layouts().values():
        counts.update(it.provenance.status for it in lay.items)
    assert counts["confirmed"] > 0 and counts["modelled"] > 0
    for lay in layouts().values():  # layouts themselves are never presented as official
        assert lay.provenance.status == "modelled"
    confirmed_sources = [
        it.provenance.source
        for lay in layouts().values()
        for it in lay.items
        if it.provenance.status == "confirmed"
    ]
    assert all(re.match(r"S1[1-3] ", s) for s in confirmed_sources)
