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
around it: finding the lead bytes alone costs ≈ 7.6 ns per byte (measured, RESULTS.md). Where
the compiled kernel is built (:mod:`.dbcs`, tables of the same codec) it decodes such a column
in one pass instead (≈ 1.9 ns per byte); the NUL layout above is then its pure route, taken
for whatever the kernel refuses so that the codec raises the exact error.

What can be cut is the number of bytes: many text columns of an export repeat a few values
(都道府県, 市区町村名, 町字, 続柄, the kana of 氏 and 名, 本籍). :class:`DecodeRoutes` decodes
such a column's *distinct* values only (Arrow's ``dictionary_encode``, then a ``take``: on a
vendor B 住民 batch 0.5–1.4 → 0.26–0.36 ms per column) and every value of the others (a
name column, 80% distinct, would cost half as much again that way). Which columns repeat is
learnt per file from the distinct share of the columns decoded the dictionary way, probed again
every :data:`PROBE_EVERY` batches; the values are the same either way. A column mostly empty
(a field filled in on a few records) has only its filled values decoded (:func:`_decode_sparse`).
Until the next batch is decoded, :func:`distinct_values` hands a distinct-route column's distinct
values and row indices to later stages that can work per distinct value (the 外字 detection): by
the column's buffers, so the column passes through trim and adapt untouched, as an array of the
same buffers.

The values are exactly those of the transcoding route (the codec is stateless and a character
never spans a field edge: a lead byte before a quote or delimiter is undecodable either way).
Undecodable bytes raise :class:`UnicodeDecodeError` and a NUL in a value :class:`ValueError`,
as Arrow's transcoder would fail; the reader then goes on with its careful, record-exact path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import dbcs
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
    if _is_ascii(_used_bytes(arr)):
        return arr.view(pa.string())  # ASCII bytes are their own UTF-8
    return _decode_values(arr, encoding)


def _used_bytes(arr: pa.Array) -> np.ndarray:
    """The bytes of the column's values (a zero-copy view)."""
    off, data = string_buffers(arr)
    return data[int(off[0]) : int(off[-1])]


def _is_ascii(used: np.ndarray) -> bool:
    return used.size == 0 or int(used.max()) < 0x80


def _decode_values(arr: pa.Array, encoding: str) -> pa.Array:
    """Every value of a non-ASCII ``binary`` column decoded, in one codec call (module docstring)."""
    n = len(arr)
    if arr.null_count:
        raise ValueError("null in a CSV column read as bytes")
    fast = dbcs.decode_values(arr, encoding)  # the compiled kernel, where built (None: the codec's way)
    if fast is not None:
        return fast
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


def _decode_distinct(arr: pa.Array, encoding: str) -> tuple[pa.Array, float]:
    """The column decoded through its distinct values, and the distinct share ``distinct / rows``."""
    if arr.null_count:
        raise ValueError("null in a CSV column read as bytes")
    enc = pc.dictionary_encode(arr)
    distinct = _decode_values(enc.dictionary, encoding)
    out = distinct.take(enc.indices)
    idx = enc.indices
    _DECODED[_key(distinct)] = (distinct, encoding)
    _DISTINCT[_key(out)] = (
        out,
        distinct,
        np.frombuffer(idx.buffers()[1], np.int32, len(idx), idx.offset * 4),
    )
    return out, len(enc.dictionary) / max(len(arr), 1)


def _decode_constant(arr: pa.Array, used: np.ndarray, encoding: str) -> pa.Array | None:
    """The column as ``string`` when every value is the same bytes (the 都道府県 and 市区郡町村名 of
    a town's addresses), its one value decoded once; else None (cheap: the last value and the
    total length are looked at before the whole column is compared).

    The dictionary route gives the same values and the same distinct values for later stages at
    ≈ 0.3–0.9 ms per such column of a 13,464-row batch (hashing every value, then a ``take``);
    this is a compare of the bytes (≈ 0.03 ms)."""
    n = len(arr)
    if n < 2 or used.size % n or arr.null_count:
        return None
    width = used.size // n
    first = used[:width]
    if not np.array_equal(used[used.size - width :], first):
        return None
    off, _ = string_buffers(arr)
    # every value the same length, and each value's bytes those of the one before it (a shifted
    # compare of the column with itself: no copy of the column, unlike a compare with its value repeated)
    if not (np.diff(off) == width).all() or not np.array_equal(used[width:], used[: used.size - width]):
        return None
    # strict: the value's own UnicodeDecodeError first (as the other routes), then a NUL's ValueError
    text = str(first.tobytes(), encoding)
    if "\0" in text:
        raise ValueError("NUL byte in a CSV value")
    value = text.encode("utf-8")
    one = pa.StringArray.from_buffers(
        1, pa.py_buffer(np.array([0, len(value)], np.int32)), pa.py_buffer(value)
    )
    if n * len(value) > np.iinfo(np.int32).max:  # (a decoded value is longer than its bytes)
        return None
    out = pa.repeat(one[0], n)  # in Arrow's pool (jemalloc in a run), as the dictionary route's take
    _DECODED[_key(one)] = (one, encoding)
    _DISTINCT[_key(out)] = (out, one, np.zeros(n, np.int32))
    return out


