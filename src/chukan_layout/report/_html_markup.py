"""The markup of the sign-off pages (``report.html``, ``reconcile.html``): escaped text, bilingual
labels, tables, sizes and times.

Every value goes through :func:`t`: HTML-escaped, control characters shown as ``[U+001B]`` so a
value cannot hide text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from html import escape

JST = timezone(timedelta(hours=9), "JST")
_CTL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


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


def table(head: Sequence[tuple[str, str, str]], rows: Iterable[Sequence[str]], cls: str = "") -> str:
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


def size(b: int) -> str:
    for unit, k in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= k:
            return f'{b / k:.1f} {unit}<br><span class="note">{n(b)} B</span>'
    return f"{n(b)} B"


def when(iso: str) -> str:
    try:
        dt = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return t(iso)
    return f'{dt.astimezone(JST):%Y年%m月%d日 %H:%M} JST <span class="note">({t(iso)})</span>'
