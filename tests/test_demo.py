"""``python -m chukan_layout.demo`` at a small size: report written, accounting shown, verdict printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chukan_layout import demo


def test_demo_small(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHUKAN_DEMO_RESIDENTS", "300")
    assert demo.main(["--out", str(tmp_path / "demo"), "--workers", "1"]) == 0
    text = capsys.readouterr().out
    report = tmp_path / "demo" / "report.html"
    assert report.exists() and f"report 報告書: {report.resolve()}" in text
    assert "verdict 判定: " in text and "JUMIN.DAT" in text and "yes 一致" in text and "NO 不一致" not in text
    rep = json.loads((tmp_path / "demo" / "report.json").read_text("utf-8"))
    assert rep["totals"]["records_read"] == sum(a["records_read"] for a in rep["accounting"])
    assert all(a["balanced"] for a in rep["accounting"]) and rep["adapter"]["id"] == "vendor_a"
    assert (tmp_path / "demo" / "input" / "vendor_a" / "JUMIN.DAT").exists()
    # the demo ends with 突合 of the converted town against its migrated re-export
    rec = tmp_path / "demo" / "reconcile" / "reconcile.html"
    assert rec.exists() and f"照合結果報告書: {rec.resolve()}" in text
    assert "照合表 control totals" in text and "juki.jumin" in text.split("reconciling 突合")[1]
