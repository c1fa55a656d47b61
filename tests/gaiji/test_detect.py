"""Vectorized detection (one RE2 pass) equals the per-row Python reference on random strings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.gaiji.detect import (
    reference_rows,
    suspicious_rows,
    suspicious_rows_many,
    tokens,
    unstorable_tokens,
)
from chukan_layout.gaiji.targets import re2_class, target_set

# Real-looking pieces plus every trap class: PUA (BMP, plane 15, 16), IVS/SVS, 〜/～, compat
# ideographs, Ext-B, half-width kana, か゚ (a two-code-point JIS X 0213 cell), emoji, controls.
ALPHABET = [
    *"山田太郎髙﨑橋邊葛辻塚朗隆〜～－−ｶﾞﾊﾟ　 abc019-〓ー・々",
    "\ue000", "\ue757", "\uf8f0", "\uf8ff", "\U000f0000", "\U0010fffd", "\U00020bb7", "\U00020089",
    "\U000e0100", "\U000e0104", "\ufe00", "\u309a", "\u304b", "\U0001f600", "\x00", "\n", "\ufa10", "\ufa11",
]  # fmt: skip
values = st.lists(
    st.one_of(st.none(), st.text(alphabet=st.sampled_from(ALPHABET), max_size=12)), max_size=120
)


@pytest.mark.parametrize("charset", [None, "jis_x0208", "jis_x0213", "cp932", "mj"])
@settings(max_examples=60)
@given(vals=values, group=st.sampled_from([1, 3, 64]), start=st.integers(0, 5))
def test_vectorized_equals_reference(
    charset: str | None, vals: list[str | None], group: int, start: int
) -> None:
    """Also over sliced arrays (non-zero offset) and any super-value size of the first pass."""
    target = target_set(charset)
    vals = vals[start:]
    got = suspicious_rows(pa.array([None] * start + vals, pa.string()).slice(start), target, group=group)
    np.testing.assert_array_equal(got, reference_rows(vals, target))
    # soundness: every value with an unstorable token is among the rows looked at
    must = [i for i, v in enumerate(vals) if v is not None and unstorable_tokens(v, target)]
    assert set(must) <= set(got.tolist())


@settings(max_examples=60)
@given(vals=values)
def test_vectorized_equals_reference_with_mj_index(vals: list[str | None], mj_index) -> None:  # type: ignore[no-untyped-def]
    target = target_set("mj", mj_index)
    got = suspicious_rows(pa.chunked_array([pa.array(vals, pa.string())]), target)
    np.testing.assert_array_equal(got, reference_rows(vals, target))


def test_tokens_keep_sequences_together() -> None:
    assert list(tokens("葛\U000e0104城か\u309a")) == [(1, "葛\U000e0104"), (3, "城"), (4, "か\u309a")]
    jis = target_set("jis_x0213")
    assert unstorable_tokens("か\u309aき", jis) == []  # one JIS X 0213 cell of two code points
    assert unstorable_tokens("葛\U000e0104", jis) == [(1, "葛\U000e0104")]


def test_large_string_and_empty_arrays() -> None:
    t = target_set("cp932")
    assert suspicious_rows(pa.array(["a", "\ue000"], pa.large_string()), t).tolist() == [1]
    assert suspicious_rows(pa.array([], pa.string()), t).size == 0


def test_re2_class_syntax() -> None:
    assert re2_class([(0xE000, 0xF8FF), (0x3013, 0x3013)]) == "[\\x{E000}-\\x{F8FF}\\x{3013}]"
    assert re2_class([(0x41, 0x41)], negate=True) == "[^\\x{41}]"


@settings(max_examples=40)
@given(cols=st.lists(values, min_size=1, max_size=4), group=st.sampled_from([1, 2, 64]))
def test_many_columns_in_one_scan(cols: list[list[str | None]], group: int) -> None:
    """One ChunkedArray per pass over several columns (different lengths, empty ones) = per column."""
    target = target_set("jis_x0213")
    got = suspicious_rows_many([pa.array(c, pa.string()) for c in cols], target, group=group)
    assert [g.tolist() for g in got] == [reference_rows(c, target).tolist() for c in cols]


@pytest.mark.parametrize("charset", [None, "jis_x0208", "mj"])
@settings(max_examples=30)
@given(cols=st.lists(st.tuples(values, st.integers(0, 3), st.booleans()), min_size=1, max_size=5))
def test_one_scan_over_sliced_large_and_chunked_columns(
    charset: str | None, cols: list[tuple[list[str | None], int, bool]]
) -> None:
    """The columns' bytes scanned together = each column scanned alone = the Python reference,
    whatever each column's offset, null slots, string width or chunking."""
    target = target_set(charset)
    arrays: list[pa.Array | pa.ChunkedArray] = []
    for vals, start, large in cols:
        arr = pa.array(["\ue000髙"] * start + vals, pa.large_string() if large else pa.string()).slice(start)
        arrays.append(pa.chunked_array([arr]) if start % 2 else arr)
    got = suspicious_rows_many(arrays, target)
    want = [reference_rows(vals, target).tolist() for vals, _, _ in cols]
    assert [g.tolist() for g in got] == want
    assert [suspicious_rows(a, target).tolist() for a in arrays] == want


