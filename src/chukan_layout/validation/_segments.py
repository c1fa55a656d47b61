"""Where a :class:`~.store.CodeStore`'s positions come from: segments of (file, record numbers).

A store numbers its codes by arrival (positions ``0 … size − 1``); a :class:`Segment` maps the
positions of one appended batch back to its file and record numbers — a run of consecutive
numbers (a start only), a few runs when read rejects left gaps, all the numbers only when they
are scattered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Segment:
    """One appended batch: where it starts in the store, its file and its record numbers."""

    start: int
    size: int
    file: int  # index into CodeStore.files
    first_record: int  # when ``records`` and ``runs`` are None: records are first_record, first_record+1, …
    records: np.ndarray | None = None  # scattered record numbers
    runs: np.ndarray | None = None  # (k, 2): offset in the segment where a run starts, its first record

    def record_at(self, off: np.ndarray) -> np.ndarray:
        """Record numbers at offsets ``off`` (0-based, within the segment)."""
        if self.records is not None:
            return self.records[off]
        if self.runs is None:
            return self.first_record + off
        k = np.searchsorted(self.runs[:, 0], off, side="right") - 1
        return self.runs[k, 1] + (off - self.runs[k, 0])

    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.records, self.runs) if a is not None)


def segment_of(start: int, n: int, file: int, recs: np.ndarray) -> Segment:
    """A segment for records ``recs`` (runs when they are mostly consecutive)."""
    if n == 1 or (recs[-1] - recs[0] == n - 1 and (np.diff(recs) == 1).all()):
        return Segment(start, n, file, int(recs[0]))
    breaks = np.flatnonzero(np.diff(recs) != 1) + 1
    if breaks.size * 4 > n:  # scattered: keep them all
        return Segment(start, n, file, int(recs[0]), recs.copy())
    at = np.concatenate([[0], breaks]).astype(np.int64)
    return Segment(start, n, file, int(recs[0]), None, np.stack([at, recs[at]], axis=1))
