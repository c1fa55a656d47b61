"""``reconcile.html``: the 照合結果報告書, rendered from the :class:`~.reconcile_model.ReconcileReport` alone.

The same conventions and building blocks as ``report.html`` (:mod:`.render_html`; the markup
helpers of :mod:`._html_markup`): the shared stylesheet, bilingual labels (Japanese first),
escaped values, an inline SVG bar chart (:func:`.svg_chart.bar_chart`), no script and a CSP
that fetches nothing, A4 print and the 確認欄.
"""

from __future__ import annotations

from importlib.resources import files

from ._html_markup import bi, n, t, table, when
from .reconcile_model import ReconcileReport
from .svg_chart import bar_chart

KIND_JA = {
    "only_old": ("旧のみ", "only in OLD"),
    "only_new": ("新のみ", "only in NEW"),
    "duplicate_old": ("旧で重複", "duplicate key in OLD"),
    "duplicate_new": ("新で重複", "duplicate key in NEW"),
    "changed": ("項目相違", "changed items"),
}
EQUIV_JA = {
    "trailing_blanks": "末尾空白",
    "kana_width": "カナ全半角",
    "date_notation": "日付表記",
    "code_map": "コード読替",
    "gaiji_degraded": "外字縮退（記録あり）",
}
_MARK = {True: '<span class="o-ok">✔</span>', False: '<span class="o-fail">✘</span>'}
_CHART_COLOURS = {"changed": "#1565c0", "only_old": "#b71c1c", "only_new": "#e08a00",
                  "duplicate_old": "#6a1b9a", "duplicate_new": "#6a1b9a"}  # fmt: skip


def _num(v: int | None) -> str:
    return "—" if v is None else n(v)


def _verdict(r: ReconcileReport) -> str:
    v = r.verdict
    cls = "pass" if v.status == "match" else "fail"
    items = "".join(f"<li>{t(x)}</li>" for x in v.reasons[:30])
    more = f"<li>… {n(len(v.reasons) - 30)}</li>" if len(v.reasons) > 30 else ""
    body = (
        f"<ul>{items}{more}</ul>"
        if items
        else f"<p>{bi('旧新の内容は宣言した同値の範囲で一致しています', 'OLD and NEW match within the declared equivalences')}</p>"
    )
    return f'<div class="banner {cls}" role="status"><div class="big">判定：{t(v.label_ja)}<span class="en">Verdict: {t(v.label_en)}</span></div>{body}</div>'


def _layouts(r: ReconcileReport) -> str:
    head = [("レイアウト", "Layout", ""), ("旧件数", "OLD", "n"), ("新件数", "NEW", "n"), ("一致", "Identical", "n"),
            ("旧のみ", "Only OLD", "n"), ("新のみ", "Only NEW", "n"), ("重複(旧/新)", "Dup. O/N", "n"),
            ("項目相違", "Changed", "n"), ("結果", "Result", "")]  # fmt: skip
    rows = []
    for la in r.layouts:
        ok = la.differences == 0 and not (la.old_read_rejected or la.new_read_rejected)
        rows.append([t(la.layout_id) + f'<br><span class="note">{t(la.title_ja)}</span>', n(la.old_records), n(la.new_records),
                     n(la.identical), n(la.only_old), n(la.only_new), f"{n(la.duplicate_old)} / {n(la.duplicate_new)}",
                     n(la.changed), _MARK[ok]])  # fmt: skip
    html = table(head, rows)
    notes = [f"{t(la.layout_id)}: {bi('比較しなかった項目', 'items not compared')} {t(', '.join(la.items_not_compared))}"
             for la in r.layouts if la.items_not_compared]  # fmt: skip
    return html + "".join(f'<p class="note">{x}</p>' for x in notes)


def _totals(r: ReconcileReport) -> str:
    head = [("レイアウト", "Layout", "mono"), ("照合項目", "Total", ""), ("区分", "Group", ""), ("旧", "OLD", "n"),
            ("新", "NEW", "n"), ("差", "Diff", "n"), ("結果", "Result", "")]  # fmt: skip
    rows = [[t(x.layout_id), t(x.label), t(x.group), _num(x.old), _num(x.new),
             "—" if x.diff is None else (f"{x.diff:+,}" if x.diff else "0"), _MARK[x.ok]] for x in r.totals]  # fmt: skip
    html = table(head, rows, "totals")
    if r.cross:
        html += "<h3>" + bi("レイアウト間照合", "Cross-layout totals") + "</h3>"
        html += table([("照合項目", "Check", ""), ("側", "Side", ""), ("値", "Value", "n"), ("相手レイアウト", "Other layout", "mono"),
                        ("相手の値", "Other value", "n"), ("結果", "Result", "")],
                       [[t(c.label), "旧 / OLD" if c.side == "old" else "新 / NEW", _num(c.value), t(c.other_layout_id),
                         _num(c.other_value), _MARK[c.ok]] for c in r.cross])  # fmt: skip
    return html


