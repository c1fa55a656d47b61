"""Typed Parquet columns: a column is typed only when every value round-trips to its text.

``integer`` items become ``int64``, ``decimal`` items ``decimal128(38, scale)``, ``date`` items
``date32``; blank is null. A value that does not come back as the same text (``1935-00-00``, a
不詳 date; ``007``; ``12.5`` in a scale-2 item) makes the column :class:`Lossy` (it stays a
string). Proving the round trip costs less than doing it (formatting every value back to text
and comparing was a third of the typed checks' CPU):

- ``date32``: Arrow's string→date32 cast accepts exactly ``YYYY-MM-DD`` with a valid calendar
  date (no sign, no blanks, no ``2019-02-29``: property-tested in tests/snapshots/test_typed.py),
  which is the text date32 formats back to: a successful cast round-trips. Year ``0000`` is
  kept a string all the same (no reader's date type has it: Python's ``date`` starts at 0001).
- ``int64``: the cast accepts an optional ``-`` and digits (and ``0x`` hex); the text is the one
  int64 formats back to unless it has a leading zero (``007``, ``0x1F``) or is ``-0…`` — two
  byte gathers on the string buffers, no formatting.
- ``decimal128``: cast and formatted back, compared (rare, and its text forms are many).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..readers.buffers import string_buffers
from ..spec.model import ItemType, Layout

ZERO, MINUS = 0x30, 0x2D
FIRST_DAY = -719162  # 0001-01-01 in days since 1970-01-01 (the first day of Python's date)


def parquet_types(layout: Layout) -> dict[str, pa.DataType]:
    """Item id → the Arrow type wanted for it (items not listed stay strings)."""
    out: dict[str, pa.DataType] = {}
    for it in layout.items:
        if it.type is ItemType.INTEGER:
            out[it.id] = pa.int64()
        elif it.type is ItemType.DECIMAL:
            out[it.id] = pa.decimal128(38, int(getattr(it, "scale", None) or 0))
        elif it.type is ItemType.DATE:
            out[it.id] = pa.date32()
    return out


class Lossy(Exception):
    """A column whose values do not survive the typed round trip (it is written as a string)."""

    def __init__(self, column: str) -> None:
        super().__init__(column)
        self.column = column


def blank_as_null(col: pa.Array) -> pa.Array | None:
    """The string column with its blank values as nulls, sharing its buffers (validity from the
    offsets); None when every value is blank."""
    n = len(col)
    off, _ = string_buffers(col)
    if off[0] == off[-1]:
        return None
    valid = np.packbits(off[1:] != off[:-1], bitorder="little")
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(off - off[0]), col.buffers()[2].slice(int(off[0])), pa.py_buffer(valid)
    )


def canonical_ints(src: pa.Array) -> bool:
    """No value of ``src`` (strings, blank = null, every value already cast to int64) has a
    leading zero or is ``-0…``: each is the text int64 formats back to."""
    n = len(src)
    off, data = string_buffers(src)
    lens = off[1:] - off[:-1]
    if src.null_count and src.buffers()[0] is not None:  # a null's bytes are not a value
        lens = lens * np.unpackbits(np.frombuffer(src.buffers()[0], np.uint8), count=src.offset + n,
                                    bitorder="little")[src.offset :]  # fmt: skip
    starts = off[:-1][lens > 1]  # a one-byte value ("0" or "7") is canonical; nulls have length 0
    if not len(starts):
        return True
    first, second = data[starts], data[starts + 1]
    return not bool(((first == ZERO) | ((first == MINUS) & (second == ZERO))).any())


def typed(col: pa.Array, t: pa.DataType, name: str) -> pa.Array:
    """``col`` (strings) as type ``t``, blank as null; :class:`Lossy` unless every value round-trips."""
    if col.type != pa.string() or col.null_count:
        src = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    else:
        blanked = blank_as_null(col)
        if blanked is None:  # all blank (most typed items of most files): nulls, nothing to check
            return pa.nulls(len(col), t)
        src = blanked
    try:
        out = src.cast(t)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise Lossy(name) from None
    if pa.types.is_date32(t):
        low = pc.min(out.view(pa.int32())).as_py()
        exact = low is None or low >= FIRST_DAY
    elif pa.types.is_int64(t):
        exact = canonical_ints(src)
    else:
        exact = bool(pc.all(pc.equal(out.cast(pa.string()), src)).as_py())  # nulls (blanks) skipped
    if not exact:
        raise Lossy(name)
    return out
