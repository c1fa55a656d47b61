"""Trailers are checked against the records before them; data after a trailer and a second header
are findings (issue 14, point 3)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chukan_layout import convert
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.readers import read, render_fixed
from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("town"), vendors="a", residents=30, seed=12)


def _kazei(town: GenerateResult) -> tuple[list[bytes], list[str]]:
    src = next(p for p in town.vendor_files["vendor_a"] if p.name == "KAZEI.DAT")
    lines = src.read_bytes().split(b"\r\n")[:-1]
    d = load_adapter("vendor_a").sources["kazei"].definition
    with open(src, "rb") as f:
        nengaku = [v for b in read(f, d) for v in b.column("NENGAKU").to_pylist()]
    return lines, nengaku


def _findings(res: object) -> dict[str, list[int]]:
    fs = res.findings  # type: ignore[attr-defined]
    out: dict[str, list[int]] = {}
    for (code, file, _), samples in fs.samples.items():
        if file == "KAZEI.DAT":
            out.setdefault(code, []).extend(s.record for s in samples)
    return out


@pytest.mark.parametrize("off", [0, 1])
def test_a_mid_file_trailer_is_checked_against_the_records_before_it(
    off: int, town: GenerateResult, tmp_path: Path
) -> None:
    lines, nengaku = _kazei(town)
    head, data, tail = lines[0], lines[1:-1], lines[-1]
    k = len(data) // 2
    d = load_adapter("vendor_a").sources["kazei"].definition
    total = sum((Decimal(v) for v in nengaku[:k] if v.strip()), Decimal(0)) + off
    mid = render_fixed(d, "TRAIL", {"KENSU": [str(k)], "GOKEI_NENGAKU": [str(total)]}).rstrip(b"\r\n")
    f = tmp_path / "in" / "KAZEI.DAT"
    f.parent.mkdir()
    f.write_bytes(b"\r\n".join([head, *data[:k], mid, *data[k:], tail]) + b"\r\n")
    res = convert("vendor_a", [f], tmp_path / "out", workers=1)
    got = _findings(res)
    assert got["file.data_after_trailer"] == [k + 2]  # the mid trailer: 件数 k holds, checked before it
    assert "file.count_mismatch" not in got  # the last trailer (all records) holds too
    assert got.get("file.total_mismatch", []) == ([k + 2] if off else [])  # the sum of the first k only


def test_a_second_header_is_a_finding(town: GenerateResult, tmp_path: Path) -> None:
    lines, _ = _kazei(town)
    f = tmp_path / "in" / "KAZEI.DAT"
    f.parent.mkdir()
    f.write_bytes(b"\r\n".join([lines[0], lines[0], *lines[1:]]) + b"\r\n")
    res = convert("vendor_a", [f], tmp_path / "out", workers=1)
    got = _findings(res)
    assert got["file.duplicate_header"] == [2]
    assert "file.count_mismatch" not in got and "file.data_after_trailer" not in got


def test_the_same_file_twice_and_same_names_are_separate_rows(town: GenerateResult, tmp_path: Path) -> None:
    src = next(p for p in town.vendor_files["vendor_a"] if p.name == "KAIGO.DAT")
    other = tmp_path / "office2" / "KAIGO.DAT"
    other.parent.mkdir()
    other.write_bytes(src.read_bytes())
    res = convert("vendor_a", [src, src, other], tmp_path / "out", workers=1)
    rows = {f.file: f for f in res.files}
    assert set(rows) == {"KAIGO.DAT", "KAIGO.DAT (2)", "KAIGO.DAT (3)"}
    n = rows["KAIGO.DAT"].records_in
    assert all(f.records_in == n and f.balanced for f in rows.values())  # not merged into one row
    assert rows["KAIGO.DAT (2)"].path == str(src) and rows["KAIGO.DAT (3)"].path == str(other)
    fs = res.findings
    dup = {
        k[1]: (fs.severity(k[0], k), s[0].detail)
        for k, s in fs.samples.items()
        if k[0] == "file.duplicate_input"
    }
    assert dup["KAIGO.DAT (2)"][0].value == "error" and "the same file given twice" in dup["KAIGO.DAT (2)"][1]
    assert dup["KAIGO.DAT (3)"][0].value == "warning" and str(other) in dup["KAIGO.DAT (3)"][1]
    assert not list((tmp_path / "out").rglob("inputs"))  # the aliases are not published


def test_validate_reads_the_same_file_twice_as_two_rows(town: GenerateResult, tmp_path: Path) -> None:
    from chukan_layout.pipeline.standard import validate_files

    src = town.golden["juki.setai"]
    res = validate_files([src, src], workers=1)
    rows = {c.file: c for c in res.files}
    assert set(rows) == {src.name, f"{src.name} (2)"}
    assert rows[src.name].records_read == rows[f"{src.name} (2)"].records_read > 1
    assert ("file.duplicate_input", f"{src.name} (2)", "") in res.findings.counts
