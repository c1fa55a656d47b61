"""``adapters scaffold``: a vendor layout sheet + a target layout → an adapter skeleton (YAML).

The ``definition:`` block comes from :mod:`.layout_sheet`; the ``targets:`` mapping is a
*proposal*: each layout item is matched to a sheet field by 項目名 / 項目ID — exact, then
normalised (width, case and separators folded for the comparison only; values are never
touched), then fuzzy (difflib ratio ≥ ``FUZZY_MIN``, the score in a comment).  Items that
need a transform (和暦 dates, half-width kana, 不詳) get a ``TODO`` comment, required items
with no field a ``TODO`` line; the engineer finishes the mapping and ``convert`` checks it.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import DefinitionError
from ..readers.definition import CsvDefinition, FixedWidthDefinition, RecordRole
from ..spec.model import Charset, Item, ItemType, Layout
from .layout_sheet import SheetProfile, read_sheets, sheet_definition

FUZZY_MIN = 0.6


@functools.lru_cache(maxsize=4096)
def match_key(s: str) -> str:
    """Comparison key of a name: NFKC, case-folded, separators removed (for matching only)."""
    return re.sub(r"[\s_\-・()（）\[\]［］]", "", unicodedata.normalize("NFKC", s)).casefold()


@dataclass
class Proposal:
    item: Item
    field: str | None
    how: str  # exact | normalised | fuzzy 0.83 | none
    todo: list[str]


def _score(item: Item, field: str, label: str) -> tuple[str, float]:
    """(how, score) of a field for an item; exact 3, normalised 2, fuzzy 1 + ratio.

    ``header.FIELD`` (a header-record field put on every row) scores a little below a data field."""
    if field.startswith("header."):
        how, score = _score(item, field.removeprefix("header."), label)
        return how, max(0.0, score - 0.01)
    stripped = re.sub(r"^[A-Za-z]{1,3}_", "", field)  # vendor prefixes like JU_ / SE_
    if label == item.name or field == item.id:
        return "exact", 3.0
    if match_key(item.name) in (match_key(label), match_key(field)) or match_key(item.id) in (
        match_key(field),
        match_key(stripped),
    ):
        return "normalised", 2.0
    r = max(
        _ratio(match_key(item.name), match_key(label)) if label else 0.0,
        _ratio(match_key(item.id), match_key(stripped)),
    )
    return (f"fuzzy {r:.2f}", 1.0 + r) if r >= FUZZY_MIN else ("none", 0.0)


def _ratio(a: str, b: str) -> float:
    sm = difflib.SequenceMatcher(None, a, b)
    # the cheap upper bounds first: most pairs of a wide record cannot reach FUZZY_MIN
    if sm.real_quick_ratio() < FUZZY_MIN or sm.quick_ratio() < FUZZY_MIN:
        return 0.0
    return sm.ratio()


def _todos(item: Item, field_len: int | None, field_type: str | None) -> list[str]:
    out = []
    if item.type is ItemType.DATE and field_len in (6, 7):
        out.append("和暦? add a wareki step (eras: …)")
    elif item.type is ItemType.DATE and field_len == 8:
        out.append("YYYYMMDD? add a date step")
    if item.charset is Charset.ZENKAKU_KANA:
        out.append("kana: half-width source? add {kana: zenkaku}")
    if item.partial_date is not None:
        out.append(f"不詳: the step must set {item.partial_date.flag_item}")
    if field_type in ("P", "S", "B"):
        out.append(f"numeric field ({field_type}): check sign and scale")
    return out


def propose(
    layout: Layout, fields: list[str], labels: dict[str, str], lengths: dict[str, tuple[int, str]]
) -> list[Proposal]:
    """One proposal per layout item; each field is used at most once, best scores first."""
    pairs = []
    for i, it in enumerate(layout.items):
        for f in fields:
            how, s = _score(it, f, labels.get(f, ""))
            if s:
                pairs.append((-s, i, f, how))
    taken: set[str] = set()
    chosen: dict[int, tuple[str, str]] = {}
    for _, i, f, how in sorted(pairs):
        if i not in chosen and f not in taken:
            chosen[i] = (f, how)
            taken.add(f)
    out = []
    for i, it in enumerate(layout.items):
        if i not in chosen:
            out.append(Proposal(it, None, "none", []))
            continue
        fld, how = chosen[i]
        ln, typ = lengths.get(fld, (None, None))
        out.append(Proposal(it, fld, how, _todos(it, ln, typ)))
    return out


def _dump(obj: object, indent: int = 0) -> list[str]:
    text = yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=110)
    return [" " * indent + line for line in text.splitlines()]


def scaffold(
    sheet_path: Path | str, layout: Layout, adapter: str, profile: SheetProfile | None = None
) -> str:
    """The adapter skeleton as YAML text with comments (one source per sheet of the book)."""
    path = Path(sheet_path)
    lines = [
        f"# Adapter skeleton scaffolded by `chukan-layout adapters scaffold` from {path.name}.",
        "# The targets are PROPOSALS: check every line, finish each TODO, then run",
        f"#   chukan-layout convert --adapter {adapter}.yaml … (it names anything still wrong, with its line).",
        f"adapter: {adapter}",
        "sources:",
    ]
    targets: list[str] = ["targets:"]
    sheets = read_sheets(path)
    done = 0
    for sheet in sheets:
        try:
            definition, meta, labels = sheet_definition(sheet, path.name, profile)
        except DefinitionError as e:
            if len(sheets) > 1 and "no header row" in str(e):
                continue  # a cover or notes sheet of a workbook
            raise
        done += 1
        sid = (
            re.sub(r"[^A-Za-z0-9_]", "_", Path(meta.get("file") or sheet.name).stem).lower().strip("_")
            or "source"
        )
        if not sid[0].isalpha():
            sid = f"s_{sid}"
        lines += [f"  {sid}:", f"    files: [{meta.get('file') or '*'}]", "    trim: true", "    definition:"]
        lines += _dump(
            definition.model_dump(mode="json", exclude_defaults=True) | {"kind": definition.kind}, 6
        )
        for rt_name, fields, lengths in _data_types(definition):
            targets += [f"- layout: {layout.id}", f"  source: {sid}"]
            if rt_name:
                targets.append(f"  record_type: {rt_name}")
            targets.append("  items:")
            hl = {f: labels.get(f.removeprefix("header."), "") for f in fields if f.startswith("header.")}
            for p in propose(layout, fields, {**labels, **hl}, lengths):
                targets += _item_lines(p, {**labels, **hl})
    if not done:
        raise DefinitionError(
            f"no sheet of {path.name} has a layout table (項目名 / 開始 / 桁数 …)", file=str(path)
        )
    return "\n".join([*lines, *targets]) + "\n"


def _data_types(
    d: FixedWidthDefinition | CsvDefinition,
) -> list[tuple[str | None, list[str], dict[str, tuple[int, str]]]]:
    if isinstance(d, CsvDefinition):
        return [(None, list(d.columns or []), {})]
    head = [f for rt in d.record_types if rt.role is RecordRole.HEADER for f in rt.fields]
    out: list[tuple[str | None, list[str], dict[str, tuple[int, str]]]] = []
    for rt in (r for r in d.record_types if r.role is RecordRole.DATA):
        own = {f.name for f in rt.fields}
        extra = [f for f in head if f.name not in own]  # header fields: `header.FIELD` in an adapter
        fields = [f.name for f in rt.fields] + [f"header.{f.name}" for f in extra]
        lengths = {f.name: (f.length, f.type.value) for f in rt.fields}
        lengths.update({f"header.{f.name}": (f.length, f.type.value) for f in extra})
        out.append((rt.name, fields, lengths))
    return out


def _item_lines(p: Proposal, labels: dict[str, str]) -> list[str]:
    it = p.item
    if p.field is None:
        if it.required:
            return [f"    # TODO {it.id}: required ({it.name}) — no field found; map it or use const"]
        return [f"    # {it.id}: ({it.name}) no field found"]
    label = labels.get(p.field, "")
    why = "exact" if p.how == "exact" else f"{p.how}: {it.name} ~ {label or p.field}"
    todo = "".join(f"  TODO: {t}" for t in p.todo)
    key = yaml.safe_dump(p.field, allow_unicode=True).strip().removesuffix("...").strip()
    return [f"    {it.id}: {key}  # {why}{todo}"]
