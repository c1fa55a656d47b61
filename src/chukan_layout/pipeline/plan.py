"""Partitions of a run: which bytes of which input file one worker reads.

A partition is a whole input file, or — for a big fixed-width file — a byte range that
starts and ends on record boundaries, so a worker can read it with the ordinary reader
and still number its records globally (``first_record``):

- ``fixed`` framing (no separators): boundaries at k × record length, always exact;
- ``lf`` / ``crlf`` framing with one record length: boundaries at k × (length + newline), on
  trust: each worker checks that the terminator of every line of its own range sits at
  k × stride − 1 (:class:`RangeFile` with ``lines``, as it reads — no pass over the file before
  the partitions start). The first range that holds a line of another length is read on to the
  end of the file as one partition (the ordinary reader rejects or reports that line, exactly
  as for the whole file) and the ranges after it are void (:mod:`._worker`, the parent);
- CSV: at newlines the quote parity proves to be record boundaries (:mod:`.csv_split`); a
  file whose quoting the scan cannot prove stays whole, and ``notes`` says why (``convert``
  hands the ranges out while the scan goes on: :mod:`._convert_plan`);
- RDW: at the record boundaries a walk of the RDW chain proves (:mod:`.rdw_split`); a file
  whose chain breaks stays whole, and ``notes`` says why;
- VB (blocked): at the block boundaries a walk of the BDW chain proves, the records of every
  block counted as the reader frames them (:mod:`.vb_split`); a file whose framing breaks stays
  whole, and ``notes`` says why;
- LF / CRLF lines of several record lengths: at line ends, which the reader frames them by
  (:mod:`.line_split`; a fixed-framing file needs one record length to be read at all).

The plan depends only on the files and ``partition_bytes`` — never on the number of
workers — so a run with 1 or N workers reads exactly the same partitions, and merging
their parts in partition order gives byte-identical outputs (docs/design.md §4.9, §4.10).
"""

from __future__ import annotations

import io
import itertools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UnevenLinesError
from ..readers.definition import CsvDefinition, FixedWidthDefinition, Framing, RecordRole
from .csv_split import csv_cuts
from .line_split import line_cuts
from .rdw_split import rdw_cuts
from .vb_split import vb_cuts

PARTITION_BYTES = 16 << 20  # a partition is ~16 MiB of input: enough to amortise, small enough to balance


@dataclass(frozen=True)
class Partition:
    """One unit of work: ``path[start:end]`` of an input of adapter source ``source``."""

    index: int  # position in the run: parts are merged in this order
    source: str
    path: str
    file: str  # file id (``_source``): the file name
    start: int = 0
    end: int | None = None  # exclusive; None = end of file
    first_record: int = 1  # global number of the partition's first record
    size: int = 0  # bytes of the partition (progress)
    header_values: dict[str, str] = field(default_factory=dict)  # header record of a split file
    columns: tuple[str, ...] | None = None  # a CSV range after the header row: the file's column names
    lines: int = 0  # a range of an LF/CRLF file cut at k × this stride on trust: the worker checks its lines
    clean: bool = False  # a CSV range the split scan proved the byte guard cannot trip on (left out)

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end is None

    def rest(self) -> Partition:
        """This range read on to the end of its file, its lines unchecked (after an uneven line)."""
        return replace(self, end=None, lines=0)


