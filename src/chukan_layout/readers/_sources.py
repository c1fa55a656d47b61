"""A source as :func:`~.api.read` opens it: a path, bytes or a binary stream, checked before any
record is parsed — the definition's encoding label known, the first bytes no container's magic
(a gzip / ZIP / xlsx / PDF file is named, not read as records) — and wrapped to count the bytes
read for ``ReadStats.bytes_read``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import DefinitionError, ReadError
from .definition import CsvDefinition, FixedWidthDefinition

if TYPE_CHECKING:
    from .api import ReadStats


# Containers that are not export files: named by their magic bytes instead of being parsed as
# records (a gzip file read as CSV gave a traceback; as fixed-width, thousands of rejects).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file (legacy Excel .xls / Word .doc)"),
    (b"%PDF-", "a PDF document"),
)


def container_kind(head: bytes) -> str | None:
    """What a file is when its first bytes are a known container's magic (gzip, ZIP/xlsx …), else None.

    >>> container_kind(b"\\x1f\\x8b\\x08\\x00"), container_kind(b"0001,山田")
    ('a gzip-compressed file', None)
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if magic.startswith(b"PK") and b"xl/" in head:
                return "an Excel workbook (.xlsx, a ZIP archive)"
            if magic.startswith(b"PK") and b"word/" in head:
                return "a Word document (.docx, a ZIP archive)"
            return kind
    return None


def check_encoding(definition: FixedWidthDefinition | CsvDefinition) -> None:
    """An unknown encoding label is a definition error (one line listing the known ones), not a traceback."""
    try:
        if isinstance(definition, CsvDefinition):
            import codecs

            from .csv_reader import _py_encoding

            codecs.lookup(_py_encoding(definition.encoding))
        else:
            from .codecs import get_codec

            get_codec(definition.encoding)
    except LookupError as e:
        raise DefinitionError(str(e).strip("'\"")) from None


def check_container(f: BinaryIO, name: str) -> None:
    if not getattr(f, "seekable", lambda: False)():
        return
    pos = f.tell()
    head = f.read(2048)
    f.seek(pos)
    kind = container_kind(head)
    if kind is not None:
        raise ReadError(
            f"this is {kind}, not an export file: extract or convert it first", name, None, 0, head[:8]
        )


def open_source(source: str | Path | BinaryIO) -> tuple[BinaryIO, str, Callable[[], None] | None]:
    if isinstance(source, str | Path):
        f = open(source, "rb")  # noqa: SIM115 - closed by the reader when done
        return f, Path(source).name, f.close
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), "<bytes>", None
    name = getattr(source, "name", None)
    return source, Path(name).name if isinstance(name, str) else "<stream>", None


class CountingReader(io.RawIOBase):
    """A read-only wrapper that counts bytes for ``stats.bytes_read``.

    Seekable when the wrapped file is (the CSV reader seeks back to re-read a file on its careful
    path instead of buffering it whole); bytes read again after a seek are not counted twice."""

    def __init__(self, f: BinaryIO, stats: ReadStats) -> None:
        self._f, self._stats = f, stats
        self._seekable = bool(getattr(f, "seekable", lambda: False)())
        self._high = f.tell() if self._seekable else 0  # furthest offset read so far

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def seek(self, pos: int, whence: int = 0) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("seek")
        return self._f.seek(pos, whence)

    def tell(self) -> int:
        return self._f.tell() if self._seekable else super().tell()

    def read(self, size: int = -1) -> bytes:
        data = self._f.read(size)
        if self._seekable:
            end = self._f.tell()
            if end > self._high:
                self._stats.bytes_read += end - self._high
                self._high = end
        else:
            self._stats.bytes_read += len(data)
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)
