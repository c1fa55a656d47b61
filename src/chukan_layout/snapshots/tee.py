"""One read of a file that also copies and hashes it: the byte stream a snapshot parses.

:class:`TeeReader` is a seekable binary reader over the source file. Every byte the CSV
reader reads for the first time is also written to the copy and fed to SHA-256, in file order;
bytes read again after a seek back (the reader peeks at the header, and its careful path
restarts from the top) are not copied or hashed twice, and a seek forward copies the gap
first. :meth:`TeeReader.finish` copies whatever the reader did not read (nothing, for a file read
to the end) and returns (size, SHA-256). The ``--parquet`` pass reads through it without a copy
(``dest`` None: a changed file of ``create --base``, parsed from the copy already written; a count
the byte scan could not make); with a copy, :class:`~.copyread.CopyReader` (a subclass) reads the
kernel's copy instead of writing one from user space (cheaper: see there).
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any, BinaryIO

_CHUNK = 1 << 20


class TeeReader(io.RawIOBase):
    """Read ``src``; copy each new byte to ``dest`` (None: hash only) and hash it (see the module docstring)."""

    def __init__(self, src: str | Path, dest: str | Path | None = None, hashing: bool = True) -> None:
        """``hashing=False``: the SHA-256 is known already (:meth:`finish` returns ``""`` for it)."""
        self.name = str(src)
        self._f: BinaryIO = open(src, "rb")  # noqa: SIM115 - closed by finish() / close()
        self._out: BinaryIO | None = open(dest, "wb") if dest is not None else None  # noqa: SIM115
        self._sha = hashlib.sha256() if hashing else None
        self._high = 0  # bytes copied and hashed so far (a prefix of the file)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        return self._f.seek(pos, whence)

    def tell(self) -> int:
        return self._f.tell()

    def _take(self, data: bytes | memoryview) -> None:
        if self._sha is not None:
            self._sha.update(data)  # releases the GIL for large blocks, like the write below
        if self._out is not None:
            self._out.write(data)
        self._high += len(data)

    def _fill_to(self, pos: int) -> None:
        """Copy and hash the bytes between what was taken and ``pos`` (a seek skipped them)."""
        fd = self._f.fileno()
        while self._high < pos:
            block = os.pread(fd, min(_CHUNK, pos - self._high), self._high)
            if not block:
                break
            self._take(block)

    def read(self, size: int = -1) -> bytes:
        pos = self._f.tell()
        if pos > self._high:
            self._fill_to(pos)
        data = self._f.read(size)
        end = pos + len(data)
        if end > self._high:
            self._take(memoryview(data)[self._high - pos :])
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def finish(self) -> tuple[int, str]:
        """Copy and hash the rest of the file, close both files; (size, SHA-256 hex)."""
        self._f.seek(self._high)
        while block := self._f.read(_CHUNK):
            self._take(block)
        self.close()
        return self._high, "" if self._sha is None else self._sha.hexdigest()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        if not self._f.closed:
            self._f.close()
        super().close()
