"""Kernels that work on the rows that matter only (compact) give the former whole-column verdicts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.spec import wareki
from chukan_layout.spec.registry import load_layout
from chukan_layout.validation.base import CompileEnv
from chukan_layout.validation.checks_date import _era_starts, build_era_mismatch, parse_dates
from chukan_layout.validation.context import BatchContext
from chukan_layout.validation.utf8 import code_points, string_array, to_int64

DATES = st.one_of(
    st.sampled_from(["", "1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01", "1912-07-30", "1926-12-25",
                     "1868-01-01", "1867-12-31", "2023-02-29", "1935-00-00", "0000-01-01", "2024/01/01"]),
    st.dates().map(str),
)  # fmt: skip
GENGO = st.sampled_from(["", "1", "2", "3", "4", "5", "6", "9", "01", "髙", "x", " "])


def _former_era_kernel(ctx: BatchContext, item_id: str, date_item: str, codes_table: object) -> list[bool]:
    """item.era_mismatch as computed before the compact form (whole columns, index_in, isin)."""
    code_of = wareki.era_codes(codes_table)  # type: ignore[arg-type]
    eras = list(wareki.ERAS)
    codes = sorted(code_of)
    era_of_code = np.array([eras.index(code_of[c]) for c in codes] + [-2], dtype=np.int64)
    shared = np.array([d.year * 10000 + d.month * 100 + d.day for d in wareki.shared_days()], np.int64)
    p = parse_dates(ctx, date_item)
    full = p.full & ctx.nonblank(item_id)
    date_era = np.searchsorted(_era_starts(), p.ordinal, side="right") - 1
    got = pc.index_in(ctx.col(item_id), value_set=string_array(codes))
    code_era = era_of_code[to_int64(got, fill=len(codes))]
    old_name = np.isin(p.ordinal, shared) & (code_era == date_era - 1)
    return (full & (date_era >= 0) & (code_era != date_era) & ~old_name).tolist()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(DATES, GENGO), min_size=1, max_size=30))
def test_era_mismatch_equals_the_former_kernel(rows: list[tuple[str, str]]) -> None:
    lay = load_layout("juki.jumin")
    for item in [it for it in lay.spec.items if it.era_of is not None]:
        batch = pa.RecordBatch.from_pydict(
            {
                item.era_of: pa.array([d for d, _ in rows], pa.string()),
                item.id: pa.array([g for _, g in rows]),
            }
        )
        (check,) = build_era_mismatch(item, CompileEnv(lay.spec, dict(lay.codes)))
        table = lay.codes.get(item.codes) if item.codes else None
        want = _former_era_kernel(BatchContext(batch), item.id, item.era_of, table)
        assert check.fn(BatchContext(batch)).tolist() == want, item.id


@given(st.lists(st.text(st.sampled_from(["a", "\x00", "髙", "﨑", "〜", "～", "ﾊ", "ﾞ", "ﾟ", "\ue000", "\U000e0100",
                                         "\U00020b9f"]), max_size=6), min_size=1, max_size=20))  # fmt: skip
def test_code_points_are_the_characters(vals: list[str]) -> None:
    arr = pa.array(vals, pa.string())
    assert code_points(arr).tolist() == [ord(c) for v in vals for c in v]
    assert code_points(arr.slice(1)).tolist() == [ord(c) for v in vals[1:] for c in v]


@given(
    st.lists(st.tuples(st.integers(0, 10**17), st.integers(0, 10**18 - 1), st.integers(0, 10**18 - 1)),
             min_size=1, max_size=20),
    st.integers(1, 18), st.booleans(),
)  # fmt: skip
def test_key_limbs_equal_big_integer_arithmetic(
    rows: list[tuple[int, int, int]], k: int, small: bool
) -> None:
    """hashing._append (one limb while the number fits, else the carry into ``hi``) == Python ints."""
    from chukan_layout.validation.hashing import _append

    rows = [(h % 10 ** (18 - k), lo, v) for h, lo, v in rows]  # the result stays below 10^36
    if small:  # the key so far still fits the low limb: the shortcut without divmod
        rows = [(0, lo % 10 ** (18 - k), v) for _, lo, v in rows]
    hi = np.array([r[0] for r in rows], np.uint64)
    lo = np.array([r[1] for r in rows], np.uint64)
    v = np.array([r[2] % 10**k for r in rows], np.uint64)
    got_hi, got_lo = _append(hi, lo, np.full(len(rows), k), v)
    want = [(h * 10**18 + lo_) * 10**k + x % 10**k for h, lo_, x in rows]
    assert [int(a) * 10**18 + int(b) for a, b in zip(got_hi, got_lo, strict=True)] == want
    assert all(int(b) < 10**18 for b in got_lo)
