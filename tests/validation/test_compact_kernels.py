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
GENGO = st.sampled_from(["", "1", "2", "9", "01", "02", "03", "04", "05", "06", "09", "10", "髙", "x", " "])


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
@given(st.lists(st.tuples(DATES, GENGO), min_size=1, max_size=30), st.booleans())
def test_era_mismatch_equals_the_former_kernel(rows: list[tuple[str, str]], two_bytes: bool) -> None:
    if two_bytes:  # every code of two bytes: the byte-table path
        rows = [(d, g if len(g.encode()) == 2 else "0" + str(len(g))) for d, g in rows]
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


PATTERNS = ["[0-9]{7}", "[A-Z]{2}[0-9]{8}[A-Z]{2}", "[0-9]{10}", r"\d{3}-\d{4}", "[A-Z0-9]{3}", "[ac-e]x",
            "[0-9]+", "(a|b)"]  # fmt: skip
PATTERN_VALUES = st.text(st.sampled_from([*"0123456789AZaxce-", "Ａ", "１", "髙", "ﾊ", "ﾞ", " "]), max_size=13)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PATTERNS), st.lists(PATTERN_VALUES, min_size=1, max_size=20), st.integers(0, 12))
def test_fixed_shape_patterns_equal_re2(pattern: str, vals: list[str], shape_of: int) -> None:
    """The byte-class form of a pattern (checks_pattern) == RE2's full match, columns of one
    length (the matrix path) or not (RE2)."""
    import re

    from chukan_layout.validation.checks_pattern import build_pattern, byte_classes

    from .fixtures.layouts import _item, jumin_layout

    runs = byte_classes(pattern)
    if shape_of % 2 and runs is not None:  # mostly values of the pattern's length: the byte-matrix path
        width = runs[-1][1]
        vals = [v if i % 4 == 3 else (v + "0" * width)[:width] for i, v in enumerate(vals)]
    (check,) = build_pattern(_item("v", "番号", "text", pattern=pattern), CompileEnv(jumin_layout()))
    batch = pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())})
    want = [v != "" and re.fullmatch(pattern, v, re.ASCII) is None for v in vals]
    assert check.fn(BatchContext(batch)).tolist() == want


LONG_CODES = ["203", "1001", "ABC", "髙", "12345678", "A", "01"]


@given(st.lists(st.sampled_from(["", "203", "204", "1001", "1002", "ABC", "ABD", "髙", "﨑", "12345678",
                                 "12345679", "A", "01", "2033"]), min_size=1, max_size=30),
       st.lists(st.sampled_from(LONG_CODES), min_size=1))  # fmt: skip
def test_codes_of_three_to_eight_bytes_equal_is_in(vals: list[str], codes: list[str]) -> None:
    """checks_code._same_width_codes (a column of one byte length 3–8 as uint64 words) == set membership."""
    from chukan_layout.spec.model import CodeTable
    from chukan_layout.validation.checks_code import build_code

    from .fixtures.layouts import _item, jumin_layout

    table = CodeTable.model_validate(
        {"id": "t", "name": "表", "values": [{"code": c, "name": c} for c in dict.fromkeys(codes)],
         "provenance": {"status": "modelled"}}
    )  # fmt: skip
    (check,) = build_code(_item("v", "区分", "code", codes="t"), CompileEnv(jumin_layout(), {"t": table}))
    for vs in (vals, [v for v in vals if len(v.encode()) == len(vals[0].encode()) or not v]):
        batch = pa.RecordBatch.from_pydict({"v": pa.array(vs, pa.string())})
        assert check.fn(BatchContext(batch)).tolist() == [v != "" and v not in codes for v in vs]


@given(
    st.lists(st.sampled_from(["", "01", "10", "99", "ab", "髙", "ﾊﾟ", "０１", "〜", "～x"]), min_size=1, max_size=20),
    st.integers(1, 4), st.integers(0, 3), st.sampled_from(["chars", "cp932", "utf-8"]), st.booleans(),
)  # fmt: skip
def test_lengths_of_one_width_columns_equal_counting(
    vals: list[str], lo: int, span: int, unit: str, one_width: bool
) -> None:
    """item.length with the one-width shortcut (every non-blank value of one byte length) == counting."""
    from chukan_layout.validation.checks_length import build_length

    from .fixtures.layouts import _item, jumin_layout

    if one_width:
        vals = [v if not v or len(v.encode()) == len(vals[0].encode() or b"01") else "" for v in vals]
    length = {"min": lo, "max": lo + span, "unit": "chars" if unit == "chars" else "bytes"}
    if unit != "chars":
        length["encoding"] = unit
    (check,) = build_length(_item("v", "項目", "text", length=length), CompileEnv(jumin_layout()))

    def size(v: str) -> int:
        if unit == "chars":
            return len(v)
        if unit == "utf-8":
            return len(v.encode())
        return sum(1 if ord(c) <= 0x7F or 0xFF61 <= ord(c) <= 0xFF9F else 2 for c in v)

    batch = pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())})
    assert check.fn(BatchContext(batch)).tolist() == [
        v != "" and not lo <= size(v) <= lo + span for v in vals
    ]


