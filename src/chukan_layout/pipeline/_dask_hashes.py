"""The inputs' SHA-256 of a Dask run, computed on its workers (:class:`WorkerHashes`)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._dask import DaskSession

# Priority of the input hashes over the partitions (Dask runs higher priorities first): each
# input's SHA-256 starts as soon as a worker is free, early in the run, never in its tail.
HASH_PRIORITY = 1


class WorkerHashes:
    """:func:`~chukan_layout.files.sha256_file` of a run's inputs as Dask tasks on the session's
    workers, one per file, ahead of the partitions (:data:`HASH_PRIORITY`); the interface of
    :class:`~chukan_layout.input_hashes.BackgroundHashes`.

    The client reads none of the input bytes: on a cluster it may be far from the shared
    filesystem, and hashing there is the serial share of a run (a vendor A 1M run's inputs are
    2.3 GB: 1.3–1.7 s of the client's CPU, beside the merge, at the hash's hardware speed). A
    worker reads them at the same path as its partitions. With 2 or more workers, one worker
    hashes while the others convert; with one, the worker does both in turn."""

    def __init__(self, session: DaskSession) -> None:
        self._session = session
        self._futures: dict[str, Any] | None = None
        self._done: dict[str, tuple[int, str]] = {}
        self._failed: dict[str, BaseException] = {}
        self._lock = threading.Lock()  # settled by the session's closing thread, read by the run's

    def start(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Submit the hashes (once: a second call does nothing)."""
        if self._futures is not None:
            return
        from ..files import sha256_file

        client = self._session.client()
        self._futures = {str(p): client.submit(sha256_file, str(p), pure=False, priority=HASH_PRIORITY)
                         for p in paths}  # fmt: skip

    def settle(self) -> None:
        """Wait until every hash is done or failed (kept: the client may close afterwards)."""
        with self._lock:
            for p, f in (self._futures or {}).items():
                if p in self._done or p in self._failed:
                    continue
                try:
                    size, digest = f.result()
                except Exception as e:  # raised by result(), in the run's thread
                    self._failed[p] = e
                else:
                    self._done[p] = (int(size), str(digest))

    def result(self) -> dict[str, tuple[int, str]]:
        """``{str(path): (size, sha256 hex)}`` of every started path (waits for them)."""
        self.settle()
        with self._lock:
            for p in self._futures or {}:  # the first failure in path order, as the run met it
                if p in self._failed:
                    raise self._failed[p]
            return dict(self._done)

    def close(self) -> None:
        """Let the hashes go (a task not run yet is cancelled)."""
        for f in (self._futures or {}).values():
            with contextlib.suppress(Exception):  # the cluster may be closing: nothing left to free
                f.release()
        self._futures = {} if self._futures is not None else None