def _differences(r: ReconcileReport) -> str:
    bars = []
    for la in r.layouts:
        bars += [(_CHART_COLOURS["changed"], f"{la.layout_id} · {d.item_name}", f"{la.layout_id} {d.item} {d.item_name}", d.changed)
                 for d in la.by_item]  # fmt: skip
        for k in ("only_old", "only_new", "duplicate_old", "duplicate_new"):
            if getattr(la, k):
                bars.append(
                    (
                        _CHART_COLOURS[k],
                        f"{la.layout_id} · {KIND_JA[k][0]}",
                        f"{la.layout_id} {k}",
                        getattr(la, k),
                    )
                )
    bars.sort(key=lambda b: (-b[3], b[1]))
    chart = bar_chart(
        bars[:30],
        cut=max(0, len(bars) - 30),
        aria="相違件数（レイアウト × 項目） / Differences by layout × item",
    )
    rows = [[t(la.layout_id), t(d.item_name) + f' <span class="note mono">{t(d.item)}</span>', n(d.changed)]
            for la in r.layouts for d in la.by_item]  # fmt: skip
    html = chart + table(
        [("レイアウト", "Layout", "mono"), ("項目", "Item", ""), ("相違件数", "Changed", "n")], rows
    )
    eq = [[t(la.layout_id), t(e.item_name) + f' <span class="note mono">{t(e.item)}</span>',
           t(EQUIV_JA.get(e.equivalence, e.equivalence)) + f' <span class="note">{t(e.equivalence)}</span>', n(e.count)]
          for la in r.layouts for e in la.equivalences]  # fmt: skip
    html += (
        "<h3>"
        + bi("同値として扱った相違（差異ではない）", "Equivalences applied (not differences)")
        + "</h3>"
    )
    return html + table(
        [
            ("レイアウト", "Layout", "mono"),
            ("項目", "Item", ""),
            ("同値", "Equivalence", ""),
            ("件数", "Count", "n"),
        ],
        eq,
    )


def _samples(r: ReconcileReport) -> str:
    mask = (bi("個人情報はマスク済み", "personal data masked") if r.options.masking
            else '<strong class="o-fail">' + bi("マスクなし（生データ）", "NOT masked (raw values)") + "</strong>")  # fmt: skip
    head = [("種別", "Kind", ""), ("レイアウト", "Layout", "mono"), ("キー", "Key", "code"), ("項目", "Item", ""),
            ("旧の値", "OLD value", "v"), ("新の値", "NEW value", "v"), ("レコード(旧/新)", "Record O/N", "n")]  # fmt: skip
    rows = [[bi(*KIND_JA[s.kind]), t(s.layout), t(s.key), t(s.item_name), t(s.old_value), t(s.new_value),
             f"{t(s.old_record) or '—'} / {t(s.new_record) or '—'}"] for s in r.samples[:200]]  # fmt: skip
    note = bi("全件は differences.csv を参照", "every difference is in differences.csv")
    return f"<p>{mask}</p>" + table(head, rows) + f'<p class="note">{note}</p>'


def _findings_diff(r: ReconcileReport) -> str:
    if r.findings_diff is None:
        return f'<p class="note">{bi("両側が convert の出力（report.json あり）の場合に表示", "shown when both sides are convert outputs with report.json")}</p>'
    ja = {"appeared": "新規", "disappeared": "解消", "changed": "件数変化"}
    return table([("変化", "Change", ""), ("コード", "Code", "code"), ("ファイル", "File", ""), ("項目", "Item", "code"),
                   ("旧", "OLD", "n"), ("新", "NEW", "n")],
                  [[bi(ja[f.change], f.change), t(f.code), t(f.file), t(f.item), n(f.old), n(f.new)] for f in r.findings_diff])  # fmt: skip


def _files(r: ReconcileReport) -> str:
    rows = []
    for side in (r.old, r.new):
        for f in side.files:
            rows.append(
                [
                    "旧 / OLD" if side.name == "old" else "新 / NEW",
                    t(f.path),
                    t(f.role),
                    t(f.layout_id or ""),
                    n(f.size),
                    t(f.sha256),
                ]
            )
    html = table([("側", "Side", ""), ("パス", "Path", "any"), ("区分", "Role", ""), ("レイアウト", "Layout", "mono"),
                   ("サイズ", "Bytes", "n"), ("SHA-256", "SHA-256", "sha")], rows)  # fmt: skip
    conv = [[side.name.upper(), t(side.adapter or ""), *(n(side.conversion.get(k, 0)) for k in ("records_in", "records_out", "rejected"))]
            for side in (r.old, r.new) if side.adapter]  # fmt: skip
    if conv:
        html += table(
            [
                ("側", "Side", ""),
                ("アダプタ", "Adapter", ""),
                ("読込", "Read", "n"),
                ("出力", "Out", "n"),
                ("不備", "Rejected", "n"),
            ],
            conv,
        )
    return html


