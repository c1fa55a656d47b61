"""The row-rule expression language: tokenizer, parser, static checks, two backends.

Grammar (no ``eval`` anywhere)::

    expr  := or ;  or := and ("or" and)* ;  and := not ("and" not)* ;  not := "not" not | cmp
    cmp   := sum [ ("=="|"!="|"<"|"<="|">"|">=") sum | ["not"] "in" "[" sum ("," sum)* "]" ]
    sum   := term (("+"|"-") term)* ;  term := atom ("*" atom)*
    atom  := ITEM_ID | STRING | INTEGER | FUNC "(" [expr ("," expr)*] ")" | "(" expr ")"

Types are checked statically (:func:`check`): items and strings are *text*; integers,
``len`` and ``to_int`` are *int*; comparisons and ``is_blank``/``is_set``/``starts_with``
are *bool*.  Comparing text with a number is an error.  ``substr`` takes integer literals
for start (0-based) and length; ``starts_with`` a string literal.

Null semantics (both backends): item values are never null (a missing key or null cell is
``""``).  ``to_int(x)`` is null unless x fully matches ``-?[0-9]{1,18}``; arithmetic and
comparisons with a null operand are null; ``and``/``or``/``not`` are Kleene (SQL) logic.
A rule fails iff ``when`` is true (or absent) and ``check`` is false
(null ``when`` → not applicable, null ``check`` → pass): see :func:`rule_fails`.
Arithmetic is int64; a result outside int64 raises in both backends.

Backends: :func:`evaluate` (pure Python, one record) and :func:`to_arrow`
(a ``pyarrow.compute.Expression`` over string columns named by item id).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from ..errors import ExprError as ExprError  # the one exception tree; re-exported for callers of expr

Type = Literal["text", "int", "bool"]


# --- AST ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    id: str
    pos: int = 0


@dataclass(frozen=True)
class Str:
    value: str
    pos: int = 0


@dataclass(frozen=True)
class Int:
    value: int
    pos: int = 0


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]
    pos: int = 0


@dataclass(frozen=True)
class Arith:
    op: str  # + - *
    left: Node
    right: Node
    pos: int = 0


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >=
    left: Node
    right: Node
    pos: int = 0


@dataclass(frozen=True)
class In:
    left: Node
    options: tuple[Node, ...]
    negated: bool = False
    pos: int = 0


@dataclass(frozen=True)
class BoolOp:
    op: str  # and / or
    left: Node
    right: Node
    pos: int = 0


@dataclass(frozen=True)
class Not:
    operand: Node
    pos: int = 0


Node = Name | Str | Int | Call | Arith | Compare | In | BoolOp | Not

FUNCS: dict[str, tuple[tuple[Type, ...], Type]] = {
    "is_blank": (("text",), "bool"),
    "is_set": (("text",), "bool"),
    "len": (("text",), "int"),
    "substr": (("text", "int", "int"), "text"),
    "to_int": (("text",), "int"),
    "starts_with": (("text", "text"), "bool"),
}
KEYWORDS = frozenset({"and", "or", "not", "in"})

# --- tokenizer ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<int>[0-9]+)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|\(|\)|\[|\]|,)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # int name kw str op end
    text: str
    pos: int


def tokenize(src: str) -> list[Token]:
    """Split ``src`` into tokens; unknown characters raise ExprError."""
    out: list[Token] = []
    i = 0
    while i < len(src):
        m = _TOKEN.match(src, i)
        if not m:
            if src[i] in "'\"":
                raise ExprError("unterminated string", i)
            raise ExprError(f"unexpected character {src[i]!r}", i)
        kind = m.lastgroup or ""
        if kind != "ws":
            text = m.group()
            if kind == "name" and text in KEYWORDS:
                kind = "kw"
            out.append(Token(kind, text, i))
        i = m.end()
    out.append(Token("end", "", len(src)))
    return out


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s[1:-1])


# --- parser ------------------------------------------------------------------------


class _Parser:
    def __init__(self, src: str) -> None:
        self.toks = tokenize(src)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def accept(self, text: str) -> bool:
        if self.tok.kind in ("op", "kw") and self.tok.text == text:
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            got = self.tok.text or "end of expression"
            raise ExprError(f"expected {text!r}, got {got!r}", self.tok.pos)

    def parse(self) -> Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise ExprError(f"unexpected {self.tok.text!r}", self.tok.pos)
        return node

    def or_(self) -> Node:
        return self._bool_chain("or", self.and_)

    def and_(self) -> Node:
        return self._bool_chain("and", self.not_)

    def _bool_chain(self, op: str, operand: Callable[[], Node]) -> Node:
        """``operand (op operand)*``, left-associative."""
        node = operand()
        while self.tok.text == op and self.tok.kind == "kw":
            pos = self.take().pos
            node = BoolOp(op, node, operand(), pos)
        return node

    def not_(self) -> Node:
        if self.tok.kind == "kw" and self.tok.text == "not":
            pos = self.take().pos
            return Not(self.not_(), pos)
        return self.cmp()

    def cmp(self) -> Node:
        left = self.sum_()
        t = self.tok
        if t.kind == "op" and t.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Compare(t.text, left, self.sum_(), t.pos)
        negated = False
        if t.kind == "kw" and t.text == "not" and self.toks[self.i + 1].text == "in":
            self.take()
            negated = True
        if self.tok.kind == "kw" and self.tok.text == "in":
            pos = self.take().pos
            self.expect("[")
            opts = [self.sum_()]
            while self.accept(","):
                opts.append(self.sum_())
            self.expect("]")
            return In(left, tuple(opts), negated, pos)
        return left

    def sum_(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            t = self.take()
            node = Arith(t.text, node, self.term(), t.pos)
        return node

    def term(self) -> Node:
        node = self.atom()
        while self.tok.kind == "op" and self.tok.text == "*":
            t = self.take()
            node = Arith("*", node, self.atom(), t.pos)
        return node

    def atom(self) -> Node:
        t = self.take()
        if t.kind == "int":
            return Int(int(t.text), t.pos)
        if t.kind == "str":
            return Str(_unquote(t.text), t.pos)
        if t.kind == "name":
            if self.accept("("):
                if t.text not in FUNCS:
                    raise ExprError(f"unknown function {t.text!r}; known: {', '.join(FUNCS)}", t.pos)
                args: list[Node] = []
                if not self.accept(")"):
                    args.append(self.or_())
                    while self.accept(","):
                        args.append(self.or_())
                    self.expect(")")
                return Call(t.text, tuple(args), t.pos)
            return Name(t.text, t.pos)
        if t.kind == "op" and t.text == "(":
            node = self.or_()
            self.expect(")")
            return node
        if t.kind == "op" and t.text == "-" and self.tok.kind == "int":
            return Int(-int(self.take().text), t.pos)
        raise ExprError(f"unexpected {t.text or 'end of expression'!r}", t.pos)


def parse(src: str) -> Node:
    """Parse an expression to its AST (syntax errors raise ExprError)."""
    return _Parser(src).parse()


# --- static checks -----------------------------------------------------------------


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


# --- Python backend ----------------------------------------------------------------

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


# --- Arrow backend -----------------------------------------------------------------


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
    """Boolean Expression, never null: true where the rule fires (see :func:`rule_fails`).

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
