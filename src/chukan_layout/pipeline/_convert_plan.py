"""The partitions of a ``convert`` run, the ranges of big CSV files handed out while their scan runs.

Fixed-width, RDW and small files are planned at once (:func:`.plan.plan`: no scan); a big CSV
file is cut where :class:`~.csv_split.CsvScanner` proves record boundaries, each range handed
out as soon as its end is proven, with whether the byte guard may be left out on it
(``Partition.clean``). The same partitions, in the same order, as :func:`.plan.plan` makes
(outputs stay byte-identical); how void ranges come about and are dropped: :mod:`._scan_plan`.
Files settle by path (two inputs may share a name).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..readers.codecs import canonical_name
from ..readers.definition import CsvDefinition, FixedWidthDefinition
from ._scan_plan import ScanPlan
from .csv_split import SPLITTABLE
from .plan import PARTITION_BYTES, Partition, plan, split_points, walked


class ConvertPlan(ScanPlan[Partition]):
    """Partitions of ``[(source id, path, definition), …]`` in run order (arguments as :func:`.plan.plan`)."""

    def __init__(
        self, files: list[tuple[str, Path, Any]], *, partition_bytes: int = PARTITION_BYTES, split: bool = True,
        header_of: Callable[[str, Path], dict[str, str]] | None = None,
        columns_of: Callable[[str, Path], list[str]] | None = None, encoding: str | None = None,
    ) -> None:  # fmt: skip
        self.files, self.partition_bytes, self.split = files, partition_bytes, split
        self.header_of, self.columns_of, self.encoding = header_of, columns_of, encoding
        self.sizes = [Path(p).stat().st_size for _, p, _ in files]
        self.size = sum(self.sizes)
        super().__init__()

    def __len__(self) -> int:
        """The partitions of the run: exact for fixed-width files (their cuts are known without a
        read), an estimate for CSV files (their cuts are proven while the run goes on). The Dask
        executor sizes its task groups by it: counted as one partition, a 2.1 GB fixed-width
        file made every one of its 130 partitions a Dask task of its own."""
        step = self.partition_bytes
        n = 0
        for (_, p, d), size in zip(self.files, self.sizes, strict=True):
            if isinstance(d, CsvDefinition) and self.split:
                splittable = canonical_name(self.encoding or d.encoding) in SPLITTABLE
                n += math.ceil(size / step) if splittable and size > step else 1
            elif isinstance(d, FixedWidthDefinition) and walked(d) and self.split:
                n += math.ceil(size / step)  # an estimate: the cuts are proven by the chain's walk
            else:
                cuts = split_points(p, d, size, step) if self.split else None
                n += 1 + (len(cuts[1]) if cuts is not None else 0)
        return max(1, n)

    def _whole(self, source: str, path: Path, size: int) -> Partition:
        return self._add(Partition(len(self._parts), source, str(path), path.name, size=size))

    def _produce(self) -> Iterator[Partition]:
        for (source, p, d), size in zip(self.files, self.sizes, strict=True):
            path = Path(p)
            if isinstance(d, CsvDefinition) and self.split:
                yield from self._csv(source, path, d, size)
                continue
            for part in plan([(source, path, d)], partition_bytes=self.partition_bytes, split=self.split,
                             header_of=self.header_of, notes=self.notes):  # fmt: skip
                yield self._add(replace(part, index=len(self._parts)))
            self._settle(str(path), [])

    def _csv(self, source: str, path: Path, d: CsvDefinition, size: int) -> Iterator[Partition]:
        """A CSV file as byte ranges at proven record boundaries, or whole (with the reason in ``notes``)."""
        if d.header and self.columns_of is None and size > self.partition_bytes:
            self.notes[path.name] = "one partition: the header row's column names are unknown"
            self._settle(str(path), [])
            yield self._whole(source, path, size)
            return

        def new(
            lo: int, end: int | None, rec: int, cols: tuple[str, ...] | None, n: int, clean: bool
        ) -> Partition:
            return self._add(Partition(len(self._parts), source, str(path), path.name, lo, end, rec, n,
                                       columns=cols or None, clean=clean))  # fmt: skip

        cols = None if not d.header or self.columns_of is None else self.columns_of
        yield from self._ranges(path, d, str(path), self.partition_bytes, self.encoding,
                                None if cols is None else (lambda: cols(source, path)), new,
                                lambda: self._whole(source, path, size))  # fmt: skip
