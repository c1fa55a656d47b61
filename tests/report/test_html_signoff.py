"""report.html's ファイルと SHA-256, 実行条件と版 and 確認欄 sections."""

from __future__ import annotations

from chukan_layout.report import Report
from chukan_layout.report._html_signoff import files, options, signoff


def test_files_roles_sizes_encodings_and_hashes(report: Report) -> None:
    html = files(report)
    assert '<td class="">移行元</td><td class="n">1,000 B</td>' in html
    assert 'cp932 <span class="note">(アダプタ定義)</span><br><span class="note">strict cp932 ok' in html
    assert 'utf-8 <span class="note">(自動判定)</span>' in html
    assert '<td class="">標準レイアウト</td><td class="">juki.jumin</td><td class="n">19,960</td>' in html
    assert report.inputs[0].sha256 in html and report.outputs[0].sha256 in html


def test_options_show_limits_flags_and_layout_versions(report: Report) -> None:
    html = options(report)
    assert '不備率の上限 <span class="en">/ Max reject rate</span></td><td class="">1.000%</td>' in html
    assert '警告件数の上限 <span class="en">/ Max warning findings</span></td><td class="">—</td>' in html
    assert (
        'マスキング <span class="en">/ Masking</span></td><td class="">はい <span class="en">/ yes</span>'
        in html
    )
    assert '<td class="mono">juki.jumin</td><td class="">住民</td>' in html


def test_signoff_has_one_column_per_role(report: Report) -> None:
    html = signoff(report)
    assert '<strong class="o-warning">条件付き合格' in html and "テスト県 サンプル町 (999997)</p>" in html
    assert html.count('<td class="seal"><span class="seal-box">印</span></td>') == len(report.signoff) == 3
    assert html.count('<td class="date">年　　月　　日</td>') == 3
