"""The row-rule expression language's syntax: AST nodes, function signatures, tokenizer, parser.

The grammar is in :mod:`chukan_layout.spec.expr` (the public face of the language)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..errors import ExprError

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
