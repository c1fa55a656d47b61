"""``chukan-layout validate`` on standard-layout CSV files (generated, with golden-side faults)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.pipeline.standard import detect_layout
from chukan_layout.synth.generate import GenerateResult, generate

LAYOUTS = ["juki.jumin", "juki.setai"]


@pytest.fixture(scope="module")
def std(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("std"), vendors="standard", residents=200, faults=0.03, seed=9,
                    layouts=LAYOUTS)  # fmt: skip


def test_validate_faulty_files_fails_with_report(std: GenerateResult, tmp_path: Path) -> None:
    files = [str(std.standard[lid]) for lid in LAYOUTS]
    r = CliRunner().invoke(main, ["validate", "--layouts-auto", *files, "-o", str(tmp_path)])
    assert r.exit_code == 1, r.output
    assert "verdict 判定: 不合格 / FAIL" in r.output and "juki_jumin.csv" in r.output
    rep = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert {a["file"] for a in rep["accounting"]} == {Path(f).name for f in files}
    assert all(a["balanced"] and a["control_records"] == 1 for a in rep["accounting"])
    assert rep["adapter"] is None and rep["options"]["masking"] is True
    manifest = {(m.file, m.record) for m in std.manifest if m.vendor == "standard"}
    samples = {(f["file"], s["record"]) for f in rep["findings"] for s in f["samples"]}
    assert samples and samples <= manifest  # findings only where faults were injected
    assert (tmp_path / "report.html").exists() and (tmp_path / "findings.csv").exists()


def test_validate_clean_golden_passes_and_layout_option(std: GenerateResult, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["validate", "--layout", "juki.setai", str(std.golden["juki.setai"]),
                                  "-o", str(tmp_path), "--no-progress"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "合格 / PASS" in r.output


def test_validate_severity_override_and_thresholds(std: GenerateResult, tmp_path: Path) -> None:
    files = [str(std.standard[lid]) for lid in LAYOUTS]
    r = CliRunner().invoke(main, ["validate", "--layouts-auto", *files, "-o", str(tmp_path),
                                  "--max-errors", "1000", "--max-reject-rate", "0.5"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "条件付き合格" in r.output
    bad = CliRunner().invoke(main, ["validate", "--layouts-auto", *files, "--severity", "item.zzz=warning"])
    assert bad.exit_code == 2 and "unknown finding code" in bad.output


def test_wrong_layout_and_detection(std: GenerateResult, tmp_path: Path) -> None:
    jumin = std.standard["juki.jumin"]
    assert detect_layout(jumin) == "juki.jumin"
    renamed = tmp_path / "x.csv"
    renamed.write_bytes(jumin.read_bytes())
    assert detect_layout(renamed) == "juki.jumin"  # by the header row
    r = CliRunner().invoke(main, ["validate", "--layout", "juki.setai", str(jumin), "-o", str(tmp_path)])
    assert r.exit_code == 2 and "columns not in layout juki.setai" in r.output
    r = CliRunner().invoke(main, ["validate", str(jumin)])
    assert r.exit_code == 2 and "--layouts-auto" in r.output


def test_library_validate_returns_the_report(std: GenerateResult) -> None:
    import chukan_layout as cl

    rep = cl.validate([std.golden["juki.jumin"], std.golden["juki.setai"]], layouts_auto=True)
    assert rep.verdict.status == "pass" and len(rep.accounting) == 2
