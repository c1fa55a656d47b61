"""reconcile.html (照合結果報告書) in a real headless Chromium: no console errors, no network, A4."""

from __future__ import annotations

from pathlib import Path

import pytest

import chukan_layout as cl
from chukan_layout.synth.generate import generate

from .browser import render
from .test_browser import assert_a4

pytestmark = pytest.mark.browser


def test_reconcile_html_renders_offline_and_prints_a4(tmp_path: Path) -> None:
    town = generate(
        tmp_path / "town", vendors="migrated", residents=150, faults=0.05, gaiji_share=0.3, seed=5
    )
    res = cl.reconcile(town.out_dir / "golden", town.out_dir / "migrated", tmp_path / "out",
                       gaiji_evidence=town.out_dir / "migrated" / "gaiji.csv")  # fmt: skip
    run = render(res.paths["html"].resolve().as_uri(), tmp_path / "profile")
    assert run.problems == [], run.problems
    assert run.console_warnings == []
    assert [u for u in run.requests if not u.startswith("file:")] == []
    for text in ("照合結果報告書", "照合表", "確認欄", "✘", "✔", "不一致", "<svg"):
        assert text in run.html, text
    assert "<script" not in run.html
    assert "SHA-256" in run.html and res.report.old.files[0].sha256 in run.html
    assert assert_a4(run.pdf) >= 2
