"""Partitioned, spill-to-disk storage of 128-bit key codes: cross-record checks in bounded memory.

Cross-record checks see every record once, in batches. A :class:`CodeStore` files each
record's key code (:data:`~.hashing.CODE`: ``hi``, ``lo``) together with its position (arrival order) into one of
``partitions`` buckets chosen by a multiplicative mix of the code — the same bucket for the
same code in every store, so duplicate detection and reference probing work one bucket at a
time (a Grace hash join). Buckets are buffered in memory up to ``memory_budget`` bytes, then
appended to one file per bucket in a private temporary folder (gathering writes:
:mod:`._spill_writes`).

At finish a bucket must fit in memory, and 16 buckets of a fixed count grow with the input
(1/16 of 6M codes is 9 MB, ×3 with the sort's copies). :meth:`CodeStore.refine` therefore
re-buckets a store by more bits of the same mix — bucket ``p`` of ``b`` bits splits into
buckets ``p·2^k … (p+1)·2^k − 1`` of ``b + k`` bits, streamed a chunk at a time — until its
largest bucket holds at most ``finish_bytes`` (:data:`FINISH_BYTES`). Peak memory is the
budget during the run and one such bucket (plus a chunk) at finish, whatever the number of
records. The one exception: many records sharing *one* code (a key repeated throughout a
file) stay in one bucket, since no bit of the code separates them.

Positions map back to (file, record) through segments (:mod:`._segments`): the runs of
consecutive record numbers of a batch (one run normally; a few when read rejects left gaps),
all the numbers only when they are scattered. A batch that continues the previous one's run extends its
segment, so a file read in order is one segment, however many batches it has.

The stores of one run share one memory budget (:func:`share_budget`): 17 stores of 8 MiB each
made the parent grow by ~300 MiB at 1M residents before anything spilled. The budget is 16 MiB:
a budget the 1M-resident runs do not fill lets the parent grow up to it with N (32 MiB: the
住民 key store of validate held 27 MiB at 1M, 32 at 5M), and buffered codes are only deferred
writes.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ._segments import Segment, segment_of
from ._spill_writes import append_buffers
from .hashing import CODE

_MIX = np.uint64(0x9E3779B97F4A7C15)
PAIR = np.dtype([("hi", "<u8"), ("lo", "<u8"), ("pos", "<i8")])
# the largest bucket loaded at finish (its sort needs ~3× that): 175k codes
FINISH_BYTES = 4 << 20
CHUNK_PAIRS = 1 << 16  # pairs read at a time when a bucket is split or streamed
MAX_BITS = 16  # 65,536 buckets of 4 MB: 256 GB of codes (a bigger bucket is one code repeated)


def share_budget(stores: list[CodeStore], total: int = 16 << 20) -> None:
    """Give the stores of one run one memory budget (``total`` bytes, split evenly)."""
    if stores:
        per = max(1 << 20, total // len(stores))
        for st in stores:
            st.memory_budget = per


def partition_of(codes: np.ndarray, bits: int) -> np.ndarray:
    """Bucket of each code (``hi`` / ``lo`` fields; top ``bits`` of a multiplicative mix: spreads
    exact digit codes too)."""
    with np.errstate(over="ignore"):
        return ((((codes["hi"] * _MIX) ^ codes["lo"]) * _MIX) >> np.uint64(64 - bits)).astype(np.int64)


class CodeStore:
    """Codes of records, bucketed by code, buffered in memory and spilled to disk past a budget."""

    def __init__(
        self, partitions: int = 16, memory_budget: int = 8 << 20, spill_dir: str | Path | None = None
    ):
        if partitions & (partitions - 1) or partitions < 1:
            raise ValueError("partitions must be a power of two")
        self.bits = int(partitions).bit_length() - 1
        self.partitions = partitions
        self.memory_budget = memory_budget
        self.spill_dir = spill_dir
        self.files: list[str] = []
        self.segments: list[Segment] = []
        self.size = 0
        self._buffers: list[list[np.ndarray]] = [[] for _ in range(partitions)]
        self._buffered = 0
        self._dir: Path | None = None
        self._spilled = [0] * partitions  # pairs on disk per bucket
        self._finalizer: weakref.finalize | None = None
        self._starts: np.ndarray | None = None  # segment starts (locate), rebuilt after appends
        self.finish_bytes = FINISH_BYTES
        # per bucket: every code so far arrived greater than the one before it (a file in key
        # order), and the last code: a duplicate check folded in as the codes arrive (rising).
        # Kept only where a finish looks for duplicates (KeyIndex sets it): ~25 µs per batch
        self.track_rising = False
        self._rising = np.ones(partitions, dtype=bool)
        self._last = np.zeros(partitions, dtype=CODE)
        self._seen = np.zeros(partitions, dtype=bool)

    # -- adding ------------------------------------------------------------------------
    def file_index(self, file: str) -> int:
        try:
            return self.files.index(file)
        except ValueError:
            self.files.append(file)
            return len(self.files) - 1

    def append(self, codes: np.ndarray, records: np.ndarray, file: str) -> None:
        """Add one batch's codes (:data:`~.hashing.CODE`) with their 1-based record numbers."""
        n = int(codes.size)
        if n == 0:
            return
        recs = np.asarray(records, dtype=np.int64)
        self._starts = None
        seg = segment_of(self.size, n, self.file_index(file), recs)
        last = self.segments[-1] if self.segments else None
        if (last is not None and seg.runs is None and seg.records is None and last.runs is None
                and last.records is None and last.file == seg.file
                and last.first_record + last.size == seg.first_record):  # fmt: skip
            # the next batch of the same run of records: one segment grows (nothing per batch)
            seg = Segment(last.start, last.size + n, last.file, last.first_record)
            self.segments[-1] = seg
        else:
            self.segments.append(seg)
        part = partition_of(codes, self.bits)
        # buckets < 2**MAX_BITS: sorted as uint16, numpy's stable sort is a radix sort (≈ 2–10× less
        # CPU than on int64 for a batch's 5,000–65,536 codes; the same order). The pairs are built
        # in bucket order at once, each bucket a slice of them (no second gather of 24-byte pairs)
        order = np.argsort(part.astype(np.uint16), kind="stable")
        pairs = np.empty(n, dtype=PAIR)
        pairs["hi"] = codes["hi"][order]
        pairs["lo"] = codes["lo"][order]
        pairs["pos"] = order + self.size
        self.size += n
        bounds = np.zeros(self.partitions + 1, dtype=np.int64)
        np.cumsum(np.bincount(part, minlength=self.partitions), out=bounds[1:])
        if self.track_rising:
            self._fold_rising(pairs, bounds)
        for p in range(self.partitions):
            lo, hi = bounds[p], bounds[p + 1]
            if hi > lo:
                self._buffers[p].append(pairs[lo:hi])
        self._buffered += pairs.nbytes
        if self._buffered > self.memory_budget:
            self._spill()

    def _fold_rising(self, pairs: np.ndarray, bounds: np.ndarray) -> None:
        """Keep :meth:`rising` up to date with one batch's pairs (in bucket order, buckets
        ``bounds[p]:bounds[p + 1]``): the compares :func:`~._code_sets.duplicate_pairs` would make at finish,
        made while the run goes on, so a finish need not read a bucket that cannot repeat."""
        hi, lo = pairs["hi"], pairs["lo"]
        up = np.greater(hi[1:], hi[:-1]) | (np.equal(hi[1:], hi[:-1]) & np.greater(lo[1:], lo[:-1]))
        starts = bounds[1:-1]
        up[starts[(starts > 0) & (starts < hi.size)] - 1] = True  # pair i + 1 starts a bucket: no fall
        if not up.all():  # pair i + 1 not above pair i, in one bucket
            self._rising[np.searchsorted(bounds, np.flatnonzero(~up), side="right") - 1] = False
        present = np.flatnonzero(bounds[1:] > bounds[:-1])
        first, last = bounds[present], bounds[present + 1] - 1
        prev = self._last[present]
        above = (hi[first] > prev["hi"]) | ((hi[first] == prev["hi"]) & (lo[first] > prev["lo"]))
        self._rising[present] &= above | ~self._seen[present]
        self._last["hi"][present], self._last["lo"][present] = hi[last], lo[last]
        self._seen[present] = True

    def rising(self, p: int) -> bool:
        """Every code of bucket ``p`` arrived greater than the one before it: no code repeats
        (always False unless ``track_rising`` was set before the first code came)."""
        return bool(self.track_rising and self._rising[p])

    def _folder(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="chukan-codes-", dir=self.spill_dir))
            self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._dir), True)
        return self._dir

    def _path(self, p: int, bits: int | None = None) -> Path:
        """The spill file of bucket ``p`` (named by the bucket bits too: refining writes new files)."""
        return self._folder() / f"{self.bits if bits is None else bits}.{p}.bin"

    def _spill(self) -> None:
        folder = str(self._folder())
        for p, bufs in enumerate(self._buffers):
            if bufs:
                append_buffers(f"{folder}/{self.bits}.{p}.bin", bufs)  # one gathering write a bucket
                self._spilled[p] += sum(b.size for b in bufs)
                bufs.clear()
        self._buffered = 0

    # -- bounded finish ------------------------------------------------------------------
    def bucket_pairs(self, p: int) -> int:
        """Pairs in bucket ``p`` (on disk and buffered)."""
        return self._spilled[p] + sum(b.size for b in self._buffers[p])

    def bits_for(self, limit: int | None = None) -> int:
        """Bucket bits at which the largest bucket would hold at most ``limit`` bytes
        (``finish_bytes`` by default; the mix spreads the codes of a bucket evenly)."""
        limit = self.finish_bytes if limit is None else limit
        biggest = max((self.bucket_pairs(p) for p in range(self.partitions)), default=0) * PAIR.itemsize
        bits = self.bits
        while biggest > max(limit, PAIR.itemsize) << (bits - self.bits) and bits < MAX_BITS:
            bits += 1
        return bits

    def refine(self, bits: int | None = None) -> None:
        """Re-bucket the store into ``2**bits`` buckets (default :meth:`bits_for`), one chunk
        in memory at a time; everything ends on disk. The fine buckets of a bucket keep its
        pairs in arrival order. Two stores refined to the same bits still pair bucket by bucket."""
        bits = self.bits_for() if bits is None else bits
        if bits <= self.bits:
            return
        spilled = [0] * (1 << bits)
        for p in range(self.partitions):
            if not self.bucket_pairs(p):
                continue
            for chunk in self.chunks(p):
                q = partition_of(chunk, bits)
                order = np.argsort(q, kind="stable")
                sub, at = np.unique(q[order], return_index=True)  # the fine buckets present
                for k, lo, hi in zip(sub.tolist(), at.tolist(), [*at[1:].tolist(), q.size], strict=True):
                    with open(self._path(k, bits), "ab") as f:
                        f.write(chunk[order[lo:hi]].tobytes())
                    spilled[k] += hi - lo
            if self._spilled[p]:
                self._path(p).unlink()
            self._buffers[p] = []
        # a fine bucket holds its coarse bucket's pairs in arrival order: rising if that one was;
        # the coarse bucket's last code bounds the codes appended later (from above: a fall may be
        # seen where there is none, and the finish then checks that bucket, as without the fold)
        coarse = np.arange(1 << bits) >> (bits - self.bits)
        self._rising, self._seen, self._last = self._rising[coarse], self._seen[coarse], self._last[coarse]
        self.bits, self.partitions, self._spilled = bits, 1 << bits, spilled
        self._buffers = [[] for _ in range(self.partitions)]
        self._buffered = 0

    def chunks(self, p: int, rows: int = CHUNK_PAIRS) -> Iterator[np.ndarray]:
        """The pairs of bucket ``p`` in arrival order, at most ``rows`` at a time."""
        if self._spilled[p]:
            with open(self._path(p), "rb") as f:
                while (a := np.fromfile(f, dtype=PAIR, count=rows)).size:
                    yield a
        for b in list(self._buffers[p]):
            for lo in range(0, b.size, rows):
                yield b[lo : lo + rows]

    # -- reading -----------------------------------------------------------------------
    def nbytes(self) -> int:
        """Bytes held in memory (buffers and segment record arrays)."""
        return self._buffered + sum(s.nbytes() for s in self.segments)

    def disk_bytes(self) -> int:
        return sum(self._spilled) * PAIR.itemsize

    def partition(self, p: int) -> np.ndarray:
        """All (code, pos) pairs of bucket ``p``: from disk and from the in-memory buffer."""
        parts: list[np.ndarray] = []
        if self._spilled[p]:
            parts.append(np.fromfile(self._path(p), dtype=PAIR))
        parts.extend(self._buffers[p])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=PAIR)

    def iter_partitions(self, *, may_repeat: bool = False) -> Iterator[tuple[int, np.ndarray]]:
        """Every bucket's pairs; with ``may_repeat``, only those of buckets that are not
        :meth:`rising` (the others hold no code twice: the duplicate check need not read them)."""
        for p in range(self.partitions):
            if not (may_repeat and self.rising(p)):
                yield p, self.partition(p)

    def locate(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(file index, record number) of store positions."""
        positions = np.asarray(positions, dtype=np.int64)
        if self._starts is None:
            self._starts = np.array([s.start for s in self.segments], dtype=np.int64)
        seg_idx = np.searchsorted(self._starts, positions, side="right") - 1
        files = np.empty(positions.size, dtype=np.int64)
        recs = np.empty(positions.size, dtype=np.int64)
        for k in np.unique(seg_idx).tolist():
            sel = seg_idx == k
            seg = self.segments[k]
            files[sel] = seg.file
            recs[sel] = seg.record_at(positions[sel] - seg.start)
        return files, recs

    def close(self) -> None:
        """Remove spilled files (also done automatically when the store is garbage collected)."""
        if self._finalizer is not None:
            self._finalizer()
        self._buffers = [[] for _ in range(self.partitions)]
        self._buffered = 0
