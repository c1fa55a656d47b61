"""A run's partitions handed out while the split scan of its CSV files still runs.

A big CSV file is split into byte ranges at record boundaries the quote-parity scan proves
(:mod:`.csv_split`). The scan reads the whole file (≈ 1 s of CPU per GB), and the first range
can be worked on as soon as its end is proven: so the first ranges are proven in this process
before the workers start (the executors take the first tasks before they call ``started``),
and a thread proves the rest while they work (issue 15: the scan was a serial second before
any worker started). ``validate`` (:mod:`._std_plan`) and ``convert`` (:mod:`._convert_plan`)
plan this way.

A cut once proven stays proven, but a later byte the scan cannot prove (a quote not at a field
boundary, …) keeps the *whole* file one partition, as it always did: the ranges of that file
already handed out are then *void* (their results are dropped, not merged) and one partition
of the whole file follows. A caller merges results in order, holding those of a file whose scan
has not finished (:meth:`ScanPlan.settled`) and dropping void ones (:meth:`ScanPlan.is_void`).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from .csv_split import SCAN_BLOCK, CsvScanner


class _Part(Protocol):
    @property
    def index(self) -> int: ...


P = TypeVar("P", bound=_Part)
_END = object()


class ScanPlan(Generic[P]):
    """The run's partitions (iterate once; see the module docstring).

    Subclasses produce the parts (:meth:`_produce`, registering each with :meth:`_add`) and
    settle each file (:meth:`_settle`) once its scan is over. ``len()`` is an estimate (the
    executors size their pools by it); ``part(index)`` is a part handed out; ``settled(file)``:
    the file's scan is over, and ``is_void(index)`` then says whether a part's result is to be
    dropped (a whole-file part follows); ``notes`` has the report's notes once the iteration is
    over."""

    scan_block = SCAN_BLOCK  # tests make it small: cuts are then handed out before a late byte is judged
    # SHA-256 of each file the scan reads, in the scan's own reads (validate: the report's input hashes
    # without a second read of the input): ``digests`` then has ``str(path) → (size, hex)``
    hash_inputs = False

    def __init__(self) -> None:
        self.notes: dict[str, str] = {}
        self.digests: dict[str, tuple[int, str]] = {}
        self._parts: dict[int, P] = {}
        self._settled: set[str] = set()
        self._void: set[int] = set()
        self._gen: Iterator[P] = self._produce()
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        raise NotImplementedError

    def hashes(self, path: Path) -> bool:
        """With ``hash_inputs``: whether the scan hashes ``path`` (not when it is hashed elsewhere)."""
        return True

    def _produce(self) -> Iterator[P]:
        raise NotImplementedError

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

    def __iter__(self) -> Iterator[P]:
        while True:
            item = next(self._gen, _END) if self._thread is None else self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]

    def part(self, index: int) -> P:
        return self._parts[index]

    def parts_get(self, index: int) -> P | None:
        """Part ``index`` if it was made already (the scan thread makes them), else None."""
        return self._parts.get(index)

    def settled(self, file: str) -> bool:
        with self._lock:
            return file in self._settled

    def is_void(self, index: int) -> bool:
        with self._lock:
            return index in self._void

    # ------------------------------------------------------------------ producer

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _drain(self) -> None:
        try:
            for item in self._gen:
                self._queue.put(item)
                if self._stop.is_set():
                    break
        except BaseException as e:  # handed to the consumer, raised there
            self._queue.put(e)
        self._queue.put(_END)

    def _add(self, part: P) -> P:
        self._parts[part.index] = part
        return part

    def _settle(self, file: str, void: list[int]) -> None:
        with self._lock:
            self._void.update(void)
            self._settled.add(file)

    def _ranges(
        self, path: Path, d: Any, key: str, partition_bytes: int, encoding: str | None,
        columns_of: Callable[[], Sequence[str]] | None,
        new: Callable[[int, int | None, int, tuple[str, ...] | None, int, bool], P], whole: Callable[[], P],
    ) -> Iterator[P]:  # fmt: skip
        """One CSV file's parts: a range per cut as the scan proves it, the last range once the scan is
        over, or the whole file (the reason in ``notes``). ``new(start, end, first record, columns,
        size, clean)`` and ``whole()`` make a part (registered with :meth:`_add`); ``columns_of``: the
        header row's names, which the ranges after the first carry; ``key``: how the file settles."""
        size = path.stat().st_size
        scanner = CsvScanner(path, d, partition_bytes, encoding, self.scan_block)
        if self.hash_inputs and self.hashes(path) and scanner.reads():
            scanner.hasher = hashlib.sha256()
        columns: tuple[str, ...] | None = None
        lo, rec, handed = 0, 1, []
        for cut, clean in scanner:
            if self.stopping:
                return
            if columns is None and columns_of is not None:
                columns = tuple(columns_of())
            part = new(lo, cut.offset, rec, None if lo == 0 else columns, cut.offset - lo, clean)
            handed.append(part.index)
            yield part
            lo, rec = cut.offset, cut.records + 1
        if scanner.hashed:
            self.digests[str(path)] = (scanner.hashed_size, scanner.hasher.hexdigest())
        if scanner.why is not None:
            self.notes[path.name] = f"one partition: {scanner.why}"
        if scanner.why is not None or not handed:  # whole file: too small, or not provable
            self._settle(key, handed)
            yield whole()
            return
        self.notes[path.name] = f"{len(handed) + 1} byte ranges at record boundaries (quote parity proven)"
        self._settle(key, [])
        yield new(lo, None, rec, columns, size - lo, scanner.last_clean)
