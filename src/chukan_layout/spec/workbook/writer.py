"""``specs export``: layouts and code tables back to a workbook in a profile's shape.

For handing to vendors and reviewers.  The sheets are exactly what the profile's import
reads — label cells, header row, one row per item, a code-list sheet, and (beyond the
official columns) 規則 / 関連 sheets — so ``import(export(x)) == x`` up to provenance,
which an import always sets to the book it read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import SpecError
from ..model import CodeTable, Item, Layout, LengthUnit
from .cells import provenance_text
from .profile import Profile, TypeWord
from .sheets import _need

_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(pattern: str, n: int, total: int) -> str:
    """A sheet name the profile's pattern matches (``データ項目一覧表*`` → ``データ項目一覧表2``)."""
    return pattern.replace("*", str(n) if total > 1 else "").translate(_BAD_SHEET_CHARS)[:31]


def _type_word(profile: Profile, it: Item) -> TypeWord:
    words = [tw for tw in profile.types if tw.type is it.type]
    if not words:
        raise SpecError(
            f"profile {profile.profile} has no データ型 word for type {it.type.value} (item {it.id})"
        )
    exact = [tw for tw in words if tw.charset is it.charset]
    plain = [tw for tw in words if tw.charset is None]
    return (exact or plain or words)[0]


def _yes(profile: Profile, v: bool, *, explicit: bool = False) -> str:
    """The profile's mark for yes/no; ``explicit`` avoids a blank "no" where blank means a default."""
    if v:
        return profile.required_words[0]
    return next((w for w in profile.optional_words if w), "") if explicit else profile.optional_words[0]


_COLUMN_FIELDS = {
    "id",
    "name",
    "name_en",
    "type",
    "length",
    "scale",
    "charset",
    "required",
    "codes",
    "pattern",
    "check_digit",
    "partial_date",
    "era_range",
    "era_of",
    "sensitivity",
    "description",
    "provenance",
}


