"""``chukan-layout report REPORT.json -o DIR`` re-renders html/csv from the JSON."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.report import Report, render_csv, render_html, write_reports


def test_report_command_rerenders_identically(report: Report, tmp_path: Path) -> None:
    src = write_reports(report, tmp_path / "run", formats=["json"])["json"]
    res = CliRunner().invoke(main, ["report", str(src), "-o", str(tmp_path / "again")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "again" / "report.html").read_text(encoding="utf-8") == render_html(report)
    assert (tmp_path / "again" / "findings.csv").read_bytes() == render_csv(report).encode("utf-8")
    assert not (tmp_path / "again" / "report.json").exists()
    assert "verdict: PASS WITH WARNINGS (条件付き合格)" in res.output


def test_report_command_defaults_to_the_json_folder(report: Report, tmp_path: Path) -> None:
    src = write_reports(report, tmp_path, formats=["json"])["json"]
    res = CliRunner().invoke(main, ["report", str(src), "-f", "html"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "report.html").is_file() and not (tmp_path / "findings.csv").exists()


def test_report_command_bad_json_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "report.json"
    bad.write_text('{"schema_version": "9.0"}', encoding="utf-8")
    res = CliRunner().invoke(main, ["report", str(bad)])
    assert res.exit_code == 2
    assert "unsupported report schema_version '9.0'" in res.output
