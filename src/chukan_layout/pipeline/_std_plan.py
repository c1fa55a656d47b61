"""The partitions of a ``validate`` run, handed out while the split scan of each file still runs.

How and why the ranges are handed out early, and when they are void: :mod:`._scan_plan`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from ..readers.api import read
from ..readers.codecs import canonical_name
from ..readers.definition import CsvDefinition
from ._scan_plan import ScanPlan
from ._standard_worker import StdPart
from .csv_split import SPLITTABLE, CsvScanner
from .options import ValidateOptions


class StdPlan(ScanPlan[StdPart]):
    """The run's partitions of standard CSV files (iterate once; see :class:`~._scan_plan.ScanPlan`).
    Files settle by name. The files the split scan reads are hashed in its reads (``digests``)."""

    hash_inputs = True

    def __init__(self, paths: list[Path], ids: list[str], opts: ValidateOptions,
                 unhashed: set[str] | None = None) -> None:  # fmt: skip
        """``unhashed``: ``str(path)`` of files hashed elsewhere (the scan only splits them)."""
        self.paths, self.ids, self.opts = paths, ids, opts
        self.unhashed = unhashed or set()
        self.size = sum(p.stat().st_size for p in paths)
        super().__init__()

    def __len__(self) -> int:
        step, splittable = self.opts.partition_bytes, canonical_name(self.opts.encoding) in SPLITTABLE
        sizes = [p.stat().st_size for p in self.paths]
        return max(1, sum(math.ceil(s / step) if splittable and s > step else 1 for s in sizes))

    def scan_hashes(self, path: Path) -> bool:
        """Whether the split scan reads (and hashes) ``path``: else the caller hashes it."""
        if not self.hashes(path):
            return False
        d = CsvDefinition(encoding=self.opts.encoding, header=True)
        return CsvScanner(path, d, self.opts.partition_bytes, self.opts.encoding).reads()

    def hashes(self, path: Path) -> bool:
        return str(path) not in self.unhashed

    def _new(self, path: Path, lid: str, *args: object, **kw: object) -> StdPart:
        return self._add(StdPart(len(self._parts), str(path), path.name, lid, *args, **kw))  # type: ignore[arg-type]

    def _produce(self) -> Iterator[StdPart]:
        d = CsvDefinition(encoding=self.opts.encoding, header=True)
        for p, lid in zip(self.paths, self.ids, strict=True):
            yield from self._ranges(p, d, p.name, self.opts.partition_bytes, self.opts.encoding,
                                    partial(_header_columns, p, d), partial(self._new, p, lid),
                                    partial(self._new, p, lid, size=p.stat().st_size))  # fmt: skip


def _header_columns(path: Path, d: CsvDefinition) -> list[str]:
    """The column names the reader makes of the header row (duplicates and blanks renamed as it does)."""
    r = read(path, d, limit=1, batch_size=16)
    for _ in r:
        pass
    return list(r.headers[0]["columns"]) if r.headers else []
