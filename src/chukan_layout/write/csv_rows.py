"""Rows of string columns as standard CSV text in one compiled pass (:mod:`._csv_rows`).

:class:`~.standard_csv.StandardCsvWriter` writes its rows with Arrow's CSV writer
(``quoting_style="all_valid"``, no header): a valid value quoted with its ``"`` doubled, a null
as an empty unquoted field. Arrow spends ≈ 5 ns on every value, and 59 of the 132 columns of a
vendor B 住民 batch are blank or constant (43–45 % of its time, RESULTS.md "Vendor B convert,
sixth round"). The compiled writer looks at each column of a block of rows once: a column whose
rows are all one field becomes fixed text, merged with its neighbours and their commas (a run
of blank columns is one copy per row), a column without a ``"`` copies its values as they are;
then it writes the block's exact bytes, row by row, into one ``bytes``.

Its text is Arrow's byte for byte (tests compare the two on random batches). :func:`render`
answers None when the kernel is not built or switched off (``CHUKAN_LAYOUT_NATIVE=0``) or a
column is not a plain ``string`` array: the caller then uses Arrow's writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from .. import native

_kernel = native.load("chukan_layout.write._csv_rows")

# Rows per call: ≈ 1 MB of text of vendor B 住民 rows (≈ 0.8 KB each), so a worker holds no copy of
# a whole batch's text (≈ 11 MB). Each call takes its columns' buffers and looks at them again
# (≈ 18 µs of a block's ≈ 330 µs); blocks of 256 rows were 20 % slower, 4,096 no faster.
BLOCK_ROWS = 1024


def _array(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):  # a Table's column: one chunk, or joined (a copy, rare)
        return col.chunk(0) if col.num_chunks == 1 else pa.concat_arrays(col.chunks)
    return col


def _buffers(arr: pa.Array) -> tuple[Any, Any, Any, int]:
    validity, offsets, data = arr.buffers()
    return (validity if arr.null_count else None), offsets, data, arr.offset


def render(
    columns: Sequence[pa.Array | pa.ChunkedArray], eol: bytes, *, whole: bool = False
) -> Iterator[bytes] | None:
    """The CSV text of the rows of ``columns`` (equal lengths, ``string``), :data:`BLOCK_ROWS`
    rows at a time (``whole``: all in one), as Arrow's writer gives it with
    ``quoting_style="all_valid"`` and no header; None when the kernel cannot (not built,
    switched off, no column or another type): use Arrow's writer."""
    kernel = _kernel
    if kernel is None or not columns:
        return None
    arrays = [_array(c) for c in columns]
    if any(a.type != pa.string() for a in arrays):
        return None
    cols = [_buffers(a) for a in arrays]
    n = len(arrays[0])
    step = max(1, n if whole else BLOCK_ROWS)

    def blocks() -> Iterator[bytes]:
        for start in range(0, n, step):
            text = kernel.render(cols, start, min(n, start + step), eol)
            assert text is not None  # (None only without columns)
            yield text

    return blocks()
