"""Allowed-character tables for the charset check, built once per process from the oracle.

The scalar reference (:mod:`chukan_layout.spec.charsets`) defines every class; this module
turns a class into either

- an RE2 character class (for the classes that are a few code-point ranges), run by Arrow
  with ``match_substring_regex`` on a negated class, or
- a numpy boolean lookup table over all 0x110000 code points (for classes defined by a
  codec: JIS X 0208 / 0213, cp932, MJ), indexed by the column's decoded code points.

Measured on 64k-row batches (benchmarks/bench_validate.py): the regex is ~2× faster for
range classes; for codec classes a regex of thousands of ranges is slower than the table.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..spec import charsets as oracle
from ..spec.model import Charset

N_CODEPOINTS = 0x110000

# Classes that are a handful of ranges, written as RE2 classes (must equal the oracle's
# definitions exactly; tests/validate/test_charset_tables.py compares them code point by point).
RANGE_CLASSES: dict[Charset, str] = {
    Charset.DIGITS: r"0-9",
    Charset.ALNUM: r"0-9A-Za-z",
    Charset.ASCII: r"\x20-\x7E",
    Charset.HANKAKU: r"\x20-\x7E\x{FF61}-\x{FF9F}",
    Charset.HANKAKU_KANA: r"\x20\x{FF61}-\x{FF9F}",
    Charset.ZENKAKU_KANA: r"\x{3000}\x{30A1}-\x{30FE}",
}
# zenkaku is a complement: "any character except these" → the bad characters are the class itself
COMPLEMENT_CLASSES: dict[Charset, str] = {
    Charset.ZENKAKU: r"\x00-\x7F\x{FF61}-\x{FF9F}",
}

# The oracle scans these planes; others are filled from probes (every class is uniform there).
_SCANNED = ((0x0, 0x10000), (0x20000, 0x40000))
_UNSCANNED_PLANES = (0x1, *range(0x4, 0x11))


def bad_char_regex(cs: Charset) -> str | None:
    """An unanchored RE2 regex matching any character *outside* ``cs`` (None: use a table)."""
    if cs in RANGE_CLASSES:
        return f"[^{RANGE_CLASSES[cs]}]"
    if cs in COMPLEMENT_CLASSES:
        return f"[{COMPLEMENT_CLASSES[cs]}]"
    return None


def _plane_value(cs: Charset, plane: int) -> bool | None:
    """The oracle's verdict for a whole unscanned plane, if uniform over probes (else None)."""
    base = plane << 16
    probes = [base + k for k in range(0, 0x10000, 0x3FF)] + [base + 0xFFFF]
    got = {not oracle.invalid_chars(chr(cp), cs) for cp in probes}
    return got.pop() if len(got) == 1 else None


@cache
def allowed_table(charset: Charset | str) -> np.ndarray:
    """bool[0x110000]: True where the code point is in ``charset`` (context-free part).

    For ``mj`` the IVS selectors are False here; :func:`ivs_ok` handles them in context.
    """
    cs = Charset(charset)
    lut = np.zeros(N_CODEPOINTS, dtype=bool)
    allowed = oracle.allowed_codepoints(cs)
    if allowed is None:  # any
        lut[:] = True
        return lut
    lut[np.fromiter(allowed, dtype=np.int64, count=len(allowed))] = True
    for plane in _UNSCANNED_PLANES:
        v = _plane_value(cs, plane)
        if v is None:  # not uniform: evaluate the plane fully (never happens for the shipped classes)
            base = plane << 16
            for cp in range(base, base + 0x10000):
                lut[cp] = not oracle.invalid_chars(chr(cp), cs)
        else:
            lut[plane << 16 : (plane + 1) << 16] = v
    if cs is Charset.MJ:
        lo, hi = oracle.IVS_RANGE
        lut[lo : hi + 1] = False
    lut.setflags(write=False)
    return lut


@cache
def ideograph_table() -> np.ndarray:
    """bool[0x110000]: the CJK ideograph ranges after which an IVS selector is valid (mj)."""
    lut = np.zeros(N_CODEPOINTS, dtype=bool)
    for lo, hi in oracle._CJK_RANGES:
        lut[lo : hi + 1] = True
    lut.setflags(write=False)
    return lut
