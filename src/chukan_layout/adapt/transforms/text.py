"""Text shaping: trim, pad, zero-fill, slice, replace, numbers, constants and defaults.

All Arrow compute kernels; no Python per record.
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from ._trim import trim_blanks
from .base import Context, NoArgs, Transform, TransformArgs, as_str, const_array, register_transform

SPACES = " \u3000"


def trim_column(col: pa.Array) -> pa.Array:
    """Trim " " and U+3000 at both ends (exactly ``pc.utf8_trim``); see :func:`._trim.trim_blanks`
    for the routes that skip unpadded columns and the rows holding a column's dominant value."""
    return trim_blanks(as_str(col))


@register_transform
class Trim(Transform):
    """Remove half-width and full-width (U+3000) spaces at both ends (``side: left|right|both``).

    Example: ``- trim`` — ``"ﾔﾏﾀﾞ ﾀﾛｳ   "`` → ``"ﾔﾏﾀﾞ ﾀﾛｳ"``; ``"山田　太郎　　"`` → ``"山田　太郎"``
    (the space *between* 姓 and 名 stays). ``chars`` replaces the set of characters removed.
    """

    name = "trim"
    value_wise = True
    primary = "side"

    class Args(TransformArgs):
        side: Literal["both", "left", "right"] = "both"
        chars: str = SPACES

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        if self.args.side == "both" and self.args.chars == SPACES:
            return trim_column(inputs[0])
        fn = {"both": pc.utf8_trim, "left": pc.utf8_ltrim, "right": pc.utf8_rtrim}[self.args.side]
        return fn(as_str(inputs[0]), characters=self.args.chars)


@register_transform
class Pad(Transform):
    """Pad to ``width`` characters with ``char`` on the ``side`` (left by default); blanks stay blank.

    Example: ``- pad: {width: 5, char: "0"}`` — ``"123"`` → ``"00123"``; ``""`` → ``""``;
    longer values are left as they are (the validator reports the length).
    """

    name = "pad"
    value_wise = True
    primary = "width"

    class Args(TransformArgs):
        width: int = Field(ge=1)
        char: str = Field(" ", min_length=1, max_length=1)
        side: Literal["left", "right"] = "left"
        pad_blank: bool = False

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        s = as_str(inputs[0])
        fn = pc.utf8_lpad if a.side == "left" else pc.utf8_rpad
        out = fn(s, width=a.width, padding=a.char)
        return out if a.pad_blank else pc.if_else(pc.equal(s, ""), "", out)


@register_transform
class ZeroFill(Transform):
    """Zero-fill digits to ``width`` (a leading ``-`` stays in front); blanks stay blank.

    Example: ``- zfill: 10`` — ``"1238"`` → ``"0000001238"``; ``"-12"`` with width 4 → ``"-012"``.
    """

    name = "zfill"
    value_wise = True
    primary = "width"

    class Args(TransformArgs):
        width: int = Field(ge=1)

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        return pc.if_else(pc.equal(s, ""), "", pc.utf8_zero_fill(s, width=self.args.width))


@register_transform
class Number(Transform):
    """Normalize a decimal number: drop a leading ``+`` and leading zeros (``-0`` → ``0``).

    Example: ``- number`` — ``"0001200"`` → ``"1200"``; ``"-000.50"`` → ``"-0.50"``; ``"+7"`` → ``"7"``;
    ``"000"`` → ``"0"``; blank stays blank. Text that is not a number is kept (the validator reports it).
    """

    name = "number"
    value_wise = True
    cost = 3
    Args = NoArgs

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = pc.utf8_trim(as_str(inputs[0]), characters=" ")
        x = pc.replace_substring_regex(s, r"^\+", "")
        x = pc.replace_substring_regex(x, r"^(-?)0+([0-9])", r"\1\2")
        x = pc.replace_substring_regex(x, r"^-(0(\.0*)?)$", r"\1")
        is_num = pc.match_substring_regex(s, r"^[+-]?[0-9]+(\.[0-9]+)?$")
        return pc.if_else(is_num, x, s)


