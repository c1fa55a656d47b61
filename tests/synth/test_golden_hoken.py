"""国保, 介護, 後期高齢 and 国民年金 builders (golden_hoken): households and members agree, amounts add up."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.synth.golden_hoken import kiso_nenkin_bango

from .conftest import golden_rows


def _rows(clean, lid: str) -> list[dict[str, str]]:
    res, _ = clean
    return golden_rows(res.golden[lid], lid)


def test_kokuho_household_counts_and_amounts_match_its_members(clean) -> None:
    setai = _rows(clean, "kokuho.setai")
    members = _rows(clean, "kokuho.hihokensha")
    by_setai: dict[str, list[dict[str, str]]] = defaultdict(list)
    for m in members:
        by_setai[m["kokuho_setai_no"]].append(m)
    assert setai and set(by_setai) == {r["kokuho_setai_no"] for r in setai}
    for r in setai:
        ms = by_setai[r["kokuho_setai_no"]]
        assert int(r["hihokensha_su"]) == len(ms)
        assert int(r["mishugakuji_su"]) == sum(m["mishugakuji_flag"] == "1" for m in ms)
        assert int(r["kaigo_nigo_su"]) == sum(m["kaigo_nigo_flag"] == "1" for m in ms)
        iryo = int(r["iryo_shotokuwari"]) + int(r["iryo_kintowari"]) + int(r["iryo_byodowari"])
        assert int(r["iryo_gaku"]) == iryo
        assert int(r["nengaku"]) == iryo + int(r["shien_gaku"]) + int(r["kaigo_gaku"])
        assert (r["kaigo_gaku"] != "0") == (r["kaigo_nigo_su"] != "0")
        # 擬制世帯主: the head is not in 国保 himself
        heads = [m for m in ms if m["setainushi_flag"] == "1"]
        assert (r["gisei_setainushi_flag"] == "1") == (not heads)
        assert sorted(int(m["hihokenshasho_edaban"]) for m in ms) == list(range(1, len(ms) + 1))


def test_kouki_premium_is_income_part_plus_flat_part(clean) -> None:
    rows = _rows(clean, "kouki.hihokensha")
    assert rows
    for r in rows:
        assert int(r["hokenryo_nengaku"]) == int(r["shotokuwari"]) + int(r["kintowari"])


def test_kaigo_certified_members_have_a_valid_period(clean) -> None:
    rows = _rows(clean, "kaigo.hihokensha")
    assert rows
    # 第1号 (65+) pay a 保険料 here, 第2号 through their medical insurance
    assert len({(r["hihokensha_kubun"], bool(r["hokenryo_dankai"])) for r in rows}) == len(
        {r["hihokensha_kubun"] for r in rows}
    )
    for r in rows:
        if r["yokaigo_jotai_kubun"]:
            assert r["nintei_ymd"] < r["nintei_yuko_kaishi_ymd"] <= r["nintei_yuko_shuryo_ymd"]
            assert int(r["shikyu_gendo_tani"]) > 0
        else:
            assert not r["nintei_ymd"] and not r["shikyu_gendo_tani"]


def test_nenkin_number_is_the_one_on_the_juminhyo(clean) -> None:
    jumin = {
        r["atena_no"]: r["kiso_nenkin_bango"] for r in _rows(clean, "juki.jumin") if r["saishin_flag"] == "1"
    }
    rows = _rows(clean, "nenkin.hihokensha")
    assert rows and all(jumin[r["atena_no"]] == r["kiso_nenkin_bango"] for r in rows)


@given(st.lists(st.integers(0, 10**12), max_size=30))
def test_kiso_nenkin_bango_is_a_4_digit_office_and_6_digit_serial(pids: list[int]) -> None:
    got = kiso_nenkin_bango(None, np.array(pids, np.int64)).to_pylist()  # type: ignore[arg-type]
    assert all(
        len(x) == 10 and 1000 <= int(x[:4]) <= 9999 and int(x[4:]) == p % 1_000_000
        for x, p in zip(got, pids, strict=True)
    )
