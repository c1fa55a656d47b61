"""The eager row-rule evaluator == the Arrow projection of the same rule == the one-record evaluator."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.spec import expr
from chukan_layout.validation.context import BatchContext
from chukan_layout.validation.rule_eval import RuleEvaluator
from chukan_layout.validation.rules import to_int_column

ITEMS = ["a", "b", "c", "d"]

CONDITIONS = [
    'a == "1" and b == "1"',
    "is_set(c) and is_set(d)",
    'a in ["1", "2"]',
    'a not in ["1", "203"]',
    "is_blank(a) or not is_set(b)",
    'starts_with(a, "2")',
    "substr(a, 0, 1) == b",
    'substr(c, 1, 2) != "髙"',
    '"〜" == substr(d, 0, 1)',
    "a <= b",
    "c > d",
    '"ﾊﾞ" < a',
    "a != c",
    "to_int(a) + to_int(b) == to_int(c)",
    "to_int(a) - 1 >= len(b)",
    "to_int(substr(a, 0, 2)) == 1",
    "len(c) < 3",
    "to_int(a) in [1, 2]",
    "to_int(b) not in [0]",
    "not (to_int(b) > 5)",
    "to_int(d) * 2 < to_int(a)",
    '"1" == "1"',
    "1 + 2 == 3",
    "to_int(a) == to_int(a) or is_set(d)",
    "is_set(a) and to_int(a) >= 0",
    "not is_set(a) or to_int(a) != 3 and c == d",
]

VALUES = st.sampled_from(
    [
        "",
        "1",
        "2",
        "01",
        "203",
        "-5",
        "12",
        "0",
        "123456789012345678",
        "1234567890123456789",
        "-",
        "髙橋",
        "﨑",
        "〜",
        "～",
        "ﾊﾞｶ",
        "ﾊﾟ",
        "\ue000",
        "2024-02-29",
        "1989-01-07",
        "2 ",
    ]
)
RECORDS = st.lists(st.fixed_dictionaries({k: VALUES for k in ITEMS}), min_size=1, max_size=25)


def _batch(records: list[dict[str, str]], nulls: bool) -> pa.RecordBatch:
    # a null cell reads as "" in every backend (the BatchContext fills it)
    cols = {k: [None if nulls and r[k] == "" else r[k] for r in records] for k in ITEMS}
    return pa.RecordBatch.from_pydict({k: pa.array(v, pa.string()) for k, v in cols.items()})


def _arrow(when: expr.Node | None, check: expr.Node, batch: pa.RecordBatch) -> list[bool]:
    table = pa.Table.from_batches([batch])
    e = expr.rule_fails_arrow(when, check)
    return ds.dataset(table).to_table(columns={"f": e}).column("f").to_pylist()


def _evaluator(ctx: BatchContext) -> RuleEvaluator:
    cache: dict[str, pa.Array] = {}
    return RuleEvaluator(ctx, lambda item: cache.setdefault(item, to_int_column(ctx, item)))


@settings(max_examples=150, deadline=None)
@given(
    RECORDS,
    st.one_of(st.none(), st.sampled_from(CONDITIONS)),
    st.sampled_from(CONDITIONS),
    st.booleans(),
)
def test_evaluator_equals_arrow_and_python(
    records: list[dict[str, str]], when_src: str | None, check_src: str, nulls: bool
) -> None:
    when = expr.compile_condition(when_src, ITEMS) if when_src else None
    check = expr.compile_condition(check_src, ITEMS)
    batch = _batch(records, nulls)
    got = _evaluator(BatchContext(batch)).fails(when, check).tolist()
    assert got == [expr.rule_fails(when, check, r) for r in records]
    assert got == _arrow(when, check, batch)


def test_overflow_raises_as_in_arrow() -> None:
    records = [{"a": "999999999999999999", "b": "999999999999999999", "c": "1", "d": ""}]
    check = expr.compile_condition("to_int(a) * to_int(b) > 0", ITEMS)
    batch = _batch(records, False)
    with pytest.raises(pa.ArrowInvalid, match="overflow"):
        _arrow(None, check, batch)
    with pytest.raises(pa.ArrowInvalid, match="overflow"):
        _evaluator(BatchContext(batch)).fails(None, check)


def test_a_cached_blank_mask_is_never_handed_out() -> None:
    ctx = BatchContext(_batch([{"a": "", "b": "1", "c": "", "d": ""}], False))
    got = _evaluator(ctx).fails(None, expr.compile_condition("is_set(a)", ITEMS))
    got[:] = False
    assert ctx.blank("a").tolist() == [True]


@given(
    st.lists(st.text(alphabet=st.sampled_from(list("0123456789")), min_size=0, max_size=19), max_size=20),
    st.integers(1, 19),
)
def test_to_int_of_digit_columns_of_one_width(vals: list[str], width: int) -> None:
    # the fixed-width shortcut: digits only, every value blank or ``width`` digits (up to 19: null)
    vals = [v[:width].rjust(width, "0") if v else "" for v in vals] or [""]
    ctx = BatchContext(pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())}))
    assert to_int_column(ctx, "v").to_pylist() == [expr.to_int(v) for v in vals]
