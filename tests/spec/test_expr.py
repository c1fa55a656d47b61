"""Row-rule language: parser, static checks, and the Python and Arrow backends agreeing."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.spec import expr

ITEMS = ["a", "b", "c"]


def arrow_eval(node: expr.Node, records: list[dict[str, str]]) -> list[Any]:
    table = pa.table({k: pa.array([r[k] for r in records], pa.string()) for k in ITEMS})
    return ds.dataset(table).to_table(columns={"r": expr.to_arrow(node)}).column("r").to_pylist()


def test_precedence_and_ast() -> None:
    n = expr.parse("not a == 'x' or b in ['1', '2'] and c != \"\"")
    assert isinstance(n, expr.BoolOp) and n.op == "or"
    assert isinstance(n.left, expr.Not) and isinstance(n.right, expr.BoolOp) and n.right.op == "and"
    m = expr.parse("to_int(a) + 2 * len(b) - 1 >= 3")
    assert isinstance(m, expr.Compare) and isinstance(m.left, expr.Arith) and m.left.op == "-"
    assert expr.names(expr.parse("a not in ['1'] and is_set(c)")) == ["a", "c"]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("a == 1", "compares text with a number"),
        ("len(a) > '3'", "compares int with text"),
        ("a + 1 > 2", "needs integers"),
        ("x == '1'", "unknown item 'x'"),
        ("foo(a)", "unknown function 'foo'"),
        ("is_set(a, b)", "takes 1 argument"),
        ("a", "must be a condition"),
        ("a == 'x", "unterminated string"),
        ("a == ", "unexpected 'end of expression'"),
        ("(a == 'x'", "expected ')'"),
        ("a ~ 'b'", "unexpected character '~'"),
        ("substr(a, len(b), 1) == 'x'", "non-negative integer literals"),
        ("starts_with(a, b)", "string literal"),
        ("is_set(a) and to_int(b)", "'and' needs conditions"),
        ("a in ['1', 2]", "'in' compares text with a number"),
    ],
)
def test_static_errors(src: str, message: str) -> None:
    with pytest.raises(expr.ExprError, match=message.replace("(", r"\(").replace(")", r"\)")):
        expr.compile_condition(src, ITEMS)


@pytest.mark.parametrize(
    ("src", "record", "expected"),
    [
        ("a == '2' and is_set(b)", {"a": "2", "b": "x"}, True),
        ("to_int(a) >= 1", {"a": ""}, None),  # to_int of blank is null
        ("to_int(a) >= 1 or is_blank(a)", {"a": ""}, True),  # Kleene: null or true
        ("to_int(a) >= 1 and is_set(a)", {"a": ""}, False),  # Kleene: null and false
        ("to_int(a) > 5", {"a": "12"}, True),
        ("to_int(a) == 1", {"a": "+1"}, None),  # not -?[0-9]{1,18}
        ("substr(a, 0, 4) < '1989'", {"a": "1988-12-31"}, True),
        ("a < '2019-05-01'", {"a": "2019-04-30"}, True),
        ("len(a) == 3", {"a": "髙﨑葛"}, True),
        ("len(a) == 2", {"a": "葛\U000e0100"}, True),  # code points: the IVS selector counts
        ("starts_with(a, '13')", {"a": "131016"}, True),
        ("a not in ['1', '2']", {"a": "3"}, True),
        ("b == ''", {}, True),  # missing item = blank
    ],
)
def test_evaluate(src: str, record: dict[str, str], expected: Any) -> None:
    node = expr.compile_condition(src, ITEMS)
    assert expr.evaluate(node, record) is expected
    full = {k: record.get(k, "") for k in ITEMS}
    assert arrow_eval(node, [full]) == [expected]


def test_rule_fails_null_semantics() -> None:
    when = expr.compile_condition("to_int(a) > 0", ITEMS)
    check = expr.compile_condition("to_int(b) > 0", ITEMS)
    cases = [
        ({"a": "", "b": "0"}, False),
        ({"a": "1", "b": ""}, False),
        ({"a": "1", "b": "0"}, True),
        ({"a": "1", "b": "1"}, False),
    ]
    for rec, fails in cases:
        assert expr.rule_fails(when, check, rec) is fails
    table = pa.table({k: [r.get(k, "") for r, _ in cases] for k in ITEMS})
    got = (
        ds.dataset(table).to_table(columns={"f": expr.rule_fails_arrow(when, check)}).column("f").to_pylist()
    )
    assert got == [f for _, f in cases]


# --- differential: random expressions over random records -----------------------------

_VALUES = st.sampled_from(
    [
        "",
        "0",
        "1",
        "2",
        "-3",
        "12",
        "007",
        "abc",
        "髙﨑",
        "2019-05-01",
        "1989-01-07",
        "x" * 3,
        "999999999999999999",
        "1" * 19,
    ]
)
_records = st.fixed_dictionaries({k: _VALUES for k in ITEMS})


def _text() -> st.SearchStrategy[str]:
    base = st.one_of(st.sampled_from(ITEMS), st.sampled_from(["'1'", "''", "'abc'", "'2019'"]))
    return st.one_of(
        base,
        st.tuples(st.sampled_from(ITEMS), st.integers(0, 3), st.integers(0, 4)).map(
            lambda t: f"substr({t[0]}, {t[1]}, {t[2]})"
        ),
    )


def _int() -> st.SearchStrategy[str]:
    atom = st.one_of(
        st.integers(-5, 20).map(str),
        _text().map(lambda t: f"to_int({t})"),
        _text().map(lambda t: f"len({t})"),
    )
    return st.one_of(atom, st.tuples(atom, st.sampled_from(["+", "-", "*"]), atom).map(" ".join))


def _cond() -> st.SearchStrategy[str]:
    cmp_op = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    leaf = st.one_of(
        st.tuples(_text(), cmp_op, _text()).map(" ".join),
        st.tuples(_int(), cmp_op, _int()).map(" ".join),
        _text().map(lambda t: f"is_set({t})"),
        _text().map(lambda t: f"is_blank({t})"),
        st.tuples(st.sampled_from(ITEMS), st.sampled_from(["'1'", "'12'", "''"])).map(
            lambda t: f"starts_with({t[0]}, {t[1]})"
        ),
        st.tuples(_int(), st.booleans(), st.lists(_int(), min_size=1, max_size=3)).map(
            lambda t: f"{t[0]} {'not in' if t[1] else 'in'} [{', '.join(t[2])}]"
        ),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda t: f"not {t}"),
        ),
        max_leaves=5,
    )


@settings(max_examples=40)
@given(_cond(), st.lists(_records, min_size=1, max_size=6))
def test_python_and_arrow_agree(src: str, records: list[dict[str, str]]) -> None:
    node = expr.compile_condition(src, ITEMS)
    try:
        expected = [expr.evaluate(node, r) for r in records]
    except OverflowError:
        # The Python backend evaluates every operand; Arrow folds constant sub-expressions
        # first (``0 in [0, 10 * to_int(a)]`` is true without the product), so it may skip
        # the overflowing branch. When it does evaluate it, it must raise, never wrap.
        try:
            arrow_eval(node, records)
        except pa.ArrowInvalid as e:
            assert "overflow" in str(e)
        return
    assert arrow_eval(node, records) == expected, src


def test_overflow_raises_in_both_backends() -> None:
    node = expr.compile_condition("to_int(a) * to_int(a) > 0", ITEMS)
    rec = {"a": "999999999999999999", "b": "", "c": ""}
    with pytest.raises(OverflowError):
        expr.evaluate(node, rec)
    with pytest.raises(pa.ArrowInvalid, match="overflow"):
        arrow_eval(node, [rec])


def test_every_public_name_resolves_and_nodes_pickle() -> None:
    """``spec.expr`` is the one import path of the language's parts (AST nodes pickle with the
    compiled layouts, so they must load back equal)."""
    import pickle

    assert [n for n in expr.__all__ if not hasattr(expr, n)] == []
    node = expr.compile_condition("shimei == '髙﨑' or to_int(a) + 1 in [2, 3]", [*ITEMS, "shimei"])
    assert pickle.loads(pickle.dumps(node)) == node
    assert expr.evaluate(node, {"shimei": "髙﨑"}) is True
