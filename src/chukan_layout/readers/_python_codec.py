"""The Python-codec family of the registry: ``cp932``, ``euc_jp``, ``utf-8``, ``utf-16-le/-be``.

Vectorized decode: all text cells of a batch are laid out field-major, each followed by a 0x0A
separator (never a trail byte in cp932 / EUC-JP / UTF-8), decoded in ONE ``bytes.decode`` call
with ``surrogateescape``, re-encoded to UTF-8 once, and split on the separators with numpy into
zero-copy Arrow string arrays. Undecodable bytes show up as surrogates (UTF-8 ``ED A0``–``ED BF``),
NUL as 0x00: both mark their cell bad. Encoding a column of cp932 finds the value boundaries from
per-character widths.
"""

from __future__ import annotations

import codecs as _pycodecs
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._cells import (
    bad_utf8_cells,
    char_offsets,
    copy_cells,
    is_ascii,
    put_cells,
    rtrim_spaces,
    strings_from_offsets,
    trimmed_buffers,
    utf8_column,
)
from ._text_codec import Decoded, TextCodec
from .definition import FieldType

_SPACE_WORD = np.frombuffer(b" " * 8, np.uint64)[0]
# trimmed cells this wide or wider are laid out in 8-byte words, their blank words dropped before
# decoding (PythonCodec.decode_group); narrower ones are decoded as they are, then trimmed
WORDS_MIN = 32


def _keep_words(words: np.ndarray, keep: np.ndarray) -> None:
    """``keep[r, j]``: word ``j`` of row ``r`` is at or before the row's last non-blank word, or is
    the row's final (separator) word."""
    n, k = words.shape
    last = np.zeros(n, np.int64)
    nonblank = words[:, : k - 1] != _SPACE_WORD
    for j in range(k - 1):  # k is small (a field's width / 8): a few passes over n rows
        np.copyto(last, j + 1, where=nonblank[:, j])
    np.less(np.arange(k)[None, :], last[:, None], out=keep)
    keep[:, k - 1] = True


_CP932_WIDTH = np.where(np.arange(256) < 0x80, 1, np.where(np.arange(256) >= 0xC0, 2, 0)).astype(np.uint8)


def _cp932_widths(utf8: np.ndarray) -> np.ndarray:
    """cp932 byte count contributed by each UTF-8 byte: 1 for ASCII and half-width katakana
    (U+FF61–FF9F, UTF-8 ``EF BD A1``–``EF BE 9F``), 2 for any other character, 0 on
    continuation bytes. (Characters cp932 writes in one byte outside these ranges, like U+0080,
    make the total disagree with the encoded length: the caller then takes the slow path.)"""
    w = _CP932_WIDTH[utf8]  # one table lookup per byte
    ef = np.flatnonzero(utf8[:-2] == 0xEF) if len(utf8) > 2 else np.zeros(0, np.int64)
    if len(ef):
        b1, b2 = utf8[ef + 1], utf8[ef + 2]
        half = ((b1 == 0xBD) & (b2 >= 0xA1)) | ((b1 == 0xBE) & (b2 <= 0x9F))
        w[ef[half]] = 1
    return w


