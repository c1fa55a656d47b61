"""Key / reference codes streamed by a worker to a part file, folded by the parent chunk by chunk.

A worker appends the codes of each batch (:meth:`CodeSpool.add`: ``{(kind, key): (codes,
records)}`` as :meth:`~chukan_layout.validation.ValidationRun.codes` returns them) to one file
per partition instead of holding a partition's codes in memory; the parent reads the chunks
back in order (:func:`read_spool`) into its ``ValidationRun`` (``add_codes``) and removes the
file. Memory per process stays one batch of codes whatever the size of the partition.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

Chunk = dict[tuple[str, Any], tuple[Any, Any]]


class CodeSpool:
    """Append-only file of code chunks (pickle frames; numpy arrays are written as raw buffers)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._f: BinaryIO | None = None
        self.chunks = 0

    def add(self, chunk: Chunk) -> None:
        if not chunk:
            return
        if self._f is None:
            self._f = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        pickle.dump(chunk, self._f, protocol=pickle.HIGHEST_PROTOCOL)
        self.chunks += 1

    def close(self) -> str | None:
        """Finish the file; its path, or None when nothing was written."""
        if self._f is None:
            return None
        self._f.close()
        self._f = None
        return self.path

    def abort(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
        if os.path.exists(self.path):
            os.unlink(self.path)


def read_spool(path: str, *, remove: bool = True) -> Iterator[Chunk]:
    """The chunks of a spool file in the order they were written (the file removed afterwards)."""
    try:
        with open(path, "rb") as f:
            while True:
                try:
                    yield pickle.load(f)
                except EOFError:
                    break
    finally:
        if remove and os.path.exists(path):
            os.unlink(path)
