"""Per-rule severities: ``--severity rule:NAME=warning|off`` on validate (convert shares the code)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.synth.generate import generate

RULE = "japanese_needs_honseki"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean golden 住民 file with 本籍 blanked on one Japanese resident."""
    d = tmp_path_factory.mktemp("rules")
    res = generate(d, vendors="standard", residents=60, faults=0.0, seed=3, layouts=["juki.jumin"])
    src = res.golden["juki.jumin"]
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index("本籍")
    row = next(r for r in rows[1:] if r[col])
    row[col] = ""
    out = d / "juki_jumin.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return out


def _run(file: Path, out: Path, *extra: str) -> tuple[int, dict]:
    r = CliRunner().invoke(main, ["validate", "--layout", "juki.jumin", str(file), "-o", str(out), *extra])
    rep = json.loads((out / "report.json").read_text("utf-8")) if (out / "report.json").exists() else {}
    return r.exit_code, rep | {"_output": r.output}


def _rule_findings(rep: dict) -> list[dict]:
    return [f for f in rep["findings"] if f["item"] == f"rule:{RULE}"]


def test_rule_is_an_error_by_default(broken: Path, tmp_path: Path) -> None:
    code, rep = _run(broken, tmp_path)
    assert code == 1, rep["_output"]
    (f,) = _rule_findings(rep)
    assert f["severity"] == "error" and f["count"] == 1


def test_one_rule_relaxed_others_untouched(broken: Path, tmp_path: Path) -> None:
    code, rep = _run(broken, tmp_path, "--severity", f"rule:{RULE}=warning")
    assert code == 0, rep["_output"]
    (f,) = _rule_findings(rep)
    assert f["severity"] == "warning"
    assert rep["options"]["severity_overrides"] == {f"rule:{RULE}": "warning"}
    assert all(g["severity"] == "error" for g in rep["findings"] if g["code"] == "row.rule" and g is not f)


def test_rule_off_is_not_evaluated(broken: Path, tmp_path: Path) -> None:
    code, rep = _run(broken, tmp_path, "--severity", f"rule:{RULE}=off")
    assert code == 0, rep["_output"]
    assert _rule_findings(rep) == []
    assert rep["options"]["severity_overrides"] == {f"rule:{RULE}": "off"}


def test_unknown_rule_is_a_usage_error_with_a_suggestion(broken: Path, tmp_path: Path) -> None:
    code, rep = _run(broken, tmp_path, "--severity", "rule:japanese_need_honseki=warning")
    assert code == 2
    assert "did you mean 'japanese_needs_honseki'" in rep["_output"] and "Traceback" not in rep["_output"]
    code, rep = _run(broken, tmp_path, "--severity", "item.zzz=off")
    assert code == 2


def test_adapter_rules_section_relaxes_with_a_reason(tmp_path: Path) -> None:
    from .test_convert_cli import ADAPTERS, _export

    text = (ADAPTERS / "vendor_x.yaml").read_text(encoding="utf-8")
    adapter = tmp_path / "vendor_x.yaml"
    adapter.write_text(
        text + f"rules:\n  {RULE}: {{level: off, reason: vendor X exports no 本籍}}\n"
        "  tenshutsu_needs_date: warning\n",
        encoding="utf-8",
    )
    src, out = _export(tmp_path), tmp_path / "out"
    r = CliRunner().invoke(main, ["convert", "--adapter", str(adapter), str(src), "-o", str(out)])
    assert r.exit_code in (0, 1), r.output
    rep = json.loads((out / "report.json").read_text("utf-8"))
    assert (
        rep["options"]["severity_overrides"][f"rule:{RULE}"]
        == "off (adapter vendor_x: vendor X exports no 本籍)"
    )
    assert not [f for f in rep["findings"] if f["item"] == f"rule:{RULE}"]
    # the command line wins over the adapter
    out2 = tmp_path / "out2"
    r = CliRunner().invoke(
        main,
        ["convert", "--adapter", str(adapter), str(src), "-o", str(out2), "--severity", f"rule:{RULE}=error"],
    )
    rep = json.loads((out2 / "report.json").read_text("utf-8"))
    assert rep["options"]["severity_overrides"][f"rule:{RULE}"].startswith("error")


def test_adapter_rules_section_unknown_rule(tmp_path: Path) -> None:
    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.errors import DefinitionError

    from .test_convert_cli import ADAPTERS

    text = (ADAPTERS / "vendor_x.yaml").read_text(encoding="utf-8")
    adapter = tmp_path / "vendor_x.yaml"
    adapter.write_text(text + "rules:\n  japanese_need_honseki: warning\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="did you mean 'japanese_needs_honseki'"):
        load_adapter(adapter)
