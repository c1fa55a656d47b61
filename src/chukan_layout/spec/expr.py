"""The row-rule expression language: its grammar, types and null semantics, and its public names.

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

The language lives in private modules, re-exported here (the one import path):
``_expr_syntax`` (AST, tokenizer, parser), ``_expr_check`` (static checks),
``_expr_python`` (:func:`evaluate`, one record) and ``_expr_arrow`` (:func:`to_arrow`, a
``pyarrow.compute.Expression`` over string columns named by item id).
"""

from __future__ import annotations

from ..errors import ExprError as ExprError  # the one exception tree; re-exported for callers of expr
from ._expr_arrow import ARITH_KERNEL, COMPARE_KERNEL, arrow_scalar, int_column, rule_fails_arrow, to_arrow
from ._expr_check import compile_condition, names, type_of
from ._expr_python import evaluate, rule_fails, to_int
from ._expr_syntax import (
    FUNCS,
    KEYWORDS,
    Arith,
    BoolOp,
    Call,
    Compare,
    In,
    Int,
    Name,
    Node,
    Not,
    Str,
    Token,
    Type,
    parse,
    tokenize,
)

__all__ = [
    "ARITH_KERNEL",
    "COMPARE_KERNEL",
    "FUNCS",
    "KEYWORDS",
    "Arith",
    "BoolOp",
    "Call",
    "Compare",
    "ExprError",
    "In",
    "Int",
    "Name",
    "Node",
    "Not",
    "Str",
    "Token",
    "Type",
    "arrow_scalar",
    "compile_condition",
    "evaluate",
    "int_column",
    "names",
    "parse",
    "rule_fails",
    "rule_fails_arrow",
    "to_arrow",
    "to_int",
    "tokenize",
    "type_of",
]
