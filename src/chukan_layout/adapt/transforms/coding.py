"""Codes and numbers: code maps through tables, check-digit append / verify.

An unmapped code is never blanked: it is kept and reported (``adapt.unmapped_code``) unless
the adapter names an explicit ``default``.  Check digits use the algorithms of
:mod:`chukan_layout.spec.checkdigits`, computed here with numpy over a digit matrix.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from ...spec import checkdigits
from ...spec.model import CheckDigit
from .. import codes
from ._utf8 import utf8_buffers
from .base import Context, Transform, TransformArgs, as_str, register_transform


@register_transform
class CodeMap(Transform):
    """Map vendor codes to standard codes through a table; unmapped → kept + ``adapt.unmapped_code``.

    Example: ``- map: {table: {"1": "1", "2": "2", "9": "0"}}`` — ``"9"`` → ``"0"``; ``"7"`` → ``"7"``
    with a finding naming the record. ``default: "0"`` maps every unlisted code to ``"0"`` silently
    (an explicit choice); blank stays blank unless ``""`` is in the table.
    """

    name = "map"
    value_wise = True
    cost = 2
    primary = "table"

    class Args(TransformArgs):
        table: dict[str, str] = Field(min_length=1)
        default: str | None = None

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        s = as_str(inputs[0])
        keys = pa.array(list(a.table), pa.string())
        vals = pa.array(list(a.table.values()), pa.string())
        idx = pc.index_in(s, value_set=keys)
        mapped = vals.take(idx)
        missing = pc.is_null(idx)
        if "" not in a.table:
            missing = pc.and_(missing, pc.not_equal(s, ""))
        if a.default is not None:
            return pc.if_else(missing, a.default, mapped.fill_null(""))
        ctx.finding(codes.UNMAPPED_CODE.code, missing, s)
        return pc.if_else(missing, s, mapped.fill_null(""))


def _digit_matrix(s: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(n × width digit matrix, ok mask): values right-aligned, left-padded with zeros."""
    ok = np.asarray(
        pc.and_(pc.match_substring_regex(s, r"^[0-9]+$"), pc.less_equal(pc.utf8_length(s), width)).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    padded = pc.utf8_lpad(pc.if_else(pa.array(ok), s, ""), width=width, padding="0")
    data, _ = utf8_buffers(padded)
    return (data.reshape(-1, width).astype(np.int64) - 0x30) if len(s) else np.zeros((0, width), np.int64), ok


def check_digits(alg: CheckDigit, base: np.ndarray) -> np.ndarray:
    """Vectorized CD of each row of a base-digit matrix (digits left to right)."""
    w = base.shape[1]
    n = np.arange(w, 0, -1)  # position from the right, 1-based
    if alg in (CheckDigit.KOJIN_BANGO, CheckDigit.JUMINHYO_CODE, CheckDigit.ATENA_MOD11):
        r = (base * ((n - 1) % 6 + 2)).sum(axis=1) % 11
        return np.where(r <= 1, 0, 11 - r)
    if alg is CheckDigit.DANTAI_CODE:
        r = (base[:, -5:] * np.array([6, 5, 4, 3, 2])).sum(axis=1) % 11
        return (11 - r) % 10
    if alg is CheckDigit.HOJIN_BANGO:
        return 9 - (base * np.where(n % 2 == 1, 1, 2)).sum(axis=1) % 9
    prod = base * np.where(n % 2 == 1, 2, 1)
    return (10 - (prod // 10 + prod % 10).sum(axis=1) % 10) % 10


@register_transform
class CheckDigitStep(Transform):
    """Append (``mode: append``) or verify (``mode: verify``) a check digit (spec.checkdigits names).

    Example: ``- check_digit: {algorithm: atena_mod11, mode: append}`` — ``"000000123"`` →
    ``"0000001236"``; ``{algorithm: dantai_code, mode: append}`` — ``"13101"`` → ``"131016"``;
    ``mode: verify`` keeps the value and reports ``adapt.check_digit`` where it fails.
    """

    name = "check_digit"
    value_wise = True
    cost = 3
    primary = "algorithm"

    class Args(TransformArgs):
        algorithm: CheckDigit
        mode: Literal["append", "verify"] = "verify"

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        alg = checkdigits.get_algorithm(a.algorithm)
        s = as_str(inputs[0])
        blank = np.asarray(pc.equal(s, "").to_numpy(zero_copy_only=False), dtype=bool)
        lens = np.asarray(pc.utf8_length(s).to_numpy(zero_copy_only=False), dtype=np.int64)
        total = lens + (1 if a.mode == "append" else 0)
        length_ok = np.isin(total, list(alg.lengths)) if alg.lengths is not None else total >= alg.min_length
        width = max(int(lens.max(initial=1)), 1)
        mat, ok = _digit_matrix(s, width)
        ok &= length_ok & ~blank
        if a.mode == "append":
            cd = check_digits(alg.name, mat)
            cds = pa.array(cd.astype(str))
            joined = (
                pc.binary_join_element_wise(cds, s, "")
                if alg.cd_first
                else pc.binary_join_element_wise(s, cds, "")
            )
            ctx.finding(codes.CHECK_DIGIT.code, ~ok & ~blank, s)
            return pc.if_else(pa.array(ok), joined, s)
        if alg.cd_first:
            base, given = mat[:, 1:] if width > 1 else mat, mat[:, 0]
            # a shorter value was left-padded: the CD is then not in column 0 (length_ok already fails it)
        else:
            base, given = mat[:, :-1], mat[:, -1]
        good = ok & (check_digits(alg.name, base) == given)
        ctx.finding(codes.CHECK_DIGIT.code, ~good & ~blank, s)
        return s
