"""Append-only storage of 64-bit key codes with their record numbers, in bounded memory.

Cross-record checks see every record of a file (or of several files) once, in batches.
A :class:`CodeStore` keeps one ``uint64`` code per record in per-batch chunks (no growing
array, so no doubling copies) and, per batch, only the first record number when the batch's
``_record`` values are consecutive (the normal case) — the full numbers otherwise. At
10M records that is ~80 MB of codes plus a few hundred KB of segment data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Segment:
    """One appended batch: where it starts in the store, its file and its record numbers."""

    start: int
    size: int
    file: int  # index into CodeStore.files
    first_record: int  # when ``records`` is None: records are first_record, first_record+1, …
    records: np.ndarray | None = None


class CodeStore:
    """Codes of records in arrival order, chunked, with a position → (file, record) map."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self.chunks: list[np.ndarray] = []
        self.segments: list[Segment] = []
        self.size = 0

    def file_index(self, file: str) -> int:
        try:
            return self.files.index(file)
        except ValueError:
            self.files.append(file)
            return len(self.files) - 1

    def append(self, codes: np.ndarray, records: np.ndarray, file: str) -> None:
        """Add one batch's codes (uint64) with their 1-based record numbers."""
        n = int(codes.size)
        if n == 0:
            return
        recs = np.asarray(records, dtype=np.int64)
        consecutive = bool(recs[-1] - recs[0] == n - 1 and (n == 1 or (np.diff(recs) == 1).all()))
        self.segments.append(
            Segment(self.size, n, self.file_index(file), int(recs[0]), None if consecutive else recs.copy())
        )
        self.chunks.append(np.ascontiguousarray(codes, dtype=np.uint64))
        self.size += n

    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.chunks) + sum(
            s.records.nbytes for s in self.segments if s.records is not None
        )

    def iter_chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(start position, codes) per chunk, in arrival order."""
        for seg, chunk in zip(self.segments, self.chunks, strict=True):
            yield seg.start, chunk

    def positions_of(self, wanted: np.ndarray) -> np.ndarray:
        """Positions (sorted) of every code in ``wanted`` (a small sorted unique array)."""
        out = [start + np.flatnonzero(np.isin(chunk, wanted)) for start, chunk in self.iter_chunks()]
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def locate(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(file index, record number) of store positions."""
        starts = np.array([s.start for s in self.segments], dtype=np.int64)
        seg_idx = np.searchsorted(starts, positions, side="right") - 1
        files = np.empty(positions.size, dtype=np.int64)
        recs = np.empty(positions.size, dtype=np.int64)
        for k in np.unique(seg_idx):
            sel = seg_idx == k
            seg = self.segments[int(k)]
            files[sel] = seg.file
            off = positions[sel] - seg.start
            recs[sel] = seg.first_record + off if seg.records is None else seg.records[off]
        return files, recs

    def duplicated_codes(self, partitions: int = 16) -> np.ndarray:
        """Sorted unique codes that occur more than once.

        Works partition by partition (codes spread by a multiplicative mix of the code), so
        the extra memory is ~1/``partitions`` of the store rather than a full sorted copy.
        """
        found: list[np.ndarray] = []
        shift = np.uint64(64 - int(np.log2(partitions)))
        with np.errstate(over="ignore"):
            for p in range(partitions):
                parts = [c[(c * _MIX) >> shift == p] for c in self.chunks]
                if not parts:
                    continue
                codes = np.concatenate(parts)
                codes.sort()
                dup = codes[1:][codes[1:] == codes[:-1]]
                if dup.size:
                    found.append(np.unique(dup))
        return np.sort(np.concatenate(found)) if found else np.zeros(0, np.uint64)

    def drain_sorted(self) -> np.ndarray:
        """All codes sorted (duplicates kept), emptying the store as it copies.

        Chunks are released one by one while copying, so the peak is one array of codes,
        not two; the sort is in place.
        """
        out = np.empty(self.size, dtype=np.uint64)
        pos = 0
        self.chunks.reverse()
        while self.chunks:
            c = self.chunks.pop()
            out[pos : pos + c.size] = c
            pos += c.size
        self.segments.clear()
        self.size = 0
        out.sort()
        return out
