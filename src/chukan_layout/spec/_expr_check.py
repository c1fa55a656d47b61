"""Static checks of row-rule expressions: referenced items, types, ``compile_condition``."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ExprError
from ._expr_syntax import FUNCS, Arith, BoolOp, Call, Compare, In, Int, Name, Node, Not, Str, Type, parse


def names(node: Node) -> list[str]:
    """Item ids referenced by ``node``, in order of first appearance."""
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            if n.id not in out:
                out.append(n.id)
        elif isinstance(n, Call):
            for a in n.args:
                walk(a)
        elif isinstance(n, Arith | Compare | BoolOp):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, In):
            walk(n.left)
            for o in n.options:
                walk(o)
        elif isinstance(n, Not):
            walk(n.operand)

    walk(node)
    return out


def type_of(node: Node, items: Iterable[str] | None = None) -> Type:
    """Static type of ``node``; raises ExprError on unknown items or type errors."""
    known = None if items is None else set(items)

    def t(n: Node) -> Type:
        if isinstance(n, Name):
            if known is not None and n.id not in known:
                raise ExprError(f"unknown item {n.id!r}", n.pos)
            return "text"
        if isinstance(n, Str):
            return "text"
        if isinstance(n, Int):
            return "int"
        if isinstance(n, Call):
            params, result = FUNCS[n.func]
            if len(n.args) != len(params):
                raise ExprError(f"{n.func}() takes {len(params)} argument(s), got {len(n.args)}", n.pos)
            for a, p in zip(n.args, params, strict=True):
                at = t(a)
                if at != p:
                    raise ExprError(f"{n.func}() argument must be {p}, got {at}", n.pos)
            if n.func == "substr" and not all(isinstance(a, Int) and a.value >= 0 for a in n.args[1:]):
                raise ExprError("substr() start and length must be non-negative integer literals", n.pos)
            if n.func == "starts_with" and not isinstance(n.args[1], Str):
                raise ExprError("starts_with() prefix must be a string literal", n.pos)
            return result
        if isinstance(n, Arith):
            lt, rt = t(n.left), t(n.right)
            if lt != "int" or rt != "int":
                raise ExprError(
                    f"'{n.op}' needs integers, got {lt} {n.op} {rt} (use to_int() or len())", n.pos
                )
            return "int"
        if isinstance(n, Compare):
            lt, rt = t(n.left), t(n.right)
            if lt == "bool" or rt == "bool":
                raise ExprError(f"cannot compare a condition with '{n.op}'", n.pos)
            if lt != rt:
                raise ExprError(
                    f"compares {lt} with {'a number' if rt == 'int' else rt} "
                    f"('{n.op}'); use to_int() to compare numbers",
                    n.pos,
                )
            return "bool"
        if isinstance(n, In):
            lt = t(n.left)
            for o in n.options:
                ot = t(o)
                if ot != lt or lt == "bool":
                    raise ExprError(f"'in' compares {lt} with {'a number' if ot == 'int' else ot}", o.pos)
            return "bool"
        if isinstance(n, BoolOp):
            for side in (n.left, n.right):
                st = t(side)
                if st != "bool":
                    raise ExprError(f"'{n.op}' needs conditions, got {st}", side.pos)
            return "bool"
        if isinstance(n, Not):
            if t(n.operand) != "bool":
                raise ExprError("'not' needs a condition", n.pos)
            return "bool"
        raise TypeError(n)  # pragma: no cover

    return t(node)


def compile_condition(src: str, items: Iterable[str] | None = None) -> Node:
    """Parse and statically check a ``when``/``check`` expression (must be a condition)."""
    node = parse(src)
    if type_of(node, items) != "bool":
        raise ExprError("expression must be a condition (a comparison or is_set(...), …), not a value", 0)
    return node
