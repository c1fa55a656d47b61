"""The report model: JSON round trip, committed schema up to date, honest invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from chukan_layout.report import Report, load_report, render_json
from chukan_layout.report.model import SCHEMA_VERSION, FileAccounting
from chukan_layout.report.render_json import ReportFileError
from chukan_layout.report.schema import report_json_schema, schema_text

REPO = Path(__file__).resolve().parents[2]


def test_json_round_trip_is_lossless(report: Report, tmp_path: Path) -> None:
    text = render_json(report)
    p = tmp_path / "report.json"
    p.write_text(text, encoding="utf-8")
    back = load_report(p)
    assert back == report
    assert render_json(back) == text


def test_json_is_canonical_utf8(report: Report) -> None:
    text = render_json(report)
    assert text.endswith("}\n") and "\r" not in text
    assert text.startswith('{\n  "schema_version": "1.0",')
    assert "髙橋" in text and "\\u9ad9" not in text  # ensure_ascii=False
    assert "葛\U000e0100飾" in text  # IVS kept, never normalized
    data = json.loads(text)
    assert list(data["gaiji"]["by_status"]) == sorted(data["gaiji"]["by_status"])
    assert list(data["accounting"][0]["rejected_by_reason"]) == sorted(
        data["accounting"][0]["rejected_by_reason"]
    )


def test_committed_schema_is_up_to_date() -> None:
    committed = REPO / "docs" / "report.schema.json"
    assert committed.is_file(), "run: make docs"
    assert committed.read_text(encoding="utf-8") == schema_text(), (
        "docs/report.schema.json is stale: make docs"
    )


def test_schema_describes_the_report(report: Report) -> None:
    schema = report_json_schema()
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert set(schema["required"]) >= {"generated_at", "tool", "verdict", "totals"}
    assert set(json.loads(render_json(report))) <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_balanced_flag_cannot_lie() -> None:
    ok = FileAccounting(file="A", records_read=10, written=7, rejected=2, control_records=1, balanced=True)
    assert ok.balanced
    with pytest.raises(ValidationError, match="balanced"):
        FileAccounting(file="A", records_read=10, written=7, rejected=2, balanced=True)
    assert not FileAccounting(file="A", records_read=10, written=7, rejected=2, balanced=False).balanced


def test_load_report_rejects_other_major_version(report: Report, tmp_path: Path) -> None:
    data = json.loads(render_json(report))
    data["schema_version"] = "2.0"
    p = tmp_path / "r.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportFileError, match=r"unsupported report schema_version '2\.0'"):
        load_report(p)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read report JSON"),
        ("[1, 2]", "top level is not an object"),
        ('{"schema_version": "1.0", "tool": {}}', "invalid report"),
    ],
)
def test_load_report_errors_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "r.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ReportFileError, match=message) as e:
        load_report(p)
    assert "\n" not in str(e.value) and e.value.exit_code == 2


def test_report_json_validates_against_the_committed_schema(report: Report) -> None:
    import jsonschema

    schema = json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(render_json(report)))
    bad = json.loads(render_json(report))
    bad["verdict"]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)
