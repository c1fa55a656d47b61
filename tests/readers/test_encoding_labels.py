"""One alias table for every command; inspect in code units; evidence after a bad byte; BOMs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.readers.api import read
from chukan_layout.readers.codecs import canonical_name, check_encoding, get_codec
from chukan_layout.readers.definition import CsvDefinition, FieldType
from chukan_layout.readers.detect import cp932_counts
from chukan_layout.readers.probe import inspect_file


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("IBM930", "ibm930"),
        ("ibm930", "ibm930"),
        ("IBM-930", "ibm930"),
        ("cp930", "ibm930"),
        ("CCSID930", "ibm930"),
        ("IBM939", "ibm939"),
        ("cp290", "cp290"),
        ("IBM290", "cp290"),
        ("jef", "jef"),
        ("KEIS", "keis"),
        ("Shift_JIS", "cp932"),
        ("MS932", "cp932"),
        ("EUC-JP", "euc_jp"),
        ("UTF-16LE", "utf-16-le"),
    ],
)
def test_alias_table(label: str, name: str) -> None:
    assert canonical_name(label) == name
    assert check_encoding(label) == name


def test_unknown_encoding_lists_the_known_ones() -> None:
    with pytest.raises(LookupError, match=r"known: .*ibm930"):
        check_encoding("ibm1390")


@pytest.mark.parametrize("label", ["IBM930", "ibm930", "IBM-930", "cp930", "IBM939", "cp290"])
def test_inspect_encoding_labels_do_not_crash(tmp_path: Path, label: str) -> None:
    f = tmp_path / "HOST.DAT"
    f.write_bytes(get_codec("ibm930").encode("ﾔﾏﾀﾞ 山田　太郎", FieldType.MIXED) * 4)
    result = CliRunner().invoke(main, ["inspect", "--encoding", label, str(f)])
    assert result.exit_code == 0, result.output
    assert f"encoding: {canonical_name(label)} (explicit)" in result.output


def test_inspect_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(b"abc\n")
    result = CliRunner().invoke(main, ["inspect", "--encoding", "nope", str(f)])
    assert result.exit_code == 2 and "unknown encoding 'nope'" in result.output
    assert "Traceback" not in result.output


def test_utf16_inspect_counts_code_units(tmp_path: Path) -> None:
    # 上 is U+4E0A: a raw 0x0A byte that is not a line end
    f = tmp_path / "excel.txt"
    f.write_bytes("\ufeff氏名\t住所\r\n上野\t上田\r\n上村\t東京\r\n".encode("utf-16-le"))
    r = inspect_file(f)
    assert r["encoding"] == "utf-16"
    assert r["line_endings"] == {"crlf": 3, "lf": 0, "cr": 0}
    assert r["framing"]["kind"] == "crlf" and r["framing"]["line_lengths"] == {5: 3}
    assert [x["text"] for x in r["first_records"]] == ["氏名\t住所", "上野\t上田", "上村\t東京"]
    assert r["csv"]["delimiter"] == "\t" and r["csv"]["fields"] == 2


def test_utf16_without_bom_is_detected(tmp_path: Path) -> None:
    f = tmp_path / "nobom.txt"
    f.write_bytes("id\tname\r\n1\t上野\r\n".encode("utf-16-le"))
    assert inspect_file(f)["encoding"] == "utf-16-le"


def test_evidence_counts_after_an_undecodable_byte() -> None:
    # one stray lead byte (0x81 followed by a space) before 202 user-area 外字 (F040) and 髙 (EEE0)
    data = b"\x81\x20" + b"\xf0\x40" * 202 + "髙".encode("cp932")
    c = cp932_counts(data)
    assert c["gaiji_user_area"] == 202 and c["pua_chars"] == 202
    assert c["ibm_ext"] == 0 and c["nec_selected_ibm_ext"] == 1
    assert c["undecodable_bytes"] == 1


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be", "utf-8", "UTF-16"])
@pytest.mark.parametrize("header", [True, False])
def test_bom_stripped_in_any_unicode_encoding(tmp_path: Path, enc: str, header: bool) -> None:
    f = tmp_path / "bom.txt"
    body = "氏名\t住所\r\n上野\t東京\r\n"
    f.write_bytes(body.encode("utf-16") if enc == "UTF-16" else "\ufeff".encode(enc) + body.encode(enc))
    d = CsvDefinition(encoding=enc, header=header, delimiter="\t", columns=None if header else ["a", "b"])
    rows = [row for b in read(f, d) for row in b.to_pylist()]
    first = next(iter(rows[0])) if header else rows[0]["a"]
    assert first == "氏名" and "\ufeff" not in str(rows)


def test_csv_rejects_name_the_field(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes("番号,氏名,住所\n".encode("cp932") + b'1,a,b\n2,"a,b",x\xa0\x81\n3,c\n4,a,b,c\n')
    reader = read(f, CsvDefinition(encoding="cp932", header=True))
    assert [r["_record"] for b in reader for r in b.to_pylist()] == [2]
    reasons = {r.record: r.reason for r in reader.rejects}
    assert reasons[3].startswith("field 3 (住所): bytes not decodable as cp932")
    assert reasons[4] == "ragged row: 2 fields, expected 3 (missing 住所)"
    assert reasons[5] == "ragged row: 4 fields, expected 3 (extra field 4 after 住所)"
