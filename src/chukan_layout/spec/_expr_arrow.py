"""The Arrow backend of row-rule expressions: ``pyarrow.compute`` Expressions over string columns.

pyarrow is imported only when an expression compiles (inside the functions)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ._expr_syntax import Arith, BoolOp, Call, Compare, In, Int, Name, Node, Not, Str

# a comparison operator of the rule language → the name of its kernel, the same in pyarrow.compute
# and numpy (``getattr(pc, …)`` / ``getattr(np, …)``): pyarrow is imported only when rules compile
COMPARE_KERNEL = {
    "==": "equal",
    "!=": "not_equal",
    "<": "less",
    "<=": "less_equal",
    ">": "greater",
    ">=": "greater_equal",
}
ARITH_KERNEL = {"+": "add_checked", "-": "subtract_checked", "*": "multiply_checked"}  # overflow: an error


def int_column(item: str) -> str:
    """Name of the column holding ``to_int(item)`` precomputed (see :func:`to_arrow` ``ints``)."""
    return f"\x1fto_int:{item}"


@cache
def arrow_scalar(value: str | int | bool | None, type_name: str) -> Any:
    """The Arrow scalar of a literal, built once: every ``pa.scalar(python value)`` looks for
    pandas and dateutil first (an import attempt per call when they are not installed), and the
    layouts' rules use the same few literals hundreds of times (start-up, issue 15)."""
    import pyarrow as pa

    # from buffers, not pa.scalar(value): with pandas installed, converting a Python value makes
    # pyarrow import pandas (≈ 0.25 s CPU of a validate run's serial start-up)
    t = getattr(pa, type_name)()
    if value is None:
        return pa.nulls(1, t)[0]
    if type_name == "string":
        data = str(value).encode("utf-8")
        offsets = len(data).to_bytes(8, "little")[:4]  # int32 offsets 0 and len(data)
        return pa.Array.from_buffers(t, 1, [None, pa.py_buffer(bytes(4) + offsets), pa.py_buffer(data)])[0]
    if type_name == "bool_":
        return pa.Array.from_buffers(t, 1, [None, pa.py_buffer(bytes([bool(value)]))])[0]
    if type_name == "int64":
        return pa.Array.from_buffers(
            t, 1, [None, pa.py_buffer(int(value).to_bytes(8, "little", signed=True))]
        )[0]
    return pa.scalar(value, t)


def to_arrow(node: Node, ints: set[str] | None = None) -> Any:
    """Compile ``node`` to a ``pyarrow.compute.Expression`` over string columns (item ids).

    The one Arrow compiler of expressions (row rules use it through :func:`rule_fails_arrow`).
    With ``ints`` (a set to fill), ``to_int(item)`` reads an int64 column named
    :func:`int_column` ``(item)`` that the caller computes once per batch (a regex, two
    ``if_else`` and a cast per occurrence otherwise: amount rules use one item several times)
    and the item is added to ``ints``.
    """
    import pyarrow as pa
    import pyarrow.compute as _pc

    pc: Any = _pc  # the stubs do not model Expression arguments to compute functions

    def text(n: Node) -> Any:
        return pc.coalesce(pc.field(n.id), arrow_scalar("", "string")) if isinstance(n, Name) else comp(n)

    def comp(n: Node) -> Any:
        if isinstance(n, Name):
            return text(n)
        if isinstance(n, Str):
            return pc.scalar(arrow_scalar(n.value, "string"))
        if isinstance(n, Int):
            return pc.scalar(arrow_scalar(n.value, "int64"))
        if isinstance(n, Call):
            if n.func == "to_int" and ints is not None and isinstance(n.args[0], Name):
                ints.add(n.args[0].id)
                return pc.field(int_column(n.args[0].id))
            x = comp(n.args[0])
            if n.func == "is_blank":
                return pc.equal(x, arrow_scalar("", "string"))
            if n.func == "is_set":
                return pc.not_equal(x, arrow_scalar("", "string"))
            if n.func == "len":
                return pc.utf8_length(x).cast(pa.int64())
            if n.func == "to_int":
                ok = pc.match_substring_regex(x, "^-?[0-9]{1,18}$")
                # cast only the matching rows: replace others by "0" first so the cast cannot fail
                safe = pc.if_else(ok, x, arrow_scalar("0", "string"))
                return pc.if_else(ok, safe.cast(pa.int64()), arrow_scalar(None, "int64"))
            if n.func == "substr":
                start, length = n.args[1], n.args[2]
                assert isinstance(start, Int) and isinstance(length, Int)
                return pc.utf8_slice_codeunits(x, start.value, start.value + length.value)
            prefix = n.args[1]
            assert isinstance(prefix, Str)
            return pc.starts_with(x, prefix.value)
        if isinstance(n, Arith):
            return getattr(pc, ARITH_KERNEL[n.op])(comp(n.left), comp(n.right))
        if isinstance(n, Compare):
            return getattr(pc, COMPARE_KERNEL[n.op])(comp(n.left), comp(n.right))
        if isinstance(n, In):
            lv = comp(n.left)
            res = pc.equal(lv, comp(n.options[0]))
            for o in n.options[1:]:
                res = pc.or_kleene(res, pc.equal(lv, comp(o)))
            return pc.invert(res) if n.negated else res
        if isinstance(n, BoolOp):
            fn = pc.and_kleene if n.op == "and" else pc.or_kleene
            return fn(comp(n.left), comp(n.right))
        if isinstance(n, Not):
            return pc.invert(comp(n.operand))
        raise TypeError(n)  # pragma: no cover

    return comp(node)


def rule_fails_arrow(when: Node | None, check: Node, ints: set[str] | None = None) -> Any:
    """Boolean Expression, never null: true where the rule fires (see
    :func:`~chukan_layout.spec.expr.rule_fails`).

    Null ``when`` → not applicable, null ``check`` → pass. Built with ``and_kleene`` over
    coalesced operands (``pc.and_`` on Expressions names a function Acero does not know in
    pyarrow 26). ``ints`` as in :func:`to_arrow`."""
    import pyarrow.compute as _pc

    pc: Any = _pc

    no = arrow_scalar(False, "bool_")
    fails = pc.coalesce(pc.equal(to_arrow(check, ints), no), no)
    if when is None:
        return fails
    return pc.and_kleene(pc.coalesce(to_arrow(when, ints), no), fails)
