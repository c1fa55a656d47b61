"""The fast CSV path stops early while Arrow's readahead thread is still reading: no late read
may move the stream under the careful path that reads the file again (a flaky 1 MiB loss)."""

from __future__ import annotations

import io
import threading
import time
import weakref

import pytest

from chukan_layout.readers import csv_reader, csvparse
from chukan_layout.readers.api import read
from chukan_layout.readers.csv_guard import ByteGuard
from chukan_layout.readers.definition import CsvDefinition

D = CsvDefinition(encoding="cp932", header=True)


@pytest.fixture(autouse=True)
def arrow_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about Arrow's readahead thread: the compiled parse (readers/csvparse.py), which
    reads on the caller's thread, is left out (its own fall-back to this route: test_csvparse.py)."""
    monkeypatch.setattr(csvparse, "_kernel", None)


class SlowAhead(io.BytesIO):
    """Reads from any thread but the caller's are slow, so Arrow's readahead is still in flight
    when the caller falls back; every read after the caller's seek back to 0 is recorded."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.main = threading.get_ident()
        self.ahead = self.rewound = False  # Arrow read / the caller seeked back after that
        self.late: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        if threading.get_ident() != self.main:
            self.ahead = True
            time.sleep(0.02)
            if self.rewound:
                self.late.append(self.tell())
        return super().read(size)

    def seek(self, pos: int, whence: int = 0) -> int:
        if pos == 0 and whence == 0 and threading.get_ident() == self.main and self.ahead:
            self.rewound = True
        return super().seek(pos, whence)


def test_a_bad_byte_found_on_the_callers_thread_loses_nothing() -> None:
    good = "1,髙橋 ﾀﾛｳ,東京都葛飾区〜１\r\n".encode("cp932")
    bad = b"2,\x81\x7f,x\r\n"  # not cp932: found by the column decode, on the caller's thread
    rows = 6 * (1 << 20) // len(good)  # several of the reader's 1 MiB blocks before and after it
    data = b"a,b,c\r\n" + good * 3000 + bad + good * rows
    f = SlowAhead(data)
    r = read(f, D, source_id="ahead.csv")
    n = sum(b.num_rows for b in r)
    assert n == 3000 + rows
    assert [(x.record, x.offset) for x in r.rejects] == [(3002, 7 + 3000 * len(good))]  # type: ignore[attr-defined]
    assert f.rewound and f.late == []


def test_a_detached_guard_reads_nothing_more() -> None:
    f = io.BytesIO(b"a,b\r\n1,2\r\n")
    g = ByteGuard(f, True, 0x22, 0x2C)
    assert g.read(5) == b"a,b\r\n"
    g.detach()
    assert g.read(5) == b"" and f.tell() == 5


def test_the_switch_to_the_careful_path_leaves_no_live_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad UTF-8 byte a few blocks in trips the guard on Arrow's readahead thread: when the careful
    path starts, every ``open_csv`` reader of the fast path is gone and the guard reads nothing more
    (a reader kept alive by its error's traceback hung the interpreter at exit: csv_reader.drop_frames)."""
    readers: list[weakref.ref[object]] = []
    guards: list[ByteGuard] = []
    open_csv, careful = csv_reader.pacsv.open_csv, csv_reader.careful

    def spy_open(src: object, **kw: object) -> object:
        if isinstance(src, ByteGuard):
            guards.append(src)
        r = open_csv(src, **kw)
        readers.append(weakref.ref(r))
        return r

    at_switch: list[tuple[bool, bool]] = []  # (a reader alive, every guard detached)

    def spy_careful(*a: object, **kw: object) -> object:
        at_switch.append((any(r() is not None for r in readers), all(g.read(1) == b"" for g in guards)))
        yield from careful(*a, **kw)

    monkeypatch.setattr(csv_reader.pacsv, "open_csv", spy_open)
    monkeypatch.setattr(csv_reader, "careful", spy_careful)
    good = "1,髙橋 ﾀﾛｳ,東京都葛飾区〜１\r\n".encode()
    rows = 3 * (1 << 20) // len(good)
    data = b"a,b,c\r\n" + good * rows + b"2,\xff\xfe,x\r\n" + good * (rows // 4)
    # before the fix the cycle formed in about half such reads (it depends on the readahead's timing)
    for _ in range(5):
        readers.clear()
        guards.clear()
        r = read(io.BytesIO(data), CsvDefinition(encoding="utf-8", header=True), source_id="bad.csv")
        assert sum(b.num_rows for b in r) == rows + rows // 4
        assert [x.record for x in r.rejects] == [rows + 2]  # type: ignore[attr-defined]
        assert guards  # (open_csv itself may raise: Arrow reads ahead before it returns)
    assert at_switch == [(False, True)] * 5
