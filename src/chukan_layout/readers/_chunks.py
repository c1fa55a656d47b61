"""What the framers hand on: :class:`Chunk` (one read block's records) and :class:`ByteStream` (a source).

Also the chunk constructors the framers share: a *uniform* chunk (``stride`` set, reshaped by the
decoder into an ``(n, length)`` matrix without copying), a general one (a start and length per
record, framing problems by record index) and the one flagged record of a skipped stretch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from . import resync


class ByteStream(Protocol):
    """What the readers need of a source: a binary file, a ``BytesIO``, or the reader's counting wrapper."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...

    def seekable(self) -> bool: ...


@dataclass
class Chunk:
    """Records of one read block: payloads are ``buf[starts[i] : starts[i] + lengths[i]]``."""

    buf: np.ndarray
    base: int  # file offset of buf[0]
    starts: np.ndarray
    lengths: np.ndarray
    stride: int | None = None  # uniform chunk: starts[i] == i * stride, all lengths equal
    problems: dict[int, str] = field(default_factory=dict)  # record index → framing problem
    offsets: np.ndarray | None = None  # file offset per record when buf is not a slice of the file
    spans: dict[int, tuple[int, str]] = field(default_factory=dict)  # record index → (size, sha256)
    # of a skipped stretch whose raw() is only a preview (resync.Skipped)

    def __len__(self) -> int:
        return len(self.starts)

    def offset(self, i: int) -> int:
        """File offset of record ``i``'s payload (or of the framing unit of a flagged record)."""
        return int(self.offsets[i]) if self.offsets is not None else self.base + int(self.starts[i])

    def raw(self, i: int) -> bytes:
        s = int(self.starts[i])
        return self.buf[s : s + int(self.lengths[i])].tobytes()


def uniform_chunk(data: bytes, base: int, n: int, stride: int, length: int) -> Chunk:
    """``n`` records of ``length`` bytes every ``stride`` bytes from the start of ``data``."""
    buf = np.frombuffer(data, np.uint8)
    starts = np.arange(n, dtype=np.int64) * stride
    return Chunk(buf, base, starts, np.full(n, length, np.int64), stride)


def general_chunk(
    data: bytes,
    base: int,
    starts: list[int] | np.ndarray,
    lengths: list[int] | np.ndarray,
    problems: dict[int, str] | None = None,
) -> Chunk:
    """Records at the given starts and lengths of ``data``, with their framing problems by index."""
    return Chunk(
        np.frombuffer(data, np.uint8),
        base,
        np.asarray(starts, np.int64),
        np.asarray(lengths, np.int64),
        None,
        problems or {},
    )


def skipped_chunk(sk: resync.Skipped, to: str) -> Chunk:
    """The one flagged record of a skipped stretch: its preview, the size and SHA-256 of all of it."""
    c = general_chunk(sk.preview, sk.offset, [0], [len(sk.preview)], {0: sk.reason(to)})
    c.spans[0] = (sk.size, sk.sha256)
    return c
