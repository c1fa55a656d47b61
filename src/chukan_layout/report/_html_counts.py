"""``report.html`` sections on the run and its counts: the header, 1 判定 (verdict), 2 件数照合
(record accounting) and 3 トレーラ照合 (trailer reconciliation)."""

from __future__ import annotations

from ._html_markup import bi, n, t, table, when
from .model import Report

OUTCOME_JA = {"ok": ("適合", "OK"), "warning": ("注意", "Warning"), "fail": ("不適合", "Fail")}


def header(r: Report) -> str:
    meta = [
        ("作成日時", "Generated", when(r.generated_at)),
        ("ツール", "Tool", t(f"{r.tool.name} {r.tool.version}")),
    ]
    if r.municipality:
        meta.insert(0, ("団体", "Municipality", f'<span class="v">{t(r.municipality)}</span>'))
    if r.adapter:
        meta.append(
            ("アダプタ", "Adapter", t(r.adapter.id + (f" {r.adapter.version}" if r.adapter.version else "")))
        )
    meta.append(
        (
            "レイアウト",
            "Layouts",
            "<br>".join(t(f"{la.id} {la.title_ja} ({la.spec_version})") for la in r.layouts) or "—",
        )
    )
    rows = "".join(f"<tr><th>{bi(ja, en)}</th><td>{v}</td></tr>" for ja, en, v in meta)
    return (
        f'<header><h1>{t(r.title)}<span class="en">Migration data validation report</span></h1>'
        f'<table class="meta">{rows}</table></header>'
    )


def verdict(r: Report) -> str:
    v = r.verdict
    reasons = [c for c in v.checks if c.outcome == "fail"] + [c for c in v.checks if c.outcome == "warning"]
    items = "".join(f"<li>{bi(c.label_ja, c.label_en)}: {t(c.actual)}</li>" for c in reasons)
    banner = (
        f'<div class="banner {t(v.status)}" role="status"><div class="big">判定：{t(v.label_ja)}'
        f'<span class="en">Verdict: {t(v.label_en)}</span></div>'
        + (
            f"<ul>{items}</ul>"
            if items
            else f"<p>{bi('すべての基準を満たしています', 'all criteria met')}</p>"
        )
        + "</div>"
    )
    rows = [
        [
            bi(c.label_ja, c.label_en),
            t(c.actual),
            t(c.limit),
            f'<span class="o-{c.outcome}">{bi(*OUTCOME_JA[c.outcome])}</span>',
        ]
        for c in v.checks
    ]
    head = [
        ("判定基準", "Criterion", ""),
        ("実績", "Actual", ""),
        ("基準値", "Limit", ""),
        ("結果", "Result", ""),
    ]
    return banner + table(head, rows)


def accounting(r: Report) -> str:
    head = [
        ("ファイル", "File", ""),
        ("レイアウト", "Layout", ""),
        ("読込件数", "Read", "n"),
        ("制御レコード", "Header/trailer", "n"),
        ("出力件数", "Written", "n"),
        ("不備件数", "Rejected", "n"),
        ("件数一致", "Balanced", ""),
    ]
    rows = [
        [
            t(a.file),
            t(a.layout_id or ""),
            n(a.records_read),
            n(a.control_records),
            n(a.written),
            n(a.rejected),
            f'<span class="o-{"ok" if a.balanced else "fail"}">{bi("一致", "yes") if a.balanced else bi("不一致", "NO")}</span>',
        ]
        for a in r.accounting
    ]
    tot = r.totals
    total = (
        f'<tr class="total"><td colspan="2">{bi("合計", "Total")}</td><td class="n">{n(tot.records_read)}</td>'
        f'<td class="n">{n(tot.control_records)}</td><td class="n">{n(tot.written)}</td>'
        f'<td class="n">{n(tot.rejected)}</td><td></td></tr>'
    )
    html = table(head, rows).replace("</tbody>", total + "</tbody>") if rows else table(head, rows)
    reasons = [[t(a.file), t(code), n(k)] for a in r.accounting for code, k in a.rejected_by_reason.items()]
    if reasons:
        html += (
            "<h3>"
            + bi("不備理由別件数", "Rejected records by reason")
            + "</h3>"
            + table(
                [("ファイル", "File", ""), ("理由コード", "Reason code", "code"), ("件数", "Records", "n")],
                reasons,
            )
        )
    return html


def reconciliation(r: Report) -> str:
    head = [
        ("ファイル", "File", ""),
        ("項目", "Figure", ""),
        ("トレーラ記載値", "Declared", "n"),
        ("実績値", "Counted", "n"),
        ("結果", "Result", ""),
    ]
    rows = [
        [
            t(x.file),
            t(x.label_ja or x.field) + f' <span class="note mono">{t(x.field)}</span>',
            t(x.declared),
            t(x.counted),
            f'<span class="o-{"ok" if x.ok else "fail"}">'
            + (bi("一致", "match") if x.ok else bi("不一致", "MISMATCH"))
            + "</span>",
        ]
        for x in r.reconciliation
    ]
    return table(head, rows)
