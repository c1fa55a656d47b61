"""The CSV reader streams a seekable file (no whole-file buffer) and counts bytes once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from chukan_layout.readers import read, render_csv
from chukan_layout.readers.definition import CsvDefinition

# every test twice: the compiled CSV parse where built, then Arrow's parse alone (conftest.parse_routes)
pytestmark = pytest.mark.usefixtures("parse_routes")


D = CsvDefinition(encoding="cp932", header=True, columns=["atena_no", "shimei"])


def _csv(n: int, bad_at: int | None = None) -> bytes:
    cols = {
        "atena_no": [str(100000 + i) for i in range(n)],
        "shimei": ["髙橋　太郎" if i % 2 else "﨑山　花子" for i in range(n)],
    }
    data = render_csv(D, cols)
    if bad_at is not None:  # a ragged row sends the reader to its careful path (which seeks back)
        lines = data.split(b"\r\n")
        lines[bad_at] += b',"extra"'
        data = b"\r\n".join(lines)
    return data


class _Tracking(io.BytesIO):
    unbounded = 0  # reads without a size: the whole rest of the file at once

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        if size is None or size < 0:
            _Tracking.unbounded += 1
        return super().read(size)


def test_seekable_source_is_read_in_blocks_and_counted_once(tmp_path: Path) -> None:
    for bad in (None, 5000):
        data = _csv(60_000, bad)
        _Tracking.unbounded = 0
        r = read(_Tracking(data), D)
        rows = sum(b.num_rows for b in r)
        assert rows + len(r.rejects) == 60_000 and len(r.rejects) == (bad is not None)
        assert _Tracking.unbounded == 0  # read in blocks, never the whole file at once
        assert r.stats.bytes_read == len(data)  # the careful path's re-read is not counted twice


def test_unseekable_stream_still_reads() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._b = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:  # type: ignore[no-untyped-def,override]
            chunk = self._b.read(len(b))
            b[: len(chunk)] = chunk
            return len(chunk)

    data = _csv(1000, 10)
    r = read(io.BufferedReader(Pipe(data)), D)
    assert sum(b.num_rows for b in r) == 999 and r.rejects[0].record == 11  # line 10 after the header
    assert r.stats.bytes_read == len(data)


def test_guard_empty_lines_and_malformed_quotes() -> None:
    import numpy as np

    from chukan_layout.readers._csv_careful import malformed_quotes
    from chukan_layout.readers.csv_guard import scan_block

    def scan(text: bytes, empty_lines: bool = True) -> bool:
        buf = np.frombuffer(text, np.uint8)
        return scan_block(buf, ord('"'), ord(","), 0, empty_lines, np.empty(len(buf), bool))[0]

    for text, expected in [
        (b"a\r\nb\r\n", False),
        (b"a\n\nb", True),
        (b"a\r\n\r\nb", True),
        (b"a\n\r\n", True),
        (b"\n", False),
        # a lone CR right after LF ends an empty line: Arrow yielded it as a record of blanks
        (b"a\nb\n\rc", True),
        (b"a\rb\r\rc", True),
        (b"a\nb\r\nc\rd", False),
        (b'a\n"b\n\rc"\n', False),  # inside quotes the CR is data
    ]:
        assert scan(text) == expected, text
        assert not scan(text, empty_lines=False)
    buf = np.frombuffer(b'"a","b"x,"c"\r\n"d""e",f', np.uint8)
    assert malformed_quotes(buf, 0, ord('"'), ord(",")).tolist() == [6]
    assert scan(b'"a","b"x,"c"\r\n"d""e",f') and not scan(b'"a","b",x,"c"\r\n"d""e",f')
