"""Vendor encodings: 和暦 with a vendor's own era digits, half-width kana, date forms."""

from __future__ import annotations

import pyarrow as pa

from chukan_layout.synth.encode import compact, hankaku, has_small_kana, slash, wareki, wareki_forced

ERA_A = {"明治": "0", "大正": "1", "昭和": "2", "平成": "3", "令和": "4"}


def test_wareki_era_boundaries() -> None:
    days = [
        "1912-07-29",
        "1912-07-30",
        "1926-12-24",
        "1926-12-25",
        "1989-01-07",
        "1989-01-08",
        "2019-04-30",
        "2019-05-01",
    ]
    assert wareki(pa.array(days), ERA_A).to_pylist() == [
        "0450729",
        "1010730",
        "1151224",
        "2011225",
        "2640107",
        "3010108",
        "3310430",
        "4010501",
    ]


def test_wareki_partial_blank_and_impossible() -> None:
    out = wareki(pa.array(["1935-00-00", "1935-05-00", "", "2023-02-30"]), ERA_A).to_pylist()
    assert out == ["2100000", "2100500", "", "4050230"]


def test_wareki_recorded_era_wins_for_partial_dates() -> None:
    # 1989 with unknown month: the recorded era (昭和) decides, not a guess
    assert wareki(pa.array(["1989-00-00"]), ERA_A, pa.array(["昭和"])).to_pylist() == ["2640000"]


def test_out_of_era_is_heisei_31() -> None:
    assert wareki_forced(pa.array(["2019-05-01"]), ERA_A, "平成").to_pylist() == ["3310501"]


def test_hankaku_writes_small_kana_large() -> None:
    src = pa.array(["キョウコ", "ガッコウ　パン", "ヴー", "ワタナベ　ショウタ"])
    assert hankaku(src).to_pylist() == ["ｷﾖｳｺ", "ｶﾞﾂｺｳ ﾊﾟﾝ", "ｳﾞｰ", "ﾜﾀﾅﾍﾞ ｼﾖｳﾀ"]
    assert has_small_kana(src).tolist() == [True, True, False, True]


def test_slash_and_compact() -> None:
    assert slash(pa.array(["2019-05-01", "1935-00-00"])).to_pylist() == ["2019/05/01", "1935/00/00"]
    assert compact(pa.array(["2019-05-01"])).to_pylist() == ["20190501"]


def test_fast_date_encodings_match_the_general_path() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from chukan_layout.synth import encode

    codes = {"明治": "1", "大正": "2", "昭和": "3", "平成": "4", "令和": "5"}
    values = pa.array(
        [
            "1989-01-07",
            "1989-01-08",
            "",
            "1935-00-00",
            "1950-04-00",
            "2019-04-30",
            "2019-05-01",
            "1912-07-29",
            "1868-01-01",
            "2020-02-30",
            "1926-12-25",
        ]
    )
    eras = pa.array(["昭和", "平成", "", "昭和", "", "", "令和", "", "明治", "令和", "大正"])
    general = encode._wareki_fast
    for names in (None, eras):
        fast = encode.wareki(values, codes, names)
        encode._wareki_fast = lambda *a: None  # type: ignore[assignment]
        try:
            slow = encode.wareki(values, codes, names)
        finally:
            encode._wareki_fast = general
        assert fast.to_pylist() == slow.to_pylist()
    assert encode.wareki(values, codes)[0].as_py() == "3640107"
    assert encode.slash(values).to_pylist() == pc.replace_substring(values, "-", "/").to_pylist()
    assert encode.compact(values).to_pylist() == pc.replace_substring(values, "-", "").to_pylist()
    odd = pa.array(["1989-1-7", ""])  # not ISO-shaped: the general path
    assert encode.slash(odd).to_pylist() == ["1989/1/7", ""]
    assert (
        encode.wareki(pa.array(["1850-01-01"]), codes).to_pylist()
        == encode.wareki(pa.array(["1850-01-01"]), codes, None).to_pylist()
    )
