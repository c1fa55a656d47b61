"""report.html's header, 判定, 件数照合 and トレーラ照合 sections."""

from __future__ import annotations

from chukan_layout.report import Report
from chukan_layout.report._html_counts import accounting, header, reconciliation, verdict
from chukan_layout.report.model import Reconciliation


def test_header_names_municipality_first_and_shows_jst(report: Report) -> None:
    html = header(report)
    assert html.index("テスト県 サンプル町 (999997)") < html.index("2026年04月01日 12:00 JST")
    assert "vendor_a 1.0" in html and "juki.jumin 住民 (reference-2026.1" in html


def test_verdict_banner_lists_the_checks_not_met(report: Report) -> None:
    html = verdict(report)
    assert html.startswith('<div class="banner pass_with_warnings" role="status">')
    assert "判定：条件付き合格" in html and "<li>エラー件数" in html
    assert '<span class="o-warning">注意 <span class="en">/ Warning</span></span>' in html
    assert '<span class="o-ok">適合 <span class="en">/ OK</span></span>' in html


def test_accounting_totals_row_and_reasons(report: Report) -> None:
    html = accounting(report)
    assert '<td class="">a&amp;b&lt;c&gt;.csv</td><td class="">juki.setai</td><td class="n">10</td>' in html
    assert (
        '<tr class="total"><td colspan="2">合計 <span class="en">/ Total</span></td><td class="n">20,012</td>'
        '<td class="n">2</td><td class="n">19,970</td><td class="n">40</td><td></td></tr></tbody>'
    ) in html
    assert '<td class="code">rpt.check_digit</td><td class="n">30</td>' in html


def test_reconciliation_marks_a_mismatch(report: Report) -> None:
    assert reconciliation(report).count('<span class="o-ok">一致 <span class="en">/ match</span></span>') == 2
    row = Reconciliation(
        file="SETAI.DAT", kind="record_count", field="count", declared="5", counted="4", ok=False
    )
    bad = report.model_copy(update={"reconciliation": [row]})
    html = reconciliation(bad)
    assert '<span class="o-fail">不一致 <span class="en">/ MISMATCH</span></span>' in html
    assert '<td class="">count <span class="note mono">count</span></td>' in html