class RangeFile(io.RawIOBase):
    """A read-only binary view of ``path[start:end]`` (what a worker hands to the reader).

    ``lines=(stride, crlf)``: the range of an LF/CRLF file split on trust (see the module
    docstring). Every block read is checked: each whole stride of the range must end in LF
    (CR LF), else :class:`~chukan_layout.errors.UnevenLinesError` naming the first line out of
    place (a strided look at the bytes already read: no second pass, no copy).
    """

    def __init__(self, path: str | Path, start: int = 0, end: int | None = None,
                 lines: tuple[int, bool] | None = None) -> None:  # fmt: skip
        super().__init__()
        self._f = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._f.seek(start)
        self._start, self._end = start, end
        self._left = None if end is None else end - start
        self._path = Path(path)
        self._lines = lines
        self._checked_end = 0  # range offset up to which whole strides are checked (the rest: a tail)
        if lines is not None:
            span = (end if end is not None else os.fstat(self._f.fileno()).st_size) - start
            self._checked_end = span // lines[0] * lines[0]

    def readable(self) -> bool:
        return True

    # Seekable (offsets relative to ``start``): the CSV reader otherwise buffers a whole
    # unseekable input in memory (a 750 MB vendor CSV made the worker ~900 MiB bigger).
    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._f.tell() - self._start

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == io.SEEK_SET:
            target = self._start + pos
        elif whence == io.SEEK_CUR:
            target = self._f.tell() + pos
        else:
            end = self._end if self._end is not None else self._f.seek(0, io.SEEK_END)
            target = end + pos
        if target < self._start:
            raise ValueError("negative seek position")
        if self._end is not None:
            target = min(target, self._end)
        self._f.seek(target)
        self._left = None if self._end is None else self._end - target
        return target - self._start

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        if size is None or size < 0:
            size = self._left if self._left is not None else -1
        elif self._left is not None:
            size = min(size, self._left)
        at = self._f.tell() - self._start if self._lines is not None else 0
        data = self._f.read(size)
        if self._left is not None:
            self._left -= len(data)
        if self._lines is not None and data:
            self._check_lines(data, at)
        return data

    def _check_lines(self, data: bytes, at: int) -> None:
        """The terminators of the whole strides of the range inside ``data`` (read at range offset ``at``)."""
        assert self._lines is not None
        stride, crlf = self._lines
        stop = min(len(data), self._checked_end - at)
        if stop <= 0:
            return
        arr = np.frombuffer(data, np.uint8, count=stop)
        bad = np.flatnonzero(arr[(stride - 1 - at) % stride :: stride] != 0x0A)
        first = (at + (stride - 1 - at) % stride + int(bad[0]) * stride) // stride if bad.size else None
        if crlf:
            bad = np.flatnonzero(arr[(stride - 2 - at) % stride :: stride] != 0x0D)
            if bad.size:
                k = (at + (stride - 2 - at) % stride + int(bad[0]) * stride) // stride
                first = k if first is None else min(first, k)
        if first is not None:
            raise UnevenLinesError(
                f"the line at byte offset {self._start + first * stride} is not {stride} bytes "
                f"with its {'CR LF' if crlf else 'LF'}: the rest of the file is read as one partition",
                self._path.name, None, self._start + first * stride,
            )  # fmt: skip

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._f.close()
        super().close()


def stride_of(d: FixedWidthDefinition) -> int | None:
    """Bytes per physical record when every record of the definition has one length, else None."""
    lengths = {rt.record_length for rt in d.record_types}
    if len(lengths) != 1:
        return None
    n = lengths.pop()
    return {Framing.FIXED: n, Framing.LF: n + 1, Framing.CRLF: n + 2}.get(d.framing)


def walked(d: FixedWidthDefinition) -> bool:
    """Whether a fixed-width file's record boundaries are found by a pass over it (RDW, VB, or
    lines of several record lengths) rather than computed (one record length)."""
    return d.framing in (Framing.RDW, Framing.VB) or (
        d.framing in (Framing.LF, Framing.CRLF) and stride_of(d) is None
    )


