"""readers._sources: a source opened, checked before any record is parsed, and its bytes counted."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from chukan_layout.errors import DefinitionError, ReadError
from chukan_layout.readers._sources import (
    CountingReader,
    check_container,
    check_encoding,
    container_kind,
    open_source,
)
from chukan_layout.readers.api import ReadStats
from chukan_layout.readers.definition import CsvDefinition

ROWS = "0001,髙橋,ﾀｶﾊｼ,〜\r\n0002,山﨑,ﾔﾏｻﾞｷ,～\r\n0003,\ue000田,ﾊﾟｸ,\r\n".encode()


def _zip(**members: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name.replace("__", "/"), text)
    return buf.getvalue()


def test_containers_are_named_by_their_magic_and_export_rows_are_not() -> None:
    assert container_kind(gzip.compress(ROWS)) == "a gzip-compressed file"
    assert container_kind(_zip(jumin_csv="0001")) == "a ZIP archive"
    assert container_kind(_zip(xl__workbook_xml="<workbook/>")) == "an Excel workbook (.xlsx, a ZIP archive)"
    assert container_kind(_zip(word__document_xml="<w/>")) == "a Word document (.docx, a ZIP archive)"
    assert container_kind(b"%PDF-1.7\n") == "a PDF document"
    assert container_kind(ROWS) is None
    assert container_kind(ROWS.decode().encode("cp932", "replace")) is None
    assert container_kind(b"") is None


def test_a_container_is_refused_before_its_first_record_and_the_stream_rewound() -> None:
    f = io.BytesIO(b"PK\x03\x04" + _zip(xl__workbook_xml="<workbook/>")[4:])
    with pytest.raises(ReadError, match="Excel workbook"):
        check_container(f, "jumin.csv")
    plain = io.BytesIO(ROWS)
    plain.read(5)
    check_container(plain, "jumin.csv")
    assert plain.tell() == 5  # the sniffed bytes are read again by the reader


def test_an_unknown_encoding_label_is_a_definition_error() -> None:
    check_encoding(CsvDefinition(encoding="cp932"))
    check_encoding(CsvDefinition(encoding="utf-8"))
    with pytest.raises(DefinitionError):
        check_encoding(CsvDefinition(encoding="shift-jis-2099"))


def test_open_source_names_paths_bytes_and_streams(tmp_path: Path) -> None:
    p = tmp_path / "juki_jumin.csv"
    p.write_bytes(ROWS)
    f, name, close = open_source(p)
    assert (f.read(), name) == (ROWS, "juki_jumin.csv") and close is not None
    close()
    assert f.closed
    f, name, close = open_source(ROWS)
    assert (f.read(), name, close) == (ROWS, "<bytes>", None)
    stream = io.BytesIO(ROWS)
    assert open_source(stream) == (stream, "<stream>", None)


def test_counting_reader_counts_each_byte_once_across_a_seek_back() -> None:
    stats = ReadStats()
    r = CountingReader(io.BytesIO(ROWS), stats)
    assert r.read(10) == ROWS[:10] and stats.bytes_read == 10
    r.seek(0)  # the careful CSV path reads the file again
    buf = bytearray(len(ROWS) + 8)
    assert r.readinto(buf) == len(ROWS) and bytes(buf[: len(ROWS)]) == ROWS
    assert stats.bytes_read == len(ROWS)


def test_counting_reader_of_a_stream_that_cannot_seek() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._b = io.BytesIO(ROWS)

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            return self._b.read(size)

    stats = ReadStats()
    r = CountingReader(Pipe(), stats)  # type: ignore[arg-type]
    assert not r.seekable()
    with pytest.raises(io.UnsupportedOperation):
        r.seek(0)
    while r.read(7):
        pass
    assert stats.bytes_read == len(ROWS)
