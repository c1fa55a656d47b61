"""``report.html``: the printable sign-off page, rendered from the :class:`~.model.Report` alone.

Self-contained: inline CSS (``templates/report.css``) and an inline SVG chart; no script,
no font file, no link — a Content-Security-Policy ``default-src 'none'`` makes sure a
browser fetches nothing. Japanese labels first, English second. Printable on A4
(``@page size: A4``, table headers repeat, rows and the 確認欄 do not split).

Every value is HTML-escaped; control characters are shown as ``[U+001B]`` so a value
cannot hide text. Names with IVS or PUA 外字 are kept as they are: the value font stack
prefers IPAmj明朝 (Debian package ``fonts-ipamj-mincho``), which has the MJ glyphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from importlib.resources import files

from .model import GAIJI_STATUSES, Report
from .svg_chart import findings_chart

HTML_SAMPLES = 5  # samples per finding shown on paper; all kept samples are in JSON/CSV
JST = timezone(timedelta(hours=9), "JST")
_CTL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "情報"}
OUTCOME_JA = {"ok": ("適合", "OK"), "warning": ("注意", "Warning"), "fail": ("不適合", "Fail")}
GAIJI_JA = {
    "exact": ("そのまま", "exact"),
    "identified": ("同定済", "identified"),
    "degraded": ("縮退", "degraded"),
    "unmapped": ("未対応", "unmapped"),
    "replaced": ("代替置換", "replaced"),
    "not_in_target": ("格納不可", "not in target"),
}
_OUTCOME_OF = {"pass": "ok", "pass_with_warnings": "warning", "fail": "fail"}
ROLE_JA = {"source": "移行元", "standard": "標準レイアウト", "rejects": "不備データ", "reference": "参照"}
ENCODING_SOURCE_JA = {
    "flag": "指定",
    "adapter": "アダプタ定義",
    "detected": "自動判定",
    "bom": "BOM",
    "default": "既定",
}


def t(value: object) -> str:
    """Escape a value for HTML text or attributes; make control characters visible."""
    if value is None:
        return ""
    s = escape(str(value), quote=True)
    return _CTL.sub(lambda m: f'<span class="ctl">[U+{ord(m.group()):04X}]</span>', s)


def bi(ja: str, en: str) -> str:
    """A bilingual label: Japanese first, English secondary."""
    return f'{t(ja)} <span class="en">/ {t(en)}</span>'


def n(value: int) -> str:
    return f"{value:,}"


def _table(head: Sequence[tuple[str, str, str]], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """head: (ja, en, css class); rows: already escaped cell HTML (the class of column i applies)."""
    ths = "".join(f'<th class="{c}">{bi(ja, en)}</th>' for ja, en, c in head)
    body = []
    for row in rows:
        body.append(
            "<tr>" + "".join(f'<td class="{head[i][2]}">{cell}</td>' for i, cell in enumerate(row)) + "</tr>"
        )
    if not body:
        body.append(f'<tr><td colspan="{len(head)}" class="note">{bi("該当なし", "none")}</td></tr>')
    return f'<table class="{cls}"><thead><tr>{ths}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _size(b: int) -> str:
    for unit, k in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= k:
            return f'{b / k:.1f} {unit}<br><span class="note">{n(b)} B</span>'
    return f"{n(b)} B"


def _when(iso: str) -> str:
    try:
        dt = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return t(iso)
    return f'{dt.astimezone(JST):%Y年%m月%d日 %H:%M} JST <span class="note">({t(iso)})</span>'


def _header(r: Report) -> str:
    meta = [
        ("作成日時", "Generated", _when(r.generated_at)),
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


def _verdict(r: Report) -> str:
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
    return banner + _table(head, rows)


def _accounting(r: Report) -> str:
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
    html = _table(head, rows).replace("</tbody>", total + "</tbody>") if rows else _table(head, rows)
    reasons = [[t(a.file), t(code), n(k)] for a in r.accounting for code, k in a.rejected_by_reason.items()]
    if reasons:
        html += (
            "<h3>"
            + bi("不備理由別件数", "Rejected records by reason")
            + "</h3>"
            + _table(
                [("ファイル", "File", ""), ("理由コード", "Reason code", "code"), ("件数", "Records", "n")],
                reasons,
            )
        )
    return html


def _reconciliation(r: Report) -> str:
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
    return _table(head, rows)


def _findings(r: Report) -> str:
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
    return f"<p>{bi('件数', 'Findings')}: {summary}</p>" + findings_chart(r.findings) + _table(head, rows)


def _samples(r: Report) -> str:
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
    return f"<p>{mask}</p>" + _table(head, rows) + note


def _gaiji(r: Report) -> str:
    g = r.gaiji
    head = [(ja, en, "n") for ja, en in (GAIJI_JA[s] for s in GAIJI_STATUSES)]
    html = _table(head, [[n(g.by_status.get(s, 0)) for s in GAIJI_STATUSES]])
    if g.by_item:
        html += _table(
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
    html += _table(
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
    html += _table(
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


def _files(r: Report) -> str:
    ins = _table(
        [
            ("パス", "Path", "any"),
            ("区分", "Role", ""),
            ("サイズ", "Size", "n"),
            ("文字コード", "Encoding", ""),
            ("レコード形式", "Framing", ""),
            ("SHA-256", "SHA-256", "sha"),
        ],
        [
            [
                t(i.path),
                t(ROLE_JA.get(i.role, i.role)),
                _size(i.size),
                (
                    ""
                    if i.encoding is None
                    else t(i.encoding.encoding)
                    + ' <span class="note">('
                    + t(ENCODING_SOURCE_JA.get(i.encoding.source, i.encoding.source))
                    + ")</span>"
                    + (
                        f'<br><span class="note">{t(i.encoding.evidence)}</span>'
                        if i.encoding.evidence
                        else ""
                    )
                ),
                t(i.framing),
                t(i.sha256),
            ]
            for i in r.inputs
        ],
    )
    outs = _table(
        [
            ("パス", "Path", "any"),
            ("区分", "Role", ""),
            ("レイアウト", "Layout", ""),
            ("件数", "Records", "n"),
            ("サイズ", "Size", "n"),
            ("SHA-256", "SHA-256", "sha"),
        ],
        [
            [
                t(o.path),
                t(ROLE_JA.get(o.role, o.role)),
                t(o.layout_id or ""),
                n(o.records),
                _size(o.size),
                t(o.sha256),
            ]
            for o in r.outputs
        ],
    )
    return (
        "<h3>"
        + bi("入力ファイル", "Inputs")
        + "</h3>"
        + ins
        + "<h3>"
        + bi("出力ファイル", "Outputs")
        + "</h3>"
        + outs
    )


def _value(v: object) -> str:
    if isinstance(v, bool):
        return bi("はい", "yes") if v else bi("いいえ", "no")
    return t("—" if v is None else v)


def _options(r: Report) -> str:
    o, th = r.options, r.options.thresholds
    lim = [
        ("エラー件数の上限", "Max error findings", th.max_error_findings),
        ("警告件数の上限", "Max warning findings", th.max_warning_findings),
        ("不備率の上限", "Max reject rate", f"{th.max_reject_rate * 100:.3f}%"),
        ("未対応外字の上限", "Max unmapped 外字", th.max_unmapped_gaiji),
        ("件数一致を必須", "Require balanced counts", th.require_balanced),
        ("トレーラ照合を必須", "Require trailer reconciliation", th.require_reconciled),
        ("マスキング", "Masking", o.masking),
        ("サンプル上限", "Max samples", o.max_samples),
    ]
    lim += [("重要度の変更", f"Severity override {k}", v) for k, v in o.severity_overrides.items()]
    lim += [("オプション", k, v) for k, v in o.extra.items()]
    rows = [[bi(ja, en), _value(v)] for ja, en, v in lim]
    html = _table([("設定", "Setting", ""), ("値", "Value", "")], rows)
    html += _table(
        [
            ("レイアウトID", "Layout id", "mono"),
            ("名称", "Title", ""),
            ("版", "Spec version", ""),
            ("SHA-256", "SHA-256", "sha"),
        ],
        [[t(la.id), t(la.title_ja), t(la.spec_version), t(la.sha256 or "—")] for la in r.layouts],
    )
    return html


def _signoff(r: Report) -> str:
    ths = "".join(f"<th>{bi(s.role_ja, s.role_en)}</th>" for s in r.signoff)

    def row(cls: str, content: str) -> str:
        return "<tr>" + f'<td class="{cls}">{content}</td>' * len(r.signoff) + "</tr>"

    body = (
        row("", bi("所属", "Dept."))
        + row("", bi("氏名", "Name"))
        + row("date", "年　　月　　日")
        + row("seal", '<span class="seal-box">印</span>')
    )
    return (
        f'<section class="signoff"><h2>{bi("確認欄", "Sign-off")}</h2>'
        f'<p>{bi("判定", "Verdict")}: <strong class="o-{_OUTCOME_OF[r.verdict.status]}">'
        f"{bi(r.verdict.label_ja, r.verdict.label_en)}</strong> · {bi('作成日時', 'Generated')} {_when(r.generated_at)}"
        + (f" · {t(r.municipality)}" if r.municipality else "")
        + "</p>"
        f'<p class="note">{bi("本報告書の内容を確認しました。", "We have checked the contents of this report.")}</p>'
        f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></section>"
    )


def render_html(report: Report) -> str:
    """The complete HTML document (UTF-8 text, LF line ends, final newline)."""
    css = files("chukan_layout.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    sections = [
        ("判定", "Verdict", _verdict),
        ("件数照合", "Record accounting", _accounting),
        ("トレーラ照合", "Trailer reconciliation", _reconciliation),
        ("検出事項（コード × 項目）", "Findings by code × item", _findings),
        ("検出例", "Samples", _samples),
        ("外字", "外字 (gaiji) summary", _gaiji),
        ("ファイルと SHA-256", "Files and SHA-256", _files),
        ("実行条件と版", "Run options and versions", _options),
    ]
    body = "\n".join(
        f'<section id="s{i}"><h2>{i}. {bi(ja, en)}</h2>{fn(report)}</section>'
        for i, (ja, en, fn) in enumerate(sections, 1)
    )
    font_note = bi(
        "外字・異体字（IVS）は IPAmj明朝 で表示されます（Debian: fonts-ipamj-mincho）。未導入の環境では字形が異なる場合があります。",
        "外字 and IVS variants render with IPAmj明朝 (Debian package fonts-ipamj-mincho); "
        "other fonts may show a different glyph.",
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t(report.title)} — {t(report.verdict.label_ja)} / {t(report.verdict.label_en)}</title>\n"
        f"<style>\n{css}</style>\n</head>\n<body>\n"
        f"{_header(report)}\n{body}\n{_signoff(report)}\n"
        f'<footer class="note"><p>{font_note}</p><p>{bi("スキーマ版", "Report schema")} {t(report.schema_version)} · '
        f"{t(report.tool.name)} {t(report.tool.version)} · {bi('正本は report.json', 'report.json is the source of truth')}"
        "</p></footer>\n</body>\n</html>\n"
    )
