"""Cell matrices and UTF-8 column buffers: the numpy / Arrow helpers the codecs share.

``(n, L)`` uint8 cell matrices copied and moved as ``L``-byte items, zero-copy Arrow string
arrays over UTF-8 bytes and offsets (and back), Arrow masks from numpy, trailing-space trims,
character offsets, and the cells a decode marked bad (NUL or an escaped undecodable byte).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def bool_array(mask: np.ndarray) -> pa.BooleanArray:
    """An Arrow boolean array from a numpy mask (bit-packed: ``pa.array(ndarray)`` would import
    pandas on its first call in a process)."""
    m = np.asarray(mask, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), len(m), [None, pa.py_buffer(np.packbits(m, bitorder="little"))])


def strings_from_offsets(data: np.ndarray, offsets: np.ndarray) -> pa.StringArray:
    """A zero-copy Arrow string array over UTF-8 ``data`` with (possibly non-zero-based) offsets."""
    return pa.StringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32, copy=False)), pa.py_buffer(data)
    )


def utf8_column(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes, int64 offsets from 0) of a string column; null counts as ``""``."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = arr.fill_null("")
    n = len(arr)
    bufs = arr.buffers()
    offsets = (
        np.frombuffer(bufs[1], np.int32)[arr.offset : arr.offset + n + 1].astype(np.int64)
        if n
        else np.zeros(1, np.int64)
    )
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    data = data[offsets[0] : offsets[-1]]
    return data, offsets - offsets[0]


def copy_cells(cells: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of an ``(n, L)`` uint8 cell matrix (a column slice of the record matrix).

    Rows are copied as ``L``-byte items: numpy copies a strided 2-D byte matrix row by row with a
    per-row inner loop, several times slower for the narrow fields fixed-width records are made of."""
    n, length = cells.shape
    if cells.flags.c_contiguous:
        return cells
    if length >= 2 and n and cells.strides[1] == 1:
        return cells.view(f"V{length}")[:, 0].copy().view(np.uint8).reshape(n, length)
    return np.ascontiguousarray(cells)


def put_cells(dest: np.ndarray, cells: np.ndarray) -> None:
    """``dest[:] = cells`` for ``(n, L)`` uint8 matrices, rows moved as ``L``-byte items (see copy_cells)."""
    n, length = cells.shape
    if length >= 2 and n and cells.strides[1] == 1 and dest.strides[1] == 1:
        dest.view(f"V{length}")[:, 0] = cells.view(f"V{length}")[:, 0]
    else:
        dest[...] = cells


def is_ascii(cells: np.ndarray) -> bool:
    """Whether every byte of the cell matrix is below 0x80 (an empty matrix is not worth the look)."""
    return bool(cells.size) and int(cells.max()) < 0x80


def trimmed_buffers(strings: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes, offsets) of :func:`rtrim_spaces` of ``strings``, to split into columns again."""
    t = rtrim_spaces(strings)
    bufs = t.buffers()
    offsets = np.frombuffer(bufs[1], np.int32)[t.offset : t.offset + len(t) + 1]
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data, offsets


def rtrim_spaces(strings: pa.StringArray) -> pa.StringArray:
    """Drop trailing U+0020 from every value (codecs that trim after decoding).

    A bad cell may hold bytes Arrow refuses to scan as UTF-8: then the same trim on the bytes
    (0x20 is never part of a multibyte UTF-8 character)."""
    try:  # bytewise: 0x20 is never part of a multibyte UTF-8 character
        return pc.ascii_rtrim(strings, characters=" ")
    except pa.ArrowInvalid:
        data, offsets = utf8_column(strings)
        nonblank = np.flatnonzero(data != 0x20)
        starts, ends = offsets[:-1], offsets[1:]
        last = np.searchsorted(nonblank, ends) - 1  # the value's last non-space byte, if it has one
        lastpos = nonblank[np.maximum(last, 0)] if nonblank.size else np.full(len(ends), -1)
        lengths = np.where((last >= 0) & (lastpos >= starts), lastpos - starts + 1, 0)
        keep = np.zeros(len(data) + 1, np.int64)
        np.add.at(keep, starts, 1)
        np.add.at(keep, starts + lengths, -1)
        new = np.zeros(len(ends) + 1, np.int64)
        np.cumsum(lengths, out=new[1:])
        return strings_from_offsets(data[np.cumsum(keep[:-1]) > 0], new)


def char_starts(utf8: np.ndarray) -> np.ndarray:
    """Mask of the bytes that start a character (not UTF-8 continuation bytes)."""
    return (utf8 < 0x80) | (utf8 >= 0xC0)


_CHAR_START = ((np.arange(256) < 0x80) | (np.arange(256) >= 0xC0)).astype(np.uint8)


def char_offsets(utf8: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per-value offsets counted in characters (code points) instead of bytes."""
    cum = np.zeros(len(utf8) + 1, np.int64)
    np.cumsum(_CHAR_START[utf8], out=cum[1:])
    return cum[offsets]


def bad_utf8_cells(utf8: np.ndarray, seps: np.ndarray) -> np.ndarray:
    """Indexes of cells (split at ``seps``) holding NUL or an escaped undecodable byte."""
    surrogate = np.flatnonzero((utf8[:-1] == 0xED) & (utf8[1:] >= 0xA0))
    nul = np.flatnonzero(utf8 == 0)
    pos = np.concatenate([surrogate, nul])
    return np.unique(np.searchsorted(seps, pos))
