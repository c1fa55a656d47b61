"""Structural faults of whole files are findings, never a silent PASS (issue 14, point 3)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout import convert, validate
from chukan_layout.cli import main
from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("town"), vendors="a,b", residents=30, seed=11)


def _codes(report: object) -> dict[tuple[str, str], tuple[str, int]]:
    return {(f.code, f.item): (f.severity, f.count) for f in report.findings}  # type: ignore[attr-defined]


def test_a_file_cut_before_its_trailer_is_an_error(town: GenerateResult, tmp_path: Path) -> None:
    src = next(p for p in town.vendor_files["vendor_a"] if p.name == "KAIGO.DAT")
    lines = src.read_bytes().split(b"\r\n")
    assert lines[-1] == b""
    cut = tmp_path / "KAIGO.DAT"
    cut.write_bytes(b"\r\n".join(lines[: len(lines) // 2]) + b"\r\n")  # at a record boundary
    res = convert("vendor_a", [cut], tmp_path / "out", workers=1)
    codes = _codes(res.report)
    assert codes[("file.trailer_missing", "")][0] == "error"
    assert res.report.verdict.status == "fail" and all(f.balanced for f in res.files)
    trial = convert(
        "vendor_a", [cut], tmp_path / "trial", workers=1, limit=3
    )  # a --limit trial expects no trailer
    assert ("file.trailer_missing", "") not in _codes(trial.report)


def test_a_trailer_without_control_settings_is_reported_not_checked(tmp_path: Path) -> None:
    import warnings

    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.findings import FindingSet
    from chukan_layout.pipeline.structure import check_structure, warn_unchecked_trailers

    ad = load_adapter("vendor_a")
    d = ad.sources["kaigo"].definition
    types = [
        rt.model_copy(update={"control": None}) if str(rt.role) == "trailer" else rt for rt in d.record_types
    ]
    d = d.model_copy(update={"record_types": types})
    src = ad.sources["kaigo"]
    object.__setattr__(src, "definition", d)  # a loaded adapter is frozen: this test's copy only
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_unchecked_trailers(ad)
    assert any("source kaigo: trailer TRAIL has no control: settings" in str(w.message) for w in caught)
    fs = FindingSet()
    check_structure("KAIGO.DAT", d, [{"_record_type": "TRAIL", "_record": 3}], 2, fs)
    rows = {r["code"]: r for r in fs.rows()}
    assert rows["file.trailer_not_checked"]["severity"] == "warning"
    assert "file.trailer_missing" not in rows and "file.no_data" not in rows


@pytest.mark.parametrize(
    "content", [b"", "市区町村コード,宛名番号\r\n".encode()], ids=["empty", "header-only"]
)
def test_empty_and_header_only_files_fail(content: bytes, tmp_path: Path) -> None:
    f = tmp_path / "juki_jumin.csv"
    f.write_bytes(content)
    rep = validate([f], layout="juki.jumin")
    assert _codes(rep)[("file.no_data", "")][0] == "error" and rep.verdict.status == "fail"


def test_empty_vendor_files_fail(town: GenerateResult, tmp_path: Path) -> None:
    a = tmp_path / "a" / "KAIGO.DAT"
    a.parent.mkdir()
    a.write_bytes(b"")
    b = tmp_path / "b" / "jumin.csv"
    b.parent.mkdir()
    src_b = next(p for p in town.vendor_files["vendor_b"] if p.name == "jumin.csv")
    b.write_bytes(src_b.read_bytes().split(b"\n", 1)[0] + b"\n")  # the header row only
    for adapter, f in (("vendor_a", a), ("vendor_b", b)):
        res = convert(adapter, [f], tmp_path / f"out_{adapter}", workers=1)
        assert ("file.no_data", "") in _codes(res.report), adapter
        assert res.report.verdict.status == "fail"


def test_a_missing_column_is_named(town: GenerateResult, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(town.golden["juki.jumin"].read_text("utf-8"), newline="")))
    for drop in ("宛名番号", "氏名"):
        i = rows[0].index(drop)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(r[:i] + r[i + 1 :] for r in rows)
        f = tmp_path / f"no_{i}.csv"
        f.write_text(buf.getvalue(), "utf-8")
        r = CliRunner().invoke(
            main, ["validate", "--layout", "juki.jumin", str(f), "-o", str(tmp_path / f"rep{i}")]
        )
        assert f"file.missing_column [{'error' if drop == '宛名番号' else 'warning'}]" in r.output, r.output
        assert drop in r.output
        assert r.exit_code == (1 if drop == "宛名番号" else 0)
