"""A quoted field never closed, 50 MiB long, is one reject, not one per 4 MiB block (issue 14 point 4)."""

from __future__ import annotations

import hashlib
import io

import pytest

from chukan_layout.readers import _csv_careful
from chukan_layout.readers.api import read
from chukan_layout.readers.definition import CsvDefinition

# every test twice: the compiled CSV parse where built, then Arrow's parse alone (conftest.parse_routes)
pytestmark = pytest.mark.usefixtures("parse_routes")


D = CsvDefinition(encoding="cp932", header=True)


def _read(data: bytes) -> tuple[list[dict[str, str]], object]:
    r = read(io.BytesIO(data), D, source_id="big.csv")
    rows = [row for b in r for row in b.select(["a", "b"]).to_pylist()]
    return rows, r


def test_a_50_mib_unclosed_quoted_field_counts_once() -> None:
    line = b'3,"' + "髙﨑".encode("cp932") * (25 << 20)  # 50 MiB, no line end, the quote never closes
    data = b"a,b\r\n1,2\r\n" + line + b"\r\n4,5\r\n"
    rows, r = _read(data)
    assert rows == [{"a": "1", "b": "2"}, {"a": "4", "b": "5"}]
    (rej,) = r.rejects  # type: ignore[attr-defined]
    assert (rej.record, rej.offset, rej.code) == (3, 10, "read.csv_structure")
    assert rej.size == len(line) and rej.sha256 == hashlib.sha256(line).hexdigest()
    assert rej.raw == line[: len(rej.raw)] and "unbalanced quote" in rej.reason
    s = r.stats  # type: ignore[attr-defined]
    assert (s.records_seen, s.records_rejected, s.records_yielded, s.control_records) == (4, 1, 2, 1)


@pytest.mark.parametrize("cut", [0, 1, 2])
def test_long_line_across_many_small_blocks(cut: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv_careful, "_BLOCK", 64)
    monkeypatch.setattr(_csv_careful, "MAX_RECORD_BYTES", 16)
    line = b'3,"' + b"x" * (300 + cut)  # the CR of its CRLF lands on a block edge for one cut
    data = b"a,b\r\n1,2\r\n" + line + b"\r\n4,5\r\n6,7\r\n"
    rows, r = _read(data)
    assert rows == [{"a": "1", "b": "2"}, {"a": "4", "b": "5"}, {"a": "6", "b": "7"}]
    (rej,) = r.rejects  # type: ignore[attr-defined]
    assert rej.record == 3 and rej.size == len(line) and rej.offset == 10
