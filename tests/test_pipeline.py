"""convert with validation: rejects with reasons, on_error keep, severities, report, accounting;
partitions and workers: byte-identical outputs whatever the split and the number of workers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from chukan_layout import pipeline
from chukan_layout.findings import FindingSet
from chukan_layout.pipeline.plan import RangeFile, plan, split_points
from chukan_layout.readers.definition import FixedWidthDefinition
from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("exp"), vendors="a", residents=400, faults=0.02, seed=21,
                    gaiji_share=0.05)  # fmt: skip


def _files(gen: GenerateResult) -> list[Path]:
    return [p for p in gen.vendor_files["vendor_a"] if p != gen.gaiji_tables["vendor_a"]]


def _run(gen: GenerateResult, out: Path, **kw: object) -> pipeline.ConvertResult:
    return pipeline.convert(
        "vendor_a", _files(gen), out, validate=True, gaiji_tables=[gen.gaiji_tables["vendor_a"]], **kw
    )  # type: ignore[arg-type]


def _rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _digest(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def test_validation_rejects_records_with_error_findings(export: GenerateResult, tmp_path: Path) -> None:
    res = _run(export, tmp_path, findings=FindingSet(max_samples=None))
    assert all(f.balanced for f in res.files) and res.report.verdict.status == "fail" and res.exit_code == 1
    rej = _rows(res.rejects_path)
    bad = [r for r in rej if r["stage"] == "validate"]
    assert bad and all(r["values"] and r["reason"].startswith("error findings: ") for r in bad)
    codes = {c for r in bad for c in r["code"].split(";")}
    assert {"item.check_digit", "item.date", "item.code"} <= codes
    # a rejected record is not in the output, and its converted values are in the rejects file
    jumin = next(r for r in bad if r["source"] == "JUMIN.DAT")
    atena = json.loads(jumin["values"])["atena_no"]
    assert atena not in Path(res.outputs["juki.jumin"].path).read_text("utf-8").split('"')
    acc = {f.file: f for f in res.files}["JUMIN.DAT"]
    assert acc.validate_rejected == sum(1 for r in bad if r["source"] == "JUMIN.DAT")
    # the report: per-file accounting, inputs/outputs with SHA-256, 外字 summary, trailer lines
    rep = res.report
    assert {a.file for a in rep.accounting} == {f.file for f in res.files} and all(
        a.balanced for a in rep.accounting
    )
    assert {o.role for o in rep.outputs} == {"standard", "rejects", "gaiji"}
    assert all(len(i.sha256) == 64 for i in rep.inputs) and rep.adapter.id == "vendor_a"
    assert rep.gaiji.by_status["exact"] + rep.gaiji.by_status["identified"] > 0
    assert rep.reconciliation and rep.options.extra["on_error"] == "reject"
    assert (tmp_path / "report.html").exists() and (tmp_path / "findings.csv").exists()
    side = _rows(tmp_path / "gaiji.csv")
    assert side and set(side[0]) == {"file", "record", "item", "position", "source_code", "result", "status"}


def test_keep_writes_every_routed_record(export: GenerateResult, tmp_path: Path) -> None:
    res = _run(export, tmp_path, on_error="keep")
    assert all(f.validate_rejected == 0 and f.balanced for f in res.files)
    assert not [r for r in _rows(res.rejects_path) if r["stage"] == "validate"]
    assert res.findings.has_errors()


def test_severity_override_and_thresholds(export: GenerateResult, tmp_path: Path) -> None:
    from chukan_layout.report import Thresholds

    res = _run(export, tmp_path, severity_overrides={"item.check_digit": "warning"},
               thresholds=Thresholds(max_error_findings=None, max_reject_rate=1.0))  # fmt: skip
    rej = [r for r in _rows(res.rejects_path) if r["stage"] == "validate"]
    assert not any("item.check_digit" in r["code"] for r in rej)
    assert res.report.options.severity_overrides == {"item.check_digit": "warning"}
    assert res.report.verdict.status in ("fail", "pass_with_warnings")  # trailer faults still fail


def test_workers_and_partitions_give_identical_outputs(export: GenerateResult, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    whole = _run(export, tmp_path / "whole", workers=1)
    small = 1 << 18
    split = _run(export, tmp_path / "split", workers=1, partition_bytes=small)
    par = _run(export, tmp_path / "par", workers=2, partition_bytes=small)
    jumin = next(p for p in _files(export) if p.name == "JUMIN.DAT")
    assert jumin.stat().st_size > 2 * small  # the test really splits
    a, b, c = _digest(tmp_path / "whole"), _digest(tmp_path / "split"), _digest(tmp_path / "par")
    assert set(a) >= {
        "report.json",
        "report.html",
        "findings.csv",
        "rejects.csv",
        "gaiji.csv",
        "summary.json",
    }
    assert a == b == c
    assert whole.report == split.report == par.report


def test_partition_plan_splits_fixed_width_on_record_boundaries(
    export: GenerateResult, tmp_path: Path
) -> None:
    from chukan_layout.adapt.loader import load_adapter

    ad = load_adapter("vendor_a")
    src = ad.sources["jumin"]
    path = next(p for p in _files(export) if p.name == "JUMIN.DAT")
    d = src.definition
    assert isinstance(d, FixedWidthDefinition)
    stride, cuts = split_points(path, d, path.stat().st_size, 1 << 18)  # type: ignore[misc]
    assert all(c % stride == 0 for c in cuts)
    parts = plan([("jumin", path, d)], partition_bytes=1 << 18, header_of=lambda s, p: {"DANTAI_CODE": "x"})
    assert [p.first_record for p in parts] == [1] + [c // stride + 1 for c in cuts]
    assert parts[1].header_values == {"DANTAI_CODE": "x"} and parts[-1].end is None
    with RangeFile(path, parts[1].start, parts[1].end) as f:
        data = f.read()
    assert data == path.read_bytes()[parts[1].start : parts[1].end] and data.endswith(b"\r\n")
    # CRLF lines: split on trust, each worker checks the terminators of its range (lines = stride)
    assert {p.lines for p in parts} == {stride}
    with RangeFile(path, parts[1].start, parts[1].end, (stride, True)) as f:
        assert f.read() == data


def test_crash_leaves_no_output_and_no_parts(export: GenerateResult, tmp_path: Path) -> None:
    class Boom(RuntimeError):
        pass

    def stage(layout, batch, fs):  # type: ignore[no-untyped-def]
        raise Boom

    with pytest.raises(Boom):
        _run(export, tmp_path, stages=[stage])
    assert list(tmp_path.iterdir()) == []


def test_convert_cli_validates_and_reports(export: GenerateResult, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from chukan_layout.cli import main

    args = ["convert", "-a", "vendor_a", *map(str, _files(export)), "-o", str(tmp_path / "o"),
            "--gaiji-table", str(export.gaiji_tables["vendor_a"]), "--workers", "1", "--report-dir", str(tmp_path / "r"),
            "--gaiji-policy", "juki.jumin:shi=degrade"]  # fmt: skip
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1, r.output
    assert (
        "verdict 判定: 不合格 / FAIL" in r.output
        and "JUMIN.DAT" in r.output
        and "item.check_digit" in r.output
    )
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "o" / "gaiji.csv").exists()
    ok = CliRunner().invoke(main, [*args, "--no-validate", "-o", str(tmp_path / "o2")])
    assert "verdict" not in ok.output and not (tmp_path / "o2" / "report.json").exists()
    bad = CliRunner().invoke(main, [*args, "--severity", "item.date=fatal"])
    assert bad.exit_code == 2
