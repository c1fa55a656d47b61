"""Every bad-input case, under both policies: nothing dropped, strict names record/offset/hex."""

from __future__ import annotations

import io

import pytest

from chukan_layout.errors import DecodeError, FramingError
from chukan_layout.read import read, render_fixed
from chukan_layout.read.definition import CsvDefinition, FieldDef, FixedWidthDefinition, RecordType

ZENGIN = FixedWidthDefinition(
    framing="crlf",
    record_type_field={"start": 1, "length": 1},
    record_types=[
        RecordType(name="header", role="header", match="1", fields=[
            FieldDef(name="kubun", start=1, length=1), FieldDef(name="itaku", start=2, length=9)]),
        RecordType(name="data", match="2", fields=[
            FieldDef(name="kubun", start=1, length=1), FieldDef(name="shimei", start=2, length=6),
            FieldDef(name="kingaku", start=8, length=3, type="9")]),
        RecordType(name="trailer", role="trailer", match="8", fields=[
            FieldDef(name="kubun", start=1, length=1), FieldDef(name="kensu", start=2, length=9, type="9")]),
    ],
)


def _file(*data_rows: bytes) -> bytes:
    head = render_fixed(ZENGIN, "header", {"itaku": ["ﾄｳｷｮｳ"]})
    tail = render_fixed(ZENGIN, "trailer", {"kensu": [str(len(data_rows))]})
    return head + b"".join(data_rows) + tail


def _data(name: str, amount: str) -> bytes:
    return render_fixed(ZENGIN, "data", {"shimei": [name], "kingaku": [amount]})


def _read(data: bytes, d=ZENGIN, **kw):
    reader = read(io.BytesIO(data), d, source_id="ZENGIN.DAT", **kw)
    rows = [r for b in reader for r in b.to_pylist()]
    s = reader.stats
    assert s.records_seen == s.records_yielded + s.records_rejected + s.control_records
    return reader, rows


def test_clean_file_control_records() -> None:
    reader, rows = _read(_file(_data("髙橋", "100"), _data("山田", "200")))
    assert [r["_record"] for r in rows] == [2, 3]
    assert reader.headers[0]["itaku"].rstrip() == "ﾄｳｷｮｳ" and reader.headers[0]["_record"] == 1
    assert reader.trailers[0]["kensu"] == "000000002" and reader.trailers[0]["_record"] == 4
    assert reader.stats.control_records == 2


CASES = {
    "undecodable": (b"2\x82\x0a\x82\xa0  100\r\n", "read.decode", DecodeError),
    "wrong_length": (b"2abc100\r\n", "read.framing", FramingError),
    "unknown_type": (b"7ABCDEF100\r\n", "read.record_type", FramingError),
    "bad_zoned": (b"2ABCDEF1X0\r\n", "read.decode", DecodeError),
    "nul_byte": (b"2AB\x00DEF100\r\n", "read.decode", DecodeError),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_record_rejected_and_counted(case: str) -> None:
    bad, code, _exc = CASES[case]
    data = _file(_data("山田", "1"), bad, _data("髙橋", "2"))
    reader, rows = _read(data)
    assert [r["_record"] for r in rows] == [2, 4]
    assert len(reader.rejects) == 1
    rj = reader.rejects[0]
    assert (rj.record, rj.code, rj.source) == (3, code, "ZENGIN.DAT")
    assert rj.offset == data.index(bad) and rj.raw == bad.rstrip(b"\r\n")


@pytest.mark.parametrize("case", sorted(CASES))
def test_strict_names_file_record_offset_hex(case: str) -> None:
    bad, _code, exc = CASES[case]
    data = _file(_data("山田", "1"), bad)
    with pytest.raises(exc) as e:
        _read(data, policy="strict")
    msg = str(e.value)
    assert "ZENGIN.DAT" in msg and "record 3" in msg and f"byte offset {data.index(bad)}" in msg
    assert bad[:4].hex(" ") in msg


def test_on_reject_callback_gets_every_reject() -> None:
    seen = []
    read(io.BytesIO(_file(b"2x\r\n", b"9\r\n")), ZENGIN, on_reject=seen.append).read_all()
    assert [r.record for r in seen] == [2, 3]


FB = FixedWidthDefinition(framing="fixed", record_types=[RecordType(name="r", fields=[
    FieldDef(name="a", start=1, length=4), FieldDef(name="n", start=5, length=3, type="P")])])


def test_truncated_last_record_fixed() -> None:
    good = render_fixed(FB, "r", {"a": ["ABCD", "ｶﾞｯｺ"], "n": ["12345", "-1"]})
    reader, rows = _read(good + b"AB", FB)
    assert [r["n"] for r in rows] == ["12345", "-1"]
    assert reader.rejects[0].record == 3 and reader.rejects[0].raw == b"AB" and "truncated" in reader.rejects[0].reason


def test_trailing_garbage_line_file() -> None:
    data = _file(_data("山田", "1")) + b"\x1a"
    reader, rows = _read(data)
    assert len(rows) == 1 and reader.rejects[-1].raw == b"\x1a" and reader.rejects[-1].code == "read.framing"


def test_bad_packed_sign() -> None:
    reader, rows = _read(b"ABCD\x12\x34\x50", FB)
    assert rows == [] and reader.rejects[0].code == "read.decode" and "packed" in reader.rejects[0].reason


def test_bad_rdw_rejects_rest_and_keeps_count() -> None:
    d = FB.model_copy(update={"framing": "rdw"})
    good = render_fixed(d, "r", {"a": ["ABCD"] * 2, "n": ["1", "2"]})
    reader, rows = _read(good + b"\x00\x0b\x01\x00garbage", d)
    assert len(rows) == 2 and reader.rejects[0].code == "read.framing" and "bad RDW" in reader.rejects[0].reason
    with pytest.raises(FramingError, match="record 3"):
        _read(good + b"\x00\x0b\x01\x00garbage", d, policy="strict")


# --- CSV -----------------------------------------------------------------------------

CSV = CsvDefinition(encoding="cp932")


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (b"3,x,y", "read.csv_structure"),  # ragged: too many fields
        (b"3", "read.csv_structure"),  # ragged: too few
        (b"", "read.csv_structure"),  # empty line in a 2-column file
        (b"3,\x82", "read.decode"),  # lead byte without trail
        (b"3,a\x00b", "read.decode"),  # NUL
        (b'3,"never closed', "read.csv_structure"),  # unbalanced quote
    ],
)
def test_csv_bad_rows(bad: bytes, code: str) -> None:
    data = "番号,氏名\r\n1,髙橋\r\n2,\"a,b\"\r\n".encode("cp932") + bad + b'\r\n4,"x\r\ny"\r\n5,ok\r\n'
    reader, rows = _read(data, CSV, batch_size=2)
    assert [(r["_record"], r["番号"]) for r in rows] == [(2, "1"), (3, "2"), (5, "4"), (6, "5")]
    assert rows[2]["氏名"] == "x\r\ny"
    assert [(r.record, r.code) for r in reader.rejects] == [(4, code)]
    assert reader.rejects[0].raw == bad and reader.rejects[0].offset == data.index(b"\r\n2,") + 11


def test_csv_strict_raises_with_record() -> None:
    data = "番号,氏名\r\n1,髙橋\r\n2\r\n".encode("cp932")
    with pytest.raises(FramingError, match="record 3"):
        _read(data, CSV, policy="strict")
