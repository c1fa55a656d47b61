"""The ``--parquet`` pass's byte stream: the kernel copies the file, the parser reads the copy behind it.

:class:`CopyReader` starts a thread that copies ``src`` to ``dest`` in the kernel
(``copy_file_range`` in steps, as :mod:`.kernelcopy` does), and is itself a seekable binary reader
over **the copy**: a read waits until the copy has passed the bytes it asks for, then reads them
from the page cache, and every byte read for the first time is fed to SHA-256 (the
:class:`~.tee.TeeReader` bookkeeping: a seek back is not hashed twice, a seek forward hashes the
gap). So the CSV reader parses, and the manifest hashes, the bytes the snapshot holds, and the
Parquet copy is of exactly those bytes (what ``--base`` reuse trusts).

Why not the one-read tee (read the source, write the same bytes to the copy): writing 1 MiB blocks
from user space into fresh page-cache pages cost 1.4–2.3 ns of system CPU per byte on the 1M town,
the kernel's page-to-page copy 0.3–0.75 (``juki_jumin.csv``, alternated, benchmarks/RESULTS.md,
issue 13) — the largest single cost of the pass after the CSV parse and the Parquet encoding.
Reading the copy back costs ~0.1 (it is in the page cache). As in :mod:`.kernelcopy`, the source's
size and modification time are compared before and after: a file changed while it was copied is
a :class:`~chukan_layout.errors.SnapshotError`, never a torn snapshot.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import BinaryIO

from ..errors import SnapshotError
from .kernelcopy import _copy, _Progress
from .tee import TeeReader


class CopyReader(TeeReader):
    """Copy ``src`` to ``dest`` in the kernel and read (and hash) the copy (see the module docstring)."""

    def __init__(self, src: str | Path, dest: str | Path, hashing: bool = True) -> None:
        self._src_name = str(src)
        self._src: BinaryIO = open(src, "rb")  # noqa: SIM115 - closed by close()
        self._before = os.fstat(self._src.fileno())
        self._total = self._before.st_size
        try:
            self._dest: BinaryIO = open(dest, "wb")  # noqa: SIM115 - closed by close()
            super().__init__(dest, None, hashing)
            self._f.close()  # unbuffered: no read-ahead past what the copy holds
            self._f = open(dest, "rb", buffering=0)  # noqa: SIM115 - closed by close()
        except BaseException:
            self._src.close()
            raise
        self._progress = _Progress()
        self._errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, name="snapshot-copy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            _copy(self._src.fileno(), self._dest.fileno(), self._total, self._progress, self._src_name)
        except BaseException as e:  # re-raised by the reading thread
            self._errors.append(e)
            self._progress.fail()

    def _gate(self, end: int) -> None:
        """Wait until the copy holds the bytes before ``end`` (the copy's error if it failed)."""
        end = min(end, self._total)
        if end > 0 and self._progress.wait_past(end - 1) < 0:
            raise self._errors[0] if self._errors else SnapshotError(f"{self._src_name}: copy stopped")

    def read(self, size: int = -1) -> bytes:
        self._gate(self._total if size is None or size < 0 else self.tell() + size)
        return super().read(size)

    def _fill_to(self, pos: int) -> None:
        self._gate(pos)
        super()._fill_to(pos)

    def finish(self) -> tuple[int, str]:
        """Wait for the copy, hash the rest of it, close; (size, SHA-256 hex) of the copy."""
        self._gate(self._total)
        self._thread.join()
        if self._errors:
            raise self._errors[0]
        size, sha = super().finish()
        after = os.stat(self._src_name)
        if (after.st_size, after.st_mtime_ns) != (self._before.st_size, self._before.st_mtime_ns):
            raise SnapshotError(
                f"{self._src_name}: changed while it was copied (size or modification time); try again"
            )
        return size, sha

    def close(self) -> None:
        thread = getattr(self, "_thread", None)
        if thread is not None and thread.is_alive():  # stopped early (an error): it ends at its next step
            self._progress.fail()
            thread.join()
        for f in (getattr(self, "_dest", None), getattr(self, "_src", None)):
            if f is not None:
                f.close()
        if hasattr(self, "_f"):
            super().close()
