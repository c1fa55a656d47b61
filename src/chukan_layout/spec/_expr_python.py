"""The pure-Python backend of row-rule expressions: one record at a time, Kleene null logic."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ._expr_syntax import Arith, BoolOp, Call, Compare, In, Int, Name, Node, Not, Str

_INT_RE = re.compile(r"-?[0-9]{1,18}")
_I64 = (-(2**63), 2**63 - 1)


def to_int(v: str) -> int | None:
    """The language's ``to_int``: null unless ``v`` fully matches ``-?[0-9]{1,18}``."""
    return int(v) if _INT_RE.fullmatch(v) else None


def _checked(v: int) -> int:
    if not _I64[0] <= v <= _I64[1]:
        raise OverflowError("integer overflow in expression (int64)")
    return v


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def evaluate(node: Node, record: Mapping[str, str | None]) -> Any:
    """Evaluate ``node`` on one record (missing/None values are ``""``); None = null."""

    def ev(n: Node) -> Any:
        if isinstance(n, Name):
            return record.get(n.id) or ""
        if isinstance(n, Str | Int):
            return n.value
        if isinstance(n, Call):
            a = [ev(x) for x in n.args]
            if n.func == "is_blank":
                return a[0] == ""
            if n.func == "is_set":
                return a[0] != ""
            if n.func == "len":
                return len(a[0])
            if n.func == "to_int":
                return to_int(a[0])
            if n.func == "substr":
                return a[0][a[1] : a[1] + a[2]]
            return a[0].startswith(a[1])  # starts_with
        if isinstance(n, Arith):
            lv, rv = ev(n.left), ev(n.right)
            if lv is None or rv is None:
                return None
            return _checked(lv + rv if n.op == "+" else lv - rv if n.op == "-" else lv * rv)
        if isinstance(n, Compare):
            lv, rv = ev(n.left), ev(n.right)
            return None if lv is None or rv is None else _CMP[n.op](lv, rv)
        if isinstance(n, In):
            lv = ev(n.left)
            res: bool | None = False
            for o in n.options:
                ov = ev(o)
                eq = None if lv is None or ov is None else lv == ov
                res = _or(res, eq)
            return _not(res) if n.negated else res
        if isinstance(n, BoolOp):
            lv, rv = ev(n.left), ev(n.right)
            return _and(lv, rv) if n.op == "and" else _or(lv, rv)
        if isinstance(n, Not):
            return _not(ev(n.operand))
        raise TypeError(n)  # pragma: no cover

    return ev(node)


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def _not(a: bool | None) -> bool | None:
    return None if a is None else not a


def rule_fails(when: Node | None, check: Node, record: Mapping[str, str | None]) -> bool:
    """True iff the rule fires: ``when`` true (or absent) and ``check`` false."""
    if when is not None and evaluate(when, record) is not True:
        return False
    return evaluate(check, record) is False
