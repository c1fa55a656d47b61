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

from importlib.resources import files

from . import _html_counts, _html_findings, _html_signoff
from ._html_markup import bi, t
from .model import Report


def render_html(report: Report) -> str:
    """The complete HTML document (UTF-8 text, LF line ends, final newline)."""
    css = files("chukan_layout.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    sections = [
        ("判定", "Verdict", _html_counts.verdict),
        ("件数照合", "Record accounting", _html_counts.accounting),
        ("トレーラ照合", "Trailer reconciliation", _html_counts.reconciliation),
        ("検出事項（コード × 項目）", "Findings by code × item", _html_findings.findings),
        ("検出例", "Samples", _html_findings.samples),
        ("外字", "外字 (gaiji) summary", _html_findings.gaiji),
        ("ファイルと SHA-256", "Files and SHA-256", _html_signoff.files),
        ("実行条件と版", "Run options and versions", _html_signoff.options),
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
        f"{_html_counts.header(report)}\n{body}\n{_html_signoff.signoff(report)}\n"
        f'<footer class="note"><p>{font_note}</p><p>{bi("スキーマ版", "Report schema")} {t(report.schema_version)} · '
        f"{t(report.tool.name)} {t(report.tool.version)} · {bi('正本は report.json', 'report.json is the source of truth')}"
        "</p></footer>\n</body>\n</html>\n"
    )
