"""個人住民税, 固定資産税 and 軽自動車税 builders (golden_zei): the amounts hold together."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.checkdigits import verify
from chukan_layout.synth.golden_zei import _decimal2, _tsuchisho_no
from chukan_layout.synth.linked import KAZEI_YEARS

from .conftest import golden_rows


def _rows(clean, lid: str) -> list[dict[str, str]]:
    res, _ = clean
    return golden_rows(res.golden[lid], lid)


def test_kazei_split_into_tokucho_and_fucho_adds_up(clean) -> None:
    rows = _rows(clean, "juminzei.kazei")
    years = defaultdict(set)
    for r in rows:
        assert int(r["tokucho_gaku"]) + int(r["fucho_gaku"]) == int(r["nengaku"])
        assert int(r["shotoku_nen"]) == int(r["kazei_nendo"]) - 1
        assert r["tsuchisho_no"][:2] == r["kazei_nendo"][2:] and len(r["tsuchisho_no"]) == 10
        if r["choshu_hoho"] == "2":  # 特別徴収 (給与): an employer withholds it
            assert verify("hojin_bango", r["tokucho_hojin_bango"]) and r["tokucho_gimusha_no"]
        else:
            assert not r["tokucho_hojin_bango"] and not r["tokucho_gimusha_no"]
        if r["choshu_hoho"] == "1":  # 普通徴収 only
            assert r["tokucho_gaku"] == "0"
        years[r["atena_no"]].add(int(r["kazei_nendo"]))
    assert years and all(y == set(KAZEI_YEARS) for y in years.values())


@given(st.lists(st.tuples(st.integers(2000, 2099), st.integers(0, 10**9)), min_size=1, max_size=20))
def test_tsuchisho_no_is_year_and_serial_on_both_routes(pairs: list[tuple[int, int]]) -> None:
    """Zero-padded as one number when every serial fits 8 digits and the year ≥ 2010, joined otherwise."""
    year = np.array([y for y, _ in pairs], np.int64)
    pid = np.array([p for _, p in pairs], np.int64)
    assert _tsuchisho_no(year, pid).to_pylist() == [f"{y % 100}{p:08d}" for y, p in pairs]


@given(st.lists(st.integers(0, 10**12), max_size=30))
def test_decimal2_writes_hundredths(cents: list[int]) -> None:
    assert _decimal2(np.array(cents, np.int64)).to_pylist() == [f"{c // 100}.{c % 100:02d}" for c in cents]


def test_kotei_tax_is_1_4_percent_of_the_taxable_value(clean) -> None:
    for r in _rows(clean, "kotei.tochi"):
        hyoka, hyojun = int(r["hyoka_gaku"]), int(r["kazei_hyojun_gaku"])
        assert hyojun <= hyoka and int(r["kotei_zei_gaku"]) == hyojun * 14 // 1000 // 100 * 100
        assert int(r["toshikei_zei_gaku"]) == int(r["toshikei_kazei_hyojun_gaku"]) * 3 // 1000 // 100 * 100
        assert re.fullmatch(r"\d+\.\d\d", r["toki_chiseki"]) and r["chiban"].count("番") == 1
    kaoku = _rows(clean, "kotei.kaoku")
    assert any(r["shinchiku_keigen_flag"] == "1" for r in kaoku)
    for r in kaoku:  # 新築住宅の減額: half the tax for the first 3 年度
        zei = int(r["hyoka_gaku"]) * 14 // 1000 // 100 * 100
        assert int(r["kotei_zei_gaku"]) + int(r["keigen_gaku"]) == zei
        assert (
            (r["shinchiku_keigen_flag"] == "1") == bool(r["keigen_kaishi_nendo"]) == (r["keigen_gaku"] != "0")
        )
        assert r["kaoku_bango"] == r["shozai_chiban"] + "の1"


def test_keiji_annual_tax_is_the_rate_heavier_after_13_years(clean) -> None:
    rows = _rows(clean, "keiji.sharyo")
    assert rows
    for r in rows:
        assert r["nengaku"] == r["zeiritsu"]
        heavy = r["zeiritsu"] in ("12900", "6000")
        assert heavy == (int(r["shodo_kensa_ym"][:4]) < 2025 - 13 and r["sharyo_kubun"] in ("41", "43"))
