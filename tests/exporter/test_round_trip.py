"""The test of record: vendor export → convert → export with the derived profile → the same bytes.

Vendor A (cp932 fixed width, header/trailer, 和暦, half-width kana, zoned/packed, 外字 in the user
area, two interleaved record types) and vendor C (EBCDIC IBM930, RDW, packed dates) come back
byte-identical. Vendor B (cp932 CSV) comes back identical except its vendor-only メモ column,
which the standard layout does not carry: written blank and counted (``export.no_source``).
Small kana written large by vendor A stay large (the standard value keeps what the vendor
wrote), and the export report lists those records (``export.small_kana_large``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import chukan_layout as cl
from chukan_layout.exporter import ExportResult
from chukan_layout.readers.render import render_csv
from chukan_layout.synth.profile import load_profile

from .conftest import standard_files


def _export(v: str, town: Path, std: Path, out: Path, workers: int = 1) -> ExportResult:
    tables = [str(p) for p in (town / f"vendor_{v}").glob("*.tsv")]
    evidence = [std / "gaiji.csv"]  # convert's 外字 sidecar: codes go back exactly where they were
    return cl.export(f"vendor_{v}", standard_files(std), out, gaiji_tables=tables, gaiji_evidence=evidence,
                     workers=workers, max_samples=None)  # fmt: skip


@pytest.mark.parametrize("vendor", ["a", "c"])
def test_fixed_width_vendors_come_back_byte_identical(vendor: str, town: Path, converted: dict[str, Path],
                                                      tmp_path: Path) -> None:  # fmt: skip
    res = _export(vendor, town, converted[vendor], tmp_path, workers=2 if vendor == "c" else 1)
    assert res.exit_code == 0
    vendor_files = [p for p in (town / f"vendor_{vendor}").iterdir() if p.suffix != ".tsv"]
    assert vendor_files
    for orig in vendor_files:
        assert (tmp_path / orig.name).read_bytes() == orig.read_bytes(), orig.name
    for a in res.report.accounting:
        assert a.records_read == a.written + a.rejected and a.rejected == 0
    assert res.report.verdict.status == "pass"


def test_vendor_a_lists_the_small_kana_records_of_the_manifest(town: Path, converted: dict[str, Path],
                                                               tmp_path: Path) -> None:  # fmt: skip
    res = _export("a", town, converted["a"], tmp_path)
    with open(town / "manifest.csv", encoding="utf-8", newline="") as f:
        lossy = [r for r in csv.DictReader(f) if r["vendor"] == "vendor_a" and r["kind"] == "small_kana"]
    assert lossy, "the synthetic town has small kana written large"
    listed = {(file, s.record, item) for (code, file, item), samples in res.findings.samples.items()
              if code == "export.small_kana_large" for s in samples}  # fmt: skip
    expected = {(r["golden_file"], int(r["golden_record"]), r["item"]) for r in lossy}
    assert (
        expected <= listed
    )  # the report lists every lossy record (and the look-alikes it cannot tell apart)
    assert any(f.code == "export.small_kana_large" for f in res.report.findings)
    # and those records are byte-identical too: the vendor wrote them large, the export writes them large
    assert (tmp_path / "JUMIN.DAT").read_bytes() == (town / "vendor_a" / "JUMIN.DAT").read_bytes()


def test_vendor_b_identical_except_the_vendor_only_memo(
    town: Path, converted: dict[str, Path], tmp_path: Path
) -> None:
    res = _export("b", town, converted["b"], tmp_path)
    assert res.exit_code == 0
    prof = load_profile("b")
    for vf in prof.files:
        orig = town / "vendor_b" / vf.name
        cols = {n: [] for n in vf.definition.columns or []}  # type: dict[str, list[str]]
        for batch in cl.read(orig, vf.definition):
            for n in cols:
                cols[n] += batch.column(n).to_pylist()
        memo = sum(1 for v in cols["メモ"] if v)
        cols["メモ"] = [""] * len(cols["メモ"])  # the one column the standard layout does not carry
        assert (tmp_path / vf.name).read_bytes() == render_csv(vf.definition, cols), vf.name
        noted = [f for f in res.report.findings if f.code == "export.no_source" and f.item == "メモ"
                 and f.file == vf.records[0].layout.replace(".", "_") + ".csv"]  # fmt: skip
        assert noted and noted[0].count == len(cols["メモ"]) and memo > 0


def test_gaiji_evidence_puts_codes_back_exactly_where_they_were(town: Path, converted: dict[str, Path],
                                                                tmp_path: Path) -> None:  # fmt: skip
    """A vendor file may hold 邉 both as a 外字 code and natively; the standard value cannot tell them
    apart, convert's gaiji.csv can. Without its row for one record, that record gets the native code."""
    std = converted["a"]
    with open(std / "gaiji.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    native = next(r for r in rows if r["file"] == "JUMIN.DAT" and r["item"] == "shimei"
                  and " " not in r["result"] and chr(int(r["result"][2:], 16)).encode("cp932", "ignore"))  # fmt: skip
    kept = [
        r for r in rows if (r["file"], r["record"], r["item"]) != (native["file"], native["record"], "shimei")
    ]
    ev = tmp_path / "gaiji.csv"
    with open(ev, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(kept)
    tables = [str(p) for p in (town / "vendor_a").glob("*.tsv")]
    cl.export(
        "vendor_a", [std / "juki_jumin.csv"], tmp_path / "out", gaiji_tables=tables, gaiji_evidence=[ev]
    )
    got = (tmp_path / "out" / "JUMIN.DAT").read_bytes().split(b"\r\n")
    want = (town / "vendor_a" / "JUMIN.DAT").read_bytes().split(b"\r\n")
    differ = [i + 1 for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
    assert differ == [int(native["record"])]
    ch = chr(int(native["result"][2:], 16)).encode("cp932")
    assert ch in got[differ[0] - 1][81:161]  # 氏名 (bytes 82–161) carries the native code now
