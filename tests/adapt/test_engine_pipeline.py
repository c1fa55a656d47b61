"""Engine and convert pipeline on a small multi-record fixed-width fixture (rendered here)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest

from chukan_layout import pipeline
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.errors import AccountingError, InterruptedRun
from chukan_layout.findings import FindingSet
from chukan_layout.readers.render import render_fixed

from .conftest import provide

FIX = Path(__file__).parent / "fixtures"


def _files(tmp: Path, *, bad_bytes: bool = False) -> list[Path]:
    ad = load_adapter(FIX / "multi.yaml", layouts=provide)
    d = ad.sources["main"].definition
    people = {
        "ATENA": ["000000123", "000000124", "000000125", "000000126"],
        "NAME": ["山田　太郎", "髙橋　花子", "﨑田", "佐藤　一"],
        "BIRTH": ["3600214", "3100000", "4310501", "5010501"],
        "MACHI": ["0001", "0002", "0009", "0001"],
        "STATUS": ["1", "2", "1", "7"],  # 7: routed nowhere → rejected, not dropped
    }
    body = (
        render_fixed(d, "header", {"CREATED": ["20250101"]})
        + render_fixed(d, "person", people)
        + render_fixed(d, "house", {"SETAI": ["000000200"], "NUSHI": ["山田　太郎"]})
    )
    if bad_bytes:  # a cp932 lead byte without its trail byte inside a name
        bad = bytearray(render_fixed(d, "person", {"ATENA": ["000000127"], "NAME": ["x"], "BIRTH": ["3600214"],
                                                   "MACHI": ["0001"], "STATUS": ["1"]}))  # fmt: skip
        bad[11] = 0x82
        body += bytes(bad)
    body += render_fixed(d, "trailer", {"COUNT": ["5"]})
    main = tmp / "MAIN01.DAT"
    main.write_bytes(body)
    machi = tmp / "MACHI.CSV"
    machi.write_bytes("CODE,NAME\r\n0001,千代田区千代田\r\n0002,千代田区丸の内\r\n".encode("cp932"))
    return [main, machi]


def test_engine_outputs_layouts_in_order_with_lookup(tmp_path: Path) -> None:
    files = _files(tmp_path)
    res = pipeline.convert(FIX / "multi.yaml", files, tmp_path / "out", layouts=provide, validate=False)
    person = (tmp_path / "out" / "t_person.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(person)))
    assert rows[0] == [
        "宛名番号",
        "氏",
        "名",
        "カナ",
        "生年月日",
        "生年月日不詳フラグ",
        "性別",
        "区分",
        "住所",
        "予備",
    ]
    assert rows[1] == ["0000001236", "山田", "太郎", "", "1985-02-14", "0", "", "住民", "千代田区千代田", ""]
    assert rows[2][4:6] == ["1935-00-00", "1"] and rows[2][7:9] == ["除票", "千代田区丸の内"]
    assert rows[3][8] == ""  # 町字 0009 not in the master: blank + finding
    assert person.count("\r\n") == 4 and '"0000001236"' in person
    house = list(csv.reader(io.StringIO((tmp_path / "out" / "t_house.csv").read_text("utf-8"))))
    assert house[1] == ["000000200", "山田　太郎"]
    (main_acc, machi_acc) = sorted(res.files, key=lambda a: a.role)
    assert (main_acc.records_in, main_acc.records_out, main_acc.rejected, main_acc.control) == (7, 4, 1, 2)
    assert main_acc.written == {"t.person": 3, "t.house": 1}
    assert (machi_acc.records_in, machi_acc.records_out, machi_acc.control) == (3, 2, 1)  # CSV header row
    codes = {r["code"]: r["count"] for r in res.findings.rows()}
    assert codes == {"adapt.lookup_missing": 1, "adapt.era_overflow": 1, "adapt.unrouted": 1}
    rej = list(csv.DictReader(io.StringIO((tmp_path / "out" / "rejects.csv").read_text("utf-8"))))
    assert [(r["record"], r["stage"], r["code"]) for r in rej] == [("5", "adapt", "adapt.unrouted")]
    assert json.loads(rej[0]["values"])["STATUS"] == "7"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert summary["totals"]["records_in"] == 10 and summary["outputs"]["t.person"]["records"] == 3


def test_read_rejects_keep_raw_bytes(tmp_path: Path) -> None:
    files = _files(tmp_path, bad_bytes=True)
    res = pipeline.convert(FIX / "multi.yaml", files, tmp_path / "out", layouts=provide, validate=False)
    rej = list(csv.DictReader(io.StringIO((tmp_path / "out" / "rejects.csv").read_text("utf-8"))))
    read_rej = [r for r in rej if r["stage"] == "read"]
    assert len(read_rej) == 1 and read_rej[0]["raw_hex"].startswith("32303030303030313237")
    main = next(a for a in res.files if a.role == "data")
    assert main.balanced and main.read_rejected == 1


def test_limit(tmp_path: Path) -> None:
    res = pipeline.convert(
        FIX / "multi.yaml", _files(tmp_path), tmp_path / "out", layouts=provide, limit=3, validate=False
    )
    main = next(a for a in res.files if a.role == "data")
    assert (main.records_in, main.control, main.records_out) == (3, 1, 2)


class Boom(RuntimeError):
    pass


def test_crash_mid_run_leaves_no_output(tmp_path: Path) -> None:
    files = _files(tmp_path)
    out = tmp_path / "out"

    def stage(layout, batch: pa.RecordBatch, fs: FindingSet) -> pa.RecordBatch:
        if layout.id == "t.house":
            raise Boom("simulated crash after the person file was written to")
        return batch

    with pytest.raises(Boom):
        pipeline.convert(FIX / "multi.yaml", files, out, layouts=provide, stages=[stage], validate=False)
    assert sorted(p.name for p in out.iterdir()) == [] if out.exists() else True


def test_crash_keeps_previous_outputs_intact(tmp_path: Path) -> None:
    files = _files(tmp_path)
    out = tmp_path / "out"
    pipeline.convert(FIX / "multi.yaml", files, out, layouts=provide, validate=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def stage(layout, batch, fs):
        raise KeyboardInterrupt

    with pytest.raises(InterruptedRun):  # Ctrl-C: nothing of this run published (issue 14)
        pipeline.convert(FIX / "multi.yaml", files, out, layouts=provide, stages=[stage], validate=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_accounting_error_when_a_record_goes_missing(tmp_path: Path) -> None:
    files = _files(tmp_path)

    def losing(layout, batch, fs):  # a buggy stage (injected like any stage): it drops a record
        return batch.slice(1)

    with pytest.raises(
        AccountingError, match=r"MAIN01\.DAT: stage losing returned 2 rows of 3 \(t\.person\)"
    ):
        pipeline.convert(
            FIX / "multi.yaml", files, tmp_path / "o3", layouts=provide, stages=[losing], validate=False
        )
    assert not (tmp_path / "o3" / "t_person.csv").exists()


def test_trim_column_fast_paths() -> None:
    from chukan_layout.adapt.transforms.text import trim_column

    cases = ["山田　   ", "  ｱ ", "123", "", "　髙　", "x\u3000 \u3000 ", "ｶﾞ"]
    assert trim_column(pa.array(cases)).to_pylist() == [c.strip(" \u3000") for c in cases]
    assert trim_column(pa.array(["1", "22"])).to_pylist() == ["1", "22"]
    assert trim_column(pa.array(["a  ", " b"])).to_pylist() == ["a", "b"]


def test_two_lookup_files_of_one_name_are_two_accounting_rows(tmp_path: Path) -> None:
    main, machi = _files(tmp_path)
    other = tmp_path / "office2" / "MACHI.CSV"
    other.parent.mkdir()
    other.write_bytes("CODE,NAME\r\n0009,千代田区神田\r\n".encode("cp932"))
    res = pipeline.convert(FIX / "multi.yaml", [main, machi, other], tmp_path / "out", layouts=provide,
                           validate=False)  # fmt: skip
    rows = {a.file: a for a in res.files if a.role == "lookup"}
    assert set(rows) == {"MACHI.CSV", "MACHI.CSV (2)"}  # not folded into one row
    assert (rows["MACHI.CSV"].records_out, rows["MACHI.CSV"].path) == (2, str(machi))
    assert (rows["MACHI.CSV (2)"].records_out, rows["MACHI.CSV (2)"].path) == (1, str(other))
    assert all(a.balanced for a in res.files)
    person = list(csv.reader(io.StringIO((tmp_path / "out" / "t_person.csv").read_text("utf-8"))))
    assert person[3][8] == "千代田区神田"  # the second file's rows are looked up too
    dup = [k for k in res.findings.samples if k[0] == "file.duplicate_input"]
    assert [k[1] for k in dup] == ["MACHI.CSV (2)"]
