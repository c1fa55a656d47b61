"""Rule and relation sheets (``規則`` / ``関連``): what ``specs export`` writes beyond the official
columns so that a layout survives the round trip; optional on import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ...errors import SpecLoadError
from ..model import Layout, Relation, RowRule
from .sheets import Sheet
from .tables import data_rows, find_header, matching_sheets

if TYPE_CHECKING:
    from .importer import _Import


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _rule(row: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"id": row.text("id"), "check": row.text("check"), "message": row.text("message")}
    for f in ("when", "message_en", "severity"):
        if row.text(f):
            d[f] = row.text(f)
    if row.text("items"):
        d["items"] = _split(row.text("items"))
    return d


def _relation(row: Any, imp: _Import) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": row.text("id"),
        "items": _split(row.text("items")),
        "layout": row.text("target_layout"),
        "target_items": _split(row.text("target_items")),
    }
    if row.text("optional"):
        from .cells import flag

        d["optional"] = flag(imp.profile, row.text("optional"), "optional")
    return d


def attach_rules_relations(imp: _Import, sheets: Sequence[Sheet], layouts: list[Layout]) -> list[Layout]:
    """The layouts with the rows of the profile's rule and relation sheets added."""
    from .cells import CellError, provenance

    by_id = {lay.id: lay for lay in layouts}
    extra: dict[str, dict[str, list[Any]]] = {lid: {"rules": [], "relations": []} for lid in by_id}
    for kind, spec, model in (
        ("rules", imp.profile.rules, RowRule),
        ("relations", imp.profile.relations, Relation),
    ):
        if spec is None:
            continue
        for sh in matching_sheets(sheets, spec.sheets):
            try:
                hdr, cols = find_header(imp.book, sh, spec.header_row, spec.columns, spec.required_columns)
            except SpecLoadError as e:
                imp.problems.append(e)
                continue
            for row in data_rows(sh, hdr, cols):
                lid = row.text("layout")
                if lid not in by_id:
                    imp.problem(
                        row.at("layout"), f"{kind[:-1]} for layout {lid!r}, which is not in this book"
                    )
                    continue
                try:
                    d = _rule(row) if kind == "rules" else _relation(row, imp)
                    obj = model.model_validate(
                        {**d, "provenance": provenance(row.text("provenance"), imp.book, row.at())}
                    )
                except CellError as e:
                    imp.problem(row.at(e.field), str(e))
                    continue
                except ValidationError as e:
                    err = e.errors()[0]
                    loc = next((p for p in err["loc"] if isinstance(p, str)), None)
                    imp.problem(row.at(loc), str(err["msg"]).removeprefix("Value error, "))
                    continue
                extra[lid][kind].append(obj)
    return [
        lay.model_copy(update=extra[lay.id]) if extra[lay.id]["rules"] or extra[lay.id]["relations"] else lay
        for lay in layouts
    ]
