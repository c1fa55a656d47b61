"""Numeric field encoders (the renderer's side of :mod:`.numeric`): decimal strings → zoned, packed
COMP-3 and big-endian binary bytes, a whole column at a time.

:func:`parse_decimals` turns a column of decimal strings into a digit matrix, a sign mask and a
blank mask (a fast path for plain unsigned digits, a regex path for the rest) and raises on a
value that is malformed, too fine for the scale or too big for the field; the encoders write
its digits in the codec's form. Written signs: EBCDIC C/D (F for unsigned ``9``), ASCII
overpunch letters, packed C/D.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._cells import bool_array

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
