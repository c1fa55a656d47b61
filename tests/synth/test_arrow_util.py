"""The generator's fast string builders give exactly what the plain Arrow/Python way gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.synth.arrow_util import fixed_digits, int_strings, patch, s, where, zfill
from chukan_layout.synth.calendar import _ymd_datetime, iso, iso_or_blank, partial_iso, ymd
from chukan_layout.synth.world import banchi_strings, room_vocab

ints = st.lists(st.integers(-(10**15), 10**15), max_size=40)


@settings(max_examples=150, deadline=None)
@given(ints)
def test_int_strings_match_arrow_cast(values: list[int]) -> None:
    v = np.array(values, dtype=np.int64)
    assert int_strings(v).to_pylist() == [str(x) for x in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(10**11, 10**12 - 1), min_size=1, max_size=20))
def test_same_width_integers_use_numpy_digits(values: list[int]) -> None:
    out = s(np.array(values))
    assert out.type == pa.string() and out.to_pylist() == [str(x) for x in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10**13), max_size=30), st.integers(1, 14))
def test_zfill_is_str_zfill(values: list[int], width: int) -> None:
    assert zfill(np.array(values, dtype=np.int64), width).to_pylist() == [str(x).zfill(width) for x in values]


def test_fixed_digits_and_bytes_columns() -> None:
    assert fixed_digits(np.array([0, 7, 123456789]), 9).to_pylist() == ["000000000", "000000007", "123456789"]
    cards = np.array([b"AB12345678CD", b"ZZ00000000AA"], dtype="S12")
    assert s(cards).to_pylist() == ["AB12345678CD", "ZZ00000000AA"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-80_000, 80_000), max_size=30))
def test_iso_vocabulary_matches_date_cast(days: list[int]) -> None:
    d = np.array(days, dtype=np.int64)
    expected = pa.array(d.astype(np.int32), pa.date32()).cast(pa.string()).to_pylist()
    assert iso(d).to_pylist() == expected  # inside and outside the 1800–2199 vocabulary
    ok = d % 3 != 0
    assert iso_or_blank(d, ok).to_pylist() == [e if k else "" for e, k in zip(expected, ok, strict=True)]
    y, m, dd = ymd(d)
    ey, em, ed = _ymd_datetime(d)
    assert (y == ey).all() and (m == em).all() and (dd == ed).all()


def test_partial_iso_patches_unknown_parts() -> None:
    days = np.array([-12_000, -11_000, -10_000, 0])  # 1937, 1939, 1942, 1970
    out = partial_iso(days, np.array([0, 1, 2, 0], dtype=np.int8)).to_pylist()
    assert out == ["1937-02-23", "1939-11-00", "1942-00-00", "1970-01-01"]


def test_patch_and_where() -> None:
    base = pa.array(["a", "b", "c", "d"])
    assert patch(base, np.array([3, 1]), ["髙", "﨑"]).to_pylist() == ["a", "﨑", "c", "髙"]
    assert patch(base, np.array([], dtype=np.int64), []).to_pylist() == base.to_pylist()
    assert where(np.array([True, False]), "1", "0").to_pylist() == ["1", "0"]
    assert where(np.array([True, False]), pa.array(["x", "y"]), "").to_pylist() == ["x", ""]


def test_banchi_vocabulary_and_fallback() -> None:
    ban, go = np.array([1, 39, 12]), np.array([2, 29, 3])
    chome = np.array([True, False, True])
    assert banchi_strings(ban, go, chome).to_pylist() == ["1番2号", "39番地29", "12番3号"]
    assert banchi_strings(np.array([1234]), np.array([5]), np.array([False])).to_pylist() == ["1234番地5"]
    assert room_vocab().take(pa.array([101, 1109])).to_pylist() == ["１０１", "１１０９"]
    assert pc.all(pc.equal(room_vocab().slice(0, 1), "０")).as_py()


def test_constant_columns_from_buffers() -> None:
    from chukan_layout.synth.arrow_util import blank, choose, const, flag

    assert const("髙", 3).to_pylist() == ["髙"] * 3 and const("x", 0).to_pylist() == []
    assert blank(2).to_pylist() == ["", ""]
    m = np.array([True, False, True])
    assert flag(m).to_pylist() == ["1", "0", "1"]
    assert choose(m, "男", "女").to_pylist() == ["男", "女", "男"]
    assert choose(m, "12", "").to_pylist() == ["12", "", "12"]
    assert choose(m, "", "abc").to_pylist() == ["", "abc", ""]
    assert choose(m, "ab", "c").to_pylist() == ["ab", "c", "ab"]
    assert choose(m, "", "").to_pylist() == ["", "", ""]
    for arr in (const("ab", 4), flag(m), choose(m, "ab", "")):
        arr.validate(full=True)
