from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.model import Layout
from chukan_layout.write import RejectsWriter, StandardCsvWriter, csv_rows, guard_cell, write_standard_csv
from chukan_layout.write.standard_csv import OutputEncodingError


@pytest.fixture(scope="module", params=["kernel", "arrow"], autouse=True)
def route(request: pytest.FixtureRequest) -> object:
    """Every test of this module twice: with the compiled row writer where it is built
    (write/csv_rows.py) and with Arrow's CSV writer alone (its pure route, the same bytes)."""
    kept = csv_rows._kernel
    if request.param == "arrow":
        csv_rows._kernel = None
    yield request.param
    csv_rows._kernel = kept


MODELLED = {"status": "modelled"}
LAYOUT = Layout.model_validate(
    {
        "id": "test.jumin",
        "gyomu": "住民基本台帳",
        "gyomu_id": "test",
        "file_name": "住民.csv",
        "title": {"ja": "住民", "en": "Residents"},
        "spec_version": "test",
        "record_key": ["atena_no"],
        "provenance": MODELLED,
        "items": [
            {"id": "atena_no", "name": "宛名番号", "type": "digits", "provenance": MODELLED},
            {"id": "shimei", "name": "氏名", "type": "text", "provenance": MODELLED},
            {"id": "katagaki", "name": "方書", "type": "text", "provenance": MODELLED},
        ],
    }
)


def _batch(rows: list[tuple[str, str, str]], first: int = 1) -> pa.RecordBatch:
    cols = list(zip(*rows, strict=True)) if rows else [(), (), ()]
    return pa.record_batch(
        {
            "_record": pa.array(range(first, first + len(rows)), pa.int64()),
            "atena_no": pa.array(cols[0], pa.string()),
            "shimei": pa.array(cols[1], pa.string()),
            "katagaki": pa.array(cols[2], pa.string()),
        }
    )


def test_profile_utf8_crlf_header_quotes(tmp_path):
    out = tmp_path / "住民.csv"
    rows = [("0000012", "髙橋　﨑子", 'ハイツ"A",1F\n奥'), ("0000020", "葛\U000e0100飾", "")]
    w = write_standard_csv(out, LAYOUT, [_batch(rows)])
    data = out.read_bytes()
    assert data.startswith('"宛名番号","氏名","方書"\r\n'.encode())
    assert data.count(b"\r\n") == 3
    assert w.records == 2
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert parsed[1:] == [list(r) for r in rows]
    import hashlib

    assert w.sha256 == hashlib.sha256(data).hexdigest()


@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8), st.text(max_size=8)), max_size=20))
def test_round_trip_any_text(tmp_path_factory, rows):
    rows = [tuple(v.replace("\x00", "") for v in r) for r in rows]
    out = tmp_path_factory.mktemp("rt") / "x.csv"
    write_standard_csv(out, LAYOUT, [_batch(rows)])
    parsed = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert [tuple(r) for r in parsed[1:]] == rows


def test_cp932_output_and_clear_error(tmp_path):
    out = tmp_path / "a.csv"
    write_standard_csv(out, LAYOUT, [_batch([("1", "髙橋", "～")])], encoding="cp932")
    assert "髙橋".encode("cp932") in out.read_bytes()
    with pytest.raises(OutputEncodingError, match=r"record 2: 氏名 \(shimei\): character U\+845B U\+E0100"):
        write_standard_csv(
            tmp_path / "b.csv",
            LAYOUT,
            [_batch([("1", "a", ""), ("2", "葛\U000e0100", "")])],
            encoding="cp932",
        )
    assert not (tmp_path / "b.csv").exists()
    assert not list(tmp_path.glob(".b.csv.part-*"))


def test_atomic_no_half_written_output(tmp_path):
    out = tmp_path / "c.csv"
    with pytest.raises(RuntimeError), StandardCsvWriter(out, LAYOUT) as w:
        w.write(_batch([("1", "a", "b")]))
        raise RuntimeError("crash mid-run")
    assert not out.exists() and not list(tmp_path.iterdir())


def test_missing_item_is_an_error(tmp_path):
    with (
        pytest.raises(Exception, match="lacks layout items"),
        StandardCsvWriter(tmp_path / "d.csv", LAYOUT) as w,
    ):
        w.write(pa.record_batch({"atena_no": pa.array(["1"])}))


def test_rejects_writer_guards_and_is_lazy(tmp_path):
    p = tmp_path / "rejects.csv"
    with RejectsWriter(p):
        pass
    assert not p.exists()
    with RejectsWriter(p) as r:
        r.add(
            source="JUMIN.DAT",
            record=7,
            offset=1400,
            stage="read",
            code="read.decode",
            reason="=cmd|' /C calc'!A0",
            raw=b"\x81\xff",
        )
        r.add(
            source="住民.csv",
            record=9,
            stage="validate",
            code="item.check_digit",
            reason="bad CD",
            values={"kojin_bango": "123456789011"},
        )
    rows = list(csv.reader(io.StringIO(p.read_text("utf-8"), newline="")))
    assert rows[0][:3] == ["source", "record", "offset"]
    assert rows[1][5].startswith("'=") and rows[1][6] == "81ff"
    assert rows[2][7] == '{"kojin_bango": "123456789011"}'
    assert r.count == 2


def test_guard_cell():
    for bad in ("=1+1", "+81", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert guard_cell(bad).startswith("'")
    assert guard_cell("山田") == "山田"
