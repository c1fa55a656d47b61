"""The partitions of a ``validate`` run, handed out while the split scan of each file still runs.

A big standard CSV file is split into byte ranges at record boundaries the quote-parity scan
proves (:mod:`.csv_split`). The scan reads the whole file (≈ 1 s of CPU per GB), and the
first range can be checked as soon as its end is proven: so the first ranges are proven in
this process before the workers start, and a thread proves the rest while they work
(issue 15: the scan was a serial second before any worker started).

A cut once proven stays proven, but a later byte the scan cannot prove (a quote not at a field
boundary, …) keeps the *whole* file one partition, as it always did: the ranges of that file
already handed out are then *void* (their results are dropped, not merged) and one partition
of the whole file follows. A caller merges results in order, holding those of a file whose scan
has not finished (:meth:`StdPlan.settled`) and dropping void ones (:meth:`StdPlan.is_void`).
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from ..readers.api import read
from ..readers.codecs import canonical_name
from ..readers.definition import CsvDefinition
from ._standard_worker import StdPart
from .csv_split import SPLITTABLE, CsvScanner
from .options import ValidateOptions

_END = object()


class StdPlan:
    """The run's partitions (iterate once; see the module docstring).

    ``len()`` is an estimate (the executors size their pools by it); ``part(index)`` is a part
    handed out; ``settled(file)``: the file's scan is over, and ``is_void(index)`` then says
    whether a part's result is to be dropped (a whole-file part follows); ``notes`` has the
    report's notes once the iteration is over."""

    def __init__(self, paths: list[Path], ids: list[str], opts: ValidateOptions) -> None:
        self.paths, self.ids, self.opts = paths, ids, opts
        self.size = sum(p.stat().st_size for p in paths)
        self.notes: dict[str, str] = {}
        self._parts: dict[int, StdPart] = {}
        self._settled: set[str] = set()
        self._void: set[int] = set()
        self._gen = self._produce()
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        step, splittable = self.opts.partition_bytes, canonical_name(self.opts.encoding) in SPLITTABLE
        sizes = [p.stat().st_size for p in self.paths]
        return max(1, sum(math.ceil(s / step) if splittable and s > step else 1 for s in sizes))

    def start(self) -> None:
        """Prove the rest of the cuts in a thread (call once the workers exist: no thread while forking)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._drain, name="chukan-csv-scan", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the scan thread (a failed or interrupted run)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def __iter__(self) -> Iterator[StdPart]:
        while True:
            item = next(self._gen, _END) if self._thread is None else self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, StdPart)
            yield item

    def part(self, index: int) -> StdPart:
        return self._parts[index]

    def settled(self, file: str) -> bool:
        with self._lock:
            return file in self._settled

    def is_void(self, index: int) -> bool:
        with self._lock:
            return index in self._void

    # ------------------------------------------------------------------ producer

    def _drain(self) -> None:
        try:
            for item in self._gen:
                self._queue.put(item)
                if self._stop.is_set():
                    break
        except BaseException as e:  # handed to the consumer, raised there
            self._queue.put(e)
        self._queue.put(_END)

    def _new(self, path: Path, lid: str, *args: object, **kw: object) -> StdPart:
        part = StdPart(len(self._parts), str(path), path.name, lid, *args, **kw)  # type: ignore[arg-type]
        self._parts[part.index] = part
        return part

    def _settle(self, file: str, void: list[int]) -> None:
        with self._lock:
            self._void.update(void)
            self._settled.add(file)

    def _produce(self) -> Iterator[StdPart]:
        d = CsvDefinition(encoding=self.opts.encoding, header=True)
        for p, lid in zip(self.paths, self.ids, strict=True):
            size = p.stat().st_size
            scanner = CsvScanner(p, d, self.opts.partition_bytes, self.opts.encoding)
            columns: tuple[str, ...] | None = None
            lo, rec, handed = 0, 1, []
            for cut, clean in scanner:
                if self._stop.is_set():
                    return
                if columns is None:
                    columns = tuple(_header_columns(p, d))
                part = self._new(
                    p, lid, lo, cut.offset, rec, None if lo == 0 else columns, cut.offset - lo, clean
                )
                handed.append(part.index)
                yield part
                lo, rec = cut.offset, cut.records + 1
            if scanner.why is not None:
                self.notes[p.name] = f"one partition: {scanner.why}"
            if scanner.why is not None or not handed:  # whole file: too small, or not provable
                self._settle(p.name, handed)
                yield self._new(p, lid, size=size)
                continue
            self.notes[p.name] = f"{len(handed) + 1} byte ranges at record boundaries (quote parity proven)"
            self._settle(p.name, [])
            yield self._new(p, lid, lo, None, rec, columns, size - lo, scanner.last_clean)


def _header_columns(path: Path, d: CsvDefinition) -> list[str]:
    """The column names the reader makes of the header row (duplicates and blanks renamed as it does)."""
    r = read(path, d, limit=1, batch_size=16)
    for _ in r:
        pass
    return list(r.headers[0]["columns"]) if r.headers else []