@register_transform
class Slice(Transform):
    """Take characters ``start`` (0-based) up to ``stop`` (exclusive, optional).

    Example: ``- slice: {start: 0, stop: 3}`` — ``"1310001"`` → ``"131"``.
    """

    name = "slice"
    value_wise = True

    class Args(TransformArgs):
        start: int = Field(0, ge=0)
        stop: int | None = Field(None, ge=0)

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        return pc.utf8_slice_codeunits(
            as_str(inputs[0]), a.start, a.stop if a.stop is not None else 2**31 - 1
        )


@register_transform
class Replace(Transform):
    """Replace every literal occurrence of ``old`` by ``new`` (``regex: true`` for an RE2 pattern).

    Example: ``- replace: {old: "－", new: "-"}`` — ``"1－2"`` → ``"1-2"``.

    With ``regex: true``, ``new`` may refer to groups of ``old`` by backreference: ``\\1`` … ``\\9``
    (``\\0`` is the whole match). In YAML write them in single quotes (``'\\1-'``) or escape
    the backslash in double quotes (``"\\\\1-"``). Example:
    ``- replace: {old: '(\\d+)丁目', new: '\\1-', regex: true}`` — ``"1丁目2番"`` → ``"1-2番"``.
    """

    name = "replace"
    value_wise = True

    class Args(TransformArgs):
        old: str = Field(min_length=1)
        new: str = ""
        regex: bool = False

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        fn = pc.replace_substring_regex if a.regex else pc.replace_substring
        return fn(as_str(inputs[0]), pattern=a.old, replacement=a.new)


@register_transform
class Const(Transform):
    """A constant value on every row (needs no source field).

    Example: ``const: "131016"`` (as an item mapping) or ``- const: "1"`` as a step.
    """

    name = "const"
    arity = 0
    primary = "value"

    class Args(TransformArgs):
        value: str

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        return const_array(self.args.value, len(ctx.records))


@register_transform
class Default(Transform):
    """Use ``value`` where the input is blank (after trimming nothing: ``""`` only).

    Example: ``- default: "0"`` — ``""`` → ``"0"``; ``"1"`` → ``"1"``.
    """

    name = "default"
    value_wise = True
    primary = "value"

    class Args(TransformArgs):
        value: str

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        return pc.if_else(pc.equal(s, ""), self.args.value, s)


@register_transform
class Join(Transform):
    """Join several inputs with ``sep``; ``skip_blank`` (default true) leaves out blank parts.

    Example: ``{from: [addr1, addr2], steps: [{join: {sep: "　"}}]}`` — (``"東京都千代田区"``,
    ``"千代田１－１"``) → ``"東京都千代田区　千代田１－１"``; (``"x"``, ``""``) → ``"x"``.
    """

    name = "join"
    arity = None
    primary = "sep"

    class Args(TransformArgs):
        sep: str = ""
        skip_blank: bool = True

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        parts = [as_str(a) for a in inputs]
        if len(parts) == 1:
            return parts[0]
        if not self.args.skip_blank or self.args.sep == "":
            return pc.binary_join_element_wise(*parts, self.args.sep)
        # fold pairwise (Arrow's null_handling="skip" drops all-null rows, so it cannot be used)
        acc = parts[0]
        for p in parts[1:]:
            both = pc.binary_join_element_wise(acc, p, self.args.sep)
            acc = pc.if_else(pc.equal(acc, ""), p, pc.if_else(pc.equal(p, ""), acc, both))
        return acc


@register_transform
class Split(Transform):
    """Split on ``sep`` (first occurrence) and keep ``part`` 0 (before) or 1 (after; "" if no sep).

    Example: ``- split: {sep: "-", part: 1}`` — ``"1-2-3"`` → ``"2-3"``; ``"123"`` → ``""``.
    """

    name = "split"
    value_wise = True

    class Args(TransformArgs):
        sep: str = Field(min_length=1)
        part: Literal[0, 1] = 0

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        return split_first(as_str(inputs[0]), self.args.sep, self.args.part)


def split_first(s: pa.Array, sep: str, part: int) -> pa.Array:
    """Part 0/1 of ``s`` split at the first ``sep`` (part 1 is "" where there is no sep)."""
    lists = pc.split_pattern(s, pattern=sep, max_splits=1)
    if part == 0:
        return pc.list_element(lists, 0)
    has = pc.greater(pc.list_value_length(lists), 1)
    second = pc.list_element(pc.if_else(has, lists, pa.scalar(["", ""], lists.type)), 1)
    return second
