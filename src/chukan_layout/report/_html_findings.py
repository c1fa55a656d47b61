"""``report.html`` sections on what was found: 4 検出事項 (findings by code × item, with the
chart), 5 検出例 (samples) and 6 外字 (the 外字 summary)."""

from __future__ import annotations

from ._html_markup import bi, n, t, table
from .model import GAIJI_STATUSES, Report
from .svg_chart import findings_chart

HTML_SAMPLES = 5  # samples per finding shown on paper; all kept samples are in JSON/CSV
SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "情報"}
GAIJI_JA = {
    "exact": ("そのまま", "exact"),
    "identified": ("同定済", "identified"),
    "degraded": ("縮退", "degraded"),
    "unmapped": ("未対応", "unmapped"),
    "replaced": ("代替置換", "replaced"),
    "not_in_target": ("格納不可", "not in target"),
}


def findings(r: Report) -> str:
    sev = r.totals.findings_by_severity
    summary = " ／ ".join(
        f'<span class="sev-{s}">{t(SEVERITY_JA[s])} {n(sev.get(s, 0))}</span>'
        for s in ("error", "warning", "info")
    )
    head = [
        ("コード", "Code", "code"),
        ("重要度", "Severity", ""),
        ("ファイル", "File", ""),
        ("項目", "Item", ""),
        ("件数", "Count", "n"),
        ("内容", "Description", ""),
    ]
    rows = [
        [
            t(f.code),
            f'<span class="sev-{f.severity}">{t(SEVERITY_JA[f.severity])}</span>',
            t(f.file),
            f'<span class="v">{t(f.item_name)}</span> <span class="note mono">{t(f.item)}</span>',
            n(f.count),
            t(f.summary_ja) + (f'<br><span class="note">{t(f.summary_en)}</span>' if f.summary_en else ""),
        ]
        for f in r.findings
    ]
    return f"<p>{bi('件数', 'Findings')}: {summary}</p>" + findings_chart(r.findings) + table(head, rows)


def samples(r: Report) -> str:
    mask = (
        bi("個人情報はマスク済み", "personal data masked")
        if r.options.masking
        else '<strong class="o-fail">' + bi("マスクなし（生データ）", "NOT masked (raw values)") + "</strong>"
    )
    head = [
        ("コード", "Code", "code"),
        ("ファイル", "File", ""),
        ("項目", "Item", "code"),
        ("レコード番号", "Record", "n"),
        ("値", "Value", "v"),
        ("詳細", "Detail", "any"),
    ]
    rows = []
    for f in r.findings:
        for s in f.samples[:HTML_SAMPLES]:
            rows.append([t(f.code), t(f.file), t(f.item), n(s.record), t(s.value), t(s.detail)])
    more = sum(max(0, len(f.samples) - HTML_SAMPLES) for f in r.findings)
    note = bi(
        f"各項目 先頭{HTML_SAMPLES}件を表示。他 {more} 件は findings.csv / report.json",
        f"first {HTML_SAMPLES} per finding shown; {more} more in findings.csv / report.json",
    )
    note = f'<p class="note">{note}</p>' if more else ""
    return f"<p>{mask}</p>" + table(head, rows) + note


def gaiji(r: Report) -> str:
    g = r.gaiji
    head = [(ja, en, "n") for ja, en in (GAIJI_JA[s] for s in GAIJI_STATUSES)]
    html = table(head, [[n(g.by_status.get(s, 0)) for s in GAIJI_STATUSES]])
    if g.by_item:
        html += table(
            [("項目", "Item", "code"), ("外字の出現数", "外字 occurrences", "n")],
            [[t(k), n(v)] for k, v in g.by_item.items()],
        )
    html += (
        "<h3>"
        + bi(
            f"未対応外字（上位、全 {g.unmapped_distinct} 種）",
            f"Unmapped 外字 (top, {g.unmapped_distinct} distinct)",
        )
        + "</h3>"
    )
    html += table(
        [
            ("外字コード", "Code", "code"),
            ("文字", "Char", "v"),
            ("項目", "Items", "code"),
            ("件数", "Count", "n"),
        ],
        [[t(c.code), t(c.char), t(", ".join(c.items)), n(c.count)] for c in g.top_unmapped],
    )
    target = g.target_charset or "—"
    html += (
        "<h3>"
        + bi(
            f"移行先文字集合（{target}）に格納できない文字（全 {g.not_storable_total} 件）",
            f"Not storable in the target charset ({g.not_storable_total} occurrences)",
        )
        + "</h3>"
    )
    html += table(
        [
            ("文字", "Character", "v"),
            ("符号位置", "Code points", "code"),
            ("文字集合", "Charset", "code"),
            ("項目", "Items", "code"),
            ("件数", "Count", "n"),
        ],
        [
            [t(c.char), t(c.codepoints), t(c.charset), t(", ".join(c.items)), n(c.count)]
            for c in g.not_storable
        ],
    )
    return html
