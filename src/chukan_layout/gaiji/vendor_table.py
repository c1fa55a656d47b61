"""A vendor's own 外字 list → the tool's 外字対応表 (``chukan-layout gaiji import``).

Vendors hand over their 外字 in their own form: a Shift_JIS user-area code with the intended
character (``F040<TAB>辻󠄀``), or a list of codes with glyph images. Two input forms:

- ``sjis-tsv``: ``CODE<TAB>TARGET[<TAB>MJ名[<TAB>備考]]``, ``#`` comments, an optional header line;
- ``csv``: a header row naming the columns (``code``/``コード``/``外字コード``, ``target``/``文字``/
  ``対応文字``, ``mj_name``/``MJ文字図形名``, ``status``, ``note``/``備考``, ``image``/``画像``).

Codes (``F040``, ``0xF040``, ``X'F040'``, ``F0 40``) are Shift_JIS user-area codes (F040–F9FC →
``U+E000``–``U+E757``, the code point cp932 decodes them to; ``--codes sjis``) or EBCDIC DBCS
codes (both bytes 41–FE, written ``X'6941'``; ``--codes ebcdic``). The target is literal text
(IVS kept exactly, never normalized) or ``U+8FBB U+E0100`` notation; an empty target is an
``unmapped`` row (an image list). **Every row is validated** like a table row (legitimate
sequences, MJ name format and, with the index, existence; duplicates); all problems are reported
together, naming file and line, and nothing is written when one is found.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import GaijiError
from .table import MappingTable, _add, entry_from_fields, format_code_points
from .targets import is_pua

if TYPE_CHECKING:
    from .mj_index import MJIndex

Form = Literal["sjis-tsv", "csv"]
CodeKind = Literal["sjis", "ebcdic"]
_HEX = re.compile(r"^(?:0x|X')?([0-9A-Fa-f]{2})\s?([0-9A-Fa-f]{2})'?$")
_COLUMNS = {
    "code": ("code", "source_code", "コード", "外字コード", "文字コード", "sjis", "ebcdic"),
    "target": ("target", "文字", "対応文字", "字形", "character", "ucs", "unicode"),
    "mj_name": ("mj_name", "mj", "MJ文字図形名", "MJ名"),
    "status": ("status", "状態"),
    "note": ("note", "備考", "読み"),
    "image": ("image", "画像", "イメージ"),
}
MAX_SHOWN = 20


def vendor_code(text: str, kind: CodeKind) -> tuple[str, str]:
    """(table source code, the vendor's code as written back in the note), or ValueError.

    >>> vendor_code("F040", "sjis")
    ('U+E000', 'SJIS F040')
    >>> vendor_code("X'6941'", "ebcdic")
    ("X'6941'", 'EBCDIC 6941')
    """
    m = _HEX.match(text.strip())
    if m is None:
        raise ValueError(f"malformed code {text.strip()!r} (expected 4 hex digits, e.g. F040)")
    lead, trail = int(m[1], 16), int(m[2], 16)
    hexcode = f"{lead:02X}{trail:02X}"
    if kind == "sjis":
        if not (0xF0 <= lead <= 0xF9 and (0x40 <= trail <= 0x7E or 0x80 <= trail <= 0xFC)):
            raise ValueError(f"{hexcode} is not in the Shift_JIS user area (F040–F9FC)")
        return f"U+{ord(bytes([lead, trail]).decode('cp932')):04X}", f"SJIS {hexcode}"
    if not (0x41 <= lead <= 0xFE and 0x41 <= trail <= 0xFE):
        raise ValueError(f"{hexcode} is not an EBCDIC DBCS code (both bytes 41–FE)")
    return f"X'{hexcode}'", f"EBCDIC {hexcode}"


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp932")  # a Shift_JIS list from a Windows tool


def _tsv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    first = True
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if first and not _HEX.match(cells[0].strip()):
            first = False  # a header line
            continue
        first = False
        names = ("code", "target", "mj_name", "note")
        yield lineno, {k: v for k, v in zip(names, cells, strict=False)}


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise GaijiError(f"{path}:1: empty file (a header row is needed)")
    where: dict[str, int] = {}
    for i, name in enumerate(c.strip() for c in header):
        for key, names in _COLUMNS.items():
            if name in names or name.lower() in names:
                where.setdefault(key, i)
    if "code" not in where:
        raise GaijiError(f"{path}:1: no code column (one of {', '.join(_COLUMNS['code'])})")
    for lineno, row in enumerate(reader, 2):
        if not any(c.strip() for c in row):
            continue
        yield lineno, {k: row[i] if i < len(row) else "" for k, i in where.items()}


def import_vendor_table(
    path: str | Path,
    form: Form,
    source_system: str,
    codes: CodeKind = "sjis",
    mj_index: MJIndex | None = None,
) -> MappingTable:
    """Read a vendor's 外字 list into a :class:`MappingTable` (every row validated; see module)."""
    p = Path(path)
    if not p.is_file():
        raise GaijiError(f"{p}: file not found")
    text = _text(p)
    rows = _csv_rows(text, p) if form == "csv" else _tsv_rows(text)
    table = MappingTable(path=str(p))
    problems: list[str] = []
    for lineno, row in rows:
        try:
            code, written = vendor_code(row.get("code", ""), codes)
            target = (row.get("target") or "").strip(" \t")
            note = "; ".join(x for x in (written, (row.get("note") or "").strip(), _image(row)) if x)
            fields = {
                "source_system": source_system,
                "source_code": code,
                "target": target,
                "mj_name": row.get("mj_name", ""),
                "status": row.get("status") or ("identified" if target else "unmapped"),
                "basis": "vendor_table",
                "note": note,
            }
            entry = entry_from_fields(
                fields, file=str(p), line=lineno, mj_index=mj_index, literal_target=True
            )
            pua = [c for c in entry.target if is_pua(ord(c))]
            if pua:  # a 外字 mapped to another private code identifies nothing
                raise ValueError(f"target {format_code_points(''.join(pua))} is itself a private-use 外字")
            _add(table, entry)
        except ValueError as e:
            problems.append(f"{p}:{lineno}: {e}")
        except GaijiError as e:
            problems.append(str(e))
    if problems:
        # one line (the CLI prints errors on one line): the rows separated by " | "
        shown = " | ".join(problems[:MAX_SHOWN])
        more = f" | … {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
        raise GaijiError(f"{len(problems)} invalid row(s), nothing written: {shown}{more}")
    if not table.entries:
        raise GaijiError(f"{p}: no rows")
    return table


def _image(row: dict[str, str]) -> str:
    img = (row.get("image") or "").strip()
    return f"image {img}" if img else ""
