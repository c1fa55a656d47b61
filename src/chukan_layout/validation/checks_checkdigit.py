"""``item.check_digit``: vectorized check-digit verification over digit matrices.

Values of one length become an (n × L) matrix of digits (one numpy gather from the Arrow
buffer); each algorithm is then a weighted sum along the rows. The scalar reference
(:mod:`chukan_layout.spec.checkdigits`) defines the rules; tests compare both exhaustively
on random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pyarrow as pa

from ..spec.checkdigits import Algorithm, get_algorithm
from ..spec.model import CheckDigit, Item
from .base import Check, CompileEnv, item_check
from .context import BatchContext
from .utf8 import buffers

MatrixRule = Callable[[np.ndarray], np.ndarray]  # digits (n × L, int64) → valid (n,)


def _positions_from_right(width: int) -> np.ndarray:
    """n = 1 for the rightmost column … width for the leftmost (as the 省令 count)."""
    return np.arange(width, 0, -1, dtype=np.int64)


def _mod11(m: np.ndarray) -> np.ndarray:
    base, cd = m[:, :-1], m[:, -1]
    n = _positions_from_right(base.shape[1])
    r = (base @ ((n - 1) % 6 + 2)) % 11
    return np.where(r <= 1, 0, 11 - r) == cd


def _dantai(m: np.ndarray) -> np.ndarray:
    r = (m[:, :5] @ np.array([6, 5, 4, 3, 2], dtype=np.int64)) % 11
    return (11 - r) % 10 == m[:, 5]


def _hojin(m: np.ndarray) -> np.ndarray:
    base = m[:, 1:]
    n = _positions_from_right(base.shape[1])
    s = base @ np.where(n % 2 == 1, 1, 2)
    return 9 - s % 9 == m[:, 0]


def _hokenja(m: np.ndarray) -> np.ndarray:
    base, cd = m[:, :-1], m[:, -1]
    n = _positions_from_right(base.shape[1])
    p = base * np.where(n % 2 == 1, 2, 1)
    s = (p // 10 + p % 10).sum(axis=1)
    return (10 - s % 10) % 10 == cd


RULES: dict[CheckDigit, MatrixRule] = {
    CheckDigit.KOJIN_BANGO: _mod11,
    CheckDigit.JUMINHYO_CODE: _mod11,
    CheckDigit.ATENA_MOD11: _mod11,
    CheckDigit.DANTAI_CODE: _dantai,
    CheckDigit.HOJIN_BANGO: _hojin,
    CheckDigit.HOKENJA_BANGO: _hokenja,
}


@cache
def _weighted_rule(name: CheckDigit, width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(weights, table) of an algorithm whose check digit is the last one and a function of the
    weighted digit sum (mod 11, 団体コード): ``table[Σ weight × byte]`` over the raw ASCII bytes is the
    expected check digit's byte (0xFF where no digits give that sum) — no int64 matrix, no ``%``."""
    if name in (CheckDigit.KOJIN_BANGO, CheckDigit.JUMINHYO_CODE, CheckDigit.ATENA_MOD11) and width >= 2:
        weights = (_positions_from_right(width - 1) - 1) % 6 + 2

        def expected(s: np.ndarray) -> np.ndarray:
            r = s % 11
            return np.where(r <= 1, 0, 11 - r)

    elif name is CheckDigit.DANTAI_CODE and width == 6:
        weights = np.array([6, 5, 4, 3, 2], dtype=np.int64)

        def expected(s: np.ndarray) -> np.ndarray:
            return (11 - s % 11) % 10

    else:
        return None
    total = int(weights.sum())
    raw = np.arange(0x39 * total + 1, dtype=np.int64)  # every raw sum of digit bytes (0x30–0x39)
    table = np.full(raw.size, 0xFF, dtype=np.uint8)
    ok = raw >= 0x30 * total
    table[ok] = expected(raw[ok] - 0x30 * total) + 0x30
    return weights.astype(np.uint16), table


