"""Inline SVG bar chart of findings by code × item (no script, no external font).

One horizontal bar per (code, item) summed over files, longest first, coloured by
severity, with the count at the bar's end. Labels are escaped and shortened by display
width (a full-width character counts two); the full label is in the bar's ``<title>``.
Numbers are printed with fixed precision so the output is byte-stable.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

from .model import FindingRow

COLOURS = {"error": "#b71c1c", "warning": "#e08a00", "info": "#1565c0"}
_SEV_ORDER = {"error": 0, "warning": 1, "info": 2}


def _char_width(c: str) -> int:
    if unicodedata.category(c) in ("Mn", "Me", "Cf"):  # combining marks, variation selectors (IVS)
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def _width(s: str) -> int:
    return sum(_char_width(c) for c in s)


def shorten(s: str, max_width: int) -> str:
    """Cut ``s`` to ``max_width`` display columns, ending with … when cut."""
    if _width(s) <= max_width:
        return s
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > max_width - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def bars(findings: Sequence[FindingRow], limit: int) -> tuple[list[tuple[str, str, str, str, int]], int]:
    """(severity, code, item, item_name, count) per code × item, top ``limit``; and how many were cut."""
    agg: dict[tuple[str, str], list] = {}
    for f in findings:
        entry = agg.setdefault((f.code, f.item), [f.severity, f.item_name, 0])
        entry[2] += f.count
        if _SEV_ORDER[f.severity] < _SEV_ORDER[entry[0]]:
            entry[0] = f.severity
        entry[1] = entry[1] or f.item_name
    rows = sorted(
        ((s, c, i, n, k) for (c, i), (s, n, k) in agg.items()),
        key=lambda r: (-r[4], _SEV_ORDER[r[0]], r[1], r[2]),
    )
    return rows[:limit], max(0, len(rows) - limit)


def findings_chart(findings: Sequence[FindingRow], *, limit: int = 30, width: int = 680) -> str:
    """The ``<svg>`` element (empty string when there are no findings)."""
    rows, cut = bars(findings, limit)
    return bar_chart(
        [(COLOURS[sev], code + (f" · {name or item}" if item else ""), f"{code} {item} {name}".strip(), count)
         for sev, code, item, name, count in rows],
        cut=cut, width=width, aria="検出事項 件数（コード × 項目） / Findings by code × item",
    )  # fmt: skip


def bar_chart(rows: Sequence[tuple[str, str, str, int]], *, cut: int = 0, width: int = 680, aria: str) -> str:
    """A horizontal bar chart: one bar per (colour, label, full title, count); ``""`` when empty.

    Shared by both report kinds (findings by code × item; differences by layout × item).
    """
    if not rows:
        return ""
    bar_h, gap, label_w, top = 16, 6, 300, 4
    count_w = 70
    plot_w = width - label_w - count_w
    height = top + len(rows) * (bar_h + gap) + (18 if cut else 0)
    peak = max(r[3] for r in rows) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(aria)}">'
    ]
    for n, (colour, label, full, count) in enumerate(rows):
        y = top + n * (bar_h + gap)
        w = max(2.0, plot_w * count / peak)
        parts.append(
            f"<g><title>{escape(full)}: {count:,}</title>"
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" class="lbl">'
            f"{escape(shorten(label, 44))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" rx="2"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" class="num">{count:,}</text></g>'
        )
    if cut:
        parts.append(
            f'<text x="{label_w}" y="{height - 4}" class="lbl">他 {cut} 件の組合せは表を参照 / '
            f"{cut} more combinations in the table</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