def item_cells(profile: Profile, it: Item) -> dict[str, str]:
    """field → cell text of one item (inverse of :func:`cells.item_fields`)."""
    tw = _type_word(profile, it)
    out = {"id": it.id, "name": it.name, "type": tw.word, "required": _yes(profile, it.required)}
    out["provenance"] = provenance_text(it.provenance)
    if it.length is not None:
        ln = it.length
        out["length"] = str(ln.max) if ln.min is None else f"{ln.min}..{ln.max}"
        if ln.unit is LengthUnit.BYTES:
            out["length_unit"] = f"{profile.byte_words[0]}({ln.encoding})"
        elif profile.length_unit is LengthUnit.BYTES:
            out["length_unit"] = profile.char_words[0]
    if it.charset.value != (tw.charset.value if tw.charset else "any"):
        out["charset"] = it.charset.value
    if it.scale is not None and it.scale != tw.scale:
        out["scale"] = str(it.scale)
    for f in ("codes", "name_en", "pattern", "era_of", "description"):
        if getattr(it, f) is not None:
            out[f] = getattr(it, f)
    if it.check_digit is not None:
        out["check_digit"] = it.check_digit.value
    if it.partial_date is not None:
        pd = it.partial_date
        out["partial_date"] = pd.flag_item + (
            "" if pd.allow == ["month", "day"] else ":" + ",".join(pd.allow)
        )
    if it.era_range:
        out["era_range"] = _yes(profile, True)
    if it.nonexistent is not None:
        out["nonexistent"] = it.nonexistent
    if it.allow_controls:
        out["allow_controls"] = _yes(profile, True)
    if it.sensitivity.value != "none":
        out["sensitivity"] = it.sensitivity.value
    extra = {
        k: v for k, v in it.model_dump(mode="json", exclude_defaults=True).items() if k not in _COLUMN_FIELDS
    }
    if extra:  # settings without a column of their own (added to the model later) survive the round trip
        out["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    return out


_SKIP_ON_EXPORT = {"note", "repeat", "key", "group"}  # derived on import; the layout keeps none of them


_LAYOUT_FIELDS = {
    "id",
    "gyomu",
    "gyomu_id",
    "file_name",
    "title",
    "spec_version",
    "description",
    "record_key",
    "items",
    "rules",
    "relations",
    "provenance",
    "reconcile",
    "edition",
}


def _meta(lay: Layout) -> dict[str, str | None]:
    ed = lay.edition
    extra = {
        k: v for k, v in lay.model_dump(mode="json", exclude_defaults=True).items() if k not in _LAYOUT_FIELDS
    }
    return {
        "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        "gyomu": lay.gyomu,
        "gyomu_id": lay.gyomu_id,
        "id": lay.id,
        "file_name": lay.file_name,
        "title_ja": lay.title.ja,
        "title_en": lay.title.en,
        "spec_version": lay.spec_version,
        "description": lay.description,
        "record_key": ", ".join(lay.record_key),
        "edition": ed.edition if ed else None,
        "date": ed.date if ed else None,
        "provenance": provenance_text(lay.provenance),
        "reconcile": None
        if lay.reconcile is None
        else json.dumps(lay.reconcile.model_dump(mode="json", exclude_none=True), ensure_ascii=False),
    }


def _append(ws: Any, row: Sequence[Any]) -> None:
    """Append a row; text starting with ``=`` stays text (openpyxl would store it as a formula)."""
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _item_sheet(ws: Any, profile: Profile, lay: Layout) -> None:
    spec = profile.items
    for field, value in _meta(lay).items():
        if value and field in spec.meta:
            _append(ws, [spec.meta[field][0], value])  # type: ignore[index]
    missing = [f for f in ("id", "gyomu", "record_key") if f not in spec.meta]
    if missing:
        raise SpecError(
            f"profile {profile.profile} has no label cells for {', '.join(missing)}: cannot export"
        )
    _append(ws, [])
    fields = [f for f in spec.columns if f not in _SKIP_ON_EXPORT]
    _append(ws, [spec.columns[f][0] for f in fields])  # type: ignore[index]
    for n, it in enumerate(lay.items, 1):
        cells = {"number": str(n), **item_cells(profile, it)}
        _append(ws, [cells.get(f, "") for f in fields])


def _table_sheet(ws: Any, columns: Mapping[str, Sequence[str]], rows: list[dict[str, str]]) -> None:
    fields = list(columns)
    _append(ws, [columns[f][0] for f in fields])
    for r in rows:
        _append(ws, [r.get(f, "") for f in fields])


def write_workbook(
    path: Path | str, profile: Profile, layouts: Sequence[Layout], codes: Sequence[CodeTable]
) -> Path:
    """Write ``layouts`` and ``codes`` to an xlsx in ``profile``'s shape; returns the path."""
    opx = _need("openpyxl")
    wb = opx.Workbook()
    wb.remove(wb.active)
    for n, lay in enumerate(layouts, 1):
        _item_sheet(wb.create_sheet(sheet_name(profile.items.sheets[0], n, len(layouts))), profile, lay)
    if codes:
        if profile.codes is None:
            raise SpecError(f"profile {profile.profile} has no code-list sheet: cannot export code tables")
        rows = [
            {
                "table_id": t.id,
                "table_name": t.name,
                "table_name_en": t.name_en or "",
                "code": v.code,
                "label": v.name,
                "label_en": v.name_en or "",
                "provenance": provenance_text(t.provenance) if i == 0 else "",
            }
            for t in codes
            for i, v in enumerate(t.values)
        ]
        _table_sheet(wb.create_sheet(sheet_name(profile.codes.sheets[0], 1, 1)), profile.codes.columns, rows)
    rules = [
        {
            "layout": lay.id,
            "id": r.id,
            "when": r.when or "",
            "check": r.check,
            "message": r.message,
            "message_en": r.message_en or "",
            "severity": r.severity,
            "items": ", ".join(r.items),
            "provenance": provenance_text(r.provenance),
        }
        for lay in layouts
        for r in lay.rules
    ]
    rels = [
        {
            "layout": lay.id,
            "id": r.id,
            "items": ", ".join(r.items),
            "target_layout": r.layout,
            "target_items": ", ".join(r.target_items),
            "optional": _yes(profile, r.optional, explicit=True),
            "provenance": provenance_text(r.provenance),
        }
        for lay in layouts
        for r in lay.relations
    ]
    for kind, spec, rows_ in (("rules", profile.rules, rules), ("relations", profile.relations, rels)):
        if rows_:
            if spec is None:
                raise SpecError(f"profile {profile.profile} has no {kind} sheet: cannot export {kind}")
            _table_sheet(wb.create_sheet(sheet_name(spec.sheets[0], 1, 1)), spec.columns, rows_)
    out = Path(path)
    wb.save(out)
    return out
