"""Check-digit algorithms of Japanese public identifiers (pure scalar reference functions).

Each algorithm is a :class:`~chukan_layout.spec.model.CheckDigit` name with
``compute(base) -> digit`` and ``verify(value) -> bool``.  ``n`` counts digit positions
from the right, starting at 1 (as the 省令 do).  The vectorized validator reimplements
these with numpy and is tested against them, so the rules below are exact:

================  ======  ========  ===================================================
algorithm         length  CD        rule over the base digits
================  ======  ========  ===================================================
kojin_bango       12      last      r = Σ Pn·Qn mod 11, Qn = n+1 (n ≤ 6) else n−5; CD = 0 if r ≤ 1 else 11−r
juminhyo_code     11      last      same as kojin_bango over 10 base digits
atena_mod11       ≥ 2     last      same weights (2–7 repeating from the right), r ≤ 1 → 0
dantai_code       6       last      r = (6,5,4,3,2)·(first 5 digits) mod 11; CD = (11−r) mod 10
hojin_bango       13      first     CD = 9 − (Σ Pn·Qn mod 9) over the 12 following digits, Qn = 1 (n odd) else 2
hokenja_bango     6 or 8  last      Luhn-style: weights 2,1,2,… from the right, sum the digits of each product,
                                    CD = (10 − s mod 10) mod 10
================  ======  ========  ===================================================

A value with a wrong length or a non-digit is not valid.  ``atena_mod11``: the 標準仕様
says "remainder 0 → 0"; remainder 1 would give 10, so it maps to 0 as for 個人番号.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import CheckDigit


def _mod11_weights(n: int) -> int:
    # n+1 for n ≤ 6, n−5 for 7 ≤ n ≤ 12: i.e. 2..7 repeating from the right
    return (n - 1) % 6 + 2


def mod11(base: str) -> int:
    """CD of 個人番号 / 住民票コード / 宛名番号: weights 2–7 repeating from the right, r ≤ 1 → 0."""
    s = sum(int(c) * _mod11_weights(n) for n, c in enumerate(reversed(base), 1))
    r = s % 11
    return 0 if r <= 1 else 11 - r


def dantai(base5: str) -> int:
    """CD of a 6-digit 全国地方公共団体コード from its first 5 digits."""
    s = sum(int(c) * w for c, w in zip(base5, (6, 5, 4, 3, 2), strict=True))
    return (11 - s % 11) % 10


def hojin(base12: str) -> int:
    """CD (first digit) of a 13-digit 法人番号 from the 12-digit 会社法人等番号."""
    s = sum(int(c) * (1 if n % 2 else 2) for n, c in enumerate(reversed(base12), 1))
    return 9 - s % 9


def hokenja(base: str) -> int:
    """CD of a 保険者番号 (Luhn-style) from the digits before it."""
    s = sum(sum(divmod(int(c) * (2 if n % 2 else 1), 10)) for n, c in enumerate(reversed(base), 1))
    return (10 - s % 10) % 10


@dataclass(frozen=True)
class Algorithm:
    """A check-digit algorithm: valid total lengths (None = any ≥ min_length), CD position."""

    name: CheckDigit
    lengths: frozenset[int] | None
    min_length: int
    cd_first: bool
    compute: Callable[[str], int]


ALGORITHMS: dict[CheckDigit, Algorithm] = {
    CheckDigit.KOJIN_BANGO: Algorithm(CheckDigit.KOJIN_BANGO, frozenset({12}), 12, False, mod11),
    CheckDigit.JUMINHYO_CODE: Algorithm(CheckDigit.JUMINHYO_CODE, frozenset({11}), 11, False, mod11),
    CheckDigit.ATENA_MOD11: Algorithm(CheckDigit.ATENA_MOD11, None, 2, False, mod11),
    CheckDigit.DANTAI_CODE: Algorithm(CheckDigit.DANTAI_CODE, frozenset({6}), 6, False, dantai),
    CheckDigit.HOJIN_BANGO: Algorithm(CheckDigit.HOJIN_BANGO, frozenset({13}), 13, True, hojin),
    CheckDigit.HOKENJA_BANGO: Algorithm(CheckDigit.HOKENJA_BANGO, frozenset({6, 8}), 6, False, hokenja),
}


def get_algorithm(name: CheckDigit | str) -> Algorithm:
    """The algorithm by name; unknown names list the valid ones."""
    try:
        return ALGORITHMS[CheckDigit(name)]
    except ValueError:
        raise ValueError(
            f"unknown check digit {name!r}; known: {', '.join(c.value for c in CheckDigit)}"
        ) from None


def _length_ok(alg: Algorithm, n: int) -> bool:
    return n in alg.lengths if alg.lengths is not None else n >= alg.min_length


def compute(algorithm: CheckDigit | str, base: str) -> int:
    """The check digit for ``base`` (the digits without the CD)."""
    alg = get_algorithm(algorithm)
    if not (base.isascii() and base.isdigit()):
        raise ValueError(f"base must be ASCII digits: {base!r}")
    if not _length_ok(alg, len(base) + 1):
        raise ValueError(f"{alg.name.value}: a base of {len(base)} digits gives a wrong total length")
    return alg.compute(base)


def verify(algorithm: CheckDigit | str, value: str) -> bool:
    """True iff ``value`` is a valid number: right length, ASCII digits, correct CD."""
    alg = get_algorithm(algorithm)
    if not (value.isascii() and value.isdigit()) or not _length_ok(alg, len(value)):
        return False
    if alg.cd_first:
        return int(value[0]) == alg.compute(value[1:])
    return int(value[-1]) == alg.compute(value[:-1])


def make_valid(algorithm: CheckDigit | str, base_digits: str) -> str:
    """The full valid number for ``base_digits`` (CD appended, or prepended for 法人番号).

    >>> make_valid("kojin_bango", "12345678901")
    '123456789018'
    """
    alg = get_algorithm(algorithm)
    cd = str(compute(alg.name, base_digits))
    return cd + base_digits if alg.cd_first else base_digits + cd
