"""Zero-copy numpy views of Arrow string columns, and vectorized UTF-8 decoding.

Several checks need per-character facts (charset membership, cp932 byte width). Rather
than a Python loop per value, the whole column's UTF-8 buffer is decoded to code points
in a handful of numpy passes, and per-row results are taken as differences of a cumulative
sum at the row boundaries. Arrow guarantees valid UTF-8, so no error handling is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def as_string_array(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous ``string`` array; nulls become ``""`` (the contract: blank is "")."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if pa.types.is_large_string(col.type) or pa.types.is_string_view(col.type):
        col = col.cast(pa.string())
    elif not pa.types.is_string(col.type):
        col = pc.cast(col, pa.string())
    if col.null_count:
        col = pc.fill_null(col, "")
    return col


def buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64 of length n+1 relative to ``data``, data uint8) of a string array, zero-copy."""
    n = len(arr)
    _validity, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int32, count=n + 1, offset=arr.offset * 4).astype(np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    return offsets, data


def byte_lengths(arr: pa.Array) -> np.ndarray:
    """UTF-8 byte length per value (int64)."""
    offsets, _ = buffers(arr)
    return np.diff(offsets)


@dataclass(frozen=True)
class CodePoints:
    """All code points of a column in order, and where each row's code points start/end."""

    cps: np.ndarray  # uint32, one per character
    row_offsets: np.ndarray  # int64, n+1: cps[row_offsets[i]:row_offsets[i+1]] are row i's characters

    def count_per_row(self, flags: np.ndarray) -> np.ndarray:
        """Number of flagged characters per row (``flags`` is one bool per code point)."""
        cs = np.zeros(flags.size + 1, dtype=np.int64)
        np.cumsum(flags, out=cs[1:])
        return cs[self.row_offsets[1:]] - cs[self.row_offsets[:-1]]

    def lengths(self) -> np.ndarray:
        return np.diff(self.row_offsets)


def decode(arr: pa.Array) -> CodePoints:
    """Decode a (valid UTF-8) string array to code points with numpy."""
    offsets, data = buffers(arr)
    start, end = int(offsets[0]), int(offsets[-1])
    seg = data[start:end]
    is_lead = (seg & 0xC0) != 0x80
    lead_cum = np.zeros(seg.size + 1, dtype=np.int64)
    np.cumsum(is_lead, out=lead_cum[1:])
    row_offsets = lead_cum[offsets - start]
    pos = np.flatnonzero(is_lead)
    padded = np.concatenate([seg, np.zeros(3, np.uint8)]).astype(np.uint32)
    b0 = padded[pos]
    b1 = padded[pos + 1] & 0x3F
    b2 = padded[pos + 2] & 0x3F
    b3 = padded[pos + 3] & 0x3F
    cps = np.where(
        b0 < 0x80,
        b0,
        np.where(
            b0 < 0xE0,
            ((b0 & 0x1F) << 6) | b1,
            np.where(b0 < 0xF0, ((b0 & 0x0F) << 12) | (b1 << 6) | b2, ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3),
        ),
    ).astype(np.uint32)
    return CodePoints(cps, row_offsets)


def to_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as a numpy bool array (null → False)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:
        arr = pc.fill_null(arr, False)
    return arr.to_numpy(zero_copy_only=False)
