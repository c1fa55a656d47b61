"""Files written for people: atomic (temporary sibling renamed into place), hashed, spreadsheet-safe.

A crash, an exception or Ctrl-C leaves no half-written output: the
temporary file is removed and the target keeps its previous content (or stays absent).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO


class HashingWriter:
    """A binary sink that counts bytes and computes SHA-256 while writing."""

    def __init__(self, raw: BinaryIO, *, hashed: bool = True) -> None:
        self._raw = raw
        self._sha = hashlib.sha256() if hashed else None
        self.bytes_written = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._sha is not None:
            self._sha.update(data)
        self.bytes_written += len(data)
        return self._raw.write(data)

    def copy_from(self, path: str | Path) -> int:
        """Append the bytes of the file at ``path`` (how many): hashed from a read-only mapping
        and copied file to file by the kernel (``os.copy_file_range``), so they never pass
        through this process's buffers — the parent of a run appends every part file this way.
        Where the kernel cannot (another filesystem, no ``fileno``), read and written as usual."""
        with open(path, "rb") as src:
            size = os.fstat(src.fileno()).st_size
            if size == 0:
                return 0
            try:
                dst = self._raw.fileno()
            except (AttributeError, OSError, io.UnsupportedOperation):
                dst = -1
            done = 0
            if dst >= 0 and hasattr(os, "copy_file_range"):
                if self._sha is not None:
                    _hash_mapped(self._sha, src.fileno(), size)
                self._raw.flush()
                try:
                    while done < size:
                        n = os.copy_file_range(src.fileno(), dst, size - done, done)
                        if n == 0:
                            break
                        done += n
                except OSError:
                    pass  # the rest below, through user space
                self.bytes_written += done
                hashed = True
            else:
                hashed = False
            src.seek(done)
            while block := src.read(1 << 20):
                if self._sha is not None and not hashed:
                    self._sha.update(block)
                self.bytes_written += len(block)
                self._raw.write(block)
        return size

    def hash_from(self, path: str | Path) -> int:
        """Count (and hash) the bytes of the file at ``path`` as written here, without writing
        them: another process puts them in place (:class:`AppendAt` at the offset this writer
        was at). The file position moves past them, so what is written here next lands after
        them. How many bytes."""
        with open(path, "rb") as src:
            size = os.fstat(src.fileno()).st_size
            if size and self._sha is not None:
                _hash_mapped(self._sha, src.fileno(), size)
        self.bytes_written += size
        self._raw.seek(self.bytes_written)  # flushes what is buffered; a hole until the bytes come
        return size

    def hash_placed(self, fd: int, offset: int, size: int) -> None:
        """Count (and hash) ``size`` bytes that another process wrote into this writer's file at
        ``offset`` — where this writer is — read back through ``fd`` (a readable descriptor of the
        same file) from a mapping; the file position moves past them, as :meth:`hash_from`."""
        if offset != self.bytes_written:
            raise ValueError(f"bytes placed at {offset}, the file is at {self.bytes_written}")
        if size:
            if os.fstat(fd).st_size < offset + size:  # (a mapping read past the end would be SIGBUS)
                raise ValueError(f"{size} bytes placed at {offset}, the file ends before them")
            if self._sha is not None:
                _hash_mapped(self._sha, fd, size, offset)
        self.bytes_written += size
        self._raw.seek(self.bytes_written)

    @property
    def sha256(self) -> str:
        """The hex digest of the bytes written (``""`` when built with ``hashed=False``)."""
        return self._sha.hexdigest() if self._sha is not None else ""


class AppendAt:
    """Copy all ``size`` bytes of file ``src`` into the existing file ``dst`` at byte ``offset``,
    then remove ``src`` (picklable: run by another process, e.g. a Dask worker, while the
    process that merges hashes the bytes with :meth:`HashingWriter.hash_from`).

    ``dst`` is never created: once the merging process has abandoned its output (removed the
    temporary file), a late copy fails instead of leaving a file behind. Run twice (a task retried
    after its worker died), it does nothing the second time: ``src`` is removed only once all of
    it is in place."""

    __slots__ = ("dst", "offset", "size", "src")

    def __init__(self, src: str, dst: str, offset: int, size: int) -> None:
        self.src, self.dst, self.offset, self.size = src, dst, offset, size

    def __call__(self) -> None:
        try:
            src = os.open(self.src, os.O_RDONLY)
        except FileNotFoundError:
            return  # copied already
        try:
            dst = os.open(self.dst, os.O_WRONLY)
            try:
                done = 0
                if hasattr(os, "copy_file_range"):  # in the kernel: the bytes never reach this process
                    with contextlib.suppress(OSError):  # another filesystem: the rest below
                        while done < self.size:
                            n = os.copy_file_range(src, dst, self.size - done, done, self.offset + done)
                            if n == 0:
                                break
                            done += n
                while done < self.size:
                    block = os.pread(src, min(1 << 20, self.size - done), done)
                    if not block:
                        raise OSError(f"{self.src}: {done} bytes, not {self.size}")
                    view = memoryview(block)
                    while view:
                        n = os.pwrite(dst, view, self.offset + done)
                        view, done = view[n:], done + n
            finally:
                os.close(dst)
        finally:
            os.close(src)
        os.unlink(self.src)

    def __repr__(self) -> str:
        return f"AppendAt({self.src!r}, {self.dst!r}, {self.offset}, {self.size})"


_HASH_WINDOW = 16 << 20  # mapped pages count in RSS: hash a window, then drop its pages


def _hash_mapped(sha: Any, fd: int, size: int, offset: int = 0) -> None:
    """Feed ``size`` bytes of file ``fd`` from ``offset`` to ``sha`` from a read-only mapping, a
    window at a time.

    A mapping's resident pages count in the process's RSS: hashing a whole 1 GB part file (one
    vendor C 住民 file is one partition) through one mapping made the parent 1.1 GB at 1M
    residents. Each window's pages are dropped from this process (``MADV_DONTNEED``; the page
    cache keeps them for the copy) before the next one is read."""
    base = offset - offset % mmap.ALLOCATIONGRANULARITY  # a mapping starts on a page
    skip = offset - base
    with mmap.mmap(fd, skip + size, access=mmap.ACCESS_READ, offset=base) as mm:
        for lo in range(skip, skip + size, _HASH_WINDOW):
            n = min(_HASH_WINDOW, skip + size - lo)
            with memoryview(mm) as view, view[lo : lo + n] as window:
                sha.update(window)
            drop_mapped(mm, lo - lo % mmap.PAGESIZE, n + lo % mmap.PAGESIZE)


def drop_mapped(mm: mmap.mmap, lo: int, n: int) -> None:
    """Drop ``n`` bytes of a read-only mapping's pages from ``lo`` (page-aligned) out of this
    process's RSS (``MADV_DONTNEED``; the page cache keeps them); nothing where there is no madvise."""
    if hasattr(mm, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        mm.madvise(mmap.MADV_DONTNEED, lo, n)


class AtomicFile:
    """A file written under a temporary sibling name and renamed into place by :meth:`close`.

    :meth:`abort` (or an exception inside ``with``) removes the temporary file, so the
    target never holds half-written content. Writers in this package build on it.
    ``durable=False`` is for intermediate files a run reads back and deletes itself (a worker's
    part files): neither hashed nor fsynced, still renamed into place.
    """

    def __init__(self, path: str | Path, *, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        self._tmp = temp_path_for(self.path)
        self._file: BinaryIO | None = None
        self.out: HashingWriter | None = None

    @property
    def is_open(self) -> bool:
        return self._file is not None

    def open(self) -> HashingWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self._tmp, "wb")  # noqa: SIM115 - closed by close()/abort()
        self.out = HashingWriter(self._file, hashed=self.durable)
        return self.out

    @property
    def temp_path(self) -> Path:
        """Where the file is written until :meth:`close` renames it into place."""
        return self._tmp

    def flush(self) -> int:
        """Hand the buffered bytes to the OS (no fsync); the descriptor of the temporary file."""
        assert self._file is not None, "AtomicFile not open"
        self._file.flush()
        return self._file.fileno()

    def close(self) -> None:
        """Flush, fsync (when durable) and rename into place (no-op when never opened)."""
        if self._file is None:
            return
        self._file.flush()
        if self.durable:
            os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._tmp, self.path)
        self._file = None

    def abort(self) -> None:
        """Drop the temporary file; the target keeps its previous state."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._tmp.unlink(missing_ok=True)

    @property
    def sha256(self) -> str | None:
        return None if self.out is None else self.out.sha256


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.part-{os.getpid()}")


@contextmanager
def atomic_output(path: str | Path) -> Iterator[HashingWriter]:
    """Open ``path`` for atomic binary writing; yields a :class:`HashingWriter`.

    >>> with atomic_output(tmp / "a.csv") as out:   # doctest: +SKIP
    ...     out.write(b"...")
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path_for(target)
    f = open(tmp, "wb")  # noqa: SIM115 - closed in both branches below
    try:
        writer = HashingWriter(f)
        yield writer
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(tmp, target)
    except BaseException:
        f.close()
        tmp.unlink(missing_ok=True)
        raise


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, streamed in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: str | int | None) -> str:
    """Text that a spreadsheet will show, never evaluate (CSV formula injection guard).

    >>> guard_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> guard_cell(-1), guard_cell("-1"), guard_cell(None), guard_cell("山田")
    ('-1', "'-1", '', '山田')
    """
    if value is None:
        return ""
    if isinstance(value, int):  # counts and record numbers: numbers, not formulas
        return str(value)
    return "'" + value if value.startswith(_DANGEROUS) else value
