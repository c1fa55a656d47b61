"""Fictitious identifiers with correct check digits, vectorized over numpy int64 arrays.

Algorithms as in ../shared/reference/legacy-exports.md §4 (the spec engine's
:mod:`chukan_layout.spec.checkdigits` is the reference implementation; the tests hold
these vectorized versions to it). Numbers are unique within a run: serials go through
an affine permutation ``(a·i + b) mod 10^k`` (``a`` coprime with 10), which looks random
but never collides — no Python-side set of issued numbers is needed.
"""

from __future__ import annotations

import numpy as np

_INT = np.int64


def digits_from_right(base: np.ndarray, n: int) -> np.ndarray:
    """(len(base), n) array: column j holds the digit at position j+1 counted from the right."""
    out = np.empty((base.shape[0], n), dtype=_INT)
    x = base.astype(_INT, copy=True)
    for j in range(n):
        x, out[:, j] = np.divmod(x, 10)
    return out


def _mod11(base: np.ndarray, n: int, weights: np.ndarray) -> np.ndarray:
    r = (digits_from_right(base, n) * weights).sum(axis=1) % 11
    return np.where(r <= 1, 0, 11 - r)


def _kojin_weights(n: int) -> np.ndarray:
    pos = np.arange(1, n + 1)
    return np.where(pos <= 6, pos + 1, pos - 5)


def kojin_bango(base11: np.ndarray) -> np.ndarray:
    """個人番号 (12 digits) as int64: base·10 + CD (mod 11, weights 2–7, 2–6)."""
    return base11 * 10 + _mod11(base11, 11, _kojin_weights(11))


def juminhyo_code(base10: np.ndarray) -> np.ndarray:
    """住民票コード (11 digits): the same mod-11 rule over 10 digits."""
    return base10 * 10 + _mod11(base10, 10, _kojin_weights(10))


def atena_mod11(base: np.ndarray, n_base: int) -> np.ndarray:
    """宛名番号 / 世帯番号: mod 11 with weights 2–7 repeating from the right; remainder ≤ 1 → 0."""
    w = (np.arange(n_base) % 6) + 2
    return base * 10 + _mod11(base, n_base, w)


def dantai_cd(code5: str) -> int:
    """Check digit of a 5-digit 団体コード (JIS X 0401/0402)."""
    r = sum(int(c) * w for c, w in zip(code5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - r) % 10


def hokenja(base: np.ndarray, n_base: int) -> np.ndarray:
    """保険者番号 / 被保険者番号-style Luhn: weights 2,1 from the right, digit sums, (10 − s) mod 10."""
    d = digits_from_right(base, n_base)
    w = np.where(np.arange(n_base) % 2 == 0, 2, 1)
    p = d * w
    s = (p // 10 + p % 10).sum(axis=1)
    return base * 10 + (10 - s % 10) % 10


class Permutation:
    """A seeded bijection of ``[0, 10**k)``: serial i → a·i + b mod 10^k (unique, random-looking)."""

    def __init__(self, rng: np.random.Generator, k: int, lead_min: int = 1) -> None:
        self.mod = 10**k
        a = int(rng.integers(10 ** (k - 1), self.mod))
        while a % 2 == 0 or a % 5 == 0:
            a += 1
        self.a = a % self.mod
        self.b = int(rng.integers(0, self.mod))
        self.lead_min = lead_min
        # keep a·i below 2^63 by reducing a per multiplication
        self._lo = self.a % 100_000
        self._hi = self.a // 100_000

    def __call__(self, i: np.ndarray) -> np.ndarray:
        i = i.astype(_INT)
        # (a·i) mod m computed in two halves so it never overflows int64 for i < 10^7
        v = ((self._hi * i) % self.mod * 100_000 % self.mod + self._lo * i + self.b) % self.mod
        return v


def zfill_int(values: np.ndarray, width: int) -> np.ndarray:
    """int64 array → numpy unicode array of zero-padded decimal strings (vectorized)."""
    return np.char.zfill(values.astype(_INT).astype("U20"), width)
