"""Date formats: the RE2 pattern of the general path, the byte layout of the fast path, the args."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chukan_layout.adapt.transforms._dateformat import DateArgs, fixed_layout, format_regex

FIXED = ["GYYMMDD", "YYYYMMDD", "YYYY/MM/DD", "YYYY-MM-DD", "GYY.MM.DD", "YYMMDD"]


def test_format_regex_needs_all_parts() -> None:
    with pytest.raises(ValueError):
        format_regex("YYMM", era=True)
    with pytest.raises(ValueError):
        format_regex("GYYYYMMDD", era=False)
    with pytest.raises(ValueError, match="appears twice"):
        format_regex("YYYYMMDDYY", era=False)


def test_format_regex_groups_and_literals() -> None:
    assert format_regex("GYYMMDD", era=True) == (
        "^(?P<g>[0-9A-Za-z]{1})(?P<y>[0-9]{2})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
    )
    m = re.match(format_regex("YYYY年M月D日", era=False), "2019年5月1日")
    assert m is not None and m.group("y", "m", "d") == ("2019", "5", "1")
    assert re.match(format_regex("YYYY.MM.DD", era=False), "2019x05x01") is None  # "." is literal


def test_fixed_layout_positions() -> None:
    assert fixed_layout("YYYY/MM/DD") == (
        10,
        {"g": [], "y": [0, 1, 2, 3], "m": [5, 6], "d": [8, 9], "lit": [(4, ord("/")), (7, ord("/"))]},
    )
    assert fixed_layout("GYYMMDD") == (7, {"g": [0], "y": [1, 2], "m": [3, 4], "d": [5, 6], "lit": []})


@pytest.mark.parametrize("fmt", ["YYYY/M/D", "GGYYMMDD", "YYYY年MM月DD日"])
def test_no_fixed_layout_for_variable_widths_or_multibyte_literals(fmt: str) -> None:
    assert fixed_layout(fmt) is None


@given(
    st.sampled_from(FIXED),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from("3HR"),
)
def test_fixed_layout_reads_what_the_regex_reads(fmt: str, d: date, g: str) -> None:
    text = (
        fmt.replace("YYYY", f"{d.year:04d}").replace("YY", f"{d.year % 100:02d}")
        .replace("MM", f"{d.month:02d}").replace("DD", f"{d.day:02d}").replace("G", g)
    )  # fmt: skip
    m = re.match(format_regex(fmt, era="G" in fmt), text)
    layout = fixed_layout(fmt)
    assert m is not None and layout is not None
    width, pos = layout
    assert width == len(text)
    for part in ("g", "y", "m", "d"):
        if pos[part]:
            assert "".join(text[p] for p in pos[part]) == m.group(part)
    assert all(text[p] == chr(c) for p, c in pos["lit"])


def test_args_check_the_format_at_load_time() -> None:
    assert DateArgs(format="YYYYMMDD", sentinels=["99999999"]).flag_values == ("0", "1")
    with pytest.raises(ValidationError, match="G \\(era\\) only in the wareki transform"):
        DateArgs(format="GYYMMDD")
