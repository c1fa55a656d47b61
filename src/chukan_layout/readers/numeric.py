"""Numeric field codecs in numpy: zoned (``9``/``S``), packed COMP-3 (``P``), binary (``B``).

Decoding works on a whole column at once: the field's bytes arrive as an ``(n, length)``
uint8 matrix and leave as a :class:`pyarrow.StringArray` of exact decimal strings plus a
boolean mask of cells that are not valid numbers. Encoding (used by the renderer) is the
inverse, also columnar.

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

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._cells import bool_array, copy_cells

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


# --- encoding (renderer) ------------------------------------------------------------------

_NUMBER = r"^(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?$"


def parse_decimals(
    values: Sequence[str] | pa.Array, ndigits: int, scale: int, field: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decimal strings → (digits ``(n, ndigits)`` uint8, negative mask, blank mask).

    Raises ValueError naming the field and row for a malformed value, more fractional
    digits than ``scale`` (other than trailing zeros) or more significant digits than fit.
    """
    arr = pa.array(values, pa.string()) if not isinstance(values, pa.Array) else values.cast(pa.string())
    arr = pc.fill_null(arr, "")
    n = len(arr)
    fast = _plain_digits(arr, ndigits, scale, field)
    if fast is not None:
        return fast
    blank = np.asarray(pc.equal(arr, "").to_numpy(zero_copy_only=False), bool)
    filled = pc.if_else(bool_array(blank), "0", arr) if blank.any() else arr
    if pc.all(pc.match_substring_regex(filled, r"^[0-9]+$")).as_py():  # fast path: plain digits
        sign, ip, fp = pa.nulls(n, pa.string()).fill_null(""), filled, pa.nulls(n, pa.string()).fill_null("")
    else:
        parts = pc.extract_regex(filled, _NUMBER)
        if parts.null_count:
            bad = int(np.flatnonzero(np.asarray(parts.is_null().to_numpy(zero_copy_only=False)))[0])
            raise ValueError(f"field {field}: row {bad}: {arr[bad].as_py()!r} is not a decimal number")
        sign, ip, fp = (parts.field(k) for k in ("sign", "int", "frac"))
    fp = pc.utf8_rtrim(fp, "0")
    too_fine = np.asarray(pc.greater(pc.utf8_length(fp), scale).to_numpy(zero_copy_only=False), bool)
    if too_fine.any():
        bad = int(np.flatnonzero(too_fine)[0])
        raise ValueError(f"field {field}: row {bad}: {arr[bad].as_py()!r} has more than {scale} decimals")
    joined = pc.utf8_ltrim(pc.binary_join_element_wise(ip, pc.utf8_rpad(fp, scale, "0"), ""), "0")
    too_big = np.asarray(pc.greater(pc.utf8_length(joined), ndigits).to_numpy(zero_copy_only=False), bool)
    if too_big.any():
        bad = int(np.flatnonzero(too_big)[0])
        raise ValueError(f"field {field}: row {bad}: {arr[bad].as_py()!r} does not fit {ndigits} digits")
    padded = pc.utf8_lpad(joined, ndigits, "0") if ndigits else joined
    buf = padded.buffers()[2]
    off = padded.offset
    digits = (
        np.frombuffer(buf, np.uint8)[off * ndigits : (off + n) * ndigits].reshape(n, ndigits) - 48
        if ndigits and n
        else np.zeros((n, ndigits), np.uint8)
    )
    neg = np.asarray(pc.equal(sign, "-").to_numpy(zero_copy_only=False), bool) & digits.any(axis=1)
    return digits.astype(np.uint8), neg, blank


