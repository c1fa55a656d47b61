"""The sign-off pages' markup: escaped text, bilingual labels, tables, sizes, JST times."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.report._html_markup import bi, n, size, t, table, when

from .html_doc import parse


def test_text_is_escaped_and_controls_shown() -> None:
    assert t(None) == ""
    assert t('髙橋 <&> "﨑"') == "髙橋 &lt;&amp;&gt; &quot;﨑&quot;"
    assert t("ﾊﾟ\x1b[31m") == 'ﾊﾟ<span class="ctl">[U+001B]</span>[31m'
    assert t("葛\U000e0100\ue000") == "葛\U000e0100\ue000"  # IVS and PUA 外字 kept as they are


def test_bilingual_label_and_counts() -> None:
    assert bi("氏名", "Name <x>") == '氏名 <span class="en">/ Name &lt;x&gt;</span>'
    assert n(1234567) == "1,234,567" and n(0) == "0"


def test_table_applies_column_classes_and_says_none() -> None:
    head = [("件数", "Count", "n"), ("値", "Value", "v")]
    html = table(head, [["1,000", "〜"], ["2", "～"]], "totals")
    assert html.startswith(
        '<table class="totals"><thead><tr><th class="n">件数 <span class="en">/ Count</span></th>'
    )
    assert '<tr><td class="n">1,000</td><td class="v">〜</td></tr>' in html
    assert '<tr><td class="n">2</td><td class="v">～</td></tr>' in html
    empty = table(head, [])
    assert '<tr><td colspan="2" class="note">該当なし <span class="en">/ none</span></td></tr>' in empty


def test_size_in_binary_units_with_the_exact_bytes() -> None:
    assert size(1023) == "1,023 B"
    assert size(1024) == '1.0 KiB<br><span class="note">1,024 B</span>'
    assert size(5 << 20) == '5.0 MiB<br><span class="note">5,242,880 B</span>'
    assert size(3 << 30).startswith("3.0 GiB<br>")


def test_when_shows_jst_and_the_utc_stamp() -> None:
    assert (
        when("2026-04-01T15:30:00Z")
        == '2026年04月02日 00:30 JST <span class="note">(2026-04-01T15:30:00Z)</span>'
    )
    assert when("令和8年 <不明>") == "令和8年 &lt;不明&gt;"  # not a timestamp: shown as text, escaped


@given(st.text(max_size=40))
def test_any_text_renders_as_text(value: str) -> None:
    value = value.replace("\r", "")  # HTML parsers normalize CR; not an escaping matter
    escaped = t(value)
    doc = parse(f"<p>{escaped}</p>")
    assert doc.tags <= {"p", "span"}
    shown = "".join(doc.text)
    if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", value):
        assert shown == value
