"""The parent's side of a convert run's partitions: the results merged in partition order as they
come in (:class:`OrderedMerge`), and where the workers place their rows in the outputs
(:func:`run_placement`, :func:`place_after`)."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..adapt.loader import Adapter
from ._convert_plan import ConvertPlan
from ._merge import RunMerger
from ._place import Ledger, Placement
from ._result import FileAccounting
from ._worker_state import PartResult, WorkerState
from .options import Progress


class OrderedMerge:
    """The partitions' results into the run's merger, in partition order: a result waits (held)
    until its file's scan has ended; a void partition's, or one after a partition that read on to
    the end of its file, is dropped (:func:`drop`). With a ``placement``, each merge publishes where
    the next partition's rows go; ``progress`` hears about each partition's bytes."""

    def __init__(self, partitions: ConvertPlan, merger: RunMerger, accounts: dict[str, FileAccounting],
                 aliases: Mapping[str, str], placement: Placement | None, progress: Progress | None) -> None:  # fmt: skip
        self.partitions = partitions
        self.merger = merger
        self.accounts = accounts  # the data files' accounting is added as their first result comes
        self.aliases = aliases
        self.placement = placement
        self.progress = progress
        # files a partition read on to the end (uneven lines): later ranges void
        self.rest_read: set[str] = set()
        self.held: deque[PartResult] = deque()  # in order, waiting for their file's scan to end

    def take(self, results: Iterable[PartResult]) -> None:
        """Merge ``results`` (in partition order) as they come, as far as their files' scans allow;
        the plan's scan stops when they end (or fail)."""
        partitions, held = self.partitions, self.held
        try:
            for res in results:
                held.append(res)
                while held and partitions.settled(partitions.part(held[0].index).path):
                    self.merge(held.popleft())
                if held and self.placement is not None:
                    place_after(held, self.placement, partitions, self.ends())
        finally:
            partitions.stop()

    def drain(self) -> None:
        """Merge the results still held, once :meth:`take` is done."""
        for res in self.held:  # every scan is over once the last part was handed out
            self.merge(res)

    def merge(self, res: PartResult) -> None:
        part = self.partitions.part(res.index)
        if part.path in self.rest_read or self.partitions.is_void(res.index):
            drop(res)
        else:
            if res.rest_of_file:
                self.rest_read.add(part.path)
            acc = self.accounts.get(part.file)
            if acc is None:
                acc = self.accounts[part.file] = FileAccounting(part.file, self.aliases.get(part.path, part.path),
                                                                part.source, "data")  # fmt: skip
            self.merger.add(part, res, acc)
        if self.placement is not None:  # the next partition's rows may go into the outputs now
            self.placement.ledger.publish(res.index + 1, self.ends())
        if self.progress is not None:
            self.progress(part.size)

    def ends(self) -> dict[str, int]:
        """Where each placed output ends now."""
        assert self.placement is not None
        return {k: self.merger.sink(k).end() for k in self.placement.outputs}


def run_placement(
    ad: Adapter, merger: RunMerger, state: WorkerState | None, executor: str
) -> Placement | None:
    """The process executor's workers (and this process, with one worker) write their rows
    straight into the outputs where the parts before them end (:mod:`._place`): no part to copy.
    Set on ``state`` before the pool forks (the workers inherit the ledger); None with Dask."""
    if state is None or executor == "dask" or not hasattr(os, "pwrite"):
        return None
    kinds = list(dict.fromkeys(t.layout.id for t in ad.targets))
    placement = Placement(Ledger(kinds), {k: str(merger.sink(k).temp_path) for k in kinds})
    state.placement = placement  # before the pool forks: the workers inherit the ledger
    placement.ledger.publish(0, {k: merger.sink(k).end() for k in kinds})
    return placement


def place_after(
    held: deque[PartResult], placement: Placement, partitions: ConvertPlan, ends: dict[str, int]
) -> None:
    """While a CSV file's scan goes on, its results wait (a later byte the scan cannot prove voids
    them), and so would the rows of the partitions after them: publish where the next range's rows
    go if the held ones are merged. Wrong only if the file turns out unprovable — then that range is
    void too, and the whole-file partition that follows (never published here) gets its offset
    once every void result is in (:mod:`._place`)."""
    nxt = partitions.parts_get(held[-1].index + 1)
    if nxt is None or nxt.whole or nxt.path != partitions.part(held[-1].index).path:
        return
    for res in held:
        for k, (_, size) in res.placed.items():
            ends[k] += size
        for k, p in res.parts.items():
            ends[k] += os.path.getsize(p)
    placement.ledger.publish(nxt.index, ends)


def drop(res: PartResult) -> None:
    """Remove the part files of a void partition (its range was read by an earlier one)."""
    for q in (*res.parts.values(), res.rejects_part, res.gaiji_part, res.codes_part):
        if q:
            Path(q).unlink(missing_ok=True)
