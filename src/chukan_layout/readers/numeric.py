"""Numeric field codecs in numpy: zoned (``9``/``S``), packed COMP-3 (``P``), binary (``B``).

Decoding works on a whole column at once: the field's bytes arrive as an ``(n, length)``
uint8 matrix and leave as a :class:`pyarrow.StringArray` of exact decimal strings plus a
boolean mask of cells that are not valid numbers. Encoding (used by the renderer) is the
inverse, also columnar: it lives in ``_numeric_encode`` and is re-exported here
(:func:`parse_decimals`, :func:`encode_zoned`, :func:`encode_packed`, :func:`encode_binary`).

Text form of the values (the reader's contract):

- zoned ``9``/``S`` keep every digit of the field (``00123``, ``-001.23``): DISPLAY digits
  are often codes or dates (郵便番号, ``GYYMMDD``) whose leading zeros matter;
- packed ``P`` and binary ``B`` are quantities: leading zeros dropped (``-123.45``, ``0.05``);
- a scale of *s* always gives exactly *s* fractional digits; zero never carries a sign;
- a field made only of the codec's blank byte (0x20 / 0x40) is blank: ``""``.

Sign conventions accepted when reading (``legacy-exports.md`` §1.4): EBCDIC zones C/A/E/F = +,
D/B = −; ASCII last byte ``0``–``9`` = +, overpunch ``{``/``A``–``I`` = +0…9, ``}``/``J``–``R``
= −0…9, and ``p``–``y`` (0x70–0x79, opensource COBOL) = −0…9. Packed sign nibbles C/A/E/F = +,
D/B = −. Written: EBCDIC C/D (F for unsigned ``9``), ASCII overpunch letters, packed C/D.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._cells import bool_array, copy_cells
from ._numeric_encode import encode_binary, encode_packed, encode_zoned, parse_decimals

__all__ = [
    "DIGIT_PAIRS",
    "decode_binary",
    "decode_packed",
    "decode_zoned",
    "digits_to_strings",
    "encode_binary",
    "encode_packed",
    "encode_zoned",
    "parse_decimals",
]

# two ASCII digits read as one little-endian uint16 ("85" = 0x3538) → their value 0–99, else 200:
# dates and other digit fields parsed two bytes per look-up (adapt's 和暦/西暦 dates, validate's ISO dates)
DIGIT_PAIRS = np.full(1 << 16, 200, np.uint8)
DIGIT_PAIRS[(np.arange(10)[:, None] + 0x30) | ((np.arange(10)[None, :] + 0x30) << 8)] = (
    np.arange(10)[:, None] * 10 + np.arange(10)[None, :]
)

_INVALID = 255


def _last_byte_table(ebcdic: bool) -> np.ndarray:
    """256-entry map of a signed zoned field's last byte → digit (0–9 = +, 10–19 = −digit), 255 invalid."""
    t = np.full(256, _INVALID, dtype=np.uint8)
    if ebcdic:
        for zone, neg in ((0xC, False), (0xA, False), (0xE, False), (0xF, False), (0xD, True), (0xB, True)):
            for d in range(10):
                t[(zone << 4) | d] = d + (10 if neg else 0)
    else:
        for d in range(10):
            t[0x30 + d] = d
            t[0x70 + d] = d + 10  # opensource COBOL: -3 = 0x73
        t[ord("{")] = 0
        t[ord("}")] = 10
        for d in range(1, 10):
            t[ord("A") + d - 1] = d
            t[ord("J") + d - 1] = d + 10
    return t


_LAST = {False: _last_byte_table(False), True: _last_byte_table(True)}
_DIGIT_ZONE = {False: 0x3, True: 0xF}


def digits_to_strings(digits: np.ndarray, neg: np.ndarray, scale: int, strip: bool) -> pa.StringArray:
    """Build decimal strings from a ``(n, D)`` matrix of digit values and a sign mask (vectorized)."""
    n, d = digits.shape
    int_len = max(d - scale, 1)
    if d < int_len + scale:  # all digits are fractional: add a leading zero integer digit
        digits = np.hstack([np.zeros((n, int_len + scale - d), np.uint8), digits])
    int_part = digits[:, :int_len]
    is_zero = ~digits.any(axis=1)
    width = 1 + int_len + (1 + scale if scale else 0)
    chars = np.empty((n, width), np.uint8)
    mask = np.ones((n, width), bool)
    chars[:, 0] = ord("-")
    mask[:, 0] = neg & ~is_zero
    chars[:, 1 : 1 + int_len] = int_part + 48
    if strip:
        nz = int_part != 0
        first = np.where(nz.any(axis=1), nz.argmax(axis=1), int_len - 1)
        mask[:, 1 : 1 + int_len] = np.arange(int_len)[None, :] >= first[:, None]
    if scale:
        chars[:, 1 + int_len] = ord(".")
        chars[:, 2 + int_len :] = digits[:, int_len:] + 48
    return _strings_from_mask(chars, mask)


def _strings_from_mask(chars: np.ndarray, mask: np.ndarray) -> pa.StringArray:
    lengths = mask.sum(axis=1, dtype=np.int64)
    offsets = np.zeros(len(lengths) + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = chars[mask]
    return pa.StringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(data))


def _blank_rows(cells: np.ndarray, blank: int) -> np.ndarray:
    return (cells == blank).all(axis=1)