class PythonCodec(TextCodec):
    """A stateless Python codec whose separator ``\\n`` never occurs inside a multibyte char."""

    def __init__(self, name: str, py_name: str, dbcs_blank: bytes, ascii_compatible: bool = True) -> None:
        self.name = name
        self.py_name = py_name
        self.dbcs_blank = dbcs_blank
        self.ascii_compatible = ascii_compatible
        self.ascii_identity = ascii_compatible
        _pycodecs.lookup(py_name)

    def pad_unit(self, kind: FieldType) -> bytes:
        if kind is FieldType.DBCS:
            return self.dbcs_blank
        return " ".encode(self.py_name)

    def encode(self, value: str, kind: FieldType) -> bytes:
        return value.encode(self.py_name)

    def encode_column(self, values: Sequence[str], kind: FieldType) -> tuple[np.ndarray, np.ndarray]:
        values = list(values)
        joined = "\n".join(values)
        if not self.ascii_compatible or joined.count("\n") != max(len(values) - 1, 0):
            return super().encode_column(values, kind)
        try:
            raw = joined.encode(self.py_name)
        except UnicodeEncodeError as e:
            row = joined.count("\n", 0, e.start)
            raise ValueError(
                f"row {row}: {values[row]!r}: {joined[e.start]!r} (U+{ord(joined[e.start]):04X}) "
                f"is not encodable in {self.name}"
            ) from None
        buf = np.frombuffer(raw, np.uint8)
        seps = np.flatnonzero(buf == 0x0A)
        offsets = np.empty(len(values) + 1, np.int64)
        offsets[0] = 0
        offsets[1:-1] = seps - np.arange(len(seps))
        offsets[-1] = len(buf) - len(seps)
        data = buf[buf != 0x0A] if len(seps) else buf
        return data, offsets

    def encode_array(
        self, values: pa.Array | pa.ChunkedArray, kind: FieldType
    ) -> tuple[np.ndarray, np.ndarray]:
        """UTF-8 buffer → one decode and one encode for the whole column; value boundaries come
        from per-character widths (cp932) or are the UTF-8 offsets themselves (utf-8)."""
        if self.name not in ("cp932", "utf-8"):
            return super().encode_array(values, kind)
        utf8, offsets = utf8_column(values)
        if self.name == "utf-8":
            return utf8.copy(), offsets
        text = utf8.tobytes().decode("utf-8")
        try:
            raw = text.encode(self.py_name)
        except UnicodeEncodeError as e:
            row = int(np.searchsorted(char_offsets(utf8, offsets), e.start, side="right")) - 1
            value = values[row].as_py()
            raise ValueError(
                f"row {row}: {value!r}: {text[e.start]!r} (U+{ord(text[e.start]):04X}) "
                f"is not encodable in {self.name}"
            ) from None
        cum = np.zeros(len(utf8) + 1, np.int64)
        np.cumsum(_cp932_widths(utf8), out=cum[1:])
        if int(cum[-1]) != len(raw):  # a rare one-byte character outside the predicted ranges
            return super().encode_array(values, kind)
        return np.frombuffer(raw, np.uint8), cum[offsets]

    def decode_columns(
        self, columns: Sequence[tuple[np.ndarray, FieldType]], trim: bool = False
    ) -> list[Decoded]:
        if not columns:
            return []
        out: list[Decoded | None] = [None] * len(columns)
        rest: list[int] = []
        for k, (cells, _kind) in enumerate(columns):
            if self.ascii_compatible and is_ascii(cells):
                out[k] = self.decode_ascii(cells, trim)  # no codec: ASCII bytes are their own UTF-8
            else:
                rest.append(k)
        if rest:
            for k, d in zip(rest, self.decode_group([columns[k][0] for k in rest], trim), strict=True):
                out[k] = d
        return [d for d in out if d is not None]

    def decode_ascii(self, cells: np.ndarray, trim: bool = False) -> Decoded:
        """A column whose bytes are all < 0x80: the same bytes are the UTF-8 (NUL still marks a bad cell)."""
        n, width = cells.shape
        data = copy_cells(cells).reshape(-1)
        bad = (data.reshape(n, width) == 0).any(axis=1) if data.min() == 0 else np.zeros(n, bool)
        strings = strings_from_offsets(data, np.arange(n + 1, dtype=np.int64) * width)
        if trim and (data[width - 1 :: width] == 0x20).any():  # some value ends in padding
            strings = rtrim_spaces(strings)
        return strings, bad, self._reason

    def decode_group(self, columns: Sequence[np.ndarray], trim: bool = False) -> list[Decoded]:
        """One codec call for all ``columns``: field-major cells, each followed by the separator.

        With ``trim`` (ASCII-compatible codecs) each cell at least :data:`WORDS_MIN` bytes wide is
        laid out in 8-byte words, ending in a word of seven spaces and the separator, and the words
        after a cell's last non-blank word are dropped before decoding: every byte that is not 0x20
        is decoded (errors and NUL are found exactly as without trimming), the padding is not; the
        few spaces left are then trimmed from the decoded strings. (0x20 is never a trail byte in
        cp932, EUC-JP or UTF-8.) Narrower cells — the fixed-width reader cuts every column after
        the last one that holds text in some record (``fixed_width._content_slices``) — hold little
        padding: decoded as they are (one separator byte each) and trimmed after, a third of the
        work of the word layout."""
        if trim and self.ascii_compatible and len(self._sep_arr) == 1:
            wide = [k for k, c in enumerate(columns) if c.shape[1] >= WORDS_MIN]
            if len(wide) < len(columns):
                narrow = [k for k, c in enumerate(columns) if c.shape[1] < WORDS_MIN]
                out: list[Decoded | None] = [None] * len(columns)
                for ks, words in ((narrow, False), (wide, True)):
                    if ks:
                        for k, d in zip(
                            ks, self._decode_laid([columns[k] for k in ks], True, words), strict=True
                        ):
                            out[k] = d
                return [d for d in out if d is not None]
        return self._decode_laid(columns, trim, trim and self.ascii_compatible and len(self._sep_arr) == 1)

    def _decode_laid(self, columns: Sequence[np.ndarray], trim: bool, words: bool) -> list[Decoded]:
        """:meth:`decode_group` of columns laid out as they are (``words=False``) or in words."""
        n = columns[0].shape[0]
        sep = self._sep_arr
        if words:
            widths = [-(-cells.shape[1] // 8) * 8 + 8 for cells in columns]
        else:
            widths = [cells.shape[1] + len(sep) for cells in columns]
        buf = np.empty(n * sum(widths), np.uint8)
        keep = np.empty(buf.size // 8, bool) if words else None
        pos = 0
        for cells, w in zip(columns, widths, strict=True):
            m = buf[pos : pos + n * w].reshape(n, w)
            cw = cells.shape[1]
            put_cells(m[:, :cw], cells)
            if keep is None:
                m[:, cw:] = sep
            else:
                m[:, cw : w - 1] = 0x20
                m[:, w - 1] = 0x0A
                _keep_words(m.view(np.uint64), keep[pos // 8 : (pos + n * w) // 8].reshape(n, w // 8))
            pos += n * w
        if keep is not None:
            buf = buf.view(np.uint64)[keep].view(np.uint8)
        total = n * len(columns)
        if self.ascii_compatible and np.count_nonzero(buf == 0x0A) != total:  # a newline byte inside a cell
            return [self._decode_one(c, trim) for c in columns]
        try:  # strict first: then no cell can hold an escaped byte, only NUL needs looking for
            text = str(buf.data, self.py_name)  # decoded in place: no bytes copy
            strict = True
        except UnicodeDecodeError:
            text = str(buf.data, self.py_name, "surrogateescape")
            strict = False
        raw = text.encode("utf-8", "surrogatepass")
        # NUL: a 0x00 byte is always a NUL character in the ASCII-compatible codecs (never a trail byte)
        if strict and self.ascii_compatible and not (buf == 0).any():
            # no bad cell: Arrow splits the text at the separators (every 0x0A is one, counted
            # above) — one pass that yields the values and their offsets, the last 0x0A left out
            whole = pa.StringArray.from_buffers(
                1, pa.py_buffer(np.array([0, len(raw) - 1], np.int32)), pa.py_buffer(raw)
            )
            values = pc.split_pattern(whole, "\n").flatten()
            if len(values) != total:  # pragma: no cover - a decoded newline the count missed
                return [self._decode_one(c, trim) for c in columns]
            clean, offsets_all = trimmed_buffers(values) if trim else utf8_column(values)
            return self._split_columns(clean, offsets_all, np.zeros(0, np.int64), n, len(columns))
        utf8 = np.frombuffer(raw, np.uint8)
        seps = np.flatnonzero(utf8 == 0x0A)
        if len(seps) != total:  # a decoded newline inside a cell (UTF-16): decode cell by cell
            return [self._decode_one(c, trim) for c in columns]
        clean_bytes = strict and not ((buf == 0).any() if self.ascii_compatible else (utf8 == 0).any())
        bad_cells = np.zeros(0, np.int64) if clean_bytes else bad_utf8_cells(utf8, seps)
        # every newline is a separator (counted above): bytes.replace drops them far faster than a mask
        clean = np.frombuffer(raw.replace(b"\n", b""), np.uint8)
        offsets_all = np.empty(total + 1, np.int64)
        offsets_all[0] = 0
        offsets_all[1:] = seps - np.arange(total)
        if trim:  # one trim over the values of every column, split again below
            clean, offsets_all = trimmed_buffers(strings_from_offsets(clean, offsets_all))
        return self._split_columns(clean, offsets_all, bad_cells, n, len(columns))

    def _split_columns(self, clean: np.ndarray, offsets_all: np.ndarray, bad_cells: np.ndarray, n: int,
                       k: int) -> list[Decoded]:  # fmt: skip
        """The ``k`` columns of ``n`` values each laid out one after the other in ``clean``."""
        out: list[Decoded] = []
        for f in range(k):
            bad = np.zeros(n, bool)
            if bad_cells.size:
                sel = bad_cells[(bad_cells >= f * n) & (bad_cells < (f + 1) * n)]
                bad[sel - f * n] = True
            strings = strings_from_offsets(clean, offsets_all[f * n : (f + 1) * n + 1])
            out.append((strings, bad, self._reason))
        return out

    def decode_ascii_group(self, columns: Sequence[np.ndarray], trim: bool = False) -> list[Decoded]:
        """:meth:`decode_ascii` of several ``(n, L)`` columns at once: their cells copied field-major
        into one buffer, one NUL check, one trim over all values, split again per column."""
        n = columns[0].shape[0]
        widths = [c.shape[1] for c in columns]
        data = np.empty(n * sum(widths), np.uint8)
        offsets = np.empty(n * len(columns) + 1, np.int64)
        pos = 0
        for f, (cells, w) in enumerate(zip(columns, widths, strict=True)):
            put_cells(data[pos : pos + n * w].reshape(n, w), cells)
            offsets[f * n : (f + 1) * n] = np.arange(pos, pos + n * w, w) if w else pos
            pos += n * w
        offsets[-1] = pos
        nul = bool(data.size) and data.min() == 0
        if trim:
            data, offsets = trimmed_buffers(strings_from_offsets(data, offsets))
        out: list[Decoded] = []
        for f, (cells, w) in enumerate(zip(columns, widths, strict=True)):
            bad = (cells == 0).any(axis=1) if nul and w and cells.min() == 0 else np.zeros(n, bool)
            out.append((strings_from_offsets(data, offsets[f * n : (f + 1) * n + 1]), bad, self._reason))
        return out

    @property
    def _sep(self) -> bytes:
        return "\n".encode(self.py_name)

    @property
    def _sep_arr(self) -> np.ndarray:
        return np.frombuffer(self._sep, np.uint8)

    @property
    def _reason(self) -> str:
        return f"bytes not decodable as {self.name} (or NUL)"

    def _decode_one(self, cells: np.ndarray, trim: bool = False) -> Decoded:
        """Cell-by-cell decode: the careful path for cells that contain a newline."""
        values: list[str] = []
        bad = np.zeros(cells.shape[0], bool)
        for i, row in enumerate(cells):
            try:
                s = row.tobytes().decode(self.py_name)
                bad[i] = "\x00" in s
            except UnicodeDecodeError:
                s, bad[i] = "", True
            values.append(s.rstrip(" ") if trim else s)
        return pa.array(values, pa.string()), bad, self._reason
