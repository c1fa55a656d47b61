"""A column of cp932 (or EUC-JP) bytes to UTF-8 in one compiled pass (:mod:`._dbcs`), by tables of the codec.

:mod:`.csv_decode` decodes a non-ASCII column through Python's codec: the values laid out with
a NUL between them, one ``bytes.decode``, an encode to UTF-8, a split at the NULs (≈ 8.4 ns per
byte of a vendor B 住民 column in all). The compiled kernel walks the column's own offsets and
bytes once and writes UTF-8 straight away (≈ 1.9 ns per byte, measured on the same 18.5 MB).

Its tables are built here from Python's codec, once per process: every byte alone and every
lead byte with every trail byte, decoded by ``bytes.decode``. So the kernel's values are the
codec's by construction (cp932's extras included: NEC and IBM 外字 rows, U+0080 for 0x80,
the private use area for the user-defined rows F040–F9FC). A byte sequence the codec refuses,
a lead byte at a value's end or a NUL makes the kernel answer None, and the caller decodes the
column with the codec, which raises the exact error.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from .. import native
from .buffers import string_buffers

_kernel = native.load("chukan_layout.readers._dbcs")
LEAD = 0xFFFFFFFE
# a character is one byte or a lead and a trail byte (EUC-JP's three-byte JIS X 0212 characters,
# 0x8F + two bytes, are not in the tables: a column holding one goes the codec's way)
ENCODINGS = frozenset({"cp932", "euc_jp"})


def _packed(text: str) -> int:
    """A character's UTF-8 packed as the kernel stores it: bytes little-endian, length above."""
    u = text.encode("utf-8")
    return int.from_bytes(u, "little") | len(u) << 24


@cache
def tables(encoding: str) -> tuple[bytes, bytes]:
    """(singles, pairs) of ``encoding`` for the kernel (see ``_dbcs.c``), from its Python codec."""
    singles = np.zeros(256, np.uint32)
    pairs = np.zeros(65536, np.uint32)
    for b in range(1, 256):  # NUL stays 0: a NUL in a value is an error
        try:
            text = bytes([b]).decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(text) == 1:
            singles[b] = _packed(text)
    for lead in range(256):
        if singles[lead]:
            continue
        found = False
        for trail in range(256):
            try:
                text = bytes([lead, trail]).decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                pairs[lead << 8 | trail] = _packed(text)
                found = True
        if found:
            singles[lead] = LEAD
    return singles.tobytes(), pairs.tobytes()


def available(encoding: str) -> bool:
    """Is the compiled kernel built, switched on and made for ``encoding``?"""
    return _kernel is not None and encoding in ENCODINGS


def decode_values(arr: pa.Array, encoding: str) -> pa.Array | None:
    """A ``binary`` column without nulls as ``string``, or None when the kernel is not available
    or refuses a byte (the caller's codec route then gives the value or the exact error)."""
    if not available(encoding):
        return None
    assert _kernel is not None
    n = len(arr)
    off, data = string_buffers(arr)
    singles, pairs = tables(encoding)
    got = _kernel.decode(n, off, data, singles, pairs)
    if got is None:
        return None
    o, text = got
    return pa.StringArray.from_buffers(n, pa.py_buffer(o), pa.py_buffer(text))
