"""Copy a file in the kernel while another thread hashes (and counts) the copy: two cores, no user-space copy.

:func:`copy_hashed` is the pass of a snapshot that parses nothing (``snapshot create`` without
Parquet, an unchanged file of ``create --base``, ``snapshot verify``). The calling thread copies
the file with ``os.copy_file_range`` (a reflink where the filesystem shares extents, else a
page-cache-to-page-cache copy in the kernel; ``sendfile`` and then read/write where the kernel
cannot), in steps of :data:`STEP`; a second thread maps each range of the **copy** just written
(``mmap``, read-only: no bytes copied into this process) and feeds it to SHA-256 and to an
optional consumer (the record count, :class:`~.count.LineCounter`). hashlib and numpy release the
GIL, so the copy and the hash run on two cores, the hash trailing the copy by at most one step,
within the page cache.

Why the copy is hashed, not the source: a snapshot's manifest must give the SHA-256 of the bytes
the snapshot *holds* — that is what ``verify`` checks later, and what ``--base`` reuse relies on
(a reused record count and Parquet copy describe the bytes whose hash matched). Hashing the source
while the kernel copies would prove what the source held when the hasher read it, not what landed
in the copy: a source rewritten between the two reads would leave a manifest whose hash belongs to
neither. Hashing the copy gives a manifest that is true of the snapshot whatever happened to the
source, and the source's size and modification time are compared before and after the copy, so a
file changed while it was copied is an error (:class:`~chukan_layout.errors.SnapshotError`) rather
than a torn snapshot. (The Parquet path, :mod:`.copyread`, parses and hashes the copy behind
the same kernel copy, so it holds there too.)

Measured against ``shutil.copyfile`` on the 1M town (2.7 GB, warm, CPU per byte): the copy
0.55–0.75 ns; this pass 1.0–1.25 (the hash is ~0.6 of it, on the other core); the one-read tee
(read into user space, hash, write back) 1.35–1.5; reading the copy with ``readinto`` instead of
a mapping 1.15–1.5 (see benchmarks/RESULTS.md, issue 13).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import mmap
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SnapshotError

STEP = 8 << 20  # bytes per copy_file_range call: the hash trails the copy by at most this
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM, errno.EBADF}


class _Progress:
    """How far the copy is (bytes), shared by the copying and the hashing thread."""

    def __init__(self) -> None:
        self.done = 0
        self.failed = False
        self.cond = threading.Condition()

    def advance(self, done: int) -> None:
        with self.cond:
            self.done = done
            self.cond.notify_all()

    def fail(self) -> None:
        with self.cond:
            self.failed = True
            self.cond.notify_all()

    def wait_past(self, pos: int) -> int:
        """The copied size once it is past ``pos`` (-1: the copy failed)."""
        with self.cond:
            while self.done <= pos and not self.failed:
                self.cond.wait()
            return -1 if self.failed else self.done


def _digest(fd: int, lo: int, hi: int, consume: Callable[[Any], Any]) -> None:
    """``consume`` bytes ``[lo, hi)`` of file ``fd`` from a read-only mapping (no copy into this process)."""
    base = lo - lo % mmap.ALLOCATIONGRANULARITY
    mm = mmap.mmap(fd, hi - base, offset=base, access=mmap.ACCESS_READ)
    try:
        with memoryview(mm) as whole, whole[lo - base :] as view:
            consume(view)
    finally:
        with contextlib.suppress(BufferError):  # a consumer kept a view (a traceback): the GC unmaps it
            mm.close()


def _scan(fd: int, size: int, progress: _Progress, consume: Callable[[Any], Any]) -> None:
    pos = 0
    while pos < size:
        done = progress.wait_past(pos)
        if done < 0:
            return
        hi = min(done, pos + STEP)
        _digest(fd, pos, hi, consume)
        pos = hi


def _copy_range(fi: int, fo: int, pos: int, n: int, mode: list[str]) -> int:
    """Copy up to ``n`` bytes at ``pos`` in the kernel (``mode``: what works here, downgraded on refusal)."""
    while True:
        try:
            if mode[0] == "copy_file_range":
                return os.copy_file_range(fi, fo, n, pos, pos)
            if mode[0] == "sendfile":
                os.lseek(fo, pos, os.SEEK_SET)
                return os.sendfile(fo, fi, pos, n)
        except OSError as e:
            if e.errno not in _NO_KERNEL_COPY:
                raise
            mode[0] = "sendfile" if mode[0] == "copy_file_range" else "pread"
            continue
        data = os.pread(fi, n, pos)
        return os.pwrite(fo, data, pos) if data else 0


def _copy(fi: int, fo: int, size: int, progress: _Progress, name: str) -> None:
    mode = ["copy_file_range"]
    pos = 0
    while pos < size and not progress.failed:
        n = _copy_range(fi, fo, pos, min(STEP, size - pos), mode)
        if n == 0:
            raise SnapshotError(
                f"{name}: shorter than its size ({pos:,} of {size:,} bytes): changed while copied"
            )
        pos += n
        progress.advance(pos)


def copy_hashed(src: str | Path, dest: str | Path | None, feed: Callable[[Any], None] | None = None,
                *, hashing: bool = True) -> tuple[int, str]:  # fmt: skip
    """Copy ``src`` to ``dest`` in the kernel and return (size, SHA-256 hex) **of the copy**, computed
    on another thread; ``feed(buffer)`` also gets the copy's bytes in order (the record count), on a
    third thread. ``dest`` None: hash (and feed) ``src`` itself. ``hashing=False``: no hash (``""``).
    A source whose size or modification time changed during the copy raises :class:`SnapshotError`."""
    sha = hashlib.sha256() if hashing else None
    consumers = [c for c in (None if sha is None else sha.update, feed) if c is not None]
    with open(src, "rb") as fi:
        before = os.fstat(fi.fileno())
        size = before.st_size
        with contextlib.ExitStack() as stack:
            fo = None if dest is None else stack.enter_context(open(dest, "wb"))
            copy = fi if dest is None else stack.enter_context(open(dest, "rb"))
            progress = _Progress()
            if fo is None:
                progress.advance(size)  # nothing to wait for: the file itself
            errors: list[BaseException] = []

            def run(consume: Callable[[Any], Any]) -> None:
                try:
                    _scan(copy.fileno(), size, progress, consume)
                except BaseException as e:  # re-raised by the calling thread
                    errors.append(e)
                    progress.fail()

            # hashlib and numpy release the GIL: the hash and the count run beside the copy (and
            # beside each other); the calling thread copies, or (no copy) takes the first consumer
            here = consumers[:1] if fo is None else []
            threads = [threading.Thread(target=run, args=(c,), name="snapshot-scan", daemon=True)
                       for c in consumers[len(here):]]  # fmt: skip
            for t in threads:
                t.start()
            try:
                if fo is not None:
                    _copy(fi.fileno(), fo.fileno(), size, progress, str(src))
                for c in here:
                    run(c)
            except BaseException:
                progress.fail()
                raise
            finally:
                for t in threads:
                    t.join()
            if errors:
                raise errors[0]
        after = os.stat(src)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise SnapshotError(f"{src}: changed while it was copied (size or modification time); try again")
    return size, "" if sha is None else sha.hexdigest()
