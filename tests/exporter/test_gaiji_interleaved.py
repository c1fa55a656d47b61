"""外字 evidence in a file of several record types (vendor A's KOKUHO.DAT: 国保世帯 + 被保険者 records
interleaved by 国保世帯番号): convert's gaiji.csv names the *physical* record, and export finds it
per record type after interleaving, so the vendor code goes back exactly where it was."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import chukan_layout as cl

GAIJI = "\ue086".encode("cp932")  # vendor A's 外字 code for 邉 (GAIJI_A.tsv: U+E086 → U+9089)
NATIVE = "邉".encode("cp932")  # the same character in its cp932 code
KIGO = slice(43, 83)  # 被保険者証記号 of a DATA3 record (bytes 44–83)


def _kigo(record: bytes, value: bytes) -> bytes:
    return record[: KIGO.start] + value.ljust(KIGO.stop - KIGO.start, b" ") + record[KIGO.stop :]


def test_evidence_restores_codes_per_record_type_in_an_interleaved_file(town: Path, tmp_path: Path) -> None:
    src = tmp_path / "vendor"
    src.mkdir()
    shutil.copy(town / "vendor_a" / "KOKUHO.DAT", src)
    tables = [str(p) for p in (town / "vendor_a").glob("*.tsv")]
    lines = (src / "KOKUHO.DAT").read_bytes().split(b"\r\n")
    data3 = [i for i, rec in enumerate(lines) if rec[:1] == b"3"]
    assert lines[data3[0] - 1][:1] != b"3" and len(data3) > 6  # a DATA3 record after its DATA2 record
    native_at, gaiji_at, both_at = data3[0], data3[5], data3[-1]
    lines[native_at] = _kigo(lines[native_at], NATIVE + b"1")
    lines[gaiji_at] = _kigo(lines[gaiji_at], GAIJI + b"2")
    lines[both_at] = _kigo(lines[both_at], NATIVE + GAIJI)
    (src / "KOKUHO.DAT").write_bytes(b"\r\n".join(lines))

    std = tmp_path / "std"
    conv = cl.convert("vendor_a", [src / "KOKUHO.DAT"], std, gaiji_tables=tables, workers=1)
    assert {f.code for f in conv.report.findings} <= {"ref.orphan"}  # 住民 / 世帯 are not part of this run
    with open(std / "gaiji.csv", encoding="utf-8", newline="") as f:
        marks = {(r["file"], int(r["record"]), r["item"], r["position"]) for r in csv.DictReader(f)}
    assert marks == {("KOKUHO.DAT", gaiji_at + 1, "hihokenshasho_kigo", "1"),
                     ("KOKUHO.DAT", both_at + 1, "hihokenshasho_kigo", "2")}  # fmt: skip
    inputs = [std / "kokuho_setai.csv", std / "kokuho_hihokensha.csv"]

    res = cl.export(
        "vendor_a", inputs, tmp_path / "out", gaiji_tables=tables, gaiji_evidence=[std / "gaiji.csv"]
    )
    assert res.exit_code == 0
    assert (tmp_path / "out" / "KOKUHO.DAT").read_bytes() == (src / "KOKUHO.DAT").read_bytes()

    # without the evidence the table alone cannot tell the native 邉 from the 外字 one: every 邉 becomes the code
    cl.export("vendor_a", inputs, tmp_path / "table_only", gaiji_tables=tables)
    got = (tmp_path / "table_only" / "KOKUHO.DAT").read_bytes().split(b"\r\n")
    assert got[native_at][KIGO].startswith(GAIJI) and got[gaiji_at] == lines[gaiji_at]