@pytest.mark.parametrize("charset", [None, "mj"])
@settings(max_examples=60)
@given(vals=values, start=st.integers(0, 3))
def test_both_routes_and_the_lead_byte_scan_agree(
    charset: str | None, vals: list[str | None], start: int
) -> None:
    """The byte-prefilter route, the codec route and the former numpy scan of every lead byte
    name the same rows (a set with PUA-only detection can take any of them)."""
    from chukan_layout.gaiji.detect import _hits, _rows, _utf8, flagged_first_bytes

    target = target_set(charset)
    lut = target.suspicious_table()
    arr = pa.array(["\ue000"] * start + vals, pa.string()).slice(start)
    routes = [_rows(arr, lut, None)]
    if flagged_first_bytes(target) is not None:
        routes.append(_rows(arr, lut, flagged_first_bytes(target)))
    got = _utf8(arr)
    lead_scan = np.empty(0, np.int64)
    if got is not None:
        seg, offsets, valid = got
        rows = np.unique(np.searchsorted(offsets, _hits(seg, lut), side="right") - 1).astype(np.int64)
        lead_scan = rows[valid[rows]] if valid is not None else rows
    for r in routes:
        np.testing.assert_array_equal(r, lead_scan)
    np.testing.assert_array_equal(lead_scan, reference_rows(vals, target))


def test_prefilter_only_for_sets_that_leave_kana_and_kanji_alone() -> None:
    from chukan_layout.gaiji.detect import flagged_first_bytes

    assert flagged_first_bytes(target_set(None)) == [(0xEE, 0xEF), (0xF3, 0xF4)]  # PUA: BMP, planes 15–16
    assert flagged_first_bytes(target_set("mj")) is None
    assert flagged_first_bytes(target_set("jis_x0208")) is None


def test_bytes_under_a_null_slot_are_no_hit() -> None:
    """A null slot may hold bytes (Arrow allows it): they are decoded with the column, never reported."""
    data = "山\ue000田髙".encode()
    offsets = np.array([0, 3, 6, 9, 12], np.int32)
    validity = pa.array([True, False, True, True]).buffers()[1]
    arr = pa.StringArray.from_buffers(4, pa.py_buffer(offsets), pa.py_buffer(data), validity)
    assert suspicious_rows(arr, target_set(None)).tolist() == []
    assert suspicious_rows(arr, target_set("jis_x0208")).tolist() == [3]


# what a cp932 CSV column can hold (the user area F040– decodes to the PUA U+E000–)
_CP932 = [
    c for c in ALPHABET if len(c) == 1 and c != "\x00" and c.encode("cp932", "ignore").decode("cp932") == c
] + [
    "\ue000",
    "\ue757",
]


@pytest.mark.parametrize("charset", [None, "jis_x0208", "mj"])
@settings(max_examples=40, deadline=None)
@given(pool=st.lists(st.text(alphabet=st.sampled_from(_CP932), max_size=6), min_size=1, max_size=6),
       picks=st.lists(st.integers(0, 5), min_size=1, max_size=80))  # fmt: skip
def test_columns_decoded_by_distinct_values_are_scanned_on_them(charset: str | None, pool: list[str],
                                                                picks: list[int]) -> None:  # fmt: skip
    """A column the CSV reader decoded through its distinct values: the same rows as a full scan."""
    from chukan_layout.readers.csv_decode import SPARSE, DecodeRoutes, distinct_values

    vals = [pool[i % len(pool)] for i in picks]
    raw = pa.array([v.encode("cp932") for v in vals], pa.binary())
    routes = DecodeRoutes("cp932")
    col = routes.decode(pa.RecordBatch.from_arrays([raw], names=["c"]))[0]
    target = target_set(charset)
    got = suspicious_rows(col, target)
    taken = distinct_values(col) is not None  # the first batch of a file is decoded so when not ASCII
    sparse = sum(v != "" for v in vals) <= len(vals) * (1 - SPARSE)  # only the filled values decoded
    assert taken == (
        any(b >= 0x80 for v in vals for b in v.encode("cp932"))
        and len(raw.buffers()[2] or b"") >= len(vals)
        and not sparse
    )
    routes.close()
    assert distinct_values(col) is None
    np.testing.assert_array_equal(got, suspicious_rows(col, target))
    np.testing.assert_array_equal(got, reference_rows(vals, target))