@given(
    st.sampled_from(["北海道", "髙﨑", "ﾊﾟﾝ", "〜", "～", "\ue000", "a\U000e0100", "朗\ufe00", "ab"]),
    st.integers(2, 15), st.sampled_from(["mj", "jis_x0208", "zenkaku", "hankaku_kana", "cp932"]),
    st.booleans(),
)  # fmt: skip
def test_constant_columns_judged_once_equal_every_row(value: str, n: int, cs: str, one_off: bool) -> None:
    """charset and length of a column holding one value in every row (judged on its first row) ==
    the checks of a column that differs in one row (judged row by row)."""
    from chukan_layout.spec import charsets as oracle
    from chukan_layout.spec.model import Charset
    from chukan_layout.validation.checks_charset import bad_rows
    from chukan_layout.validation.checks_length import build_length

    from .fixtures.layouts import _item, jumin_layout

    vals = [value] * n
    if one_off:
        vals[-1] = "髙"
    ctx = BatchContext(pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())}))
    assert ctx.constant("v") == (not one_off)
    want = [bool(oracle.charset_problems(v, Charset(cs), False)) for v in vals]
    assert bad_rows(ctx, "v", Charset(cs)).tolist() == want
    (check,) = build_length(_item("v", "項目", "text", length={"max": 2}), CompileEnv(jumin_layout()))
    assert check.fn(ctx).tolist() == [len(v) > 2 for v in vals]


MJ_PIECES = ["髙", "﨑", "朗", "葛", "あ", "ｱ", "a", "〜", "～", "\ufe00", "\ufe0f", "\U000e0100", "\U000e01ef",
             "\U000e01f0", "\ue000", "\x07", "ﾊﾟ"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, len(MJ_PIECES) - 1), max_size=5), min_size=1, max_size=12), st.booleans()
)
def test_mj_selectors_judged_on_bytes_equal_the_oracle(picks: list[list[int]], clean: bool) -> None:
    """IVS / SVS anywhere (row start, after kana, after a selector, last bytes of the column), alone
    (``clean``: the byte path) or with other characters outside the class: the oracle's rows."""
    from chukan_layout.spec import charsets as oracle
    from chukan_layout.spec.model import Charset
    from chukan_layout.validation.checks_charset import _selectors_only, bad_rows
    from chukan_layout.validation.utf8 import code_points

    pieces = [p for p in MJ_PIECES if not clean or p in "髙﨑朗葛あ〜～\ufe00\ufe0f\U000e0100\U000e01ef"]
    vals = ["".join(pieces[i % len(pieces)] for i in row) for row in picks]
    for vs in (vals, vals[1:] or vals):  # (a slice: offsets not starting at 0)
        arr = pa.array(["x", *vs], pa.string()).slice(1)
        ctx = BatchContext(pa.RecordBatch.from_arrays([arr], names=["v"]))
        want = [bool(oracle.charset_problems(v, Charset.MJ, False)) for v in vs]
        assert bad_rows(ctx, "v", Charset.MJ).tolist() == want
        cps = code_points(ctx.col("v"))
        sel = np.flatnonzero((cps >= 0xFE00) & (cps <= 0xFE0F) | (cps >= 0xE0100) & (cps <= 0xE01EF))
        if clean and sel.size:  # the byte path answers (not the general one)
            assert _selectors_only(ctx, "v", cps, sel) is not None


@given(st.lists(st.sampled_from(["", "1", "髙橋", "2024-02-29", "01"]), min_size=1, max_size=8), st.data())
def test_null_columns_read_as_blank_strings(vals: list[str], data: st.DataObject) -> None:
    """Columns the reader hands over as Arrow ``null`` (its blank-column hint) give every check the
    verdicts of ``""`` string columns (utf8.blank_strings instead of a cast and fill_null)."""
    from chukan_layout.validation.compile import compile_layout

    from .fixtures.layouts import code_tables, jumin_layout

    comp = compile_layout(jumin_layout(), code_tables())
    ids = comp.layout.item_ids
    nulls = data.draw(st.sets(st.sampled_from(ids)))
    cols = {i: pa.array([vals[k % len(vals)] for k in range(len(vals))], pa.string()) for i in ids}
    as_null = {i: (pa.nulls(len(vals)) if i in nulls else c) for i, c in cols.items()}
    as_blank = {i: (pa.array([""] * len(vals), pa.string()) if i in nulls else c) for i, c in cols.items()}
    got = comp.record_verdicts(pa.RecordBatch.from_pydict(as_null))
    assert got == comp.record_verdicts(pa.RecordBatch.from_pydict(as_blank))
