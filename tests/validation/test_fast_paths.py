"""Shortcuts of the vectorized checks (ASCII columns, flags, cached views) give the plain results."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.model import CodeTable
from chukan_layout.validation.base import CompileEnv
from chukan_layout.validation.checks_checkdigit import build_check_digit
from chukan_layout.validation.checks_code import build_code
from chukan_layout.validation.checks_date import parse_dates
from chukan_layout.validation.checks_length import build_length
from chukan_layout.validation.checks_type import build_type
from chukan_layout.validation.context import BatchContext

from .fixtures.layouts import _item, jumin_layout

# the compiled kernels on, then off (conftest.both_routes): the numpy route stays tested
pytestmark = pytest.mark.usefixtures("both_routes")

values = st.lists(
    st.sampled_from(["0", "1", "01", "10", "", "Y", "１", "0 ", "ｱ", "髙橋", "a\U000e0100", "ﾊﾟ"]),
    min_size=1,
    max_size=15,
)


def _ctx(vals: list[str]) -> BatchContext:
    return BatchContext(pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())}))


@given(values)
def test_flag_type_is_exactly_0_or_1(vals: list[str]) -> None:
    (check,) = build_type(_item("v", "フラグ", "flag"), CompileEnv(jumin_layout()))
    assert check.fn(_ctx(vals)).tolist() == [v != "" and re.fullmatch("[01]", v) is None for v in vals]


@given(values, st.integers(0, 3), st.integers(1, 3), st.sampled_from(["chars", "bytes"]))
def test_lengths_on_ascii_and_other_columns(vals: list[str], lo: int, span: int, unit: str) -> None:
    length = {"min": lo, "max": lo + span, "unit": unit, **({"encoding": "cp932"} if unit == "bytes" else {})}
    (check,) = build_length(_item("v", "項目", "text", length=length), CompileEnv(jumin_layout()))

    def width(v: str) -> int:
        if unit == "chars":
            return len(v)
        return sum(1 if ord(c) <= 0x7F or 0xFF61 <= ord(c) <= 0xFF9F else 2 for c in v)

    assert check.fn(_ctx(vals)).tolist() == [v != "" and not lo <= width(v) <= lo + span for v in vals]


@given(values)
def test_char_lengths_equal_arrow(vals: list[str]) -> None:
    ctx = _ctx(vals)
    assert ctx.char_lengths("v").tolist() == pc.utf8_length(pa.array(vals)).to_pylist()
    assert ctx.is_ascii("v") == all(v.isascii() for v in vals)
    assert ctx.nonblank("v").tolist() == [v != "" for v in vals]


numbers = st.lists(
    st.text(alphabet=st.sampled_from(list("0123456789-.１a ")), max_size=7), min_size=1, max_size=20
)


@given(numbers, st.sampled_from(["integer", "decimal0", "decimal1", "decimal3", "year", "wareki_year"]))
def test_number_types_equal_their_regex(vals: list[str], kind: str) -> None:
    type_, scale = (kind[:7], int(kind[7:])) if kind.startswith("decimal") else (kind, None)
    item = _item("v", "金額", type_, **({"scale": scale} if scale is not None else {}))
    (check,) = build_type(item, CompileEnv(jumin_layout()))
    regex = {"integer": r"-?[0-9]+", "year": r"[0-9]{4}", "wareki_year": r"[0-9]{2}"}.get(
        type_, r"-?[0-9]+" + (rf"(?:\.[0-9]{{1,{scale}}})?" if scale else "")
    )
    assert check.fn(_ctx(vals)).tolist() == [v != "" and re.fullmatch(regex, v) is None for v in vals]


@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("0123456789-+. １")), max_size=21), min_size=1, max_size=20
    )
)
def test_to_int_column_equals_the_expression_language(vals: list[str]) -> None:
    from chukan_layout.spec.expr import to_int
    from chukan_layout.validation.rules import to_int_column

    assert to_int_column(_ctx(vals), "v").to_pylist() == [to_int(v) for v in vals]


def test_rules_with_to_int_read_the_precomputed_columns() -> None:
    from chukan_layout.spec import expr

    ints: set[str] = set()
    node = expr.compile_condition("to_int(a) + to_int(b) == to_int(c) and len(a) < 5", ["a", "b", "c"])
    e = expr.rule_fails_arrow(None, node, ints)
    assert ints == {"a", "b", "c"} and "to_int:a" in str(e)


# --- kernels with a whole-column shortcut (every value blank or one width): shortcut = general path


def _date_value() -> st.SearchStrategy[str]:
    dig = st.text("0123456789", min_size=2, max_size=2)
    return st.one_of(
        st.builds(lambda y, m, d: f"{y:04d}-{m}-{d}", st.integers(0, 2100), dig, dig),
        st.sampled_from(
            ["", "2024-02-29", "2023-02-29", "1935-00-00", "2021-04-31", "2021/04/01", "20210401"]
        ),
        st.text(st.sampled_from(list("0129-/ｱ髙")), max_size=11),
    )


@given(st.lists(_date_value(), min_size=1, max_size=30))
def test_parsed_dates_equal_a_per_value_parse(vals: list[str]) -> None:
    import calendar

    from chukan_layout.validation.checks_date import parse_dates

    p = parse_dates(_ctx(vals), "v")
    for i, v in enumerate(vals):
        shaped = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v) is not None and v.isascii()
        assert p.shaped[i] == shaped, v
        y, m, d = (int(v[:4]), int(v[5:7]), int(v[8:10])) if shaped else (0, 0, 0)
        assert (p.y[i], p.m[i], p.d[i]) == (y, m, d), v
        real = shaped and y >= 1 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]
        assert p.full[i] == real, v
        lacks = shaped and y >= 1 and 1 <= m <= 12 and calendar.monthrange(y, m)[1] < d <= 31
        assert p.nonexistent[i] == lacks, v


@given(
    st.sampled_from(["kojin_bango", "atena_mod11", "hokenja_bango", "hojin_bango", "dantai_code"]),
    st.lists(st.tuples(st.text("0123456789", min_size=4, max_size=14), st.integers(0, 4)), min_size=1, max_size=25),
)  # fmt: skip
def test_check_digit_columns_equal_the_scalar_rule(alg_name: str, draws: list[tuple[str, int]]) -> None:
    """Columns of one width (the matrix shortcut) and mixed columns, blanks and non-digits: the
    vectorized verdict is the scalar ``verify`` of every value."""
    from chukan_layout.spec.checkdigits import get_algorithm, make_valid, verify
    from chukan_layout.validation.checks_checkdigit import valid_numbers

    alg = get_algorithm(alg_name)
    width = min(alg.lengths) if alg.lengths else max(alg.min_length, 8)
    vals = []
    for base, kind in draws:  # 0: valid, 1: one digit changed, 2: blank, 3: as drawn (any width),
        ok = make_valid(alg_name, (base * 3)[: width - 1])  # 4: a non-digit check digit (ASCII or not)
        bad = ok[:-1] + ("z" if int(base[0]) % 2 else "ａ")
        vals.append([ok, ok[:-1] + str((int(ok[-1]) + 1) % 10), "", base, bad][kind])
    ctx = _ctx(vals)
    got = valid_numbers(ctx.col("v"), alg, ctx.ascii_digits("v"))
    assert got.tolist() == [v != "" and verify(alg_name, v) for v in vals]
    # the check as run (its whole-column shortcut for digit columns of one width included)
    (check,) = build_check_digit(
        _item("v", "番号", "digits", check_digit=alg_name), CompileEnv(jumin_layout())
    )
    assert check.fn(_ctx(vals)).tolist() == [v != "" and not verify(alg_name, v) for v in vals]


@given(st.lists(st.text(st.sampled_from(list("09AZaz ~\t\x7f-")), max_size=4), min_size=1, max_size=12),
       st.sampled_from(["digits", "alnum", "ascii", "hankaku", "any"]))  # fmt: skip
def test_ascii_charset_shortcut_equals_the_oracle(vals: list[str], cs: str) -> None:
    from chukan_layout.spec import charsets as oracle
    from chukan_layout.spec.model import Charset
    from chukan_layout.validation.checks_charset import bad_rows

    got = bad_rows(_ctx(vals), "v", Charset(cs))
    assert got.tolist() == [bool(oracle.charset_problems(v, Charset(cs), False)) for v in vals]


def _former_date_kernel(ctx: BatchContext, item: object) -> list[bool]:
    """item.date as it was computed before the compact form (per-row views of ParsedDates)."""
    import numpy as np

    from chukan_layout.validation.checks_date import FIRST, parse_dates

    name, pd_ = item.id, item.partial_date  # type: ignore[attr-defined]
    allow = set(pd_.allow) if pd_ is not None else set()
    p = parse_dates(ctx, name)
    ok = p.full | p.nonexistent if item.nonexistent == "keep" else p.full  # type: ignore[attr-defined]
    if item.era_range:  # type: ignore[attr-defined]
        ok = ok & (p.ordinal >= FIRST)
    if pd_ is not None:
        flagged = ctx.equals(pd_.flag_item, "1")
        part_ok = np.zeros(ctx.n, dtype=bool)
        if "month" in allow:
            part_ok |= (p.m == 0) & (p.d == 0)
        if "day" in allow:
            part_ok |= (p.m >= 1) & (p.m <= 12) & (p.d == 0)
        ok = ok | (p.shaped & (p.y >= 1) & part_ok & flagged)
    return (ctx.nonblank(name) & ~ok).tolist()


@given(st.lists(st.tuples(_date_value(), st.sampled_from(["", "0", "1"])), min_size=1, max_size=30))
def test_date_kernel_equals_the_former_one(rows: list[tuple[str, str]]) -> None:
    """Every date item of 住民 (nonexistent: keep, 不詳 flags, era_range): same rows fire."""
    from chukan_layout.spec.model import ItemType
    from chukan_layout.spec.registry import load_layout
    from chukan_layout.validation.checks_date import build_date

    lay = load_layout("juki.jumin").spec
    for item in [it for it in lay.items if it.type is ItemType.DATE]:
        flag = item.partial_date.flag_item if item.partial_date is not None else "unused_flag"
        batch = pa.RecordBatch.from_pydict({item.id: pa.array([v for v, _ in rows], pa.string()),
                                            flag: pa.array([f for _, f in rows], pa.string())})  # fmt: skip
        (check,) = build_date(item, CompileEnv(lay))
        assert check.fn(BatchContext(batch)).tolist() == _former_date_kernel(BatchContext(batch), item), (
            item.id
        )


@given(st.lists(st.tuples(st.integers(0, 10**18 - 1), st.integers(0, 10**18 - 1), st.integers(0, 10**18 - 1)),
                min_size=1, max_size=20), st.integers(1, 18))  # fmt: skip
def test_key_limbs_with_one_width_equal_the_per_row_form(rows: list[tuple[int, int, int]], k: int) -> None:
    """hashing._append: the scalar-divisor path (every part k digits) = the per-row divisors."""
    import numpy as np

    from chukan_layout.validation.hashing import _append

    hi = np.array([r[0] for r in rows], np.uint64)
    lo = np.array([r[1] for r in rows], np.uint64)
    v = np.array([r[2] % 10**k for r in rows], np.uint64)
    fast = _append(hi, lo, np.full(len(rows), k), v)
    mixed = np.full(len(rows) + 1, k)
    mixed[-1] = 1 if k > 1 else 2  # two widths: the general path
    hi2, lo2 = np.append(hi, np.uint64(0)), np.append(lo, np.uint64(0))
    slow = _append(hi2, lo2, mixed, np.append(v, np.uint64(0)))
    assert fast[0].tolist() == slow[0][:-1].tolist() and fast[1].tolist() == slow[1][:-1].tolist()


code_values = st.lists(st.sampled_from(["", "1", "2", "9", "01", "02", "1 ", "é", "é1", "１", "05", "髙", "x"]),
                       min_size=1, max_size=30)  # fmt: skip


@given(code_values, st.lists(st.sampled_from(["1", "2", "9", "01", "02", "05", "é", "髙", "x"]), min_size=1))
def test_short_codes_on_bytes_equal_is_in(vals: list[str], codes: list[str]) -> None:
    """1- and 2-byte code columns looked up on their bytes (checks_code._same_width_codes) == set membership."""
    table = CodeTable.model_validate(
        {"id": "t", "name": "表", "values": [{"code": c, "name": c} for c in dict.fromkeys(codes)],
         "provenance": {"status": "modelled"}}
    )  # fmt: skip
    (check,) = build_code(_item("v", "区分", "code", codes="t"), CompileEnv(jumin_layout(), {"t": table}))
    assert check.fn(_ctx(vals)).tolist() == [v != "" and v not in codes for v in vals]


date_values = st.lists(
    st.one_of(
        st.dates().map(str),
        st.builds(
            lambda v, i, c: v[:i] + c + v[i + 1 :],
            st.dates().map(str),
            st.integers(0, 9),
            st.sampled_from(list("0-9x/")),
        ),  # one byte changed: each position's test
        st.text(alphabet=st.sampled_from(list("0129-/ ０a")), min_size=0, max_size=11),
        st.sampled_from(["", "2024-02-30", "1935-00-00", "0000-13-45", "2024-1-011", "２０２４-01-01"]),
    ),
    min_size=1,
    max_size=25,
)


@given(date_values)
def test_parse_dates_reads_exactly_the_shaped_values(vals: list[str]) -> None:
    """Two-byte digit pairs looked up in a table (checks_date.parse_dates) == the ``NNNN-NN-NN`` regex."""
    p = parse_dates(_ctx(vals), "v")
    shaped = [(i, v) for i, v in enumerate(vals) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v)]
    assert p.rows.tolist() == [i for i, _ in shaped]
    assert [(int(y), int(m), int(d)) for y, m, d in zip(p.cy, p.cm, p.cd, strict=True)] == [
        (int(v[:4]), int(v[5:7]), int(v[8:])) for _, v in shaped
    ]
