"""Atomic outputs: write to a temporary sibling, rename into place on success.

A crash, an exception or Ctrl-C leaves no half-written output (DESIGN §4.4): the
temporary file is removed and the target keeps its previous content (or stays absent).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class HashingWriter:
    """A binary sink that counts bytes and computes SHA-256 while writing."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._sha = hashlib.sha256()
        self.bytes_written = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._sha.update(data)
        self.bytes_written += len(data)
        return self._raw.write(data)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


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


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()
