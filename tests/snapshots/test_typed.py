"""The typed columns' round-trip proof (snapshots.typed) agrees with doing the round trip."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.snapshots.typed import Lossy, typed


def _round_trips(values: list[str], t: pa.DataType) -> bool:
    """The slow reference: every non-blank value cast to ``t`` and formatted back is the same text
    (and a date is one Python's ``date`` can hold: year 0000 stays a string by design)."""
    for v in values:
        if v == "":
            continue
        if t == pa.date32() and v.startswith("0000"):
            return False
        try:
            back = pa.array([v]).cast(t).cast(pa.string())[0].as_py()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False
        if back != v:
            return False
    return True


def _agrees(values: list[str], t: pa.DataType) -> None:
    try:
        out = typed(pa.array(values, pa.string()), t, "item")
    except Lossy:
        assert not _round_trips(values, t)
        return
    assert _round_trips(values, t)
    assert pc.fill_null(out.cast(pa.string()), "").to_pylist() == values


DIGIT = st.sampled_from("0123456789")
DATE_LIKE = st.one_of(
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.text(DIGIT, min_size=4, max_size=4),
        st.text(DIGIT, min_size=2, max_size=2),
        st.text(DIGIT, min_size=2, max_size=2),
    ),
    st.text(st.sampled_from("0123456789-+ T/"), max_size=11),
    st.sampled_from(["0000-01-01", "0001-01-01", "1935-00-00", "平成31-04-30", "2019-02-29", "2020-02-29"]),
)
INT_LIKE = st.one_of(
    st.text(st.sampled_from("0123456789-+x "), max_size=6),
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.sampled_from(["007", "-0", "0", "-00", "0x1F", "9223372036854775808", "１２"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(DATE_LIKE, st.just("")), min_size=1, max_size=6))
def test_a_date_column_is_typed_exactly_when_every_value_round_trips(values: list[str]) -> None:
    _agrees(values, pa.date32())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(INT_LIKE, st.just("")), min_size=1, max_size=6))
def test_an_integer_column_is_typed_exactly_when_every_value_round_trips(values: list[str]) -> None:
    _agrees(values, pa.int64())


@pytest.mark.parametrize("v", ["0000-01-01", "1935-00-00", "1989-02-29"])
def test_year_zero_and_partial_dates_stay_strings(v: str) -> None:
    with pytest.raises(Lossy):
        typed(pa.array(["1989-01-08", v]), pa.date32(), "seinengappi")


def test_a_sliced_column_with_nulls_is_judged_on_its_own_values() -> None:
    col = pa.array(["007", "12", None, "", "-5", "0"]).slice(1)
    assert typed(col, pa.int64(), "n").to_pylist() == [12, None, None, -5, 0]
    with pytest.raises(Lossy):
        typed(pa.array(["12", "-05"]).slice(1), pa.int64(), "n")
