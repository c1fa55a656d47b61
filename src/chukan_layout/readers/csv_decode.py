"""Decoding the columns of a CSV read as bytes: the CSV fast path's legacy-encoding step.

Arrow's CSV reader transcodes a non-UTF-8 file through the Python codec of the whole stream,
and then parses the UTF-8: every byte is decoded and encoded once, though most columns of a
vendor export (codes, numbers, dates, flags) are pure ASCII. For the ASCII-compatible legacy
encodings (:data:`SELF_DECODED`: cp932, EUC-JP) the fast path therefore parses the *raw bytes*
into ``binary`` columns (their multibyte characters never contain the quote, delimiter, CR or
LF bytes, so the split is the same) and :func:`decode_columns` decodes each column:

- a column whose bytes are all below 0x80 is ASCII, which is UTF-8: a zero-copy view as
  ``string`` (one ``max`` over its bytes decides);
- any other column is laid out with a NUL after every value, decoded in ONE strict
  ``bytes.decode`` call, encoded to UTF-8 once, and split on the NULs with numpy.

The values are exactly those of the transcoding route (the codec is stateless and a character
never spans a field edge: a lead byte before a quote or delimiter is undecodable either way).
Undecodable bytes raise :class:`UnicodeDecodeError` and a NUL in a value :class:`ValueError`,
as Arrow's transcoder would fail; the reader then goes on with its careful, record-exact path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .buffers import string_buffers

SELF_DECODED = frozenset({"cp932", "euc_jp"})


def decode_column(arr: pa.Array, encoding: str) -> pa.Array:
    """One ``binary`` column (no nulls) as ``string``, decoded from ``encoding`` (see module docstring).

    >>> decode_column(pa.array([b"131016", "山田\\u3000太郎".encode("cp932"), b""]), "cp932").to_pylist()
    ['131016', '山田\\u3000太郎', '']
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    off, data = string_buffers(arr)
    lo, hi = int(off[0]), int(off[-1])
    data, off = data[lo:hi], off - lo if lo else off
    if data.size == 0 or int(data.max()) < 0x80:
        return arr.view(pa.string())  # ASCII bytes are their own UTF-8
    if arr.null_count:
        raise ValueError("null in a CSV column read as bytes")
    seps = off[1:] + np.arange(n, dtype=off.dtype)  # where the NUL after value i goes
    laid = np.zeros(data.size + n, np.uint8)
    keep = np.ones(laid.size, bool)
    keep[seps] = False
    laid[keep] = data
    encoded = str(laid.data, encoding).encode("utf-8")
    ends = np.flatnonzero(np.frombuffer(encoded, np.uint8) == 0)  # no bytes copy
    if ends.size != n:
        raise ValueError("NUL byte in a CSV value")
    offsets = np.empty(n + 1, np.int32)
    offsets[0] = 0
    offsets[1:] = ends - np.arange(n, dtype=np.int64)
    text = encoded.replace(b"\0", b"")  # memchr speed: half the CPU of a numpy mask over the bytes
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


def decode_columns(batch: pa.RecordBatch, encoding: str) -> list[pa.Array]:
    """Every column of a batch read as ``binary``, decoded (see :func:`decode_column`)."""
    return [decode_column(c, encoding) for c in batch.columns]