def _finish(strings: pa.StringArray, blank: np.ndarray) -> pa.StringArray:
    if blank.any():
        return pc.if_else(bool_array(blank), "", strings)
    return strings


def _decode_unsigned_digits(cells: np.ndarray, ebcdic: bool) -> tuple[pa.StringArray, np.ndarray]:
    """Unsigned zoned, scale 0: the text is the digits as they stand, so the column's bytes (ASCII
    digits, or EBCDIC F0–F9 turned into them) become the string buffer; one pass finds bad bytes."""
    n, length = cells.shape
    data = copy_cells(cells).reshape(-1)
    if ebcdic:
        data = (data & 0x0F) | 0x30
        wrong = (cells >> 4 != 0xF) | ((cells & 0x0F) > 9)
        # the last byte may carry a C (positive) sign zone in unsigned EBCDIC fields
        wrong[:, -1] &= ~((cells[:, -1] >> 4 == 0xC) & ((cells[:, -1] & 0x0F) <= 9))
        bad_rows = np.flatnonzero(wrong.any(axis=1))
    else:
        bad_rows = np.unique(np.flatnonzero((data - np.uint8(0x30)) > 9) // max(length, 1))
    bad = np.zeros(n, bool)
    if not len(bad_rows):
        offsets = np.arange(0, (n + 1) * length, length, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data)), bad
    blank = np.zeros(n, bool)
    blank[bad_rows] = (cells[bad_rows] == (0x40 if ebcdic else 0x20)).all(axis=1)
    bad[bad_rows] = ~blank[bad_rows]
    mat = data.reshape(n, length).copy()
    mat[bad] = 0x30  # invalid cells read as zeros (and are flagged), like the general path
    lengths = np.where(blank, 0, length)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(mat[~blank])), bad


def decode_zoned(
    cells: np.ndarray, scale: int, signed: bool, ebcdic: bool
) -> tuple[pa.StringArray, np.ndarray]:
    """Zoned decimal → (strings, bad mask). All digits are kept (no leading-zero stripping)."""
    if not signed and scale == 0 and cells.shape[1]:
        return _decode_unsigned_digits(cells, ebcdic)
    cells = copy_cells(cells)  # element-wise numpy on a contiguous copy: no per-row inner loops
    blank = _blank_rows(cells, 0x40 if ebcdic else 0x20)
    zone = _DIGIT_ZONE[ebcdic]
    body = cells[:, :-1] if signed else cells
    ok = (((body >> 4) == zone) & ((body & 0x0F) <= 9)).all(axis=1)
    digits = (cells & 0x0F).astype(np.uint8)
    neg = np.zeros(len(cells), bool)
    if signed:
        last = _LAST[ebcdic][cells[:, -1]]
        ok &= last != _INVALID
        neg = (last >= 10) & (last != _INVALID)
        digits[:, -1] = np.where(ok, last % 10, 0)
    elif ebcdic:  # unsigned EBCDIC fields sometimes carry a C sign zone on the last byte
        last = cells[:, -1]
        ok |= (body[:, :-1] >> 4 == zone).all(axis=1) & ((last >> 4) == 0xC) & ((last & 0xF) <= 9)
    digits[~ok] = 0
    strings = digits_to_strings(digits, neg, scale, strip=False)
    return _finish(strings, blank), ~ok & ~blank


def decode_packed(cells: np.ndarray, scale: int, ebcdic: bool) -> tuple[pa.StringArray, np.ndarray]:
    """Packed decimal (COMP-3) → (strings, bad mask); leading zeros dropped."""
    cells = copy_cells(cells)
    blank = _blank_rows(cells, 0x40 if ebcdic else 0x20)
    n, length = cells.shape
    nibbles = np.empty((n, 2 * length), np.uint8)
    nibbles[:, 0::2] = cells >> 4
    nibbles[:, 1::2] = cells & 0x0F
    digits = nibbles[:, :-1]
    sign = nibbles[:, -1]
    ok = (digits <= 9).all(axis=1) & (sign >= 0xA)
    neg = (sign == 0xD) | (sign == 0xB)
    digits = np.where(ok[:, None], digits, 0).astype(np.uint8)
    strings = digits_to_strings(digits, neg, scale, strip=True)
    return _finish(strings, blank), ~ok & ~blank


def decode_binary(cells: np.ndarray, scale: int, signed: bool) -> tuple[pa.StringArray, np.ndarray]:
    """Big-endian binary integer → (strings, bad mask). Never bad: every bit pattern is a number."""
    n, length = cells.shape
    raw = np.ascontiguousarray(cells).view(f">{'i' if signed else 'u'}{length}").reshape(n)
    if signed:
        v = raw.astype(np.int64)
        neg = v < 0
        mag = np.where(neg, (-(v + 1)).astype(np.uint64) + np.uint64(1), v.astype(np.uint64))
    else:
        mag = raw.astype(np.uint64)
        neg = np.zeros(n, bool)
    digits = np.empty((n, 20), np.uint8)
    for k in range(19, -1, -1):
        digits[:, k] = (mag % np.uint64(10)).astype(np.uint8)
        mag //= np.uint64(10)
    return digits_to_strings(digits, neg, scale, strip=True), np.zeros(n, bool)
