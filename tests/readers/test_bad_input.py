"""Every bad-input case, under both policies: nothing dropped, strict names record/offset/hex."""

from __future__ import annotations

import io

import pytest

from chukan_layout.errors import DecodeError, FramingError
from chukan_layout.readers import read, render_fixed
from chukan_layout.readers.definition import CsvDefinition, FieldDef, FixedWidthDefinition, RecordType

# every test twice: the compiled CSV parse where built, then Arrow's parse alone (conftest.parse_routes)
pytestmark = pytest.mark.usefixtures("parse_routes")


ZENGIN = FixedWidthDefinition(
    framing="crlf",
    record_type_field={"start": 1, "length": 1},
    record_types=[
        RecordType(
            name="header",
            role="header",
            match="1",
            fields=[FieldDef(name="kubun", start=1, length=1), FieldDef(name="itaku", start=2, length=9)],
        ),
        RecordType(
            name="data",
            match="2",
            fields=[
                FieldDef(name="kubun", start=1, length=1),
                FieldDef(name="shimei", start=2, length=6),
                FieldDef(name="kingaku", start=8, length=3, type="9"),
            ],
        ),
        RecordType(
            name="trailer",
            role="trailer",
            match="8",
            fields=[
                FieldDef(name="kubun", start=1, length=1),
                FieldDef(name="kensu", start=2, length=9, type="9"),
            ],
        ),
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


FB = FixedWidthDefinition(
    framing="fixed",
    record_types=[
        RecordType(
            name="r",
            fields=[FieldDef(name="a", start=1, length=4), FieldDef(name="n", start=5, length=3, type="P")],
        )
    ],
)


def test_truncated_last_record_fixed() -> None:
    good = render_fixed(FB, "r", {"a": ["ABCD", "ｶﾞｯｺ"], "n": ["12345", "-1"]})
    reader, rows = _read(good + b"AB", FB)
    assert [r["n"] for r in rows] == ["12345", "-1"]
    assert (
        reader.rejects[0].record == 3
        and reader.rejects[0].raw == b"AB"
        and "truncated" in reader.rejects[0].reason
    )


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
    assert (
        len(rows) == 2 and reader.rejects[0].code == "read.framing" and "bad RDW" in reader.rejects[0].reason
    )
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
    data = '番号,氏名\r\n1,髙橋\r\n2,"a,b"\r\n'.encode("cp932") + bad + b'\r\n4,"x\r\ny"\r\n5,ok\r\n'
    reader, rows = _read(data, CSV, batch_size=2)
    assert [(r["_record"], r["番号"]) for r in rows] == [(2, "1"), (3, "2"), (5, "4"), (6, "5")]
    assert rows[2]["氏名"] == "x\r\ny"
    assert [(r.record, r.code) for r in reader.rejects] == [(4, code)]
    assert reader.rejects[0].raw == bad and reader.rejects[0].offset == data.index(b"\r\n2,") + 11


def test_csv_strict_raises_with_record() -> None:
    data = "番号,氏名\r\n1,髙橋\r\n2\r\n".encode("cp932")
    with pytest.raises(FramingError, match="record 3"):
        _read(data, CSV, policy="strict")


# --- CSV: the last record at the end of the file ------------------------------------------
# A missing final CRLF alone is not a fault. The last record is *truncated* (read.framing) when,
# with no line end after it, its quotes do not balance (a quoted field opened on the last line runs
# to EOF) or it has fewer fields than the header. A cut that lands right after a delimiter or
# inside an unquoted last field leaves a well-formed record: no reader can tell it from a short value.

_HEAD = "番号,氏名,更新日時\r\n".encode("cp932")
_ROWS = '"1","髙橋　太郎","2025/04/01 09:00:00"\r\n"2","﨑山　花子","2025/04/01 09:00:00"\r\n'.encode("cp932")


@pytest.mark.parametrize(
    ("tail", "why"),
    [
        ('"3","渡邊　ﾊﾟｳﾛ","2025/04/01 09', "inside a quoted field"),  # the generator's cut: 9 bytes off
        ('"3","渡邊　ﾊﾟｳﾛ","2025/04/01 09:00:00\r\n', "inside a quoted field"),  # the quote swallows CRLF
        ('"3","渡邊', "inside a quoted field"),  # cut inside a DBCS name
        ('"3","渡邊　ﾊﾟｳﾛ"', "2 of 3 fields"),  # cut at a field end: a column is missing
        ("3,渡邊", "2 of 3 fields"),
    ],
)
@pytest.mark.parametrize("batch_size", [1, 65536])
def test_csv_truncated_last_record_is_framing(tail: str, why: str, batch_size: int) -> None:
    raw = tail.encode("cp932")
    data = _HEAD + _ROWS + raw
    reader, rows = _read(data, CSV, batch_size=batch_size)
    assert [r["_record"] for r in rows] == [2, 3] and rows[1]["氏名"] == "﨑山　花子"
    [rej] = reader.rejects
    assert (rej.record, rej.offset, rej.raw, rej.code) == (4, len(_HEAD + _ROWS), raw, "read.framing")
    assert "truncated last record" in rej.reason and why in rej.reason


def test_csv_truncated_last_record_strict_names_file_record_offset_hex() -> None:
    data = _HEAD + _ROWS + '"3","渡邊'.encode("cp932")
    with pytest.raises(FramingError) as e:
        _read(data, CSV, policy="strict")
    msg = str(e.value)
    assert e.value.record == 4 and e.value.offset == len(_HEAD + _ROWS) and e.value.file == "ZENGIN.DAT"
    assert (
        "record 4" in msg
        and f"byte offset {len(_HEAD + _ROWS)}" in msg
        and "hex: 22 33 22 2c 22 93 6e" in msg
    )


@pytest.mark.parametrize(
    "tail",
    [
        '"3","渡邊　ﾊﾟｳﾛ","2025/04/01 09:00:00"',  # complete, quoted, no final CRLF
        "3,渡邊,2025/04/01",  # complete, unquoted
        '"3","渡邊",',  # last field empty: complete as far as anyone can tell
        '"3","渡邊","x"\r',  # a lone CR at the very end
    ],
)
def test_csv_last_record_without_final_newline_is_accepted(tail: str) -> None:
    reader, rows = _read(_HEAD + _ROWS + tail.encode("cp932"), CSV, policy="strict")
    assert [r["_record"] for r in rows] == [2, 3, 4] and not reader.rejects
    assert rows[2]["番号"] == "3" and rows[2]["氏名"].startswith("渡邊")


def test_csv_unbalanced_quote_before_the_last_line_stays_structure() -> None:
    """A quote opened on an earlier line and running to EOF is not a truncation: that line alone is
    rejected and the lines after it are read."""
    data = _HEAD + '"1","髙橋\r\n"2","﨑山","x"\r\n"3","渡邊","y"\r\n'.encode("cp932")
    reader, rows = _read(data, CSV)
    assert [(r["_record"], r["番号"]) for r in rows] == [(3, "2"), (4, "3")]
    assert [(r.record, r.code) for r in reader.rejects] == [(2, "read.csv_structure")]


def test_csv_truncated_last_record_after_a_long_clean_stream() -> None:
    """The fast path (Arrow) would close the open quote silently; the EOF check hands the read to the
    careful path, which resumes after the rows already yielded."""
    rows_b = b"".join(f'"{i}","髙橋","2025/04/01 09:00:00"\r\n'.encode("cp932") for i in range(1, 30001))
    data = _HEAD + rows_b + b'"30001","\x8f\xe9'
    reader, rows = _read(data, CSV, batch_size=7000)
    assert len(rows) == 30000 and rows[-1]["_record"] == 30001
    assert [(r.record, r.code, r.offset) for r in reader.rejects] == [
        (30002, "read.framing", len(_HEAD + rows_b))
    ]


@pytest.mark.parametrize("final", [b"\r\n", b""])
@pytest.mark.parametrize("row", [0, 1, 2])
def test_csv_stray_cr_outside_quotes_ends_a_record_and_loses_nothing(row: int, final: bytes) -> None:
    """A lone CR outside quotes is a line end (as Arrow and Python's csv read it): the record it
    cuts becomes two ragged rejects with their raw bytes; the other records are read; the file
    does not fail (it gave exit 2 naming the last record, whichever row held the CR)."""
    rows = [b'"1","\x9f\x82\x8b\x8b\x96\xec","x"', b'"2","\xe8\x8e\x8eR","y"', b'"3","\x93n\xe7\xb1","z"']
    rows[row] = rows[row].replace(b'","', b'",\r"', 1)  # 番号 | 氏名,更新日時
    data = _HEAD + b"\r\n".join(rows) + final
    reader, got = _read(data, CSV)
    assert [r["番号"] for r in got] == [str(i + 1) for i in range(3) if i != row]
    rej = [(r.record, r.code) for r in reader.rejects]
    tail = "read.framing" if row == 2 and not final else "read.csv_structure"  # cut short at EOF
    assert rej == [(row + 2, "read.csv_structure"), (row + 3, tail)]
    first, second = reader.rejects
    assert bytes.fromhex(first.raw.hex()) + b"\r" + second.raw == rows[row]  # nothing of it lost
    assert first.offset == len(_HEAD) + sum(len(r) + 2 for r in rows[:row])


def test_csv_cr_only_line_ends_read_the_same_on_both_paths() -> None:
    rows = [f'"{i}","髙橋　ﾊﾟｳﾛ\r〜","2025/04/0{i % 9 + 1}"'.encode("cp932") for i in range(1, 200)]
    clean = "番号,氏名,更新日時\r".encode("cp932") + b"\r".join(rows) + b"\r"
    _, fast = _read(clean, CSV)
    reader, careful = _read(clean + b'"200","\x00","x"\r', CSV)  # the NUL sends it down the careful path
    assert careful == fast and len(fast) == 199 and fast[5]["氏名"] == "髙橋　ﾊﾟｳﾛ\r～"  # cp932's 〜 is ～
    assert [(r.record, r.code) for r in reader.rejects] == [(201, "read.decode")]