def split_points(path: str | Path, d: Any, size: int, partition_bytes: int) -> tuple[int, list[int]] | None:
    """(stride, byte boundaries) to split a fixed-width file at, or None to keep it whole.

    The boundaries of an LF/CRLF file hold only if every line has one length: its workers
    check that on their own ranges (``Partition.lines``)."""
    if not isinstance(d, FixedWidthDefinition) or size <= partition_bytes:
        return None
    stride = stride_of(d)
    if stride is None:
        return None
    per = max(1, partition_bytes // stride)
    cuts = list(range(per * stride, size, per * stride))
    if cuts and size - cuts[-1] < stride:  # never leave a partition shorter than a record
        cuts.pop()
    return (stride, cuts) if cuts else None


def has_header(d: Any) -> bool:
    return isinstance(d, FixedWidthDefinition) and any(rt.role is RecordRole.HEADER for rt in d.record_types)


def plan(
    files: list[tuple[str, Path, Any]], *, partition_bytes: int = PARTITION_BYTES, split: bool = True,
    header_of: Any = None, columns_of: Any = None, encoding: str | None = None,
    notes: dict[str, str] | None = None,
) -> list[Partition]:  # fmt: skip
    """Partitions of ``[(source id, path, definition), …]`` in run order.

    ``header_of(source, path)`` returns the header record's values of a file that is split
    (the workers of later partitions need them for ``header.FIELD`` mappings);
    ``columns_of(source, path)`` the column names of a CSV file with a header row that is
    split. ``notes`` (file name → text) receives how each big file was partitioned.
    """
    out: list[Partition] = []
    for source, path, d in files:
        size = Path(path).stat().st_size
        if isinstance(d, CsvDefinition) and split:
            out += _csv_partitions(len(out), source, Path(path), d, size, partition_bytes, columns_of, encoding,
                                   notes)  # fmt: skip
            continue
        if isinstance(d, FixedWidthDefinition) and walked(d) and split:
            out += _rdw_partitions(len(out), source, Path(path), d, size, partition_bytes, header_of, notes)
            continue
        sp = split_points(path, d, size, partition_bytes) if split else None
        if sp is None:
            out.append(Partition(len(out), source, str(path), Path(path).name, size=size))
            continue
        stride, cuts = sp
        header = header_of(source, path) if header_of is not None and has_header(d) else {}
        lines = stride if d.framing in (Framing.LF, Framing.CRLF) else 0
        bounds = [0, *cuts, size]
        for lo, hi in itertools.pairwise(bounds):
            out.append(Partition(len(out), source, str(path), Path(path).name, lo, None if hi == size else hi,
                                 lo // stride + 1, hi - lo, header, lines=lines))  # fmt: skip
    return out


def _csv_partitions(first: int, source: str, path: Path, d: CsvDefinition, size: int, partition_bytes: int,
                    columns_of: Any, encoding: str | None, notes: dict[str, str] | None) -> list[Partition]:  # fmt: skip
    """A CSV file as byte ranges at proven record boundaries, or whole (with the reason in ``notes``)."""
    cuts, why = csv_cuts(path, d, partition_bytes, encoding)
    if not cuts:
        if why is not None and notes is not None:
            notes[path.name] = f"one partition: {why}"
        return [Partition(first, source, str(path), path.name, size=size)]
    columns = tuple(columns_of(source, path)) if d.header and columns_of is not None else None
    if d.header and columns is None:
        if notes is not None:
            notes[path.name] = "one partition: the header row's column names are unknown"
        return [Partition(first, source, str(path), path.name, size=size)]
    if notes is not None:
        notes[path.name] = f"{len(cuts) + 1} byte ranges at record boundaries (quote parity proven)"
    bounds = [(0, 1), *((c.offset, c.records + 1) for c in cuts), (size, 0)]
    out = []
    for k, ((lo, rec), (hi, _)) in enumerate(itertools.pairwise(bounds)):
        out.append(Partition(first + k, source, str(path), path.name, lo, None if hi == size else hi, rec, hi - lo,
                             columns=None if k == 0 else (columns or None)))  # fmt: skip
    return out


def _rdw_partitions(first: int, source: str, path: Path, d: FixedWidthDefinition, size: int, partition_bytes: int,
                    header_of: Any, notes: dict[str, str] | None) -> list[Partition]:  # fmt: skip
    """An RDW / VB file as byte ranges at the record / block boundaries its chain proves, or whole
    (the reason in ``notes``); an LF / CRLF file of several record lengths at its line ends."""
    if d.framing in (Framing.LF, Framing.CRLF):
        cuts, why = line_cuts(path, partition_bytes), None
        how = "record boundaries (line ends; the record types differ in length)"
    elif d.framing is Framing.VB:
        cuts, why = vb_cuts(path, partition_bytes)
        how = "block boundaries (BDW and RDW chains walked)"
    else:
        cuts, why = rdw_cuts(path, partition_bytes)
        how = "record boundaries (RDW chain walked)"
    if not cuts:
        if why is not None and notes is not None:
            notes[path.name] = why
        return [Partition(first, source, str(path), path.name, size=size)]
    if notes is not None:
        notes[path.name] = f"{len(cuts) + 1} byte ranges at {how}"
    header = header_of(source, path) if header_of is not None and has_header(d) else {}
    bounds = [(0, 0), *((c.offset, c.records) for c in cuts), (size, 0)]
    return [Partition(first + k, source, str(path), path.name, lo, None if hi == size else hi, rec + 1, hi - lo, header)
            for k, ((lo, rec), (hi, _)) in enumerate(itertools.pairwise(bounds))]  # fmt: skip
