"""外字対応表: the mapping-table format, its loader and writer.

One file per source system (``gaiji/*.tsv`` shipped, or the user's), TSV, UTF-8, one header
line (``#`` lines are comments)::

    source_system	source_code	target	mj_name	status	basis	note
    vendor_a	U+E000	U+9AD9	MJ028902	exact	glyph_match	髙 (はしごだか)
    vendor_a	U+E001	U+845B U+E0100	MJ022336	identified	koseki	葛 (IVS)
    vendor_a	U+E002	U+9AD8		degraded	manual	髙 variant → 高 (代替)
    vendor_a	U+E003			unmapped		not identified yet
    mainframe	X'6941'	U+5D0E		identified	jis_inclusion	JEF 拡張漢字

- ``source_code``: ``U+XXXX`` (the code point as decoded — cp932 user area F040 is U+E000) or
  ``X'hex'`` (a vendor code of an EBCDIC / JEF / KEIS source).
- ``target``: space-separated code points (IVS/SVS sequences included); empty only for ``unmapped``.
- ``status``: ``exact`` | ``identified`` | ``degraded`` | ``unmapped``; ``basis`` one free word
  (glyph_match, koseki, jis_inclusion, manual, synthetic …); ``note`` free text.

YAML with the same fields is accepted too (``entries: [{source_system: …, …}]``).
The loader rejects duplicates, malformed code points, variation selectors that do not follow an
ideograph / IVS not registered in the IVD, unknown MJ names (with an index), and status/target
contradictions. Every error names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GaijiError
from ..spec.sequences import sequence_problems
from .targets import is_vs

if TYPE_CHECKING:
    from .mj_index import MJIndex

COLUMNS = ["source_system", "source_code", "target", "mj_name", "status", "basis", "note"]
_CP = re.compile(r"^[Uu]\+([0-9A-Fa-f]{4,6})$")
_VENDOR = re.compile(r"^[Xx]'((?:[0-9A-Fa-f]{2})+)'$")
_MJ = re.compile(r"^MJ\d{6}$")
_SYSTEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class Status(StrEnum):
    """How sure a mapping is. ``exact``: same glyph; ``identified``: same character by evidence
    (戸籍/住基 tables, JIS 包摂); ``degraded``: a substitute (代替), always flagged; ``unmapped``."""

    EXACT = "exact"
    IDENTIFIED = "identified"
    DEGRADED = "degraded"
    UNMAPPED = "unmapped"


@dataclass(frozen=True)
class MappingEntry:
    """One row of a 外字対応表. ``target`` is text (``"葛\\U000e0100"``), not notation."""

    source_system: str
    source_code: str  # canonical notation: U+E000 or X'6941'
    target: str
    mj_name: str
    status: Status
    basis: str = ""
    note: str = ""
    file: str = ""
    line: int = 0

    @property
    def key(self) -> str | None:
        """The decoded text this entry matches in data (``None`` for vendor hex codes)."""
        m = _CP.match(self.source_code)
        return chr(int(m.group(1), 16)) if m else None


def format_code_points(text: str) -> str:
    """``"葛\\U000e0100"`` → ``"U+845B U+E0100"``."""
    return " ".join(f"U+{ord(c):04X}" for c in text)


def parse_code_points(notation: str) -> str:
    """``"U+845B U+E0100"`` → text. Raises ``ValueError`` on malformed or invalid code points."""
    out = []
    for part in notation.split():
        m = _CP.match(part)
        if not m:
            raise ValueError(f"malformed code point {part!r} (expected U+XXXX)")
        cp = int(m.group(1), 16)
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            raise ValueError(f"invalid code point {part}")
        out.append(chr(cp))
    return "".join(out)


def normalize_source_code(code: str) -> str:
    """Canonical ``U+E000`` / ``X'6941'``; raises ``ValueError`` when it is neither."""
    code = code.strip()
    m = _CP.match(code)
    if m:
        cp = int(m.group(1), 16)
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            raise ValueError(f"invalid code point {code}")
        return f"U+{cp:04X}"
    v = _VENDOR.match(code)
    if v:
        return f"X'{v.group(1).upper()}'"
    raise ValueError(f"malformed source code {code!r} (expected U+XXXX or X'hex')")


def check_sequence(target: str, mj_index: MJIndex | None = None) -> str | None:
    """Problem with the variation selectors in ``target``, or ``None`` when fine."""
    problems = sequence_problems(target)  # the shared definition (spec/sequences.py)
    if problems:
        return f"not a legitimate character sequence: {', '.join(problems)}"
    for i, ch in enumerate(target):
        cp = ord(ch)
        if cp >= 0xE0100 and is_vs(cp):
            base = target[i - 1]
            if mj_index is not None and not mj_index.is_registered_ivs(base + ch):
                return f"IVS {format_code_points(base + ch)} is not registered in the IVD"
    return None


@dataclass
class MappingTable:
    """Entries of one or more source systems, keyed by ``(source_system, source_code)``."""

    entries: dict[tuple[str, str], MappingEntry] = field(default_factory=dict)
    path: str = ""

    def __iter__(self) -> Iterator[MappingEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def systems(self) -> set[str]:
        return {s for s, _ in self.entries}

    def for_system(self, source_system: str) -> list[MappingEntry]:
        return [e for (s, _), e in self.entries.items() if s == source_system]

    def get(self, source_system: str, source_code: str) -> MappingEntry | None:
        return self.entries.get((source_system, normalize_source_code(source_code)))


def entry_from_fields(
    row: dict[str, str],
    *,
    file: str,
    line: int,
    mj_index: MJIndex | None = None,
    literal_target: bool = False,
) -> MappingEntry:
    """Validate one row's fields into a :class:`MappingEntry` (``GaijiError`` names file:line).

    ``literal_target``: the target cell may be literal text (review sheets) instead of notation."""

    def fail(msg: str) -> GaijiError:
        return GaijiError(f"{file}:{line}: {msg}")

    get = lambda k: str(row.get(k) or "").strip()  # noqa: E731
    system = get("source_system")
    if not _SYSTEM.match(system):
        raise fail(f"bad source_system {system!r}")
    try:
        code = normalize_source_code(get("source_code"))
    except ValueError as e:
        raise fail(str(e)) from None
    raw_target = str(row.get("target") or "")
    try:
        if literal_target and raw_target.strip() and not raw_target.strip().startswith("U+"):
            target = raw_target.strip(" \t")  # literal characters, kept exactly (never normalized)
        else:
            target = parse_code_points(raw_target)
    except ValueError as e:
        raise fail(f"target: {e}") from None
    try:
        status = Status(get("status") or ("unmapped" if not target else ""))
    except ValueError:
        raise fail(f"bad status {get('status')!r} (exact|identified|degraded|unmapped)") from None
    if status is Status.UNMAPPED and target:
        raise fail(f"status unmapped but a target is given ({format_code_points(target)})")
    if status is not Status.UNMAPPED and not target:
        raise fail(f"status {status} needs a target")
    problem = check_sequence(target, mj_index)
    if problem:
        raise fail(problem)
    mj = get("mj_name")
    if mj:
        if not _MJ.match(mj):
            raise fail(f"malformed MJ name {mj!r} (expected MJ + 6 digits)")
        if mj_index is not None and not mj_index.exists(mj):
            raise fail(f"MJ name {mj} does not exist in the MJ list")
    return MappingEntry(system, code, target, mj, status, get("basis"), get("note"), file, line)


def _add(table: MappingTable, entry: MappingEntry) -> None:
    key = (entry.source_system, entry.source_code)
    old = table.entries.get(key)
    if old is not None:
        raise GaijiError(
            f"{entry.file}:{entry.line}: duplicate {entry.source_system} {entry.source_code} "
            f"(first at line {old.line})"
        )
    table.entries[key] = entry


def _tsv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header: list[str] | None = None
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in COLUMNS[:5] if c not in header]
            if missing:
                raise GaijiError(
                    f"{path}:{lineno}: header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)})"
                )
            continue
        if len(cells) > len(header):
            raise GaijiError(f"{path}:{lineno}: {len(cells)} cells but the header has {len(header)}")
        yield lineno, dict(zip(header, cells, strict=False))


def _yaml_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    import yaml

    from ..yaml_guard import yaml_problem

    bad = yaml_problem(path.read_bytes())
    if bad is not None:
        raise GaijiError(f"{path}{'' if bad[0] is None else f':{bad[0]}'}: {bad[1]}")
    try:
        doc = yaml.compose(path.read_text(encoding="utf-8-sig"))
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as e:
        raise GaijiError(f"{path}: invalid YAML: {e}") from None
    default_system = data.get("source_system", "") if isinstance(data, dict) else ""
    rows = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise GaijiError(f"{path}: expected a list of entries (or a mapping with `entries:`)")
    nodes = _entry_nodes(doc)
    for i, row in enumerate(rows):
        line = nodes[i].start_mark.line + 1 if i < len(nodes) else 0
        if not isinstance(row, dict):
            raise GaijiError(f"{path}:{line}: an entry must be a mapping")
        unknown = set(row) - set(COLUMNS)
        if unknown:
            raise GaijiError(f"{path}:{line}: unknown field(s) {', '.join(sorted(unknown))}")
        yield (
            line,
            {"source_system": default_system, **{k: "" if v is None else str(v) for k, v in row.items()}},
        )


def _entry_nodes(doc: object) -> list:  # type: ignore[type-arg]
    import yaml

    if isinstance(doc, yaml.MappingNode):
        for k, v in doc.value:
            if k.value == "entries" and isinstance(v, yaml.SequenceNode):
                return list(v.value)
        return []
    return list(doc.value) if isinstance(doc, yaml.SequenceNode) else []


def load_table(path: str | Path, mj_index: MJIndex | None = None) -> MappingTable:
    """Load and check a 外字対応表 (``.tsv``/``.txt``, ``.yaml``/``.yml``, or a review ``.csv``)."""
    p = Path(path)
    if not p.is_file():
        raise GaijiError(f"{p}: mapping table not found")
    try:
        if p.suffix.lower() == ".csv":
            from .review import load_review_csv

            return load_review_csv(p, mj_index=mj_index)
        rows = _yaml_rows(p) if p.suffix.lower() in (".yaml", ".yml") else _tsv_rows(p)
        table = MappingTable(path=str(p))
        for lineno, row in rows:
            _add(table, entry_from_fields(row, file=str(p), line=lineno, mj_index=mj_index))
    except UnicodeDecodeError as e:  # a table of random bytes gave a traceback (issue 14)
        raise GaijiError(f"{p}: not UTF-8 text (byte offset {e.start}): not a 外字 mapping table") from None
    return table


def table_from_entries(entries: Iterable[MappingEntry], path: str = "") -> MappingTable:
    """A table from entries (duplicates rejected)."""
    table = MappingTable(path=path)
    for e in entries:
        _add(table, e)
    return table


def write_table(table: MappingTable | Iterable[MappingEntry], path: str | Path) -> Path:
    """Write entries as a TSV 外字対応表 (sorted by system and code; LF; UTF-8)."""
    entries = sorted(table, key=lambda e: (e.source_system, e.source_code))
    lines = ["\t".join(COLUMNS)]
    for e in entries:
        cells = [e.source_system, e.source_code, format_code_points(e.target), e.mj_name, str(e.status),
                 e.basis, e.note]  # fmt: skip
        lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
    p = Path(path)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p
