"""A partition's standard CSV rows written straight into their output by the worker that made them.

Without it every byte of a run's standard CSV output is written twice: by a worker into its part
file, then by the parent, a kernel copy of that part into the output (``Concat.add``) — for the
1M-resident vendor B run ≈ 0.45 s of the parent's CPU in ``copy_file_range`` and 0.08 s freeing
the parts' pages, beside the SHA-256 the parent needs anyway (issue 15). The bytes of partition
``k`` start where partition ``k − 1``'s end, known once the parent has merged ``k − 1``:

- the parent publishes that offset in a :class:`Ledger` (a shared anonymous mapping, made before
  the pool forks) right after it merged (or dropped) partition ``k − 1``;
- the worker of partition ``k`` holds its rows in memory (:class:`PlacedFile`) until the ledger
  has its offset, then writes them there (``pwrite`` into the output's temporary file, which it
  opens by path and never creates) and every later row at once; held past :data:`HOLD` bytes
  without an offset, or still unplaced when the partition ends, they go to the part file as
  before (the parent copies those);
- the parent hashes a placed part from the output itself, in partition order as before
  (:meth:`~._concat.Concat.add_placed`).

So the output is byte for byte what the copies made: merged parts tile it from the header on,
each written whole before its result reaches the parent. A void partition (its range read by an
earlier one) may have written where the next merged part goes: that part is written there only
after the void one's result came in (its offset is published after it), and bytes past the
output's end are cut off at the commit. A run with one worker runs its partitions in the parent
after each merge: every offset is known at the first row (nothing held). Spawned and Dask workers
do not place (no ledger): part files as before.
"""

from __future__ import annotations

import mmap
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..write.standard_csv import StandardCsvWriter

# rows of a partition held in a worker while the partition before it is still being converted;
# past this, they go to the part file (a vendor B 住民 partition of 16 MiB makes ≈ 21 MiB of rows)
HOLD = 32 << 20

# how long a partition's rows wait at its end for their offset before going to the part file: the
# 1M vendor B run's partitions found it after 8–65 ms (5 of 7), 130–150 ms (2)
WAIT = 0.06

_SLOTS = 1024  # partitions in flight at once are ≤ 2 × workers: a ring is plenty
_OFFSET_BITS = 40  # an output up to 1 TiB; past it nothing is published (part files as before)
_INDEX_MASK = (1 << (63 - _OFFSET_BITS)) - 1


class Ledger:
    """Where partition ``k``'s rows start in each output (by kind: a layout id), published by the
    parent in partition order, read by forked workers (a ``MAP_SHARED`` anonymous mapping made
    before the fork). Each entry is one 64-bit word — index and offset together — so a reader
    never sees an offset paired with another partition's index."""

    def __init__(self, kinds: Sequence[str]) -> None:
        self.kinds = {k: i for i, k in enumerate(kinds)}
        self._mm = mmap.mmap(-1, max(1, len(kinds)) * _SLOTS * 8)
        self._words = np.frombuffer(self._mm, np.int64).reshape(max(1, len(kinds)), _SLOTS)
        self._words[...] = -1

    def publish(self, index: int, offsets: Mapping[str, int]) -> None:
        """Partition ``index``'s rows of each kind start at ``offsets[kind]``."""
        for kind, off in offsets.items():
            if off < (1 << _OFFSET_BITS):
                self._words[self.kinds[kind], index % _SLOTS] = ((index & _INDEX_MASK) << _OFFSET_BITS) | off

    def start(self, kind: str, index: int) -> int | None:
        """The offset of partition ``index``'s rows of ``kind``, or None while unknown."""
        k = self.kinds.get(kind)
        if k is None:
            return None
        word = int(self._words[k, index % _SLOTS])
        if word < 0 or word >> _OFFSET_BITS != index & _INDEX_MASK:
            return None
        return word & ((1 << _OFFSET_BITS) - 1)


@dataclass(frozen=True)
class Placement:
    """The run's ledger and, per layout id, the temporary file of its output (workers write there)."""

    ledger: Ledger
    outputs: Mapping[str, str]
    hold: int | None = None  # None: HOLD


