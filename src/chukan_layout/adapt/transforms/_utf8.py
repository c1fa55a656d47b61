"""Byte-level rewriting of Arrow string arrays with numpy (no per-record Python).

Width conversion (半角カナ ↔ 全角カナ, ASCII ↔ 全角英数) is a character translation whose
output length can differ from its input (``ﾊﾟ`` is 6 UTF-8 bytes, ``パ`` 3; ``1`` is 1 byte,
``１`` 3).  Rather than decoding every value into a Python ``str``, the helpers here work on
the array's UTF-8 data buffer directly:

1. find the matches (byte positions where a rewritten character starts),
2. give each match a replacement of 0–3 bytes and the number of input bytes it consumes,
3. rebuild data and offsets with one vectorized scatter.

Matches never cross a value boundary: callers only match whole characters or character
pairs that they checked lie inside one value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def utf8_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(data bytes, offsets) of a string array, offsets rebased to the data slice (int64)."""
    if arr.null_count:
        arr = arr.fill_null("")
    bufs = arr.buffers()
    wide = pa.types.is_large_string(arr.type)
    dtype, size = (np.int64, 8) if wide else (np.int32, 4)
    offsets = np.frombuffer(bufs[1], dtype=dtype, count=len(arr) + 1, offset=arr.offset * size).astype(np.int64)
    start, end = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(bufs[2], dtype=np.uint8, count=end - start, offset=start)
        if bufs[2] is not None and end > start
        else np.zeros(0, dtype=np.uint8)
    )
    return data, offsets - start


def from_buffers(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """A ``pa.string()`` array from UTF-8 bytes and int64 offsets."""
    n = len(offsets) - 1
    if int(offsets[-1]) < 2**31:
        off = pa.py_buffer(offsets.astype(np.int32))
        return pa.Array.from_buffers(pa.string(), n, [None, off, pa.py_buffer(data)])
    big = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return big


def char_starts(data: np.ndarray, lead: int, second: np.ndarray | tuple[int, ...]) -> np.ndarray:
    """Positions of 3-byte characters whose bytes are ``lead``, one of ``second``, any.

    In UTF-8 a lead byte (0xE0–0xEF) can only start a character, so no alignment check is needed.
    """
    if data.size < 3:
        return np.zeros(0, dtype=np.int64)
    head = data[:-2]
    pos = np.flatnonzero((head == lead) & np.isin(data[1:-1], np.asarray(second, dtype=np.uint8)))
    return pos.astype(np.int64)


def cp3(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Code points of the 3-byte UTF-8 characters starting at ``pos``."""
    b0 = data[pos].astype(np.int64) & 0x0F
    b1 = data[pos + 1].astype(np.int64) & 0x3F
    b2 = data[pos + 2].astype(np.int64) & 0x3F
    return (b0 << 12) | (b1 << 6) | b2


def encode_cps(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes (m×3, left-aligned) and lengths (1–3) of BMP code points ``cps``."""
    cps = cps.astype(np.int64)
    out = np.zeros((cps.size, 3), dtype=np.uint8)
    ln = np.where(cps < 0x80, 1, np.where(cps < 0x800, 2, 3)).astype(np.int64)
    one, two, three = ln == 1, ln == 2, ln == 3
    out[one, 0] = cps[one]
    out[two, 0] = 0xC0 | (cps[two] >> 6)
    out[two, 1] = 0x80 | (cps[two] & 0x3F)
    out[three, 0] = 0xE0 | (cps[three] >> 12)
    out[three, 1] = 0x80 | ((cps[three] >> 6) & 0x3F)
    out[three, 2] = 0x80 | (cps[three] & 0x3F)
    return out, ln


def rewrite(
    data: np.ndarray,
    offsets: np.ndarray,
    pos: np.ndarray,
    consumed: np.ndarray,
    repl: np.ndarray,
    repl_len: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace ``consumed[k]`` bytes at ``pos[k]`` by ``repl[k, :repl_len[k]]``.

    ``pos`` must be sorted and the ranges disjoint.  Returns new (data, offsets).
    """
    if pos.size == 0:
        return data, offsets
    n = data.size
    out_len = np.ones(n + 1, dtype=np.int64)  # +1: a virtual byte at the end so offsets[-1] maps
    # zero the consumed bytes, then give the first byte of each match its replacement length
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, pos, 1)
    np.add.at(delta, pos + consumed, -1)
    inside = np.cumsum(delta) > 0
    out_len[inside] = 0
    out_len[pos] = repl_len
    out_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out_len[:-1], out=out_start[1:])
    total = int(out_start[-1])
    out = np.empty(total, dtype=np.uint8)
    keep = ~inside[:-1]
    out[out_start[:-1][keep]] = data[keep]
    base = out_start[pos]
    for j in range(repl.shape[1]):
        sel = repl_len > j
        out[base[sel] + j] = repl[sel, j]
    return out, out_start[offsets]
