"""report.html: everything escaped, self-contained, printable, bilingual, 確認欄 present."""

from __future__ import annotations

import re

import numpy as np

from chukan_layout.findings import FindingSet
from chukan_layout.report import FileCounts, Report, build_report, render_html
from chukan_layout.report.svg_chart import findings_chart, shorten

from .html_doc import parse

ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "span",
    "strong",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "ul",
    "li",
    "section",
    "footer",
    "br",
    "svg",
    "g",
    "rect",
    "text",
}


def test_hostile_values_are_text_not_markup(report: Report) -> None:
    html = render_html(report)
    doc = parse(html)
    assert doc.tags <= ALLOWED_TAGS, doc.tags - ALLOWED_TAGS
    text = "".join(doc.text)
    assert "<script>alert(1)</script>" in text  # shown literally …
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # … because it is escaped
    assert "a&amp;b&lt;c&gt;.csv" in html and "住所 &lt;&amp;&gt;" in html
    assert "Informational &lt;note&gt; &amp; more" in html


def test_names_with_ivs_and_pua_are_kept_and_controls_shown(report: Report) -> None:
    html = render_html(report)
    assert "葛\U000e0100飾区\ue000町" in html  # not normalized, not dropped
    assert "髙橋　﨑子" in html
    assert "\x1b" not in html and '<span class="ctl">[U+001B]</span>[31m赤' in html


def test_self_contained_no_network_no_script(report: Report) -> None:
    html = render_html(report)
    doc = parse(html)
    assert "script" not in doc.tags and "link" not in doc.tags and "img" not in doc.tags
    assert not [a for a in doc.attrs if a[0] in ("src", "href", "srcset", "action")]
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_printable_on_a4_with_repeating_headers(report: Report) -> None:
    html = render_html(report)
    assert re.search(r"@page\s*\{\s*size:\s*A4", html)
    assert "thead { display: table-header-group; }" in html
    assert ".signoff { break-inside: avoid;" in html


def test_bilingual_sections_verdict_and_signoff(report: Report) -> None:
    text = "".join(parse(render_html(report)).text)
    for ja, en in [
        ("判定", "Verdict"),
        ("件数照合", "Record accounting"),
        ("トレーラ照合", "Trailer reconciliation"),
        ("外字", "summary"),
        ("ファイルと SHA-256", "Files and SHA-256"),
        ("確認欄", "Sign-off"),
    ]:
        assert ja in text and en in text
    assert "判定：条件付き合格" in text and "PASS WITH WARNINGS" in text
    for role in ("担当者", "確認者", "承認者", "年　　月　　日", "印"):
        assert role in text
    assert report.inputs[0].sha256 in text and report.outputs[0].sha256 in text
    assert (report.layouts[0].sha256 or "-") in text and "reference-2026.1" in text
    assert "IPAmj明朝" in text and "fonts-ipamj-mincho" in text


def test_value_font_stack_prefers_ipamj(report: Report) -> None:
    html = render_html(report)
    assert '--font-mj: "IPAmj明朝"' in html
    assert re.search(r"--font-value: var\(--font-mj\)", html)


def test_svg_chart_escapes_and_orders() -> None:
    fs = FindingSet()
    fs.add("rpt.charset", file="f<1>", item="x&y", records=np.arange(1, 6))
    fs.add("rpt.required", file="f2", item="x&y", records=np.arange(1, 3))
    fs.add("rpt.required", file="f3", item="x&y", records=np.arange(1, 5))  # 2 + 4 = 6 over files
    r = build_report(fs, files=[FileCounts("f", 1, 1, 0)], item_names={"x&y": "<氏名>"})
    svg = findings_chart(r.findings)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;氏名&gt;" in svg and "<氏名>" not in svg
    labels = re.findall(r'class="lbl">([^<]*)</text>', svg)
    assert labels == ["rpt.required · &lt;氏名&gt;", "rpt.charset · &lt;氏名&gt;"]
    assert findings_chart([]) == ""


def test_chart_label_shortening_counts_wide_chars() -> None:
    assert shorten("abc", 10) == "abc"
    assert shorten("髙橋髙橋髙橋", 7) == "髙橋髙…"
    assert shorten("葛\U000e0100" * 2, 4) == "葛\U000e0100葛\U000e0100"  # the selector has no width