def _weighted_valid(mat: np.ndarray, rule: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Check digit right, per row of a (rows × width) matrix of ASCII digit bytes (uint8)."""
    weights, table = rule
    s = mat[:, 0] * weights[0]  # uint16: at most 0x39 × Σ weights (< 6,000)
    for k in range(1, weights.size):
        s += mat[:, k] * weights[k]
    return table.take(s) == mat[:, -1]


def valid_numbers(arr: pa.Array, alg: Algorithm, digits_only: np.ndarray) -> np.ndarray:
    """True where the value is a valid number for ``alg`` (length, digits and check digit)."""
    offsets, data = buffers(arr)
    lens = np.diff(offsets)
    if alg.lengths is not None:
        len_ok = np.zeros(len(arr), dtype=bool)
        for w in alg.lengths:
            len_ok |= lens == w
    else:
        len_ok = lens >= alg.min_length
    cand = digits_only & len_ok
    out = np.zeros(len(arr), dtype=bool)
    if not cand.any():
        return out
    rule = RULES[alg.name]
    start = int(offsets[0])
    nonblank = np.flatnonzero(lens)
    width = int(lens[nonblank[0]])
    if (lens[nonblank] == width).all():
        # every value blank or ``width`` bytes (the usual case): blanks have no bytes, so the data
        # buffer is the (non-blank rows × width) matrix; rows that are no candidates are dropped after
        mat = data[start : start + nonblank.size * width].reshape(nonblank.size, width)
        weighted = _weighted_rule(alg.name, width) if digits_only[nonblank].all() else None
        if weighted is not None:  # (digit bytes only: the table covers every sum)
            out[nonblank] = _weighted_valid(mat, weighted) & cand[nonblank]
        else:
            out[nonblank] = rule(mat.astype(np.int64) - 48) & cand[nonblank]
        return out
    for w in np.unique(lens[cand]).tolist():
        rows = np.flatnonzero(cand & (lens == w))
        idx = offsets[rows, None] + np.arange(w, dtype=np.int64)
        out[rows] = rule(data[idx].astype(np.int64) - 48)
    return out


@item_check("item.check_digit", "Invalid check digit (or wrong length / non-digits)", "チェックデジット不正")
def build_check_digit(item: Item, env: CompileEnv) -> list[Check]:
    """The value is not a valid number for the item's check-digit algorithm.

    Algorithms: kojin_bango (個人番号), juminhyo_code (住民票コード), atena_mod11 (宛名番号 /
    世帯番号), dantai_code (団体コード), hojin_bango (法人番号), hokenja_bango (保険者番号).
    A wrong length or a non-digit also fires.

    Bad: 個人番号 ``"123456789012"``; 団体コード ``"131011"``
    Good: ``"123456789018"``; ``"131016"``
    """
    if item.check_digit is None:
        return []
    alg = get_algorithm(item.check_digit)
    if alg.name not in RULES:
        raise KeyError(f"no vectorized rule for check digit {alg.name.value!r}")
    name = item.id

    def fn(ctx: BatchContext) -> np.ndarray:
        got = _digit_column(ctx, name, alg)
        if got is not None:
            return got
        col = ctx.col(name)
        return ctx.nonblank(name) & ~valid_numbers(col, alg, ctx.ascii_digits(name))

    return [Check("item.check_digit", name, fn, item.sensitivity, name)]


def _digit_column(ctx: BatchContext, name: str, alg: Algorithm) -> np.ndarray | None:
    """The usual column — digits only, every value blank or of one valid width — judged on its byte
    matrix from the batch's cached facts (byte range, longest value, non-blank rows); None otherwise."""
    lo, hi = ctx.byte_range(name)
    width = ctx.max_bytes(name)
    if lo < 0x30 or hi > 0x39 or width == 0:
        return None
    if (width not in alg.lengths) if alg.lengths is not None else width < alg.min_length:
        return None
    rule = _weighted_rule(alg.name, width)
    nonblank = ctx.nonblank(name)
    m = int(np.count_nonzero(nonblank))
    offsets, data = ctx.buffers(name)
    start = int(offsets[0])
    if rule is None or m * width != int(offsets[-1]) - start:  # (no value shorter than the longest)
        return None
    ok = _weighted_valid(data[start : start + m * width].reshape(m, width), rule)
    out = np.zeros(ctx.n, dtype=bool)
    if not ok.all():
        out[np.flatnonzero(nonblank)[~ok]] = True
    return out
