"""``report.html`` sections that close it: 7 ファイルと SHA-256 (inputs and outputs), 8 実行条件と版
(run options and layout versions) and the 確認欄 (sign-off)."""

from __future__ import annotations

from ._html_markup import bi, n, size, t, table, when
from .model import Report

_OUTCOME_OF = {"pass": "ok", "pass_with_warnings": "warning", "fail": "fail"}
ROLE_JA = {"source": "移行元", "standard": "標準レイアウト", "rejects": "不備データ", "reference": "参照"}
ENCODING_SOURCE_JA = {
    "flag": "指定",
    "adapter": "アダプタ定義",
    "detected": "自動判定",
    "bom": "BOM",
    "default": "既定",
}


def files(r: Report) -> str:
    ins = table(
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
                size(i.size),
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
    outs = table(
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
                size(o.size),
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


def options(r: Report) -> str:
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
    html = table([("設定", "Setting", ""), ("値", "Value", "")], rows)
    html += table(
        [
            ("レイアウトID", "Layout id", "mono"),
            ("名称", "Title", ""),
            ("版", "Spec version", ""),
            ("SHA-256", "SHA-256", "sha"),
        ],
        [[t(la.id), t(la.title_ja), t(la.spec_version), t(la.sha256 or "—")] for la in r.layouts],
    )
    return html


def signoff(r: Report) -> str:
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
        f"{bi(r.verdict.label_ja, r.verdict.label_en)}</strong> · {bi('作成日時', 'Generated')} {when(r.generated_at)}"
        + (f" · {t(r.municipality)}" if r.municipality else "")
        + "</p>"
        f'<p class="note">{bi("本報告書の内容を確認しました。", "We have checked the contents of this report.")}</p>'
        f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></section>"
    )
