"""The SHA-256 of a run's inputs, made while the run goes on: in a thread beside the workers
(:class:`BackgroundHashes`), in a child forked before a command's heavy imports
(:class:`ForkedHashes`), the rest at the end (:func:`complete_digests`). Each is
:func:`~chukan_layout.files.sha256_file` of a whole file, as the report records it."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .files import sha256_file


class BackgroundHashes:
    """:func:`sha256_file` of a run's inputs in one background thread while the run goes on
    (hashlib releases the GIL). :meth:`start` once the worker processes exist (never fork a
    process with a running thread); a second call does nothing. Use as a context manager."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[tuple[int, str]]] = {}

    def start(self, paths: Iterable[str | Path]) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="sha256")
            self._futures = {str(p): self._pool.submit(sha256_file, p) for p in paths}

    def result(self) -> dict[str, tuple[int, str]]:
        """``{str(path): (size, sha256 hex)}`` of every started path (waits for them)."""
        return {p: f.result() for p, f in self._futures.items()}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BackgroundHashes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ForkedHashes:
    """:func:`sha256_file` of a run's inputs in a forked child process, started by a command
    *before* its heavy imports (issue 15).

    A command's first ≈ 0.4 s are its imports on one core while the other core idles; the child
    hashes there (hashlib with SHA-NI: ≈ 1.8 GB/s) instead of beside the workers later, where
    both cores are busy. Only a process helps: a thread would need the GIL between its reads,
    which the importing main thread holds. Without ``os.fork`` (or if the fork fails) nothing
    starts and :meth:`result` is empty: the run hashes as it would without it. A file whose
    size or modification time changed since the start is left out of :meth:`result` too."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        # the regular files among ``paths`` (a pipe read here would be lost to the run)
        self.paths: list[str] = []
        self._pid = 0
        self._fd = -1
        self._got: dict[str, tuple[int, str]] | None = None
        self._stat: dict[str, tuple[int, int]] = {}
        if not hasattr(os, "fork"):
            return
        try:
            for p in map(str, paths):
                st = os.stat(p)
                if stat.S_ISREG(st.st_mode):
                    self.paths.append(p)
                    self._stat[p] = (st.st_size, st.st_mtime_ns)
            if not self.paths:
                return
            r, w = os.pipe()
        except OSError:
            self.paths = []
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # the child: hash, write one line per file, leave without any cleanup of the parent's
            code = 1
            try:
                os.close(r)
                out = "".join(f"{size} {hx}\n" for size, hx in map(sha256_file, self.paths)).encode()
                while out:
                    out = out[os.write(w, out) :]
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        self._pid, self._fd = pid, r

    def result(self) -> dict[str, tuple[int, str]]:
        """``{str(path): (size, sha256 hex)}`` of the files hashed (waits for the child)."""
        if self._got is None:
            self._got = {}
            if self._fd >= 0:
                chunks = []
                while chunk := os.read(self._fd, 1 << 16):
                    chunks.append(chunk)
                lines = b"".join(chunks).decode().splitlines()
                ok = self._reap() == 0 and len(lines) == len(self.paths)
                for p, line in zip(self.paths, lines if ok else [], strict=False):
                    size, hx = line.split()
                    if _size_mtime(p) == self._stat[p] and int(size) == self._stat[p][0]:
                        self._got[p] = (int(size), hx)
        return dict(self._got)

    def _reap(self) -> int:
        os.close(self._fd)
        self._fd = -1
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Stop the child if its result was not taken (an interrupted or failed run)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def __enter__(self) -> ForkedHashes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def complete_digests(
    paths: Iterable[str | Path], *found: dict[str, tuple[int, str]]
) -> dict[str, tuple[int, str]]:
    """``{str(path): (size, sha256 hex)}`` of every path: taken from ``found`` (hashes made elsewhere
    during the run — a thread, the split scan, a forked child; later ones win), the rest hashed now."""
    digests: dict[str, tuple[int, str]] = {}
    for d in found:
        digests.update(d)
    for p in map(str, paths):
        if p not in digests:
            digests[p] = sha256_file(p)
    return digests


def _size_mtime(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
