"""Edition metadata (業務, 版, date) from a book's file name, by the profile's pattern.

``001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx`` → no ``001``, 業務 ``住民基本台帳``,
edition ``第2.1版``, date ``2023-09-29``.  Cells named in the profile's ``meta:`` override these.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Edition


def edition_from_name(book: str, pattern: str | None) -> Edition:
    """The parts of the file name that ``pattern`` (named groups no, gyomu, edition, date) finds."""
    stem = Path(book).stem
    parts: dict[str, str | None] = {}
    m = re.match(pattern, stem) if pattern else None
    if m is not None:
        groups = m.groupdict()
        parts = {k: groups.get(k) for k in ("no", "gyomu", "edition", "date")}
    return Edition(
        book=Path(book).name,
        gyomu_no=parts.get("no"),
        gyomu=parts.get("gyomu"),
        edition=parts.get("edition"),
        date=iso_date(parts.get("date")),
    )


def iso_date(text: str | None) -> str | None:
    """``20230929`` / ``2023/09/29`` / ``2023-09-29`` → ``2023-09-29``; anything else kept as written."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})", text.strip())
    if m is None:
        return text
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"
