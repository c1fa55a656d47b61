"""和暦 ↔ 西暦 at the era boundaries; out-of-era dates are flagged, never shifted."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec import wareki
from chukan_layout.spec.loader import load_code_file
from tests.spec.conftest import FIXTURES


@pytest.mark.parametrize(
    ("era", "y", "m", "d", "iso", "out"),
    [
        ("昭和", 64, 1, 7, "1989-01-07", False),  # last day of 昭和
        ("昭和", 64, 1, 8, "1989-01-08", True),  # 平成 had begun
        ("平成", 1, 1, 8, "1989-01-08", False),
        ("平成", 31, 4, 30, "2019-04-30", False),  # last day of 平成
        ("平成", 31, 5, 1, "2019-05-01", True),  # flagged, not shifted to 令和
        ("令和", 1, 5, 1, "2019-05-01", False),  # 令和元年
        ("令和", 1, 4, 30, "2019-04-30", True),
        ("明治", 1, 1, 1, "1868-01-01", False),  # by custom (JIS X 0301: 1868-01-25)
        (
            "明治",
            45,
            7,
            30,
            "1912-07-30",
            False,
        ),  # also 大正元年7月30日: the shared last day is valid (issue 10)
        ("大正", 15, 12, 25, "1926-12-25", False),  # also 昭和元年12月25日
        ("S", 60, 2, 14, "1985-02-14", False),
        ("H", 31, 0, 0, "2019-00-00", False),  # 平成31年 月日不詳: could lie in 平成
        ("R", 1, 4, 0, "2019-04-00", True),  # 令和元年4月: before 令和
    ],
)
def test_to_seireki(era: str, y: int, m: int, d: int, iso: str, out: bool) -> None:
    r = wareki.to_seireki(era, y, m, d)
    assert (r.iso, r.out_of_era) == (iso, out)


def test_strict_rejects_non_calendar_dates() -> None:
    with pytest.raises(ValueError, match="not a calendar date"):
        wareki.to_seireki("平成", 3, 2, 29)  # 1991 is not a leap year
    assert wareki.to_seireki("平成", 3, 2, 29, strict=False).iso == "1991-02-29"
    with pytest.raises(ValueError, match="元年"):
        wareki.to_seireki("令和", 0, 1, 1)


@pytest.mark.parametrize(
    ("d", "text", "era"),
    [
        (date(1989, 1, 7), "昭和64年1月7日", "昭和"),
        (date(1989, 1, 8), "平成元年1月8日", "平成"),
        (date(2019, 4, 30), "平成31年4月30日", "平成"),
        (date(2019, 5, 1), "令和元年5月1日", "令和"),
        (date(1868, 1, 1), "明治元年1月1日", "明治"),
    ],
)
def test_to_wareki_and_era_of(d: date, text: str, era: str) -> None:
    assert str(wareki.to_wareki(d)) == text
    assert wareki.era_of(d).name == era
    assert wareki.parse_wareki(text).date == d


def test_before_meiji_and_unknown_era() -> None:
    with pytest.raises(ValueError, match="before 明治"):
        wareki.era_of(date(1867, 12, 31))
    assert wareki.find_era(date(1867, 12, 31)) is None
    with pytest.raises(ValueError, match="known: 明治"):
        wareki.get_era("慶応")
    assert wareki.get_era("h") is wareki.get_era("平成") is wareki.get_era("Heisei")


def test_parse_forms() -> None:
    assert wareki.parse_wareki("H31.04.30").iso == "2019-04-30"
    assert wareki.parse_wareki("S60-02-14").iso == "1985-02-14"
    assert wareki.parse_wareki("昭和10年").iso == "1935-00-00"
    with pytest.raises(ValueError):
        wareki.parse_wareki("2019-05-01")


def test_era_codes_come_from_the_gengo_table() -> None:
    table = load_code_file(FIXTURES / "codes" / "gengo.yaml")
    codes = wareki.era_codes(table)
    assert codes["03"].name == "昭和" and codes["05"].name == "令和"
    assert wareki.era_code("R", table) == "05"
    shipped = wareki.era_codes()  # layout_specs/codes/gengo.yaml
    assert {e.name for e in shipped.values()} == {e.name for e in wareki.ERAS}


@given(st.dates(date(1868, 1, 1), date(2100, 12, 31)))
def test_roundtrip(d: date) -> None:
    w = wareki.to_wareki(d)
    r = wareki.to_seireki(w.era, w.year, w.month, w.day)
    assert r.date == d and not r.out_of_era
