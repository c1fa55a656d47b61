"""The column codec interface, :class:`TextCodec`, and what its decode returns (:data:`Decoded`).

Every codec of the registry (:mod:`.codecs`) implements it: the Python-codec family
(:mod:`._python_codec`), the EBCDIC tables (:mod:`.ebcdic`) and the KI/KO codecs (:mod:`.kiko`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from .definition import FieldType

# (strings, bad mask, reason for bad cells)
Decoded = tuple[pa.StringArray, np.ndarray, str]


class TextCodec:
    """Column codec interface. Subclasses implement :meth:`encode` and :meth:`decode_columns`."""

    name: str = ""
    ebcdic: bool = False  # digit family of zoned fields and the blank byte
    blank: int = 0x20
    # bytes 0x00-0x7F are always single characters, the same code points (cp932, EUC-JP, UTF-8):
    # an all-ASCII column needs no codec (:meth:`PythonCodec.decode_ascii`)
    ascii_identity: bool = False

    def pad_unit(self, kind: FieldType) -> bytes:
        """The blank used to pad a field of this kind (DBCS fields pad with a DBCS space)."""
        return bytes([self.blank])

    def encode(self, value: str, kind: FieldType) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def encode_column(self, values: Sequence[str], kind: FieldType) -> tuple[np.ndarray, np.ndarray]:
        """Encode a column → (concatenated bytes, offsets of n+1). Default: one call per value."""
        parts = [self.encode(v, kind) for v in values]
        lengths = np.fromiter((len(p) for p in parts), np.int64, len(parts))
        offsets = np.zeros(len(parts) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return np.frombuffer(b"".join(parts), np.uint8), offsets

    def encode_array(
        self, values: pa.Array | pa.ChunkedArray, kind: FieldType
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encode an Arrow string column → (concatenated bytes, offsets of n+1).

        Same bytes and errors as :meth:`encode_column`; codecs override it to work on the
        column's UTF-8 buffer without making one Python string per value."""
        return self.encode_column(["" if v is None else v for v in values.to_pylist()], kind)

    def truncate(self, value: str, kind: FieldType, length: int) -> bytes:
        """The encoding of the longest prefix of ``value`` that fits ``length`` bytes.

        Never splits a character (nor leaves a DBCS run without its closing shift code)."""
        lo, hi = 0, len(value)
        while lo < hi:  # binary search on the prefix length: encodings grow monotonically
            mid = (lo + hi + 1) // 2
            if len(self.encode(value[:mid], kind)) <= length:
                lo = mid
            else:
                hi = mid - 1
        return self.encode(value[:lo], kind)

    def decode_columns(
        self, columns: Sequence[tuple[np.ndarray, FieldType]], trim: bool = False
    ) -> list[Decoded]:
        """Decode each ``(n, L)`` cell matrix → (strings, bad cells, reason).

        ``trim``: drop trailing spaces (U+0020, the padding) from every value; bad cells are
        flagged exactly as without it (their values are never used)."""
        raise NotImplementedError  # pragma: no cover - interface

    def decode_bytes(self, raw: bytes, kind: FieldType = FieldType.TEXT) -> str:
        """Decode one value strictly (control records, inspect, tests)."""
        cells = np.frombuffer(raw, np.uint8).reshape(1, len(raw))
        strings, bad, reason = self.decode_columns([(cells, kind)])[0]
        if bad[0]:
            raise UnicodeDecodeError(self.name, raw, 0, len(raw), reason)
        return str(strings[0].as_py())
