"""印鑑登録 builder (golden_inkan): registered residents, 15 or older on the day, by 基準日."""

from __future__ import annotations

from datetime import date

from .conftest import golden_rows


def test_registrations_belong_to_residents_aged_15_by_kijunbi(clean) -> None:
    res, _ = clean
    jumin = {
        r["atena_no"]: r
        for r in golden_rows(res.golden["juki.jumin"], "juki.jumin")
        if r["saishin_flag"] == "1"
    }
    rows = golden_rows(res.golden["inkan.toroku"], "inkan.toroku")
    assert len(rows) > 100
    for r in rows:
        person = jumin[r["atena_no"]]
        assert r["toroku_shimei"] == person["shimei"]  # the golden name (外字 as the real character)
        day = date.fromisoformat(r["toroku_ymd"])
        assert day <= date(2025, 4, 1) and r["torokusho_kofu_ymd"] == r["toroku_ymd"]
        birth = person["seinengappi"]
        if not birth.endswith("-00"):  # 不詳 days are written -00
            b = date.fromisoformat(birth)
            assert (day - b).days >= 15 * 365, (r["atena_no"], birth, r["toroku_ymd"])
