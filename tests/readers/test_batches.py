"""Record numbers across batch boundaries, multi-type dispatch, limits and metadata."""

from __future__ import annotations

import io

import pyarrow as pa
import pytest

from chukan_layout.readers import read, render_csv, render_fixed
from chukan_layout.readers.definition import CsvDefinition, FieldDef, FixedWidthDefinition, RecordType

# every test twice: the compiled CSV parse where built, then Arrow's parse alone (conftest.parse_routes)
pytestmark = pytest.mark.usefixtures("parse_routes")


def _multi(framing: str) -> FixedWidthDefinition:
    return FixedWidthDefinition(
        framing=framing,
        record_type_field={"start": 1, "length": 1},
        record_types=[
            RecordType(
                name="header",
                role="header",
                match="1",
                fields=[
                    FieldDef(name="kubun", start=1, length=1),
                    FieldDef(name="dantai", start=2, length=6),
                ],
            ),
            RecordType(
                name="jumin",
                match="2",
                fields=[
                    FieldDef(name="kubun", start=1, length=1),
                    FieldDef(name="atena", start=2, length=6, type="9"),
                ],
            ),
            RecordType(
                name="setai",
                match="3",
                fields=[
                    FieldDef(name="kubun", start=1, length=1),
                    FieldDef(name="setai", start=2, length=6, type="9"),
                ],
            ),
            RecordType(
                name="trailer",
                role="trailer",
                match="8",
                fields=[
                    FieldDef(name="kubun", start=1, length=1),
                    FieldDef(name="kensu", start=2, length=6, type="9"),
                ],
            ),
            RecordType(
                name="end",
                role="end",
                match="9",
                fields=[FieldDef(name="kubun", start=1, length=1)],
                length=7,
            ),
        ],
    )


@pytest.mark.parametrize("framing", ["fixed", "crlf", "rdw", "vb"])
@pytest.mark.parametrize("batch_size", [1, 2, 3, 7, 1000])
def test_numbers_and_dispatch_across_batches(framing: str, batch_size: int) -> None:
    d = _multi(framing)
    parts = [render_fixed(d, "header", {"dantai": ["131016"]})]
    kinds = []
    for i in range(10):
        t = "jumin" if i % 3 else "setai"
        kinds.append(t)
        parts.append(render_fixed(d, t, {"atena" if t == "jumin" else "setai": [str(i)]}))
    parts.append(render_fixed(d, "trailer", {"kensu": ["10"]}))
    parts.append(render_fixed(d, "end", {}, count=1))
    reader = read(io.BytesIO(b"".join(parts)), d, batch_size=batch_size, source_id="JUKI.DAT")
    seen: dict[int, str] = {}
    for batch in reader:
        assert batch.num_rows <= batch_size
        md = batch.schema.metadata
        assert md[b"source"] == b"JUKI.DAT"
        assert batch.schema.field("_record").type == pa.int64()
        for rec in batch.column("_record").to_pylist():
            seen[rec] = md[b"record_type"].decode()
    assert seen == {i + 2: t for i, t in enumerate(kinds)}
    assert (
        reader.headers[0]["_record"] == 1
        and reader.trailers[0]["_record"] == 12
        and reader.ends[0]["_record"] == 13
    )
    assert reader.stats.records_seen == 13 and reader.stats.records_yielded == 10


def test_limit_stops_early() -> None:
    d = FixedWidthDefinition(
        record_types=[RecordType(name="r", fields=[FieldDef(name="a", start=1, length=2)])]
    )
    reader = read(io.BytesIO(b"ab" * 100), d, limit=5, batch_size=2)
    assert [r["_record"] for b in reader for r in b.to_pylist()] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("batch_size", [1, 4, 100])
@pytest.mark.parametrize("bad", [False, True])
def test_csv_numbers_across_batches(batch_size: int, bad: bool) -> None:
    d = CsvDefinition(encoding="cp932", columns=["bango", "biko"])
    rows = [str(i) for i in range(23)]
    data = render_csv(d, {"bango": rows, "biko": ["髙\r\n﨑" if i % 5 == 0 else "x" for i in range(23)]})
    if bad:  # a ragged row in the middle sends the read to the careful path after some batches
        data = data.replace(b'"12","x"', b'"12","x","extra"')
    reader = read(io.BytesIO(data), d, batch_size=batch_size)
    got = [(r["_record"], r["bango"]) for b in reader for r in b.to_pylist()]
    want = [(i + 2, str(i)) for i in range(23) if not (bad and i == 12)]
    assert got == want
    assert [r.record for r in reader.rejects] == ([14] if bad else [])


def test_explicit_encoding_wins() -> None:
    d = CsvDefinition(encoding="cp932", columns=["a"])
    data = "氏名\r\n髙橋\r\n".encode()
    got = [r["a"] for b in read(io.BytesIO(data), d, encoding="utf-8") for r in b.to_pylist()]
    assert got == ["髙橋"]