def _plain_digits(
    arr: pa.StringArray, ndigits: int, scale: int, field: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Fast path of :func:`parse_decimals` for columns of unsigned digit strings (or blanks):
    the digits are scattered right-aligned from the UTF-8 buffer in numpy. None → general path."""
    n = len(arr)
    if n == 0 or arr.null_count:
        return None
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], np.int32)[arr.offset : arr.offset + n + 1].astype(np.int64)
    data = (np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8))[
        offsets[0] : offsets[-1]
    ]
    if data.size and (data.min() < 0x30 or data.max() > 0x39):
        return None
    lengths = np.diff(offsets)
    width = max(int(lengths.max()), ndigits - scale) + scale  # room for every digit, then the scale's zeros
    mat = np.zeros((n, width), np.uint8)
    if data.size:
        start = np.arange(n, dtype=np.int64) * width + (width - scale - lengths) - (offsets[:-1] - offsets[0])
        mat.reshape(-1)[np.repeat(start, lengths) + np.arange(data.size)] = data - 0x30
    over = mat[:, : width - ndigits].any(axis=1) if width > ndigits else np.zeros(n, bool)
    if over.any():
        bad = int(np.flatnonzero(over)[0])
        raise ValueError(f"field {field}: row {bad}: {arr[bad].as_py()!r} does not fit {ndigits} digits")
    digits = np.ascontiguousarray(mat[:, width - ndigits :])
    return digits, np.zeros(n, bool), lengths == 0


_ASCII_POS = np.frombuffer(b"{ABCDEFGHI", np.uint8)
_ASCII_NEG = np.frombuffer(b"}JKLMNOPQR", np.uint8)


def encode_zoned(
    values: Sequence[str] | pa.Array, length: int, scale: int, signed: bool, ebcdic: bool, field: str
) -> np.ndarray:
    """Decimal strings → ``(n, length)`` zoned bytes (blank values → blank bytes)."""
    digits, neg, blank = parse_decimals(values, length, scale, field)
    if not signed and neg.any():
        raise ValueError(
            f"field {field}: row {int(np.flatnonzero(neg)[0])}: negative value in unsigned field"
        )
    zone = 0xF0 if ebcdic else 0x30
    out = digits | zone
    if signed:
        last = digits[:, -1]
        if ebcdic:
            out[:, -1] = np.where(neg, 0xD0, 0xC0) | last
        else:
            out[:, -1] = np.where(neg, _ASCII_NEG[last], _ASCII_POS[last])
    out[blank] = 0x40 if ebcdic else 0x20
    return out


def encode_packed(
    values: Sequence[str] | pa.Array, length: int, scale: int, ebcdic: bool, field: str
) -> np.ndarray:
    """Decimal strings → ``(n, length)`` COMP-3 bytes, sign nibble C/D."""
    digits, neg, blank = parse_decimals(values, 2 * length - 1, scale, field)
    nib = np.empty((len(digits), 2 * length), np.uint8)
    nib[:, :-1] = digits
    nib[:, -1] = np.where(neg, 0xD, 0xC)
    out = (nib[:, 0::2] << 4) | nib[:, 1::2]
    out[blank] = 0x40 if ebcdic else 0x20
    return out


def encode_binary(
    values: Sequence[str] | pa.Array, length: int, scale: int, signed: bool, field: str
) -> np.ndarray:
    """Decimal strings → ``(n, length)`` big-endian integers (blank → 0)."""
    digits, neg, _blank = parse_decimals(values, 20, scale, field)
    mag = np.zeros(len(digits), np.uint64)
    for k in range(20):
        mag = mag * np.uint64(10) + digits[:, k].astype(np.uint64)
    bits = 8 * length
    limit_pos = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    limit_neg = 1 << (bits - 1) if signed else 0
    over = np.where(neg, mag > np.uint64(limit_neg), mag > np.uint64(limit_pos))
    if over.any():
        raise ValueError(
            f"field {field}: row {int(np.flatnonzero(over)[0])}: value out of range for {length} bytes"
        )
    if signed:
        v = np.where(neg, -(mag - np.uint64(1)).astype(np.int64) - 1, mag.astype(np.int64))
        return v.astype(f">i{length}").view(np.uint8).reshape(len(digits), length)
    return mag.astype(f">u{length}").view(np.uint8).reshape(len(digits), length)