class PlacedFile:
    """One partition's rows of one output: written into the output at the ledger's offset once known,
    held until then, or to the part file ``part`` (see the module docstring). Stands in for the
    :class:`~chukan_layout.files.AtomicFile` of a part: ``open`` / ``close`` / ``abort``, and it is
    its own writer (``write``)."""

    def __init__(self, placement: Placement, kind: str, index: int, part: str | Path) -> None:
        self.placement, self.kind, self.index, self.part = placement, kind, index, Path(part)
        self.bytes_written = 0
        self.offset: int | None = None  # where the rows went in the output, once placed
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._fd = -1  # the output, once placed
        self._spill: Any = None  # the part file, once the rows go there
        self._open = False

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def spilled(self) -> bool:
        """The rows are in the part file (not placed)."""
        return self._spill is not None

    def open(self) -> PlacedFile:
        self._open = True
        self._place()
        return self

    def write(self, data: Any) -> int:
        n = memoryview(data).nbytes
        if self._fd >= 0:
            _pwrite_all(self._fd, data, self.offset + self.bytes_written)  # type: ignore[operator]
        elif self._spill is not None:
            self._spill.write(data)
        else:
            self._held.append(data if isinstance(data, bytes) else bytes(data))
            self._held_bytes += n
            hold = self.placement.hold if self.placement.hold is not None else HOLD
            if not self._place() and self._held_bytes >= hold:
                self._to_part()
        self.bytes_written += n
        return n

    def _place(self) -> bool:
        """Write what is held at the ledger's offset, if it is known now (the output stays open)."""
        off = self.placement.ledger.start(self.kind, self.index)
        if off is None:
            return False
        try:  # the parent's temporary file; never created here (an abandoned run removed it)
            fd = os.open(self.placement.outputs[self.kind], os.O_WRONLY)
        except OSError:
            self._to_part()
            return False
        self._fd, self.offset = fd, off
        pos = off
        for chunk in self._held:
            _pwrite_all(fd, chunk, pos)
            pos += len(chunk)
        self._held, self._held_bytes = [], 0
        return True

    def _wait_place(self) -> bool:
        """:meth:`_place`, waiting up to :data:`WAIT` seconds for the offset: mostly the parent is
        merging the partition before (its worker finished a moment earlier) and the core this one
        leaves it is what it needs; writing the rows to the part file instead costs ≈ 40 ms here
        and a copy in the parent."""
        deadline = time.monotonic() + WAIT
        while not self._place():
            if self._spill is not None or time.monotonic() >= deadline:
                return False
            time.sleep(0.001)
        return True

    def _to_part(self) -> None:
        self._spill = open(self.part, "wb")  # noqa: SIM115 - closed by close()/abort()
        for chunk in self._held:
            self._spill.write(chunk)
        self._held, self._held_bytes = [], 0

    def close(self) -> None:
        """The partition's rows are complete: placed (``offset``), or in the part file (``spilled``)."""
        if self._fd < 0 and self._spill is None and self.bytes_written and not self._wait_place():
            self._to_part()
        self._release()

    def abort(self) -> None:
        """Stop; a part file is removed (bytes placed stay: the next merged part overwrites them)."""
        spilled = self._spill is not None
        self._release()
        self._held = []
        if spilled:
            self.part.unlink(missing_ok=True)

    def _release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._spill is not None:
            self._spill.close()
        self._open = False


def _pwrite_all(fd: int, data: Any, offset: int) -> None:
    view = memoryview(data).cast("B")
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


class PlacedCsvWriter(StandardCsvWriter):
    """A worker's standard CSV writer for one partition's rows of one layout, into a :class:`PlacedFile`."""

    def __init__(self, placed: PlacedFile, layout: Any, *, encoding: str) -> None:
        super().__init__(placed.part, layout, encoding=encoding, header="none", durable=False)
        self.placed = placed
        self._file = placed  # type: ignore[assignment]

    def where(self) -> tuple[int, int] | None:
        """(offset, size) of the rows placed in the output, or None: they are in the part file."""
        if self.placed.spilled:
            return None
        return (self.placed.offset if self.placed.offset is not None else -1), self.placed.bytes_written
