"""Decoding the columns of a CSV read as bytes: the CSV fast path's legacy-encoding step.

Arrow's CSV reader transcodes a non-UTF-8 file through the Python codec of the whole stream,
and then parses the UTF-8: every byte is decoded and encoded once, though most columns of a
vendor export (codes, numbers, dates, flags) are pure ASCII. For the ASCII-compatible legacy
encodings (:data:`SELF_DECODED`: cp932, EUC-JP) the fast path therefore parses the *raw bytes*
into ``binary`` columns (their multibyte characters never contain the quote, delimiter, CR or
LF bytes, so the split is the same) and :func:`decode_columns` decodes each column:

- a column whose bytes are all below 0x80 is ASCII, which is UTF-8: a zero-copy view as
  ``string`` (one ``max`` over its bytes decides);
- any other column is laid out with a NUL between its values (Arrow's ``binary_join`` over
  the whole column as one list: a memcpy per value, half the CPU of a numpy mask), decoded
  in ONE strict ``bytes.decode`` call, encoded to UTF-8 once, split at the NULs with numpy
  and the NULs deleted with ``bytes.translate``.

Python's codec is most of what is left (≈ 3–5 ns per byte here). A numpy decoder (lead bytes
from the parity of runs of lead-capable bytes, a table of the codec's answers) is no way
around it: finding the lead bytes alone costs ≈ 7.6 ns per byte (measured, RESULTS.md).

The values are exactly those of the transcoding route (the codec is stateless and a character
never spans a field edge: a lead byte before a quote or delimiter is undecodable either way).
Undecodable bytes raise :class:`UnicodeDecodeError` and a NUL in a value :class:`ValueError`,
as Arrow's transcoder would fail; the reader then goes on with its careful, record-exact path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .buffers import string_buffers

SELF_DECODED = frozenset({"cp932", "euc_jp"})
# the separator as a scalar taken from an array built from buffers: pa.scalar (and pa.array of
# Python objects) import pandas on first use, ≈ 0.2 s that validate never pays otherwise
_NUL = pa.Array.from_buffers(
    pa.binary(), 1, [None, pa.py_buffer(np.array([0, 1], np.int32)), pa.py_buffer(b"\0")]
)[0]


def decode_column(arr: pa.Array, encoding: str) -> pa.Array:
    """One ``binary`` column (no nulls) as ``string``, decoded from ``encoding`` (see module docstring).

    >>> decode_column(pa.array([b"131016", "山田\\u3000太郎".encode("cp932"), b""]), "cp932").to_pylist()
    ['131016', '山田\\u3000太郎', '']
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    off, data = string_buffers(arr)
    used = data[int(off[0]) : int(off[-1])]
    if used.size == 0 or int(used.max()) < 0x80:
        return arr.view(pa.string())  # ASCII bytes are their own UTF-8
    if arr.null_count:
        raise ValueError("null in a CSV column read as bytes")
    # the values with a NUL between them: the NUL ends a dangling lead byte's sequence (an error,
    # as in the value alone) and marks where the value ends in the decoded text
    whole = pa.Array.from_buffers(pa.int32(), 2, [None, pa.py_buffer(np.array([0, n], np.int32))])
    joined = pc.binary_join(pa.ListArray.from_arrays(whole, arr), _NUL)  # (pa.array of a list: 15× slower)
    _, j_off, j_data = joined.buffers()
    lo, hi = np.frombuffer(j_off, np.int32, 2, joined.offset * 4).tolist()
    encoded = str(memoryview(j_data)[lo:hi], encoding).encode("utf-8")
    ends = np.flatnonzero(np.frombuffer(encoded, np.uint8) == 0)  # no bytes copy
    if ends.size != n - 1:
        raise ValueError("NUL byte in a CSV value")
    offsets = np.empty(n + 1, np.int32)
    offsets[0] = 0
    offsets[1:n] = ends - np.arange(n - 1, dtype=np.int64)
    offsets[n] = len(encoded) - (n - 1)
    text = encoded.translate(None, b"\0")  # a byte-table pass: faster than replace() on many NULs
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


def decode_columns(batch: pa.RecordBatch, encoding: str) -> list[pa.Array]:
    """Every column of a batch read as ``binary``, decoded (see :func:`decode_column`)."""
    return [decode_column(c, encoding) for c in batch.columns]
