"""Per-batch column cache shared by all checks of one :meth:`CompiledLayout.check` call.

Several checks read the same column (blank test, length, charset, date parse); the
context computes each derived view once per batch.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import native
from ..readers.fixed_width import constant_strings
from .utf8 import as_string_array, buffers, string_scalar, to_bool, to_int64

_kernel = native.load("chukan_layout.validation._kernels")  # equal_rows (_kernels.c)


def _value_bytes(arr: pa.Array) -> int:
    """Bytes of character data in a string array (last offset − first offset)."""
    offsets, _ = buffers(arr)
    return int(offsets[-1] - offsets[0])


class BatchContext:
    """Lazy, cached views of one record batch's string columns."""

    def __init__(self, batch: pa.RecordBatch | pa.Table) -> None:
        self.batch = batch
        self.n = batch.num_rows
        self._index = {n: i for i, n in enumerate(batch.schema.names)}
        self._cols: dict[str, pa.StringArray] = {}
        self._buffers: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._blank: dict[str, np.ndarray] = {}
        self._nonblank: dict[str, np.ndarray] = {}
        self._all_blank: dict[str, bool] = {}
        self._memo: dict[tuple[str, ...], object] = {}

    def col(self, name: str) -> pa.StringArray:
        """The column as one ``string`` array with nulls read as blank."""
        c = self._cols.get(name)
        if c is None:
            i = self._index.get(name)
            # an item the batch does not carry reads as blank (the required check reports it)
            c = as_string_array(self.batch.column(i)) if i is not None else constant_strings("", self.n)
            self._cols[name] = c
        return c

    def buffers(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(offsets, data) of the column (:func:`.utf8.buffers`), once per batch."""
        b = self._buffers.get(name)
        if b is None:
            b = self._buffers[name] = buffers(self.col(name))
        return b

    def all_blank(self, name: str) -> bool:
        """True when every value of the column is blank (O(1): the value bytes are empty)."""
        got = self._all_blank.get(name)
        if got is None:
            offsets, _ = self.buffers(name)
            got = self._all_blank[name] = self.n == 0 or int(offsets[-1] - offsets[0]) == 0
        return got

    def blank(self, name: str) -> np.ndarray:
        b = self._blank.get(name)
        if b is None:
            offsets, _ = self.buffers(name)
            b = offsets[1:] == offsets[:-1]
            self._blank[name] = b
        return b

    def nonblank(self, name: str) -> np.ndarray:
        b = self._nonblank.get(name)
        if b is None:
            b = self._nonblank[name] = ~self.blank(name)
        return b

    def byte_range(self, name: str) -> tuple[int, int]:
        """(lowest, highest) byte of the column's values; ``(0, 0)`` for an all-blank column."""
        key = ("range", name)
        got = self._memo.get(key)
        if got is None:
            offsets, data = self.buffers(name)
            seg = data[int(offsets[0]) : int(offsets[-1])]
            got = (int(seg.min()), int(seg.max())) if seg.size else (0, 0)
            self._memo[key] = got
        return got  # type: ignore[return-value]

    def max_bytes(self, name: str) -> int:
        """The longest value's UTF-8 byte length (0 for an empty batch)."""
        key = ("max_bytes", name)
        got = self._memo.get(key)
        if got is None:
            offsets, _ = self.buffers(name)
            got = self._memo[key] = int(np.diff(offsets).max()) if self.n else 0
        return got  # type: ignore[return-value]

    def one_width(self, name: str) -> int:
        """The byte length every non-blank value has, if they all have one (0 for an all-blank
        column), else -1 — from the value bytes, the longest value and the non-blank count."""
        key = ("width", name)
        got = self._memo.get(key)
        if got is None:
            offsets, _ = self.buffers(name)
            w = self.max_bytes(name)
            m = int(np.count_nonzero(self.nonblank(name)))
            got = self._memo[key] = w if int(offsets[-1] - offsets[0]) == m * w else -1
        return got  # type: ignore[return-value]

    def constant(self, name: str) -> bool:
        """True when every row holds the same non-blank value (a town's 都道府県 and 市区郡町村名 in
        every record of a batch): a per-value check is then judged on the first row alone."""
        key = ("const", name)
        got = self._memo.get(key)
        if got is None:
            w = self.one_width(name)
            got = False
            if w > 0 and self.n > 1 and int(np.count_nonzero(self.nonblank(name))) == self.n:
                offsets, data = self.buffers(name)
                rows = data[int(offsets[0]) : int(offsets[0]) + self.n * w].reshape(self.n, w)
                got = bool((rows == rows[0]).all())
            self._memo[key] = got
        return got  # type: ignore[return-value]

    def first_row(self, name: str) -> BatchContext:
        """A context of the column's first row only (for :meth:`constant` columns)."""
        key = ("first", name)
        got = self._memo.get(key)
        if got is None:
            col = self.col(name).slice(0, 1)
            got = self._memo[key] = BatchContext(pa.RecordBatch.from_arrays([col], names=[name]))
        return got  # type: ignore[return-value]

    def is_ascii(self, name: str) -> bool:
        """True when every character of the column is ASCII (then bytes are characters)."""
        return self.byte_range(name)[1] < 0x80

    def char_lengths(self, name: str) -> np.ndarray:
        """Characters (code points) per value, int64; byte lengths for an ASCII column."""
        key = ("chars", name)
        got = self._memo.get(key)
        if got is None:
            offsets, _ = self.buffers(name)
            got = np.diff(offsets) if self.is_ascii(name) else to_int64(pc.utf8_length(self.col(name)))
            self._memo[key] = got
        return got  # type: ignore[return-value]

    def ascii_digits(self, name: str) -> np.ndarray:
        """Non-blank values of ASCII digits only (Arrow's ``ascii_is_decimal``; blank → False)."""
        key = ("digits", name)
        m = self._memo.get(key)
        if m is None:
            lo, hi = self.byte_range(name)
            # only digit bytes in the column: every non-blank value is digits (no Arrow call)
            only_digits = lo >= 0x30 and hi <= 0x39
            m = self.nonblank(name) if only_digits else to_bool(pc.ascii_is_decimal(self.col(name)))
            self._memo[key] = m
        return m  # type: ignore[return-value]

    def equals(self, name: str, value: str) -> np.ndarray:
        key = ("eq", name, value)
        m = self._memo.get(key)
        if m is None:
            if _kernel is not None:  # one compiled pass: no Arrow boolean to unpack
                offsets, data = self.buffers(name)
                m = np.empty(self.n, dtype=bool)
                _kernel.equal_rows(self.n, offsets, data, value.encode(), m)
            else:
                m = to_bool(pc.equal(self.col(name), string_scalar(value)))
            self._memo[key] = m
        return m  # type: ignore[return-value]

    def memo(self, key: tuple[str, ...]) -> object | None:
        return self._memo.get(key)

    def remember(self, key: tuple[str, ...], value: object) -> None:
        self._memo[key] = value

    def records(self) -> np.ndarray:
        """The ``_record`` numbers (1-based); 1..n when the batch has none (library use)."""
        names = self.batch.schema.names
        if "_record" in names:
            col = self.batch.column(names.index("_record"))
            return to_int64(col)
        return np.arange(1, self.n + 1, dtype=np.int64)
