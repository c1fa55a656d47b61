"""The byte-level record count of ``snapshot create`` / ``verify`` (no Parquet) is the reader's count,
whatever the bytes: quoted CR/LF inside values, LF or CRLF, no final line end, empty lines, lone CRs,
unclosed quotes, NUL bytes (the last ones by handing over to the guarded reader)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.errors import ReadError
from chukan_layout.snapshots.count import LineCounter
from chukan_layout.snapshots.filecopy import _parse, scan_file
from chukan_layout.spec.registry import load_layout

SETAI = load_layout("juki.setai").spec
VALUES = st.lists(st.sampled_from(["a", "髙", '"', ",", "\r", "\n", "\r\n", " ", "ﾊﾟ"]), max_size=6).map(
    "".join
)
NOISE = st.sampled_from(["", "\r\n", "\n", "\r", '"', "\x00", "\r\n\r\n", 'x"y'])


def _csv(rows: list[tuple[str, str]], terminator: str, final: bool) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=terminator, quoting=csv.QUOTE_ALL)
    w.writerow(["世帯番号", "世帯主氏名"])
    w.writerows(rows)
    text = buf.getvalue()
    return (text if final else text[: -len(terminator)] if rows else text).encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(VALUES, VALUES), max_size=8), terminator=st.sampled_from(["\r\n", "\n"]),
       final=st.booleans(), noise=NOISE, at=st.integers(0, 400), split=st.integers(1, 97))  # fmt: skip
def test_count_is_the_readers_count(tmp_path_factory: object, rows: list[tuple[str, str]], terminator: str,
                                    final: bool, noise: str, at: int, split: int) -> None:  # fmt: skip
    data = _csv(rows, terminator, final)
    head = data.index(b"\n") + 1  # the header stays intact
    cut = head + at % (len(data) - head + 1)
    data = data[:cut] + noise.encode() + data[cut:]
    path = tmp_path_factory.mktemp("count") / "juki_setai.csv"  # type: ignore[attr-defined]
    path.write_bytes(data)
    try:
        expected = _parse(path, None, SETAI, None).records
    except ReadError:  # bytes the reader gives up on (exit 2): no count to agree with
        expected = None
    if expected is not None:
        assert scan_file(path, SETAI).records == expected
    if not noise:
        counter = LineCounter()
        for i in range(0, len(data), split):  # any block boundaries
            counter.feed(data[i : i + split])
        multiline = any("\n" in v for r in rows for v in r)  # the reader's business (see count.py)
        assert counter.records == (None if multiline else len(rows))


def test_a_lone_carriage_return_hands_over_to_the_reader(tmp_path: Path) -> None:
    counter = LineCounter()
    counter.feed(b'"a","b"\r\n"1","2"\r"3","4"\r\n')
    assert counter.records is None
