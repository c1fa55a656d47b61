"""report.html in a real headless Chromium: no console errors, no network, prints to A4 PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chukan_layout.report import Report, write_reports

from .browser import print_to_pdf_cli, render

pytestmark = pytest.mark.browser

A4 = (595.0, 842.0)  # points; Chromium writes 594.96 x 841.92


def a4_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of every page MediaBox in the PDF bytes."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def assert_a4(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    assert len(pdf) > 20_000, f"PDF suspiciously small: {len(pdf)} bytes"
    pages = a4_pages(pdf)
    assert pages, "no MediaBox in the PDF"
    for w, h in pages:
        assert abs(w - A4[0]) < 1.5 and abs(h - A4[1]) < 1.5, f"page is {w}x{h} pt, not A4 portrait"
    return len(pages)


def test_report_renders_without_console_errors_and_prints_a4(report: Report, tmp_path: Path) -> None:
    html = write_reports(report, tmp_path / "out", formats=["html"])["html"]
    run = render(html.resolve().as_uri(), tmp_path / "profile")
    assert run.problems == [], run.problems
    assert run.console_warnings == []
    assert [u for u in run.requests if not u.startswith("file:")] == []
    # the browser parsed what we meant: verdict, escaped hostile text shown as text, 確認欄
    assert "条件付き合格" in run.html and "確認欄" in run.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in run.html
    assert "<script" not in run.html
    assert assert_a4(run.pdf) >= 2


def test_print_to_pdf_command_line(report: Report, tmp_path: Path) -> None:
    html = write_reports(report, tmp_path / "out", formats=["html"])["html"]
    pdf = tmp_path / "report.pdf"
    proc = print_to_pdf_cli(html, pdf, tmp_path / "profile")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-800:]
    assert b"Uncaught" not in proc.stderr and b":CONSOLE(" not in proc.stderr
    assert assert_a4(pdf.read_bytes()) >= 2


def test_detector_sees_console_errors_and_network(tmp_path: Path) -> None:
    """Negative control: the same harness flags a page that logs an error, throws and fetches."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><p>x</p>"
        "<script>console.error('boom'); undefinedFunction();</script>"
        '<img src="http://127.0.0.1:9/pixel.png"></body></html>',
        encoding="utf-8",
    )
    run = render(bad.as_uri(), tmp_path / "profile", pdf=False)
    assert "boom" in run.console
    assert any("undefinedFunction" in e for e in run.exceptions)
    assert any(u.startswith("http://127.0.0.1:9/") for u in run.requests)
    assert any(p.startswith("network:") for p in run.problems)