def _versions(r: ReconcileReport) -> str:
    o = r.options
    rows = [[bi("ツール", "Tool"), t(f"{r.tool.name} {r.tool.version}")],
            [bi("同値", "Equivalences"), t(", ".join(o.equivalences) or "—")],
            [bi("コード読替表", "Code map"), t(o.code_map or "—")], [bi("外字記録", "外字 evidence"), t(o.gaiji_evidence or "—")],
            [bi("並列数", "Workers"), n(o.workers)]]  # fmt: skip
    rows += [[bi("キー", "Key") + f" {t(k)}", t(", ".join(v))] for k, v in o.keys.items()]
    rows += [[bi("オプション", k), t(v)] for k, v in o.extra.items()]
    html = table([("設定", "Setting", ""), ("値", "Value", "")], rows)
    return html + table([("レイアウトID", "Layout id", "mono"), ("名称", "Title", ""), ("版", "Spec version", ""), ("分割数", "Buckets", "n"), ("SHA-256", "SHA-256", "sha")],
                         [[t(la.layout_id), t(la.title_ja), t(la.spec_version), n(la.partitions), t(la.layout_sha256 or "—")] for la in r.layouts])  # fmt: skip


def _signoff(r: ReconcileReport) -> str:
    roles = [
        ("移行元（旧システム）", "Old system"),
        ("移行先（新システム）", "New system"),
        ("団体 担当課", "Municipality"),
    ]
    ths = "".join(f"<th>{bi(ja, en)}</th>" for ja, en in roles)

    def row(cls: str, content: str) -> str:
        return "<tr>" + f'<td class="{cls}">{content}</td>' * len(roles) + "</tr>"

    body = (
        row("", bi("所属", "Dept."))
        + row("", bi("氏名", "Name"))
        + row("date", "年　　月　　日")
        + row("seal", '<span class="seal-box">印</span>')
    )
    cls = "ok" if r.verdict.status == "match" else "fail"
    return (f'<section class="signoff"><h2>{bi("確認欄", "Sign-off")}</h2><p>{bi("判定", "Verdict")}: <strong class="o-{cls}">'
            f"{bi(r.verdict.label_ja, r.verdict.label_en)}</strong> · {bi('作成日時', 'Generated')} {when(r.generated_at)}</p>"
            f'<p class="note">{bi("本報告書の照合結果を確認しました。", "We have checked the reconciliation in this report.")}</p>'
            f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></section>")  # fmt: skip


def render_reconcile_html(report: ReconcileReport) -> str:
    """The complete HTML document (UTF-8 text, LF line ends, final newline)."""
    css = files("chukan_layout.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    sections = [
        ("判定", "Verdict", _verdict),
        ("照合表", "Control totals (照合表)", _totals),
        ("レイアウト別件数", "Records by layout", _layouts),
        ("相違（レイアウト × 項目）", "Differences by layout × item", _differences),
        ("相違の例", "Samples", _samples),
        ("検出事項の変化（リハーサル間）", "Findings between rehearsals", _findings_diff),
        ("入力ファイルと SHA-256", "Inputs and SHA-256", _files),
        ("実行条件と版", "Run options and versions", _versions),
    ]
    body = "\n".join(f'<section id="s{i}"><h2>{i}. {bi(ja, en)}</h2>{fn(report)}</section>'
                     for i, (ja, en, fn) in enumerate(sections, 1))  # fmt: skip
    head = (f'<header><h1>{t(report.title)}<span class="en">Reconciliation report (old vs new system)</span></h1>'
            f'<table class="meta"><tr><th>{bi("作成日時", "Generated")}</th><td>{when(report.generated_at)}</td></tr>'
            f'<tr><th>{bi("旧", "OLD")}</th><td>{t(report.old.adapter or "標準レイアウト / standard layout")} · {n(len(report.old.files))} files</td></tr>'
            f'<tr><th>{bi("新", "NEW")}</th><td>{t(report.new.adapter or "標準レイアウト / standard layout")} · {n(len(report.new.files))} files</td></tr></table></header>')  # fmt: skip
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t(report.title)} — {t(report.verdict.label_ja)} / {t(report.verdict.label_en)}</title>\n"
        f"<style>\n{css}</style>\n</head>\n<body>\n{head}\n{body}\n{_signoff(report)}\n"
        f'<footer class="note"><p>{bi("スキーマ版", "Schema")} {t(report.schema_version)} · {t(report.tool.name)} {t(report.tool.version)} · '
        f"{bi('正本は reconcile.json', 'reconcile.json is the source of truth')}</p></footer>\n</body>\n</html>\n"
    )
