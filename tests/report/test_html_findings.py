"""report.html's 検出事項, 検出例 and 外字 sections."""

from __future__ import annotations

from chukan_layout.report import Report
from chukan_layout.report._html_findings import HTML_SAMPLES, findings, gaiji, samples


def test_findings_counts_by_severity_chart_and_rows(report: Report) -> None:
    html = findings(report)
    assert html.startswith(
        '<p>件数 <span class="en">/ Findings</span>: <span class="sev-error">エラー 33</span> ／ '
        '<span class="sev-warning">警告 10</span> ／ <span class="sev-info">情報 1</span></p><svg'
    )
    assert '<span class="v">住所 &lt;&amp;&gt;</span> <span class="note mono">jusho</span>' in html
    assert '情報「注記」<br><span class="note">Informational &lt;note&gt; &amp; more</span>' in html


def test_samples_on_paper_are_the_first_few_per_finding(report: Report) -> None:
    html = samples(report)
    assert html.count('<td class="code">rpt.check_digit</td>') == HTML_SAMPLES == 5
    assert "********00" in html and "0001234500" not in html  # masked
    # 20 check-digit samples kept (max_samples) and 8 hostile names: 15 + 3 not on paper
    assert "他 18 件は findings.csv / report.json" in html
    raw = report.model_copy(update={"options": report.options.model_copy(update={"masking": False})})
    assert '<strong class="o-fail">マスクなし（生データ）' in samples(raw)


def test_gaiji_counts_unmapped_and_not_storable(report: Report) -> None:
    html = gaiji(report)
    assert '<td class="n">812</td><td class="n">40</td><td class="n">3</td><td class="n">2</td>' in html
    assert "未対応外字（上位、全 2 種）" in html and '<td class="code">F040</td>' in html
    assert "移行先文字集合（cp932）に格納できない文字（全 6 件）" in html
    assert '<td class="v">葛\U000e0100</td><td class="code">U+845B U+E0100</td>' in html