def _decode_sparse(arr: pa.Array, encoding: str) -> pa.Array | None:
    """The column as ``string`` when at least :data:`SPARSE` of its values are empty (a field
    filled in on a few records: 国籍名等, 転出先住所, 方書 …), its non-empty values decoded alone;
    else None.

    The empty values hold no bytes, so the non-empty ones are the column's bytes as they are:
    a new offsets array over the same data buffer (no copy) is decoded every value, and the
    result spread back by offsets (a cumulative sum). Measured on a vendor B 住民 batch of
    13,464 rows: a column 98% empty 0.35–0.6 ms → ≈ 0.06 ms (the NUL layout and codec pass over
    13,464 values for 300 that hold text)."""
    n = len(arr)
    off, _ = string_buffers(arr)
    full = np.flatnonzero(off[1:] != off[:-1])
    if full.size > n * (1 - SPARSE) or arr.null_count:
        return None
    sub_off = np.empty(full.size + 1, np.int32)
    sub_off[:-1] = off[full]
    sub_off[-1] = off[n]
    sub = pa.Array.from_buffers(pa.binary(), full.size, [None, pa.py_buffer(sub_off), arr.buffers()[2]])
    dec = _decode_values(sub, encoding)
    d_off, _ = string_buffers(dec)
    lens = np.zeros(n, np.int32)
    lens[full] = d_off[1:] - d_off[:-1]
    offsets = np.empty(n + 1, np.int32)
    offsets[0] = 0
    np.cumsum(lens, out=offsets[1:])
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), dec.buffers()[2], offset=0)


# the columns of the latest batch decoded through their distinct values: buffers → (the column,
# which keeps the buffers alive so that no other array can take their addresses, its distinct
# values, the row → distinct value indices)
_DISTINCT: dict[tuple[int, int, int, int], tuple[pa.Array, pa.Array, np.ndarray]] = {}


def _key(arr: pa.Array) -> tuple[int, int, int, int]:
    bufs = arr.buffers()
    return (bufs[1].address, bufs[2].address if bufs[2] is not None else 0, arr.offset, len(arr))


# every column of the latest batch (and its distinct values): buffers → (the column, kept alive as
# above, the encoding its values were decoded from)
_DECODED: dict[tuple[int, int, int, int], tuple[pa.Array, str]] = {}


def decoded_from(arr: pa.Array) -> str | None:
    """The encoding the values of a ``string`` column of the latest decoded batch (or its distinct
    values) were decoded from by :class:`DecodeRoutes` (the same buffers), else None; ``"ascii"``
    for a column all of whose bytes are ASCII (its bytes are its UTF-8).

    Such a column holds only characters that codec yields (an ASCII column: ASCII), whatever its
    bytes: a later stage may narrow a scan to the characters of that repertoire (the 外字
    detection of a cp932 column looks only at the few UTF-8 first bytes the codec's flagged
    characters begin with)."""
    if not pa.types.is_string(arr.type) or not _DECODED:
        return None
    got = _DECODED.get(_key(arr))
    return None if got is None else got[1]


def distinct_values(arr: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """(distinct values, row → value index as int32) of a ``string`` column of the latest decoded
    batch that went the distinct values' way (the same buffers), else None."""
    if not pa.types.is_string(arr.type) or not _DISTINCT:
        return None
    got = _DISTINCT.get(_key(arr))
    return None if got is None else (got[1], got[2])


SPARSE = 0.75  # share of empty values from which only the others are decoded (_decode_sparse)
PROBE_EVERY = 16  # batches between two looks at a column's distinct share (columns decoded every value)
_MIN_WIDTH = 1.0  # bytes per row below which a column is mostly blank: every value, cheaply


def _repeats(share: float, width: float) -> bool:
    """Does decoding the distinct values pay, for this distinct share and bytes per row?

    Measured on vendor B 住民 columns: the dictionary way wins from a share of 0.3 down (町字
    0.02: 4×; 名 0.15: 1.3×), breaks even about 0.35–0.4 at 10 bytes a row (世帯主氏名, 筆頭者),
    loses at 0.8 (氏名 1.4×) but wins at 0.52 with 37 bytes a row (本籍 1.6×)."""
    return share <= 0.3 or (share <= 0.6 and width >= 24)


class DecodeRoutes:
    """The column decode of one file's batches, each column by its cheaper route (module docstring)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.batches = 0
        self._share: dict[int, tuple[float, int]] = {}  # column → (distinct share, batch of the look)

    def decode(self, batch: pa.RecordBatch) -> list[pa.Array]:
        """Every column of a batch read as ``binary``, decoded (the same values as :func:`decode_column`)."""
        self.batches += 1
        _DISTINCT.clear()  # the previous batch's columns are done with
        _DECODED.clear()
        out = [self._column(i, c) for i, c in enumerate(batch.columns)]
        for c in out:
            _DECODED.setdefault(_key(c), (c, self.encoding))  # (an ASCII column is in as "ascii")
        return out

    def close(self) -> None:
        """The file is read: its last batch's entries for :func:`distinct_values` go."""
        _DISTINCT.clear()
        _DECODED.clear()

    def _column(self, i: int, arr: pa.Array) -> pa.Array:
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        used = _used_bytes(arr)
        if _is_ascii(used):
            out = arr.view(pa.string())
            _DECODED[_key(out)] = (out, "ascii")
            return out
        # one value repeated: what the distinct values' route would learn, at a compare's cost
        same = _decode_constant(arr, used, self.encoding)
        if same is not None:
            self._share[i] = (1 / len(arr), self.batches)
            return same
        sparse = _decode_sparse(arr, self.encoding)
        if sparse is not None:
            return sparse
        width = used.size / len(arr)
        seen = self._share.get(i)
        if width < _MIN_WIDTH or (
            seen is not None and self.batches - seen[1] < PROBE_EVERY and not _repeats(seen[0], width)
        ):
            return _decode_values(arr, self.encoding)
        out, share = _decode_distinct(arr, self.encoding)
        self._share[i] = (share, self.batches)
        return out


def decode_columns(batch: pa.RecordBatch, encoding: str) -> list[pa.Array]:
    """Every column of a batch read as ``binary``, decoded (see :func:`decode_column`)."""
    return [decode_column(c, encoding) for c in batch.columns]
