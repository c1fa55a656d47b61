"""The CSV fast path (Arrow + byte guard) gives exactly what the careful, record-exact path gives.

The careful path is the reference (``csv_reader`` module docstring): on any bytes, the records
(values and record numbers), the rejects (record, byte offset, raw bytes, code, reason) and the
counts of a read must be the same whether the fast path ran, tripped half-way or never started.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import csv_reader
from chukan_layout.readers.api import read
from chukan_layout.readers.csv_guard import GuardTripped
from chukan_layout.readers.definition import CsvDefinition

# the bytes that steer the CSV reader (quotes, delimiters, line ends, NUL), plain and Japanese text
# in UTF-8 (髙, 〜, the ideographic space), a lone UTF-8 lead byte and a cp932 byte pair (both invalid UTF-8)
ALPHABET = [b'"', b",", b"\r", b"\n", b"\r\n", b"a", b"1", "　".encode(), "髙".encode(), "〜".encode(),
            b"\xe9", b"\x82\xa0", b"\x00", b'"x"', b'""']  # fmt: skip
ROW = b'"1","\xe9\xab\x99\xe6\xa9\x8b","a,b"\r\n'  # a well-formed row: most cases stay on the fast path


def _careful_only(*args: Any, **kw: Any) -> Iterator[Any]:
    raise GuardTripped
    yield  # pragma: no cover - a generator that trips at once


def _outcome(
    data: bytes, batch_size: int, guard: bool = True, batch_bytes: int | None = None
) -> tuple[Any, ...]:
    d = CsvDefinition(encoding="utf-8", header=True)
    r = read(io.BytesIO(data), d, batch_size=batch_size, csv_guard=guard, batch_bytes=batch_bytes)
    rows = [(row["_record"], tuple(v for k, v in row.items() if not k.startswith("_")))
            for b in r for row in b.to_pylist()]  # fmt: skip
    rejects = [(j.record, j.offset, j.raw, j.code, j.reason) for j in r.rejects]
    s = r.stats
    return rows, rejects, (s.records_seen, s.records_yielded, s.records_rejected, s.control_records)


def _careful(data: bytes, batch_size: int) -> tuple[Any, ...]:
    mp = pytest.MonkeyPatch()
    mp.setattr(csv_reader, "_fast", _careful_only)
    try:
        return _outcome(data, batch_size)
    finally:
        mp.undo()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(ALPHABET), st.just(ROW)), max_size=120).map(b"".join),
    st.integers(1, 4),
    st.integers(1, 7),
)
def test_fast_path_equals_careful_path(body: bytes, ncols: int, batch_size: int) -> None:
    header = ",".join(f'"c{i}"' for i in range(ncols)).encode() + b"\r\n"
    data = header + ROW * 3 + body
    assert _outcome(data, batch_size) == _careful(data, batch_size)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([ROW, b'"2","",""\r\n', '"3","〜","髙,﨑"\n'.encode()]), max_size=60))
def test_clean_rows_stay_equal_without_the_guard(rows: list[bytes]) -> None:
    """Bytes a split scan proved clean (well-formed rows): ``csv_guard=False`` reads them the same."""
    data = b'"a","b","c"\r\n' + b"".join(rows)
    assert _outcome(data, 5, guard=False) == _careful(data, 5)


def test_lone_cr_after_lf_is_an_empty_line_rejected_not_a_blank_record() -> None:
    """``\\n\\r`` (a lone CR after LF) ends an empty line: Arrow read it as a record of blanks, the
    guard now hands it to the careful path, which rejects it as ragged (record 3, its byte offset)."""
    data = b'"h1","h2"\n"a","b"\n\r"c","d"\n'
    rows, rejects, counts = _outcome(data, 10)
    assert rows == [(2, ("a", "b")), (4, ("c", "d"))]
    assert [(r[0], r[1], r[3]) for r in rejects] == [(3, 18, "read.csv_structure")]
    assert counts == (4, 2, 1, 1)


def test_empty_last_records_after_lone_crs_read_without_an_index_error() -> None:
    """``…\\r\\n\\r\\r"``: two empty records ended by lone CRs, then a quote open at EOF (the careful
    path's UTF-8 re-split lost the first lone CR and failed with an IndexError)."""
    data = b'"c0"\r\n"1"\r\n\r\r"'
    rows, rejects, _ = _outcome(data, 1)
    assert rows == [(2, ("1",)), (3, ("",)), (4, ("",))]
    assert [(r[0], r[3]) for r in rejects] == [(5, "read.framing")]
