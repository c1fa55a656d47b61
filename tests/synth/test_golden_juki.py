"""住民基本台帳 builders (golden_juki): the hard cases are in the 住民票, and the 本籍 strings the
戸籍 builders rely on."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.synth.golden_juki import _ban_banchi, honseki_town

from .conftest import golden_rows


def test_golden_covers_the_hard_cases(clean) -> None:
    res, _ = clean
    rows = golden_rows(res.golden["juki.jumin"], "juki.jumin")
    births = {r["seinengappi"] for r in rows}
    assert {"1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01"} <= births
    assert any(r["seinengappi"].endswith("-00") and r["seinengappi_fusho_flag"] == "1" for r in rows)
    assert {r["seinengappi_gengo"] for r in rows} == {"01", "02", "03", "04", "05"}
    assert {r["ido_jiyu"] for r in rows} >= {"101", "103", "201", "203", "301"}
    assert any(r["jumin_shubetsu"] == "2" and r["zairyu_card_no"] and r["shimei_romaji"] for r in rows)
    # 外字 variants are in the golden names (the real characters, IVS included)
    text = "".join(r["shimei"] + r["jusho_machiaza"] for r in rows)
    assert any(ch in text for ch in "髙﨑邉𠮷濵栁德") or "\U000e0102" in text


@given(st.lists(st.integers(-5, 20_000), max_size=40))
def test_ban_banchi_vocabulary_and_fallback_agree(bans: list[int]) -> None:
    """Numbers in 0–999 come from a cached vocabulary, others are joined: the same text either way."""
    got = _ban_banchi(np.array(bans, np.int64)).to_pylist()
    assert got == [f"{b}番地" for b in bans]


def test_honseki_town_is_prefecture_city_machiaza_per_household(world_chunk) -> None:
    w, c = world_chunk
    H = c.hh["hid"].shape[0]
    prefix = w.muni.prefecture + w.muni.city
    for form in ("golden", "vendor_a"):
        town = honseki_town(w, c, form).to_pylist()
        machiaza = w.address(c, form)["machiaza"].to_pylist()
        assert len(town) == H and town == [prefix + m for m in machiaza], form
    # a 外字 町字 differs between the forms: the real character in golden, a PUA code for the vendor
    golden, vendor = honseki_town(w, c, "golden").to_pylist(), honseki_town(w, c, "vendor_a").to_pylist()
    differ = [(g, v) for g, v in zip(golden, vendor, strict=True) if g != v]
    assert all(any(0xE000 <= ord(ch) <= 0xF8FF for ch in v) for _g, v in differ)
